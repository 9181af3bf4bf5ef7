"""Load the paper and its tables from `corpus/` into typed, read-only objects.

Files (all plain text, reviewed by people):
- `paper.fa.md` / `paper.en.md`: `## <id> <title>` headings; one item per line, each starting
  with its id: `[id] text` paragraph, `- [id] text` list item, `> [id] text` caption,
  `[^id]: text` footnote, `| [table2.N] … |` table row. Both files have the same ids in order.
- `agreements.csv` (Table 2), `eras.json` (the six eras of 4-1), `glossary.csv` (terms a user may type).

Every malformed input raises `CorpusError` naming the file and line.
"""
from __future__ import annotations

import csv
import hashlib
import json
import re
from dataclasses import dataclass, field
from datetime import date
from functools import cached_property
from pathlib import Path

import jdatetime

CORPUS_DIR = Path(__file__).resolve().parent.parent / "corpus"
CORPUS_FILES = ("paper.fa.md", "paper.en.md", "agreements.csv", "eras.json", "glossary.csv", "sentences.jsonl")

# The paper's own section ids, in reading order.
SECTION_IDS = ("front", "abstract", "1", "2", "3", "3-1", "3-2", "3-3", "3-4", "4", "4-1", "4-1-1", "4-1-2",
               "4-1-3", "4-1-4", "4-1-5", "4-1-6", "4-2", "5", "7")
# Tables live inside a section but have ids of their own.
TABLE_HOME = {"table1": "3-2", "table2": "4-2"}
CONTINENTS = ("Asia", "Europe", "America", "Africa", "Oceania")
CONTINENT_NAMES_FA = {"Asia": "آسیا", "Europe": "اروپا", "America": "آمریکا", "Africa": "آفریقا", "Oceania": "اقیانوسیه"}
FOOTNOTE_MARK = re.compile(r"\[\^[\w.-]+\]")  # a footnote reference inside a paragraph: [^3-3.fn1]
DOC_FAMILIES = ("mou", "pact", "treaty", "contract", "agreement")
JALALI_MONTHS_FA = ("فروردین", "اردیبهشت", "خرداد", "تیر", "مرداد", "شهریور", "مهر", "آبان", "آذر", "دی",
                    "بهمن", "اسفند")
GREGORIAN_MONTHS_FA = ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر",
                       "نوامبر", "دسامبر")
GREGORIAN_MONTHS_EN = ("January", "February", "March", "April", "May", "June", "July", "August", "September",
                       "October", "November", "December")
JALALI_MONTHS_EN = ("Farvardin", "Ordibehesht", "Khordad", "Tir", "Mordad", "Shahrivar", "Mehr", "Aban",
                    "Azar", "Dey", "Bahman", "Esfand")


def parent_section(section_id: str) -> str | None:
    """"4-1-4" → "4-1"; a top-level id has no parent."""
    return section_id.rsplit("-", 1)[0] if "-" in section_id else None


def section_evidence(section_id: str | None) -> list[str]:
    """Evidence ids a citation of `section_id` counts for: itself and its parents ("sec:4-1-4", "sec:4-1", "sec:4")."""
    ids = []
    while section_id:
        ids.append(f"sec:{section_id}")
        section_id = parent_section(section_id)
    return ids


class CorpusError(ValueError):
    """A corpus file is missing or malformed; the message names the file and line."""


@dataclass(frozen=True)
class Section:
    id: str
    title_fa: str
    title_en: str

    @property
    def parent(self) -> str | None:
        return parent_section(self.id)


@dataclass(frozen=True)
class Paragraph:
    """One citable unit of the paper: paragraph, list item, caption, footnote or table row."""

    id: str
    section: str
    kind: str  # paragraph | list_item | caption | footnote | table_row
    fa: str
    en: str
    order: int

    @property
    def table(self) -> str | None:
        prefix = self.id.split(".", 1)[0]
        return prefix if prefix in TABLE_HOME else None

    @property
    def evidence_ids(self) -> list[str]:
        """Ids this paragraph counts as evidence for: its section and parents, or its table."""
        if self.table == "table2" and self.kind == "table_row":
            return [f"table2:row{self.id.split('.')[1]}", "table2"]
        return ([self.table] if self.table else []) + section_evidence(self.section)


