"""What every page of the app shares: interface text, digits, direction-aware markup, the shared
Assistant and navigation. Every text from a user or from the corpus is HTML-escaped here."""
from __future__ import annotations

import html
import json
import re
from collections.abc import Callable
from functools import cache
from pathlib import Path

import streamlit as st

from app.assistant import MAX_QUESTION_CHARS, Assistant
from app.corpus import FOOTNOTE_MARK, load_cities
from app.normalize import detect_lang, to_persian_digits
from app.study import cite_label

ASSETS = Path(__file__).resolve().parent.parent / "assets"
LANGS = ("fa", "en")


@cache
def labels() -> dict[str, dict[str, str]]:
    """Interface text per language, merged from `assets/labels/*.json`; a key may be defined once."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for path in sorted((ASSETS / "labels").glob("*.json")):
        data = json.loads(path.read_text(encoding="utf-8"))
        for lang in LANGS:
            clash = merged[lang].keys() & data[lang].keys()
            if clash:
                raise ValueError(f"{path.name}: labels defined twice: {sorted(clash)}")
            merged[lang].update(data[lang])
    if merged["fa"].keys() != merged["en"].keys():
        raise ValueError(f"labels missing in one language: {sorted(merged['fa'].keys() ^ merged['en'].keys())}")
    return merged


@cache
def starters() -> dict[str, list[str]]:
    return json.loads((ASSETS / "starters.json").read_text(encoding="utf-8"))


def ui_lang() -> str:
    return st.session_state.get("ui_lang", "fa")


def t(key: str) -> str:
    """The interface text `key` in the interface's language (digits already in its script)."""
    text = labels()[ui_lang()][key]
    return digits(text.replace("{max}", str(MAX_QUESTION_CHARS))) if "{max}" in text else text


def keyed_per_language(widget: str, state: str, shown: object,
                       to_state: Callable[[object], object] = lambda value: value) -> tuple[str, Callable[[], None]]:
    """For a widget whose labels change with the language (a page picker, tabs): its key in this language and
    the callback that copies its value to the language-independent `state`. The widget is set from `shown`
    (the state, as the widget shows it) before it is drawn, so a language switch keeps the choice and code
    can move it."""
    key = f"{widget}_{ui_lang()}"
    st.session_state[key] = shown

    def remember() -> None:
        st.session_state[state] = to_state(st.session_state.get(key))
    return key, remember


def sep() -> str:
    """A separator between two short items; no middle dot in Persian (beside Persian digits it reads as «۰»)."""
    return "، " if ui_lang() == "fa" else " · "


def digits(text: str) -> str:
    """Persian digits in the Persian interface."""
    return to_persian_digits(str(text)) if ui_lang() == "fa" else str(text)


# A section number or a range (۴-۱-۵, ۱۴–۱۸): after a Persian word the bidi algorithm would show its parts in
# reverse order («۵-۱-۴»), so it is isolated left to right.
NUMBER_RUN = re.compile(r"[0-9۰-۹]+(?:[-–][0-9۰-۹]+)+")


ISOLATABLE = re.compile("(?<![\u20660-9۰-۹–-])" + NUMBER_RUN.pattern)  # not yet isolated


def isolate_numbers(text: str) -> str:
    """Plain text (labels, buttons) with each section number or range in a left-to-right isolate."""
    return ISOLATABLE.sub(lambda m: f"\u2066{m.group(0)}\u2069", text)


def cite_label_for(cite: str, lang: str | None = None) -> str:
    """A paragraph, sentence or section id as a reader says it («بخش ۳-۲، بند ۱» / "§3-2 ¶1", "Abstract ¶1",
    "Table 1, item 2"): `app.study.cite_label`'s wording, with the interface's digits and numbers isolated."""
    lang = lang or ui_lang()
    label = cite_label(get_assistant().corpus, cite, lang)
    return isolate_numbers(to_persian_digits(label)) if lang == "fa" else label


def section_label(section, lang: str | None = None) -> str:
    """A section's number (if it has one) and title in the interface's language."""
    fa = (lang or ui_lang()) == "fa"
    title = section.title_fa if fa else section.title_en
    if not section.id[0].isdigit():  # front matter, abstract: their title is their name
        return title
    return f"{isolate_numbers(to_persian_digits(section.id)) if fa else section.id}  {title}"


