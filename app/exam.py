"""Practice exams: six kinds of question generated from the corpus, chosen by section, era and kind, and graded.

Kinds: multiple choice (the quiz generators of app/study.py), multiple select with partial credit, fill in the
blank (matched after folding digits, letters and half-spaces), matching, ordering, and short open answers graded
against the key facts of the paper's own sentence. Every question is bilingual ({"fa", "en"}) so an exam
survives a switch of interface language; its id is stable so progress can be recorded under it.
"""
from __future__ import annotations

import hashlib
import random
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from difflib import SequenceMatcher

from app.corpus import SECTION_IDS, Agreement, Concept, Corpus, Era, GlossaryTerm, Paragraph, Sentence
from app.normalize import detect_lang, fold, fold_nospace
from app.progress import DIMENSIONS, AnswerRecord
from app.study import (GENERATORS, LANGS, Text, bilingual, both, city_label, clean_item, conditions,
                       content_lemmas, continent_name, definitions, era_label, era_name, figures, blank_out, goals,
                       head_name, idf, list_intro, per_corpus, phrase, plain, quiz_place, settings)

KINDS = ("choice", "multi", "blank", "match", "order", "open")
LENGTHS: tuple[int, ...] = tuple(settings()["exam"]["lengths"])
MAX_OPEN_CHARS: int = settings()["exam"]["max_open_chars"]
POOL_SEED = 1357
CHOICE_VARIANTS = 12  # random draws per quiz generator


@dataclass(frozen=True)
class Question:
    id: str
    kind: str
    topic: str
    section: str
    era: str | None
    prompt: Text
    options: tuple[Text, ...] = ()  # choice/multi: options; match: the right column; order: the items as shown
    items: tuple[Text, ...] = ()  # match: the left column
    key: tuple[int, ...] = ()  # choice: (answer,); multi: correct options; match: option per item; order: true order
    accept: tuple[str, ...] = ()  # blank: accepted answers (any language)
    solution: Text = field(default_factory=dict)  # the answer key as text, shown after submitting
    cite: str = ""  # sentence, paragraph, table-row or section id


def _question(kind: str, topic: str, section: str, era: str | None, prompt: Text, cite: str, **parts) -> Question:
    """A question with an id derived from its content (stable while the corpus is)."""
    options = parts.get("options", ())
    digest = hashlib.sha1("|".join([cite, prompt["en"], *(o["en"] for o in options),
                                    *(i["en"] for i in parts.get("items", ()))]).encode()).hexdigest()[:10]
    return Question(f"{kind}:{topic}:{digest}", kind, topic, section, era, prompt, cite=cite, **parts)


def _city(a: Agreement) -> Text:
    return bilingual(lambda lang: city_label(a, lang))


def _era_name(era: Era) -> Text:
    return bilingual(lambda lang: era_name(era, lang))


# ---------------------------------------------------------------- multiple choice (the quiz generators)

def _choice(corpus: Corpus) -> list[Question]:
    out, seen = [], set()
    for number, generator in enumerate(GENERATORS):
        for variant in range(CHOICE_VARIANTS):
            seed = POOL_SEED * 10_000 + number * 100 + variant
            fa, en = (generator(corpus, random.Random(seed), lang) for lang in LANGS)
            if en.prompt in seen:
                continue
            seen.add(en.prompt)
            place = quiz_place(corpus, en)
            options = tuple({"fa": a, "en": b} for a, b in zip(fa.options, en.options))
            solution = {"fa": f"{fa.options[fa.answer]} — {fa.explanation}",
                        "en": f"{en.options[en.answer]} — {en.explanation}"}
            out.append(_question("choice", en.kind, place["section"], place["era"],
                                 {"fa": fa.prompt, "en": en.prompt}, place["cite"], options=options,
                                 key=(en.answer,), solution=solution))
    return out


# ---------------------------------------------------------------- multiple select

def _multi(rng: random.Random, topic: str, section: str, era: str | None, prompt: Text, cite: str,
           right: list[Text], wrong: list[Text]) -> Question:
    options = [(o, True) for o in right] + [(o, False) for o in wrong]
    rng.shuffle(options)
    key = tuple(i for i, (_, ok) in enumerate(options) if ok)
    solution = bilingual(lambda lang: phrase("list_sep", lang).join(o[lang] for o in right))
    return _question("multi", topic, section, era, prompt, cite, options=tuple(o for o, _ in options), key=key,
                     solution=solution)


