"""Study mode: a profile that keeps progress, the quiz, flashcards scheduled with FSRS, practice exams,
what to study next and a study guide per section.

Widget keys never depend on the interface language, so a switch of language keeps every answer and card.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from typing import Any

import streamlit as st

from app.cards import RATINGS, StudyCard, deck, queue, review
from app.corpus import Corpus
from app.exam import (KINDS, LENGTHS, MAX_OPEN_CHARS, ExamSpec, Grade, Question, grade, make_exam, pool_sections,
                      question_by_id, records, score_by)
from app.guide import Guide, build_guide, guide_markdown, guide_sections
from app.normalize import persian_digits_outside_citations
from app.progress import (NAME_MAX, AnswerRecord, Area, MemoryStore, Store, StoreError, class_mode, clean_name,
                          db_path, now_utc, valid_key, weak_areas)
from app.study import (QUIZ_LENGTHS, QuizQuestion, cite_label, cite_text, era_label, make_quiz, numbers_line, phrase,
                       plain, quiz_place, settings)
from app.views.common import bidi, digits, get_assistant, isolate_numbers, keyed_per_language, sep, t, ui_lang

KEY_PARAM = "student"  # the URL query parameter that holds the profile key
MAX_BLANK_CHARS = 100
Progress = Store  # the file's, or (MemoryStore) the session's own when there is no file to use


def show(text: str) -> str:
    """Text for the current interface: Persian digits in Persian (not inside Latin source references)."""
    return persian_digits_outside_citations(text) if ui_lang() == "fa" else text


def html(text: str) -> str:
    """Escaped, direction-aware block; line breaks kept."""
    return bidi(show(text), lang=ui_lang()).replace("\n", "<br>")


def plain_label(text: str) -> str:
    """User text (a profile name) for a label or caption, which Streamlit reads as Markdown: shown as typed."""
    return re.sub(r"([\\`*_{}\[\]()<>#+\-.!|:~$])", r"\\\1", text)


def points(value: float) -> str:
    """A score with one decimal: "2.5", «۲٫۵» (the Persian decimal separator)."""
    text = f"{value:.1f}"
    return digits(text.replace(".", "٫")) if ui_lang() == "fa" else text


def labels_of(values: Iterable, label: Callable[[Any], str]) -> Callable[[Any], str | None]:
    """A format_func that does not read session state (AppTest calls it outside the script run)."""
    return {value: label(value) for value in values}.get


def cite(corpus: Corpus, cite_id: str) -> str:
    """A citation as the interface shows it: «بخش ۳-۴، بند ۳» with the section number kept in order."""
    return isolate_numbers(digits(cite_label(corpus, cite_id, ui_lang())))


# ---------------------------------------------------------------- profile and store

def _defaults() -> None:
    for key, value in {"quiz_len": 10, "card_shown": None, "cards_terms": False, "exam": None, "exam_seed": 0,
                       "exam_len": 10, "exam_kinds": list(KINDS), "store_failed": None}.items():
        st.session_state.setdefault(key, value)
    if "study_memory" not in st.session_state:
        st.session_state.study_memory = MemoryStore()


def _fail(error: StoreError) -> None:
    """Remember that the file cannot be used (from now on this session keeps progress in memory), or, when it
    was only busy, say once that this step was not saved."""
    if error.reason == "busy":
        st.session_state.store_notice = (error.reason, str(error.path))
    else:
        st.session_state.store_failed = (error.reason, str(error.path))


def open_store(create: bool = False) -> Store | None:
    """The progress database, checked once per session; None when it does not exist yet (and `create` is False)
    or cannot be used."""
    if st.session_state.store_failed:
        return None
    path, mode = db_path(), class_mode()
    opened = st.session_state.get("study_store")
    if isinstance(opened, Store) and (opened.path, opened.class_mode) == (path, mode) and path.exists():
        return opened
    if not create and not path.exists():
        return None
    try:
        st.session_state.study_store = Store(path, mode)
    except StoreError as error:
        _fail(error)
        return None
    return st.session_state.study_store


def _memory() -> tuple[MemoryStore, str]:
    """The session's own unsaved profile, used until a saved one is chosen or when the file fails."""
    memory: MemoryStore = st.session_state.study_memory
    if "study_memory_key" not in st.session_state:
        st.session_state.study_memory_key = memory.create_profile("session").key
    return memory, st.session_state.study_memory_key


