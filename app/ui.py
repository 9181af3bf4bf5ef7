"""Streamlit UI: read the paper and browse Table 2. (`python -m streamlit run app/ui.py`)"""
from __future__ import annotations

import sys
from pathlib import Path

if __package__ in (None, ""):  # started by `streamlit run app/ui.py`: make `app` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from app.corpus import Corpus, load_corpus

RTL = "direction: rtl; text-align: right; unicode-bidi: plaintext;"


@st.cache_resource
def get_corpus() -> Corpus:
    return load_corpus()


def show_paper(corpus: Corpus) -> None:
    labels = {s.id: f"{s.id} · {s.title_fa} — {s.title_en}" for s in corpus.sections}
    section_id = st.selectbox("Section / بخش", list(labels), format_func=labels.get)
    mode = st.radio("Language / زبان", ["فارسی", "English", "Both / هر دو"], horizontal=True)
    for p in corpus.section_paragraphs(section_id):
        if mode == "Both / هر دو":
            left, right = st.columns(2)
            left.markdown(f"`{p.id}` {p.en}")
            with right:
                st.html(f'<div dir="rtl" style="{RTL}"><code>{p.id}</code> {_escape(p.fa)}</div>')
        elif mode == "English":
            st.markdown(f"`{p.id}` {p.en}")
        else:
            st.html(f'<div dir="rtl" style="{RTL}"><code>{p.id}</code> {_escape(p.fa)}</div>')


def _escape(text: str) -> str:
    import html

    return html.escape(text)


def show_table(corpus: Corpus) -> None:
    rows = [{"row": a.row, "date (SH)": a.date_as_printed, "date (CE)": a.date_gregorian, "city": a.city_en,
             "شهر": a.city_fa, "country": a.country_en, "continent": a.continent,
             "document": a.doc_type_en, "نوع سند": a.doc_type_fa,
             "era": corpus.era_by_id[a.era_id].short_en[0]} for a in corpus.agreements]
    st.dataframe(rows, hide_index=True, use_container_width=True)


def main() -> None:
    st.set_page_config(page_title="City diplomacy & Tehran's sister cities", layout="wide")
    st.title("City diplomacy and Tehran's sister cities · دیپلماسی شهری و خواهرشهرهای تهران")
    corpus = get_corpus()
    paper_tab, table_tab = st.tabs(["Paper / مقاله", "Table 2 / جدول ۲"])
    with paper_tab:
        show_paper(corpus)
    with table_tab:
        show_table(corpus)


main()
