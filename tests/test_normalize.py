"""app/normalize.py: one normalization for index and queries."""
from app.normalize import detect_lang, fold, fold_nospace, normalize, sentences, stem_en, tokens, to_persian_digits


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