def _create_profile() -> None:
    try:
        name = clean_name(st.session_state.get("profile_name", ""))
    except ValueError:
        st.session_state.profile_message = "study_name_bad"
        return
    store = open_store(create=True)
    if store is None:
        return
    try:
        profile = store.create_profile(name)
    except ValueError:
        st.session_state.profile_message = "study_name_taken"
        return
    except StoreError as error:
        _fail(error)
        return
    st.query_params[KEY_PARAM] = profile.key
    st.session_state.profile_name = ""


def _pick_profile() -> None:
    key = st.session_state.get("profile_pick")
    if key:
        st.query_params[KEY_PARAM] = key


def _sign_out() -> None:
    st.query_params.pop(KEY_PARAM, None)
    st.session_state.profile_pick = None


def _db_message() -> None:
    """Why nothing is saved; the file's place only on a single machine (a class is not told where the server
    keeps its files)."""
    problem = st.session_state.store_failed or st.session_state.pop("store_notice", None)
    if problem:
        reason, path = problem
        st.warning(t(f"study_db_{reason}"))
        if not class_mode():
            st.caption(t("study_db_path").format(path=f"\u2066{path}\u2069"))


def _create_form() -> None:
    left, right = st.columns([3, 1], vertical_alignment="bottom")
    left.text_input(t("study_new_name"), key="profile_name", max_chars=NAME_MAX)
    right.button(t("study_create"), key="profile-create", on_click=_create_profile)
    message = st.session_state.pop("profile_message", None)
    if message:
        st.warning(t(message))


def _picker(store: Store | None) -> None:
    """Single-machine mode: the names on this machine."""
    try:
        profiles = store.profiles() if store is not None else []
    except StoreError as error:
        _fail(error)
        profiles = []
    if profiles:
        names = {p.key: p.name for p in profiles}
        st.selectbox(t("study_pick"), list(names), format_func=names.get, index=None, key="profile_pick",
                     on_change=_pick_profile)


def _no_profile_box(key: str | None, store: Store | None) -> None:
    """How to start saving: pick a name (single machine) or create a profile; an unknown address says so."""
    failed = bool(st.session_state.store_failed)
    if key and not failed:
        st.info(t("study_key_unknown"))
    st.caption(t("study_class_hint") if class_mode() else t("study_not_saved"))
    if not class_mode() and not failed:
        _picker(store)
    if not failed:
        _create_form()


def profile_box() -> tuple[Progress, str]:
    """The profile block; returns (store, profile key) that progress is recorded under."""
    key = st.query_params.get(KEY_PARAM)
    store = open_store() if valid_key(key) or not class_mode() else None
    profile = _read(key, store.profile, None) if store is not None and valid_key(key) else None
    _db_message()
    title = t("study_profile") + (f"{sep()}{plain_label(profile.name)}" if profile else "")
    with st.expander(title, expanded=profile is None):
        if profile is None:
            _no_profile_box(key, store)
        else:
            st.caption(t("study_signed_in").format(name=plain_label(profile.name)))
            st.button(t("study_sign_out"), key="profile-sign-out", on_click=_sign_out)
    if profile is not None and not st.session_state.store_failed:
        return store, profile.key
    return _memory()


def save(store: Progress, key: str, write: str, *args: Any) -> None:
    """Run the store write `write` (a method name); when the file fails, the step is kept in this session's
    memory instead and a message says that nothing is saved (a busy file only loses this step)."""
    try:
        getattr(store, write)(key, *args)
    except StoreError as error:
        _fail(error)
        if error.reason != "busy":
            memory, memory_key = _memory()
            getattr(memory, write)(memory_key, *args)


def _read(key: str, action: Callable[[str], Any], default: Any) -> Any:
    """Run a store read; a failure gives `default` (and, for a bad file, a message)."""
    try:
        return action(key)
    except StoreError as error:
        _fail(error)
        return default
    except ValueError:  # no profile has this key (any more)
        return default