def _multi_era_ties(corpus: Corpus, rng: random.Random) -> list[Question]:
    out = []
    for era in corpus.eras:
        inside = [a for a in corpus.agreements if a.era_id == era.id]
        outside = [a for a in corpus.agreements if a.era_id != era.id]
        for _ in range(2 if inside else 0):
            right = rng.sample(inside, rng.randint(1, min(3, len(inside))))
            wrong = rng.sample(outside, 5 - len(right))
            prompt = both("multi_era_ties", lambda lang: {"era": era_label(corpus, era.id, lang)})
            out.append(_multi(rng, "era_ties", era.id, era.id, prompt, era.id, [_city(a) for a in right],
                              [_city(a) for a in wrong]))
    return out


def _multi_continent(corpus: Corpus, rng: random.Random) -> list[Question]:
    out = []
    for continent in sorted({a.continent for a in corpus.agreements}):
        inside = [a for a in corpus.agreements if a.continent == continent]
        outside = [a for a in corpus.agreements if a.continent != continent]
        for _ in range(2 if len(inside) >= 2 else 0):
            right = rng.sample(inside, rng.randint(1, min(3, len(inside))))
            prompt = both("multi_continent", lambda lang: {"continent": continent_name(continent, lang)})
            out.append(_multi(rng, "continent", "5", None, prompt, "5.4", [_city(a) for a in right],
                              [_city(a) for a in rng.sample(outside, 5 - len(right))]))
    return out


def _item(p: Paragraph) -> Text:
    return {"fa": clean_item(p.fa), "en": clean_item(p.en)}


def _multi_conditions(corpus: Corpus, rng: random.Random) -> list[Question]:
    section = settings()["conditions_section"]
    listed, goal_items = conditions(corpus), goals(corpus)
    prompt = both("multi_conditions", lambda lang: {"section": section})
    intro = list_intro(corpus, listed[0].id)
    return [_multi(rng, "conditions", section, None, prompt, intro,
                   [_item(p) for p in rng.sample(listed, k)], [_item(p) for p in rng.sample(goal_items, 5 - k)])
            for k in (1, 2, 3, 3, 4)]


def _concept_forms(concept: Concept) -> set[str]:
    return {fold(form) for form in (*concept.fa, *concept.en)}


def _concept_name(concept: Concept) -> Text:
    return {"fa": concept.fa[0], "en": concept.en[0]}


def _multi_concepts(corpus: Corpus, rng: random.Random) -> list[Question]:
    out = []
    for era in corpus.eras:
        own = set().union(*(_concept_forms(c) for c in era.concepts))
        others = {c.en[0]: c for e in corpus.eras if e.id != era.id for c in e.concepts if not _concept_forms(c) & own}
        if len(era.concepts) < 2 or len(others) < 3:
            continue
        right = rng.sample(list(era.concepts), 2)
        wrong = rng.sample(sorted(others.values(), key=lambda c: c.en[0]), 3)
        prompt = both("multi_concepts", lambda lang: {"era": era_label(corpus, era.id, lang)})
        out.append(_multi(rng, "concepts", era.id, era.id, prompt, era.id, [_concept_name(c) for c in right],
                          [_concept_name(c) for c in wrong]))
    return out


# ---------------------------------------------------------------- fill in the blank

def blank_form(text: str) -> str:
    """What a typed blank is compared as: digits, letters and half-spaces folded, spaces and punctuation gone."""
    return re.sub(r"[\W_]+", "", fold_nospace(text))


def _blank(topic: str, section: str, era: str | None, prompt: Text, cite: str, accept: Iterable[str],
           solution: Text) -> Question:
    forms = tuple(dict.fromkeys(f for f in (blank_form(a) for a in accept) if f))
    return _question("blank", topic, section, era, prompt, cite, accept=forms, solution=solution)


def _blank_figures(corpus: Corpus) -> list[Question]:
    out = []
    for f in figures(corpus):
        for number in f.numbers:
            prompt = both("blank_figure", lambda lang, n=number: {"text": blank_out(f.text[lang], (n,))})
            out.append(_blank("figure", f.section, None, prompt, f.sentence, [number],
                              {lang: number for lang in LANGS}))
    return out


