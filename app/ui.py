"""The Streamlit study app: `python -m streamlit run app/ui.py`.

A thin shell over `Assistant`: chat with cited answers, the paper, Table 2, the maps and timeline,
and a study mode. Every text that comes from a user or from the corpus is HTML-escaped before it is
wrapped in direction-aware markup.
"""
from __future__ import annotations

import html
import sys
from datetime import datetime
from pathlib import Path

if __package__ in (None, ""):  # started by `streamlit run app/ui.py`: make `app` importable
    sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import streamlit as st

from app.assistant import MAX_QUESTION_CHARS, Assistant, QuestionError
from app.charts import agreements_frame, counts_chart, era_label, timeline, world_map
from app.conversation import Conversation
from app.corpus import CorpusError, load_cities
from app.embedding import EmbedderError
from app.normalize import detect_lang, to_persian_digits
from app.study import flashcards, make_quiz

LABELS = {
    "en": {
        "title": "City diplomacy & Tehran's sister cities", "subtitle":
            "A study assistant for Ghourchi & Kavianirad's paper on city diplomacy and Iran's foreign policy. "
            "Ask in English or Persian; every answer cites the paper.",
        "nav": "Go to", "chat": "Ask", "paper": "Read the paper", "table": "Agreements (Table 2)",
        "maps": "Maps & timeline", "study": "Study", "language": "Interface language",
        "placeholder": "Ask about the paper in English or Persian…",
        "limit": f"Questions up to {MAX_QUESTION_CHARS} characters.", "starters": "Try one of these:",
        "clear": "Clear chat", "export": "Export chat (Markdown)", "sources": "Sources",
        "loading": "Preparing the search index (the first start builds it; about 20 seconds)…",
        "abstained": "Not in the paper", "open_paper": "Read this section", "open_table": "Show in Table 2",
        "section": "Section", "mode": "Show", "both": "Both side by side", "search": "Search the paper",
        "results": "Results", "no_results": "Nothing found.", "era": "Era", "continent": "Continent",
        "country": "Country", "doctype": "Document type", "years": "Years (SH)", "rows": "ties shown",
        "per_era": "Ties per era", "per_continent": "Ties per continent", "map_era": "Era",
        "all_eras": "All four eras (Map 5)", "timeline": "Timeline of the ties, 1373–1396 SH (1994–2018)",
        "quiz": "Quiz", "cards": "Flashcards", "new_quiz": "New quiz", "check": "Check", "next": "Next question",
        "correct": "Correct!", "wrong": "Not quite. The answer is:", "score": "Score", "review": "Review your mistakes",
        "done": "Quiz finished.", "show": "Show the answer", "prev_card": "Previous", "next_card": "Next",
        "card": "Card", "error": "Something went wrong; please try again.", "map_note":
            "Redrawn from Table 2 (the extracted text lost the paper's map images). Coordinates: corpus/cities.csv.",
        "highlight": "Cited sentence highlighted", "persian": "Persian", "english": "English", "any": "Any",
    },
    "fa": {
        "title": "دیپلماسی شهری و خواهرشهرهای تهران", "subtitle":
            "دستیار مطالعه مقاله قورچی و کاویانی‌راد درباره دیپلماسی شهری و سیاست خارجی ایران. "
            "به فارسی یا انگلیسی بپرسید؛ هر پاسخ به متن مقاله ارجاع می‌دهد.",
        "nav": "بخش‌ها", "chat": "پرسش و پاسخ", "paper": "خواندن مقاله", "table": "پیوندها (جدول ۲)",
        "maps": "نقشه‌ها و خط زمان", "study": "مرور و آزمون", "language": "زبان رابط",
        "placeholder": "پرسش خود را درباره مقاله به فارسی یا انگلیسی بنویسید…",
        "limit": f"پرسش حداکثر {to_persian_digits(str(MAX_QUESTION_CHARS))} نویسه.", "starters": "نمونه پرسش‌ها:",
        "clear": "پاک کردن گفتگو", "export": "دریافت گفتگو (Markdown)", "sources": "منابع",
        "loading": "در حال آماده‌سازی نمایه جستجو (بار اول ساخته می‌شود؛ حدود ۲۰ ثانیه)…",
        "abstained": "در مقاله نیست", "open_paper": "خواندن این بخش", "open_table": "نمایش در جدول ۲",
        "section": "بخش", "mode": "نمایش", "both": "هر دو کنار هم", "search": "جستجو در مقاله",
        "results": "نتایج", "no_results": "چیزی یافت نشد.", "era": "دوره", "continent": "قاره",
        "country": "کشور", "doctype": "نوع سند", "years": "سال‌ها (شمسی)", "rows": "پیوند نمایش داده شده",
        "per_era": "پیوندها در هر دوره", "per_continent": "پیوندها در هر قاره", "map_era": "دوره",
        "all_eras": "هر چهار دوره (نقشه ۵)", "timeline": "خط زمان پیوندها، ۱۳۷۳ تا ۱۳۹۶ (۱۹۹۴ تا ۲۰۱۸)",
        "quiz": "آزمون", "cards": "کارت‌های مرور", "new_quiz": "آزمون تازه", "check": "بررسی", "next": "پرسش بعدی",
        "correct": "درست است!", "wrong": "نه کاملاً. پاسخ درست:", "score": "امتیاز", "review": "مرور اشتباه‌ها",
        "done": "آزمون تمام شد.", "show": "نمایش پاسخ", "prev_card": "قبلی", "next_card": "بعدی",
        "card": "کارت", "error": "خطایی پیش آمد؛ لطفاً دوباره تلاش کنید.", "map_note":
            "بازسازی‌شده از جدول ۲ (تصویر نقشه‌ها در متن استخراج‌شده نیست). مختصات: corpus/cities.csv.",
        "highlight": "جمله مورد استناد برجسته شده است", "persian": "فارسی", "english": "انگلیسی", "any": "همه",
    },
}
STARTERS = {
    "en": ["Which ties were formed under the détente era?", "What is city diplomacy?",
           "What are the six conditions for a successful sister-city relationship?",
           "Which era formed the most sister-city ties for Tehran?"],
    "fa": ["پیوند با مسکو در کدام دولت امضا شد؟", "در دوره تقابل چند پیوند خواهرشهری ایجاد شد و با کدام شهرها؟",
           "آیا پاریس خواهرشهر تهران است؟", "روش تحقیق این مقاله چیست؟"],
}
PAGES = ("chat", "paper", "table", "maps", "study")
CSS = """
<style>
:root { --fa-font: "Vazirmatn", "Noto Sans Arabic", "Noto Naskh Arabic", "Segoe UI", Tahoma, "DejaVu Sans", sans-serif; }
.bidi { unicode-bidi: plaintext; line-height: 1.9; }
.bidi[dir="rtl"] { text-align: right; font-family: var(--fa-font); }
.bidi[dir="ltr"] { text-align: left; }
.para { padding: .35rem .6rem; border-radius: .4rem; margin-bottom: .35rem; }
.para.focus { background: #fff7d6; border: 1px solid #f1d36b; }
.pid { font-size: .75rem; color: #667; background: #eef1f5; border-radius: .3rem; padding: 0 .35rem; margin: 0 .25rem; unicode-bidi: isolate; direction: ltr; display: inline-block; }
mark { background: #ffe58a; padding: 0 .1rem; border-radius: .2rem; }
.app-rtl [data-testid="stMarkdownContainer"] p { font-family: var(--fa-font); }
.answer-note { font-size: .8rem; color: #8a5a00; }
ul.ties { margin: .2rem 0 .2rem 0; padding-inline-start: 1.3rem; }
ul.ties li { unicode-bidi: plaintext; margin-bottom: .1rem; }
</style>
"""
# In the Persian interface the whole page reads right to left; charts and tables keep their own layout.
RTL_CSS = """
<style>
.stApp, [data-testid="stSidebar"] { direction: rtl; }
.stApp p, .stApp label, .stApp li, .stApp h1, .stApp h2, .stApp h3, [data-testid="stExpander"] summary,
[data-testid="stCaptionContainer"] { font-family: var(--fa-font); }
/* every line finds its own direction: English starter questions and answers stay left-to-right */
.stApp p, .stApp label, .stApp li, [data-testid="stExpander"] summary p, .stApp button p,
[data-testid="stCaptionContainer"] p { unicode-bidi: plaintext; text-align: start; }
[data-testid="stVegaLiteChart"], [data-testid="stDataFrame"], .vega-embed, [data-testid="stArrowVegaLiteChart"] { direction: ltr; }
[data-testid="stChatInput"] textarea { direction: rtl; font-family: var(--fa-font); }
</style>
"""


