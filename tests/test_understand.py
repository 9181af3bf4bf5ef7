"""Question (+ conversation) → typed Query, with the real model: table-driven, both languages, every style.
Each row gives only what it is about; the rest of the query is left free."""
from __future__ import annotations

import numpy as np
import pytest

from app.conversation import Conversation
from app.gazetteer import Mentions
from app.types import Query
from app.understand import Understanding, second_reading

CASES = [
    # table: operations
    ("Which ties did Tehran sign under Khatami?", {"route": "table", "op": "list", "filters": {"era": ["4-1-4"]}}),
    ("تهران با چندتا شهر اروپایی خواهرخونده شده؟", {"route": "table", "op": "count",
                                                 "filters": {"continent": ["Europe"]}}),
    ("avalin khahar shahre tehran kodoom bood?", {"route": "table", "op": "first"}),
    ("chand ta tafahomname emza shode?", {"route": "table", "op": "count", "filters": {"doc_family": ["mou"]}}),
    ("How many agreements does Table 2 hold?", {"route": "table", "op": "count"}),
    ("what was the most recent sister-city tie?", {"route": "table", "op": "last"}),
    ("کدوم دوره بیشترین پیوند رو داشت؟", {"route": "table", "op": "most", "by": "era"}),
    ("which continent has the fewest ties", {"route": "table", "op": "least", "by": "continent"}),
    ("ties per continent please", {"route": "table", "op": "group", "by": "continent"}),
    ("what % of the ties are with asian cities", {"route": "table", "op": "share",
                                                  "filters": {"continent": ["Asia"]}}),
    ("Is Tehran twinned with Seoul?", {"route": "table", "op": "membership", "filters": {"city": ["Seoul"]}}),
    ("کِی با هانوی امضا کردیم؟", {"route": "table", "op": "lookup", "attribute": "date",
                                 "filters": {"city": ["Hanoi"]}}),
    ("the Minsk pact was signed under which president?", {"route": "table", "op": "lookup", "attribute": "era",
                                                           "filters": {"city": ["Minsk"]}}),
    ("Moscow?", {"route": "table", "filters": {"city": ["Moscow"]}}),
    # table: filters in every form
    ("ties signed in 2016?", {"route": "table", "filters": {"year": {"from": 2016, "to": 2016,
                                                                     "calendar": "gregorian"}}}),
    ("پیوندهای بعد از ۱۳۹۰", {"route": "table", "filters": {"year": {"from": 1391, "calendar": "jalali"}}}),
    ("ties between 1380 and 1385", {"route": "table", "filters": {"year": {"from": 1380, "to": 1385,
                                                                           "calendar": "jalali"}}}),
    ("which sister cities did tehran get in the nineties", {"route": "table", "filters": {"year": {
        "from": 1990, "to": 1999, "calendar": "gregorian"}}}),
    ("پیوندای دهه هفتاد کدوما بودن؟", {"route": "table", "filters": {"year": {"from": 1370, "to": 1379,
                                                                          "calendar": "jalali"}}}),
    ("how many ties after the 1380s", {"route": "table", "op": "count", "filters": {"year": {
        "from": 1390, "calendar": "jalali"}}}),
    ("تفاهمنامه های دوره روحانی", {"route": "table", "filters": {"era": ["4-1-6"], "doc_family": ["mou"]}}),
    ("MoUs that are not sister-city documents", {"route": "table", "filters": {"doc_family": ["mou"],
                                                                          "sister_city": False}}),
    pytest.param("cooperation MoUs, not real sister-city ones", {"route": "table", "filters": {"sister_city": False}},
                 marks=pytest.mark.xfail(strict=True, reason="known weakness: «real sister-city» outweighs the "
                                         "negation before it (P(sister-city) 0.54); remove the mark when it passes")),
    ("خواهرشهرهاي دوره اصلاحات كدامند؟", {"route": "table", "filters": {"era": ["4-1-4"]}}),
    ("ties in Ahmadinezhad's time with afrika", {"route": "table", "filters": {"era": ["4-1-5"],
                                                                               "continent": ["Africa"]}}),
    ("ties from the détente years", {"route": "table", "filters": {"concept": "détente"}}),
    # era and meta
    ("دوره سازندگی چه سال‌هایی بود؟", {"route": "era", "op": "lookup", "attribute": "years",
                                     "filters": {"era": ["4-1-3"]}}),
    ("who led the provisional government?", {"route": "era", "op": "lookup", "attribute": "head"}),
    ("how many eras does section 4-1 describe", {"route": "era", "op": "count"}),
    ("نویسنده‌های مقاله کیا هستن؟", {"route": "meta", "attribute": "authors"}),
    ("what are the keywords of this article", {"route": "meta", "attribute": "keywords"}),
    # passages
    ("How does the paper define city diplomacy?", {"route": "passage", "asks": "definition"}),
    ("چرا احمدی‌نژاد فقط پنج پیوند داشت؟", {"route": "passage", "asks": "reason"}),
    ("How many sister-city ties exist in the world?", {"route": "passage", "asks": "number"}),
    ("summarize 4-1-5", {"route": "passage", "asks": "summary", "filters": {"section": "4-1-5"}}),
    ("list the six conditions", {"route": "passage", "asks": "list"}),
    ("who was tehran's mayor when the first tie was signed", {"route": "passage"}),
    # a share is of the document type named (a share of every tie is no answer), plural Persian included
    ("what share of the ties are MoUs?", {"route": "table", "op": "share", "filters": {"doc_family": ["mou"]}}),
    ("چند درصد پیوندها یادداشت‌های تفاهم بودن؟", {"route": "table", "op": "share",
                                               "filters": {"doc_family": ["mou"]}}),
    # unanswerable
    ("بودجه پیوند تهران و پکن چقدر بود؟", {"route": "unanswerable"}),
    ("what is the population of Tehran in 1395", {"route": "unanswerable"}),
    ("who is the current mayor of tehran", {"route": "unanswerable"}),
]

