"""Flashcard decks built from the corpus, scheduled with FSRS (the `fsrs` package).

The exam deck covers what an exam asks: the paper's definitions, the conditions of 3-4, the goals of Table 1,
each era's title, years, head and key concepts, each tie's era, date and document type, and the key figures.
The terms deck (Persian ↔ English names) is separate and off by default. Every card cites its source.
A card's review state is fsrs's own JSON; this module never computes an interval itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta, timezone

from fsrs import Card, Rating, Scheduler

from app.corpus import Corpus, Era
from app.normalize import fold
from app.study import (LANGS, Text, both, city_label, clean_item, conditions, definitions, era_label, figures,
                       blank_out, goals, list_intro, per_corpus, phrase, settings)

DECKS = ("exam", "terms")
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
SCHEDULER = Scheduler()
NEW_PER_QUEUE = 20


@dataclass(frozen=True)
class StudyCard:
    id: str  # stable across languages and runs: what progress is recorded under
    deck: str
    topic: str  # definition, condition(s), goal(s), era_title, era_facts, era_concepts, tie, figure or term
    section: str
    era: str | None
    front: Text
    back: Text
    cite: str  # sentence, paragraph, table-row or section id


# ---------------------------------------------------------------- the exam deck

def _definition_cards(corpus: Corpus) -> list[StudyCard]:
    return [StudyCard(f"def:{d.section}", "exam", "definition", d.section, None,
                      both("card_definition", lambda lang, d=d: {"term": d.term[lang]}), d.text, d.sentence)
            for d in definitions(corpus)]


def _numbered(items: list[str]) -> str:
    return "\n".join(f"{n}. {item}" for n, item in enumerate(items, 1))


def _list_cards(corpus: Corpus, topic: str, paragraphs: list, intro: str, section: str) -> list[StudyCard]:
    """One card for the whole list (cited at its introduction) and one per item."""
    text = {lang: [clean_item(p.fa if lang == "fa" else p.en) for p in paragraphs] for lang in LANGS}
    cards = [StudyCard(f"{topic}:all", "exam", topic + "s", section, None,
                       both(f"card_{topic}s", lambda lang: {"section": section, "count": len(paragraphs)}),
                       {lang: _numbered(text[lang]) for lang in LANGS}, intro)]
    for n, p in enumerate(paragraphs, 1):
        cards.append(StudyCard(f"{topic}:{p.id}", "exam", topic, section, None,
                               both(f"card_{topic}", lambda lang, n=n: {"n": n, "section": section}),
                               {lang: text[lang][n - 1] for lang in LANGS}, p.id))
    return cards


def _head(era: Era, lang: str) -> str:
    head = era.head_fa if lang == "fa" else era.head_en
    return head or phrase("no_head", lang)


def _era_cards(corpus: Corpus, era: Era) -> list[StudyCard]:
    ties = sum(1 for a in corpus.agreements if a.era_id == era.id)
    name = {"fa": era.short_fa[0], "en": era.short_en[0]}
    title = {"fa": era.title_fa, "en": era.title_en}
    facts = both("card_era_facts_back", lambda lang: {"years": era.years_text(lang), "head": _head(era, lang),
                                                      "ties": ties})
    concepts = {lang: phrase("list_sep", lang).join((c.fa if lang == "fa" else c.en)[0] for c in era.concepts)
                for lang in LANGS}
    card = lambda topic, front, back: StudyCard(f"{topic}:{era.id}", "exam", topic, era.id, era.id, front,  # noqa
                                                back, era.id)
    return [card("era_title", both("card_era_title", lambda lang: {"section": era.id,
                                                                   "years": era.years_text(lang)}), title),
            card("era_facts", both("card_era_facts", lambda lang: {"era": name[lang]}), facts),
            card("era_concepts", both("card_era_concepts", lambda lang: {"era": name[lang]}), concepts)]


def _tie_cards(corpus: Corpus) -> list[StudyCard]:
    cards = []
    for a in corpus.agreements:
        back = both("card_tie_back", lambda lang, a=a: {
            "era": era_label(corpus, a.era_id, lang), "date": a.date_text(lang),
            "doc_type": a.doc_type_fa if lang == "fa" else a.doc_type_en})
        cards.append(StudyCard(f"tie:{a.row}", "exam", "tie", "4-2", a.era_id,
                               both("card_tie", lambda lang, a=a: {"city": city_label(a, lang)}), back,
                               f"table2.{a.row}"))
    return cards


def _figure_cards(corpus: Corpus) -> list[StudyCard]:
    return [StudyCard(f"figure:{f.sentence}", "exam", "figure", f.section, None,
                      both("card_figure", lambda lang, f=f: {"text": blank_out(f.text[lang], f.numbers)}),
                      {lang: " · ".join(f.numbers) for lang in LANGS}, f.sentence)
            for f in figures(corpus)]


@per_corpus
def exam_deck(corpus: Corpus) -> tuple[StudyCard, ...]:
    """The cards an exam asks for, in study order."""
    listed, goal_items = conditions(corpus), goals(corpus)
    cards = _definition_cards(corpus)
    cards += _list_cards(corpus, "condition", listed, list_intro(corpus, listed[0].id),
                         settings()["conditions_section"])
    cards += _list_cards(corpus, "goal", goal_items, list_intro(corpus, goal_items[0].id),
                         corpus.paragraph_by_id[goal_items[0].id].section)
    for era in corpus.eras:
        cards += _era_cards(corpus, era)
    return tuple(cards + _tie_cards(corpus) + _figure_cards(corpus))


# ---------------------------------------------------------------- the terms deck

def _first_use(corpus: Corpus, forms_fa: tuple[str, ...], forms_en: tuple[str, ...]) -> str | None:
    """The first paragraph whose text uses one of the forms (folded, as whole words)."""
    fa_forms = [f" {fold(f)} " for f in forms_fa if f]
    en_forms = [f" {fold(f)} " for f in forms_en if f]
    for p in corpus.paragraphs:
        fa, en = f" {fold(p.fa)} ", f" {fold(p.en)} ".replace(",", " ").replace(".", " ")
        if any(f in fa for f in fa_forms) or any(f in en for f in en_forms):
            return p.id
    return None


@per_corpus
def terms_deck(corpus: Corpus) -> tuple[StudyCard, ...]:
    """Persian ↔ English names of the paper's concepts and document types, each cited where the paper uses it."""
    cards = []
    for term in corpus.glossary:
        if term.kind not in settings()["term_kinds"]:
            continue
        cite = _first_use(corpus, (term.fa, *term.variants_fa), (term.en, *term.variants_en))
        if cite is None:
            continue
        front = {"fa": phrase("card_term", "fa", term=term.fa), "en": phrase("card_term", "en", term=term.en)}
        cards.append(StudyCard(f"term:{term.en}", "terms", "term", corpus.paragraph_by_id[cite].section, None,
                               front, {"fa": term.en, "en": term.fa}, cite))
    return tuple(cards)


