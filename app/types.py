"""The typed values that flow through the answer layer: Query → AnswerDraft → Answer.

They depend on nothing else in `app/`, so every module can share them without an import cycle.
The vocabularies below are the schema of `corpus/questions/README.md`.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Any

ROUTES = ("table", "era", "meta", "passage", "unanswerable")
TABLE_OPS = ("list", "count", "first", "last", "most", "least", "group", "compare", "share", "lookup", "membership")
ERA_OPS = ("lookup", "list", "count")
BY = ("era", "continent", "country", "doc_type", "year", "sister_city")
TABLE_ATTRIBUTES = ("date", "era", "doc_type", "country", "city", "continent", "row", "all")
UNRECORDED = "unrecorded"  # what is asked of a tie that Table 2 does not record (a purpose, a budget, a signatory)
ERA_ATTRIBUTES = ("years", "head", "ties", "concepts", "title", "section")
META_ATTRIBUTES = ("authors", "affiliation", "title", "dates", "keywords", "sections", "count_items", "maps")
ASKS = ("fact", "definition", "reason", "list", "number", "date", "person", "place", "source", "summary", "yesno")
REASONS = ("entity_not_in_paper", "attribute_not_recorded", "outside_paper")
CONTINENTS = ("Asia", "Europe", "America", "Africa", "Oceania")
DOC_FAMILIES = ("mou", "pact", "treaty", "contract", "agreement")
CALENDARS = ("jalali", "gregorian")


@dataclass(frozen=True)
class Filters:
    """What restricts a table or era question. Empty tuples and None mean "no restriction"."""

    era: tuple[str, ...] = ()
    concept: str | None = None
    city: tuple[str, ...] = ()  # canonical English names; may name places outside Table 2
    country: tuple[str, ...] = ()
    continent: tuple[str, ...] = ()
    doc_family: tuple[str, ...] = ()
    sister_city: bool | None = None
    year_from: int | None = None
    year_to: int | None = None
    calendar: str = "jalali"
    month: int | None = None
    section: str | None = None

    def is_empty(self) -> bool:
        return self == Filters()

    def to_label(self) -> dict:
        """The bank's JSON form (empty filters left out)."""
        out: dict[str, Any] = {}
        for name in ("era", "city", "country", "continent", "doc_family"):
            if getattr(self, name):
                out[name] = list(getattr(self, name))
        if self.concept:
            out["concept"] = self.concept
        if self.sister_city is not None:
            out["sister_city"] = self.sister_city
        if self.year_from is not None or self.year_to is not None:
            year: dict[str, Any] = {"calendar": self.calendar}
            if self.year_from is not None:
                year["from"] = self.year_from
            if self.year_to is not None:
                year["to"] = self.year_to
            out["year"] = year
        if self.month is not None:
            out["month"] = {"month": self.month, "calendar": self.calendar}
        if self.section:
            out["section"] = self.section
        return out

    @classmethod
    def from_label(cls, data: dict | None) -> "Filters":
        data = data or {}
        year, month = data.get("year") or {}, data.get("month") or {}
        return cls(era=tuple(data.get("era", ())), concept=data.get("concept"), city=tuple(data.get("city", ())),
                   country=tuple(data.get("country", ())), continent=tuple(data.get("continent", ())),
                   doc_family=tuple(data.get("doc_family", ())), sister_city=data.get("sister_city"),
                   year_from=year.get("from"), year_to=year.get("to"),
                   calendar=year.get("calendar") or month.get("calendar") or "jalali",
                   month=month.get("month"), section=data.get("section"))


