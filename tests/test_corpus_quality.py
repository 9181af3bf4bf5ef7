"""Hold paper.fa.md / paper.en.md to account against the raw extraction (corpus/source/)."""
from __future__ import annotations

import csv
import re
from collections import Counter
from pathlib import Path

import pytest

from app.corpus import CORPUS_DIR
from app.normalize import fold, normalize

SOURCE = CORPUS_DIR / "source"
PERSIAN_WORD = re.compile("[\u0621-\u063a\u0641-\u064a\u067e\u0686\u0698\u06a9\u06af\u06cc\u0622]+")


def _section_text(path: Path) -> dict[str, str]:
    sections: dict[str, list[str]] = {}
    current = None
    for line in path.read_text(encoding="utf-8").splitlines():
        if match := re.match(r"^## (\S+) ", line):
            current = match[1]
            sections[current] = []
        if current:
            sections[current].append(line)
    return {k: "\n".join(v) for k, v in sections.items()}


def _seed_sections() -> dict[str, str]:
    seed = (SOURCE / "paper.fa.raw.txt").read_text(encoding="utf-8").splitlines()
    with (SOURCE / "seed_sections.csv").open(encoding="utf-8") as handle:
        return {r["section"]: "\n".join(seed[int(r["first_line"]) - 1:int(r["last_line"])])
                for r in csv.DictReader(handle)}


def _words(text: str) -> list[str]:
    # hazm Normalizer on both sides, then half-spaces and spacing folded.
    return PERSIAN_WORD.findall(fold(normalize(text)))


def token_coverage(raw: str, clean: str) -> tuple[float, list[str]]:
    """Share of the raw section's Persian word tokens found in the clean section.

    A raw token is found when it is a word of the clean text or occurs in it once spaces are folded
    away. Extraction glued or swapped neighbouring words («عنوانبه» for «به عنوان»); such a token is
    found when it splits into two or three pieces that are each a clean word (or, for pieces of three
    letters or more, a run of the space-folded clean text)."""
    words = set(_words(clean))
    flat = "".join(_words(clean))

    def piece(p: str) -> bool:
        return p in words or (len(p) >= 3 and p in flat)

    def found(t: str) -> bool:
        if t in words or t in flat:
            return True
        n = len(t)
        if any(piece(t[:i]) and piece(t[i:]) for i in range(2, n - 1)):
            return True
        return any(piece(t[:i]) and piece(t[i:j]) and piece(t[j:]) for i in range(2, n - 3) for j in range(i + 2, n - 1))

    raw_tokens = _words(raw)
    missing = [t for t in raw_tokens if not found(t)]
    return 1 - len(missing) / max(1, len(raw_tokens)), missing


SEED = _seed_sections()
CLEAN_FA = _section_text(CORPUS_DIR / "paper.fa.md")


@pytest.mark.parametrize("section", list(SEED))
def test_nothing_lost_section_by_section(section):
    """≥ 97 % of the seed's Persian tokens survive; a short section may miss up to 3 tokens."""
    coverage, missing = token_coverage(SEED[section], CLEAN_FA[section])
    allowed = max(0.03 * len(_words(SEED[section])), 3)
    assert len(missing) <= allowed, f"{section}: coverage {coverage:.3f}, missing {missing}"


TABLE2_SEED_LINES = range(601, 683)  # header and cells of Table 2, checked cell by cell in test_corpus.py


@pytest.mark.parametrize("section", list(SEED))
def test_nothing_duplicated(section):
    """The clean section has as many Persian letters as the seed, within 2 % (or 15 letters):
    a passage pasted twice, or dropped, shows up at once, while repairs only move letters around.
    Table 2's merged era cell is repeated on every row by design, so its rows are left out."""
    raw = SEED[section]
    if section == "4-2":
        seed = (SOURCE / "paper.fa.raw.txt").read_text(encoding="utf-8").splitlines()
        raw = "\n".join(line for n, line in enumerate(seed, 1) if 565 <= n <= 685 and n not in TABLE2_SEED_LINES)
    clean = "\n".join(line for line in CLEAN_FA[section].splitlines() if not line.startswith("|"))
    raw_letters, clean_letters = (sum(map(len, _words(t))) for t in (raw, clean))
    assert abs(clean_letters - raw_letters) <= max(0.02 * raw_letters, 15), (section, raw_letters, clean_letters)


