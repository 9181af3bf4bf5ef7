"""Structured questions over Table 2 and the eras: understand filters and intent, compute the answer.

Everything here is computed from `agreements.csv` and `eras.json`; nothing is generated. A question
is parsed into a `TableQuery` (filters + intent); `run` turns it into facts that `answer.py` phrases.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field, replace

from app.corpus import Agreement, Corpus
from app.normalize import fold

# Words that say the question is about Tehran's ties (as opposed to, say, UN resolutions).
TIE_WORDS = re.compile(
    r"\b(ties?|links?|sister|twin|agreements?|treat(y|ies)|pacts?|mous?|memorand\w*|contracts?|signed|sign|"
    r"documents?|docs?|partners?|relationships?|formed|established|created)\b"
    r"|پیوند|خواهر|خواهرخوان|خواهرخون|سند|اسناد|امضا|تفاهم|پیمان|معاهده|قرارداد|توافق|موافقت")
COUNT = re.compile(r"\bhow many\b|\bnumber of\b|\bcount\b|چند|تعداد|شمار")
LIST = re.compile(r"\b(which|list|what are|name|show)\b|کدام|کدوم|کدامند|کدام‌اند|چه شهرهایی|فهرست|نام ببر|اسامی")
MOST = re.compile(r"\b(most|highest|largest|more)\b|بیشترین|بیشتر")
LEAST = re.compile(r"\b(fewest|least|lowest)\b|کمترین|کمتر")
FIRST = re.compile(r"\b(first|earliest|oldest)\b|اولین|نخستین|قدیمی‌ترین|قدیمی ترین")
LAST = re.compile(r"\b(last|latest|newest|most recent)\b|آخرین|جدیدترین|تازه‌ترین")
DIFF = re.compile(r"\bdifference\b|\bcompare|\bversus\b|\bvs\.?\b|اختلاف|تفاوت|مقایسه")
SHARE = re.compile(r"\bshare\b|\bpercent|\bproportion\b|\bfraction\b|%|درصد|سهم|نسبت")
WHEN = re.compile(r"\bwhen\b|\bwhat (year|date|month)\b|\bwhich (year|date)\b|کی|چه سالی|چه تاریخی|چه زمانی|کدام سال|"
                  r"تاریخ|سال")
DOC_ASKED = re.compile(r"\bwhat (kind|type|sort) of (doc|document)|\bwhat (was|were) signed|\bwhat document|\bwhat doc"
                       r"|نوع سند|چه سندی|چه نوع|نوع")
WHO_ERA = re.compile(r"\b(which|what) (president|government|governments|era|eras|administration|period|periods)|"
                     r"\bunder (which|whom)|\bwho was president|کدام دولت|کدوم دولت|کدام دوره|کدوم دوره|چه دوره|"
                     r"دولت چه کسی|کدام رئیس")
DETAIL = re.compile(r"\b(projects?|purpose|goals?|aims?|objectives?|contents?|provisions?|terms|activities|results?|"
                    r"outcomes?|budget)\b|پروژه|هدف|اهداف|مفاد|محتوا|محتوای|فعالیت|نتیجه|نتایج|بودجه")
WHY = re.compile(r"\bwhy\b|\bhow come\b|\breason|\bwhat (helped|made|led|caused)\b|\bhow did\b|چرا|دلیل|علت|"
                 r"چه چیزی باعث|چه عاملی|چه عواملی")
WORLD = re.compile(r"\b(world|worldwide|global|globally|first ever)\b|دنیا|جهان|در جهان")
COOPERATION = re.compile(r"\bcooperation\b|\bco-operation\b|همکاری")
FRIENDSHIP = re.compile(r"\bfriendship\b|\bfriendly\b|دوستی")
NOT_SISTER = re.compile(r"rather than sister|not sister|instead of sister|غیر خواهرشهری|به جای خواهرشهری")
YEAR = re.compile(r"(?<!\d)(1[34]\d\d|19\d\d|20[01]\d)(?!\d)")
RANGE = re.compile(r"(?<!\d)(1[34]\d\d|19\d\d|20[01]\d)\s*(?:-|–|to|and|تا|و)\s*(1[34]\d\d|19\d\d|20[01]\d|\d\d)(?!\d)")
AFTER = re.compile(r"\b(after|since|from)\b|بعد از|پس از|از سال")
BEFORE = re.compile(r"\b(before|until|prior to)\b|قبل از|پیش از|تا سال")

DOC_FAMILIES = {
    "mou": re.compile(r"\bmous?\b|memorand|یادداشت تفاهم|تفاهم ?نامه|تفاهم‌نامه"),
    "pact": re.compile(r"\bpacts?\b|پیمان"),
    "treaty": re.compile(r"\btreat(y|ies)\b|معاهده"),
    "contract": re.compile(r"\bcontracts?\b|قرارداد"),
    # plain "agreements" is how people say "ties"; only a qualified one names the document type
    "agreement": re.compile(r"\b(sister[- ]?city|cooperation|friendship) agreements?\b|\baccords?\b|"
                            r"توافق ?نامه|توافق‌نامه|موافقت ?نامه|موافقت‌نامه"),
}


@dataclass(frozen=True)
class TableQuery:
    rows: frozenset[int] | None = None  # restrict to these rows (cities/countries named, or a follow-up set)
    named_rows: tuple[int, ...] = ()  # rows named by city or country
    eras: tuple[str, ...] = ()
    era_reason: str = ""  # "concept:détente" when eras came from a key concept
    continents: tuple[str, ...] = ()
    families: tuple[str, ...] = ()
    sister_city: bool | None = None
    cooperation: bool = False
    friendship: bool = False
    year_from: int | None = None  # Jalali, inclusive
    year_to: int | None = None
    intent: str = "list"  # list | count | most | least | first | last | diff | share | lookup
    asks_date: bool = False
    asks_doc: bool = False
    asks_era: bool = False
    outside_cities: tuple[str, ...] = ()  # glossary cities that are not in Table 2 (Paris, …)
    flags: dict = field(default_factory=dict)

    @property
    def has_filters(self) -> bool:
        return bool(self.rows is not None or self.eras or self.continents or self.families
                    or self.sister_city is not None or self.cooperation or self.friendship or self.year_from
                    or self.year_to)


def _has(pattern: re.Pattern, text: str) -> bool:
    return pattern.search(text) is not None


def _forms_pattern(forms) -> re.Pattern:
    """Any of `forms` as a whole word; Latin names also with a possessive or plural ("Bazargan's", "bazargans")."""
    alternatives = "|".join(sorted({re.escape(fold(f)) for f in forms if len(fold(f)) >= 2}, key=len, reverse=True))
    return re.compile(rf"(?<![\w\u0600-\u06ff])(?:{alternatives})(?:'s|’s|s)?(?![\w\u0600-\u06ff])")


class TableParser:
    """Built once per corpus; `parse` is pure."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        table_cities = {fold(n) for a in corpus.agreements for n in (a.city_fa, a.city_en, a.city_as_printed)}
        table_countries = {fold(n) for a in corpus.agreements for n in (a.country_fa, a.country_en)}
        self.city_patterns: list[tuple[re.Pattern, list[int]]] = []
        self.outside_city_patterns: list[tuple[re.Pattern, str]] = []
        self.country_patterns: list[tuple[re.Pattern, list[int]]] = []
        self.continent_patterns: list[tuple[re.Pattern, str]] = []
        for term in corpus.glossary:
            forms = set(term.all_forms)
            folded = {fold(f) for f in forms}
            if term.kind == "city":
                rows = [a.row for a in corpus.agreements
                        if folded & {fold(a.city_fa), fold(a.city_en), fold(a.city_as_printed)}]
                if rows:
                    self.city_patterns.append((_forms_pattern(forms), rows))
                elif not folded & table_cities and term.en not in ("Tehran",):
                    self.outside_city_patterns.append((_forms_pattern(forms), term.en))
            elif term.kind == "country" and folded & table_countries:
                rows = [a.row for a in corpus.agreements if folded & {fold(a.country_fa), fold(a.country_en)}]
                self.country_patterns.append((_forms_pattern(forms), rows))
            elif term.kind == "continent":
                self.continent_patterns.append((_forms_pattern(forms - {"استرالیا", "Australia"}), term.en))
        self.era_patterns: list[tuple[re.Pattern, str]] = []
        self.concept_patterns: list[tuple[re.Pattern, str, str]] = []
        for era in corpus.eras:
            names = [*era.short_fa, *era.short_en, *era.head_names]
            if names:
                self.era_patterns.append((_forms_pattern(names), era.id))
            for concept in era.concepts:
                self.concept_patterns.append((_forms_pattern([*concept.fa, *concept.en]), era.id, concept.en[0]))

    def parse(self, question: str) -> TableQuery:
        text = f" {fold(question)} "
        named: list[int] = []
        for pattern, rows in self.city_patterns + self.country_patterns:
            if pattern.search(text):
                named.extend(r for r in rows if r not in named)
        # «کویت» is both a city and a country: the same row, counted once.
        eras = [era_id for pattern, era_id in self.era_patterns if pattern.search(text)]
        era_reason = ""
        if not eras:
            concept_hits: dict[str, list[str]] = {}
            for pattern, era_id, concept in self.concept_patterns:
                if pattern.search(text):
                    concept_hits.setdefault(concept, []).append(era_id)
            if concept_hits:
                concept, era_ids = max(concept_hits.items(), key=lambda item: len(item[1]))
                eras, era_reason = list(dict.fromkeys(era_ids)), f"concept:{concept}"
        continents = tuple(name for pattern, name in self.continent_patterns if pattern.search(text))
        families = tuple(name for name, pattern in DOC_FAMILIES.items() if pattern.search(text))
        cooperation, not_sister = _has(COOPERATION, text), _has(NOT_SISTER, text)
        year_from = year_to = None
        if match := RANGE.search(fold(question)):
            start, end = int(match[1]), int(match[2])
            if end < 100:
                end += start // 100 * 100
            year_from, year_to = _to_jalali(start), _to_jalali(end)
        elif years := [int(y) for y in YEAR.findall(fold(question))]:
            year = _to_jalali(years[0])
            if _has(AFTER, text):
                year_from = year
            elif _has(BEFORE, text):
                year_to = year
            else:
                year_from = year_to = year
        span_era = next((e.id for e in self.corpus.eras if year_from and year_to and year_from != year_to
                         and e.start_jalali == year_from and year_to in (e.end_jalali, e.end_jalali_alt)), None)
        if span_era and (not eras or eras == [span_era]):
            eras, era_reason = [span_era], ""
            year_from = year_to = None  # "1384–1392" is an era's span: name the era, not a date filter
        intent = "list"
        if _has(SHARE, text):
            intent = "share"
        elif _has(DIFF, text):
            intent = "diff"
        elif _has(LAST, text):  # before MOST: "the most recent"
            intent = "last"
        elif _has(FIRST, text):
            intent = "first"
        elif _has(MOST, text) and not named:
            intent = "most"
        elif _has(LEAST, text) and not named:
            intent = "least"
        elif _has(COUNT, text):
            intent = "count"
        elif named and not _has(LIST, text):
            intent = "lookup"
        outside = tuple(name for pattern, name in self.outside_city_patterns if pattern.search(text))
        return TableQuery(
            rows=frozenset(named) if named else None, named_rows=tuple(named), eras=tuple(eras),
            era_reason=era_reason, continents=continents, families=families,
            sister_city=False if not_sister else None, cooperation=cooperation, friendship=_has(FRIENDSHIP, text),
            year_from=year_from, year_to=year_to, intent=intent,
            asks_date=_has(WHEN, text), asks_doc=_has(DOC_ASKED, text), asks_era=_has(WHO_ERA, text),
            outside_cities=outside,
            flags={"tie_words": _has(TIE_WORDS, text), "detail": _has(DETAIL, text), "why": _has(WHY, text),
                   "world": _has(WORLD, text),
                   "list": _has(LIST, text),
                   "count": _has(COUNT, text), "tehran": "tehran" in text or "تهران" in text})