@dataclass(frozen=True)
class Sentence:
    """One sentence of the paper (`<paragraph id>/<n>`), with its aligned English and its character spans."""

    id: str
    paragraph: str
    section: str
    kind: str
    fa: str
    en: str
    fa_span: tuple[int, int]
    en_span: tuple[int, int]
    fact: bool
    tags: tuple[str, ...]

    def text(self, lang: str) -> str:
        """The sentence in `lang` as a reader sees it: without the paper's footnote marks."""
        return FOOTNOTE_MARK.sub("", self.fa if lang == "fa" else self.en).strip()


@dataclass(frozen=True)
class Agreement:
    """One row of Table 2."""

    row: int
    date_jalali: str  # YYYY-MM-DD, or YYYY-MM where the paper gives the month only
    doc_type_fa: str
    doc_type_en: str
    doc_family: str
    sister_city: bool
    city_fa: str
    city_en: str
    city_as_printed: str
    country_fa: str
    country_en: str
    continent: str
    era_id: str
    seed_line: int
    note: str

    @property
    def year(self) -> int:
        return int(self.date_jalali[:4])

    @property
    def month(self) -> int:
        return int(self.date_jalali[5:7])

    @property
    def day(self) -> int | None:
        return int(self.date_jalali[8:10]) if len(self.date_jalali) == 10 else None

    @property
    def signed(self) -> tuple[int, int, int]:
        """When it was signed, as a sort key (a tie known only to the month sorts before its month's days)."""
        return self.year, self.month, self.day or 0

    @property
    def gregorian_start(self) -> date:
        """Gregorian date of signing (first day of the month where only the month is known)."""
        return jdatetime.date(self.year, self.month, self.day or 1).togregorian()

    @property
    def gregorian_end(self) -> date:
        """Same as `gregorian_start`, or the last day of the month where only the month is known."""
        if self.day:
            return self.gregorian_start
        last = 31 if self.month <= 6 else 30
        while True:  # Esfand has 29 or 30 days
            try:
                return jdatetime.date(self.year, self.month, last).togregorian()
            except ValueError:
                last -= 1

    @property
    def date_gregorian(self) -> str:
        """ISO date, or an ISO interval `start/end` for a month-only date."""
        start, end = self.gregorian_start, self.gregorian_end
        return start.isoformat() if start == end else f"{start.isoformat()}/{end.isoformat()}"

    def gregorian_text(self, lang: str) -> str:
        """The Gregorian date in words: "7 March 2001" / «7 مارس 2001» (a range for a month-only date)."""
        start, end = self.gregorian_start, self.gregorian_end
        months = GREGORIAN_MONTHS_FA if lang == "fa" else GREGORIAN_MONTHS_EN
        text = f"{start.day} {months[start.month - 1]} {start.year}"
        return text if start == end else f"{text} – {end.day} {months[end.month - 1]} {end.year}"

    @property
    def date_as_printed(self) -> str:
        """The date as Table 2 prints it: d/m/yyyy, or «month yyyy»."""
        if self.day is None:
            return f"{JALALI_MONTHS_FA[self.month - 1]} {self.year}"
        return f"{self.day}/{self.month}/{self.year}"

    def date_text(self, lang: str) -> str:
        """Human date in both calendars, e.g. '17 Esfand 1379 SH (7 March 2001)'."""
        start, end = self.gregorian_start, self.gregorian_end
        if lang == "fa":
            jal = f"{self.date_as_printed}" if self.day is None else \
                f"{self.date_as_printed} ({self.day} {JALALI_MONTHS_FA[self.month - 1]} {self.year})"
            greg = start.isoformat() if start == end else f"{start.isoformat()} تا {end.isoformat()}"
            return f"{jal}، برابر {greg}"
        month = JALALI_MONTHS_EN[self.month - 1]
        if self.day is None:
            return f"{month} {self.year} SH ({start:%-d %B %Y} – {end:%-d %B %Y})"
        return f"{self.date_as_printed} SH = {self.day} {month} {self.year} ({start:%-d %B %Y})"


