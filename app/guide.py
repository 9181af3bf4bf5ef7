"""Study guides, one per section of the paper, built from the corpus without a language model.

A guide holds an extractive summary (the section's most central sentences, cited), the key terms with the
paper's definitions, the figures and dates to remember, and 3–5 likely exam questions (made from the section's
title, terms and era data) with model answers from the answer engine, cited. `guide_markdown` exports guides.
"""
from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from app.corpus import Agreement, Corpus, GlossaryTerm, Sentence
from app.normalize import persian_digits_outside_citations, to_persian_digits
from app.study import (LANGS, Text, both, cite_exists, cite_label, content_lemmas, era_name, figure_numbers,
                       head_or_none, idf, mentions, numbers_line, padded_words, per_corpus, phrase, plain, settings)

Ask = Callable[[str], dict]  # a question → Answer.to_dict()


@dataclass(frozen=True)
class Cited:
    text: Text
    cite: str


@dataclass(frozen=True)
class Term:
    term: Text
    definition: Text
    cite: str
    defined: bool  # the cited sentence defines the term (else it only uses it)


@dataclass(frozen=True)
class FigureLine:
    values: tuple[str, ...]  # the figures themselves ("16484", "12596", "165"), or () for a line of facts
    text: Text
    cite: str


@dataclass(frozen=True)
class ModelAnswer:
    question: str
    answer: str
    cites: tuple[str, ...]


@dataclass(frozen=True)
class Guide:
    section: str
    lang: str
    title: Text
    summary: tuple[Cited, ...]
    terms: tuple[Term, ...]
    figures: tuple[FigureLine, ...]
    questions: tuple[ModelAnswer, ...]


def _sentences(corpus: Corpus, section: str) -> list[Sentence]:
    return [s for s in corpus.sentences if s.section == section and s.kind in ("paragraph", "list_item")]


@per_corpus
def guide_sections(corpus: Corpus) -> tuple[str, ...]:
    """The sections a guide is made for: every section with sentences, in reading order (together: the paper)."""
    skip = set(settings()["guide"]["skip_sections"])
    return tuple(s.id for s in corpus.sections if s.id not in skip and _sentences(corpus, s.id))


# ---------------------------------------------------------------- summary

def _cosine(a: dict[str, float], b: dict[str, float]) -> float:
    dot = sum(w * b.get(t, 0.0) for t, w in a.items())
    norm = math.sqrt(sum(w * w for w in a.values())) * math.sqrt(sum(w * w for w in b.values()))
    return dot / norm if norm else 0.0


def summary(corpus: Corpus, section: str) -> list[Cited]:
    """The section's most central sentences (tf-idf cosine to the section, with a little weight for its first
    sentence and for definitions, figures and lists), in reading order."""
    candidates = [s for s in _sentences(corpus, section) if s.fact]
    if not candidates:
        return []
    weights = idf(corpus, "en")
    vectors = [{t: n * weights.get(t, 1.0) for t, n in Counter(content_lemmas(s.en)).items()} for s in candidates]
    centre: Counter = Counter()
    for vector in vectors:
        centre.update(vector)
    weigh = settings()["guide"]["summary_weights"]
    bonus = [(weigh["first"] if i == 0 else 0.0) + weigh["tag"] * len(set(s.tags) & set(weigh["tags"]))
             for i, s in enumerate(candidates)]
    scores = [_cosine(vector, centre) + extra for vector, extra in zip(vectors, bonus)]
    share, most = settings()["guide"]["summary_share"], settings()["guide"]["summary_max"]
    keep = max(1, min(most, round(len(candidates) * share)))
    chosen = sorted(sorted(range(len(candidates)), key=lambda i: -scores[i])[:keep])
    return [Cited({"fa": plain(candidates[i].fa), "en": plain(candidates[i].en)}, candidates[i].id) for i in chosen]


# ---------------------------------------------------------------- key terms

def _uses(sentence: Sentence, term: GlossaryTerm) -> bool:
    return mentions(sentence.fa, (term.fa, *term.variants_fa)) or mentions(sentence.en, (term.en, *term.variants_en))


def _defines(sentence: Sentence, term: GlossaryTerm) -> bool:
    opening = " " + " ".join(padded_words(sentence.en).split()[:6]) + " "
    return "definition" in sentence.tags and padded_words(term.en) in opening


def _glossary_terms(corpus: Corpus) -> list[GlossaryTerm]:
    """The glossary's concepts that a guide may list (settings.json: guide.term_kinds, not guide.not_terms)."""
    guide = settings()["guide"]
    return [t for t in corpus.glossary if t.kind in guide["term_kinds"] and t.en not in guide["not_terms"]]


@per_corpus
def _term_spread(corpus: Corpus) -> dict[str, float]:
    """term → the share of guide sections that use it (a term used everywhere is no key term of one section)."""
    sections = guide_sections(corpus)
    terms = _glossary_terms(corpus)
    return {t.en: sum(1 for sec in sections if any(_uses(s, t) for s in _sentences(corpus, sec))) / len(sections)
            for t in terms}


