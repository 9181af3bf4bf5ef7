"""app/retrieval.py: hybrid search over Persian and English, glossary expansion, fusion modes."""
import pytest

from app.retrieval import Retriever


def ids(hits):
    return [h.chunk.id for h in hits]


@pytest.mark.parametrize("query", ["Tehran Havana", "پیمان هاوانا", "پيمان هاوانا", "Havana pact 1379"])
def test_table_rows_are_found_in_both_languages(assistant, query):
    assert ids(assistant.search(query, k=3))[0] == "table2.6"


def test_digits_in_any_script_match(assistant):
    assert "table2.7" in ids(assistant.search("1380 Caracas", k=3))
    assert "table2.7" in ids(assistant.search("کاراکاس ۱۳۸۰", k=3))
    assert "table2.7" in ids(assistant.search("کاراکاس ١٣٨٠", k=3))


def test_glossary_expansion_crosses_languages(assistant):
    retriever = assistant.retriever
    assert "فری‌تاون" in retriever.expand("Freetown tie")
    assert "Tshwane" in retriever.expand("پیوند با پرتوریا")
    assert "table2.9" in ids(assistant.search("Pretoria", k=3))
    assert ids(assistant.search("فریتاون", k=1)) == ["table2.16"]


def test_modes_and_fusion_choices(assistant):
    for mode in ("bm25", "dense", "hybrid"):
        hits = assistant.search("Bishkek 1373", k=5, mode=mode)
        assert len(hits) == 5 and hits == sorted(hits, key=lambda h: -h.score)
    with pytest.raises(ValueError, match="mode must be one of"):
        assistant.search("x", mode="fuzzy")
    with pytest.raises(ValueError, match="fusion must be"):
        Retriever(assistant.corpus, assistant.index, assistant.embedder, fusion="max")
    rrf = Retriever(assistant.corpus, assistant.index, assistant.embedder, fusion="rrf")
    fused = rrf.search("Tehran Havana", k=3)
    assert len(fused) == 3 and fused == sorted(fused, key=lambda h: -h.score)
    assert all(h.bm25_rank and h.dense_rank for h in fused)


def test_empty_or_unknown_words_give_no_error(assistant):
    assert assistant.search("   ") == []
    assert len(assistant.search("zzzqqq xxyyzz", k=3)) == 3


def test_hits_carry_ranks_from_both_retrievers(assistant):
    hit = assistant.search("Mach & Cizo city diplomacy definition", k=1)[0]
    assert hit.bm25_rank is not None and hit.dense_rank is not None
