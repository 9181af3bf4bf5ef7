"""Hybrid retrieval: BM25 and dense (FAISS) rankings fused, for Persian and English questions alike.

The query is expanded with the glossary before BM25 sees it: a term the user typed in one language
(or a spelling variant) brings its forms in the other, so "Freetown" also matches «فری‌تاون».
The dense side needs no expansion: the multilingual model puts both languages in one space.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from app.chunking import Chunk
from app.corpus import Corpus
from app.embedding import Embedder
from app.index import SearchIndex
from app.normalize import fold, section_ids_in, tokens

RRF_K = 60
MODES = ("hybrid", "bm25", "dense")
SECTION_BOOST = 0.25  # added to the fused score of chunks inside a section the query names by its id


@dataclass(frozen=True)
class Hit:
    chunk: Chunk
    score: float
    bm25_rank: int | None = None
    dense_rank: int | None = None


class Retriever:
    """Search one index. Read-only after construction, so one instance serves every conversation."""

    def __init__(self, corpus: Corpus, index: SearchIndex, embedder: Embedder, fusion: str = "rrf") -> None:
        if fusion not in ("rrf", "score"):
            raise ValueError(f"fusion must be 'rrf' or 'score', got {fusion!r}")
        self.corpus, self.index, self.embedder, self.fusion = corpus, index, embedder, fusion
        self._vocab = set(index.bm25.vocab_dict) if hasattr(index.bm25, "vocab_dict") else None
        self._expansions = _glossary_expansions(corpus)
        # answers embed the same text the search just did: remember recent query vectors
        self.query_vector = lru_cache(maxsize=256)(self._embed_query)
        self._acronyms = [(re.compile(rf"(?<![A-Za-z]){re.escape(form)}(?![A-Za-z])"), term)
                          for term in corpus.glossary for form in term.all_forms
                          if 2 <= len(form) <= 5 and form.isupper() and form.isascii()]

    def expand(self, query: str) -> str:
        """The query plus every form (both languages, variants) of each glossary term it mentions."""
        extra = [form for term in self.matched_terms(query) for form in term.all_forms]
        return " ".join([query, *dict.fromkeys(extra)])

    def matched_terms(self, query: str) -> list:
        """The glossary terms that `query` mentions in any of their forms (acronyms such as "EU" only in capitals)."""
        folded = f" {fold(query)} "
        found = [term for pattern, term in self._expansions if pattern.search(folded)]
        found += [term for pattern, term in self._acronyms if pattern.search(query) and term not in found]
        return found

    def section_refs(self, query: str) -> list[str]:
        """Sections the query names by id: "section 3-2", «بخش ۴-۱-۵»."""
        return [s for s in section_ids_in(query) if s in self.corpus.section_by_id]

    def bm25_scores(self, query: str) -> np.ndarray:
        query_tokens = tokens(self.expand(query))
        if self._vocab is not None:
            query_tokens = [t for t in query_tokens if t in self._vocab]
        if not query_tokens:
            return np.zeros(len(self.index.chunks), dtype=np.float32)
        return np.asarray(self.index.bm25.get_scores(query_tokens), dtype=np.float32)

    def _embed_query(self, query: str) -> np.ndarray:
        vector = self.embedder.embed_queries([query]).astype(np.float32)[0]
        vector.setflags(write=False)
        return vector

    def dense_scores(self, query: str) -> np.ndarray:
        vector = self.query_vector(query)[None, :]
        scores, ids = self.index.vectors.search(vector, len(self.index.chunks))
        out = np.zeros(len(self.index.chunks), dtype=np.float32)
        out[ids[0]] = scores[0]
        return out

    def search(self, query: str, k: int = 8, mode: str = "hybrid") -> list[Hit]:
        """The `k` best chunks for `query`, best first."""
        if mode not in MODES:
            raise ValueError(f"mode must be one of {MODES}, got {mode!r}")
        if not query.strip():
            return []
        bm25 = self.bm25_scores(query) if mode != "dense" else None
        dense = self.dense_scores(query) if mode != "bm25" else None
        bm25_rank = _ranks(bm25) if bm25 is not None else None
        dense_rank = _ranks(dense) if dense is not None else None
        if mode == "bm25":
            fused = bm25
        elif mode == "dense":
            fused = dense
        elif self.fusion == "rrf":
            fused = 1.0 / (RRF_K + bm25_rank) + 1.0 / (RRF_K + dense_rank)
            fused = np.where(bm25 > 0, fused, 1.0 / (RRF_K + dense_rank) + 1.0 / (RRF_K + len(bm25)))
        else:
            fused = 0.5 * _minmax(bm25) + 0.5 * _minmax(dense)
        if mode == "hybrid" and (refs := self.section_refs(query)):
            wanted = {f"sec:{r}" if not r.startswith("table") else r for r in refs}
            inside = np.array([bool(wanted & set(c.evidence)) for c in self.index.chunks])
            fused = fused + SECTION_BOOST * inside * (fused.max() if self.fusion == "rrf" else 1.0)
        order = np.argsort(-fused, kind="stable")[:k]
        return [Hit(self.index.chunks[i], float(fused[i]),
                    int(bm25_rank[i]) if bm25_rank is not None else None,
                    int(dense_rank[i]) if dense_rank is not None else None) for i in order]


def _ranks(scores: np.ndarray) -> np.ndarray:
    """1-based rank of every element (1 = highest score)."""
    ranks = np.empty(len(scores), dtype=np.int64)
    ranks[np.argsort(-scores, kind="stable")] = np.arange(1, len(scores) + 1)
    return ranks


def _minmax(scores: np.ndarray) -> np.ndarray:
    low, high = float(scores.min()), float(scores.max())
    return (scores - low) / (high - low) if high > low else np.zeros_like(scores)


def _glossary_expansions(corpus: Corpus) -> list[tuple[re.Pattern, object]]:
    """For every glossary term: a pattern matching any of its forms as whole words, and the term."""
    out = []
    for term in corpus.glossary:
        forms = [f for f in term.all_forms if len(fold(f)) >= 3]
        if not forms:
            continue
        alternatives = "|".join(sorted((re.escape(fold(f)) for f in forms), key=len, reverse=True))
        out.append((re.compile(rf"(?<![\w\u0600-\u06ff])(?:{alternatives})(?:'s|’s|s)?(?![\w\u0600-\u06ff])"), term))
    return out
