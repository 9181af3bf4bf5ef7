"""The paper's maps redrawn offline, and a timeline of the ties."""
from __future__ import annotations

import streamlit as st

from app.charts import era_label, timeline, world_map
from app.views.common import bidi, get_assistant, get_cities, t, ui_lang


def page_maps() -> None:
    corpus = get_assistant().corpus
    lang = ui_lang()
    era_ids = ["4-1-3", "4-1-4", "4-1-5", "4-1-6"]
    options = era_ids + ["all"]
    labels = {e: era_label(corpus.era_by_id[e], lang) for e in era_ids} | {"all": t("all_eras")}
    choice = st.radio(t("map_era"), options, format_func=labels.get, horizontal=True, index=4, key="map_era")
    chosen = era_ids if choice == "all" else [choice]
    captions = [p for p in corpus.paragraphs if p.kind == "caption" and p.en.startswith("Map ")]
    caption = next((p for p in captions if (choice == "all" and p.en.startswith("Map 5")) or
                    (choice != "all" and p.section == choice)), None)
    if caption:
        st.markdown(bidi(caption.fa if lang == "fa" else caption.en, lang=lang), unsafe_allow_html=True)
    st.altair_chart(world_map(corpus, get_cities(), chosen, lang), width="stretch")
    st.caption(t("map_note"))
    st.subheader(t("timeline"))
    st.altair_chart(timeline(corpus, lang), width="stretch")


