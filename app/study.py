"""What every study tool shares (the study data in corpus/study/, citations, labels of ties and eras) and the
quiz: multiple-choice questions generated from Table 2, the eras and the paper.

Every question is built from the data with exactly one correct option; the explanation cites its source. A
generator makes the same choices in both languages for the same random state, so a quiz survives a switch of
interface language.
"""
from __future__ import annotations

import math
import random
import re
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import cache, wraps

from app.corpus import CONTINENT_NAMES_FA, CORPUS_DIR, FOOTNOTE_MARK, Agreement, Corpus, Era, Paragraph, read_json
from app.normalize import fold, fold_digits

STUDY_DIR = CORPUS_DIR / "study"
LANGS = ("fa", "en")
Text = dict[str, str]  # {"fa": …, "en": …}
CORPORA_KEPT = 4  # corpora whose derived data (decks, question pool, idf) stay cached


# ---------------------------------------------------------------- study data

@cache
def settings() -> dict:
    """corpus/study/settings.json: which parts of the paper the study tools use."""
    return read_json(STUDY_DIR / "settings.json")


@cache
def templates() -> dict[str, Text]:
    """corpus/study/templates.json: every sentence the study tools write, in both languages."""
    data = read_json(STUDY_DIR / "templates.json")
    for name, value in data.items():
        if not name.startswith("_") and (not isinstance(value, dict) or set(value) != set(LANGS)):
            raise ValueError(f"{STUDY_DIR / 'templates.json'}: {name!r} must give exactly 'fa' and 'en'")
    return data


def phrase(name: str, lang: str, **values: object) -> str:
    """The study template `name` in `lang`, filled with `values`."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fa' or 'en', got {lang!r}")
    try:
        return templates()[name][lang].format(**values)
    except KeyError as exc:
        raise ValueError(f"corpus/study/templates.json: {name!r} is missing or lacks the field {exc}") from None


def both(name: str, values: Callable[[str], dict] | None = None) -> Text:
    """The template `name` in both languages; `values(lang)` gives each language's fields."""
    return {lang: phrase(name, lang, **(values(lang) if values else {})) for lang in LANGS}


def per_corpus(fn: Callable) -> Callable:
    """Cache `fn(corpus, *args)` per corpus object (a Corpus is costly to hash) for the last few corpora, so that
    corpora a long-running process stops using are let go."""
    kept: dict[int, tuple[Corpus, dict]] = {}  # id(corpus) → (corpus, {args: result}), oldest first

    @wraps(fn)
    def wrapper(corpus: Corpus, *args: object) -> object:
        entry = kept.pop(id(corpus), None)
        if entry is None or entry[0] is not corpus:
            entry = (corpus, {})
        kept[id(corpus)] = entry  # now the newest
        while len(kept) > CORPORA_KEPT:
            del kept[next(iter(kept))]
        if args not in entry[1]:
            entry[1][args] = fn(corpus, *args)
        return entry[1][args]

    return wrapper


def bilingual(text_in: Callable[[str], str]) -> Text:
    """`{"fa": text_in("fa"), "en": text_in("en")}`."""
    return {lang: text_in(lang) for lang in LANGS}


# ---------------------------------------------------------------- citations

def cite_exists(corpus: Corpus, cite: str) -> bool:
    """Is `cite` a sentence id (3-3.5/2), a paragraph or table-row id (3-4.3, table2.6) or a section id?"""
    return cite in corpus.sentence_by_id or cite in corpus.paragraph_by_id or cite in corpus.section_by_id


def _section_ref(corpus: Corpus, section: str, lang: str) -> str:
    """"§3-4" («بخش 3-4»), or the title of a section without a number ("Abstract", «چکیده»)."""
    if any(ch.isdigit() for ch in section):
        return phrase("cite_section", lang, section=section)
    title = corpus.section_by_id[section]
    return title.title_fa if lang == "fa" else title.title_en


def cite_label(corpus: Corpus, cite: str, lang: str) -> str:
    """A citation as a reader sees it: "§3-4 ¶3", "Table 2, row 6", "§3-3 ¶5, sentence 2", "Abstract ¶1"."""
    if not cite_exists(corpus, cite):
        raise ValueError(f"unknown citation {cite!r}")
    if cite in corpus.section_by_id:
        return _section_ref(corpus, cite, lang)
    paragraph_id, _, sentence = cite.partition("/")
    prefix, _, number = paragraph_id.rpartition(".")
    if prefix in ("table1", "table2"):
        if number == "0":
            return phrase("cite_caption", lang, n=prefix[-1])
        return phrase("cite_row" if prefix == "table2" else "cite_item", lang, row=number, n=number)
    ref = _section_ref(corpus, prefix, lang)
    if sentence:
        return phrase("cite_sentence", lang, ref=ref, n=number, s=sentence)
    return phrase("cite_paragraph", lang, ref=ref, n=number)