@dataclass(frozen=True)
class Query:
    """A question understood: where its answer comes from and what is asked of it."""

    route: str
    op: str | None = None
    by: str | None = None
    attribute: str | None = None
    filters: Filters = field(default_factory=Filters)
    gold: tuple[str, ...] = ()  # passage: sentence ids (known for bank questions; predicted ones live in drafts)
    asks: str | None = None
    reason: str | None = None
    followup: bool = False
    confidence: float = 1.0
    sections: tuple[str, ...] = ()  # passage: the parts of the paper the question is most likely about
    unknown_names: tuple[str, ...] = ()  # names in the question that the paper never mentions

    def to_label(self) -> dict:
        """The bank's JSON form of this query (what a label says; confidence and hints left out)."""
        label: dict[str, Any] = {"route": self.route}
        if self.route in ("table", "era"):
            label["op"] = self.op
        if self.by:
            label["by"] = self.by
        if self.attribute:
            label["attribute"] = self.attribute
        if filters := self.filters.to_label():
            label["filters"] = filters
        if self.route == "passage":
            label["gold"] = list(self.gold)
            label["asks"] = self.asks
        if self.reason:
            label["reason"] = self.reason
        if self.followup:
            label["followup"] = True
        return label

    @classmethod
    def from_label(cls, label: dict) -> "Query":
        return cls(route=label["route"], op=label.get("op"), by=label.get("by"), attribute=label.get("attribute"),
                   filters=Filters.from_label(label.get("filters")), gold=tuple(label.get("gold", ())),
                   asks=label.get("asks"), reason=label.get("reason"), followup=bool(label.get("followup")))

    def with_filters(self, **changes: Any) -> "Query":
        return replace(self, filters=replace(self.filters, **changes))


@dataclass(frozen=True)
class Citation:
    """Where an answer comes from: a paragraph (with the sentences to highlight), a Table 2 row or a section."""

    kind: str  # passage | table | section
    section: str
    paragraph: str | None = None
    row: int | None = None
    highlight_fa: tuple[tuple[int, int], ...] = ()
    highlight_en: tuple[tuple[int, int], ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class Item:
    """One structured piece of an answer, rendered by the UI without reading the answer text.

    kind: `row` (a tie of Table 2: `row`), `sentence` (a sentence of the paper: `sentence`),
    `era` (`era`), `group` (a count per era/continent/…: `key`, `count`, `rows`), `fact` (a line of text)."""

    kind: str
    text: str
    row: int | None = None
    sentence: str | None = None
    era: str | None = None
    key: str | None = None
    count: int | None = None
    rows: tuple[int, ...] = ()


@dataclass
class AnswerDraft:
    """What an executor found, before rendering: a template key with its values, the items and the sources."""

    kind: str  # table | era | meta | passage | abstain | ambiguous
    template: str
    values: dict[str, Any] = field(default_factory=dict)
    items: list[Item] = field(default_factory=list)
    citations: list[Citation] = field(default_factory=list)
    abstained: bool = False
    notes: list[str] = field(default_factory=list)  # template keys of the paper's own caveats to add
    rows: tuple[int, ...] = ()  # the Table 2 rows this answer is about (what a follow-up's "those" means)
    confidence: float = 1.0


@dataclass
class Answer:
    """The rendered answer, in the question's language."""

    question: str
    lang: str
    answer: str
    abstained: bool
    citations: list[dict]
    kind: str = "passage"
    items: list[dict] = field(default_factory=list)  # {"kind", "text", "row"/"sentence"/"era"/"key"…}
    lead: str = ""  # the answer's first sentence, before its items
    notes: list[str] = field(default_factory=list)  # the paper's own caveats that apply
    query: Query | None = None
    rows: tuple[int, ...] = ()
    confidence: float = 1.0
    timing_ms: float = 0.0
    phrased_by: str | None = None

    def to_dict(self) -> dict:
        return {"question": self.question, "lang": self.lang, "answer": self.answer, "abstained": self.abstained,
                "kind": self.kind, "lead": self.lead, "items": self.items, "notes": self.notes,
                "citations": self.citations,
                "query": self.query.to_label() if self.query else None, "confidence": round(self.confidence, 3),
                "timing_ms": round(self.timing_ms, 1), "phrased_by": self.phrased_by}

