"""The Streamlit study app: `python -m streamlit run app/ui.py`.

A thin shell over `Assistant`: it sets the page up, keeps the session's state and hands over to one page
module of `app.views` (chat, paper, table, maps, study).
"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # started by `streamlit run app/ui.py`: make `app` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from app.conversation import Conversation
from app.corpus import CorpusError
from app.embedding import EmbedderError
from app.views.chat import clear_chat, export_markdown, page_chat
from app.views.common import get_assistant, keyed_per_language, t, ui_lang
from app.views.maps import page_maps
from app.views.paper import page_paper
from app.views.study import page_study
from app.views.table import page_table

PAGES = {"chat": page_chat, "paper": page_paper, "table": page_table, "maps": page_maps, "study": page_study}
ASSETS = Path(__file__).resolve().parent / "assets"


def page_style(lang: str) -> str:
    """The app's CSS (assets/style.css), plus the right-to-left rules for the Persian interface."""
    files = ["style.css"] + (["style-rtl.css"] if lang == "fa" else [])
    return "<style>" + "\n".join((ASSETS / name).read_text(encoding="utf-8") for name in files) + "</style>"


def init_state() -> None:
    defaults = {"ui_lang": "fa", "page": "chat", "history": [], "conversation": Conversation(), "focus": None,
                "table_focus": None, "quiz_seed": 1, "quiz_index": 0, "quiz_checked": False, "quiz_results": [],
                "card_index": 0}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def navigation() -> None:
    """The page picker; `page` is plain state, so a language switch keeps it and `goto` can move it."""
    key, remember = keyed_per_language("nav", "page", st.session_state.page)
    names = {page: t(page) for page in PAGES}
    st.radio(t("nav"), list(PAGES), format_func=names.get, key=key, on_change=remember)


def main() -> None:
    st.set_page_config(page_title="City diplomacy · دیپلماسی شهری", page_icon="🏙️", layout="wide")
    init_state()
    st.markdown(page_style(ui_lang()), unsafe_allow_html=True)
    with st.sidebar:
        st.radio("Language / زبان", ["fa", "en"], format_func={"fa": "فارسی", "en": "English"}.get,
                 key="ui_lang", horizontal=True)
        navigation()
        if st.session_state.page == "chat" and st.session_state.history:
            st.button(t("clear"), on_click=clear_chat, key="clear-chat")
            st.download_button(t("export"), export_markdown(), file_name="city-diplomacy-chat.md",
                               mime="text/markdown", key="export-chat")
    st.title(t("title"))
    try:
        with st.spinner(t("loading")):
            get_assistant()
    except (EmbedderError, CorpusError) as exc:
        st.error(str(exc))
        return
    try:
        PAGES[st.session_state.page]()
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        if type(exc).__name__ in ("RerunException", "StopException"):
            raise
        st.error(f"{t('error')} ({type(exc).__name__})")


main()
