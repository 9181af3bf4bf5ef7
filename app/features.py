"""What the understanding models see of a question: its embedding, its words and what it names.

Names are masked before the words are counted ("when did Tehran sign with Moscow" → "… with xcityx"), so
a model learns how people ask, not which city the bank happened to use.
"""
from __future__ import annotations

import numpy as np
from scipy import sparse
from sklearn.feature_extraction.text import HashingVectorizer

from app.gazetteer import Mentions

CHAR_FEATURES = 2 ** 14
WORD_FEATURES = 2 ** 13
# The placeholder words that stand for a mention of each kind.
PLACEHOLDERS = {"city": "xcityx", "country": "xcountryx", "continent": "xcontinentx", "era": "xerax", "head": "xheadx",
                "concept": "xconceptx", "doc_family": "xdocx", "cooperation": "xcoopx", "person": "xpersonx",
                "tehran": "xtehranx"}
MENTION_FEATURES = ("city_in_table", "city_outside", "country_in_table", "country_outside", "continent", "era",
                    "head", "concept", "doc_family", "cooperation", "person", "tehran", "year_jalali",
                    "year_gregorian", "two_years", "month", "section_id", "unknown_1", "unknown_2", "context",
                    "short", "long")


def placeholder(mention, words: list[str]) -> str:
    """The word(s) that stand for a mention. Document types stay as written: there are five, the bank covers
    them all, and people use their words differently ("agreements" often just means ties, «تفاهم‌نامه» never)."""
    if mention.entity.kind == "doc_family":
        return " ".join(words[mention.start:mention.end])
    return PLACEHOLDERS[mention.entity.kind]


def masked_text(mentions: Mentions) -> str:
    """The question's words with every mention, year and number replaced by its placeholder."""
    out = list(mentions.words)
    for mention in mentions.found:
        out[mention.start] = placeholder(mention, mentions.words)
        for index in range(mention.start + 1, mention.end):
            out[index] = ""
    for index, word in enumerate(out):
        if word.isdigit():
            out[index] = "xyearx" if len(word) == 4 else "xnumx"
        elif word in mentions.unknown:
            out[index] = "xunkx"
    return " ".join(w for w in out if w)


def mention_vector(mentions: Mentions, has_context: bool) -> np.ndarray:
    """Indicator features of what the question names (and whether a conversation precedes it)."""
    present = set()
    for mention in mentions.found:
        kind = mention.entity.kind
        if kind in ("city", "country"):
            kind += "_in_table" if mention.entity.rows else "_outside"
        present.add(kind)
    calendars = {calendar for _, calendar in mentions.years} | {calendar for *_, calendar in mentions.decades}
    present |= {f"year_{c}" for c in calendars}
    if len(mentions.years) >= 2:
        present.add("two_years")
    if mentions.months:
        present.add("month")
    if mentions.sections:
        present.add("section_id")
    if mentions.unknown:
        present.add("unknown_1")
    if len(mentions.unknown) >= 2:
        present.add("unknown_2")
    if has_context:
        present.add("context")
    present.add("short" if len(mentions.words) <= 3 else "long" if len(mentions.words) >= 12 else "")
    return np.array([1.0 if name in present else 0.0 for name in MENTION_FEATURES], dtype=np.float32)


class Featurizer:
    """Stateless: hashing, so nothing is fitted or stored but the models' weights."""

    def __init__(self) -> None:
        self._chars = HashingVectorizer(analyzer="char_wb", ngram_range=(2, 4), n_features=CHAR_FEATURES,
                                        alternate_sign=False, norm="l2", lowercase=False)
        self._words = HashingVectorizer(analyzer="word", ngram_range=(1, 2), n_features=WORD_FEATURES,
                                        alternate_sign=False, norm="l2", lowercase=False, token_pattern=r"\S+")

    def sparse(self, masked: list[str]) -> sparse.csr_matrix:
        return sparse.hstack([self._chars.transform(masked), self._words.transform(masked)], format="csr")

    @property
    def sparse_dim(self) -> int:
        return CHAR_FEATURES + WORD_FEATURES


def dense_features(embeddings: np.ndarray, mention_rows: np.ndarray, nearest: np.ndarray) -> np.ndarray:
    """Embedding, mention indicators and the nearest bank question of each route, side by side."""
    return np.hstack([np.asarray(embeddings, dtype=np.float32), np.asarray(mention_rows, dtype=np.float32),
                      np.asarray(nearest, dtype=np.float32)])