@dataclass(frozen=True)
class Concept:
    fa: tuple[str, ...]
    en: tuple[str, ...]


@dataclass(frozen=True)
class Era:
    """One of the six foreign-policy eras of section 4-1."""

    id: str
    title_fa: str
    title_en: str
    short_fa: tuple[str, ...]
    short_en: tuple[str, ...]
    start_jalali: int
    start_month: int | None
    end_jalali: int
    end_jalali_alt: int | None
    head_fa: str | None
    head_en: str | None
    head_names: tuple[str, ...]
    table_label_fa: str | None
    ties: int
    concepts: tuple[Concept, ...]

    @property
    def start_gregorian(self) -> int:
        """Gregorian year of the era's start (its start month, else the year most of the Jalali year falls in)."""
        return _gregorian_year(self.start_jalali, self.start_month)

    @property
    def end_gregorian(self) -> int:
        return _gregorian_year(self.end_jalali)

    def years_text(self, lang: str) -> str:
        alt = f" / {self.end_jalali_alt}" if self.end_jalali_alt else ""
        if lang == "fa":
            return f"{self.start_jalali}–{self.end_jalali}{alt}"
        alt_g = f" / {_gregorian_year(self.end_jalali_alt)}" if self.end_jalali_alt else ""
        return (f"{self.start_jalali}–{self.end_jalali}{alt} SH "
                f"(≈ {self.start_gregorian}–{self.end_gregorian}{alt_g})")


def _gregorian_year(jalali_year: int, month: int | None = None) -> int:
    """Gregorian year of `month` (default Mehr, month 7) of a Jalali year: most of a Jalali year
    (from 21 March) falls in one Gregorian year, and Mehr lies inside it."""
    return jdatetime.date(jalali_year, month or 7, 1).togregorian().year


@dataclass(frozen=True)
class GlossaryTerm:
    kind: str  # city | country | continent | doc_type | concept | person
    fa: str
    en: str
    variants_fa: tuple[str, ...]
    variants_en: tuple[str, ...]
    note: str
    country: str = ""  # a city's country, in English (optional column): where a place outside Table 2 lies

    @property
    def all_forms(self) -> tuple[str, ...]:
        return (self.fa, self.en, *self.variants_fa, *self.variants_en)


@dataclass(frozen=True)
class Corpus:
    sections: tuple[Section, ...]
    paragraphs: tuple[Paragraph, ...]
    agreements: tuple[Agreement, ...]
    eras: tuple[Era, ...]
    glossary: tuple[GlossaryTerm, ...]
    sentences: tuple[Sentence, ...] = ()
    fingerprint: str = field(default="", compare=False)

    @cached_property
    def paragraph_by_id(self) -> dict[str, Paragraph]:
        return {p.id: p for p in self.paragraphs}

    @cached_property
    def section_by_id(self) -> dict[str, Section]:
        return {s.id: s for s in self.sections}

    @cached_property
    def era_by_id(self) -> dict[str, Era]:
        return {e.id: e for e in self.eras}

    @cached_property
    def sentence_by_id(self) -> dict[str, Sentence]:
        return {s.id: s for s in self.sentences}

    @cached_property
    def agreement_by_row(self) -> dict[int, Agreement]:
        return {a.row: a for a in self.agreements}

    def section_paragraphs(self, section_id: str) -> list[Paragraph]:
        return [p for p in self.paragraphs if p.section == section_id]


# ---------------------------------------------------------------- Markdown