def t(key: str) -> str:
    return LABELS[st.session_state.get("ui_lang", "fa")][key]


def ui_lang() -> str:
    return st.session_state.get("ui_lang", "fa")


def digits(text: str) -> str:
    return to_persian_digits(text) if ui_lang() == "fa" else text


def bidi(text: str, css_class: str = "", lang: str | None = None) -> str:
    """Escaped text in a block that takes its own direction (Persian right-aligned, English left)."""
    direction = "rtl" if (lang or detect_lang(text)) == "fa" else "ltr"
    return f'<div class="bidi {css_class}" dir="{direction}">{html.escape(text)}</div>'


def highlighted(text: str, spans: list[list[int]], lang: str, pid: str = "", focus: bool = False) -> str:
    """A paragraph with the given character spans wrapped in <mark>, everything escaped."""
    parts, cursor = [], 0
    for start, end in sorted(spans or []):
        if start < cursor or end > len(text):
            continue
        parts.append(html.escape(text[cursor:start]))
        parts.append(f"<mark>{html.escape(text[start:end])}</mark>")
        cursor = end
    parts.append(html.escape(text[cursor:]))
    direction = "rtl" if lang == "fa" else "ltr"
    badge = f'<span class="pid">{html.escape(pid)}</span>' if pid else ""
    return (f'<div class="bidi para{" focus" if focus else ""}" dir="{direction}">{badge}'
            f'{"".join(parts)}</div>')


