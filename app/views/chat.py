"""The chat page: questions, answers built from their structured items, and citations opened in place."""
from __future__ import annotations

import html
from datetime import datetime

import streamlit as st

from app.assistant import MAX_QUESTION_CHARS, QuestionError
from app.conversation import Conversation
from app.views.common import (bidi, cite_label_for, column_headers, digits, escaped, get_assistant, goto, highlighted,
                              isolate_numbers, section_label, starters, t, ui_lang)
from app.views.rows import row_card, row_ranges, rows_table

MAX_PASSAGE_CITATIONS = 8


def clear_chat() -> None:
    st.session_state.history = []
    st.session_state.conversation = Conversation()


def grouped_citations(citations: list[dict]) -> list[dict]:
    """Every Table 2 row cited, as one citation {"kind": "rows", "rows": [...]}, then the passages and
    sections (at most MAX_PASSAGE_CITATIONS), in the order the answer gives them."""
    rows = [c["row"] for c in citations if c["kind"] == "table"]
    others = [c for c in citations if c["kind"] != "table"][:MAX_PASSAGE_CITATIONS]
    grouped = [{"kind": "rows", "rows": sorted(set(rows))}] if rows else []
    first_is_table = bool(citations) and citations[0]["kind"] == "table"
    return grouped + others if first_is_table else others + grouped


def citation_label(number: int, citation: dict) -> str:
    fa = ui_lang() == "fa"
    if citation["kind"] == "rows":
        rows = citation["rows"]
        # (no middle dot in Persian: beside Persian digits it reads as a zero, «۰»)
        word = ("ردیف" if fa else "row") if len(rows) == 1 else ("ردیف‌های" if fa else "rows")
        label = f"جدول ۲، {word} {row_ranges(rows)}" if fa else f"Table 2 · {word} {row_ranges(rows)}"
    else:  # a section or a paragraph
        label = cite_label_for(citation["section"] if citation["kind"] == "section" else citation["paragraph"])
    return isolate_numbers(digits(f"[{number}] {label}")) if fa else f"[{number}] {label}"


def show_rows(rows: list[int], key: str) -> None:
    """The cited rows themselves: one as a card, several as a small table; the whole table on demand."""
    corpus = get_assistant().corpus
    headers = column_headers()
    if len(rows) == 1:
        st.markdown(row_card(corpus, rows[0], headers, ui_lang()), unsafe_allow_html=True)
    else:
        st.markdown(rows_table(corpus, rows, headers, ui_lang()), unsafe_allow_html=True)
    st.button(t("open_table"), key=f"{key}-table", on_click=goto, args=("table", None, rows))


def show_citation(citation: dict, key: str) -> None:
    corpus = get_assistant().corpus
    if citation["kind"] == "rows":
        show_rows(citation["rows"], key)
        return
    section = corpus.section_by_id[citation["section"]]
    if citation["kind"] == "section":
        st.markdown(bidi(f"{section.id} {section.title_fa}", lang="fa") + bidi(section.title_en, lang="en"),
                    unsafe_allow_html=True)
        first = corpus.section_paragraphs(section.id)
        if first:
            st.button(t("open_paper"), key=f"{key}-sec", on_click=goto, args=("paper", first[0].id))
        return
    st.caption(f"{section_label(section)} — {t('highlight')}")
    fa_column, en_column = st.columns(2)
    highlight = citation.get("highlight", {})
    fa_column.markdown(highlighted(citation["text"], highlight.get("fa"), "fa", citation["paragraph"]),
                       unsafe_allow_html=True)
    en_column.markdown(highlighted(citation["text_en"], highlight.get("en"), "en", citation["paragraph"]),
                       unsafe_allow_html=True)
    if citation["paragraph"].startswith("table2"):  # the table's caption: the answer comes from the whole table
        st.button(t("open_table"), key=f"{key}-table", on_click=goto, args=("table",))
    else:
        st.button(t("open_paper"), key=f"{key}-paper", on_click=goto, args=("paper", citation["paragraph"]))


