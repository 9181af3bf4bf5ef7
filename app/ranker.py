"""Features that say how well each sentence of the paper answers a question, for the learned ranker.

Per (question, sentence): dense similarity in both languages; doc2query similarity (to the bank questions
whose gold is that sentence); BM25 over lemmas; the predicted section; the question type against the
sentence's shape (`tags` in sentences.jsonl); the names both share; and, for a follow-up, nearness to the
sentences of the previous answer. The same code builds training rows and scores questions at run time.
"""
from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import bm25s
import numpy as np

from app.corpus import Corpus, Sentence, parent_section
from app.gazetteer import Gazetteer, Mentions
from app.index import SearchIndex
from app.normalize import stem_en, tokens

# The question type a sentence shape answers: (asks, tags that fit it).
SHAPE_FIT = (("definition", ("definition",)), ("reason", ("cause",)), ("number", ("number",)),
             ("date", ("date",)), ("person", ("person",)), ("place", ("place",)), ("source", ("source",)),
             ("list", ("list_intro",)))
FEATURES = ("dense_own", "dense_other", "dense_z", "dense_top", "d2q_max", "d2q_mean2", "d2q_z", "d2q_top",
            "d2q_none", "bm25", "bm25_top", "section_p", "section_named", "names_shared", "names_missing",
            "era_section", *(f"fit_{asks}" for asks, _ in SHAPE_FIT), "list_item", "caption", "first_in_paragraph",
            "context_same_paragraph", "context_next", "context_same", "context_same_fit")


@lru_cache(maxsize=1)
def _lemmatizer():
    from rishe import Lemmatizer

    return Lemmatizer()


def lemmas(text: str) -> list[str]:
    """BM25 tokens with Persian words lemmatized by rishe («پایتختی» → «پایتخت») and English plurals cut."""
    out = []
    for token in tokens(text):
        if token.isascii():
            out.append(stem_en(token))
        else:
            out.append(_lemmatizer().lemmatize(token).split("#")[0] or token)
    return out


def section_class(sentence: Sentence) -> str:
    """The section a sentence belongs to, with Table 1 as its own part (it sits inside 3-2)."""
    return "table1" if sentence.paragraph.startswith("table1") else sentence.section


@dataclass
class RankQuery:
    """What the ranker needs to know about a question."""

    vector: np.ndarray
    lemmas: list[str]
    lang: str
    asks: dict[str, float]
    sections: dict[str, float]
    named_sections: tuple[str, ...]
    names: frozenset[str]
    eras: frozenset[str]
    context: tuple[str, ...] = ()  # sentence ids of the previous answer


def rank_query(vector: np.ndarray, text: str, lang: str, asks: dict, sections: dict, mentions: Mentions,
               context: tuple[str, ...] = (), section: str | None = None) -> RankQuery:
    """What the ranker needs of a question, from what understanding found in it (the same in training and at
    run time); `section`: one the conversation named before."""
    return RankQuery(vector=vector, lemmas=lemmas(text), lang=lang, asks=asks, sections=sections,
                     named_sections=tuple(filter(None, (section, *mentions.sections))),
                     names=frozenset(m.entity.key for m in mentions.found if m.entity.kind != "tehran"),
                     eras=frozenset(e for kind in ("era", "head") for x in mentions.of(kind) for e in x.eras),
                     context=context)


class SentenceTable:
    """The candidate sentences (every sentence that states a fact) with what is known about each."""

    def __init__(self, corpus: Corpus, gazetteer: Gazetteer, index: SearchIndex) -> None:
        self.sentences = [s for s in corpus.sentences if s.fact]
        self.index = {s.id: i for i, s in enumerate(self.sentences)}
        vectors = index.sentence_vectors
        self.vectors = {lang: np.stack([vectors[f"{s.id}|{lang}"] for s in self.sentences]) for lang in ("fa", "en")}
        self.names = [gazetteer.sentence_names(s) for s in self.sentences]
        self.sections = [section_class(s) for s in self.sentences]
        self.ancestors = [_ancestors(s) for s in self.sentences]
        self.bm25 = bm25s.BM25()
        self.bm25.index([lemmas(f"{s.fa} {s.en}") or ["<empty>"] for s in self.sentences], show_progress=False)
        self.vocab = set(self.bm25.vocab_dict)
        first = {}
        for i, s in enumerate(self.sentences):
            first.setdefault(s.paragraph, i)
        self.first_in_paragraph = np.array([first[s.paragraph] == i for i, s in enumerate(self.sentences)], float)
        self.tags = [set(s.tags) for s in self.sentences]

    def bm25_scores(self, query_lemmas: list[str]) -> np.ndarray:
        words = [w for w in query_lemmas if w in self.vocab]
        if not words:
            return np.zeros(len(self.sentences), dtype=np.float32)
        return np.asarray(self.bm25.get_scores(words), dtype=np.float32)


