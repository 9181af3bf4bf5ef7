"""app/exam.py: every generated question's key agrees with the data; grading of each kind; choosing questions."""
from __future__ import annotations

import dataclasses

import pytest

from app.exam import (KINDS, ExamSpec, Grade, blank_form, grade, make_exam, open_coverage, pool_sections,
                      question_by_id, question_pool, records, score_by)
from app.normalize import fold
from app.study import (LANGS, city_label, clean_item, cite_exists, conditions, continent_name, definitions,
                       head_name, plain)


@pytest.fixture(scope="module")
def pool(corpus):
    return question_pool(corpus)


def _tie(corpus, label: str, lang: str = "en"):
    return next(a for a in corpus.agreements if city_label(a, lang) == label)


def _era_of_label(corpus, label: str) -> str:
    return next(e.id for e in corpus.eras if label.startswith(e.short_en[0]))


def _check_choice(corpus, q) -> None:
    correct = q.options[q.key[0]]["en"]
    if q.topic in ("era_of_tie", "year_of_tie", "document_type", "continent_of_tie"):
        a = corpus.agreement_by_row[int(q.cite.split(".")[1])]
        truth = {"era_of_tie": None, "year_of_tie": str(a.year), "document_type": a.doc_type_en,
                 "continent_of_tie": continent_name(a.continent, "en")}[q.topic]
        if truth is None:
            assert [_era_of_label(corpus, o["en"]) == a.era_id for o in q.options].count(True) == 1
            assert _era_of_label(corpus, correct) == a.era_id
        else:
            assert correct == truth and [o["en"] for o in q.options].count(truth) == 1
    elif q.topic == "ties_in_era":
        assert int(correct) == sum(1 for a in corpus.agreements if a.era_id == q.cite)
    elif q.topic == "defined_term":
        assert correct == corpus.section_by_id[corpus.paragraph_by_id[q.cite].section].title_en
    elif q.topic == "missing_condition":
        assert correct == clean_item(corpus.paragraph_by_id[q.cite].en) and correct not in q.prompt["en"]
    else:
        raise AssertionError(f"unchecked topic {q.topic}")


def _check_multi(corpus, q) -> None:
    texts = [o["en"] for o in q.options]
    if q.topic == "era_ties":
        truth = {i for i, t in enumerate(texts) if _tie(corpus, t).era_id == q.era}
    elif q.topic == "continent":
        continent = _tie(corpus, texts[q.key[0]]).continent
        truth = {i for i, t in enumerate(texts) if _tie(corpus, t).continent == continent}
        assert continent_name(continent, "en") in q.prompt["en"]
    elif q.topic == "conditions":
        listed = {clean_item(p.en) for p in conditions(corpus)}
        truth = {i for i, t in enumerate(texts) if t in listed}
    elif q.topic == "concepts":
        own = {fold(f) for c in corpus.era_by_id[q.era].concepts for f in (*c.en, *c.fa)}
        truth = {i for i, t in enumerate(texts) if fold(t) in own}
    else:
        raise AssertionError(f"unchecked topic {q.topic}")
    assert set(q.key) == truth and 0 < len(truth) < len(texts)


def _check_blank(corpus, q) -> None:
    if q.topic == "figure":
        sentence = corpus.sentence_by_id[q.cite]
        assert len(q.accept) == 1 and q.accept[0] in sentence.en and "____" in q.prompt["en"]
        assert q.accept[0] not in q.prompt["en"].replace("____", " ")
    elif q.topic == "tie_year":
        assert q.accept == (str(corpus.agreement_by_row[int(q.cite.split(".")[1])].year),)
    elif q.topic == "era_head":
        era = corpus.era_by_id[q.cite]
        assert blank_form(era.head_en) in q.accept and blank_form(era.head_fa) in q.accept
    elif q.topic == "term":
        section = corpus.sentence_by_id[q.cite].section
        assert blank_form(corpus.section_by_id[section].title_en) in q.accept
    else:
        raise AssertionError(f"unchecked topic {q.topic}")


def _check_match(corpus, q) -> None:
    for item, key in zip(q.items, q.key):
        right = q.options[key]["en"]
        if q.topic == "tie_era":
            assert _era_of_label(corpus, right) == _tie(corpus, item["en"]).era_id
        elif q.topic == "term_definition":
            d = next(d for d in definitions(corpus) if d.term["en"] == item["en"])
            assert right == d.masked["en"]
        elif q.topic == "era_head":
            era = next(e for e in corpus.eras if e.short_en[0] == item["en"])
            assert right == head_name(era, "en") and era.head_en.startswith(right)
        else:
            raise AssertionError(f"unchecked topic {q.topic}")
    assert sorted(q.key) == list(range(len(q.options)))