FOLLOW_UPS = [
    (["Which ties were formed under Ahmadinejad?"], "which of those are in Asia?",
     {"route": "table", "followup": True, "filters": {"era": ["4-1-5"], "continent": ["Asia"]}}),
    (["How many ties were signed under Khatami?"], "and under Rouhani?",
     {"route": "table", "op": "count", "followup": True, "filters": {"era": ["4-1-6"]}}),
    (["پیوندهای تهران با شهرهای آفریقایی کدامند؟"], "کدومش تو دوره احمدی نژاد بود؟",
     {"route": "table", "followup": True, "filters": {"continent": ["Africa"], "era": ["4-1-5"]}}),
    (["What is city diplomacy according to section 3-2?"], "who said that?",
     {"route": "passage", "followup": True}),
    (["Which ties were formed under Ahmadinejad?"], "What does the paper say about détente?",
     {"route": "passage", "followup": False}),
    (["when was the Moscow tie signed?"], "who was president then?",
     {"route": "era", "followup": True, "filters": {"era": ["4-1-4"]}}),
    # a bare follow-up stays on the table but asks its own operation or attribute
    (["How many ties did Tehran sign in 1383?"], "list them",
     {"route": "table", "op": "list", "followup": True, "filters": {"year": {"from": 1383, "to": 1383,
                                                                              "calendar": "jalali"}}}),
    (["تهران تو کوبا با کدوم شهر پیوند داره؟"], "کی امضا شد؟",
     {"route": "table", "op": "lookup", "attribute": "date", "followup": True, "filters": {"country": ["Cuba"]}}),
    # … unless it asks why: the table records no reasons, the paper's section on those ties' era may
    (["Which ties were formed under Khatami?"], "why?",
     {"route": "passage", "asks": "reason", "followup": True, "filters": {"era": ["4-1-4"]}}),
    (["تهران با چندتا شهر آفریقایی پیوند داره؟"], "چرا انقدر کم؟",
     {"route": "passage", "asks": "reason", "followup": True, "filters": {"continent": ["Africa"]}}),
]


def check(query, expected: dict) -> None:
    label = query.to_label()
    for key, value in expected.items():
        if key == "filters":
            got = label.get("filters", {})
            for name, wanted in value.items():
                assert got.get(name) == wanted, (name, got)
        elif key == "followup":
            assert bool(label.get("followup")) == value, label
        else:
            assert label.get(key) == value, (key, label)


@pytest.mark.parametrize("question,expected", CASES,
                         ids=[(c.values if hasattr(c, "values") else c)[0][:40] for c in CASES])
def test_understanding(assistant, question, expected):
    check(assistant.understand(question).query, expected)


@pytest.mark.parametrize("before,question,expected", FOLLOW_UPS, ids=[f[1][:40] for f in FOLLOW_UPS])
def test_follow_ups_are_resolved_against_the_conversation(assistant, before, question, expected):
    conversation = Conversation()
    for earlier in before:
        assistant.ask(earlier, conversation)
    check(assistant.understand(question, conversation).query, expected)