@st.cache_resource(show_spinner=False)
def get_assistant() -> Assistant:
    """One Assistant (corpus, index, model) for every browser session; conversations live per session."""
    return Assistant()


@st.cache_resource(show_spinner=False)
def get_cities():
    return load_cities()


# ----------------------------------------------------------------------------- state

def init_state() -> None:
    defaults = {"ui_lang": "fa", "page": "chat", "history": [], "conversation": Conversation(), "focus": None,
                "table_focus": None, "quiz_seed": 1, "quiz_index": 0, "quiz_checked": False, "quiz_results": [],
                "card_index": 0}
    for key, value in defaults.items():
        st.session_state.setdefault(key, value)


def goto(page: str, focus: str | None = None, table_focus: int | None = None) -> None:
    st.session_state.page = page
    if focus:
        st.session_state.focus = focus
        st.session_state.paper_section = focus.split(".")[0] if not focus.startswith("table") else \
            {"table1": "3-2", "table2": "4-2"}[focus.split(".")[0]]
    st.session_state.table_focus = table_focus


def clear_chat() -> None:
    st.session_state.history = []
    st.session_state.conversation = Conversation()


# ----------------------------------------------------------------------------- chat

def citation_label(number: int, citation: dict) -> str:
    if citation["kind"] == "table":
        # (no middle dot in Persian: beside Persian digits it reads as a zero, «۰»)
        label = f"جدول ۲، ردیف {citation['row']}" if ui_lang() == "fa" else f"Table 2 · row {citation['row']}"
    elif citation["kind"] == "section":
        label = f"بخش {citation['section']}" if ui_lang() == "fa" else f"§{citation['section']}"
    else:
        paragraph = citation["paragraph"] or ""
        label = (f"بخش {citation['section']}، بند {paragraph.split('.', 1)[-1]}" if ui_lang() == "fa"
                 else f"§{citation['section']} ¶{paragraph.split('.', 1)[-1]}")
        if paragraph.startswith("table1"):
            label = f"جدول ۱، بند {paragraph.split('.')[1]}" if ui_lang() == "fa" else f"Table 1 · item {paragraph.split('.')[1]}"
    return digits(f"[{number}] {label}")


