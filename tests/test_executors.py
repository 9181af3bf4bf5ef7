"""The executors and the renderer on a tiny synthetic corpus (tests/data/tiny: four ties, four paragraphs):
each operation's result is known by hand."""
from __future__ import annotations

import pytest

from app.corpus import load_corpus
from app.executors.common import Notes
from app.executors.era import EraExecutor
from app.executors.meta import MetaExecutor
from app.executors.table import TableExecutor
from app.gazetteer import Gazetteer
from app.render import Renderer
from app.types import Filters, Query


@pytest.fixture(scope="module")
def tiny(tiny_corpus_dir):
    corpus = load_corpus(tiny_corpus_dir)
    notes = Notes(corpus, tiny_corpus_dir / "notes.json")
    table = TableExecutor(corpus, Gazetteer(corpus), notes)
    return {"corpus": corpus, "table": table, "eras": EraExecutor(corpus, notes, table),
            "meta": MetaExecutor(corpus, tiny_corpus_dir / "meta.json"), "render": Renderer(corpus, tiny_corpus_dir)}


def table(op, by=None, attribute=None, unknown=(), **filters):
    return Query("table", op=op, by=by, attribute=attribute, filters=Filters(**filters), unknown_names=unknown)


def rows(draft):
    return [i.row for i in draft.items if i.row]


@pytest.mark.parametrize("query,expected_rows,template", [
    (table("list", era=("4-1-4",)), [2, 3], "table.list"),
    (table("count", continent=("Asia",)), [1, 3], "table.count"),
    (table("list", doc_family=("agreement",)), [3, 4], "table.list"),
    (table("list", sister_city=False), [4], "table.list"),
    (table("first"), [1], "table.first"),
    (table("last", continent=("Asia",)), [3], "table.last"),
    (table("share", era=("4-1-4",)), [2, 3], "table.share"),
    (table("membership", city=("Havana",)), [2], "table.member.yes"),
    (table("membership", city=("Havana",), era=("4-1-3",)), [2], "table.member.no_but"),  # no; Havana's tie
    (table("membership", continent=("Africa",)), [], "table.member.no"),
    (table("count", country=("Italy",), year_to=1379), [4], "table.none_but"),
    (table("lookup", attribute="date", city=("Milan",)), [4], "table.lookup.date"),
    (table("lookup", attribute="era", country=("Italy",)), [4], "table.lookup.era"),
    (table("list", year_from=1379, year_to=1380), [2, 3], "table.list"),
    (table("list", year_from=1380), [3, 4], "table.list"),
    (table("list", year_to=1379), [1, 2], "table.list"),
    # Gregorian: Havana 7 Mar 2001; Quds Bahman 1380 = 21 Jan–19 Feb 2002; Milan 15 Feb 2016
    (table("list", year_from=2002, year_to=2002, calendar="gregorian"), [3], "table.list"),
    (table("list", year_from=2016, year_to=2016, calendar="gregorian"), [4], "table.list"),
    (table("list", month=11, calendar="jalali"), [3, 4], "table.list"),
    (table("list", month=2, calendar="gregorian"), [3, 4], "table.list"),
    (table("list", continent=("Oceania",)), [], "table.none"),
])
def test_table_operations(tiny, query, expected_rows, template):
    draft = tiny["table"].run(query)
    assert rows(draft) == expected_rows and draft.template == template
    assert [c.row for c in draft.citations if c.kind == "table"] == expected_rows


def test_a_no_shows_the_tie_the_named_place_does_have(tiny):
    draft = tiny["table"].run(table("membership", city=("Havana",), era=("4-1-3",)))
    english = tiny["render"].render(draft, "was the Havana tie signed in the construction era?", "en").answer
    assert english.startswith("No;") and "Havana (Cuba)" in english and "17/12/1379" in english
    persian = tiny["render"].render(draft, "پیوند هاوانا در دوره سازندگی بود؟", "fa").answer
    assert persian.startswith("خیر؛") and "هاوانا" in persian and "۱۷/۱۲/۱۳۷۹" in persian