def answer_html(answer: dict) -> str:
    """The answer from its structured parts: the lead sentence, its items (one tie, era or group per line;
    quoted sentences as one paragraph) and the paper's caveats. User and corpus text is escaped."""
    lang = answer["lang"]
    direction = "rtl" if lang == "fa" else "ltr"
    items = answer.get("items") or []
    listed = [i for i in items if i["kind"] != "sentence"]
    if answer.get("phrased_by") or not answer.get("lead") or not listed:
        return bidi(answer["answer"], lang=lang)
    lines = "".join(f"<li>{escaped(i['text'], lang)}</li>" for i in listed)
    notes = "".join(f'<div class="bidi" dir="{direction}">{escaped(n, lang)}</div>' for n in answer.get("notes", []))
    return (f'<div class="bidi" dir="{direction}">{escaped(answer["lead"], lang)}'
            f'<ul class="ties" dir="{direction}">{lines}</ul></div>{notes}')


def show_answer(answer: dict, index: int) -> None:
    note = ""
    if answer.get("abstained"):
        note = f'<div class="answer-note">{html.escape(t("abstained"))}</div>'
    st.markdown(note + answer_html(answer), unsafe_allow_html=True)
    citations = grouped_citations(answer.get("citations", []))
    if citations:
        st.caption(t("sources"))
    for number, citation in enumerate(citations, 1):
        with st.expander(citation_label(number, citation)):
            show_citation(citation, f"c{index}-{number}")


def ask(question: str) -> None:
    """Ask the shared Assistant within this session's conversation; a refusal is said in the interface's
    language. Input of only spaces is ignored."""
    if not question.strip():
        return
    try:
        answer = get_assistant().ask(question, st.session_state.conversation).to_dict()
    except QuestionError as exc:
        shown = question if len(question) <= MAX_QUESTION_CHARS else question[:MAX_QUESTION_CHARS] + "…"
        st.session_state.history.append({"role": "user", "text": shown})
        st.session_state.history.append({"role": "error", "text": exc.message(ui_lang())})
        return
    st.session_state.history.append({"role": "user", "text": question})
    st.session_state.history.append({"role": "assistant", "answer": answer})


def quoted_sentences(citation: dict, lang: str) -> list[str]:
    """The highlighted sentences of a passage citation (the whole paragraph only when none is marked)."""
    text = citation.get("text_en" if lang == "en" else "text") or ""
    spans = (citation.get("highlight") or {}).get(lang) or []
    return [text[start:end].strip() for start, end in sorted(spans)] or [text]


def export_markdown() -> str:
    """The conversation as compact Markdown: each answer with its citation ids and only the cited sentences."""
    corpus = get_assistant().corpus
    lines = [f"# {t('title')}", "", f"_{datetime.now():%Y-%m-%d %H:%M}_", ""]
    for item in st.session_state.history:
        if item["role"] == "user":
            lines += [f"**Q:** {item['text']}", ""]
        elif item["role"] == "error":
            lines += [f"> {item['text']}", ""]
        else:
            answer = item["answer"]
            lines += [f"**A:** {answer['answer']}", ""]
            for number, citation in enumerate(grouped_citations(answer["citations"]), 1):
                label = citation_label(number, citation)
                if citation["kind"] == "rows":
                    lines.append(f"- {label}")
                elif citation["kind"] == "section":
                    section = corpus.section_by_id[citation["section"]]
                    lines.append(f"- {label}: {section.title_fa if answer['lang'] == 'fa' else section.title_en}")
                else:
                    lines.append(f"- {label} ({citation['paragraph']}): " + " … ".join(
                        quoted_sentences(citation, answer["lang"])))
            lines.append("")
    return "\n".join(lines)


def page_chat() -> None:
    history = st.session_state.history
    if not history:
        st.markdown(bidi(t("subtitle"), lang=ui_lang()), unsafe_allow_html=True)
        st.caption(t("starters"))
        columns = st.columns(2)
        for n, question in enumerate(starters()["fa"] + starters()["en"]):
            columns[n % 2].button(question, key=f"starter-{n}", on_click=ask, args=(question,), width="stretch")
    for index, item in enumerate(history):
        if item["role"] == "user":
            with st.chat_message("user"):
                st.markdown(bidi(item["text"]), unsafe_allow_html=True)
        elif item["role"] == "error":
            with st.chat_message("assistant"):
                st.warning(item["text"])
        else:
            with st.chat_message("assistant"):
                show_answer(item["answer"], index)
    question = st.chat_input(t("placeholder"))  # no max_chars: a long paste is refused with a message
    st.caption(t("limit"))
    if question is not None and question.strip():
        ask(question)
        st.rerun()
