"""Text normalization shared by the index and by queries.

One pipeline for both sides, built on hazm 0.10: Arabic letters become Persian ones,
digits of every script fold to ASCII, diacritics and tatweel go, half-space variants
fold together, Latin text is lower-cased. `tokens()` is what BM25 sees; `fold()` is
what string comparisons (evaluation, answer checks) use.
"""
from __future__ import annotations

import re
import unicodedata
from functools import lru_cache

ZWNJ = "\u200c"
_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")
_PERSIAN_DIGITS = str.maketrans("0123456789", "۰۱۲۳۴۵۶۷۸۹")
_LETTERS = str.maketrans({"ي": "ی", "ى": "ی", "ئ": "ئ", "ك": "ک", "ة": "ه", "ۀ": "ه", "أ": "ا", "إ": "ا",
                          "ٱ": "ا", "ؤ": "و", "ـ": None, "\u200d": None, "\u200e": None, "\u200f": None,
                          "\u00a0": " ", "\u202a": None, "\u202b": None, "\u202c": None, "\u202d": None,
                          "\u202e": None, "\u2066": None, "\u2067": None, "\u2068": None, "\u2069": None})
_DIACRITICS = re.compile("[\u064b-\u065f\u0670\u0610-\u061a\u06d6-\u06ed]")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_WORD = re.compile(r"[^\W_]+")
# Half-space and its stand-ins: a space, nothing, or ZWNJ between a word and a suffix/prefix.
_HALF_SPACE_VARIANTS = re.compile("[\u200c\u200b\u2009\u202f\u00ad]")

# English function words and Persian stop words carry no evidence for BM25.
STOP_EN = frozenset(
    "a an the of in on at to for from by with and or is are was were be been being what which who whom "
    "whose when where why how did does do has have had this that these those it its as into about under "
    "than then there their they them he she his her paper according say says said tell me please out set up "
    "down over can could would should will may might must also not yes here so such only just some any all "
    "each other very into onto upon via per again ever both own too if but because while through our your my "
    "we you i us article text author's".split())
STOP_FA = frozenset(
    "و در به از که این آن با را برای تا یا هم نیز چه چی چیه کدام کدوم کدامیک کی کجا چرا چگونه چطور آیا "
    "است بود شد شده می هست هستند بودند اند ای ها های یک بر مقاله طبق گفته اساس چیست چیه کدامند کدام‌اند "
    "تو رو چی چیکار کدومه کدوما کدومش بگو بگید لطفا دقیقا واقعا".split())


@lru_cache(maxsize=1)
def _hazm_normalizer():
    # hazm imports scikit-learn and gensim (about 3 s): load it once, on first use.
    from hazm import Normalizer

    normalizer = Normalizer(persian_numbers=False, remove_specials_chars=False, seperate_mi=False)
    # Separating «می» needs only the conjugated verb forms. hazm gets them from a Lemmatizer, which reads its
    # 190,000-word list a second time (0.4 s of every start-up); conjugate the verbs directly instead, exactly
    # as the Lemmatizer does (tests/test_normalize.py checks that the result is hazm's own).
    normalizer._seperate_mi, normalizer.verbs = True, _conjugated_verbs()
    return normalizer


def _conjugated_verbs() -> dict[str, str]:
    """Every conjugated form of hazm's verbs → the verb: hazm's Lemmatizer(joined_verb_parts=False).verbs."""
    from hazm import Conjugation
    from hazm.utils import verbs_list

    conjugation, verbs = Conjugation(), {"است": "#است"}
    for verb in reversed(verbs_list()):  # the Lemmatizer's order: where two verbs share a form, the earlier wins
        for form in conjugation.get_all(verb):
            verbs[form] = verb
    return verbs


@lru_cache(maxsize=1)
def _hazm_word_tokenizer():
    # The Normalizer builds a WordTokenizer(join_verb_parts=False), the one we want: reuse it rather than load
    # hazm's word and verb lists a second time (about 0.4 s of start-up).
    tokenizer = getattr(_hazm_normalizer(), "tokenizer", None)
    if tokenizer is not None and getattr(tokenizer, "_join_verb_parts", True) is False:
        return tokenizer
    from hazm import WordTokenizer

    return WordTokenizer(join_verb_parts=False)


@lru_cache(maxsize=1)
def _hazm_sentence_tokenizer():
    from hazm import SentenceTokenizer

    return SentenceTokenizer()


def fold_digits(text: str) -> str:
    """Persian and Arabic-Indic digits to ASCII."""
    return text.translate(_DIGITS)


def to_persian_digits(text: str) -> str:
    """ASCII digits to Persian digits (for display in the Persian UI)."""
    return text.translate(_PERSIAN_DIGITS)


