"""The question bank (`corpus/questions/*.jsonl`): loading and checking it against its schema.

Every problem raises `BankError` naming the file and line, so a writer can fix a label where it is.
"""
from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path

from app.corpus import CORPUS_DIR, Corpus, files_fingerprint
from app.normalize import words
from app.types import (ASKS, BY, CALENDARS, CONTINENTS, DOC_FAMILIES, ERA_ATTRIBUTES, ERA_OPS, META_ATTRIBUTES,
                       REASONS, ROUTES, TABLE_ATTRIBUTES, TABLE_OPS, Query)

BANK_DIR = CORPUS_DIR / "questions"
STYLES = ("formal", "colloquial", "typo", "arabic_letters", "no_zwnj", "finglish", "mixed", "gregorian", "fragment",
          "request", "followup")
ERA_IDS = tuple(f"4-1-{n}" for n in range(1, 7))


class BankError(ValueError):
    """A bank file or line does not follow corpus/questions/README.md."""


@dataclass(frozen=True)
class BankQuestion:
    id: str
    group: str
    lang: str
    styles: tuple[str, ...]
    question: str
    query: Query
    context: tuple[tuple[str, Query], ...]  # earlier turns, oldest first
    template: str | None
    source: str  # file name

    @property
    def label(self) -> dict:
        return self.query.to_label()


def question_key(question: str) -> str:
    """A question with case, spelling variants, spacing and punctuation folded away: two questions with the
    same key are the same question (the held-out guard compares these)."""
    return "".join(words(question))


def bank_files(directory: Path = BANK_DIR) -> list[Path]:
    return sorted(Path(directory).glob("*.jsonl"))


def bank_fingerprint(directory: Path = BANK_DIR) -> str:
    """SHA-256 over the bank files: the trained model is stale when this changes."""
    return files_fingerprint(bank_files(directory))


def load_bank(corpus: Corpus, paths: list[Path] | None = None) -> list[BankQuestion]:
    """Every question of the bank, checked; ids must be unique across files."""
    questions: list[BankQuestion] = []
    seen: dict[str, str] = {}
    for path in paths if paths is not None else bank_files():
        for number, line in enumerate(Path(path).read_text(encoding="utf-8").splitlines(), 1):
            if not line.strip():
                continue
            where = f"{path}:{number}"
            question = parse_line(line, where, corpus)
            if question.id in seen:
                raise BankError(f"{where}: id {question.id!r} already used at {seen[question.id]}")
            seen[question.id] = where
            questions.append(question)
    return questions


def parse_line(line: str, where: str, corpus: Corpus) -> BankQuestion:
    try:
        record = json.loads(line)
    except json.JSONDecodeError as exc:
        raise BankError(f"{where}: invalid JSON ({exc.msg})") from None
    if not isinstance(record, dict):
        raise BankError(f"{where}: expected a JSON object")
    missing = [k for k in ("id", "group", "lang", "style", "question", "label") if k not in record]
    if missing:
        raise BankError(f"{where}: missing field(s) {', '.join(missing)}")
    if record["lang"] not in ("fa", "en"):
        raise BankError(f"{where}: lang must be fa or en")
    styles = record["style"] if isinstance(record["style"], list) else [record["style"]]
    if not styles or any(s not in STYLES for s in styles):
        raise BankError(f"{where}: style must be a list of {', '.join(STYLES)}; got {record['style']!r}")
    if not isinstance(record["question"], str) or not record["question"].strip():
        raise BankError(f"{where}: empty question")
    query = check_label(record["label"], where, corpus)
    context = []
    for turn in record.get("context") or []:
        if not isinstance(turn, dict) or "question" not in turn or "label" not in turn:
            raise BankError(f"{where}: each context turn needs question and label")
        context.append((turn["question"], check_label(turn["label"], f"{where} (context)", corpus)))
    if query.followup and not context:
        raise BankError(f"{where}: a follow-up needs its context")
    return BankQuestion(str(record["id"]), str(record["group"]), record["lang"], tuple(styles), record["question"],
                        query, tuple(context), record.get("template"), Path(where.split(":")[0]).name)


