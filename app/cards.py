"""Flashcard decks built from the corpus, scheduled with FSRS (the `fsrs` package).

The exam deck covers what an exam asks: the paper's definitions, the conditions of 3-4, the goals of Table 1,
each era's title, years, head and key concepts, each tie's era, date and document type, and the key figures.
The terms deck (Persian ↔ English names) is separate and off by default. Every card cites its source.
A card's review state is fsrs's own JSON; this module never computes an interval itself.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, time, timedelta, timezone

from fsrs import Card, Rating, Scheduler

from app.corpus import Corpus, Era, Paragraph
from app.progress import as_utc
from app.study import (LANGS, Text, bilingual, both, city_label, clean_item, conditions, definitions, era_label,
                       era_name, figures, blank_out, goals, head_or_none, list_intro, mentions, numbers_line,
                       per_corpus, phrase, settings)

DECKS = ("exam", "terms")
RATINGS = {"again": Rating.Again, "hard": Rating.Hard, "good": Rating.Good, "easy": Rating.Easy}
SCHEDULER = Scheduler(desired_retention=settings()["cards"]["desired_retention"])
NEW_PER_QUEUE: int = settings()["cards"]["new_per_queue"]


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


def _list_cards(topic: str, paragraphs: list[Paragraph], intro: str, section: str) -> list[StudyCard]:
    """One card for the whole list (cited at its introduction) and one per item."""
    text = {lang: [clean_item(p.fa if lang == "fa" else p.en) for p in paragraphs] for lang in LANGS}
    cards = [StudyCard(f"{topic}:all", "exam", topic + "s", section, None,
                       both(f"card_{topic}s", lambda lang: {"section": section, "count": len(paragraphs)}),
                       bilingual(lambda lang: _numbered(text[lang])), intro)]
    for n, p in enumerate(paragraphs, 1):
        cards.append(StudyCard(f"{topic}:{p.id}", "exam", topic, section, None,
                               both(f"card_{topic}", lambda lang, n=n: {"n": n, "section": section}),
                               bilingual(lambda lang, n=n: text[lang][n - 1]), p.id))
    return cards


def _era_card(era: Era, topic: str, front: Text, back: Text) -> StudyCard:
    return StudyCard(f"{topic}:{era.id}", "exam", topic, era.id, era.id, front, back, era.id)


def _era_cards(corpus: Corpus, era: Era) -> list[StudyCard]:
    ties = sum(1 for a in corpus.agreements if a.era_id == era.id)
    facts = both("card_era_facts_back", lambda lang: {"years": era.years_text(lang), "head": head_or_none(era, lang),
                                                      "ties": ties})
    concepts = bilingual(lambda lang: phrase("list_sep", lang).join((c.fa if lang == "fa" else c.en)[0]
                                                                     for c in era.concepts))
    return [_era_card(era, "era_title", both("card_era_title", lambda lang: {"section": era.id,
                                                                             "years": era.years_text(lang)}),
                      {"fa": era.title_fa, "en": era.title_en}),
            _era_card(era, "era_facts", both("card_era_facts", lambda lang: {"era": era_name(era, lang)}), facts),
            _era_card(era, "era_concepts", both("card_era_concepts", lambda lang: {"era": era_name(era, lang)}),
                      concepts)]


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
                      bilingual(lambda lang, f=f: numbers_line(f.numbers, lang)), f.sentence)
            for f in figures(corpus)]


@per_corpus
def exam_deck(corpus: Corpus) -> tuple[StudyCard, ...]:
    """The cards an exam asks for, in study order."""
    listed, goal_items = conditions(corpus), goals(corpus)
    cards = _definition_cards(corpus)
    cards += _list_cards("condition", listed, list_intro(corpus, listed[0].id), settings()["conditions_section"])
    cards += _list_cards("goal", goal_items, list_intro(corpus, goal_items[0].id),
                         corpus.paragraph_by_id[goal_items[0].id].section)
    for era in corpus.eras:
        cards += _era_cards(corpus, era)
    return tuple(cards + _tie_cards(corpus) + _figure_cards(corpus))


# ---------------------------------------------------------------- the terms deck

def _first_use(corpus: Corpus, forms_fa: tuple[str, ...], forms_en: tuple[str, ...]) -> str | None:
    """The first paragraph whose text uses one of the forms (folded, as whole words)."""
    return next((p.id for p in corpus.paragraphs if mentions(p.fa, forms_fa) or mentions(p.en, forms_en)), None)


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

def _card(state: str | None) -> Card | None:
    """The fsrs card saved as `state`, or None for a card never reviewed or a state fsrs cannot read (as after an
    fsrs upgrade): such a card starts again as new rather than breaking the deck."""
    if not state:
        return None
    try:
        return Card.from_json(state)
    except (ValueError, TypeError, KeyError, AttributeError):
        return None


def review(state: str | None, rating: str, now: datetime) -> tuple[str, datetime]:
    """Schedule one review with fsrs: the card's new state (fsrs JSON) and when it is next due."""
    if rating not in RATINGS:
        raise ValueError(f"rating must be one of {', '.join(RATINGS)}, got {rating!r}")
    card, _ = SCHEDULER.review_card(_card(state) or Card(), RATINGS[rating], review_datetime=as_utc(now))
    return card.to_json(), card.due


def due_at(state: str) -> datetime | None:
    """When a card with this fsrs state is next due (None: the state is unreadable, the card counts as new)."""
    card = _card(state)
    return card.due if card else None


def end_of_day(now: datetime) -> datetime:
    """The next local midnight after `now` (this machine's time zone, summer time included), in UTC."""
    tomorrow = as_utc(now).astimezone().date() + timedelta(days=1)
    return datetime.combine(tomorrow, time()).astimezone(timezone.utc)  # a naive time is read as local


@dataclass(frozen=True)
class Queue:
    cards: list[StudyCard]  # what to review now: due cards first (earliest first), then new ones
    due_now: int
    due_today: int  # reviewed before and due by the end of today (including those due now)
    new: int  # never reviewed


def queue(cards: list[StudyCard], states: dict[str, str], now: datetime, new_limit: int = NEW_PER_QUEUE) -> Queue:
    """The review queue for `cards` given their saved fsrs states."""
    saved = {c.id: due_at(states[c.id]) for c in cards if c.id in states}
    due = {card_id: moment for card_id, moment in saved.items() if moment is not None}
    now, today_ends = as_utc(now), end_of_day(now)
    ready = sorted((c for c in cards if c.id in due and due[c.id] <= now), key=lambda c: due[c.id])
    new = [c for c in cards if c.id not in due]
    return Queue(ready + new[:new_limit], len(ready), sum(1 for d in due.values() if d <= today_ends), len(new))