def key_terms(corpus: Corpus, section: str) -> list[Term]:
    """The glossary's concepts this section defines or uses (not those used all over the paper), each with the
    paper's definition or, where it gives none, the sentence of this section that uses it."""
    own = _sentences(corpus, section)
    spread, limit = _term_spread(corpus), settings()["guide"]["common_term_share"]
    found: list[tuple[int, Term]] = []
    for term in _glossary_terms(corpus):
        using = [s for s in own if _uses(s, term)]
        defined_here = [s for s in own if _defines(s, term)]
        if not using or (not defined_here and spread[term.en] > limit):
            continue
        defining = defined_here or [s for s in corpus.sentences if _defines(s, term)]
        source = (defining or using)[0]
        found.append((0 if defined_here else 1, Term({"fa": term.fa, "en": term.en},
                                                     {"fa": plain(source.fa), "en": plain(source.en)}, source.id,
                                                     bool(defining))))
    found.sort(key=lambda pair: pair[0])
    return [term for _, term in found][:settings()["guide"]["max_terms"]]


# ---------------------------------------------------------------- figures and dates

def _era_lines(corpus: Corpus, section: str) -> list[FigureLine]:
    era = corpus.era_by_id.get(section)
    if era is None:
        return []
    ties = sum(1 for a in corpus.agreements if a.era_id == era.id)
    text = both("guide_era_figures", lambda lang: {"era": era_name(era, lang), "years": era.years_text(lang),
                                                   "head": head_or_none(era, lang), "ties": ties})
    return [FigureLine((), text, era.id)]


def _tie_line(a: Agreement, lang: str) -> str:
    """"Istanbul (3/2/1373 SH)"."""
    return phrase("guide_table_tie", lang, city=a.city_fa if lang == "fa" else a.city_en, date=a.date_as_printed)


def _table_lines(corpus: Corpus, section: str) -> list[FigureLine]:
    rows = [p for p in corpus.paragraphs if p.section == section and p.table == "table2" and p.kind == "table_row"]
    if not rows:
        return []
    first, last = corpus.agreements[0], corpus.agreements[-1]
    text = both("guide_table", lambda lang: {"count": len(corpus.agreements), "first": _tie_line(first, lang),
                                             "last": _tie_line(last, lang)})
    return [FigureLine((str(len(corpus.agreements)),), text, "table2.0")]


def figures_to_remember(corpus: Corpus, section: str) -> list[FigureLine]:
    """The section's sentences with figures or dates (numbers shown in both languages), and era or table facts."""
    lines = _era_lines(corpus, section)
    for s in _sentences(corpus, section):
        if not {"number", "date"} & set(s.tags):
            continue
        text = {"fa": plain(s.fa), "en": plain(s.en)}
        numbers = figure_numbers(text)
        if numbers:
            lines.append(FigureLine(numbers, text, s.id))
    return lines + _table_lines(corpus, section)


# ---------------------------------------------------------------- likely questions

def _ref(corpus: Corpus, section: str, lang: str) -> str:
    """How a question names the section: "section 3-4" («بخش ۳-۴»), or "the abstract"."""
    if any(ch.isdigit() for ch in section):
        return phrase("guide_section_ref", lang, section=to_persian_digits(section) if lang == "fa" else section)
    title = corpus.section_by_id[section]
    return phrase("guide_title_ref", lang, title=title.title_fa if lang == "fa" else title.title_en.lower())


def _era_questions(corpus: Corpus, section: str, lang: str) -> list[str]:
    era = corpus.era_by_id.get(section)
    if era is None:
        return []
    name = era_name(era, lang)
    names = (["guide_era_ties"] if era.ties else []) + (["guide_era_head"] if era.head_en else [])
    return [phrase(n, lang, era=name) for n in names + ["guide_era_concepts"]]


def _table_questions(corpus: Corpus, section: str, lang: str) -> list[str]:
    if not any(p.table == "table2" and p.section == section for p in corpus.paragraphs):
        return []
    return [phrase(n, lang) for n in ("guide_table_count", "guide_table_first", "guide_table_last")]


def exam_questions(corpus: Corpus, section: str, lang: str) -> list[tuple[str, bool]]:
    """Questions an exam may ask about the section, made from its era or table, the terms it defines, its
    lists and its other terms, in that order; each with whether its answer must come from this section."""
    own = _era_questions(corpus, section, lang) + _table_questions(corpus, section, lang)
    if section == settings()["conditions_section"]:
        own.append(phrase("guide_conditions", lang))
    terms = key_terms(corpus, section)
    ref = _ref(corpus, section, lang)
    listed = ["guide_section_list"] if any(p.kind == "list_item" for p in corpus.section_paragraphs(section)) else []
    about = [phrase(n, lang, ref=ref) for n in listed + ["guide_section_summary", "guide_section_about",
                                                          "guide_section_points"]]
    questions = [(q, True) for q in own]
    questions += [(phrase("guide_term", lang, term=t.term[lang]), False) for t in terms if t.defined]
    questions += [(q, True) for q in about]
    questions += [(phrase("guide_term", lang, term=t.term[lang]), False) for t in terms if not t.defined]
    return list(dict.fromkeys(questions))