def _blank_years(corpus: Corpus) -> list[Question]:
    return [_blank("tie_year", "4-2", a.era_id, both("blank_year", lambda lang, a=a: {"city": city_label(a, lang)}),
                   f"table2.{a.row}", [str(a.year)], {lang: str(a.year) for lang in LANGS})
            for a in corpus.agreements]


def _spells_head(name: str, era: Era) -> bool:
    """Is `name` the head of government's name, or a spelling of some of its words ("Khatemi", "Ahmadi-Nejad")?
    Not a name that only points at the era ("provisional government") or at another person of it."""
    form, needed = blank_form(name), settings()["exam"]["name_spelling_ratio"]
    for lang in LANGS:
        words = fold(head_name(era, lang) or "").replace("-", " ").split()
        runs = {blank_form("".join(words[i:j])) for i in range(len(words)) for j in range(i + 1, len(words) + 1)}
        if any(SequenceMatcher(None, form, run).ratio() >= needed for run in runs):
            return True
    return False


def _blank_heads(corpus: Corpus) -> list[Question]:
    out = []
    for era in corpus.eras:
        if not era.head_en:
            continue
        title = {"fa": era.title_fa, "en": era.title_en}
        prompt = both("blank_head", lambda lang, era=era: {"era": title[lang], "years": era.years_text(lang)})
        names = [era.head_fa, era.head_en, *bilingual(lambda lang: head_name(era, lang)).values(),
                 *[n for n in era.head_names if _spells_head(n, era)]]
        out.append(_blank("era_head", era.id, era.id, prompt, era.id, names,
                          {"fa": era.head_fa, "en": era.head_en}))
    return out


def _blank_terms(corpus: Corpus) -> list[Question]:
    out = []
    for d in definitions(corpus):
        forms = [d.term["fa"], d.term["en"]]
        for term in corpus.glossary:
            if blank_form(term.fa) in map(blank_form, forms) or blank_form(term.en) in map(blank_form, forms):
                forms += term.all_forms
        prompt = both("blank_term", lambda lang, d=d: {"text": d.masked[lang]})
        out.append(_blank("term", d.section, None, prompt, d.sentence, forms, d.term))
    return out


# ---------------------------------------------------------------- matching

def _match(rng: random.Random, topic: str, section: str, prompt: Text, cite: str,
           pairs: list[tuple[Text, Text]]) -> Question:
    """Items on the left, their partners shuffled on the right; key[i] is item i's partner."""
    rights = [right for _, right in pairs]
    order = list(range(len(rights)))
    rng.shuffle(order)
    options = tuple(rights[i] for i in order)
    key = tuple(order.index(i) for i in range(len(pairs)))
    solution = bilingual(lambda lang: phrase("item_sep", lang).join(
        phrase("match_pair", lang, left=left[lang], right=right[lang]) for left, right in pairs))
    return _question("match", topic, section, None, prompt, cite, options=options,
                     items=tuple(left for left, _ in pairs), key=key, solution=solution)


def _match_tie_era(corpus: Corpus, rng: random.Random) -> list[Question]:
    eras = sorted({a.era_id for a in corpus.agreements})
    out = []
    for _ in range(6):
        ties = [rng.choice([a for a in corpus.agreements if a.era_id == e]) for e in eras]
        rng.shuffle(ties)
        pairs = [(_city(a), bilingual(lambda lang, a=a: era_label(corpus, a.era_id, lang))) for a in ties]
        out.append(_match(rng, "tie_era", "4-2", both("match_tie_era"), "4-2", pairs))
    return out


def _match_terms(corpus: Corpus, rng: random.Random) -> list[Question]:
    found = definitions(corpus)
    if len(found) < 2:
        return []
    out = []
    for _ in range(2):
        chosen = rng.sample(found, len(found))
        out.append(_match(rng, "term_definition", "3", both("match_term_definition"), "3",
                          [(d.term, d.masked) for d in chosen]))
    return out


