"""app/study.py: quiz questions have exactly one correct option, checked against the data; the study data files;
citations; the figures are read from the paper."""
import dataclasses
import random
import re

import pytest

from app.normalize import fold_digits
from app.study import (CORPORA_KEPT, GENERATORS, LANGS, QUIZ_LENGTHS, blank_out, cite_exists, cite_label, cite_text, definitions,
                       era_label, figures, make_quiz, mentions, numbers_line, per_corpus, phrase, quiz_place, settings,
                       templates)


@pytest.mark.parametrize("lang", ["en", "fa"])
@pytest.mark.parametrize("generator", GENERATORS, ids=lambda g: g.__name__)
def test_every_generated_question_has_exactly_one_correct_option(corpus, generator, lang):
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


@pytest.mark.parametrize("count", [5, 10, 20])
def test_quiz_is_the_same_in_both_languages_and_any_length_extends_the_same_start(corpus, count):
    fa, en = make_quiz(corpus, "fa", count=count, seed=3), make_quiz(corpus, "en", count=count, seed=3)
    assert len(fa) == len(en) == count
    assert [(q.kind, q.answer, q.source) for q in fa] == [(q.kind, q.answer, q.source) for q in en]
    assert make_quiz(corpus, "en", count=5, seed=3) == en[:5]


@pytest.mark.parametrize("bad, message", [({"lang": "de"}, "lang"), ({"count": 0}, "count"),
                                          ({"count": "ten"}, "count")])
def test_quiz_rejects_bad_arguments_with_a_clear_message(corpus, bad, message):
    with pytest.raises(ValueError, match=message):
        make_quiz(corpus, **{"lang": "en", **bad})


def test_quiz_places_cite_what_exists(corpus):
    for q in make_quiz(corpus, "en", count=20, seed=5):
        place = quiz_place(corpus, q)
        assert cite_exists(corpus, place["cite"]) and place["section"] in corpus.section_by_id
        assert place["era"] is None or place["era"] in corpus.era_by_id


@pytest.mark.parametrize("cite, en, fa", [
    ("3-4.3", "§3-4 ¶3", "بخش 3-4، بند 3"),
    ("table2.6", "Table 2, row 6", "جدول ۲، ردیف 6"),
    ("table1.3", "Table 1, item 3", "جدول ۱، مورد 3"),
    ("3-3.5/2", "§3-3 ¶5, sentence 2", "بخش 3-3، بند 5، جمله 2"),
    ("4-1-3", "§4-1-3", "بخش 4-1-3"),
    ("abstract.1", "Abstract ¶1", "چکیده، بند 1"),
])
def test_citation_labels(corpus, cite, en, fa):
    assert cite_label(corpus, cite, "en") == en and cite_label(corpus, cite, "fa") == fa
    assert cite_text(corpus, cite, "en")


def test_unknown_citation_is_a_clear_error(corpus):
    assert not cite_exists(corpus, "9-9.9")
    with pytest.raises(ValueError, match="unknown citation"):
        cite_label(corpus, "9-9.9", "en")


def test_templates_give_both_languages_and_fail_clearly():
    assert all(set(v) == set(LANGS) for k, v in templates().items() if not k.startswith("_"))
    with pytest.raises(ValueError, match="no_such_template"):
        phrase("no_such_template", "en")
    with pytest.raises(ValueError, match="lang"):
        phrase("cite_row", "de", row=1)


def test_key_figures_are_read_from_the_paper(corpus):
    found = {f.sentence: f for f in figures(corpus)}
    assert set(found) == set(settings()["figure_sentences"])
    assert found["3-3.5/2"].numbers == ("16484", "12596", "165")
    assert found["3-3.2/1"].numbers == ("1920",) and "Keighley" in found["3-3.2/1"].text["en"]
    assert "1956" in found["3-3.3/1"].numbers and "People to People" in found["3-3.3/1"].text["en"]
    for f in found.values():
        sentence = corpus.sentence_by_id[f.sentence]
        for lang in LANGS:
            blanked = blank_out(f.text[lang], f.numbers)
            assert "____" in blanked and not set(f.numbers) & set(re.findall(r"\d+", fold_digits(blanked)))
        assert all(n in sentence.en for n in f.numbers)


def test_definitions_mask_the_term_in_both_languages(corpus):
    found = definitions(corpus)
    assert [d.section for d in found] == settings()["definition_sections"]
    for d in found:
        assert d.sentence in corpus.sentence_by_id
        for lang in LANGS:
            assert "…" in d.masked[lang] and d.term[lang].lower() not in d.masked[lang].lower()


@pytest.mark.parametrize("era, lang, label", [
    ("4-1-1", "en", "provisional government (Mehdi Bazargan)"), ("4-1-1", "fa", "دولت موقت (مهدی بازرگان)"),
    ("4-1-4", "en", "reform (Seyyed Mohammad Khatami)"), ("4-1-2", "en", "expansion-centred idealism")])
def test_era_labels_name_the_head_without_nested_remarks(corpus, era, lang, label):
    assert era_label(corpus, era, lang) == label


@pytest.mark.parametrize("lang, line", [("en", "16484 · 12596 · 165"), ("fa", "16484، 12596، 165")])
def test_figures_are_listed_without_a_middle_dot_in_persian(lang, line):
    assert numbers_line(("16484", "12596", "165"), lang) == line


@pytest.mark.parametrize("text, forms, found", [
    ("A sister-city relationship is", ["sister city"], True),
    ("Sister cities, as the paper says", ["sister cities"], True),
    ("خواهرشهری، پیوندی است", ["خواهرشهری"], True),
    ("ديپلماسي شهري", ["دیپلماسی شهری"], True),
    ("grandsister city", ["sister city"], False),
    ("city diplomacy", ["", "  "], False),
])
def test_terms_are_found_as_whole_words_in_any_spelling(text, forms, found):
    assert mentions(text, forms) is found


def test_per_corpus_caches_per_corpus_and_lets_old_corpora_go(corpus):
    calls = []

    @per_corpus
    def count_eras(c, extra=0):
        calls.append(c)
        return len(c.eras) + extra

    other = dataclasses.replace(corpus)
    assert [count_eras(corpus), count_eras(corpus), count_eras(corpus, 1), count_eras(other)] == [6, 6, 7, 6]
    assert [c is corpus for c in calls] == [True, True, False]
    count_eras(corpus)  # still cached while few corpora are in use
    assert len(calls) == 3
    for _ in range(CORPORA_KEPT):
        count_eras(dataclasses.replace(corpus))
    count_eras(corpus)  # long unused: let go, so computed again
    assert len(calls) == 3 + CORPORA_KEPT + 1


def test_quiz_lengths_come_from_the_settings():
    assert QUIZ_LENGTHS == tuple(settings()["quiz"]["lengths"]) == (5, 10, 20)