def cite_section(corpus: Corpus, cite: str) -> str:
    """The section a citation belongs to (Table 2 rows: 4-2)."""
    if cite in corpus.section_by_id:
        return cite
    return corpus.paragraph_by_id[cite.split("/")[0]].section


def _within(corpus: Corpus, cites: tuple[str, ...], section: str) -> bool:
    return any(cite_section(corpus, c) == section or section in corpus.era_by_id and c.startswith("table2.")
               for c in cites)


def _cites(corpus: Corpus, answer: dict) -> tuple[str, ...]:
    found = [c.get("paragraph") or c.get("section") for c in answer.get("citations", [])]
    return tuple(dict.fromkeys(c for c in found if c and cite_exists(corpus, c)))


def model_answers(corpus: Corpus, section: str, questions: list[tuple[str, bool]], ask: Ask, most: int,
                  least: int = 3) -> list[ModelAnswer]:
    """Answers from the answer engine to the questions it answers with a citation (from the section itself, where
    the question is about it): different answers first, up to `most`; questions that share an answer fill in up
    to `least` (a short section has one answer to give)."""
    answered = []
    for question, own in questions:
        answer = ask(question)
        cites, text = _cites(corpus, answer), (answer.get("answer") or "").strip()
        if not answer.get("abstained") and cites and text and (not own or _within(corpus, cites, section)):
            answered.append(ModelAnswer(question, plain(text), cites))
    first, seen = [], set()
    for m in answered:
        if m.answer not in seen:
            seen.add(m.answer)
            first.append(m)
    chosen = first[:most]
    chosen += [m for m in answered if m not in chosen][:max(0, least - len(chosen))]
    return sorted(chosen, key=answered.index)


def build_guide(corpus: Corpus, section: str, lang: str, ask: Ask) -> Guide:
    """The study guide of one section; `ask` answers its likely exam questions."""
    if section not in guide_sections(corpus):
        raise ValueError(f"no study guide for section {section!r}; choose one of {', '.join(guide_sections(corpus))}")
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fa' or 'en', got {lang!r}")
    title = corpus.section_by_id[section]
    limits = settings()["guide"]
    answers = model_answers(corpus, section, exam_questions(corpus, section, lang), ask, limits["max_questions"],
                            limits["min_questions"])
    return Guide(section, lang, {"fa": title.title_fa, "en": title.title_en}, tuple(summary(corpus, section)),
                 tuple(key_terms(corpus, section)), tuple(figures_to_remember(corpus, section)), tuple(answers))


# ---------------------------------------------------------------- Markdown

def _figures_lead(line: FigureLine, lang: str) -> str:
    return f"**{numbers_line(line.values, lang)}** — " if line.values else ""


def _guide_lines(corpus: Corpus, guide: Guide, level: str) -> list[str]:
    lang = guide.lang
    label = lambda cite: cite_label(corpus, cite, lang)  # noqa: E731
    lines = [f"{level} {phrase('guide_heading', lang, title=guide.title[lang])} ({label(guide.section)})", ""]
    lines += [f"{level}# {phrase('guide_summary', lang)}", ""]
    lines += [f"- {c.text[lang]} ({label(c.cite)})" for c in guide.summary] + [""]
    if guide.terms:
        lines += [f"{level}# {phrase('guide_terms', lang)}", ""]
        lines += [f"- **{t.term[lang]}** — {t.definition[lang]} ({label(t.cite)})" for t in guide.terms] + [""]
    if guide.figures:
        lines += [f"{level}# {phrase('guide_figures', lang)}", ""]
        lines += [f"- {_figures_lead(f, lang)}{f.text[lang]} ({label(f.cite)})" for f in guide.figures] + [""]
    if guide.questions:
        lines += [f"{level}# {phrase('guide_questions', lang)}", ""]
        for m in guide.questions:
            sources = phrase("list_sep", lang).join(label(c) for c in m.cites)
            lines += [f"**{m.question}**", "", f"{m.answer.strip()} ({sources})", ""]
    return lines


def guide_markdown(corpus: Corpus, guides: list[Guide], lang: str) -> str:
    """Guides as one Markdown document (with a title when there are several); Persian digits in Persian."""
    lines = [f"# {phrase('guide_heading', lang, title=phrase('guide_whole', lang))}", ""] if len(guides) > 1 else []
    for guide in guides:
        lines += _guide_lines(corpus, guide, "##" if len(guides) > 1 else "#")
    text = "\n".join(lines).rstrip() + "\n"
    return persian_digits_outside_citations(text) if lang == "fa" else text
