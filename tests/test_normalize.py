"""app/normalize.py: one normalization for index and queries."""
import pytest

from app.normalize import (decades_in, detect_lang, fold, fold_nospace, normalize, sentences, stem_en, tokens,
                           to_persian_digits, without_decades, years_in)


def test_arabic_letters_become_persian():
    assert normalize("ديپلماسي شهري كلان") == "دیپلماسی شهری کلان"


def test_digits_of_every_script_match():
    assert tokens("۱۳۸۰") == tokens("١٣٨٠") == tokens("1380") == ["1380"]
    assert to_persian_digits("1380") == "۱۳۸۰"


def test_half_space_variants_fold_together():
    assert fold_nospace("تفاهم‌نامه") == fold_nospace("تفاهم نامه") == fold_nospace("تفاهمنامه")
    assert tokens("تفاهم‌نامه") == tokens("تفاهم نامه")
    assert fold("می\u200bشود") == fold("می\u200cشود") == "می شود"


def test_diacritics_and_tatweel_removed():
    assert normalize("عمدتاً") == "عمدتا"
    assert normalize("ســـرمایه") == "سرمایه"
    assert fold("نُه") == "نه"


def test_tokens_drop_punctuation_and_stopwords_and_lowercase_english():
    assert tokens("What is CITY diplomacy?") == ["city", "diplomacy"]
    assert "؟" not in tokens("پیوند با مسکو؟")
    assert tokens("agreements cities") == ["agreement", "city"]
    assert stem_en("class") == "class"


def test_sentences_split_persian_and_english():
    assert sentences("جمله اول است. جمله دوم؟ سوم (Moghtader, 1980: 132).") == [
        "جمله اول است.", "جمله دوم؟", "سوم (Moghtader, 1980: 132)."]


def test_language_detection():
    assert detect_lang("پیوند با مسکو در کدام دولت امضا شد؟") == "fa"
    assert detect_lang("which ties were formed under the détente era?") == "en"
    assert detect_lang("پیوند تهران با Moscow چه سالی بود؟") == "fa"


DECADES = [
    # after «دهه» (or "dahe"), two digits or a tens word: a Jalali decade, as Iranians count them
    ("پیوندهای دهه ۷۰", [(1370, 1379, "jalali")]),
    ("تو دهه‌ی هفتاد چندتا بستن؟", [(1370, 1379, "jalali")]),
    ("دهه ۱۳۸۰", [(1380, 1389, "jalali")]),
    ("dahe navad chand ta?", [(1390, 1399, "jalali")]),
    # in English, Gregorian, unless the digits are Jalali
    ("ties in the 1990s", [(1990, 1999, "gregorian")]),
    ("anything from the '90s?", [(1990, 1999, "gregorian")]),
    ("the nineties and the 2010s", [(1990, 1999, "gregorian"), (2010, 2019, "gregorian")]),
    ("since the 2000s", [(2000, 2009, "gregorian")]),
    ("ties of the 1370s", [(1370, 1379, "jalali")]),
    # not decades
    ("ties in 2016", []),
    ("10 ties", []),
    ("دهه اول انقلاب", []),
]


@pytest.mark.parametrize("text,expected", DECADES, ids=[d[0] for d in DECADES])
def test_decades(text, expected):
    assert decades_in(fold(text)) == expected


def test_a_decade_is_not_also_a_year():
    assert years_in(without_decades(fold("ties in the 1990s and in 2016"))) == [(2016, "gregorian")]
    assert years_in(without_decades(fold("دهه ۱۳۸۰"))) == []


def test_the_normalizer_is_hazms_own_with_the_verbs_conjugated_once():
    """Start-up builds hazm's Normalizer without its second word-list read: the verb forms it separates «می»
    from and the word tokenizer it shares must be exactly hazm's, and so must what it does to text."""
    from hazm import Lemmatizer, Normalizer, WordTokenizer

    from app.corpus import load_corpus
    from app.normalize import _hazm_normalizer, _hazm_word_tokenizer

    ours = _hazm_normalizer()
    assert _hazm_word_tokenizer() is ours.tokenizer  # one tokenizer, not a second read of the word list
    assert ours.verbs == Lemmatizer(joined_verb_parts=False).verbs
    theirs = Normalizer(persian_numbers=False, remove_specials_chars=False)
    reference_tokenizer = WordTokenizer(join_verb_parts=False)
    corpus = load_corpus()
    texts = [p.fa for p in corpus.paragraphs] + ["میشود نمیدانم که تهران  با چندتا شهر اروپايي خواهرخونده شده ؟"]
    for text in texts:
        assert ours.normalize(text) == theirs.normalize(text)
        assert _hazm_word_tokenizer().tokenize(text) == reference_tokenizer.tokenize(text)
