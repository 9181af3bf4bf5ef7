"""Table 2 questions, computed from agreements.csv: list, count, first/last, most/least, group, compare,
share, look up an attribute, yes/no membership."""
from __future__ import annotations

from collections import Counter
from dataclasses import replace

from app.corpus import CONTINENTS, Agreement, Corpus
from app.executors.common import Notes, paragraph_citation, row_citation, section_citation, sentence_citations
from app.gazetteer import Gazetteer
from app.types import AnswerDraft, Filters, Item, Query

TABLE_CAPTION = "table2.0"  # the paragraph of the paper that is Table 2's caption
OUTSIDE_SENTENCES = 3  # what the paper says of a place outside Table 2: at most this many sentences
GROUP_FILTER = {"era": "era", "continent": "continent", "country": "country", "doc_type": "doc_family"}


def group_key(agreement: Agreement, by: str) -> str:
    """The value of a grouping dimension for one tie (an era id, a continent, a country, a document family …)."""
    return {"era": agreement.era_id, "continent": agreement.continent, "country": agreement.country_en,
            "doc_type": agreement.doc_family, "year": str(agreement.year),
            "sister_city": "sister" if agreement.sister_city else "cooperation"}[by]


class TableExecutor:
    def __init__(self, corpus: Corpus, gazetteer: Gazetteer, notes: Notes, accepted: dict | None = None) -> None:
        """`accepted`: the year the paper was accepted in each calendar (corpus/meta.json); ties of later years
        are beyond what Table 2 can know."""
        self.corpus, self.gazetteer, self.notes = corpus, gazetteer, notes
        self.accepted = accepted or {}
        self.table_cities = {a.city_en for a in corpus.agreements}
        self.table_countries = {a.country_en for a in corpus.agreements}

    def eras_of(self, filters: Filters) -> tuple[str, ...]:
        """The eras a query means: named ones, or those the paper links to its key concept."""
        if filters.era or not filters.concept:
            return filters.era
        return tuple(e.id for e in self.corpus.eras if any(c.en[0] == filters.concept for c in e.concepts))

    def select(self, filters: Filters, eras: tuple[str, ...]) -> list[Agreement]:
        """The ties that meet every filter, in table order."""
        return [a for a in self.corpus.agreements if _matches(a, filters, eras)]

    def run(self, query: Query) -> AnswerDraft:
        """The answer, citing the rows it names; an answer that names none ("no such tie", "none in 1375") cites
        the table itself, by its caption."""
        draft = self.answer(query)
        if not draft.rows and draft.kind != "abstain" and TABLE_CAPTION in self.corpus.paragraph_by_id:
            draft.citations.append(paragraph_citation(self.corpus, TABLE_CAPTION))
        return draft

    def answer(self, query: Query) -> AnswerDraft:
        filters = query.filters
        eras = self.eras_of(filters)
        outside = [c for c in filters.city if c not in self.table_cities] + \
                  [c for c in filters.country if c not in self.table_countries]
        inside = replace(filters, city=tuple(c for c in filters.city if c in self.table_cities),
                         country=tuple(c for c in filters.country if c in self.table_countries))
        if outside and not (inside.city or inside.country):
            return self.outside(query, outside)
        if query.op in ("lookup", "membership") and not (inside.city or inside.country) and query.unknown_names \
                and not _has_other_filters(inside):
            return self.unknown(query)
        rows = self.select(inside, eras)
        draft = self.dispatch(query, inside, eras, rows)
        draft.notes = [n.id for n in self.notes.matching(query, eras)] if draft.kind != "abstain" else []
        if draft.notes and draft.kind == "table":
            draft.kind = "ambiguous"
        cited = list(dict.fromkeys(i.row for i in draft.items if i.row)) or \
            list(dict.fromkeys(r for i in draft.items for r in i.rows))
        draft.citations = [row_citation(r) for r in cited] + draft.citations + \
            [section_citation(e) for e in eras if e in self.corpus.section_by_id]
        draft.rows = tuple(cited)
        return draft

    def dispatch(self, query: Query, filters: Filters, eras: tuple[str, ...], rows: list[Agreement]) -> AnswerDraft:
        op, values = query.op, {"scope": filters, "eras": eras}
        if op in ("most", "least", "group"):
            if query.by == "sister_city":  # both kinds are counted, whatever kind the question names
                filters = replace(filters, sister_city=None)
                rows = self.select(filters, eras)
            return self.grouped(query, filters, eras, rows)
        if op == "compare":
            return self.compare(query, filters, eras)
        if not rows and self.after_the_paper(filters):
            return self.after_paper(filters)
        if not rows:
            named = self.named_place_rows(filters)
            items = [Item("row", "", row=a.row) for a in named]
            template = "table.member.no" if op == "membership" else "table.none"
            return AnswerDraft("table", f"{template}_but" if named else template, values, items)
        items = [Item("row", "", row=a.row) for a in rows]
        split = self.split_by(filters, eras)
        if op in ("count", "list") and split:  # "with the Americas and with Africa": each one's count
            return self.grouped(replace(query, op="group", by=split), filters, eras, rows, template="table.count")
        if op in ("first", "last"):
            pick = (min if op == "first" else max)(rows, key=lambda a: a.signed)
            return AnswerDraft("table", f"table.{op}", {**values, "row": pick.row}, [Item("row", "", row=pick.row)])
        if op == "share":
            total = len(self.corpus.agreements)
            return AnswerDraft("table", "table.share", {**values, "n": len(rows), "total": total,
                                                        "percent": round(100 * len(rows) / total)}, items)
        if op == "membership":
            return AnswerDraft("table", "table.member.yes", values, items)
        if op == "lookup" and (filters.city or filters.country):
            if len(rows) == 1:
                attribute = query.attribute or "all"
                return AnswerDraft("table", f"table.lookup.{attribute}", {**values, "row": rows[0].row}, items)
            return AnswerDraft("table", "table.lookup.many", values, items)
        return AnswerDraft("table", "table.count" if op == "count" else "table.list", {**values, "n": len(rows)}, items)

    def after_the_paper(self, filters: Filters) -> bool:
        """Whether the years asked about all come after the paper was accepted ("after 1397", "since 2020")."""
        until = self.accepted.get(filters.calendar)
        return until is not None and filters.year_from is not None and filters.year_from > until

    def after_paper(self, filters: Filters) -> AnswerDraft:
        """"The paper cannot say" for years after it was written, with the latest tie it lists; it cites the
        paragraph that dates the paper, when meta.json names it."""
        latest = max(self.corpus.agreements, key=lambda a: a.signed)
        values = {"jalali": self.accepted["jalali"], "gregorian": self.accepted["gregorian"], "row": latest.row}
        dated = self.accepted.get("paragraph")
        citations = [paragraph_citation(self.corpus, dated)] if dated in self.corpus.paragraph_by_id else []
        return AnswerDraft("abstain", "table.after_paper", values, [Item("row", "", row=latest.row)], citations,
                           abstained=True)

    def named_place_rows(self, filters: Filters) -> list[Agreement]:
        """The ties of the city or country a question names, whatever its other filters: what "no" is set
        against ("was the Moscow tie signed under Ahmadinejad?": no, under Khatami, in 1383)."""
        if not (filters.city or filters.country):
            return []
        return self.select(Filters(city=filters.city, country=filters.country), ())

    @staticmethod
    def split_by(filters: Filters, eras: tuple[str, ...]) -> str | None:
        """The dimension a question names two or more values of (two eras, two continents …), if any."""
        for by, values in (("era", eras), ("continent", filters.continent),
                           ("country", filters.country), ("doc_type", filters.doc_family)):
            if len(values) >= 2:
                return by
        return None

    def grouped(self, query: Query, filters: Filters, eras: tuple[str, ...], rows: list[Agreement],
                template: str = "") -> AnswerDraft:
        by = query.by or "era"
        counts = Counter(group_key(a, by) for a in rows)
        groups = sorted(counts.items(), key=lambda kv: (-kv[1], kv[0]))
        items = [Item("group", "", key=key, count=n, rows=tuple(a.row for a in rows if group_key(a, by) == key))
                 for key, n in groups]
        values = {"scope": filters, "eras": eras, "by": by, "total": len(rows), "n": len(rows)}
        if template:
            return AnswerDraft("table", template, values, items)
        empty = self.empty_groups(by, eras, counts)
        items += [Item("group", "", key=key, count=0) for key in empty]
        if query.op == "group" or not groups:
            return AnswerDraft("table", "table.group", values, items)
        best = groups[0][1] if query.op == "most" else groups[-1][1]
        keys = [k for k, n in groups if n == best]
        values = {**values, "keys": keys, "count": best}
        if query.op == "least" and by == "era" and empty:  # "fewest": none at all, and fewest of the others
            return AnswerDraft("table", "table.least_none", {**values, "none": empty}, items)
        return AnswerDraft("table", f"table.{query.op}", values, items)

    def empty_groups(self, by: str, eras: tuple[str, ...], counts: Counter) -> list[str]:
        """Groups with no tie that still belong to the answer: the paper's eras without ties (4-1-1, 4-1-2), and
        the continent it names without one (Oceania)."""
        if by == "era":
            return [e.id for e in self.corpus.eras if e.id not in counts and (not eras or e.id in eras)]
        if by == "continent":
            return [c for c in CONTINENTS if c not in counts]
        return []

    def compare(self, query: Query, filters: Filters, eras: tuple[str, ...]) -> AnswerDraft:
        by = query.by or "era"
        named = {"era": eras, "continent": filters.continent, "country": filters.country,
                 "doc_type": filters.doc_family}.get(by, ())
        base = replace(filters, **({GROUP_FILTER[by]: ()} if by in GROUP_FILTER else {}), concept=None)
        rows = self.select(base, () if by == "era" else eras)
        if by == "sister_city":
            named = ("sister", "cooperation")
        if len(named) < 2:
            return self.grouped(replace(query, op="group"), base, eras, rows)
        counts = {key: [a.row for a in rows if group_key(a, by) == key] for key in named[:2]}
        (first, first_rows), (second, second_rows) = counts.items()
        items = [Item("group", "", key=k, count=len(v), rows=tuple(v)) for k, v in counts.items()]
        return AnswerDraft("table", "table.compare", {"scope": base, "eras": eras, "by": by, "first": first,
                                                      "second": second, "first_n": len(first_rows),
                                                      "second_n": len(second_rows),
                                                      "difference": abs(len(first_rows) - len(second_rows))}, items)

    def outside(self, query: Query, names: list[str]) -> AnswerDraft:
        """Places the table lacks: what the paper says about them (about a country, also about the places the
        glossary puts in it: New South Wales for Australia), or a plain no."""
        places = set(names) | {t.en for t in self.corpus.glossary if t.kind == "city" and t.country in names}
        named = {s.id: self.gazetteer.sentence_names(s) & places for s in self.corpus.sentences if s.fact}
        home = self.corpus.paragraph_by_id[TABLE_CAPTION].section if TABLE_CAPTION in self.corpus.paragraph_by_id \
            else None
        # a short answer, not every passing mention: first those in Table 2's own section (on Tehran's ties), then
        # those that name the asked place itself rather than a place in it; told in the paper's order
        sentences = [s for s in self.corpus.sentences if named.get(s.id)]
        kept = sorted(sentences, key=lambda s: (s.section != home, not named[s.id] & set(names)))[:OUTSIDE_SENTENCES]
        sentences = [s for s in sentences if s in kept]
        values = {"names": names}
        if sentences:
            items = [Item("sentence", "", sentence=s.id) for s in sentences]
            template = "table.outside_member" if query.op == "membership" else "table.outside"
            return AnswerDraft("table", template, values, items, sentence_citations(sentences))
        template = "table.member.no_named" if query.op == "membership" else "table.unknown"
        return AnswerDraft("table", template, values)

    def unknown(self, query: Query) -> AnswerDraft:
        """A name the paper never mentions: "no" to a yes/no question, and "the paper does not say" otherwise."""
        values = {"names": list(query.unknown_names)}
        if query.op == "membership":
            return AnswerDraft("table", "table.unknown", values)
        return AnswerDraft("abstain", "table.unknown_abstain", values, abstained=True)