def test_most_least_group_and_compare(tiny):
    most = tiny["table"].run(table("most", by="continent"))
    assert most.values["keys"] == ["Asia"] and most.values["count"] == 2
    least = tiny["table"].run(table("least", by="era"))
    assert sorted(least.values["keys"]) == ["4-1-3", "4-1-6"] and least.values["count"] == 1
    assert least.template == "table.least_none" and least.values["none"] == ["4-1-1", "4-1-2", "4-1-5"]
    text = tiny["render"].render(least, "which era had the fewest ties?", "en").answer
    assert "the provisional government era" in text and "had none" in text and ", with 1 of 4" in text
    by_era = tiny["table"].run(table("group", by="era", era=("4-1-4", "4-1-5")))
    assert {i.key: i.count for i in by_era.items} == {"4-1-4": 2, "4-1-5": 0}
    group = tiny["table"].run(table("group", by="continent"))
    assert {i.key: i.count for i in group.items} == {"Asia": 2, "America": 1, "Europe": 1, "Africa": 0, "Oceania": 0}
    compare = tiny["table"].run(table("compare", by="era", era=("4-1-4", "4-1-6")))
    assert (compare.values["first_n"], compare.values["second_n"], compare.values["difference"]) == (2, 1, 1)


def test_two_values_of_one_filter_are_counted_apart(tiny):
    draft = tiny["table"].run(table("count", continent=("Asia", "Europe")))
    assert {i.key: i.count for i in draft.items} == {"Asia": 2, "Europe": 1}


def test_places_outside_the_table_and_unknown_names(tiny):
    paris = tiny["table"].run(table("membership", city=("Paris",)))
    assert paris.template == "table.outside_member" and [i.sentence for i in paris.items] == ["4-2.1/1"]
    tokyo = tiny["table"].run(table("membership", unknown=("tokyo",)))
    assert tokyo.template == "table.unknown" and not tokyo.abstained
    when = tiny["table"].run(table("lookup", attribute="date", unknown=("tokyo",)))
    assert when.abstained and when.kind == "abstain"


def test_notes_apply_when_their_conditions_hold(tiny):
    assert tiny["table"].run(table("count")).notes == ["total_ties"]
    assert tiny["table"].run(table("count", era=("4-1-4",))).notes == []


def test_concept_resolves_to_every_era_that_uses_it(tiny):
    draft = tiny["table"].run(table("list", concept="détente"))
    assert {i.key: i.rows for i in draft.items} == {"4-1-3": (1,), "4-1-4": (2, 3)}
    assert draft.rows == (2, 3, 1) and draft.notes == []


def test_era_and_meta_executors(tiny):
    years = tiny["eras"].run(Query("era", op="lookup", attribute="years", filters=Filters(era=("4-1-6",))))
    assert years.template == "era.years" and years.values["era"] == "4-1-6"
    nobody = tiny["eras"].run(Query("era", op="lookup", attribute="head", filters=Filters(era=("4-1-2",))))
    assert nobody.template == "era.head_none"
    realist = tiny["eras"].run(Query("era", op="list", filters=Filters(concept="realism")))
    assert [i.era for i in realist.items] == ["4-1-1", "4-1-3", "4-1-6"]
    conditions = tiny["meta"].run(Query("meta", attribute="count_items", filters=Filters(section="3-3")))
    assert conditions.values["n"] == 2 and [i.sentence for i in conditions.items] == ["3-3.2/1", "3-3.3/1"]


@pytest.mark.parametrize("lang,needles", [
    ("en", ["2 ties in the reform era", "Havana (Cuba): sister-city pact, 17/12/1379 SH (7 March 2001)",
            "Bahman 1380 SH (21 January 2002 – 19 February 2002; the table gives the month only)"]),
    ("fa", ["۲ پیوند در دوره اصلاحات", "هاوانا (کوبا): پیمان خواهرشهری، ۱۷/۱۲/۱۳۷۹ (برابر ۷ مارس ۲۰۰۱)"]),
])
def test_rendering_in_both_languages(tiny, lang, needles):
    draft = tiny["table"].run(table("list", era=("4-1-4",)))
    answer = tiny["render"].render(draft, "q", lang)
    for needle in needles:
        assert needle in answer.answer, needle
    assert [i["row"] for i in answer.items] == [2, 3] and answer.lead and answer.lead in answer.answer
    assert {c["row"] for c in answer.citations if c["kind"] == "table"} == {2, 3}


def test_rendered_notes_are_cited(tiny):
    answer = tiny["render"].render(tiny["table"].run(table("count")), "how many?", "en")
    assert answer.notes == ["A test note."] and answer.answer.endswith("A test note.")
    assert any(c.get("paragraph") == "4-2.1" for c in answer.citations)