def _match_heads(corpus: Corpus, rng: random.Random) -> list[Question]:
    """Eras and their heads of government, named without the paper's remark ("Prime Minister of the provisional
    government"), which would give the era away."""
    headed = [e for e in corpus.eras if e.head_en]
    out = []
    for _ in range(4):
        chosen = rng.sample(headed, min(4, len(headed)))
        pairs = [(_era_name(e), bilingual(lambda lang, e=e: head_name(e, lang))) for e in chosen]
        out.append(_match(rng, "era_head", "4-1", both("match_era_head"), "4-1", pairs))
    return out


# ---------------------------------------------------------------- ordering

def _order(rng: random.Random, topic: str, section: str, prompt: Text, cite: str, in_order: list[Text]) -> Question:
    shown = list(range(len(in_order)))
    rng.shuffle(shown)
    key = tuple(shown.index(i) for i in range(len(in_order)))
    solution = bilingual(lambda lang: phrase("order_sep", lang).join(item[lang] for item in in_order))
    return _question("order", topic, section, None, prompt, cite, options=tuple(in_order[i] for i in shown),
                     key=key, solution=solution)


def _order_ties(corpus: Corpus, rng: random.Random) -> list[Question]:
    out = []
    for _ in range(8):
        ties = sorted(rng.sample(corpus.agreements, 4), key=lambda a: a.signed)
        moments = [a.signed for a in ties]
        if len(set(moments)) < len(moments) or any(a.day is None for a in ties):
            continue  # only ties whose order the table settles
        out.append(_order(rng, "ties", "4-2", both("order_ties"), "4-2", [_city(a) for a in ties]))
    return out


def _order_eras(corpus: Corpus, rng: random.Random) -> list[Question]:
    out = []
    for size in (4, 4, 5, 6):
        chosen = sorted(rng.sample(list(corpus.eras), size), key=lambda e: e.start_jalali)
        out.append(_order(rng, "eras", "4-1", both("order_eras"), "4-1", [_era_name(e) for e in chosen]))
    return out


# ---------------------------------------------------------------- open answers

def _opens_with(sentence: Sentence, term: GlossaryTerm) -> bool:
    """Does this definition sentence open (first five words) with the term, in English, and use it in Persian?"""
    opening = " " + " ".join(fold(sentence.en).split()[:5]) + " "
    return (f" {fold(term.en)} " in opening or f" {fold(term.en)}," in opening) and fold(term.fa) in fold(sentence.fa)


def _open(corpus: Corpus) -> list[Question]:
    """"How does the paper define X?" for every glossary concept that a definition sentence opens with: one question
    per concept (its prompt names only the concept), graded against the sentence of the section titled with it,
    else the first."""
    out = []
    for term in (t for t in corpus.glossary if t.kind == "concept"):
        found = [s for s in corpus.sentences if "definition" in s.tags and s.fact and _opens_with(s, term)]
        if not found:
            continue
        titled = [s for s in found if fold(corpus.section_by_id[s.section].title_en) == fold(term.en)]
        s = (titled or found)[0]
        prompt = both("open_definition", lambda lang: {"term": term.fa if lang == "fa" else term.en})
        out.append(_question("open", "definition", s.section, None, prompt, s.id,
                             solution={"fa": plain(s.fa), "en": plain(s.en)}))
    return out


# ---------------------------------------------------------------- the pool and the exam

@per_corpus
def question_pool(corpus: Corpus) -> tuple[Question, ...]:
    """Every question the exam can ask, the same on every run for the same corpus."""
    rng = random.Random(POOL_SEED)
    questions = _choice(corpus)
    for make in (_multi_era_ties, _multi_continent, _multi_conditions, _multi_concepts, _match_tie_era,
                 _match_terms, _match_heads, _order_ties, _order_eras):
        questions += make(corpus, rng)
    questions += _blank_figures(corpus) + _blank_years(corpus) + _blank_heads(corpus) + _blank_terms(corpus)
    questions += _open(corpus)
    unique = {q.id: q for q in questions}
    return tuple(unique.values())


@per_corpus
def question_by_id(corpus: Corpus) -> dict[str, Question]:
    """The pool by question id (read it, do not change it: it is shared)."""
    return {q.id: q for q in question_pool(corpus)}


def pool_sections(corpus: Corpus) -> list[str]:
    """The sections that have questions, in reading order."""
    found = {q.section for q in question_pool(corpus)}
    return [s for s in SECTION_IDS if s in found]