# ---------------------------------------------------------------- quiz

def new_quiz() -> None:
    """Start the quiz again with new questions."""
    st.session_state.quiz_seed += 1
    st.session_state.quiz_index = 0
    st.session_state.quiz_checked = False
    st.session_state.quiz_results = []


def _check_quiz(corpus: Corpus, store: Progress, key: str, question: QuizQuestion, choice: int) -> None:
    st.session_state.quiz_checked = True
    st.session_state.quiz_results.append(choice == question.answer)
    place = quiz_place(corpus, question)
    record = AnswerRecord(f"quiz:{question.kind}:{place['cite']}", "quiz", "choice", question.kind,
                          place["section"], place["era"], float(choice == question.answer), place["cite"])
    save(store, key, "record_answers", [record])


def _quiz_end(quiz: list[QuizQuestion], results: list[bool]) -> None:
    st.success(digits(f"{t('done')} {t('score')}: {sum(results)} / {len(quiz)}"))
    mistakes = [q for q, ok in zip(quiz, results) if not ok]
    if mistakes:
        st.markdown(f"**{t('review')}**")
        for q in mistakes:
            st.markdown(html(q.prompt) + html(f"✓ {q.options[q.answer]} — {q.explanation}"), unsafe_allow_html=True)
    st.button(t("new_quiz"), on_click=new_quiz, key="quiz-new-end")


def _quiz_question(corpus: Corpus, store: Progress, key: str, question: QuizQuestion, index: int) -> None:
    """One question; its answer is shown only after "Check"."""
    st.markdown(html(f"{index + 1}. {question.prompt}"), unsafe_allow_html=True)
    shown = [show(o) for o in question.options]
    choice = st.radio(" ", range(len(question.options)), format_func=shown.__getitem__, index=None,
                      key=f"quiz-{st.session_state.quiz_seed}-{index}", label_visibility="collapsed",
                      disabled=st.session_state.quiz_checked)
    if not st.session_state.quiz_checked:
        if st.button(t("check"), key="quiz-check", disabled=choice is None):
            _check_quiz(corpus, store, key, question, choice)
            st.rerun()
        return
    if st.session_state.quiz_results and st.session_state.quiz_results[-1]:
        st.success(show(f"{t('correct')} {question.explanation}"))
    else:
        st.error(show(f"{t('wrong')} {question.options[question.answer]}. {question.explanation}"))
    if st.button(t("next"), key="quiz-next"):
        st.session_state.quiz_index += 1
        st.session_state.quiz_checked = False
        st.rerun()


def quiz_tab(corpus: Corpus, store: Progress, key: str) -> None:
    """The quiz: one multiple-choice question at a time, the same in both languages."""
    st.radio(t("quiz_length"), QUIZ_LENGTHS, key="quiz_len", horizontal=True,
             format_func=labels_of(QUIZ_LENGTHS, digits), on_change=new_quiz)
    quiz = make_quiz(corpus, ui_lang(), count=st.session_state.quiz_len, seed=st.session_state.quiz_seed)
    results, index = st.session_state.quiz_results, st.session_state.quiz_index
    st.caption(digits(f"{t('score')}: {sum(results)} / {len(results)}"))
    if index >= len(quiz):
        _quiz_end(quiz, results)
        return
    _quiz_question(corpus, store, key, quiz[index], index)
    st.button(t("new_quiz"), on_click=new_quiz, key="quiz-new")


# ---------------------------------------------------------------- flashcards

def _rate(store: Progress, key: str, card_id: str, rating: str, state: str | None) -> None:
    now = now_utc()
    new_state, due = review(state, rating, now)
    save(store, key, "save_review", card_id, rating, new_state, due, now)
    st.session_state.card_shown = None