def deck(corpus: Corpus, include_terms: bool = False) -> list[StudyCard]:
    """The cards to study: the exam deck, and the terms deck when asked for."""
    return list(exam_deck(corpus)) + (list(terms_deck(corpus)) if include_terms else [])


# ---------------------------------------------------------------- scheduling (fsrs)

def _utc(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware (use datetime.now(timezone.utc))")
    return moment.astimezone(timezone.utc)


def review(state: str | None, rating: str, now: datetime) -> tuple[str, datetime]:
    """Schedule one review with fsrs: the card's new state (fsrs JSON) and when it is next due."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, got {rating!r}")
    card = Card.from_json(state) if state else Card()
    card, _ = SCHEDULER.review_card(card, RATINGS[rating], review_datetime=_utc(now))
    return card.to_json(), card.due


def due_at(state: str) -> datetime:
    """When a card with this fsrs state is next due."""
    return Card.from_json(state).due


def end_of_day(now: datetime) -> datetime:
    """Midnight at the end of `now`'s local day."""
    local = _utc(now).astimezone()
    return (local.replace(hour=0, minute=0, second=0, microsecond=0) + timedelta(days=1)).astimezone(timezone.utc)


@dataclass(frozen=True)
class Queue:
    cards: list[StudyCard]  # what to review now: due cards first (earliest first), then new ones
    due_now: int
    due_today: int  # reviewed before and due by the end of today (including those due now)
    new: int  # never reviewed


def queue(cards: list[StudyCard], states: dict[str, str], now: datetime, new_limit: int = NEW_PER_QUEUE) -> Queue:
    """The review queue for `cards` given their saved fsrs states."""
    due = {c.id: due_at(states[c.id]) for c in cards if c.id in states}
    now, today_ends = _utc(now), end_of_day(now)
    ready = sorted((c for c in cards if c.id in due and due[c.id] <= now), key=lambda c: due[c.id])
    new = [c for c in cards if c.id not in due]
    return Queue(ready + new[:new_limit], len(ready), sum(1 for d in due.values() if d <= today_ends), len(new))
