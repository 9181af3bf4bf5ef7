"""The loader (app/corpus.py): typed objects, Table 2 and era facts, clear errors on broken files."""
from __future__ import annotations

import json
import re
from collections import Counter
from pathlib import Path

import pytest

from app.corpus import CorpusError, SECTION_IDS, load_corpus
from app.normalize import fold


def test_sections_are_the_papers_own_ids(corpus):
    assert [s.id for s in corpus.sections] == list(SECTION_IDS)
    assert all(s.title_fa and s.title_en for s in corpus.sections)


def test_paragraph_ids_are_unique_and_belong_to_their_section(corpus):
    ids = [p.id for p in corpus.paragraphs]
    assert len(ids) == len(set(ids))
    for p in corpus.paragraphs:
        prefix = p.id.split(".")[0]
        assert prefix == p.section or (prefix, p.section) in {("table1", "3-2"), ("table2", "4-2")}
        assert p.fa.strip() and p.en.strip()


def test_every_text_section_has_paragraphs(corpus):
    for section in corpus.sections:
        paragraphs = corpus.section_paragraphs(section.id)
        assert paragraphs or section.id in {"3", "4", "4-1"}, section.id


def test_kinds_cover_lists_captions_footnotes_and_tables(corpus):
    kinds = Counter(p.kind for p in corpus.paragraphs)
    assert kinds["table_row"] == 26
    assert kinds["footnote"] == 4  # Memorandum of Understanding, Keighley, Poix-du-Nord, People to People
    assert kinds["caption"] >= 7  # Tables 1-2, Maps 1-5
    table1 = [p for p in corpus.paragraphs if p.table == "table1" and p.kind == "list_item"]
    assert len(table1) == 7 and all(p.section == "3-2" for p in table1)
    conditions = [p for p in corpus.section_paragraphs("3-4") if p.kind == "list_item"]
    assert len(conditions) == 6


def test_evidence_ids_include_parents(corpus):
    p = corpus.paragraph_by_id["4-1-4.1"]
    assert p.evidence_ids == ["sec:4-1-4", "sec:4-1", "sec:4"]
    assert corpus.paragraph_by_id["table2.6"].evidence_ids[0] == "table2:row6"
    assert "table1" in corpus.paragraph_by_id["table1.3"].evidence_ids


def test_table2_has_26_rows_with_the_papers_totals(corpus):
    agreements = corpus.agreements
    assert len(agreements) == 26
    per_era = Counter(a.era_id for a in agreements)
    assert per_era == {"4-1-3": 4, "4-1-4": 9, "4-1-5": 5, "4-1-6": 8}
    assert Counter(a.continent for a in agreements) == {"Asia": 11, "Europe": 9, "America": 3, "Africa": 3}
    for era in corpus.eras:
        assert era.ties == per_era.get(era.id, 0), era.id


def test_hashemi_era_years_match_table_label(corpus):
    era = corpus.era_by_id["4-1-3"]
    assert era.head_en == "Akbar Hashemi Rafsanjani"
    assert all(1372 <= a.year <= 1376 for a in corpus.agreements if a.era_id == "4-1-3")
    assert all(1376 <= a.year <= 1384 for a in corpus.agreements if a.era_id == "4-1-4")
    assert all(1384 <= a.year <= 1392 for a in corpus.agreements if a.era_id == "4-1-5")
    assert all(1392 <= a.year <= 1397 for a in corpus.agreements if a.era_id == "4-1-6")


def test_gregorian_dates_are_computed_with_jdatetime(corpus):
    rows = corpus.agreement_by_row
    assert rows[1].date_gregorian == "1994-05-23"  # 2 Khordad 1373
    assert rows[6].date_gregorian == "2001-03-07"  # 17 Esfand 1379
    assert rows[8].date_gregorian == "2002-01-21/2002-02-19"  # Bahman 1380, month only
    assert rows[8].day is None and rows[8].date_as_printed == "بهمن 1380"
    assert rows[26].date_gregorian == "2018-01-22"
    assert "7 March 2001" in rows[6].date_text("en")


def test_table2_in_the_paper_agrees_with_agreements_csv(corpus):
    for a in corpus.agreements:
        row = corpus.paragraph_by_id[f"table2.{a.row}"]
        fa, en = fold(row.fa), fold(row.en)
        assert fold(a.city_fa) in fa or fold(a.city_as_printed) in fa
        assert fold(a.country_fa) in fa and fold(a.doc_type_fa) in fa
        assert fold(a.date_as_printed) in fa
        assert fold(a.city_en) in en and fold(a.doc_type_en) in en


def test_every_city_of_the_glossary_has_its_country_and_table2_agrees(corpus):
    countries = {term.en for term in corpus.glossary if term.kind == "country"}  # what a country is called by
    by_city = {a.city_en: a.country_en for a in corpus.agreements}
    for term in (t for t in corpus.glossary if t.kind == "city"):
        assert term.country in countries, term.en
        table_city = next((c for c in by_city if fold(c).startswith(fold(term.en))), None)
        assert table_city is None or by_city[table_city] == term.country, term.en