def _card(corpus: Corpus, store: Progress, key: str, card: StudyCard, states: dict[str, str]) -> None:
    """A card's front; its back and the four ratings after "Show the answer"."""
    lang = ui_lang()
    with st.container(border=True):
        st.caption(f"{t('study_source')}: {cite(corpus, card.cite)}")
        st.markdown(html(card.front[lang]), unsafe_allow_html=True)
        if st.session_state.card_shown != card.id:
            st.button(t("show"), key="card-show", on_click=lambda: st.session_state.update(card_shown=card.id))
            return
        st.divider()
        st.markdown(html(card.back[lang]), unsafe_allow_html=True)
        for column, rating in zip(st.columns(len(RATINGS)), RATINGS):
            column.button(t(f"study_{rating}"), key=f"card-{rating}", use_container_width=True,
                          on_click=_rate, args=(store, key, card.id, rating, states.get(card.id)))


def cards_tab(corpus: Corpus, store: Progress, key: str) -> None:
    """The flashcards due now (then new ones), one at a time."""
    st.toggle(t("study_terms_deck"), key="cards_terms")
    cards = deck(corpus, include_terms=st.session_state.cards_terms)
    states = _read(key, store.card_states, {})
    due = queue(cards, states, now_utc())
    st.caption(digits(f"{t('study_due_today')}: {due.due_today}{sep()}{t('study_new_cards')}: {due.new}"))
    if not due.cards:
        st.info(t("study_cards_done"))
        if due.due_today > due.due_now:
            st.caption(digits(f"{t('study_later_today')} {due.due_today - due.due_now}"))
        return
    _card(corpus, store, key, due.cards[0], states)


# ---------------------------------------------------------------- practice exam

def section_name(corpus: Corpus, section_id: str) -> str:
    """"3-4 · Processes of creating sister cities"; a section without a number by its title alone; an id the
    paper no longer has (an old record) as itself."""
    section = corpus.section_by_id.get(section_id)
    if section is None:
        return isolate_numbers(digits(section_id))
    title = section.title_fa if ui_lang() == "fa" else section.title_en
    return isolate_numbers(digits(section_id)) + sep() + title if any(ch.isdigit() for ch in section_id) else title


def area_name(corpus: Corpus, dimension: str, value: str) -> str:
    """A weak area as the student reads it: a section, an era or a kind of question."""
    if dimension == "era" and value in corpus.era_by_id:
        return era_label(corpus, value, ui_lang())
    if dimension == "kind" and value in KINDS:
        return t(f"kind_{value}")
    return section_name(corpus, value)


def start_exam(corpus: Corpus, focus: tuple[tuple[str, str], ...] = ()) -> None:
    """Make a new exam from the choices (or, with `focus`, on the weak areas) and keep its question ids."""
    st.session_state.exam_seed += 1
    focused = bool(focus)
    spec = ExamSpec(count=st.session_state.exam_len,
                    kinds=KINDS if focused else tuple(st.session_state.exam_kinds) or KINDS,
                    sections=() if focused else tuple(st.session_state.get("exam_sections", [])),
                    eras=() if focused else tuple(st.session_state.get("exam_eras", [])),
                    focus=tuple(focus), seed=st.session_state.exam_seed)
    try:
        questions = make_exam(corpus, spec)
    except ValueError:
        st.session_state.exam_message = ("study_exam_none", 0)
        return
    if len(questions) < spec.count:
        st.session_state.exam_message = ("study_exam_short", len(questions))
    st.session_state.exam = {"ids": [q.id for q in questions], "seed": spec.seed, "grades": None,
                             "focus": focused}


def _exam_setup(corpus: Corpus, focus: tuple[tuple[str, str], ...]) -> None:
    sections, eras = pool_sections(corpus), [e.id for e in corpus.eras]
    left, right = st.columns(2)
    left.multiselect(t("study_sections"), sections, key="exam_sections", placeholder=t("study_all_hint"),
                     format_func=labels_of(sections, lambda s: section_name(corpus, s)))
    right.multiselect(t("study_eras"), eras, key="exam_eras", placeholder=t("study_all_hint"),
                      format_func=labels_of(eras, lambda e: era_label(corpus, e, ui_lang())))
    st.multiselect(t("study_kinds"), KINDS, key="exam_kinds", format_func=labels_of(KINDS, lambda k: t(f"kind_{k}")),
                   placeholder=t("study_all_hint"))
    st.radio(t("quiz_length"), LENGTHS, key="exam_len", horizontal=True, format_func=labels_of(LENGTHS, digits))
    start, weak = st.columns(2)
    start.button(t("study_start"), key="exam-start", type="primary", on_click=start_exam, args=(corpus,))
    weak.button(t("study_focus"), key="exam-focus", on_click=start_exam, args=(corpus, focus), disabled=not focus)


