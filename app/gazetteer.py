"""Find the paper's entities in a question: places, eras, presidents, concepts, document types, years.

Everything here comes from the corpus files (glossary, Table 2, eras), so adding a spelling to
`glossary.csv` teaches it to the whole assistant. A mention is matched on folded words, with or without
the half-space ("تفاهمنامه" = "تفاهم‌نامه"), with a short suffix ("اروپایی", "Asian"), and, for longer
names, with a typo (rapidfuzz).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache

from nltk.stem.porter import PorterStemmer
from rapidfuzz import fuzz, process
from rapidfuzz.distance import Indel

from app.corpus import (GREGORIAN_MONTHS_EN, GREGORIAN_MONTHS_FA, JALALI_MONTHS_EN, JALALI_MONTHS_FA, Corpus,
                         Sentence)
from app.normalize import decades_in, fold, section_ids_in, without_decades, words, years_in

_porter = PorterStemmer().stem
MAX_WINDOW = 4  # longest name, in words
MAX_SUFFIX = 3  # letters a Persian word may add to a name: اروپا+یی, کویت+ی
LATIN_SUFFIXES = ("s", "es", "n", "an", "ns", "ans")  # Asia+n, Europe+an, MoU+s; never "accord"+"ing"
FUZZY_MIN_LENGTH = 6  # shorter names must be spelled right: a typo there is another word
FUZZY_SCORE = 82


@dataclass(frozen=True)
class Entity:
    """Something a name can refer to."""

    kind: str  # city | country | continent | era | head | concept | doc_family | cooperation | person | tehran
    key: str  # canonical value: English city/country/continent, era id, concept, family
    rows: tuple[int, ...] = ()  # Table 2 rows it selects (empty: not in the table)
    eras: tuple[str, ...] = ()  # eras of an era name, president or concept


@dataclass(frozen=True)
class Mention:
    entity: Entity
    text: str  # the words of the question
    start: int  # word positions [start, end)
    end: int
    fuzzy: bool = False


@dataclass
class Mentions:
    """What a question names. `words` are its folded words; `spans` mark the mentions among them."""

    words: list[str]
    found: list[Mention] = field(default_factory=list)
    years: list[tuple[int, str]] = field(default_factory=list)  # (year, calendar)
    decades: list[tuple[int, int, str]] = field(default_factory=list)  # (first year, last year, calendar)
    months: list[tuple[int, str]] = field(default_factory=list)  # (month, calendar)
    sections: list[str] = field(default_factory=list)
    unknown: list[str] = field(default_factory=list)  # words neither the paper nor the bank knows

    def of(self, kind: str) -> list[Entity]:
        return list(dict.fromkeys(m.entity for m in self.found if m.entity.kind == kind))

    def keys(self, kind: str) -> tuple[str, ...]:
        return tuple(dict.fromkeys(e.key for e in self.of(kind)))

    def year_span(self) -> tuple[int, int, str] | None:
        """(first year, last year, calendar) of the first year the question writes, or else of its first decade."""
        if self.years:
            year, calendar = self.years[0]
            return year, year, calendar
        return self.decades[0] if self.decades else None


class Gazetteer:
    """Built once per corpus; `find` is pure."""

    def __init__(self, corpus: Corpus) -> None:
        self.corpus = corpus
        self._forms: dict[str, list[Entity]] = {}
        for form, entity in _entities(corpus):
            key = "".join(words(form))
            if len(key) >= 2 and entity not in self._forms.setdefault(key, []):
                self._forms[key].append(entity)
        self._fuzzy_keys = [k for k in self._forms if len(k) >= FUZZY_MIN_LENGTH]
        self._months = _month_names()
        self.vocabulary = _corpus_vocabulary(corpus)
        self._sentence_names: dict[str, frozenset[str]] = {}

    def sentence_names(self, sentence: Sentence) -> frozenset[str]:
        """The keys of what a sentence of the paper names, in Persian or English (Tehran and Iran left out);
        found once per sentence (the ranker's table and the answers about places outside Table 2 share them)."""
        names = self._sentence_names.get(sentence.id)
        if names is None:
            found = self.find(sentence.fa).found + self.find(sentence.en).found
            names = self._sentence_names[sentence.id] = frozenset(m.entity.key for m in found
                                                                   if m.entity.kind != "tehran")
        return names

    def find(self, text: str, known_words: frozenset[str] = frozenset()) -> Mentions:
        """The mentions in `text`; words in neither the corpus nor `known_words` are reported as unknown.
        Only an unknown word may be a misspelt name ("gregorian" is a word, not a typo for "Georgian")."""
        tokens = words(text)
        known = self.vocabulary | known_words
        mentions = Mentions(tokens)
        folded = fold(text)
        outside_decades = without_decades(folded)
        in_decade = set(tokens) - set(words(outside_decades))  # "nineties", «هفتاد»: part of a date, not a name
        taken = [t in in_decade for t in tokens]
        for size in range(MAX_WINDOW, 0, -1):
            for start in range(len(tokens) - size + 1):
                if any(taken[start:start + size]):
                    continue
                match = self._match(tokens[start:start + size], known)
                if match:
                    entities, fuzzy = _prefer_the_table(match[0]), match[1]
                    for entity in entities:
                        mentions.found.append(Mention(entity, " ".join(tokens[start:start + size]), start,
                                                      start + size, fuzzy))
                    taken[start:start + size] = [True] * size
        mentions.found.sort(key=lambda m: m.start)
        mentions.decades = decades_in(folded)
        mentions.years = years_in(outside_decades)
        mentions.sections = [s for s in section_ids_in(folded) if s in self.corpus.section_by_id]
        mentions.months = self._find_months(tokens)
        mentions.unknown = [t for t, used in zip(tokens, taken) if not used and _is_unknown(t, known)]
        return mentions

    def _match(self, window: list[str], known: frozenset[str]) -> tuple[list[Entity], bool] | None:
        key = "".join(window)
        if key in self._forms:
            return self._forms[key], False
        if len(window) == 1:  # a suffix: «اروپایی», "Asian", «مسکوئه»
            for stem in _stems(key):
                if stem in self._forms:
                    return self._forms[stem], False
        if len(key) >= FUZZY_MIN_LENGTH and not key.isdigit() and not all(w in known for w in window):
            best = process.extractOne(key, self._fuzzy_keys, scorer=fuzz.ratio, score_cutoff=FUZZY_SCORE)
            if best and abs(len(best[0]) - len(key)) <= 2:
                return self._forms[best[0]], True
        return None

    def _find_months(self, tokens: list[str]) -> list[tuple[int, str]]:
        """Month names only inside a date ("Bahman 1380", «دی ۱۳۹۶», "February 2016"): alone they are words."""
        found = []
        for index, token in enumerate(tokens):
            if token in self._months and index + 1 < len(tokens) and years_in(tokens[index + 1]):
                found.append(self._months[token])
        return found


def _prefer_the_table(entities: list[Entity]) -> list[Entity]:
    """A name that means a place of Table 2 (or a continent) and a place outside it ("America": the continent
    and the United States) means the one in the table."""
    inside = [e for e in entities if e.rows]
    return [e for e in entities if e.rows or e.kind not in ("city", "country")] if inside else entities


def _entities(corpus: Corpus):
    """(form, entity) for every name in the corpus data."""
    rows_by_city = {fold(n): a.row for a in corpus.agreements for n in (a.city_fa, a.city_en, a.city_as_printed)}
    rows_by_country: dict[str, list[int]] = {}
    for a in corpus.agreements:
        for name in (a.country_fa, a.country_en):
            rows_by_country.setdefault(fold(name), []).append(a.row)
    families = _doc_families(corpus)
    for term in corpus.glossary:
        forms = term.all_forms
        folded = {fold(f) for f in forms}
        if term.kind == "city":
            rows = tuple(sorted({rows_by_city[f] for f in folded if f in rows_by_city}))
            if term.en == "Tehran":
                entity = Entity("tehran", "Tehran")
            else:
                key = corpus.agreement_by_row[rows[0]].city_en if rows else term.en
                entity = Entity("city", key, rows)
        elif term.kind == "country":
            rows = tuple(sorted({r for f in folded for r in rows_by_country.get(f, [])}))
            key = corpus.agreement_by_row[rows[0]].country_en if rows else term.en
            entity = Entity("country", key, rows) if term.en != "Iran" else Entity("tehran", "Iran")
        elif term.kind == "continent":
            entity = Entity("continent", term.en, tuple(a.row for a in corpus.agreements if a.continent == term.en))
        elif term.kind == "doc_type":
            family = families.get(fold(term.fa))
            entity = Entity("doc_family", family) if family else Entity("cooperation", term.en)
        elif term.kind == "person":
            eras = tuple(e.id for e in corpus.eras if folded & {fold(n) for n in e.head_names})
            entity = Entity("head", eras[0], eras=eras) if eras else Entity("person", term.en)
        else:
            continue  # concepts come from eras.json, with their eras
        for form in forms:
            yield form, entity
    for era in corpus.eras:
        for form in (*era.short_fa, *era.short_en):
            yield form, Entity("era", era.id, eras=(era.id,))
        for form in era.head_names:
            yield form, Entity("head", era.id, eras=(era.id,))
    concept_eras: dict[str, list[str]] = {}
    concept_forms: dict[str, set[str]] = {}
    for era in corpus.eras:
        for concept in era.concepts:
            concept_eras.setdefault(concept.en[0], []).append(era.id)
            concept_forms.setdefault(concept.en[0], set()).update((*concept.fa, *concept.en))
    for name, forms in concept_forms.items():
        for form in forms:
            yield form, Entity("concept", name, eras=tuple(concept_eras[name]))


def _doc_families(corpus: Corpus) -> dict[str, str]:
    """Folded Persian document word → family, read off Table 2 (a word found in one family only)."""
    out: dict[str, set[str]] = {}
    for term in corpus.glossary:
        if term.kind != "doc_type":
            continue
        key = fold(term.fa).replace(" ", "")
        for a in corpus.agreements:
            if key in fold(a.doc_type_fa).replace(" ", ""):
                out.setdefault(fold(term.fa), set()).add(a.doc_family)
    return {word: next(iter(families)) for word, families in out.items() if len(families) == 1}


def _month_names() -> dict[str, tuple[int, str]]:
    names = {}
    for calendar, lists in (("jalali", (JALALI_MONTHS_FA, JALALI_MONTHS_EN)),
                            ("gregorian", (GREGORIAN_MONTHS_FA, GREGORIAN_MONTHS_EN))):
        for months in lists:
            for number, name in enumerate(months, 1):
                names["".join(words(name))] = (number, calendar)
    return names


def _corpus_vocabulary(corpus: Corpus) -> frozenset[str]:
    texts = [p.fa for p in corpus.paragraphs] + [p.en for p in corpus.paragraphs]
    texts += [f for term in corpus.glossary for f in term.all_forms]
    texts += [f for e in corpus.eras for f in (e.title_fa, e.title_en, *e.short_fa, *e.short_en, *e.head_names)]
    return frozenset(w for text in texts for w in words(text))


def _stems(word: str) -> list[str]:
    """The word without a suffix a name may take: any 1–3 letters in Persian, a plural or adjective ending in
    Latin script; stems shorter than three letters are not names."""
    if word.isascii():
        stems = [word[:-len(s)] for s in LATIN_SUFFIXES if word.endswith(s)]
    else:
        stems = [word[:-cut] for cut in range(1, MAX_SUFFIX + 1)]
    return [s for s in stems if len(s) >= 3]


def _is_unknown(word: str, known: frozenset[str]) -> bool:
    """A word of three or more letters that is no known word, nor a known word with a suffix or a typo."""
    if len(word) < 3 or word.isdigit() or word in known:
        return False
    if any(stem in known for stem in _stems(word)):
        return False
    if word.isascii() and _porter(word) in _english_stems(known):  # "affiliations" beside a known "affiliated"
        return False
    if len(word) >= 5:
        return process.extractOne(word, known, scorer=fuzz.ratio, score_cutoff=80) is None
    return not _slip_of_known(word, known)


def _slip_of_known(word: str, known: frozenset[str]) -> bool:
    """A short word that is a known word with one letter dropped, added or two letters swapped ("wat", "teh",
    «چنتا»). A changed letter does not count: short names differ from common words by one ("rome", "some")."""
    swapped = (word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(len(word) - 1))
    if any(w in known for w in swapped):
        return True
    return process.extractOne(word, known, scorer=Indel.distance, score_cutoff=1) is not None


@lru_cache(maxsize=8)
def _english_stems(known: frozenset[str]) -> frozenset[str]:
    """The Porter stems of the known English words: another form of a known word is no unknown name. (Names
    keep their stem: "lisbon", "washington".)"""
    return frozenset(_porter(w) for w in known if w.isascii() and w.isalpha())