_HEADING = re.compile(r"^## (\S+) (.+)$")
_ITEM = re.compile(r"^(?P<prefix>- |> )?\[(?P<id>[\w-]+\.\w+)\] (?P<text>\S.*)$")
_FOOTNOTE = re.compile(r"^\[\^(?P<id>[\w-]+\.fn\d+)\]: (?P<text>\S.*)$")
_TABLE_ROW = re.compile(r"^\| \[(?P<id>table\d\.\d+)\] (?P<text>.+) \|$")
_TABLE_LAYOUT = re.compile(r"^\|(?!\s*\[).*\|$")  # table header and |---| separator
_KINDS = {None: "paragraph", "- ": "list_item", "> ": "caption"}


@dataclass(frozen=True)
class _Item:
    id: str
    section: str
    kind: str
    text: str
    line: int


def _parse_markdown(path: Path) -> tuple[list[tuple[str, str]], list[_Item]]:
    """Headings and items of one paper file, in order."""
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except UnicodeDecodeError as exc:
        raise CorpusError(f"{path}: not valid UTF-8 ({exc})") from None
    headings: list[tuple[str, str]] = []
    items: list[_Item] = []
    in_comment = False
    for number, line in enumerate(lines, start=1):
        where = f"{path}:{number}"
        stripped = line.strip()
        if in_comment or stripped.startswith("<!--"):
            in_comment = "-->" not in stripped
            continue
        if not stripped or _TABLE_LAYOUT.match(stripped):
            continue
        if match := _HEADING.match(stripped):
            section_id, title = match.groups()
            if section_id not in SECTION_IDS:
                raise CorpusError(f"{where}: unknown section id {section_id!r} (known: {', '.join(SECTION_IDS)})")
            headings.append((section_id, title.strip()))
            continue
        if not headings:
            raise CorpusError(f"{where}: text before the first '## <id> <title>' heading")
        section = headings[-1][0]
        if match := _FOOTNOTE.match(stripped):
            kind, item_id, text = "footnote", match["id"], match["text"]
        elif match := _TABLE_ROW.match(stripped):
            kind, item_id = "table_row", match["id"]
            text = " | ".join(cell.strip() for cell in match["text"].split("|"))
        elif match := _ITEM.match(stripped):
            kind, item_id, text = _KINDS[match["prefix"]], match["id"], match["text"]
        else:
            raise CorpusError(f"{where}: expected '[id] text', '- [id] text', '> [id] text', '[^id]: text' "
                              f"or a table row, got {stripped[:60]!r}")
        prefix = item_id.split(".", 1)[0]
        if prefix != section and TABLE_HOME.get(prefix) != section:
            raise CorpusError(f"{where}: id {item_id!r} does not belong to section {section!r}")
        items.append(_Item(item_id, section, kind, text.strip(), number))
    return headings, items


def load_paper(fa_path: Path, en_path: Path) -> tuple[list[Section], list[Paragraph]]:
    """Read both paper files and pair them id by id."""
    fa_heads, fa_items = _parse_markdown(fa_path)
    en_heads, en_items = _parse_markdown(en_path)
    if [h[0] for h in fa_heads] != [h[0] for h in en_heads]:
        raise CorpusError(f"{en_path}: its headings {[h[0] for h in en_heads]} differ from {fa_path}")
    order = [h[0] for h in fa_heads]
    if order != [s for s in SECTION_IDS if s in order] or len(set(order)) != len(order):
        raise CorpusError(f"{fa_path}: headings out of order or repeated: {order}")
    seen: dict[str, int] = {}
    for item in fa_items:
        if item.id in seen:
            raise CorpusError(f"{fa_path}:{item.line}: id {item.id!r} already used on line {seen[item.id]}")
        seen[item.id] = item.line
    en_by_id = {item.id: item for item in en_items}
    for fa_item, en_item in zip(fa_items, en_items):
        if fa_item.id != en_item.id or fa_item.kind != en_item.kind:
            raise CorpusError(f"{en_path}:{en_item.line}: expected {fa_item.kind} {fa_item.id!r} "
                              f"(as in {fa_path}:{fa_item.line}), got {en_item.kind} {en_item.id!r}")
    if len(fa_items) != len(en_items):
        missing = [i.id for i in fa_items if i.id not in en_by_id] or [i.id for i in en_items if i.id not in seen]
        raise CorpusError(f"{en_path}: {len(en_items)} items but {fa_path} has {len(fa_items)}; "
                          f"unpaired ids: {missing[:5]}")
    sections = [Section(fid, ftitle, etitle) for (fid, ftitle), (_, etitle) in zip(fa_heads, en_heads)]
    paragraphs = [Paragraph(f.id, f.section, f.kind, f.text, e.text, n)
                  for n, (f, e) in enumerate(zip(fa_items, en_items))]
    return sections, paragraphs