def test_understanding_is_pure(assistant):
    """Understanding reads the conversation and never changes it; the same question gives the same query."""
    conversation = Conversation()
    assistant.ask("Which ties were formed under Ahmadinejad?", conversation)
    before = list(conversation.turns)
    first = assistant.understand("which of those are in Asia?", conversation).query
    assert conversation.turns == before and assistant.understand("which of those are in Asia?", conversation).query == first


UNKNOWN_WORDS = [
    # a short common word with a slip is no unknown name …
    ("wat year was the Minsk pact signed", "what year", []),
    ("teh first tie", "the first tie", []),
    ("تهران چنتا خواهرشهر داره", "چندتا", []),
    # … but a short name one changed letter away from a common word is
    ("when did Tehran sign with Rome", "some", ["rome"]),
    ("what did Tehran and Oslo agree", "", ["oslo"]),
    # another form of a known English word is no name; a name that merely starts like one still is
    ("what are the authors' affiliations", "authors affiliated", []),
    ("the cooperation of the cities", "cooperate cities", []),
    ("when did Tehran sign with Washington", "washed", ["washington"]),
]


@pytest.mark.parametrize("question,known,unknown", UNKNOWN_WORDS, ids=[u[0][:30] for u in UNKNOWN_WORDS])
def test_unknown_words_are_names_not_slips(corpus, question, known, unknown):
    from app.gazetteer import Gazetteer
    from app.normalize import words

    vocabulary = frozenset(words("what year was the pact signed when did sign with and agree first tie some "
                                 "تهران چندتا خواهرشهر داره " + known))
    assert Gazetteer(corpus).find(question, vocabulary).unknown == unknown


ANSWER_LANGUAGES = [
    ("tehran ba chand ta shahr khahar khande shode?", "fa"),
    ("avalin peyvande khaharkhandegi ba kodoom shahr bood", "fa"),
    ("which ties did tehran sign in 2016?", "en"),
    ("when was the Moscow MoU signed", "en"),
    ("تهران چندتا خواهرشهر داره؟", "fa"),
    ("Tehran و Moscow کی خواهرخوانده شدن؟", "fa"),
]


@pytest.mark.parametrize("question,lang", ANSWER_LANGUAGES, ids=[q[:30] for q, _ in ANSWER_LANGUAGES])
def test_finglish_is_answered_in_persian(assistant, question, lang):
    """Persian typed in Latin letters is Persian: the learned language head tells it from English."""
    assert assistant.understand(question).lang == lang


def _split(route: dict[str, float], query_route: str) -> Understanding:
    scores = {"route": route, "followup": {"yes": 0.0}, "asks": {"list": 0.7, "fact": 0.3},
              "meta_attribute": {"count_items": 0.8, "authors": 0.2}, "table_op": {"count": 0.9, "list": 0.1},
              "by": {"era": 1.0}, "table_attribute": {"date": 1.0}, "era_op": {"lookup": 1.0},
              "era_attribute": {"years": 1.0}}
    return Understanding(Query(query_route), "", "en", np.zeros(2), Mentions([]), scores)


@pytest.mark.parametrize("route,query_route,expected", [
    # passage and paper structure share the question: the structure is its second reading
    ({"passage": 0.51, "meta": 0.44, "table": 0.04, "era": 0.0, "unanswerable": 0.01}, "passage",
     ("meta", {"meta": 0.95, "passage": 0.0})),
    ({"meta": 0.5, "passage": 0.45, "table": 0.05, "era": 0.0, "unanswerable": 0.0}, "meta",
     ("passage", {"passage": 0.95, "meta": 0.0})),
    # a runner-up this unlikely is no reading; nor is "the paper does not say"
    ({"passage": 0.8, "meta": 0.15, "table": 0.05, "era": 0.0, "unanswerable": 0.0}, "passage", None),
    ({"passage": 0.5, "unanswerable": 0.45, "meta": 0.05, "table": 0.0, "era": 0.0}, "passage", None),
    # the route was overruled after the heads (a tie's unrecorded attribute): no second reading
    ({"table": 0.5, "meta": 0.45, "passage": 0.05, "era": 0.0, "unanswerable": 0.0}, "unanswerable", None),
])
def test_second_reading_of_a_split_question(route, query_route, expected):
    reading = second_reading(_split(route, query_route))
    if expected is None:
        assert reading is None
        return
    query, seen = reading
    assert query.route == expected[0]
    assert {k: round(seen[k], 2) for k in expected[1]} == expected[1]
    assert (query.attribute == "count_items") == (expected[0] == "meta")
    assert (query.asks == "list") == (expected[0] == "passage")