def clean_text(text: str) -> str:
    """Light clean-up safe for display: Unicode NFC, no control characters or bidi overrides."""
    text = unicodedata.normalize("NFC", text)
    text = _CONTROL.sub("", text)
    return text.translate(_LETTERS)


def normalize(text: str) -> str:
    """The one normalization for index and queries: hazm Normalizer, Persian letters,
    ASCII digits, no diacritics/tatweel, ZWNJ kept as the only half-space, Latin lower-cased."""
    text = clean_text(text)
    text = _HALF_SPACE_VARIANTS.sub(ZWNJ, text)
    text = _hazm_normalizer().normalize(text)
    text = _DIACRITICS.sub("", text)
    text = fold_digits(text).translate(_LETTERS)
    return re.sub(r"\s+", " ", text).strip().lower()


def fold(text: str) -> str:
    """Letters, digits, diacritics and half-spaces folded, punctuation untouched: for comparing
    strings across spelling variants (cheap, no hazm; `normalize` may re-space punctuation)."""
    text = _DIACRITICS.sub("", fold_digits(clean_text(text)))
    text = _HALF_SPACE_VARIANTS.sub(" ", text)
    return re.sub(r"\s+", " ", text).strip().lower()


def fold_nospace(text: str) -> str:
    """`fold` with every space removed ("تفاهم نامه" == "تفاهم‌نامه" == "تفاهمنامه")."""
    return fold(text).replace(" ", "")


_EN_SUFFIXES = ("ies", "es", "s")


def stem_en(word: str) -> str:
    """A deliberately tiny English stemmer: plural endings only (measured in scripts/bench.py)."""
    if word.isascii() and len(word) > 4:
        for suffix in _EN_SUFFIXES:
            if word.endswith(suffix) and not word.endswith("ss"):
                return word[: -len(suffix)] + ("y" if suffix == "ies" else "")
    return word


def tokens(text: str, drop_stopwords: bool = True) -> list[str]:
    """BM25 tokens: hazm word tokens of the normalized text, half-space compounds split,
    punctuation dropped, English plurals stripped."""
    out: list[str] = []
    for token in _hazm_word_tokenizer().tokenize(normalize(text)):
        for part in _WORD.findall(token.replace(ZWNJ, " ")):
            part = part.strip("_")
            if not part:
                continue
            if drop_stopwords and (part in STOP_EN or part in STOP_FA or (len(part) < 2 and not part.isdigit())):
                continue
            out.append(stem_en(part))  # Persian is not stemmed: hazm's Stemmer and Lemmatizer measured no better
    return out


def sentences(text: str) -> list[str]:
    """Sentence split with hazm's SentenceTokenizer (works for the English translation too)."""
    return [s for s in (s.strip() for s in _hazm_sentence_tokenizer().tokenize(text)) if s]


_TAG = re.compile(r"<[^>]{0,200}>")
_MEANINGFUL = re.compile(r"[^\W_]")
# A Latin citation inside Persian text keeps its digits: (KavyaniRad, 2016: 176), (www.irna.ir/…).
_LATIN_CITATION = re.compile(r"\([A-Za-z][^()]*?\d{4}(?::\s*[\d-]+)?\)|\(www[^)]*\)")
# hazm ends a sentence at the dots of «ج.ا.» (the Islamic Republic) and «ه.ش» (solar Hijri), and at initials and
# abbreviations; an elided list («… و ...», "etc.") does not end a sentence either.
_ABBREVIATION_END = re.compile(r"(ج\.ا\.|ه\.ش\.?|\b[A-Z]\.|\b(?:Dr|Mr|Mrs|St|No|al|et al|e\.g|i\.e|cf)\.)$")
_ELISION_END = re.compile(r"(\.\.\.|…|\betc\.)$")


def strip_markup(text: str) -> str:
    """Tags and HTML entities removed, whitespace collapsed (user input is never rendered as HTML)."""
    import html

    text = html.unescape(_TAG.sub(" ", text))
    return re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()


def has_letters(text: str) -> bool:
    """Does `text` hold any letter or digit (not only punctuation and symbols)?"""
    return _MEANINGFUL.search(text) is not None


def ends_with_abbreviation(text: str) -> bool:
    return _ABBREVIATION_END.search(text) is not None


def ends_with_elision(text: str) -> bool:
    return _ELISION_END.search(text) is not None


def persian_digits_outside_citations(text: str) -> str:
    """Persian digits, except inside Latin citations such as (KavyaniRad, 2016: 176)."""
    parts, cursor = [], 0
    for match in _LATIN_CITATION.finditer(text):
        parts += [to_persian_digits(text[cursor:match.start()]), match.group(0)]
        cursor = match.end()
    return "".join(parts) + to_persian_digits(text[cursor:])


def words(text: str) -> list[str]:
    """Folded words (letters and digits; a half-space separates words), for matching names and cues."""
    return [w.strip("_") for w in _WORD.findall(fold(text)) if w.strip("_")]


