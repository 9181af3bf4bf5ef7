"""Finglish (Persian typed in Latin letters) read back into Persian script: the skeletons both scripts share,
telling Finglish from English, and what is left as typed."""
from __future__ import annotations

import pytest

from app.finglish import FinglishReader, latin_skeleton, persian_skeleton

# a few words as the question bank would know them (the model keeps the bank's words as `known_words`)
BANK_WORDS = ("چی", "چیه", "خواهرخونده", "کدوم", "khahar", "khande", "shahr", "chand", "ta", "ba", "chi", "bood",
              "dolat", "kodoom", "shode", "hast", "siasat", "khareji", "donya", "oomad", "دنیا", "اومد", "خواهر", "sali", "che", "dar")


@pytest.fixture(scope="module")
def reader(corpus) -> FinglishReader:
    return FinglishReader.for_corpus(corpus, BANK_WORDS)


@pytest.mark.parametrize("persian,typed", [
    ("خواهر", "khahar"), ("شهر", "shahr"), ("قاره", "ghare"), ("قاره", "qare"), ("دهه", "dahe"), ("تهران", "tehran"),
    ("دیپلماسی", "diplomasi"), ("پیوند", "peyvand"), ("دولت", "dowlat"), ("سیاست", "siasat"),
])
def test_both_scripts_share_a_consonant_skeleton(persian, typed):
    assert persian_skeleton(persian) == latin_skeleton(typed)


@pytest.mark.parametrize("text,finglish", [
    ("tehran ba chand ta shahr khahar khande shode?", True),
    ("tehran ba tokyo key khahar khande shod?", True),  # names belong to both languages
    ("siasat khareji dolat khatami chi bood?", True),
    ("which ties were signed in 2016?", False),
    ("How many sister cities does Tehran have in Europe?", False),
    ("Moscow?", False),
    ("summarize 4-1-5", False),
    ("what is détente?", False),
    ("تهران با چندتا شهر خواهرخونده شده؟", False),  # Persian script needs no reading
])
def test_finglish_is_told_from_english(reader, text, finglish):
    assert reader.is_finglish(text) is finglish


@pytest.mark.parametrize("text,wanted,kept", [
    ("tehran ba chand ta shahr khahar khande shode?", ("تهران", "چند", "شهر"), ()),
    ("siasat khareji dolat khatami chi bood?", ("سیاست", "خارجی", "دولت", "خاتمی"), ()),
    # a word the bank never uses must match closely: "beirut" stays a name the paper lacks
    ("tehran ba beirut khahar khande hast?", ("تهران",), ("beirut",)),
])
def test_finglish_is_read_in_persian_and_unknown_names_are_kept(reader, text, wanted, kept):
    reading = reader.reading(text)
    assert all(word in reading for word in wanted), reading
    assert all(word in reading for word in kept), reading


def test_english_and_persian_are_read_as_typed(reader):
    for text in ("list the six conditions", "ties signed in 2016?", "دیپلماسی شهری چیست؟"):
        assert reader.reading(text) == text


def test_names_count_for_neither_language(reader):
    """"In what year did Mehdi Bazargan die?" has two Persian names in Latin letters; it is still English."""
    assert not reader.is_finglish("In what year did Mehdi Bazargan die?")
    assert reader.is_finglish("mehdi bazargan dar che sali be donya oomad?")