def cite_text(corpus: Corpus, cite: str, lang: str) -> str:
    """The cited words themselves: the sentence, paragraph or section title."""
    if cite in corpus.sentence_by_id:
        sentence = corpus.sentence_by_id[cite]
        return sentence.fa if lang == "fa" else sentence.en
    if cite in corpus.paragraph_by_id:
        paragraph = corpus.paragraph_by_id[cite]
        return paragraph.fa if lang == "fa" else paragraph.en
    section = corpus.section_by_id[cite]
    return section.title_fa if lang == "fa" else section.title_en


# ---------------------------------------------------------------- shared labels

_REMARK = re.compile(r"\s*\([^()]*\)\s*$")


def era_name(era: Era, lang: str) -> str:
    """The era's usual short name: "reform" («اصلاحات»)."""
    return era.short_fa[0] if lang == "fa" else era.short_en[0]


def head_name(era: Era, lang: str) -> str | None:
    """The head of government's name without the paper's remark on it ("Mehdi Bazargan"), or None."""
    head = era.head_fa if lang == "fa" else era.head_en
    return _REMARK.sub("", head) if head else None


def head_or_none(era: Era, lang: str) -> str:
    """The head of government as the paper gives it, or a phrase saying that the paper names none."""
    return (era.head_fa if lang == "fa" else era.head_en) or phrase("no_head", lang)


def era_label(corpus: Corpus, era_id: str, lang: str) -> str:
    """"reform (Seyyed Mohammad Khatami)"."""
    era = corpus.era_by_id[era_id]
    head = head_name(era, lang)
    return f"{era_name(era, lang)} ({head})" if head else era_name(era, lang)


def city_label(a: Agreement, lang: str) -> str:
    """"Havana (Cuba)"."""
    return f"{a.city_fa} ({a.country_fa})" if lang == "fa" else f"{a.city_en} ({a.country_en})"


def row_source(a: Agreement, lang: str) -> str:
    """The cited row, as the explanation of an answer: "Table 2, row 6: sister-city pact, 17/12/1379 SH"."""
    doc_type = a.doc_type_fa if lang == "fa" else a.doc_type_en
    return phrase("row_source", lang, row=a.row, doc_type=doc_type, date=a.date_as_printed,
                  gregorian=a.date_gregorian)


def clean_item(text: str) -> str:
    """A list item without its number and trailing web source: "1- Defining clear goals;" → "Defining clear goals"."""
    text = re.sub(r"^[\d۰-۹١-٩]+\s*[-–.]\s*", "", text)
    text = re.sub(r"\s*\(www\.[^)]*\)\.?", "", text)
    return text.strip(" ؛;.")


def conditions(corpus: Corpus) -> list[Paragraph]:
    """The numbered conditions of section 3-4."""
    return [p for p in corpus.section_paragraphs(settings()["conditions_section"]) if p.kind == "list_item"]


def goals(corpus: Corpus) -> list[Paragraph]:
    """The goals listed in Table 1."""
    return [p for p in corpus.paragraphs if p.table == settings()["goals_table"] and p.kind == "list_item"]


def list_intro(corpus: Corpus, first_item_id: str) -> str:
    """The paragraph or caption that introduces the list starting at `first_item_id` (3-4.2, table1.0)."""
    order = corpus.paragraph_by_id[first_item_id].order
    return [p for p in corpus.paragraphs if p.order < order and p.kind in ("paragraph", "caption")][-1].id


@dataclass(frozen=True)
class Definition:
    section: str
    paragraph: str
    sentence: str  # sentence id
    term: Text
    text: Text  # the defining sentence
    masked: Text  # the sentence with the term replaced by "…"


def _mask(sentence: str, term: str) -> str:
    return re.sub(re.escape(term).replace(r"\ ", r"[\s\-]"), "…", sentence, flags=re.I)