def _check_order(corpus, q) -> None:
    in_order = [q.options[i]["en"] for i in q.key]
    if q.topic == "ties":
        dates = [_tie(corpus, t).date_jalali for t in in_order]
    elif q.topic == "eras":
        dates = [next(e.start_jalali for e in corpus.eras if e.short_en[0] == t) for t in in_order]
    else:
        raise AssertionError(f"unchecked topic {q.topic}")
    assert dates == sorted(dates) and len(set(dates)) == len(dates)


def _check_open(corpus, q) -> None:
    sentence = corpus.sentence_by_id[q.cite]
    assert "definition" in sentence.tags and q.solution == {"fa": plain(sentence.fa), "en": plain(sentence.en)}


CHECKS = {"choice": _check_choice, "multi": _check_multi, "blank": _check_blank, "match": _check_match,
          "order": _check_order, "open": _check_open}


def test_the_pool_has_every_kind_and_is_stable(corpus, pool):
    assert {q.kind for q in pool} == set(KINDS)
    assert len({q.id for q in pool}) == len(pool)
    assert [q.id for q in question_pool(corpus)] == [q.id for q in pool]


def test_no_two_questions_look_the_same_but_want_different_answers(pool):
    seen = {}
    for q in pool:
        shown = (q.kind, q.prompt["en"], frozenset(o["en"] for o in q.options), tuple(i["en"] for i in q.items))
        assert shown not in seen, (q.id, seen.get(shown))
        seen[shown] = q.id
    assert len({q.prompt["en"] for q in pool if q.kind == "open"}) == len([q for q in pool if q.kind == "open"])


@pytest.mark.parametrize("lang", LANGS)
def test_no_prompt_gives_its_answer_away(pool, lang):
    for q in pool:
        prompt = q.prompt[lang]
        if q.kind in ("choice", "multi"):
            assert not [q.options[k][lang] for k in q.key if q.options[k][lang] in prompt], q.id
        if q.kind == "blank":
            assert not [a for a in q.accept if len(a) > 2 and a in blank_form(prompt)], q.id


def test_no_matching_pair_gives_itself_away(pool):
    for q in (q for q in pool if q.kind == "match"):
        for item, key in zip(q.items, q.key):
            for lang in LANGS:
                assert fold(item[lang]) not in fold(q.options[key][lang]), (q.id, item[lang])


@pytest.mark.parametrize("lang, arrow", [("en", " → "), ("fa", " ← ")])
def test_answer_keys_read_in_the_direction_of_their_language(pool, lang, arrow):
    for q in (q for q in pool if q.kind in ("match", "order")):
        assert arrow in q.solution[lang] and ({" → ", " ← "} - {arrow}).pop() not in q.solution[lang], q.id


@pytest.mark.parametrize("kind", KINDS)
def test_every_question_has_a_key_that_agrees_with_the_data(corpus, pool, kind):
    questions = [q for q in pool if q.kind == kind]
    assert questions
    for q in questions:
        assert cite_exists(corpus, q.cite) and q.section in corpus.section_by_id, q.id
        assert all(q.prompt[lang] and q.solution[lang] for lang in LANGS), q.id
        for lang in LANGS:
            assert len({o[lang] for o in q.options}) == len(q.options), (q.id, lang)
        if kind == "choice":
            assert len(q.key) == 1 and len(q.options) == 4
        CHECKS[kind](corpus, q)


def _key_response(q):
    return {"choice": q.key[0] if q.key else None, "multi": list(q.key), "blank": q.accept[0] if q.accept else "",
            "match": list(q.key), "order": list(q.key), "open": q.solution["en"]}[q.kind]


def test_the_key_itself_gets_full_marks(corpus, pool):
    for q in pool:
        result = grade(corpus, q, _key_response(q))
        assert result.correct and result.score == 1.0, q.id


def _first(pool, kind, topic=None):
    return next(q for q in pool if q.kind == kind and (topic is None or q.topic == topic))


def test_multiple_select_gives_partial_credit(corpus, pool):
    q = next(q for q in pool if q.kind == "multi" and len(q.key) == 3)
    wrong = [i for i in range(len(q.options)) if i not in q.key]
    cases = [(list(q.key), 1.0, True), (list(q.key[:2]), 2 / 3, False), (list(q.key) + wrong[:1], 2 / 3, False),
             ([wrong[0]], 0.0, False), (wrong, 0.0, False), (list(range(len(q.options))), 1 / 3, False),
             ([q.key[0]] * 3, 1 / 3, False), (list(q.key) * 2, 1.0, True), ([], 0.0, False)]
    for response, score, correct in cases:  # a pick counts once; wrong picks never take the score below zero
        result = grade(corpus, q, response)
        assert result.score == pytest.approx(score) and result.correct is correct, response