@dataclass(frozen=True)
class ExamSpec:
    """What the student asked for. `focus` (dimension, value) pairs put questions on weak areas first."""

    count: int = 10
    kinds: tuple[str, ...] = KINDS
    sections: tuple[str, ...] = ()
    eras: tuple[str, ...] = ()
    focus: tuple[tuple[str, str], ...] = ()
    seed: int = 0

    def __post_init__(self) -> None:
        if self.count not in LENGTHS:
            raise ValueError(f"an exam has {', '.join(map(str, LENGTHS))} questions, not {self.count!r}")
        unknown = [k for k in self.kinds if k not in KINDS]
        if not self.kinds or unknown:
            raise ValueError(f"kinds must be some of {', '.join(KINDS)}; got {list(self.kinds)}")
        bad_focus = [d for d, _ in self.focus if d not in DIMENSIONS]
        if bad_focus:
            raise ValueError(f"focus dimensions must be section, era or kind; got {bad_focus}")


def _fits(q: Question, spec: ExamSpec) -> bool:
    return (q.kind in spec.kinds and (not spec.sections or q.section in spec.sections)
            and (not spec.eras or q.era in spec.eras))


def _in_focus(q: Question, focus: tuple[tuple[str, str], ...]) -> bool:
    return any(getattr(q, dimension) == value for dimension, value in focus)


def make_exam(corpus: Corpus, spec: ExamSpec) -> list[Question]:
    """Up to `spec.count` questions that fit the spec, kinds taking turns; focus areas first when given."""
    fitting = [q for q in question_pool(corpus) if _fits(q, spec)]
    if not fitting:
        raise ValueError("No question fits these choices; choose more sections, eras or kinds.")
    rng = random.Random(spec.seed)
    rng.shuffle(fitting)
    groups = [[q for q in fitting if _in_focus(q, spec.focus)], [q for q in fitting if not _in_focus(q, spec.focus)]]
    chosen: list[Question] = []
    for group in groups:
        by_kind = {k: [q for q in group if q.kind == k] for k in spec.kinds}
        while len(chosen) < spec.count and any(by_kind.values()):
            for kind in spec.kinds:
                if by_kind[kind] and len(chosen) < spec.count:
                    chosen.append(by_kind[kind].pop())
    return chosen


# ---------------------------------------------------------------- grading

@dataclass(frozen=True)
class Grade:
    score: float  # 0–1
    correct: bool
    answered: bool


UNANSWERED = Grade(0.0, False, False)


def _index(value: object, limit: int) -> int | None:
    """`value` as the index of one of `limit` options, or None (True and False are no indexes)."""
    return value if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < limit else None


def _indexes(response: object, limit: int) -> list[int] | None:
    """A list of option indexes, or None if `response` is not one."""
    if not isinstance(response, (list, tuple, set, frozenset)):
        return None
    out = [r for r in response if _index(r, limit) is not None]
    return out if len(out) == len(response) else None


def _grade_choice(q: Question, response: object) -> Grade:
    if _index(response, len(q.options)) is None:
        return UNANSWERED
    return Grade(float(response == q.key[0]), response == q.key[0], True)


def _grade_multi(q: Question, response: object) -> Grade:
    """A point share for each right pick, less one for each wrong pick, never below zero; a pick counts once."""
    chosen = _indexes(response, len(q.options))
    if not chosen:
        return UNANSWERED
    picked, key = set(chosen), set(q.key)
    score = max(0.0, (len(picked & key) - len(picked - key)) / len(key))
    return Grade(score, picked == key, True)


def _blank_matches(q: Question, typed: str) -> bool:
    """The typed form is accepted; or, for a number, the typed digits are it ("16,484 ties", «۱۳۷۹ ش»)."""
    form = blank_form(typed)
    if form in q.accept:
        return True
    numbers = [a for a in q.accept if re.fullmatch(r"[0-9]+", a)]
    return bool(numbers) and re.sub(r"[^0-9]", "", form) in numbers


def _grade_blank(q: Question, response: object) -> Grade:
    if not isinstance(response, str) or not blank_form(response):
        return UNANSWERED
    ok = _blank_matches(q, response)
    return Grade(float(ok), ok, True)


