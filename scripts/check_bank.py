"""Check question files against corpus/questions/README.md and print a summary.

    python scripts/check_bank.py                      # the whole bank
    python scripts/check_bank.py corpus/questions/table.jsonl eval/heldout.jsonl
"""
from __future__ import annotations

import sys
from collections import Counter
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.bank import BankError, load_bank  # noqa: E402
from app.corpus import load_corpus  # noqa: E402


def main(argv: list[str]) -> int:
    corpus = load_corpus()
    paths = [Path(a) for a in argv] or None
    try:
        questions = load_bank(corpus, paths)
    except BankError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    routes = Counter(q.query.route for q in questions)
    langs = Counter(q.lang for q in questions)
    styles = Counter(s for q in questions for s in q.styles)
    templated = sum(q.template is not None for q in questions)
    print(f"{len(questions)} questions · {dict(langs)} · routes {dict(routes)}")
    print(f"templated {templated} · distinct wordings {len({q.question.strip() for q in questions})}")
    print("styles: " + ", ".join(f"{s} {n}" for s, n in styles.most_common()))
    gold = Counter(g for q in questions if q.query.route == "passage" for g in q.query.gold)
    facts = [s.id for s in corpus.sentences if s.fact]
    thin = [s for s in facts if gold[s] < 3]
    print(f"fact sentences gold for < 3 questions: {len(thin)} of {len(facts)}"
          + (f" (e.g. {', '.join(thin[:12])})" if thin else ""))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
