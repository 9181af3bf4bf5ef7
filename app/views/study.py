"""Study mode: generated quizzes and flashcards."""
from __future__ import annotations

import streamlit as st

from app.normalize import detect_lang, to_persian_digits
from app.study import flashcards, make_quiz
from app.views.common import bidi, digits, get_assistant, t, ui_lang


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
        source = {"glossary": "واژه‌نامه" if lang == "fa" else "glossary"}.get(card.source, card.source)
        st.caption(digits(f"{t('card')} {index + 1} / {len(cards)} · {source}"))
        st.markdown(bidi(card.front, lang=detect_lang(card.front)), unsafe_allow_html=True)
        if st.toggle(t("show"), key=f"card-show-{index}"):
            st.markdown(bidi(card.back, lang=detect_lang(card.back)), unsafe_allow_html=True)
        left, right = st.columns(2)
        left.button(t("prev_card"), key="card-prev",
                    on_click=lambda: st.session_state.update(card_index=st.session_state.card_index - 1))
        right.button(t("next_card"), key="card-next",
                     on_click=lambda: st.session_state.update(card_index=st.session_state.card_index + 1))