def show_citation(citation: dict, key: str) -> None:
    assistant = get_assistant()
    if citation["kind"] == "table":
        frame = agreements_frame(assistant.corpus, lang=ui_lang())
        st.dataframe(frame.drop(columns=["start", "family", "era_id", "year_sh"]).style.apply(
            lambda row: ["background-color: #fff3b0" if row["row"] == citation["row"] else "" for _ in row], axis=1),
            hide_index=True, height=260, width="stretch")
        st.button(t("open_table"), key=f"{key}-table", on_click=goto, args=("table", None, citation["row"]))
        return
    if citation["kind"] == "section":
        section = assistant.corpus.section_by_id[citation["section"]]
        st.markdown(bidi(f"{section.id} {section.title_fa}", lang="fa") + bidi(section.title_en, lang="en"),
                    unsafe_allow_html=True)
        first = assistant.corpus.section_paragraphs(section.id)
        if first:
            st.button(t("open_paper"), key=f"{key}-sec", on_click=goto, args=("paper", first[0].id))
        return
    section = assistant.corpus.section_by_id[citation["section"]]
    st.caption(digits(f"{t('section')} {section.id}: {section.title_fa} / {section.title_en} — {t('highlight')}"))
    fa_column, en_column = st.columns(2)
    with fa_column:
        st.markdown(highlighted(citation["text"], citation.get("highlight", {}).get("fa"), "fa", citation["paragraph"]),
                    unsafe_allow_html=True)
    with en_column:
        st.markdown(highlighted(citation["text_en"], citation.get("highlight", {}).get("en"), "en",
                                citation["paragraph"]), unsafe_allow_html=True)
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
    lines = "".join(f"<li>{html.escape(i['text'])}</li>" for i in listed)
    notes = "".join(f'<div class="bidi" dir="{direction}">{html.escape(n)}</div>' for n in answer.get("notes", []))
    return (f'<div class="bidi" dir="{direction}">{html.escape(answer["lead"])}'
            f'<ul class="ties" dir="{direction}">{lines}</ul></div>{notes}')


def show_answer(answer: dict, index: int) -> None:
    note = ""
    if answer.get("abstained"):
        note = f'<div class="answer-note">{html.escape(t("abstained"))}</div>'
    st.markdown(note + answer_html(answer), unsafe_allow_html=True)
    citations = answer.get("citations", [])[:8]
    if citations:
        st.caption(t("sources"))
    for number, citation in enumerate(citations, 1):
        with st.expander(citation_label(number, citation)):
            show_citation(citation, f"c{index}-{number}")


def ask(question: str) -> None:
    """Ask the shared Assistant within this session's conversation; errors become messages."""
    lang = detect_lang(question) if question.strip() else ui_lang()
    try:
        answer = get_assistant().ask(question, st.session_state.conversation).to_dict()
    except QuestionError as exc:
        st.session_state.history.append({"role": "user", "text": question[:MAX_QUESTION_CHARS] + (
            "…" if len(question) > MAX_QUESTION_CHARS else "")})
        st.session_state.history.append({"role": "error", "text": exc.message(ui_lang() if not question.strip()
                                                                               else lang)})
        return
    st.session_state.history.append({"role": "user", "text": question})
    st.session_state.history.append({"role": "assistant", "answer": answer})


def export_markdown() -> str:
    lines = [f"# {t('title')}", "", f"_{datetime.now():%Y-%m-%d %H:%M}_", ""]
    for item in st.session_state.history:
        if item["role"] == "user":
            lines += [f"**Q:** {item['text']}", ""]
        elif item["role"] == "error":
            lines += [f"> {item['text']}", ""]
        else:
            answer = item["answer"]
            lines += [f"**A:** {answer['answer']}", ""]
            for number, citation in enumerate(answer["citations"][:8], 1):
                label = citation_label(number, citation)
                text = citation.get("text_en" if answer["lang"] == "en" else "text") or ""
                lines.append(f"- {label}: {text}")
            lines.append("")
    return "\n".join(lines)


def page_chat() -> None:
    history = st.session_state.history
    if not history:
        st.markdown(bidi(t("subtitle"), lang=ui_lang()), unsafe_allow_html=True)
        st.caption(t("starters"))
        columns = st.columns(2)
        for n, question in enumerate(STARTERS["fa"] + STARTERS["en"]):
            columns[n % 2].button(question, key=f"starter-{n}", on_click=ask, args=(question,),
                                  width="stretch")
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
    question = st.chat_input(t("placeholder"), max_chars=MAX_QUESTION_CHARS)
    st.caption(t("limit"))
    if question is not None:
        ask(question)
        st.rerun()


# ----------------------------------------------------------------------------- paper

