"""corpus/sentences.jsonl: every sentence of the paper with a stable id and its aligned English.

A sentence id is `<paragraph id>/<n>`: n numbers the sentences of the Persian paragraph from 1, and a
sentence that goes on past an elided list («و ...») keeps the number of its first part (see
`app.chunking.sentence_pieces`), so ids already in use never shift. Where the Persian and English
paragraphs split into different numbers of sentences, the English sentences are aligned by length
(1–1, 1–2 and 2–1 beads, as in Gale & Church). Hand-kept fields (`fact`, `tags`) of an existing file are
preserved, so the file can be rewritten after a corpus edit (scripts/make_sentences.py).
"""
from __future__ import annotations

import json
from pathlib import Path

from app.chunking import sentence_pieces, sentence_spans
from app.corpus import CORPUS_DIR, load_paper

TARGET = CORPUS_DIR / "sentences.jsonl"
NOT_FACTS = ("footnote",)  # a footnote here only glosses a name in Latin letters


def align(fa_lengths: list[int], en_lengths: list[int]) -> list[tuple[list[int], list[int]]]:
    """Beads of (Persian sentence indexes, English sentence indexes) covering both lists in order."""
    ratio = sum(en_lengths) / max(1, sum(fa_lengths))
    n, m = len(fa_lengths), len(en_lengths)
    inf = float("inf")
    cost = [[inf] * (m + 1) for _ in range(n + 1)]
    back: list[list[tuple[int, int] | None]] = [[None] * (m + 1) for _ in range(n + 1)]
    cost[0][0] = 0.0
    for i in range(n + 1):
        for j in range(m + 1):
            if cost[i][j] == inf:
                continue
            for di, dj, penalty in ((1, 1, 0.0), (1, 2, 0.3), (2, 1, 0.3)):
                if i + di > n or j + dj > m:
                    continue
                fa_len = sum(fa_lengths[i:i + di]) * ratio
                en_len = sum(en_lengths[j:j + dj])
                step = abs(fa_len - en_len) / max(fa_len, en_len, 1) + penalty
                if cost[i][j] + step < cost[i + di][j + dj]:
                    cost[i + di][j + dj] = cost[i][j] + step
                    back[i + di][j + dj] = (di, dj)
    beads, i, j = [], n, m
    while i or j:
        di, dj = back[i][j]
        beads.append((list(range(i - di, i)), list(range(j - dj, j))))
        i, j = i - di, j - dj
    return beads[::-1]


def sentence_records(previous: dict[str, dict], directory: Path = CORPUS_DIR) -> list[dict]:
    """Every sentence of the paper in `directory`, keeping the hand-kept fields of `previous` (by id)."""
    _, paragraphs = load_paper(directory / "paper.fa.md", directory / "paper.en.md")
    records = []
    for paragraph in paragraphs:
        if paragraph.kind == "table_row":
            continue  # Table 2 is data (agreements.csv), not sentences
        fa_spans, en_spans = sentence_pieces(paragraph.fa), sentence_spans(paragraph.en)
        beads = align([e - s for s, e, _ in fa_spans], [e - s for s, e in en_spans])
        for fa_indexes, en_indexes in beads:
            en_start, en_end = en_spans[en_indexes[0]][0], en_spans[en_indexes[-1]][1]
            for fa_index in fa_indexes:  # a 2–1 bead: both Persian sentences share the English one
                start, end, piece = fa_spans[fa_index]
                sid = f"{paragraph.id}/{piece}"
                kept = previous.get(sid, {})
                records.append({
                    "id": sid, "paragraph": paragraph.id, "section": paragraph.section, "kind": paragraph.kind,
                    "fa": paragraph.fa[start:end], "en": paragraph.en[en_start:en_end],
                    "fact": kept.get("fact", paragraph.kind not in NOT_FACTS),
                    "tags": kept.get("tags", []),
                })
    return records


def write_sentences(directory: Path = CORPUS_DIR) -> Path:
    """(Re)write `directory`/sentences.jsonl atomically; returns its path."""
    target = directory / TARGET.name
    previous = {}
    if target.exists():
        previous = {r["id"]: r for r in map(json.loads, target.read_text(encoding="utf-8").splitlines()) if r}
    records = sentence_records(previous, directory)
    temp = target.with_suffix(".tmp")
    temp.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records), encoding="utf-8")
    temp.replace(target)
    return target