@pytest.mark.parametrize("typed, ok", [
    ("1920", True), ("۱۹۲۰", True), ("١٩٢٠", True), (" 1920. ", True), ("in 1920", True), ("۱۹۲۰ میلادی", True),
    ("1,920", True), ("1921", False), ("1920 or 1921", False), ("nineteen twenty", False), ("", None), ("?!", None)])
def test_blank_numbers_in_any_script(corpus, pool, typed, ok):
    q = next(q for q in pool if q.kind == "blank" and q.accept == ("1920",))
    result = grade(corpus, q, typed)
    assert result.answered is (ok is not None) and result.correct is bool(ok)


@pytest.mark.parametrize("typed, ok", [
    ("دیپلماسی شهری", True), ("ديپلماسي شهري", True), ("دیپلماسی\u200cشهری", True),
    ("دیپلماسیشهری", True),
    ("City Diplomacy", True), ("city-diplomacy", True), ("urban diplomacy", True), ("foreign policy", False)])
def test_blank_words_match_across_spellings(corpus, pool, typed, ok):
    q = next(q for q in pool if q.kind == "blank" and q.topic == "term" and q.cite.startswith("3-2"))
    assert grade(corpus, q, typed).correct is ok


@pytest.mark.parametrize("era, typed, ok", [
    ("4-1-4", "Khatami", True), ("4-1-4", "خاتمی", True), ("4-1-4", "سيد محمد خاتمي", True), ("4-1-4", "Khatemi", True),
    ("4-1-4", "Rouhani", False), ("4-1-4", "reform", False),
    ("4-1-5", "Ahmadi-Nejad", True), ("4-1-5", "احمدی نژاد", True),
    ("4-1-1", "Bazargan", True), ("4-1-1", "Mehdi Bazargan", True), ("4-1-1", "بازرگان", True),
    ("4-1-1", "provisional government", False), ("4-1-1", "دولت موقت", False), ("4-1-1", "Sanjabi", False)])
def test_blank_names_match_the_heads_spellings_only(corpus, pool, era, typed, ok):
    q = next(q for q in pool if q.kind == "blank" and q.topic == "era_head" and q.cite == era)
    assert grade(corpus, q, typed).correct is ok


def test_matching_and_ordering_give_credit_per_part(corpus, pool):
    q = _first(pool, "match")
    swapped = list(q.key)
    swapped[0], swapped[1] = swapped[1], swapped[0]
    assert grade(corpus, q, swapped).score == pytest.approx((len(q.key) - 2) / len(q.key))
    assert grade(corpus, q, [None] * len(q.items)) == Grade(0.0, False, False)
    o = next(q for q in pool if q.kind == "order" and len(q.options) == 4)
    reversed_order = list(reversed(o.key))
    assert grade(corpus, o, reversed_order).score == 0.0
    one_swap = [o.key[1], o.key[0], *o.key[2:]]
    assert grade(corpus, o, one_swap).score == pytest.approx(5 / 6)
    assert not grade(corpus, o, [0, 0, 1, 2]).answered


@pytest.mark.parametrize("response", [None, "x", 7, -1, True, [1, "a"], {"a": 1}, 3.5, [True, False, True]])
def test_malformed_responses_score_nothing_and_raise_nothing(corpus, pool, response):
    for kind in KINDS:
        result = grade(corpus, _first(pool, kind), response)
        assert result.score == 0.0 and not result.correct, kind
        assert result.answered is (isinstance(response, str) and kind in ("blank", "open")), kind


@pytest.mark.parametrize("kind, response", [
    ("match", [True] + [None] * 3), ("match", [9, None, None, None]), ("match", [0, 1]),
    ("order", [0, 0, 1, 2]), ("order", [0, 1, 2]), ("order", [3, 2, 1, 0, 4]), ("choice", False), ("choice", 4)])
def test_a_response_that_cannot_be_read_is_unanswered(corpus, pool, kind, response):
    q = next(q for q in pool if q.kind == kind and len(q.options) == 4)
    assert grade(corpus, q, response) == Grade(0.0, False, False)


def test_an_unknown_kind_of_question_is_a_clear_error(corpus, pool):
    with pytest.raises(ValueError, match="kind"):
        grade(corpus, dataclasses.replace(pool[0], kind="essay"), 0)


