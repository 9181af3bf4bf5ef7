"""app/study.py: generated quiz questions have exactly one correct option, checked against the data."""
import pytest

from app.study import GENERATORS, flashcards, make_quiz


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.__name__)
def test_every_generated_question_has_exactly_one_correct_option(corpus, generator, lang):
    import random

    for seed in range(40):
        q = generator(corpus, random.Random(seed), lang)
        assert len(q.options) == 4 and len(set(q.options)) == 4, q
        assert 0 <= q.answer < 4 and q.explanation and q.source
        correct = q.options[q.answer]
        if "row" in q.source and q.kind != "continent_of_tie":
            a = corpus.agreement_by_row[q.source["row"]]
            truth = {"era_of_tie": None, "document_type": a.doc_type_fa if lang == "fa" else a.doc_type_en,
                     "year_of_tie": str(a.year)}[q.kind]
            if truth is not None:
                assert correct == truth and sum(o == truth for o in q.options) == 1
            else:
                era = corpus.era_by_id[a.era_id]
                assert (era.short_fa[0] if lang == "fa" else era.short_en[0]) in correct
                assert sum((era.short_fa[0] if lang == "fa" else era.short_en[0]) in o for o in q.options) == 1
        if q.kind == "continent_of_tie":
            a = corpus.agreement_by_row[q.source["row"]]
            assert correct in (a.continent, {"Asia": "آسیا", "Europe": "اروپا", "America": "آمریکا",
                                             "Africa": "آفریقا"}[a.continent])
        if q.kind == "ties_in_era":
            assert int(correct) == sum(1 for a in corpus.agreements if a.era_id == q.source["section"])
        if q.kind == "missing_condition":
            paragraph = corpus.paragraph_by_id[q.source["paragraph"]]
            text = paragraph.fa if lang == "fa" else paragraph.en
            assert correct[:20] in text and correct not in q.prompt
        if q.kind == "defined_term":
            section = corpus.section_by_id[q.source["section"]]
            assert correct == (section.title_fa if lang == "fa" else section.title_en)


def test_quiz_mixes_kinds_without_repeats(corpus):
    quiz = make_quiz(corpus, "en", count=12, seed=7)
    assert len(quiz) == 12 and len({q.prompt for q in quiz}) == 12
    assert len({q.kind for q in quiz}) == len(GENERATORS)
    assert make_quiz(corpus, "en", count=5, seed=1) == make_quiz(corpus, "en", count=5, seed=1)
    with pytest.raises(ValueError, match="lang"):
        make_quiz(corpus, "de")


def test_flashcards_cover_terms_and_definitions(corpus):
    cards = flashcards(corpus, "en")
    assert any(c.front == "city diplomacy" and c.back.startswith("دیپلماسی شهری") for c in cards)
    assert any(c.source.startswith("§3-2") and "local governments" in c.back for c in cards)
    assert any(c.front == "تنش‌زدایی" for c in flashcards(corpus, "fa"))
