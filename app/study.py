"""Exam revision: multiple-choice questions generated from Table 2, the eras and the paper, and flashcards.

Every question is built from the data with exactly one correct option; the explanation cites its source.
"""
from __future__ import annotations

import random
import re
from collections import Counter
from dataclasses import dataclass, field

from app.chunking import sentence_spans
from app.corpus import CONTINENT_NAMES_FA, FOOTNOTE_MARK, Agreement, Corpus

DEFINED_SECTIONS = ("3-1", "3-2", "3-3")  # sections whose first sentence defines their title


@dataclass(frozen=True)
class QuizQuestion:
    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: int  # index of the correct option
    explanation: str
    source: dict = field(default_factory=dict)  # {"row": 6} or {"paragraph": "3-4.5", "section": "3-4"}


@dataclass(frozen=True)
class Flashcard:
    front: str
    back: str
    source: str


def _era_label(corpus: Corpus, era_id: str, lang: str) -> str:
    era = corpus.era_by_id[era_id]
    if lang == "fa":
        return f"{era.short_fa[0]} ({era.head_fa})" if era.head_fa else era.short_fa[0]
    return f"{era.short_en[0]} ({era.head_en})" if era.head_en else era.short_en[0]


def _shuffle(rng: random.Random, correct: str, distractors: list[str]) -> tuple[tuple[str, ...], int]:
    options = [correct] + [d for d in dict.fromkeys(distractors) if d != correct][:3]
    rng.shuffle(options)
    return tuple(options), options.index(correct)


def _row_source(a: Agreement, lang: str) -> str:
    """The cited row, as the explanation of an answer: "Table 2, row 6: sister-city pact, 17/12/1379 SH"."""
    if lang == "fa":
        return f"جدول ۲، ردیف {a.row}: {a.doc_type_fa}، {a.date_as_printed}."
    return f"Table 2, row {a.row}: {a.doc_type_en}, {a.date_as_printed} SH ({a.date_gregorian})."


def _city(a: Agreement, lang: str) -> str:
    return f"{a.city_fa} ({a.country_fa})" if lang == "fa" else f"{a.city_en} ({a.country_en})"


def era_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    a = rng.choice(corpus.agreements)
    era_ids = sorted({x.era_id for x in corpus.agreements})
    options, answer = _shuffle(rng, _era_label(corpus, a.era_id, lang),
                               [_era_label(corpus, e, lang) for e in era_ids if e != a.era_id])
    prompt = (f"پیوند تهران با {_city(a, lang)} در کدام دوره امضا شد؟" if lang == "fa"
              else f"In which era was Tehran's tie with {_city(a, lang)} signed?")
    return QuizQuestion("era_of_tie", prompt, options, answer, _row_source(a, lang), {"row": a.row})


