"""Table 2: the 26 ties with filters, counts per era and continent, and the cited rows highlighted."""
from __future__ import annotations

import streamlit as st

from app.charts import agreements_frame, counts_chart
from app.normalize import to_persian_digits
from app.views.common import column_headers, digits, get_assistant, t, take_scroll, ui_lang
from app.views.rows import rows_table, scroll_to

# filter → (column of the English frame used as its language-independent key, interface label)
FILTERS = {"era_id": "era", "continent": "continent", "country": "country", "document": "doctype"}


def choose_rows(keys, shown) -> list[int]:
    """The rows that pass the filters; the widgets hold language-independent keys, so a language switch keeps them."""
    columns = st.columns(len(FILTERS))
    chosen = keys
    for column, (field, label) in zip(columns, FILTERS.items()):
        values = sorted(keys[field].unique(), key=lambda v: keys[keys[field] == v].row.min())
        names = dict(zip(keys[field], shown[field if field != "era_id" else "era"]))
        picked = column.multiselect(t(label), values, format_func=names.get, key=f"filter_{field}",
                                    placeholder=t("any"))
        if picked:
            chosen = chosen[chosen[field].isin(picked)]
    years = list(range(int(keys.year_sh.min()), int(keys.year_sh.max()) + 1))
    shown_year = (lambda year: to_persian_digits(str(year))) if ui_lang() == "fa" else str  # (must not read state)
    low, high = st.select_slider(t("years"), years, value=(years[0], years[-1]), format_func=shown_year,
                                 key="filter_years")
    return list(chosen[chosen.year_sh.between(low, high)].row)


def page_table() -> None:
    corpus = get_assistant().corpus
    lang = ui_lang()
    frame = agreements_frame(corpus, lang=lang)
    keys = agreements_frame(corpus, lang="en")
    rows = choose_rows(keys, frame)
    shown = frame[frame.row.isin(rows)]
    st.caption(digits(f"{len(shown)} / {len(frame)} {t('rows')}"))
    focus = st.session_state.get("table_focus") or []
    st.markdown(rows_table(corpus, rows, column_headers(), lang, focus=set(focus), anchors=True),
                unsafe_allow_html=True)
    if focus and take_scroll():
        scroll_to(f"row-{min(focus)}")
    if not shown.empty:
        left, right = st.columns(2)
        for column, field, title in ((left, "era", t("per_era")), (right, "continent", t("per_continent"))):
            chart = counts_chart(shown, field, lang, title)
            column.altair_chart(chart, width="stretch", height=chart.height + 60)