# ---------------------------------------------------------------- tables

def _read_csv(path: Path, required: tuple[str, ...]) -> list[tuple[int, dict[str, str]]]:
    try:
        with path.open(encoding="utf-8", newline="") as handle:
            reader = csv.DictReader(handle)
            missing = [c for c in required if c not in (reader.fieldnames or [])]
            if missing:
                raise CorpusError(f"{path}:1: missing column(s) {', '.join(missing)}")
            rows = []
            for record in reader:
                if None in record or any(v is None for v in record.values()):
                    raise CorpusError(f"{path}:{reader.line_num}: wrong number of fields")
                rows.append((reader.line_num, {k: v.strip() for k, v in record.items()}))
            return rows
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except (UnicodeDecodeError, csv.Error) as exc:
        raise CorpusError(f"{path}: unreadable CSV ({exc})") from None


_AGREEMENT_COLUMNS = ("row", "date_jalali", "doc_type_fa", "doc_type_en", "doc_family", "sister_city", "city_fa",
                      "city_en", "city_as_printed", "country_fa", "country_en", "continent", "era_id", "seed_line",
                      "note")
_JALALI = re.compile(r"^(\d{4})-(\d{2})(?:-(\d{2}))?$")


def load_agreements(path: Path) -> list[Agreement]:
    """Table 2, one `Agreement` per row; dates are validated with jdatetime."""
    out = []
    for line, rec in _read_csv(path, _AGREEMENT_COLUMNS):
        where = f"{path}:{line}"
        match = _JALALI.match(rec["date_jalali"])
        if not match:
            raise CorpusError(f"{where}: date_jalali {rec['date_jalali']!r} is not YYYY-MM-DD or YYYY-MM")
        year, month, day = int(match[1]), int(match[2]), int(match[3] or 1)
        try:
            jdatetime.date(year, month, day)
        except ValueError as exc:
            raise CorpusError(f"{where}: date_jalali {rec['date_jalali']!r} is not a Jalali date ({exc})") from None
        if rec["continent"] not in CONTINENTS:
            raise CorpusError(f"{where}: continent {rec['continent']!r} not one of {CONTINENTS}")
        if rec["doc_family"] not in DOC_FAMILIES:
            raise CorpusError(f"{where}: doc_family {rec['doc_family']!r} not one of {DOC_FAMILIES}")
        if rec["sister_city"] not in ("yes", "no"):
            raise CorpusError(f"{where}: sister_city must be yes or no")
        if rec["era_id"] not in SECTION_IDS or not rec["era_id"].startswith("4-1-"):
            raise CorpusError(f"{where}: era_id {rec['era_id']!r} is not an era section id (4-1-1 … 4-1-6)")
        empty = [c for c in _AGREEMENT_COLUMNS if c != "note" and not rec[c]]
        if empty:
            raise CorpusError(f"{where}: empty field(s) {', '.join(empty)}")
        try:
            row, seed_line = int(rec["row"]), int(rec["seed_line"])
        except ValueError:
            raise CorpusError(f"{where}: row and seed_line must be integers") from None
        out.append(Agreement(row=row, date_jalali=rec["date_jalali"], doc_type_fa=rec["doc_type_fa"],
                             doc_type_en=rec["doc_type_en"], doc_family=rec["doc_family"],
                             sister_city=rec["sister_city"] == "yes", city_fa=rec["city_fa"], city_en=rec["city_en"],
                             city_as_printed=rec["city_as_printed"], country_fa=rec["country_fa"],
                             country_en=rec["country_en"], continent=rec["continent"], era_id=rec["era_id"],
                             seed_line=seed_line, note=rec["note"]))
    if [a.row for a in out] != list(range(1, len(out) + 1)):
        raise CorpusError(f"{path}: rows must be numbered 1..{len(out)} in order")
    return out