def _order_widget(labels: list[str], key: str, disabled: bool) -> None:
    """A place (1, 2, …) for each item; two items given the same place are pointed out before submitting."""
    st.caption(t("study_order_hint"))
    places = {n: digits(n) for n in range(1, len(labels) + 1)}
    given = [st.selectbox(label, list(places), format_func=places.get, index=None, key=f"{key}-{j}",
                          disabled=disabled) for j, label in enumerate(labels)]
    filled = [place for place in given if place is not None]
    if len(set(filled)) < len(filled) and not disabled:
        st.warning(t("study_order_dupes"))


def _widget(q: Question, key: str, disabled: bool) -> None:
    """The answer widgets of one question (their keys do not depend on the language)."""
    lang = ui_lang()
    labels = [show(o[lang]) for o in q.options]
    if q.kind == "choice":
        st.radio(" ", range(len(labels)), format_func=labels.__getitem__, index=None, key=key,
                 label_visibility="collapsed", disabled=disabled)
    elif q.kind == "multi":
        for j, label in enumerate(labels):
            st.checkbox(label, key=f"{key}-{j}", disabled=disabled)
    elif q.kind == "blank":
        st.text_input(t("study_blank_hint"), key=key, max_chars=MAX_BLANK_CHARS, disabled=disabled)
    elif q.kind == "match":
        for j, item in enumerate(q.items):
            st.selectbox(show(item[lang]), range(len(labels)), format_func=labels.__getitem__, index=None,
                         key=f"{key}-{j}", disabled=disabled)
    elif q.kind == "order":
        _order_widget(labels, key, disabled)
    else:
        st.text_area(t("study_open_hint"), key=key, max_chars=MAX_OPEN_CHARS, disabled=disabled)


def _response(q: Question, key: str) -> Any:
    """What the student answered, in the form `app.exam.grade` takes."""
    state = st.session_state
    if q.kind in ("choice", "blank", "open"):
        return state.get(key)
    if q.kind == "multi":
        return [j for j in range(len(q.options)) if state.get(f"{key}-{j}")]
    if q.kind == "match":
        return [state.get(f"{key}-{j}") for j in range(len(q.items))]
    places = [state.get(f"{key}-{j}") for j in range(len(q.options))]
    if None in places or len(set(places)) != len(places):
        return None
    return sorted(range(len(places)), key=places.__getitem__)


def submit_exam(corpus: Corpus, store: Progress, key: str, questions: list[Question]) -> None:
    """Grade every answer and record them."""
    exam = st.session_state.exam
    grades = [grade(corpus, q, _response(q, f"exam-{exam['seed']}-{i}")) for i, q in enumerate(questions)]
    exam["grades"] = [(g.score, g.correct, g.answered) for g in grades]
    save(store, key, "record_answers", records(questions, grades))


def _score_table(corpus: Corpus, questions: list[Question], grades: list[Grade], dimension: str, title: str) -> None:
    rows = score_by(questions, grades, dimension)
    if not rows:
        return
    st.markdown(f"**{t(title)}**")
    lines = [t("study_score_line").format(name=area_name(corpus, dimension, value), got=points(got), total=n,
                                          percent=round(100 * got / n)) for value, got, n in rows]
    st.markdown(html("\n".join(f"• {line}" for line in lines)), unsafe_allow_html=True)