def _grade_match(q: Question, response: object) -> Grade:
    """`response`: for each item, the index of the option picked for it (or None); a share per right pair."""
    if not isinstance(response, (list, tuple)) or len(response) != len(q.items):
        return UNANSWERED
    if all(r is None for r in response) or any(r is not None and _index(r, len(q.options)) is None
                                               for r in response):
        return UNANSWERED
    right = sum(1 for r, k in zip(response, q.key) if r == k)
    return Grade(right / len(q.key), right == len(q.key), True)


def _grade_order(q: Question, response: object) -> Grade:
    """`response`: the shown items' indexes in the student's order; credit for every pair in the right order."""
    order = _indexes(response, len(q.options))
    if order is None or sorted(order) != list(range(len(q.options))):
        return UNANSWERED
    position = {item: n for n, item in enumerate(order)}
    pairs = [(a, b) for i, a in enumerate(q.key) for b in q.key[i + 1:]]
    right = sum(1 for a, b in pairs if position[a] < position[b])
    return Grade(right / len(pairs), right == len(pairs), True) if pairs else Grade(1.0, True, True)


def _grade_open(corpus: Corpus, q: Question, response: object) -> Grade:
    """Graded in the language the answer is written in, whatever the interface's."""
    if not isinstance(response, str) or not response.strip():
        return UNANSWERED
    coverage = open_coverage(corpus, q, response[:MAX_OPEN_CHARS], detect_lang(response))
    needed = settings()["open_answer"]["pass_score"]
    return Grade(min(1.0, coverage / needed), coverage >= needed, True)


GRADERS: dict[str, Callable[[Question, object], Grade]] = {
    "choice": _grade_choice, "multi": _grade_multi, "blank": _grade_blank, "match": _grade_match,
    "order": _grade_order}


def grade(corpus: Corpus, q: Question, response: object) -> Grade:
    """Grade one response; anything malformed or empty counts as unanswered (score 0), never an error."""
    if q.kind == "open":
        return _grade_open(corpus, q, response)
    if q.kind not in GRADERS:
        raise ValueError(f"unknown kind of question {q.kind!r}")
    return GRADERS[q.kind](q, response)


# ---------------------------------------------------------------- open answers: key facts

def _stem(lemma: str) -> str:
    return lemma[:settings()["open_answer"]["prefix_chars"]]


def key_facts(corpus: Corpus, q: Question, lang: str) -> dict[str, float]:
    """The key facts of the cited sentence: its content lemmas (as stems) that the prompt does not give away and
    that do not merely frame a definition, weighted by rarity in the paper (idf)."""
    sentence = corpus.sentence_by_id[q.cite]
    weights = idf(corpus, lang)
    given = {_stem(x) for x in content_lemmas(q.prompt[lang])}
    given |= {_stem(w) for w in settings()["open_answer"]["frame_words"][lang]}
    facts: dict[str, float] = {}
    for lemma in content_lemmas(sentence.fa if lang == "fa" else sentence.en):
        if _stem(lemma) not in given and len(lemma) > 1:
            facts[_stem(lemma)] = weights[lemma]
    return facts


def open_coverage(corpus: Corpus, q: Question, answer: str, lang: str) -> float:
    """The share (idf-weighted) of the sentence's key facts that the answer states."""
    facts = key_facts(corpus, q, lang)
    if not facts:
        return 0.0
    said = {_stem(x) for x in content_lemmas(answer)}
    return sum(w for t, w in facts.items() if t in said) / sum(facts.values())


# ---------------------------------------------------------------- results

def records(questions: list[Question], grades: list[Grade], source: str = "exam") -> list[AnswerRecord]:
    """What to save for an exam: one record per question."""
    return [AnswerRecord(q.id, source, q.kind, q.topic, q.section, q.era, g.score, q.cite)
            for q, g in zip(questions, grades)]


def score_by(questions: list[Question], grades: list[Grade], dimension: str) -> list[tuple[str, float, int]]:
    """(value, points, questions) per section or era, in reading order."""
    totals: dict[str, list[float]] = {}
    for q, g in zip(questions, grades):
        value = getattr(q, dimension)
        if value:
            totals.setdefault(value, []).append(g.score)
    return [(v, sum(totals[v]), len(totals[v])) for v in SECTION_IDS if v in totals]