@per_corpus
def _definitions_cached(corpus: Corpus) -> tuple[Definition, ...]:
    out = []
    for section_id in settings()["definition_sections"]:
        section = corpus.section_by_id[section_id]
        paragraph = corpus.section_paragraphs(section_id)[0]
        sentence = next(s for s in corpus.sentences if s.paragraph == paragraph.id)
        term = {"fa": section.title_fa, "en": section.title_en}
        text = {lang: sentence.text(lang) for lang in LANGS}
        masked = {lang: _mask(plain(text[lang]), term[lang]) for lang in LANGS}
        if all("…" in masked[lang] for lang in LANGS):
            out.append(Definition(section_id, paragraph.id, sentence.id, term, text, masked))
    return tuple(out)


def definitions(corpus: Corpus) -> list[Definition]:
    """The sections that open by defining their title (3-1, 3-2, 3-3), the term masked in both languages."""
    return list(_definitions_cached(corpus))


# ---------------------------------------------------------------- the quiz

@dataclass(frozen=True)
class QuizQuestion:
    kind: str
    prompt: str
    options: tuple[str, ...]
    answer: int  # index of the correct option
    explanation: str
    source: dict = field(default_factory=dict)  # {"row": 6} or {"paragraph": "3-4.5", "section": "3-4"}


def _options(rng: random.Random, correct: object, distractors: list, count: int = 3) -> tuple[list, int]:
    """The correct key and `count` distractor keys, shuffled; keys are language-independent."""
    keys = [correct] + [d for d in dict.fromkeys(distractors) if d != correct][:count]
    rng.shuffle(keys)
    return keys, keys.index(correct)


def era_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """In which era was the tie with a city signed? (Table 2)"""
    a = rng.choice(corpus.agreements)
    era_ids = sorted({x.era_id for x in corpus.agreements})
    keys, answer = _options(rng, a.era_id, [e for e in era_ids if e != a.era_id])
    return QuizQuestion("era_of_tie", phrase("era_of_tie", lang, city=city_label(a, lang)),
                        tuple(era_label(corpus, k, lang) for k in keys), answer, row_source(a, lang), {"row": a.row})


