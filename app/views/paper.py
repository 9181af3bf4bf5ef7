"""The reader: the paper section by section in Persian, English or both, with search."""
from __future__ import annotations

import html

import streamlit as st

from app.assistant import MAX_QUESTION_CHARS
from app.views.common import (escaped, get_assistant, goto, highlighted, cite_label_for, section_label, t,
                              take_scroll, ui_lang)
from app.views.rows import scroll_to

SNIPPET_CHARS = 220


def show_search(query: str) -> None:
    """Search hits as snippets, each with a button that opens the paper at its paragraph."""
    try:
        hits = get_assistant().search(query, k=6)
    except Exception:  # noqa: BLE001 - search is a convenience; never show a traceback
        hits = []
    st.caption(t("results"))
    if not hits:
        st.info(t("no_results"))
    for n, hit in enumerate(hits):
        chunk = hit.chunk
        text = chunk.fa if ui_lang() == "fa" else chunk.en
        snippet = text[:SNIPPET_CHARS] + ("…" if len(text) > SNIPPET_CHARS else "")
        section = get_assistant().corpus.section_by_id[chunk.section]
        direction = "rtl" if ui_lang() == "fa" else "ltr"
        st.markdown(f'<div class="bidi" dir="{direction}"><b>{html.escape(section_label(section))}</b> · '
                    f'{escaped(snippet, ui_lang())}</div>', unsafe_allow_html=True)
        if chunk.paragraph:
            st.button(f"→ {cite_label_for(chunk.paragraph)}", key=f"hit-{n}", on_click=goto,
                      args=("paper", chunk.paragraph))
    st.divider()


def show_title(section, mode: str) -> None:
    """The section's title: in one language, or the two titles side by side, each in its own direction."""
    if mode == "both":
        fa_column, en_column = st.columns(2)
        fa_column.markdown(f'<h3 dir="rtl">{html.escape(section_label(section, "fa"))}</h3>', unsafe_allow_html=True)
        en_column.markdown(f'<h3 dir="ltr" style="text-align:left">{html.escape(section_label(section, "en"))}</h3>',
                           unsafe_allow_html=True)
    else:
        st.subheader(section_label(section, mode))


def page_paper() -> None:
    corpus = get_assistant().corpus
    st.session_state.setdefault("paper_section", "abstract")
    left, right = st.columns([3, 2])
    labels = {s.id: section_label(s) for s in corpus.sections}
    section_id = left.selectbox(t("section"), list(labels), format_func=labels.get, key="paper_section")
    modes = {"fa": t("persian"), "en": t("english"), "both": t("both")}
    mode = right.segmented_control(t("mode"), list(modes), format_func=modes.get, default="both",
                                   key="paper_mode") or "both"
    query = st.text_input(t("search"), key="paper_search", max_chars=MAX_QUESTION_CHARS)
    if query.strip():
        show_search(query)
    focus = st.session_state.get("focus")
    section = corpus.section_by_id[section_id]
    show_title(section, mode)
    for paragraph in corpus.section_paragraphs(section_id):
        is_focus = paragraph.id == focus
        if mode == "both":
            fa_column, en_column = st.columns(2)
            fa_column.markdown(highlighted(paragraph.fa, [], "fa", paragraph.id, is_focus, anchor=True),
                               unsafe_allow_html=True)
            en_column.markdown(highlighted(paragraph.en, [], "en", paragraph.id, is_focus), unsafe_allow_html=True)
        else:
            text = paragraph.fa if mode == "fa" else paragraph.en
            st.markdown(highlighted(text, [], mode, paragraph.id, is_focus, anchor=True), unsafe_allow_html=True)
    for child in (s for s in corpus.sections if s.parent == section_id):
        st.button(f"→ {section_label(child)}", key=f"child-{child.id}",
                  on_click=lambda c=child.id: st.session_state.update(paper_section=c))
    if focus and take_scroll():
        scroll_to(f"p-{focus}")