def _mistake(corpus: Corpus, number: int, q: Question, g: Grade) -> None:
    """A question not fully right: the key, its source and, for a sentence or paragraph, the paper's words."""
    lang = ui_lang()
    verdict = t("study_unanswered") if not g.answered else (t("study_partial") if g.score > 0 else "✗")
    st.markdown(html(f"{number}. {q.prompt[lang]} — {verdict}"), unsafe_allow_html=True)
    st.markdown(html(f"{t('study_key')}: {q.solution[lang]}"), unsafe_allow_html=True)
    st.caption(f"{t('study_source')}: {cite(corpus, q.cite)}")
    if "/" in q.cite or (q.cite in corpus.paragraph_by_id and not q.cite.startswith("table")):
        st.markdown(html(f"{t('study_paper_says')}: {plain(cite_text(corpus, q.cite, lang))}"),
                    unsafe_allow_html=True)


def _exam_results(corpus: Corpus, questions: list[Question]) -> None:
    grades = [Grade(*g) for g in st.session_state.exam["grades"]]
    got = sum(g.score for g in grades)
    st.subheader(t("study_exam_score").format(got=points(got), total=digits(len(questions))))
    _score_table(corpus, questions, grades, "section", "study_by_section")
    _score_table(corpus, questions, grades, "era", "study_by_era")
    mistakes = [(n, q, g) for n, (q, g) in enumerate(zip(questions, grades), 1) if not g.correct]
    if mistakes:
        st.markdown(f"**{t('study_mistakes')}**")
        for n, q, g in mistakes:
            with st.container(border=True):
                _mistake(corpus, n, q, g)


def exam_tab(corpus: Corpus, store: Progress, key: str, focus: tuple[tuple[str, str], ...]) -> None:
    """The exam's choices; then its questions; after submitting, the score and the mistakes with their keys."""
    message = st.session_state.pop("exam_message", None)
    if message:
        st.warning(digits(t(message[0]).format(n=message[1])))
    exam = st.session_state.exam
    if exam is None:
        _exam_setup(corpus, focus)
        return
    by_id = question_by_id(corpus)
    questions = [by_id[i] for i in exam["ids"] if i in by_id]
    submitted = exam["grades"] is not None
    for i, q in enumerate(questions):
        with st.container(border=True):
            st.caption(digits(f"{i + 1}{sep()}{t('kind_' + q.kind)}"))
            st.markdown(html(q.prompt[ui_lang()]), unsafe_allow_html=True)
            _widget(q, f"exam-{exam['seed']}-{i}", submitted)
    if not submitted:
        st.button(t("study_submit"), key="exam-submit", type="primary", on_click=submit_exam,
                  args=(corpus, store, key, questions))
    else:
        _exam_results(corpus, questions)
    st.button(t("study_new_exam"), key="exam-new", on_click=lambda: st.session_state.update(exam=None))


# ---------------------------------------------------------------- what to study next

def focus_of(weak: dict[str, list[Area]]) -> tuple[tuple[str, str], ...]:
    """The weak areas as an exam's focus: ((dimension, value), …)."""
    return tuple((dimension, a.value) for dimension, found in weak.items() for a in found)


def next_tab(corpus: Corpus, store: Progress, key: str, answers: list[AnswerRecord],
             weak: dict[str, list[Area]]) -> None:
    """What to study next: the weakest sections, eras and kinds, and an exam on them."""
    reviews = _read(key, store.review_count, 0)
    st.caption(digits(f"{t('study_answered')}: {len(answers)}{sep()}{t('study_reviewed')}: {reviews}"))
    if not answers:
        st.info(t("study_next_empty"))
        return
    if not any(weak.values()):
        st.info(t("study_no_weak"))
        return
    for dimension, title in (("section", "study_weak_sections"), ("era", "study_weak_eras"),
                             ("kind", "study_weak_kinds")):
        if weak[dimension]:
            st.markdown(f"**{t(title)}**")
            lines = [t("study_weak_line").format(name=area_name(corpus, dimension, a.value),
                                                 score=round(100 * a.score), n=a.attempts) for a in weak[dimension]]
            st.markdown(html("\n".join(f"• {line}" for line in lines)), unsafe_allow_html=True)
    st.button(t("study_focus"), key="next-focus", on_click=start_exam, args=(corpus, focus_of(weak)))
    exam = st.session_state.exam
    if exam is not None and exam.get("focus") and exam["grades"] is None:
        st.info(t("study_focus_ready"))
    if weak["section"]:
        st.caption(t("study_read_guide"))