def ties_in_era(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """How many ties in an era? Wrong options lie near the right count."""
    era = rng.choice([e for e in corpus.eras if e.ties])
    correct = sum(1 for a in corpus.agreements if a.era_id == era.id)
    near = [n for n in range(max(0, correct - 6), correct + 7) if n != correct]
    keys, answer = _options(rng, correct, sorted(rng.sample(near, 3)))
    prompt = phrase("ties_in_era", lang, era=era_label(corpus, era.id, lang))
    explanation = phrase("ties_in_era_why", lang, section=era.id, count=correct)
    return QuizQuestion("ties_in_era", prompt, tuple(str(k) for k in keys), answer, explanation, {"section": era.id})


def _doc_type_keys(corpus: Corpus, a: Agreement) -> list[tuple[str, str]]:
    """Document types (fa, en) that differ from `a`'s, and from each other, in both languages."""
    seen_fa, seen_en, out = {a.doc_type_fa}, {a.doc_type_en}, []
    for fa, en in sorted({(x.doc_type_fa, x.doc_type_en) for x in corpus.agreements}):
        if fa not in seen_fa and en not in seen_en:
            seen_fa.add(fa)
            seen_en.add(en)
            out.append((fa, en))
    return out


def document_type(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """What kind of document was signed with a city? (Table 2)"""
    a = rng.choice(corpus.agreements)
    correct = (a.doc_type_fa, a.doc_type_en)
    keys, answer = _options(rng, correct, rng.sample(_doc_type_keys(corpus, a), 3))
    options = tuple(fa if lang == "fa" else en for fa, en in keys)
    return QuizQuestion("document_type", phrase("document_type", lang, city=city_label(a, lang)), options, answer,
                        row_source(a, lang), {"row": a.row})


def year_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """In which year (SH) was the tie with a city signed? (Table 2)"""
    a = rng.choice(corpus.agreements)
    years = sorted({x.year for x in corpus.agreements if x.year != a.year})
    keys, answer = _options(rng, a.year, rng.sample(years, 3))
    return QuizQuestion("year_of_tie", phrase("year_of_tie", lang, city=city_label(a, lang)),
                        tuple(str(k) for k in keys), answer, row_source(a, lang), {"row": a.row})


def continent_name(continent: str, lang: str) -> str:
    """"Asia" («آسیا»)."""
    return CONTINENT_NAMES_FA[continent] if lang == "fa" else continent


def continent_of_tie(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """On which continent is a city, in the paper's count (section 5)?"""
    a = rng.choice(corpus.agreements)
    with_ties = [c for c in CONTINENT_NAMES_FA if any(x.continent == c for x in corpus.agreements)]
    keys, answer = _options(rng, a.continent, [c for c in with_ties if c != a.continent])
    counts = Counter(x.continent for x in corpus.agreements).most_common()
    counted = phrase("list_sep", lang).join(f"{continent_name(c, lang)} {n}" for c, n in counts)
    return QuizQuestion("continent_of_tie", phrase("continent_of_tie", lang, city=city_label(a, lang)),
                        tuple(continent_name(k, lang) for k in keys), answer,
                        phrase("continent_why", lang, counts=counted), {"row": a.row, "section": "5"})


def distractor_terms(corpus: Corpus) -> list[Text]:
    """Glossary terms named in settings.json as plausible wrong answers to "which term is defined so?"."""
    by_en = {t.en: t for t in corpus.glossary}
    missing = [name for name in settings()["definition_distractors"] if name not in by_en]
    if missing:
        raise ValueError(f"corpus/study/settings.json: definition_distractors not in the glossary: {missing}")
    return [{"fa": by_en[name].fa, "en": by_en[name].en} for name in settings()["definition_distractors"]]


def defined_term(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """Which term does this definition (the term masked) define?"""
    found = definitions(corpus)
    chosen = rng.choice(found)
    terms = {d.section: d.term for d in found} | {f"glossary:{t['en']}": t for t in distractor_terms(corpus)}
    keys, answer = _options(rng, chosen.section, [k for k in terms if k != chosen.section])
    return QuizQuestion("defined_term", phrase("defined_term", lang, text=chosen.masked[lang]),
                        tuple(terms[k][lang] for k in keys), answer,
                        phrase("paragraph_why", lang, paragraph=chosen.paragraph),
                        {"paragraph": chosen.paragraph, "section": chosen.section})


def missing_condition(corpus: Corpus, rng: random.Random, lang: str) -> QuizQuestion:
    """Five conditions of 3-4 are shown: which is the sixth? (Wrong options: goals of Table 1.)"""
    listed = conditions(corpus)
    text = (lambda p: clean_item(p.fa if lang == "fa" else p.en))  # noqa: E731
    missing = rng.choice(listed)
    shown = phrase("item_sep", lang).join(text(p) for p in listed if p is not missing)
    keys, answer = _options(rng, missing.id, [p.id for p in rng.sample(goals(corpus), 3)])
    section = settings()["conditions_section"]
    return QuizQuestion("missing_condition", phrase("missing_condition", lang, section=section, shown=shown),
                        tuple(text(corpus.paragraph_by_id[k]) for k in keys), answer,
                        phrase("missing_condition_why", lang, paragraph=missing.id),
                        {"paragraph": missing.id, "section": section})


GENERATORS = (era_of_tie, ties_in_era, document_type, year_of_tie, continent_of_tie, defined_term, missing_condition)
QUIZ_LENGTHS: tuple[int, ...] = tuple(settings()["quiz"]["lengths"])


def make_quiz(corpus: Corpus, lang: str = "en", count: int = 10, seed: int | None = None) -> list[QuizQuestion]:
    """`count` generated questions, every kind represented before any repeats; the same in both languages."""
    if lang not in LANGS:
        raise ValueError(f"lang must be 'fa' or 'en', got {lang!r}")
    if not isinstance(count, int) or count < 1:
        raise ValueError("count must be a whole number of at least 1")
    rng = random.Random(seed)
    kinds = list(GENERATORS)
    rng.shuffle(kinds)
    questions, seen = [], set()
    attempts = 0
    while len(questions) < count and attempts < count * 20:
        generator = kinds[(len(questions) + attempts) % len(kinds)]
        attempts += 1
        question = generator(corpus, rng, lang)
        if question.prompt in seen:
            continue
        seen.add(question.prompt)
        questions.append(question)
    return questions


def quiz_place(corpus: Corpus, question: QuizQuestion) -> dict:
    """Where a quiz question belongs, for progress: {"section", "era", "cite"}."""
    source = question.source
    if "row" in source:
        a = corpus.agreement_by_row[source["row"]]
        return {"section": source.get("section", "4-2"), "era": a.era_id, "cite": f"table2.{a.row}"}
    section = source.get("section", "")
    era = section if section in corpus.era_by_id else None
    return {"section": section, "era": era, "cite": source.get("paragraph") or section}


# ---------------------------------------------------------------- figures

_DIGIT_RUN = re.compile(r"[0-9۰-۹٠-٩]+")
_LATIN_PARENS = re.compile(r"\([^()]*[A-Za-z][^()]*\)")


@dataclass(frozen=True)
class Figure:
    sentence: str  # sentence id
    section: str
    text: Text  # the sentence, footnote marks and Latin source references removed
    numbers: tuple[str, ...]  # ASCII digits, in reading order, each in both languages' text


def numbers_in(text: str) -> list[str]:
    """Numbers of two or more digits in `text` (any script), as ASCII."""
    return [fold_digits(m) for m in _DIGIT_RUN.findall(text) if len(m) >= 2]


def figure_numbers(text: Text) -> tuple[str, ...]:
    """The numbers (two or more digits) that a sentence gives in both languages, once each, in English order."""
    persian = set(numbers_in(text["fa"]))
    return tuple(dict.fromkeys(n for n in numbers_in(text["en"]) if n in persian))


def numbers_line(numbers: tuple[str, ...] | list[str], lang: str) -> str:
    """Figures side by side: "16484 · 12596 · 165"; in Persian «16484، 12596، 165» (a middle dot beside Persian
    digits reads as a zero)."""
    return phrase("numbers_sep", lang).join(numbers)


def plain(text: str) -> str:
    """A sentence for display and numbers: footnote marks and Latin source references removed."""
    text = re.sub(r"\s+", " ", _LATIN_PARENS.sub("", FOOTNOTE_MARK.sub("", text)))
    return re.sub(r"\s+([.،,;؛:])", r"\1", text).strip()


@per_corpus
def _figures_cached(corpus: Corpus) -> tuple[Figure, ...]:
    out = []
    for sentence_id in settings()["figure_sentences"]:
        sentence = corpus.sentence_by_id.get(sentence_id)
        if sentence is None:
            raise ValueError(f"corpus/study/settings.json: figure sentence {sentence_id!r} is not in the corpus")
        text = {"fa": plain(sentence.fa), "en": plain(sentence.en)}
        numbers = figure_numbers(text)
        if numbers:
            out.append(Figure(sentence.id, sentence.section, text, numbers))
    return tuple(out)


def figures(corpus: Corpus) -> list[Figure]:
    """The figures an exam asks (16484 ties, 1920, 1956 …), read from the sentences named in settings.json."""
    return list(_figures_cached(corpus))


def blank_out(text: str, numbers: tuple[str, ...] | list[str], blank: str = "____") -> str:
    """`text` with every written form (any digit script) of `numbers` replaced by a blank."""
    return _DIGIT_RUN.sub(lambda m: blank if fold_digits(m.group(0)) in numbers else m.group(0), text)


# ---------------------------------------------------------------- words and lemmas

_PUNCTUATION = re.compile(r"[-,.;:!?()«»“”\"،؛؟]")
_CITATION_PARENS = re.compile(r"\([^()]*\d{4}[^()]*\)")


def padded_words(text: str) -> str:
    """Folded text with hyphens and punctuation as spaces, padded with a space: for whole-word matching."""
    return " " + " ".join(_PUNCTUATION.sub(" ", fold(text)).split()) + " "


def mentions(text: str, forms: tuple[str, ...] | list[str]) -> bool:
    """Does `text` use one of `forms` as whole words (any spelling that `fold` folds together)?"""
    words = padded_words(text)
    return any(padded_words(form) in words for form in forms if form and form.strip())


def content_lemmas(text: str) -> list[str]:
    """The lemmas (app.ranker.lemmas) of `text` without footnote marks, source references and citations."""
    from app.ranker import lemmas  # hazm and rishe load on first use

    return lemmas(_CITATION_PARENS.sub(" ", plain(text)))


@per_corpus
def idf(corpus: Corpus, lang: str) -> dict[str, float]:
    """lemma → inverse document frequency over the paper's sentences in `lang` (rare words weigh more)."""
    counts: Counter = Counter()
    for sentence in corpus.sentences:
        counts.update(set(content_lemmas(sentence.fa if lang == "fa" else sentence.en)))
    total = len(corpus.sentences)
    return {lemma: math.log((1 + total) / (1 + n)) + 1 for lemma, n in counts.items()}