def test_paragraphs_are_not_repeated(corpus):
    seen: dict[str, str] = {}
    for p in corpus.paragraphs:
        key = fold(p.fa)
        assert key not in seen, f"{p.id} repeats {seen[key]}"
        seen[key] = p.id


PAPER_FILES = [CORPUS_DIR / "paper.fa.md", CORPUS_DIR / "paper.en.md"]


@pytest.mark.parametrize("path", PAPER_FILES, ids=lambda p: p.name)
def test_no_arabic_letters_presentation_forms_or_tatweel(path):
    text = path.read_text(encoding="utf-8")
    bad = re.findall("[\u064a\u0643\u0640\ufb50-\ufdff\ufe70-\ufeff]", text)
    assert not bad, f"{path.name}: {Counter(bad)}"


GLUED = re.compile(r"(?:عنوان|شمار|طور|منظور|صورت|تبع|عبارت|سمت|دنبال|دلیل|لحاظ|شدت|تأثیر|گونه)به(?![\u0600-\u06ff])"
                   r"|ژهبوی|وانعنبه|رسانیاطلاع|شهریقرارد|تاونفری|طینفلس|یهروس|بویژه")


def test_no_glued_or_swapped_words():
    text = (CORPUS_DIR / "paper.fa.md").read_text(encoding="utf-8")
    assert not GLUED.findall(text)


def test_headings_are_not_reversed():
    for path in PAPER_FILES:
        for line in path.read_text(encoding="utf-8").splitlines():
            if line.startswith("#"):
                assert re.match(r"^## [\w-]+ \S", line), line
                assert not re.search(r"[-–]\s*[\d۰-۹]+\s*$", line), f"reversed heading: {line}"


def _balanced(text: str, open_: str, close: str) -> bool:
    depth = 0
    for char in text:
        depth += (char == open_) - (char == close)
        if depth < 0:
            return False
    return depth == 0


def test_parentheses_and_quotes_open_before_they_close(corpus):
    for p in corpus.paragraphs:
        for text in (p.fa, p.en):
            assert _balanced(text, "(", ")"), f"{p.id}: {text[:80]}"
            assert _balanced(text, "«", "»"), f"{p.id}: {text[:80]}"


CITATION = re.compile(r"\(([A-Z][^()]*?\d{4}(?::\s*[\d-]+)?)\)")


def test_citations_are_restored():
    text = (CORPUS_DIR / "paper.fa.md").read_text(encoding="utf-8")
    citations = CITATION.findall(text)
    assert "Moghtader, 1980: 132" in citations and "Mach & Cizo, 2015: 5" in citations
    for citation in citations:
        assert re.match(r"^[A-Z][A-Za-z .&,-]+?(?: et al)?, \d{4}(?:: [\d-]+)?$", citation), citation
    # Latin citations glued to Persian words (the extraction's «.)Moghtader,1980:132المللی») are gone.
    assert not re.search(r"[A-Za-z0-9][\u0621-\u06cc]|[\u0621-\u06cc][A-Za-z0-9]|[\u0621-\u06cc]\(", text.split("-->", 1)[1])


def test_every_number_of_a_persian_paragraph_is_in_its_translation(corpus):
    for p in corpus.paragraphs:
        numbers_fa = set(re.findall(r"\d+", fold(p.fa)))
        numbers_en = set(re.findall(r"\d+", p.en))
        assert numbers_fa <= numbers_en, f"{p.id}: {sorted(numbers_fa - numbers_en)} missing in English"


def test_key_terms_survive_translation(corpus):
    en = " ".join(p.en for p in corpus.paragraphs)
    fa = " ".join(p.fa for p in corpus.paragraphs)
    assert fa.count("تنش‌زدایی") >= 8 and en.lower().count("détente") >= fa.count("تنش‌زدایی") - 1
    for term in ("city diplomacy", "sister-city", "memorandum of understanding", "Mach & Cizo", "Karbaschi",
                 "Bishkek", "New South Wales", "Paris", "Keighley", "Eisenhower"):
        assert term.lower() in en.lower(), term
