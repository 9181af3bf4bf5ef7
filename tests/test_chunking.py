"""app/chunking.py: paragraphs, sentence windows with offsets, table and era records."""
from app.chunking import WINDOW, build_chunks, paragraph_chunks, sentence_spans


def test_every_paragraph_is_chunked_and_spans_point_into_it(corpus):
    chunks = build_chunks(corpus)
    covered = {c.paragraph for c in chunks if c.kind == "passage"}
    assert covered == {p.id for p in corpus.paragraphs if p.kind != "table_row"}
    for chunk in chunks:
        if chunk.kind != "passage":
            continue
        paragraph = corpus.paragraph_by_id[chunk.paragraph]
        assert chunk.fa == paragraph.fa[chunk.fa_spans[0][0]:chunk.fa_spans[-1][1]]
        assert chunk.en == paragraph.en[chunk.en_spans[0][0]:chunk.en_spans[-1][1]]
        assert chunk.section == paragraph.section and chunk.evidence == tuple(paragraph.evidence_ids)


def test_long_paragraphs_become_overlapping_windows(corpus):
    longest = max(corpus.paragraphs, key=lambda p: len(sentence_spans(p.fa)))
    chunks = paragraph_chunks(longest)
    assert len(chunks) > 1 and all(len(c.fa_spans) <= WINDOW for c in chunks)
    for first, second in zip(chunks, chunks[1:]):
        assert first.fa_spans[-1] == second.fa_spans[0]  # one sentence of overlap
    assert chunks[0].fa_spans[0][0] == 0 and chunks[-1].fa_spans[-1][1] == len(longest.fa)
    assert chunks[-1].en_spans[-1][1] == len(longest.en)


def test_table_rows_and_eras_are_records_in_both_languages(corpus):
    chunks = {c.id: c for c in build_chunks(corpus)}
    havana = chunks["table2.6"]
    assert havana.kind == "table_row" and havana.row == 6 and havana.evidence[0] == "table2:row6"
    assert "هاوانا" in havana.fa and "Havana" in havana.en
    assert "1379" in havana.fa and "2001" in havana.en and "La Habana" in havana.extra
    era = chunks["era.4-1-4"]
    assert era.era == "4-1-4" and "Khatami" in era.en and "خاتمی" in era.fa and "9" in era.en
    assert len([c for c in chunks.values() if c.kind == "table_row"]) == 26