def check_label(label: object, where: str, corpus: Corpus) -> Query:
    """The label as a Query, or BankError saying what is wrong with it."""
    if not isinstance(label, dict) or label.get("route") not in ROUTES:
        raise BankError(f"{where}: label.route must be one of {', '.join(ROUTES)}")
    route = label["route"]
    unknown = set(label) - {"route", "op", "by", "attribute", "filters", "gold", "asks", "reason", "followup"}
    if unknown:
        raise BankError(f"{where}: unknown label field(s) {sorted(unknown)}")
    try:
        query = Query.from_label(label)
    except (TypeError, AttributeError) as exc:
        raise BankError(f"{where}: malformed label ({exc})") from None
    if route == "table":
        _require(query.op in TABLE_OPS, where, f"table op must be one of {', '.join(TABLE_OPS)}")
        if query.op in ("most", "least", "group", "compare"):
            _require(query.by in BY, where, f"op {query.op} needs by: one of {', '.join(BY)}")
        if query.op == "lookup":
            _require(query.attribute in TABLE_ATTRIBUTES, where,
                     f"lookup needs attribute: one of {', '.join(TABLE_ATTRIBUTES)}")
    elif route == "era":
        _require(query.op in ERA_OPS, where, f"era op must be one of {', '.join(ERA_OPS)}")
        if query.op == "lookup":
            _require(query.attribute in ERA_ATTRIBUTES, where,
                     f"era lookup needs attribute: one of {', '.join(ERA_ATTRIBUTES)}")
    elif route == "meta":
        _require(query.attribute in META_ATTRIBUTES, where, f"meta attribute must be one of {', '.join(META_ATTRIBUTES)}")
    elif route == "passage":
        _require(bool(query.gold), where, "a passage label needs gold sentence ids")
        bad = [g for g in query.gold if g not in corpus.sentence_by_id]
        _require(not bad, where, f"unknown sentence id(s) {bad} (see corpus/sentences.jsonl)")
        _require(query.asks in ASKS, where, f"asks must be one of {', '.join(ASKS)}")
    else:
        _require(query.reason in REASONS, where, f"reason must be one of {', '.join(REASONS)}")
    if query.by is not None:
        _require(query.by in BY, where, f"by must be one of {', '.join(BY)}")
    _check_filters(query, where, corpus)
    return query


def _check_filters(query: Query, where: str, corpus: Corpus) -> None:
    f = query.filters
    _require(all(e in ERA_IDS for e in f.era), where, f"era filter values are {', '.join(ERA_IDS)}")
    concepts = {c.en[0] for e in corpus.eras for c in e.concepts}
    _require(f.concept is None or f.concept in concepts, where, f"concept must be one of {sorted(concepts)}")
    _require(all(c in CONTINENTS for c in f.continent), where, f"continent values are {', '.join(CONTINENTS)}")
    _require(all(d in DOC_FAMILIES for d in f.doc_family), where, f"doc_family values are {', '.join(DOC_FAMILIES)}")
    _require(f.sister_city in (None, True, False), where, "sister_city is true or false")
    _require(f.calendar in CALENDARS, where, "calendar is jalali or gregorian")
    for year in (f.year_from, f.year_to):
        _require(year is None or (isinstance(year, int) and (1300 <= year <= 1420 or 1900 <= year <= 2040)), where,
                 "years are integers: 13xx/14xx (jalali) or 19xx/20xx (gregorian)")
    _require(f.month is None or 1 <= f.month <= 12, where, "month is 1–12")
    table_cities = {a.city_en for a in corpus.agreements}
    for name in f.city:
        _require(isinstance(name, str) and name.strip() != "", where, "city names are non-empty strings")
        _require(name in table_cities or name not in {a.city_fa for a in corpus.agreements}, where,
                 f"write the city in English as in agreements.csv, not {name!r}")
    sections = set(corpus.section_by_id) | {"table1", "table2"}
    _require(f.section is None or f.section in sections, where, f"section must be one of {sorted(sections)}")


def _require(condition: bool, where: str, message: str) -> None:
    if not condition:
        raise BankError(f"{where}: {message}")