class Doc2Query:
    """Similarity of a question to the bank questions whose gold is each sentence (max, mean of the top two)."""

    def __init__(self, table: SentenceTable, vectors: np.ndarray, gold: list[tuple[str, ...]]) -> None:
        self.vectors = np.asarray(vectors, dtype=np.float32)
        pairs = sorted((table.index[g], q) for q, golds in enumerate(gold) for g in golds if g in table.index)
        self.question_of_pair = np.array([q for _, q in pairs], dtype=np.int64)
        self.sentence_of_pair = np.array([s for s, _ in pairs], dtype=np.int64)
        self.size = len(table.sentences)

    def scores(self, vector: np.ndarray, exclude: np.ndarray | None = None) -> tuple[np.ndarray, np.ndarray]:
        """(max, mean of top two) per sentence; `exclude` masks bank questions (cross-fitting in training)."""
        best = np.full(self.size, -1.0, dtype=np.float32)
        second = np.full(self.size, -1.0, dtype=np.float32)
        if not len(self.question_of_pair):
            return best, best
        sims = self.vectors @ vector
        pair_sims = sims[self.question_of_pair]
        if exclude is not None:
            pair_sims = np.where(exclude[self.question_of_pair], -1.0, pair_sims)
        for sentence, sim in zip(self.sentence_of_pair, pair_sims):
            if sim > best[sentence]:
                best[sentence], second[sentence] = sim, best[sentence]
            elif sim > second[sentence]:
                second[sentence] = sim
        mean2 = np.where(second > -1.0, (best + second) / 2, best)
        return best, mean2


def features(table: SentenceTable, query: RankQuery, d2q: tuple[np.ndarray, np.ndarray]) -> np.ndarray:
    """One row of FEATURES per candidate sentence."""
    own = table.vectors[query.lang] @ query.vector
    other = table.vectors["en" if query.lang == "fa" else "fa"] @ query.vector
    dense = np.maximum(own, other)
    d2q_max, d2q_mean = d2q
    has_d2q = d2q_max > -1.0
    d2q_filled = np.where(has_d2q, d2q_max, dense.min())
    bm25 = table.bm25_scores(query.lemmas)
    columns = {
        "dense_own": own, "dense_other": other, "dense_z": _z(dense), "dense_top": _top(dense),
        "d2q_max": np.where(has_d2q, d2q_max, 0.0), "d2q_mean2": np.where(has_d2q, d2q_mean, 0.0),
        "d2q_z": _z(d2q_filled), "d2q_top": _top(d2q_filled), "d2q_none": (~has_d2q).astype(float),
        "bm25": bm25 / bm25.max() if bm25.max() > 0 else bm25, "bm25_top": _top(bm25) if bm25.max() > 0 else bm25,
        "section_p": np.array([query.sections.get(s, 0.0) for s in table.sections]),
        "section_named": np.array([bool(set(query.named_sections) & a) for a in table.ancestors], float),
        "names_shared": np.array([len(query.names & n) / len(query.names) if query.names else 0.0
                                  for n in table.names]),
        "names_missing": np.array([float(bool(query.names) and not (query.names & n)) for n in table.names]),
        "era_section": np.array([float(bool(query.eras & a)) for a in table.ancestors]),
        "list_item": np.array([s.kind == "list_item" for s in table.sentences], float)
        * (query.asks.get("list", 0.0)),
        "caption": np.array([s.kind == "caption" for s in table.sentences], float),
        "first_in_paragraph": table.first_in_paragraph,
    }
    for asks, tags in SHAPE_FIT:
        fit = np.array([bool(set(tags) & t) for t in table.tags], float)
        columns[f"fit_{asks}"] = fit * query.asks.get(asks, 0.0)
    context = [table.sentences[table.index[c]] for c in query.context if c in table.index]
    paragraphs = {s.paragraph for s in context}
    after = {table.index[c.id] + 1 for c in context}
    columns["context_same_paragraph"] = np.array([s.paragraph in paragraphs for s in table.sentences], float)
    columns["context_next"] = np.array([i in after for i in range(len(table.sentences))], float)
    # said just before: right again for "which source?" when it cites one, rarely for "give an example"
    columns["context_same"] = np.array([s.id in query.context for s in table.sentences], float)
    columns["context_same_fit"] = columns["context_same"] * sum(columns[f"fit_{asks}"] for asks, _ in SHAPE_FIT)
    return np.column_stack([columns[name] for name in FEATURES]).astype(np.float32)


def _z(values: np.ndarray) -> np.ndarray:
    spread = values.std()
    return (values - values.mean()) / spread if spread > 0 else np.zeros_like(values)


def _top(values: np.ndarray) -> np.ndarray:
    """1 for the best candidate, 1/2 for the second, …: where it stands among all the sentences."""
    ranks = np.empty(len(values))
    ranks[np.argsort(-values, kind="stable")] = np.arange(1, len(values) + 1)
    return 1.0 / ranks


def _ancestors(sentence: Sentence) -> set[str]:
    """The sentence's section and its parents, plus "table1" for Table 1 items."""
    out, section = set(), sentence.section
    while section:
        out.add(section)
        section = parent_section(section)
    if sentence.paragraph.startswith("table1"):
        out.add("table1")
    return out