def _to_jalali(year: int) -> int:
    """A Gregorian year (1900–2019) to the Jalali year it mostly overlaps; Jalali years pass through."""
    return year - 621 if year >= 1900 else year


def is_table_question(query: TableQuery) -> bool:
    """Does this question ask about the agreements (rather than about the paper's arguments)?"""
    if query.named_rows:
        return True
    if (query.flags["detail"] or query.flags["why"]) and not (query.flags["count"] or query.flags["list"]):
        return False  # "why …", "what projects …": the table cannot answer that
    if query.flags["world"] and not query.eras:
        return False  # "the first sister-city tie in the world": not one of Tehran's
    if not query.flags["tie_words"]:
        return False
    if query.eras or query.continents or query.year_from or query.year_to:
        return True
    if query.intent in ("most", "least", "first", "last", "diff", "share"):
        return True
    asks = query.flags["count"] or query.flags["list"]
    if query.families or query.sister_city is not None or query.cooperation or query.friendship:
        return asks  # "which MoUs …" yes; "what sectors do sister-city MoUs involve" no
    return asks and query.flags["tehran"]  # a bare count is about Tehran's ties, not Iran's or the world's


def select(corpus: Corpus, query: TableQuery) -> list[Agreement]:
    """The agreements matching every filter of `query`, in table order."""
    out = []
    for a in corpus.agreements:
        if query.rows is not None and a.row not in query.rows:
            continue
        if query.eras and a.era_id not in query.eras:
            continue
        if query.continents and a.continent not in query.continents:
            continue
        if query.families and a.doc_family not in query.families:
            continue
        if query.sister_city is not None and a.sister_city != query.sister_city:
            continue
        if query.cooperation and "همکاری" not in a.doc_type_fa:
            continue
        if query.friendship and "دوستی" not in a.doc_type_fa:
            continue
        if query.year_from and a.year < query.year_from:
            continue
        if query.year_to and a.year > query.year_to:
            continue
        out.append(a)
    return out


def era_counts(corpus: Corpus) -> dict[str, int]:
    counts = {e.id: 0 for e in corpus.eras}
    for a in corpus.agreements:
        counts[a.era_id] += 1
    return counts


def follow_up(previous: TableQuery, rows: tuple[int, ...], new: TableQuery) -> TableQuery:
    """Apply a follow-up's filters to the previous answer: "which of those are in Asia?" (rows kept),
    "and under Rouhani?" (the era replaced, the other filters kept)."""
    if new.eras and not new.continents and not new.families and new.sister_city is None and not new.cooperation \
            and not new.named_rows:
        # a continuation: same question, another era
        if previous.eras and set(new.eras) != set(previous.eras) and not new.flags["list"]:
            return replace(previous, eras=new.eras, era_reason=new.era_reason, rows=None, named_rows=())
    return replace(new, rows=frozenset(rows) if new.rows is None else new.rows & frozenset(rows),
                   intent=new.intent if new.intent != "lookup" else "list")