OPEN_CASES = [
    ("3-2.1/1", "City diplomacy is the international activity of local governments, for example their involvement "
                "in making peace.", True),
    ("3-2.1/1", "دیپلماسی شهری یعنی فعالیت‌های بین المللی حکومت های محلی و مشارکت آنها برای برقراری صلح",
     True),
    ("3-2.1/1", "It is the foreign policy of the central government towards other states.", False),
    ("3-2.1/1", "How does the paper define city diplomacy?", False),
    ("3-2.1/1", "دیپلماسی شهری همان سیاست خارجی دولت مرکزی است", False),
    ("3-1.1/1", "Foreign policy is the strategy of government decision makers: planned actions for specific goals "
                "of the national interest in the international environment", True),
    ("3-1.1/1", "cities sign sister city agreements", False),
    ("4-1-6.2/1", "Moderation is a realistic approach built on self-confidence, realistic idealism and constructive "
                  "engagement", True),
    ("4-1-6.2/1", "Moderation means confrontation with the West", False),
]


@pytest.mark.parametrize("cite, answer, ok", OPEN_CASES)
def test_open_answers_accept_a_paraphrase_and_reject_a_wrong_answer(corpus, pool, cite, answer, ok):
    q = next(q for q in pool if q.kind == "open" and q.cite == cite)
    assert grade(corpus, q, answer).correct is ok


def test_open_answers_do_not_score_by_repeating_the_question(corpus, pool):
    for q in (q for q in pool if q.kind == "open"):
        for lang in LANGS:
            assert open_coverage(corpus, q, q.prompt[lang], lang) < 0.2


@pytest.mark.parametrize("spec", [
    ExamSpec(count=5, kinds=("blank",), seed=1), ExamSpec(count=10, sections=("3-4",), seed=2),
    ExamSpec(count=20, eras=("4-1-4",), seed=3), ExamSpec(count=10, kinds=("match", "order"), seed=4)])
def test_exams_follow_the_choices(corpus, spec):
    exam = make_exam(corpus, spec)
    assert 0 < len(exam) <= spec.count and len({q.id for q in exam}) == len(exam)
    assert all(q.kind in spec.kinds for q in exam)
    assert all(not spec.sections or q.section in spec.sections for q in exam)
    assert all(not spec.eras or q.era in spec.eras for q in exam)
    if spec.kinds == KINDS and len(exam) == spec.count:
        assert len({q.kind for q in exam}) > 1
    assert make_exam(corpus, spec) == exam


def test_a_full_exam_mixes_every_kind(corpus):
    exam = make_exam(corpus, ExamSpec(count=20, seed=9))
    assert len(exam) == 20 and {q.kind for q in exam} == set(KINDS)


def test_focus_puts_weak_areas_first(corpus):
    exam = make_exam(corpus, ExamSpec(count=10, focus=(("section", "3-4"), ("kind", "order")), seed=5))
    focused = [q.section == "3-4" or q.kind == "order" for q in exam]
    assert all(focused[:8]) and sum(focused) >= 8


@pytest.mark.parametrize("bad, message", [
    ({"count": 7}, "questions"), ({"kinds": ("essay",)}, "kinds"), ({"kinds": ()}, "kinds"),
    ({"focus": (("colour", "red"),)}, "focus")])
def test_bad_specs_give_clear_messages(bad, message):
    with pytest.raises(ValueError, match=message):
        ExamSpec(**bad)


def test_no_fitting_question_is_a_clear_message(corpus):
    with pytest.raises(ValueError, match="No question fits"):
        make_exam(corpus, ExamSpec(kinds=("open",), eras=("4-1-2",)))


def test_results_per_section_and_era_and_records(corpus):
    exam = make_exam(corpus, ExamSpec(count=10, seed=11))
    grades = [grade(corpus, q, _key_response(q) if n % 2 else None) for n, q in enumerate(exam)]
    by_section = score_by(exam, grades, "section")
    assert sum(n for _, _, n in by_section) == len(exam)
    assert sum(points for _, points, _ in by_section) == pytest.approx(sum(g.score for g in grades))
    assert all(v in corpus.era_by_id for v, _, _ in score_by(exam, grades, "era"))
    saved = records(exam, grades)
    assert [r.question_id for r in saved] == [q.id for q in exam] and all(r.at.tzinfo for r in saved)
    assert set(pool_sections(corpus)) == {q.section for q in question_pool(corpus)}
    assert all(question_by_id(corpus)[q.id] == q for q in exam)