def test_glossary_covers_every_city_and_country_of_table2(corpus):
    forms = {fold(f) for term in corpus.glossary for f in term.all_forms}
    for a in corpus.agreements:
        for name in (a.city_fa, a.city_en, a.city_as_printed, a.country_fa, a.country_en):
            assert fold(name) in forms, name
    for wanted in ("Tshwane", "Pretoria", "شوانی", "Freetown", "فری‌تاون", "Quds", "Jerusalem", "بیت‌المقدس",
                   "پیمان", "pact", "تفاهم‌نامه", "MoU", "city diplomacy", "دیپلماسی شهری", "sister city",
                   "خواهرشهری", "خواهرخوانده", "paradiplomacy", "détente", "تنش‌زدایی"):
        assert fold(wanted) in forms, wanted


def test_era_concepts_mark_detente_in_more_than_one_era(corpus):
    detente = [e.id for e in corpus.eras if any("détente" in c.en for c in e.concepts)]
    assert "4-1-4" in detente and "4-1-3" in detente


# ------------------------------------------------------------------ broken files

def _break(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert old in text, old
    path.write_text(text.replace(old, new, 1), encoding="utf-8")


def _line_of(path: Path, needle: str) -> int:
    return next(n for n, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1) if needle in line)


def test_malformed_paragraph_line_names_file_and_line(corpus_copy):
    path = corpus_copy / "paper.fa.md"
    _break(path, "[2.1] ", "2.1 ")
    with pytest.raises(CorpusError, match=rf"paper\.fa\.md:{_line_of(path, '2.1 ')}: expected"):
        load_corpus(corpus_copy)


def test_duplicate_id_is_reported(corpus_copy):
    path = corpus_copy / "paper.fa.md"
    _break(path, "[1.2] ", "[1.1] ")
    with pytest.raises(CorpusError, match=r"paper\.fa\.md:\d+: id '1\.1' already used on line \d+"):
        load_corpus(corpus_copy)


def test_id_in_wrong_section_is_reported(corpus_copy):
    _break(corpus_copy / "paper.fa.md", "[2.1] ", "[5.99] ")
    with pytest.raises(CorpusError, match=r"paper\.fa\.md:\d+: id '5\.99' does not belong to section '2'"):
        load_corpus(corpus_copy)


def test_unknown_heading_is_reported(corpus_copy):
    _break(corpus_copy / "paper.en.md", "## 7 ", "## 6 ")
    with pytest.raises(CorpusError, match=r"paper\.en\.md:\d+: unknown section id '6'"):
        load_corpus(corpus_copy)


def test_translation_out_of_step_is_reported(corpus_copy):
    path = corpus_copy / "paper.en.md"
    text = path.read_text(encoding="utf-8")
    path.write_text(re.sub(r"\n\[5\.2\] [^\n]*\n", "\n", text), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"paper\.en\.md:\d+: expected paragraph '5\.2'"):
        load_corpus(corpus_copy)


def test_bad_agreement_date_is_reported(corpus_copy):
    path = corpus_copy / "agreements.csv"
    _break(path, "1379-12-17", "1379-13-17")
    with pytest.raises(CorpusError, match=rf"agreements\.csv:{_line_of(path, '1379-13-17')}: date_jalali"):
        load_corpus(corpus_copy)


def test_bad_continent_and_missing_column_are_reported(corpus_copy):
    path = corpus_copy / "agreements.csv"
    _break(path, ",Asia,4-1-3,603,", ",Asie,4-1-3,603,")
    with pytest.raises(CorpusError, match=r"agreements\.csv:2: continent 'Asie'"):
        load_corpus(corpus_copy)
    _break(path, "row,date_jalali", "rownum,date_jalali")
    with pytest.raises(CorpusError, match=r"agreements\.csv:1: missing column\(s\) row"):
        load_corpus(corpus_copy)


def test_bad_json_and_missing_file_are_reported(corpus_copy):
    path = corpus_copy / "eras.json"
    data = json.loads(path.read_text(encoding="utf-8"))
    del data["eras"][2]["ties"]
    path.write_text(json.dumps(data, ensure_ascii=False), encoding="utf-8")
    with pytest.raises(CorpusError, match=r"eras\.json: era #3 \(4-1-3\) is malformed"):
        load_corpus(corpus_copy)
    path.write_text("{ not json", encoding="utf-8")
    with pytest.raises(CorpusError, match=r"eras\.json:1: invalid JSON"):
        load_corpus(corpus_copy)
    (corpus_copy / "glossary.csv").unlink()
    path.write_text(json.dumps(data, ensure_ascii=False).replace('"4-1-3", "title_fa"', '"4-1-3", "ties": 4, "title_fa"'),
                    encoding="utf-8")
    with pytest.raises(CorpusError, match=r"glossary\.csv: file not found"):
        load_corpus(corpus_copy)


def test_glossary_row_with_wrong_kind_is_reported(corpus_copy):
    path = corpus_copy / "glossary.csv"
    _break(path, "city,بیشکک,", "town,بیشکک,")
    with pytest.raises(CorpusError, match=rf"glossary\.csv:{_line_of(path, 'town,')}: kind 'town'"):
        load_corpus(corpus_copy)