def footnote(mark: str, lang: str) -> str:
    """A footnote reference of the paper ([^3-3.fn1]) as a superscript number."""
    number = mark.rsplit("fn", 1)[-1].rstrip("]")
    return f'<sup class="fn">{to_persian_digits(number) if lang == "fa" else number}</sup>'


def bidi(text: str, css_class: str = "", lang: str | None = None) -> str:
    """Escaped text in a block that takes its own direction (Persian right-aligned, English left)."""
    lang = lang or detect_lang(text)
    direction = "rtl" if lang == "fa" else "ltr"
    return f'<div class="bidi {css_class}" dir="{direction}">{escaped(text, lang)}</div>'


# A Latin run inside Persian text (a citation "(Mach & Cizo, 2015: 5)", a URL), after escaping
ISOLATED_RUN = re.compile(FOOTNOTE_MARK.pattern + "|" + NUMBER_RUN.pattern + "|" + r"\(?(?<![\w.-])[A-Za-z][A-Za-z0-9 .,:;/&'’_=?%-]*[A-Za-z0-9)]\)?")


def escaped(text: str, lang: str) -> str:
    """Escaped text with the paper's footnote references ([^3-3.fn1]) as superscript numbers; in Persian, each
    Latin run (a citation "(Mach & Cizo, 2015: 5)", a URL) and each section number or range isolated (<bdi>),
    so that the right-to-left paragraph does not reorder its parts."""
    out, cursor = [], 0
    for run in (ISOLATED_RUN if lang == "fa" else FOOTNOTE_MARK).finditer(text):
        out.append(html.escape(text[cursor:run.start()], quote=False))
        if run.group(0).startswith("[^"):
            out.append(footnote(run.group(0), lang))
        else:
            out.append(f'<bdi dir="ltr">{html.escape(run.group(0), quote=False)}</bdi>')
        cursor = run.end()
    return "".join(out) + html.escape(text[cursor:], quote=False)


def highlighted(text: str, spans: list[list[int]], lang: str, pid: str = "", focus: bool = False,
                anchor: bool = False) -> str:
    """A paragraph with the given character spans wrapped in <mark>, everything escaped; `anchor` gives it the
    id `p-<pid>` to scroll to."""
    parts, cursor = [], 0
    for start, end in sorted(spans or []):
        if start < cursor or end > len(text):
            continue
        parts.append(escaped(text[cursor:start], lang))
        parts.append(f"<mark>{escaped(text[start:end], lang)}</mark>")
        cursor = end
    parts.append(escaped(text[cursor:], lang))
    direction = "rtl" if lang == "fa" else "ltr"
    badge = f'<span class="pid">{html.escape(cite_label_for(pid))}</span>' if pid else ""
    target = f' id="p-{html.escape(pid)}"' if anchor and pid else ""
    return (f'<div class="bidi para{" focus" if focus else ""}" dir="{direction}"{target}>{badge}'
            f'{"".join(parts)}</div>')


def column_headers() -> dict[str, str]:
    return {column: t(f"col_{column}") for column in ("row", "city", "country", "date_sh", "date_ce", "document",
                                                       "era")}


@st.cache_resource(show_spinner=False)
def get_assistant() -> Assistant:
    """One Assistant (corpus, index, model) for every browser session; conversations live per session."""
    return Assistant()


@st.cache_resource(show_spinner=False)
def get_cities():
    return load_cities()


def goto(page: str, focus: str | None = None, table_focus: list[int] | None = None) -> None:
    """Open `page`, optionally at a paragraph (`focus`) or at some Table 2 rows (`table_focus`); the page
    scrolls to it once (`scroll_pending`)."""
    st.session_state.page = page
    if focus:
        st.session_state.focus = focus
        st.session_state.paper_section = focus.split(".")[0] if not focus.startswith("table") else \
            {"table1": "3-2", "table2": "4-2"}[focus.split(".")[0]]
    st.session_state.table_focus = list(table_focus or [])
    st.session_state.scroll_pending = bool(focus or table_focus)


def take_scroll() -> bool:
    """True once after `goto` asked for a scroll (so a later rerun of the page does not jump again)."""
    pending = st.session_state.get("scroll_pending", False)
    st.session_state.scroll_pending = False
    return pending
