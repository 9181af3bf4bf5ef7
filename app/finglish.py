"""Persian typed in Latin letters ("Finglish": «tehran ba chand ta shahr khahar khande shode?») read back into
Persian script, so that the embedder, BM25 and the heads see the words the paper uses.

Finglish drops most vowels' identity and spells one Persian sound several ways, so a word is matched by its
consonant skeleton: both scripts are reduced to the same consonant classes (س ص ث → s, ز ذ ض ظ → z, "q"/"gh" →
ق غ …), vowels and the letters that may stand for them (ا و ی ه ع) are dropped, and among the Persian words
with that skeleton the one whose romanization is closest to what was typed wins. Two typed words that are not
words alone may be one Persian word («khaharshahr haye» → «خواهرشهرهای»). A word with no match is kept as typed
(a name, an English word).
"""
from __future__ import annotations

import math
import re
from collections import Counter
from typing import Iterable

from rapidfuzz import fuzz
from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS

from app.corpus import Corpus
from app.normalize import words

# Persian letters → consonant class ("" = a letter that may be a vowel, left out of the skeleton)
_PERSIAN_CLASS = {
    "ا": "", "آ": "", "ع": "", "ء": "", "أ": "", "ئ": "", "ؤ": "", "و": "", "ی": "", "ه": "",
    "ب": "b", "پ": "p", "ت": "t", "ط": "t", "ث": "s", "س": "s", "ص": "s", "ج": "j", "چ": "C", "ح": "h",
    "خ": "X", "د": "d", "ذ": "z", "ز": "z", "ض": "z", "ظ": "z", "ر": "r", "ژ": "Z", "ش": "S", "غ": "Q", "ق": "Q",
    "ف": "f", "ک": "k", "گ": "g", "ل": "l", "م": "m", "ن": "n",
}
# how a Persian letter is usually romanized, to choose among words that share a skeleton
_PERSIAN_ROMAN = {**{k: v for k, v in _PERSIAN_CLASS.items() if v}, "ا": "a", "آ": "a", "ع": "'", "و": "o",
                  "ی": "i", "ه": "h", "چ": "ch", "خ": "kh", "ژ": "zh", "ش": "sh", "غ": "gh", "ق": "gh"}
# letters a Finglish writer may use for the same sound, for checking that every letter a Persian word writes
# was typed (short vowels are not written in Persian, so extra typed vowels are fine)
_SAME_SOUND = str.maketrans({"e": "i", "y": "i", "u": "o", "v": "o", "w": "o", "q": "g"})
_LATIN_DIGRAPHS = (("kh", "X"), ("sh", "S"), ("ch", "C"), ("zh", "Z"), ("gh", "Q"))
_LATIN_CLASS = {"q": "Q", "c": "k", "x": "X", "w": "", "v": "", "y": "", "a": "", "e": "", "i": "", "o": "",
                "u": "", "'": ""}
_LATIN_WORD = re.compile(r"[a-z']+")
NAME_KINDS = ("city", "country", "continent", "person")
MIN_SCORE = 45  # rapidfuzz ratio between what was typed and a candidate's romanization
MIN_SCORE_NEW = 70  # … for a word the bank never uses: more likely a name the paper lacks ("beirut")
PERSIAN_SPELLING = 95  # a word of the English translation this close to a Persian word is Persian in Latin letters
WRITTEN_BONUS = 25  # a candidate whose every written letter was typed


def persian_skeleton(word: str) -> str:
    """The consonant classes of a Persian word: «خواهر» → "Xhr" (a medial ه is a consonant; a final one is the
    vowel e: «دهه» → "dh"; و and ی are left out as the Latin v, w and y are)."""
    body = word[:-1] if word.endswith("ه") and len(word) > 1 else word
    return _squeeze("".join("h" if letter == "ه" else _PERSIAN_CLASS.get(letter, "") for letter in body))


def latin_skeleton(word: str) -> str:
    """The consonant classes of a Finglish word: "khahar" → "Xhr", "shahri" → "Shr", "ghare" → "Qr"."""
    word = word.lower()
    for digraph, sound in _LATIN_DIGRAPHS:
        word = word.replace(digraph, sound)
    word = re.sub(r"h$", "", word) if len(word) > 2 and word[-2] in "ae" else word  # "dah" as «ده»
    return _squeeze("".join(_LATIN_CLASS.get(c, c) for c in word))


def romanized(word: str) -> str:
    """A rough Latin spelling of a Persian word («شهری» → "shhri"), to compare with what was typed."""
    if word.startswith("ای"):
        word = "ی" + word[2:]
    word = word.replace("خوا", "خا")  # the silent و of «خواهر», «خواستن»
    text = "".join(_PERSIAN_ROMAN.get(c, "") for c in word)
    return text[:-1] + "e" if word.endswith("ه") else text


def _all_written_typed(typed: str, written: str) -> bool:
    """Whether the letters of a romanized Persian word appear in order in what was typed (ع may be left out)."""
    rest = iter(typed.translate(_SAME_SOUND))
    return all(c in rest for c in written.replace("'", "").translate(_SAME_SOUND))