def page_paper() -> None:
    corpus = get_assistant().corpus
    labels = {s.id: f"{s.id}  {s.title_fa} — {s.title_en}" for s in corpus.sections}
    st.session_state.setdefault("paper_section", "abstract")
    left, right = st.columns([3, 2])
    labels = {key: digits(label) for key, label in labels.items()}  # format functions must not read state
    section_id = left.selectbox(t("section"), list(labels), format_func=labels.get,
                                key="paper_section")
    modes = {"fa": t("persian"), "en": t("english"), "both": t("both")}
    mode = right.segmented_control(t("mode"), list(modes), format_func=modes.get, default="both", key="paper_mode") \
        or "both"
    query = st.text_input(t("search"), key="paper_search", max_chars=MAX_QUESTION_CHARS)
    if query.strip():
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
            st.markdown(bidi(f"{chunk.section} · {text[:220]}{'…' if len(text) > 220 else ''}"),
                        unsafe_allow_html=True)
            if chunk.paragraph:
                st.button(digits(f"→ {chunk.paragraph}"), key=f"hit-{n}", on_click=goto, args=("paper", chunk.paragraph))
        st.divider()
    focus = st.session_state.get("focus")
    section = corpus.section_by_id[section_id]
    title = {"fa": section.title_fa, "en": section.title_en}.get(mode, f"{section.title_fa} / {section.title_en}")
    st.subheader(digits(f"{section.id}  {title}"))
    for paragraph in corpus.section_paragraphs(section_id):
        is_focus = paragraph.id == focus
        if mode == "both":
            fa_column, en_column = st.columns(2)
            fa_column.markdown(highlighted(paragraph.fa, [], "fa", paragraph.id, is_focus), unsafe_allow_html=True)
            en_column.markdown(highlighted(paragraph.en, [], "en", paragraph.id, is_focus), unsafe_allow_html=True)
        else:
            text = paragraph.fa if mode == "fa" else paragraph.en
            st.markdown(highlighted(text, [], mode, paragraph.id, is_focus), unsafe_allow_html=True)
    children = [s for s in corpus.sections if s.parent == section_id]
    for child in children:
        st.button(digits(f"→ {child.id} {child.title_fa} · {child.title_en}"), key=f"child-{child.id}",
                  on_click=lambda c=child.id: st.session_state.update(paper_section=c))


# ----------------------------------------------------------------------------- table

def page_table() -> None:
    corpus = get_assistant().corpus
    lang = ui_lang()
    frame = agreements_frame(corpus, lang=lang)
    c1, c2, c3, c4 = st.columns(4)
    eras = c1.multiselect(t("era"), sorted(frame["era"].unique(), key=lambda e: frame[frame.era == e].row.min()),
                          key="filter_era", placeholder=t("any"))
    continents = c2.multiselect(t("continent"), sorted(frame["continent"].unique()), key="filter_continent", placeholder=t("any"))
    countries = c3.multiselect(t("country"), sorted(frame["country"].unique()), key="filter_country", placeholder=t("any"))
    documents = c4.multiselect(t("doctype"), sorted(frame["document"].unique()), key="filter_doc", placeholder=t("any"))
    low, high = int(frame.year_sh.min()), int(frame.year_sh.max())
    years = st.slider(t("years"), low, high, (low, high), key="filter_years")
    shown = frame[frame.year_sh.between(*years)]
    for column, chosen in (("era", eras), ("continent", continents), ("country", countries), ("document", documents)):
        if chosen:
            shown = shown[shown[column].isin(chosen)]
    st.caption(digits(f"{len(shown)} / {len(frame)} {t('rows')}"))
    names = {"row": "#" if lang == "en" else "ردیف", "date_sh": "Date (SH)" if lang == "en" else "تاریخ شمسی",
             "date_ce": "Date (CE)" if lang == "en" else "تاریخ میلادی", "city": "City" if lang == "en" else "شهر",
             "country": t("country"), "continent": t("continent"), "document": t("doctype"), "era": t("era")}
    focus = st.session_state.get("table_focus")
    view = shown[list(names)].rename(columns=names)
    styled = view.style.apply(lambda row: ["background-color: #fff3b0" if row.iloc[0] == focus else ""
                                           for _ in row], axis=1)
    st.dataframe(styled, hide_index=True, width="stretch", key="agreements_table")
    if not shown.empty:
        left, right = st.columns(2)
        for column, field, title in ((left, "era", t("per_era")), (right, "continent", t("per_continent"))):
            chart = counts_chart(shown, field, lang, title)
            column.altair_chart(chart, width="stretch", height=chart.height + 60)


# ----------------------------------------------------------------------------- maps

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


