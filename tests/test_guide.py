"""app/guide.py: a study guide per section, every line cited; model answers from the real answer engine."""
from __future__ import annotations

import re

import pytest

from app.guide import (build_guide, exam_questions, figures_to_remember, guide_markdown, guide_sections, key_terms,
                       summary)
from app.study import LANGS, cite_exists, cite_label


@pytest.fixture(scope="module")
def guides(assistant):
    """Every section's guide in both languages, answered by the real Assistant."""
    ask = lambda question: assistant.ask(question).to_dict()  # noqa: E731
    return {(s, lang): build_guide(assistant.corpus, s, lang, ask)
            for s in guide_sections(assistant.corpus) for lang in LANGS}


def test_guides_cover_the_whole_paper(corpus):
    sections = guide_sections(corpus)
    with_text = {s.section for s in corpus.sentences if s.kind in ("paragraph", "list_item")}
    assert set(sections) == with_text - {"front", "7"}
    assert list(sections) == [s.id for s in corpus.sections if s.id in sections]


def test_every_summary_sentence_term_and_figure_is_cited_from_its_section(corpus):
    for section in guide_sections(corpus):
        lines = summary(corpus, section)
        assert 1 <= len(lines) <= 4
        for line in lines:
            sentence = corpus.sentence_by_id[line.cite]
            assert sentence.section == section and line.text["en"][:30] in sentence.en
        for term in key_terms(corpus, section):
            assert cite_exists(corpus, term.cite) and term.term["en"]
        for figure in figures_to_remember(corpus, section):
            assert cite_exists(corpus, figure.cite)
            assert all(n in figure.text["en"] for n in figure.values if figure.cite != "table2.0")


def test_key_figures_are_in_the_guides(corpus):
    values = {f.values for f in figures_to_remember(corpus, "3-3")}
    assert {("1920",), ("1945", "1956"), ("16484", "12596", "165")} <= values
    assert any(f.values == (str(len(corpus.agreements)),) for f in figures_to_remember(corpus, "4-2"))
    era = figures_to_remember(corpus, "4-1-4")[0]
    assert era.cite == "4-1-4" and "Khatami" in era.text["en"] and "9" in era.text["en"]
    table = figures_to_remember(corpus, "4-2")[-1]
    first = corpus.agreements[0]
    assert f"{first.city_en} ({first.date_as_printed} SH)" in table.text["en"]
    assert f"{first.city_fa} ({first.date_as_printed})" in table.text["fa"]


def test_defined_terms_come_with_the_papers_definition(corpus):
    terms = {t.term["en"]: t for t in key_terms(corpus, "3-2")}
    assert terms["city diplomacy"].cite == "3-2.1/1" and terms["city diplomacy"].defined
    assert "sister city" in {t.term["en"] for t in key_terms(corpus, "3-3")}


def test_likely_questions_are_made_from_the_data(corpus):
    questions = [q for q, _ in exam_questions(corpus, "4-1-4", "en")]
    assert "Who was president in the reform era?" in questions
    assert "Summarize section 4-1-4." in questions
    assert ("بخش ۳-۴ را خلاصه کنید.", True) in exam_questions(corpus, "3-4", "fa")
    assert ("Summarize the abstract.", True) in exam_questions(corpus, "abstract", "en")
    assert all(q.endswith(("?", ".")) for q in questions)
    assert exam_questions(corpus, "3-2", "fa")[0] == ("دیپلماسی شهری چیست؟", False)


def test_every_model_answer_is_cited_and_each_guide_has_three_to_five(corpus, guides):
    for (section, lang), guide in guides.items():
        assert 3 <= len(guide.questions) <= 5, (section, lang, [q.question for q in guide.questions])
        for answer in guide.questions:
            assert answer.answer.strip() and answer.cites, (section, answer)
            assert all(cite_exists(corpus, c) for c in answer.cites)


def test_markdown_export_carries_every_citation(corpus, guides):
    guide = guides[("3-3", "en")]
    text = guide_markdown(corpus, [guide], "en")
    assert text.startswith("# Study guide: Sister city (§3-3)")
    for line in guide.summary:
        assert f"({cite_label(corpus, line.cite, 'en')})" in text
    assert "16484" in text and "## Likely exam questions" in text
    whole = guide_markdown(corpus, [guides[(s, "fa")] for s in guide_sections(corpus)], "fa")
    assert whole.startswith("# راهنمای مطالعه: کل مقاله") and "**۱۶۴۸۴، ۱۲۵۹۶، ۱۶۵**" in whole
    assert not re.search(r"[۰-۹] · |·\s*[۰-۹]", whole)  # a middle dot beside Persian digits reads as a zero
    assert not re.search(r"(?<![A-Za-z(,:\s])\b1\d{3}\b", whole.replace("(KavyaniRad", ""))  # Persian digits


def test_a_section_without_a_guide_is_a_clear_error(corpus):
    with pytest.raises(ValueError, match="no study guide"):
        build_guide(corpus, "front", "en", lambda q: {})
    with pytest.raises(ValueError, match="lang"):
        build_guide(corpus, "3-2", "de", lambda q: {})