# A year as users write it: Jalali 13xx/14xx or Gregorian 19xx/20xx, alone or as the end of a date (17/12/1379).
_YEAR = re.compile(r"(?<![\d/.-])(1[34]\d\d|19\d\d|20[0-4]\d)(?![\d])|(?<=/)(1[34]\d\d)(?!\d)")
_YEAR_SHORT_RANGE = re.compile(r"(?<!\d)(1[34]\d\d|19\d\d|20[0-4]\d)\s*[-–/]\s*(\d\d)(?![\d-])")
# Section ids: "3-4", "4-1-5", and a bare number after a word for "section" ("section 5", «بخش ۵», "§2").
_SECTION_ID = re.compile(r"(?<![\d-])(\d(?:-\d){1,2})(?![\d-])|(?:\bsection|\bsec\.?|§|بخش|فصل)\s*(\d)(?![\d-])")


def years_in(text: str) -> list[tuple[int, str]]:
    """Years in `text` (digits of any script) with their calendar, in order; "1390-95" gives 1390 and 1395."""
    text = fold_digits(text)
    found: list[tuple[int, int, str]] = []
    for match in _YEAR.finditer(text):
        year = int(match.group(1) or match.group(2))
        found.append((match.start(), year, "gregorian" if year >= 1900 else "jalali"))
    for match in _YEAR_SHORT_RANGE.finditer(text):
        start = int(match.group(1))
        end = start // 100 * 100 + int(match.group(2))
        if end > start:
            found.append((match.end(), end, "gregorian" if start >= 1900 else "jalali"))
    return [(year, calendar) for _, year, calendar in sorted(found)]


# A decade. After «دهه» (or Finglish "dahe"), a two-digit number or a tens word is a Jalali decade, the way
# Iranians count («دهه ۷۰» = 1370–1379); an English "90s" or "nineties" is Gregorian; a written-out "1370s" or
# «دهه ۱۳۷۰» takes its calendar from its digits, as a year does.
_TENS_FA = {"پنجاه": 50, "شصت": 60, "هفتاد": 70, "هشتاد": 80, "نود": 90, "panjah": 50, "shast": 60, "haftad": 70,
            "hashtad": 80, "navad": 90}
_TENS_EN = {"fifties": 50, "sixties": 60, "seventies": 70, "eighties": 80, "nineties": 90}
_TENS = {**_TENS_FA, **_TENS_EN}
_DECADE_FA = re.compile(r"(?:دهه|\bdah(?:e|eh)(?:ye|y|i)?)\s*(?:ی\s+|ye\s+|e\s+)?"
                        r"(1[34]\d0|19\d0|20[0-4]0|[5-9]0|" + "|".join(_TENS) + r")(?![\w])")
_DECADE_EN = re.compile(r"(?<![\w'’])['’]?(1[34]\d0|19\d0|20[0-4]0|\d0)['’]?s\b|\b(" + "|".join(_TENS_EN) + r")\b")


def decades_in(text: str) -> list[tuple[int, int, str]]:
    """Decades in folded `text`, in order, as (first year, last year, calendar)."""
    found = []
    for match in _DECADE_FA.finditer(text):
        found.append((match.start(), _decade(match.group(1), jalali_tens=True)))
    for match in _DECADE_EN.finditer(text):
        found.append((match.start(), _decade(match.group(1) or match.group(2), jalali_tens=False)))
    return [decade for _, decade in sorted(found)]


def _decade(written: str, jalali_tens: bool) -> tuple[int, int, str]:
    if len(written) == 4 and written.isdigit():
        start = int(written)
        return start, start + 9, "gregorian" if start >= 1900 else "jalali"
    tens = _TENS[written] if written in _TENS else int(written)
    if jalali_tens:
        return 1300 + tens, 1309 + tens, "jalali"
    start = (2000 if tens < 30 else 1900) + tens
    return start, start + 9, "gregorian"


def without_decades(text: str) -> str:
    """`text` with its decades blanked out, so that "1990s" is not also read as the year 1990."""
    return _DECADE_EN.sub(" ", _DECADE_FA.sub(" ", text))


def section_ids_in(text: str) -> list[str]:
    """Section ids written in `text`: "3-4", «۴-۱-۵», "section 5"."""
    ids = [a or b for a, b in _SECTION_ID.findall(fold_digits(text))]
    return list(dict.fromkeys(ids))


_FA_LETTER = re.compile("[\u0600-\u06ff]")
_LATIN_LETTER = re.compile("[A-Za-z]")


def detect_lang(text: str) -> str:
    """'fa' when Persian/Arabic letters dominate the letters of `text`, else 'en'."""
    fa = len(_FA_LETTER.findall(text))
    en = len(_LATIN_LETTER.findall(text))
    return "fa" if fa >= en and fa > 0 else "en"
