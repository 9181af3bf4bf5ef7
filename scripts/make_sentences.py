"""Write corpus/sentences.jsonl (see app/sentences.py): every sentence of the paper with a stable id.

    python scripts/make_sentences.py [CORPUS_DIR]
"""
from __future__ import annotations

import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from app.corpus import CORPUS_DIR  # noqa: E402
from app.sentences import write_sentences  # noqa: E402


def main() -> None:
    target = write_sentences(Path(sys.argv[1]) if len(sys.argv) > 1 else CORPUS_DIR)
    print(f"{target}: {sum(1 for _ in target.open(encoding='utf-8'))} sentences")


if __name__ == "__main__":
    main()