# ---------------------------------------------------------------- study guides

@st.cache_data(show_spinner=False, max_entries=64)
def cached_guide(section: str, lang: str) -> Guide:
    """One section's guide; the model answers are the slow part, so each guide is made once per language."""
    assistant = get_assistant()
    return build_guide(assistant.corpus, section, lang, lambda question: assistant.ask(question).to_dict())


def _cited(corpus: Corpus, text: str, cite_id: str) -> str:
    return f"{text} ({cite(corpus, cite_id)})"


def _render_guide(corpus: Corpus, guide: Guide) -> None:
    lang = ui_lang()
    st.subheader(show(section_name(corpus, guide.section)))
    parts = [("guide_summary", [_cited(corpus, c.text[lang], c.cite) for c in guide.summary]),
             ("guide_terms", [_cited(corpus, f"{x.term[lang]} — {x.definition[lang]}", x.cite) for x in guide.terms]),
             ("guide_figures", [_cited(corpus, (f"{numbers_line(f.values, lang)} — " if f.values else "")
                                       + f.text[lang], f.cite) for f in guide.figures])]
    for heading, lines in parts:
        if lines:
            st.markdown(f"**{phrase(heading, lang)}**")
            st.markdown(html("\n".join(f"• {line}" for line in lines)), unsafe_allow_html=True)
    if guide.questions:
        st.markdown(f"**{phrase('guide_questions', lang)}**")
        for m in guide.questions:
            with st.expander(isolate_numbers(show(m.question))):
                st.markdown(html(m.answer), unsafe_allow_html=True)
                sources = phrase("list_sep", lang).join(cite(corpus, c) for c in m.cites)
                st.caption(f"{t('study_source')}: {sources}")


def guide_tab(corpus: Corpus) -> None:
    """A section's study guide (or the whole paper's), with its Markdown download."""
    lang, sections = ui_lang(), list(guide_sections(corpus))
    st.session_state.setdefault("guide_section", sections[0])
    st.selectbox(t("study_guide_section"), ["all", *sections], key="guide_section",
                 format_func=labels_of(["all", *sections],
                                       lambda s: t("study_guide_whole") if s == "all" else section_name(corpus, s)))
    chosen = st.session_state.guide_section
    with st.spinner(t("study_guide_wait")):
        guides = [cached_guide(s, lang) for s in (sections if chosen == "all" else [chosen])]
    st.download_button(t("study_download"), guide_markdown(corpus, guides, lang), key="guide-download",
                       file_name=f"study-guide-{chosen}-{lang}.md", mime="text/markdown")
    for guide in guides:
        _render_guide(corpus, guide)


# ---------------------------------------------------------------- the page

STUDY_TABS = {"quiz": "quiz", "cards": "cards", "exam": "study_exam", "next": "study_next", "guide": "study_guide"}


def study_tabs() -> list:
    """The study tools' tabs; the open one is kept as a language-independent id (`study_tab`)."""
    labels = {tab: t(label) for tab, label in STUDY_TABS.items()}
    by_label = {label: tab for tab, label in labels.items()}
    current = st.session_state.get("study_tab", "quiz")
    key, remember = keyed_per_language("study_tabs", "study_tab", labels[current],
                                       lambda label: by_label.get(label, current))
    return st.tabs(list(labels.values()), key=key, on_change=remember)


def page_study() -> None:
    """The study page: the profile, then a tab per study tool."""
    _defaults()
    corpus = get_assistant().corpus
    store, key = profile_box()
    answers = _read(key, store.answers, [])
    weak = weak_areas(answers, **settings()["weak"])
    quiz, cards, exam, upcoming, guides = study_tabs()
    with quiz:
        quiz_tab(corpus, store, key)
    with cards:
        cards_tab(corpus, store, key)
    with exam:
        exam_tab(corpus, store, key, focus_of(weak))
    with upcoming:
        next_tab(corpus, store, key, answers, weak)
    with guides:
        guide_tab(corpus)
