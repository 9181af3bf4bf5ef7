"""app/cards.py: decks built from the corpus, every card cited; reviews scheduled by fsrs."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app.cards import RATINGS, deck, due_at, end_of_day, exam_deck, queue, review, terms_deck
from app.study import LANGS, cite_exists, conditions, goals

NOW = datetime(2026, 3, 1, 9, 0, tzinfo=timezone.utc)


def test_every_card_is_cited_and_has_a_stable_unique_id(corpus):
    cards = deck(corpus, include_terms=True)
    assert len({c.id for c in cards}) == len(cards)
    for card in cards:
        assert cite_exists(corpus, card.cite), card
        assert all(card.front[lang].strip() and card.back[lang].strip() for lang in LANGS), card
    assert [c.id for c in exam_deck(corpus)] == [c.id for c in exam_deck(corpus)]


def test_the_exam_deck_covers_what_an_exam_asks(corpus):
    cards = {c.id: c for c in exam_deck(corpus)}
    assert {f"def:{s}" for s in ("3-1", "3-2", "3-3")} <= set(cards)
    assert {f"condition:{p.id}" for p in conditions(corpus)} <= set(cards) and len(conditions(corpus)) == 6
    assert {f"goal:{p.id}" for p in goals(corpus)} <= set(cards)
    for era in corpus.eras:
        assert {f"{topic}:{era.id}" for topic in ("era_title", "era_facts", "era_concepts")} <= set(cards)
        assert era.years_text("en") in cards[f"era_facts:{era.id}"].back["en"]
        assert cards[f"era_title:{era.id}"].back["en"] == era.title_en
    for a in corpus.agreements:
        card = cards[f"tie:{a.row}"]
        assert card.cite == f"table2.{a.row}" and card.era == a.era_id
        assert a.doc_type_en in card.back["en"] and a.date_text("en") in card.back["en"]
        assert a.doc_type_fa in card.back["fa"] and a.date_as_printed in card.back["fa"]
    figures = cards["figure:3-3.5/2"]
    assert figures.back["en"] == "16484 · 12596 · 165" and "16484" not in figures.front["en"]
    assert figures.back["fa"] == "16484، 12596، 165"  # no middle dot: beside Persian digits it reads as a zero
    assert "1920" in cards["figure:3-3.2/1"].back["en"] and "Keighley" in cards["figure:3-3.2/1"].front["en"]
    assert "1956" in cards["figure:3-3.3/1"].back["en"]


def test_era_tie_counts_agree_with_table_2(corpus):
    cards = {c.id: c for c in exam_deck(corpus)}
    for era in corpus.eras:
        count = sum(1 for a in corpus.agreements if a.era_id == era.id)
        assert count == era.ties and f"; {count} ties" in cards[f"era_facts:{era.id}"].back["en"]


def test_bare_translations_are_a_separate_deck_off_by_default(corpus):
    terms = terms_deck(corpus)
    assert terms and all(c.deck == "terms" for c in terms)
    assert not {c.id for c in terms} & {c.id for c in deck(corpus)}
    assert len(deck(corpus, include_terms=True)) == len(deck(corpus)) + len(terms)
    city = next(c for c in terms if c.id == "term:city diplomacy")
    assert city.back == {"fa": "city diplomacy", "en": "دیپلماسی شهری"}


def test_fsrs_schedules_good_later_than_again():
    good_state, good_due = review(None, "good", NOW)
    again_state, again_due = review(None, "again", NOW)
    assert NOW < again_due < good_due
    assert due_at(good_state) == good_due and due_at(again_state) == again_due
    _, second_good = review(good_state, "good", good_due)
    assert second_good - good_due > good_due - NOW  # intervals grow


@pytest.mark.parametrize("rating", list(RATINGS))
def test_every_rating_schedules_into_the_future(rating):
    _, due = review(None, rating, NOW)
    assert due > NOW


@pytest.mark.parametrize("rating, now, message", [("fine", NOW, "rating"), ("good", datetime(2026, 3, 1), "aware")])
def test_bad_reviews_are_refused_clearly(rating, now, message):
    with pytest.raises(ValueError, match=message):
        review(None, rating, now)


@pytest.mark.parametrize("state", ["not json", "{}", '{"state": 99}', "[1, 2]"])
def test_an_unreadable_saved_state_starts_the_card_again_instead_of_failing(corpus, state):
    cards = list(exam_deck(corpus))[:3]
    due = queue(cards, {cards[0].id: state}, NOW)
    assert due.new == 3 and due.cards[0].id == cards[0].id
    new_state, when = review(state, "good", NOW)
    assert due_at(new_state) == when > NOW


@pytest.fixture()
def local_zone(monkeypatch):
    """Run a test in a given time zone of this machine (TZ), restored afterwards."""
    def use(name: str) -> None:
        if not Path("/usr/share/zoneinfo", name).exists():
            pytest.skip(f"no time zone data for {name}")
        monkeypatch.setenv("TZ", name)
        time.tzset()

    yield use
    monkeypatch.undo()
    time.tzset()


@pytest.mark.parametrize("zone, now, midnight", [
    ("UTC", NOW, datetime(2026, 3, 2, 0, 0, tzinfo=timezone.utc)),
    ("Asia/Tehran", datetime(2026, 3, 1, 21, 0, tzinfo=timezone.utc),  # 00:30 on 2 March in Tehran
     datetime(2026, 3, 2, 20, 30, tzinfo=timezone.utc)),
    ("Europe/Berlin", datetime(2026, 3, 28, 23, 30, tzinfo=timezone.utc),  # 00:30 on the day summer time starts
     datetime(2026, 3, 29, 22, 0, tzinfo=timezone.utc)),
])
def test_the_day_ends_at_local_midnight(local_zone, zone, now, midnight):
    local_zone(zone)
    assert end_of_day(now) == midnight


def test_queue_shows_due_cards_first_then_new_ones(corpus):
    cards = list(exam_deck(corpus))[:5]
    states = {cards[0].id: review(None, "again", NOW - timedelta(hours=1))[0],  # due 1 min after: due now
              cards[1].id: review(None, "easy", NOW)[0]}  # due in days
    due = queue(cards, states, NOW, new_limit=2)
    assert [c.id for c in due.cards] == [cards[0].id, cards[2].id, cards[3].id]
    assert (due.due_now, due.due_today, due.new) == (1, 1, 3)
