"""app/assistant.py: input cleaning, the answer object, citations."""
import pytest

from app.assistant import MAX_QUESTION_CHARS, QuestionError, clean_question


@pytest.mark.parametrize("bad", ["", " \n\t ", "?!؟…", "\x00\x00", "<p></p>", "x" * (MAX_QUESTION_CHARS + 1), None, 42])
def test_unusable_questions_raise_a_bilingual_error(bad):
    with pytest.raises(QuestionError) as info:
        clean_question(bad)
    assert info.value.message("en") and info.value.message("fa") != info.value.message("en")


def test_markup_and_controls_are_removed_not_rendered():
    assert clean_question("<script>alert('x')</script> Havana\x00\u202e?") == "alert('x') Havana?"
    assert clean_question("&lt;b&gt;Bishkek&lt;/b&gt;") == "Bishkek"
    assert clean_question("  پیوند   با\nمسکو ") == "پیوند با مسکو"


def test_answer_object_has_the_json_contract(assistant):
    answer = assistant.ask("Tehran Havana").to_dict()
    assert {"question", "lang", "answer", "abstained", "citations", "timing_ms"} <= set(answer)
    table = next(c for c in answer["citations"] if c["kind"] == "table")
    assert {"row", "date_jalali", "date_gregorian", "city_en", "city_fa", "country_en", "doc_type_en", "era",
            "text", "text_en"} <= set(table)


def test_passage_citations_carry_highlight_spans(assistant):
    answer = assistant.ask("Mach & Cizo definition of city diplomacy")
    passage = next(c for c in answer.citations if c["kind"] == "passage")
    for lang, key in (("fa", "text"), ("en", "text_en")):
        for start, end in passage["highlight"][lang]:
            assert 0 <= start < end <= len(passage[key])


@pytest.mark.parametrize("question, section", [
    ("Summarize section 4-2.", "4-2"),
    ("What is section 4-2 about?", "4-2"),
    ("خلاصه بخش ۴-۱-۶ رو بگو", "4-1-6"),
    ("according to 3-4, how do cities find each other?", "3-4"),
])
def test_a_question_that_names_a_section_is_answered_from_it(assistant, question, section):
    answer = assistant.ask(question).to_dict()
    passages = [c for c in answer["citations"] if c["kind"] == "passage"]
    assert passages and all(c["section"] == section or c["section"].startswith(section + "-") for c in passages), \
        [c["section"] for c in passages]