def read_json(path: Path) -> dict:
    """A JSON object from a corpus file, or CorpusError naming the file and the line."""
    try:
        data = json.loads(Path(path).read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found") from None
    except json.JSONDecodeError as exc:
        raise CorpusError(f"{path}:{exc.lineno}: invalid JSON ({exc.msg})") from None
    if not isinstance(data, dict):
        raise CorpusError(f"{path}: expected a JSON object")
    return data


def load_eras(path: Path) -> list[Era]:
    data = read_json(path)
    eras = []
    for index, rec in enumerate(data.get("eras", []) if isinstance(data, dict) else []):
        try:
            eras.append(Era(
                id=rec["id"], title_fa=rec["title_fa"], title_en=rec["title_en"],
                short_fa=tuple(rec["short_fa"]), short_en=tuple(rec["short_en"]),
                start_jalali=int(rec["start_jalali"]), start_month=rec.get("start_month"),
                end_jalali=int(rec["end_jalali"]),
                end_jalali_alt=rec.get("end_jalali_alt"), head_fa=rec.get("head_fa"), head_en=rec.get("head_en"),
                head_names=tuple(rec.get("head_names", [])), table_label_fa=rec.get("table_label_fa"),
                ties=int(rec["ties"]),
                concepts=tuple(Concept(tuple(c["fa"]), tuple(c["en"])) for c in rec.get("concepts", []))))
        except (KeyError, TypeError, ValueError) as exc:
            raise CorpusError(f"{path}: era #{index + 1} ({rec.get('id', '?') if isinstance(rec, dict) else rec}) "
                              f"is malformed: {exc!r}") from None
    if [e.id for e in eras] != [f"4-1-{n}" for n in range(1, 7)]:
        raise CorpusError(f"{path}: expected the six eras 4-1-1 … 4-1-6 in order, got {[e.id for e in eras]}")
    return eras


def load_glossary(path: Path) -> list[GlossaryTerm]:
    kinds = ("city", "country", "continent", "doc_type", "concept", "person")
    terms = []
    for line, rec in _read_csv(path, ("kind", "fa", "en", "variants_fa", "variants_en", "note")):
        if rec["kind"] not in kinds:
            raise CorpusError(f"{path}:{line}: kind {rec['kind']!r} not one of {kinds}")
        if not rec["fa"] or not rec["en"]:
            raise CorpusError(f"{path}:{line}: fa and en must both be given")
        split = lambda value: tuple(v.strip() for v in value.split("|") if v.strip())  # noqa: E731
        terms.append(GlossaryTerm(rec["kind"], rec["fa"], rec["en"], split(rec["variants_fa"]),
                                  split(rec["variants_en"]), rec["note"], rec.get("country", "")))
    return terms


@dataclass(frozen=True)
class CityPoint:
    """Where a city of Table 2 (or Tehran, row None) lies, for the maps."""

    row: int | None
    city_en: str
    city_fa: str
    lat: float
    lon: float


def load_cities(path: Path = CORPUS_DIR / "cities.csv") -> list[CityPoint]:
    """City coordinates (WGS84 degrees) for the maps; not from the paper, see README."""
    points = []
    for line, rec in _read_csv(path, ("row", "city_en", "city_fa", "lat", "lon")):
        try:
            lat, lon = float(rec["lat"]), float(rec["lon"])
            row = int(rec["row"]) if rec["row"] else None
        except ValueError:
            raise CorpusError(f"{path}:{line}: row must be an integer (or empty for Tehran), lat/lon numbers") from None
        if not (-90 <= lat <= 90 and -180 <= lon <= 180):
            raise CorpusError(f"{path}:{line}: coordinates out of range ({lat}, {lon})")
        points.append(CityPoint(row, rec["city_en"], rec["city_fa"], lat, lon))
    return points


SENTENCE_TAGS = ("definition", "cause", "list_intro", "number", "date", "person", "place", "source")


def load_sentences(path: Path, paragraphs: list[Paragraph]) -> list[Sentence]:
    """`sentences.jsonl` (made by scripts/make_sentences.py), checked against the paper it was cut from."""
    by_id = {p.id: p for p in paragraphs}
    out: list[Sentence] = []
    cursors: dict[tuple[str, str], int] = {}
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise CorpusError(f"{path}: file not found (run scripts/make_sentences.py)") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        where = f"{path}:{number}"
        try:
            rec = json.loads(line)
            paragraph = by_id[rec["paragraph"]]
            sid, fa, en, tags = rec["id"], rec["fa"], rec["en"], tuple(rec.get("tags", ()))
        except json.JSONDecodeError as exc:
            raise CorpusError(f"{where}: invalid JSON ({exc.msg})") from None
        except KeyError as exc:
            raise CorpusError(f"{where}: missing field or unknown paragraph {exc}") from None
        if not sid.startswith(f"{paragraph.id}/"):
            raise CorpusError(f"{where}: id {sid!r} does not belong to paragraph {paragraph.id!r}")
        unknown = [t for t in tags if t not in SENTENCE_TAGS]
        if unknown:
            raise CorpusError(f"{where}: unknown tag(s) {unknown} (known: {', '.join(SENTENCE_TAGS)})")
        spans = []
        for lang, text, full in (("fa", fa, paragraph.fa), ("en", en, paragraph.en)):
            start = full.find(text, cursors.get((paragraph.id, lang), 0) if lang == "fa" else 0)
            if not text or start < 0:
                raise CorpusError(f"{where}: the {lang} text of {sid} is not in paragraph {paragraph.id}; "
                                  "rerun scripts/make_sentences.py")
            spans.append((start, start + len(text)))
        cursors[(paragraph.id, "fa")] = spans[0][1]
        out.append(Sentence(sid, paragraph.id, paragraph.section, paragraph.kind, fa, en, spans[0], spans[1],
                            bool(rec.get("fact", True)), tags))
    if len({s.id for s in out}) != len(out):
        raise CorpusError(f"{path}: sentence ids repeat")
    return out


def files_fingerprint(paths) -> str:
    """SHA-256 over the names and bytes of `paths` (a missing file counts as such)."""
    digest = hashlib.sha256()
    for path in paths:
        digest.update(Path(path).name.encode())
        digest.update(path.read_bytes() if path.exists() else b"<missing>")
    return digest.hexdigest()


def corpus_fingerprint(directory: Path = CORPUS_DIR) -> str:
    """SHA-256 over the corpus files: the index is stale when this changes."""
    return files_fingerprint(directory / name for name in CORPUS_FILES)


def load_corpus(directory: Path = CORPUS_DIR) -> Corpus:
    """Load and cross-check every corpus file."""
    directory = Path(directory)
    sections, paragraphs = load_paper(directory / "paper.fa.md", directory / "paper.en.md")
    agreements = load_agreements(directory / "agreements.csv")
    eras = load_eras(directory / "eras.json")
    glossary = load_glossary(directory / "glossary.csv")
    sentences = load_sentences(directory / "sentences.jsonl", paragraphs)
    table_rows = [p for p in paragraphs if p.kind == "table_row" and p.table == "table2"]
    if table_rows and len(table_rows) != len(agreements):
        raise CorpusError(f"{directory / 'paper.fa.md'}: Table 2 has {len(table_rows)} rows but "
                          f"agreements.csv has {len(agreements)}")
    return Corpus(tuple(sections), tuple(paragraphs), tuple(agreements), tuple(eras), tuple(glossary),
                  tuple(sentences), corpus_fingerprint(directory))
