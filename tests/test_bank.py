"""The question bank (corpus/questions) and the held-out set (eval/heldout.jsonl): schema, coverage, and the
guard that keeps them apart."""
from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest

from app.bank import BankError, bank_files, load_bank, parse_line, question_key

ROOT = Path(__file__).resolve().parent.parent
HELDOUT = ROOT / "eval" / "heldout.jsonl"
VALIDATION = ROOT / "eval" / "validation.jsonl"


@pytest.fixture(scope="module")
def bank(corpus):
    return load_bank(corpus)


def test_bank_is_large_and_mostly_persian(bank):
    assert len(bank) >= 3000
    assert sum(q.lang == "fa" for q in bank) >= len(bank) / 2
    assert sum(q.query.route == "unanswerable" for q in bank) >= 300
    assert sum(q.template is None for q in bank) >= 2 * len(bank) / 3
    assert len({question_key(q.question) for q in bank}) >= 0.95 * len(bank)


def test_bank_asks_the_ways_people_ask(bank):
    styles = Counter(s for q in bank for s in q.styles)
    for style in ("formal", "colloquial", "typo", "arabic_letters", "no_zwnj", "finglish", "mixed", "gregorian",
                  "fragment", "request", "followup"):
        assert styles[style] >= 50, style
    assert sum(q.query.followup for q in bank) >= 150 and all(q.context for q in bank if q.query.followup)


def test_every_fact_sentence_is_gold_in_both_languages(bank, corpus):
    gold: dict[str, Counter] = {}
    for q in bank:
        for sentence in q.query.gold:
            gold.setdefault(sentence, Counter())[q.lang] += 1
    for sentence in (s for s in corpus.sentences if s.fact):
        counts = gold.get(sentence.id, Counter())
        assert sum(counts.values()) >= 3 and counts["fa"] >= 1 and counts["en"] >= 1, sentence.id


def test_every_table_operation_meets_every_kind_of_filter(bank):
    kinds = ("era", "concept", "city", "country", "continent", "doc_family", "sister_city", "year")
    cells = Counter()
    for q in bank:
        if q.query.route == "table":
            label = q.query.filters.to_label()
            for kind in kinds:
                if kind in label:
                    cells[(q.query.op, kind)] += 1
    for op in ("list", "count", "first", "last", "share", "most", "least", "group"):
        for kind in ("era", "concept", "continent", "doc_family", "sister_city", "year"):
            assert cells[(op, kind)] >= 2, (op, kind)
    for kind in ("city", "country"):
        assert cells[("lookup", kind)] >= 20 and cells[("membership", kind)] >= 5


@pytest.mark.parametrize("line,message", [
    ("not json", "invalid JSON"),
    ('{"id": "x"}', "missing field"),
    ('{"id": "x", "group": "g", "lang": "de", "style": ["formal"], "question": "q", "label": {}}', "lang"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["shouting"], "question": "q", "label": {}}', "style"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["formal"], "question": "q", "label": {"route": "x"}}',
     "route"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["formal"], "question": "q", '
     '"label": {"route": "passage", "gold": ["9-9.9/9"], "asks": "fact"}}', "unknown sentence"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["formal"], "question": "q", '
     '"label": {"route": "table", "op": "most"}}', "needs by"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["formal"], "question": "q", '
     '"label": {"route": "table", "op": "list", "filters": {"era": ["4-1-9"]}}}', "era filter"),
    ('{"id": "x", "group": "g", "lang": "en", "style": ["followup"], "question": "q", '
     '"label": {"route": "table", "op": "list", "followup": true}}', "needs its context"),
])
def test_malformed_bank_lines_are_named(corpus, line, message):
    with pytest.raises(BankError, match=message):
        parse_line(line, "bank.jsonl:7", corpus)


def test_repeated_ids_are_refused(corpus, tmp_path):
    line = '{"id": "x", "group": "g", "lang": "en", "style": ["formal"], "question": "q", ' \
           '"label": {"route": "unanswerable", "reason": "outside_paper"}}'
    path = tmp_path / "a.jsonl"
    path.write_text(line + "\n" + line + "\n", encoding="utf-8")
    with pytest.raises(BankError, match="already used"):
        load_bank(corpus, [path])


def test_heldout_set_is_labelled_and_never_in_the_bank(corpus, bank):
    """The held-out set is written apart from the bank and never trained on: no question of it may be in the
    bank, even with other spacing, letters or punctuation."""
    heldout = load_bank(corpus, [HELDOUT])
    assert len(heldout) >= 300
    keys = {question_key(q.question) for q in bank}
    leaked = [q.id for q in heldout if question_key(q.question) in keys]
    assert not leaked, leaked
    for line in HELDOUT.read_text(encoding="utf-8").splitlines():
        item = json.loads(line)
        assert item["must_include"] and item["evidence"] and item["type"]
    assert all(path.parent.name == "questions" for path in bank_files())


def test_validation_set_is_apart_from_the_bank_and_the_held_out_set(corpus, bank):
    """The validation set (written apart, used only to choose a few settings) shares no question with the bank
    or with the held-out set, so settings chosen on it are chosen on unseen wordings."""
    validation = load_bank(corpus, [VALIDATION])
    assert len(validation) >= 250
    taken = {question_key(q.question) for q in bank} | {question_key(q.question)
                                                         for q in load_bank(corpus, [HELDOUT])}
    assert not [q.id for q in validation if question_key(q.question) in taken]