def _has_other_filters(filters: Filters) -> bool:
    return bool(filters.era or filters.concept or filters.continent or filters.doc_family
                or filters.year_from or filters.year_to or filters.month)


def _matches(a: Agreement, f: Filters, eras: tuple[str, ...]) -> bool:
    if eras and a.era_id not in eras:
        return False
    if f.city and a.city_en not in f.city and not f.country:
        return False
    if f.country and a.country_en not in f.country and not (f.city and a.city_en in f.city):
        return False
    if f.continent and a.continent not in f.continent:
        return False
    if f.doc_family and a.doc_family not in f.doc_family:
        return False
    if f.sister_city is not None and a.sister_city != f.sister_city:
        return False
    return _in_years(a, f) and _in_month(a, f)


def _in_years(a: Agreement, f: Filters) -> bool:
    """Jalali years compare with the table's year; Gregorian ones with the Gregorian date (a month-only date
    counts when any day of it falls inside)."""
    if f.year_from is None and f.year_to is None:
        return True
    if f.calendar == "gregorian":
        low, high = a.gregorian_start.year, a.gregorian_end.year
    else:
        low = high = a.year
    return (f.year_from is None or high >= f.year_from) and (f.year_to is None or low <= f.year_to)


def _in_month(a: Agreement, f: Filters) -> bool:
    if f.month is None:
        return True
    if f.calendar == "gregorian":
        return f.month in (a.gregorian_start.month, a.gregorian_end.month)
    return a.month == f.month