def ties_in_era(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    era = rng.choice([e for e in corpus.eras if e.ties])
    correct = sum(1 for a in corpus.agreements if a.era_id == era.id)
    pool = [n for n in range(0, 13) if n != correct]
    distractors = [str(n) for n in sorted(rng.sample(pool, 3))]
    options, answer = _shuffle(rng, str(correct), distractors)
    label = _era_label(corpus, era.id, lang)
    prompt = (f"در دوره {label} چند پیوند خواهرشهری برای تهران ایجاد شد؟" if lang == "fa"
              else f"How many sister-city ties did Tehran form in the {label} era?")
    explanation = (f"بخش {era.id} و جدول ۲: {correct} پیوند." if lang == "fa"
                   else f"Section {era.id} and Table 2: {correct} ties.")
    return QuizQuestion("ties_in_era", prompt, options, answer, explanation, {"section": era.id})


def document_type(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    a = rng.choice(corpus.agreements)
    key = "doc_type_fa" if lang == "fa" else "doc_type_en"
    types = sorted({getattr(x, key) for x in corpus.agreements if getattr(x, key) != getattr(a, key)})
    options, answer = _shuffle(rng, getattr(a, key), rng.sample(types, 3))
    prompt = (f"سند تهران با {_city(a, lang)} از چه نوعی است؟" if lang == "fa"
              else f"What kind of document did Tehran sign with {_city(a, lang)}?")
    return QuizQuestion("document_type", prompt, options, answer, _row_source(a, lang), {"row": a.row})


def year_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    a = rng.choice(corpus.agreements)
    years = sorted({x.year for x in corpus.agreements if x.year != a.year})
    options, answer = _shuffle(rng, str(a.year), [str(y) for y in rng.sample(years, 3)])
    prompt = (f"پیوند تهران با {_city(a, lang)} در چه سالی (هجری شمسی) امضا شد؟" if lang == "fa"
              else f"In which year (SH) was Tehran's tie with {_city(a, lang)} signed?")
    return QuizQuestion("year_of_tie", prompt, options, answer, _row_source(a, lang), {"row": a.row})


def continent_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    a = rng.choice(corpus.agreements)
    name = (lambda c: CONTINENT_NAMES_FA[c]) if lang == "fa" else (lambda c: c)  # noqa: E731
    with_ties = [c for c in CONTINENT_NAMES_FA if any(x.continent == c for x in corpus.agreements)]
    options, answer = _shuffle(rng, name(a.continent), [name(c) for c in with_ties if c != a.continent])
    prompt = (f"در شمارش مقاله، {_city(a, lang)} در کدام قاره است؟" if lang == "fa"
              else f"In the paper's count, which continent is {_city(a, lang)} in?")
    counts = Counter(x.continent for x in corpus.agreements).most_common()
    explanation = ("نتیجه‌گیری (بخش ۵): " + "، ".join(f"{CONTINENT_NAMES_FA[c]} {n}" for c, n in counts) + "."
                   if lang == "fa" else "Conclusion (section 5): " + ", ".join(f"{c} {n}" for c, n in counts) + ".")
    return QuizQuestion("continent_of_tie", prompt, options, answer, explanation, {"row": a.row, "section": "5"})


def _definitions(corpus: Corpus, lang: str) -> list[tuple[str, str, str]]:
    """(term, definition with the term masked, paragraph id) for the sections that define their title."""
    out = []
    for section_id in DEFINED_SECTIONS:
        section = corpus.section_by_id[section_id]
        paragraph = corpus.section_paragraphs(section_id)[0]
        text = paragraph.fa if lang == "fa" else paragraph.en
        start, end = sentence_spans(text)[0]
        sentence = FOOTNOTE_MARK.sub("", text[start:end])
        term = section.title_fa if lang == "fa" else section.title_en
        masked = re.sub(re.escape(term).replace(r"\ ", r"[\s\-]"), "…", sentence, flags=re.I)
        if "…" in masked:
            out.append((term, masked, paragraph.id))
    return out


def defined_term(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    definitions = _definitions(corpus, lang)
    term, masked, paragraph = rng.choice(definitions)
    extra = ["دیپلماسی عمومی", "پارادیپلماسی"] if lang == "fa" else ["Public diplomacy", "Paradiplomacy"]
    options, answer = _shuffle(rng, term, [t for t, _, _ in definitions if t != term] + extra)
    prompt = (f"مقاله کدام مفهوم را این‌گونه تعریف می‌کند؟ «{masked}»" if lang == "fa"
              else f"Which term does the paper define like this? “{masked}”")
    explanation = f"بند {paragraph}." if lang == "fa" else f"Paragraph {paragraph}."
    return QuizQuestion("defined_term", prompt, options, answer, explanation,
                        {"paragraph": paragraph, "section": paragraph.split(".")[0]})


def _clean_item(text: str) -> str:
    text = re.sub(r"^[\d۰-۹١-٩]+\s*[-–.]\s*", "", text)
    text = re.sub(r"\s*\(www\.[^)]*\)\.?", "", text)
    return text.strip(" ؛;.")


def missing_condition(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    conditions = [p for p in corpus.section_paragraphs("3-4") if p.kind == "list_item"]
    goals = [p for p in corpus.paragraphs if p.table == "table1" and p.kind == "list_item"]
    text = (lambda p: _clean_item(p.fa if lang == "fa" else p.en))  # noqa: E731
    missing = rng.choice(conditions)
    shown = "؛ ".join(text(p) for p in conditions if p is not missing) if lang == "fa" else \
        "; ".join(text(p) for p in conditions if p is not missing)
    options, answer = _shuffle(rng, text(missing), [text(p) for p in rng.sample(goals, 3)])
    prompt = (f"بخش ۳-۴ شش شرط برای موفقیت رابطه خواهرشهری برمی‌شمارد. پنج شرط این‌هاست: {shown}. کدام گزینه شرط ششم است؟"
              if lang == "fa" else
              f"Section 3-4 lists six conditions for a successful sister-city relationship. Five are: {shown}. "
              "Which option is the sixth?")
    explanation = (f"بند {missing.id}؛ گزینه‌های دیگر از اهداف جدول ۱ هستند." if lang == "fa"
                   else f"Paragraph {missing.id}; the other options are goals from Table 1.")
    return QuizQuestion("missing_condition", prompt, options, answer, explanation,
                        {"paragraph": missing.id, "section": "3-4"})


GENERATORS = (era_of_tie, ties_in_era, document_type, year_of_tie, continent_of_tie, defined_term, missing_condition)


def make_quiz(corpus: Corpus, lang: str = "en", count: int = 10, seed: int | None = None) -> list[QuizQuestion]:
    """`count` generated questions, every kind represented before any repeats."""
    if lang not in ("fa", "en"):
        raise ValueError(f"lang must be 'fa' or 'en', got {lang!r}")
    if count < 1:
        raise ValueError("count must be at least 1")
    rng = random.Random(seed)
    kinds = list(GENERATORS)
    rng.shuffle(kinds)
    questions, seen = [], set()
    attempts = 0
    while len(questions) < count and attempts < count * 20:
        generator = kinds[(len(questions) + attempts) % len(kinds)]
        attempts += 1
        question = generator(corpus, rng, lang)
        if question.prompt in seen:
            continue
        seen.add(question.prompt)
        questions.append(question)
    return questions


def flashcards(corpus: Corpus, lang: str = "en") -> list[Flashcard]:
    """Glossary terms (Persian ↔ English) and the paper's definitions."""
    cards = []
    for term in corpus.glossary:
        if term.kind not in ("concept", "doc_type"):
            continue
        front, back = (term.fa, term.en) if lang == "fa" else (term.en, term.fa)
        note = f" — {term.note}" if term.note else ""
        cards.append(Flashcard(front, back + note, "glossary"))
    for term, masked, paragraph in _definitions(corpus, lang):
        cards.append(Flashcard(term, masked.replace("…", term), f"§{paragraph}"))
    return cards