# ----------------------------------------------------------------------------- study

def new_quiz() -> None:
    st.session_state.quiz_seed += 1
    st.session_state.quiz_index = 0
    st.session_state.quiz_checked = False
    st.session_state.quiz_results = []


def page_study() -> None:
    corpus = get_assistant().corpus
    lang = ui_lang()
    quiz_tab, cards_tab = st.tabs([t("quiz"), t("cards")])
    with quiz_tab:
        quiz = make_quiz(corpus, lang, count=10, seed=st.session_state.quiz_seed)
        results = st.session_state.quiz_results
        index = st.session_state.quiz_index
        st.caption(digits(f"{t('score')}: {sum(results)} / {len(results)}"))
        if index >= len(quiz):
            st.success(digits(f"{t('done')} {t('score')}: {sum(results)} / {len(quiz)}"))
            mistakes = [(q, ok) for q, ok in zip(quiz, results) if not ok]
            if mistakes:
                st.markdown(f"**{t('review')}**")
                for q, _ in mistakes:
                    st.markdown(bidi(q.prompt, lang=lang) + bidi(f"✓ {q.options[q.answer]} — {q.explanation}",
                                                                 lang=lang), unsafe_allow_html=True)
            st.button(t("new_quiz"), on_click=new_quiz, key="quiz-new-end")
        else:
            question = quiz[index]
            st.markdown(bidi(digits(f"{index + 1}. ") + question.prompt, lang=lang), unsafe_allow_html=True)
            shown = [to_persian_digits(o) if lang == "fa" else o for o in question.options]
            choice = st.radio(" ", range(len(question.options)), format_func=shown.__getitem__,
                              index=None, key=f"quiz-{st.session_state.quiz_seed}-{index}",
                              label_visibility="collapsed", disabled=st.session_state.quiz_checked)
            if not st.session_state.quiz_checked:
                if st.button(t("check"), key="quiz-check", disabled=choice is None):
                    st.session_state.quiz_checked = True
                    st.session_state.quiz_results.append(choice == question.answer)
                    st.rerun()
            else:
                if results and results[-1]:
                    st.success(f"{t('correct')} {question.explanation}")
                else:
                    st.error(f"{t('wrong')} {question.options[question.answer]}. {question.explanation}")
                if st.button(t("next"), key="quiz-next"):
                    st.session_state.quiz_index += 1
                    st.session_state.quiz_checked = False
                    st.rerun()
            st.button(t("new_quiz"), on_click=new_quiz, key="quiz-new")
    with cards_tab:
        cards = flashcards(corpus, lang)
        index = st.session_state.card_index % len(cards)
        card = cards[index]
        st.caption(digits(f"{t('card')} {index + 1} / {len(cards)} · {card.source}"))
        st.markdown(bidi(card.front, lang=detect_lang(card.front)), unsafe_allow_html=True)
        if st.toggle(t("show"), key=f"card-show-{index}"):
            st.markdown(bidi(card.back, lang=detect_lang(card.back)), unsafe_allow_html=True)
        left, right = st.columns(2)
        left.button(t("prev_card"), key="card-prev",
                    on_click=lambda: st.session_state.update(card_index=st.session_state.card_index - 1))
        right.button(t("next_card"), key="card-next",
                     on_click=lambda: st.session_state.update(card_index=st.session_state.card_index + 1))


# ----------------------------------------------------------------------------- shell

def main() -> None:
    st.set_page_config(page_title="City diplomacy · دیپلماسی شهری", page_icon="🏙️", layout="wide")
    init_state()
    st.markdown(CSS + (RTL_CSS if ui_lang() == "fa" else ""), unsafe_allow_html=True)
    with st.sidebar:
        st.radio("Language / زبان", ["fa", "en"], format_func={"fa": "فارسی", "en": "English"}.get,
                 key="ui_lang", horizontal=True)
        names = {p: t(p) for p in PAGES}
        st.radio(t("nav"), PAGES, format_func=names.get, key="page")
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
    page = {"chat": page_chat, "paper": page_paper, "table": page_table, "maps": page_maps, "study": page_study}
    try:
        page[st.session_state.page]()
    except Exception as exc:  # noqa: BLE001 - the page must never show a traceback
        if type(exc).__name__ in ("RerunException", "StopException"):
            raise
        st.error(f"{t('error')} ({type(exc).__name__})")


main()