def _squeeze(skeleton: str) -> str:
    """Doubled letters once ("tavvafogh", «تشدید» is not written)."""
    return re.sub(r"(.)\1+", r"\1", skeleton)


class FinglishReader:
    """Reads Finglish into Persian script with a vocabulary of Persian words (the paper's, the bank's)."""

    @classmethod
    def for_corpus(cls, corpus: Corpus, known_words: Iterable[str],
                   english_words: Iterable[str] = ()) -> "FinglishReader":
        """Persian words: the paper's (counted) and the question bank's (`known_words`, as the model keeps them);
        English words: the translation's, the bank's English questions' and the common function words, less
        the names of places, people and eras, which belong to both languages ("tehran ba tokyo …" is Finglish)."""
        persian = [w for p in corpus.paragraphs for w in words(p.fa)] + [w for w in known_words if not w.isascii()]
        names = {w for term in corpus.glossary if term.kind in NAME_KINDS for form in term.all_forms
                 for w in words(form)}
        names |= {w for era in corpus.eras for form in (era.title_en, *era.short_en, *era.head_names)
                  for w in words(form)}
        translation = {w for p in corpus.paragraphs for w in words(p.en)} - names
        return cls(persian, (set(english_words) | ENGLISH_STOP_WORDS) - names, known_words, names, translation)

    def __init__(self, persian_words: Iterable[str], english_words: Iterable[str],
                 known_latin: Iterable[str] = (), names: Iterable[str] = (),
                 translation_words: Iterable[str] = ()) -> None:
        counts = Counter(w for w in persian_words if w and not w.isascii() and w.isalpha())
        self.by_skeleton: dict[str, list[tuple[str, int]]] = {}
        for word, count in counts.items():
            skeleton = persian_skeleton(word)
            if skeleton:
                self.by_skeleton.setdefault(skeleton, []).append((word, count))
        self.latin_known = frozenset(w for w in known_latin if w.isascii())
        self.names = frozenset(w.lower() for w in names if w.isascii())  # words of either language
        # the translation keeps a few Persian words ("khahar"): one spelt just as a Persian word is not English
        self.english = frozenset(w.lower() for w in english_words if w.isascii()) | frozenset(
            w.lower() for w in translation_words if w.isascii() and self.similarity(w.lower())[1] < PERSIAN_SPELLING)

    def is_finglish(self, text: str) -> bool:
        """Latin letters only, and more of its words spell only a Persian word than are only English words (English
        function words always count as English); names, and words that may be either ("list", "ba"), do not
        count."""
        if re.search(r"[\u0600-\u06FF]", text):
            return False
        typed = [w for w in _LATIN_WORD.findall(text.lower()) if w not in self.names]
        persian = [self.match(w) is not None for w in typed]
        english = [w in self.english for w in typed]
        only_english = sum(w in ENGLISH_STOP_WORDS or (e and not p) for w, p, e in zip(typed, persian, english))
        only_persian = sum(p and not e and w not in ENGLISH_STOP_WORDS for w, p, e in zip(typed, persian, english))
        return only_persian > only_english

    def match(self, typed: str) -> str | None:
        """The Persian word a typed word most likely spells, or None."""
        typed = typed.lower()
        word, similarity = self.similarity(typed)
        least = MIN_SCORE if typed in self.latin_known else MIN_SCORE_NEW
        return word if similarity >= least else None

    def similarity(self, typed: str) -> tuple[str | None, float]:
        """The Persian word that a (lower-case) typed word most likely spells, and how close its romanization is."""
        scored = []
        for word, count in self.by_skeleton.get(latin_skeleton(typed), []):
            written = romanized(word)
            similarity = fuzz.ratio(typed, written)
            scored.append((similarity + WRITTEN_BONUS * _all_written_typed(typed, written) + 3 * math.log2(count),
                           similarity, word))
        best = max(scored, default=None)
        return (best[2], best[1]) if best else (None, 0.0)

    def reading(self, text: str) -> str:
        """What the models read: a Finglish question in Persian script, any other text as it is."""
        return self.read(text) if self.is_finglish(text) else text

    def read(self, text: str) -> str:
        """The text with each Finglish word (or pair of words) in Persian script; other words as typed."""
        parts = re.split(r"([a-z']+)", text.lower())
        out, n = [], 0
        while n < len(parts):
            part = parts[n]
            if not _LATIN_WORD.fullmatch(part or "-"):
                out.append(part)
                n += 1
                continue
            single, joined = self.match(part), None
            if n + 2 < len(parts) and parts[n + 1] == " " and _LATIN_WORD.fullmatch(parts[n + 2] or "-") and \
                    (single is None or self.match(parts[n + 2]) is None):
                joined = self.match(part + parts[n + 2])
            if joined:
                out.append(joined)
                n += 3
            else:
                out.append(single or part)
                n += 1
        return "".join(out)
