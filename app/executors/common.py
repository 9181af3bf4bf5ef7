"""What the executors share: citations of sentences, rows and sections, and the paper's own caveats."""
from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from app.corpus import CORPUS_DIR, Corpus, CorpusError, Sentence, read_json
from app.types import Citation, Query


def sentence_citations(sentences: list[Sentence]) -> list[Citation]:
    """One citation per paragraph, highlighting the given sentences, in reading order of first appearance."""
    by_paragraph: dict[str, list[Sentence]] = {}
    for sentence in sentences:
        by_paragraph.setdefault(sentence.paragraph, []).append(sentence)
    return [Citation("passage", group[0].section, paragraph, highlight_fa=tuple(s.fa_span for s in group),
                     highlight_en=tuple(dict.fromkeys(s.en_span for s in group)))
            for paragraph, group in by_paragraph.items()]


def paragraph_citation(corpus: Corpus, paragraph_id: str) -> Citation:
    paragraph = corpus.paragraph_by_id[paragraph_id]
    return Citation("passage", paragraph.section, paragraph.id, highlight_fa=((0, len(paragraph.fa)),),
                    highlight_en=((0, len(paragraph.en)),))


def row_citation(row: int) -> Citation:
    return Citation("table", "4-2", f"table2.{row}", row=row)


def section_citation(section: str) -> Citation:
    return Citation("section", section)


@dataclass(frozen=True)
class Note:
    id: str
    when: dict
    cite: tuple[str, ...]


class Notes:
    """The paper's inconsistencies (corpus/notes.json): which queries they concern and what they cite."""

    def __init__(self, corpus: Corpus, path: Path = CORPUS_DIR / "notes.json") -> None:
        data = read_json(path)
        self.notes = []
        for record in data.get("notes", []):
            missing = [p for p in record.get("cite", []) if p not in corpus.paragraph_by_id]
            if missing or not record.get("id") or not {"fa", "en"} <= set(record):
                raise CorpusError(f"{path}: note {record.get('id')!r} needs id, fa, en and known cite ids {missing}")
            self.notes.append(Note(record["id"], record.get("when", {}), tuple(record.get("cite", []))))

    def matching(self, query: Query, eras: tuple[str, ...] = ()) -> list[Note]:
        """The notes whose conditions the query meets (`eras`: the eras it concerns, after resolving concepts)."""
        return [note for note in self.notes if _meets(note.when, query, eras)]


def _meets(when: dict, query: Query, eras: tuple[str, ...]) -> bool:
    for key in ("route", "op", "attribute"):
        if key in when and getattr(query, key) not in when[key]:
            return False
    if "era" in when and not set(when["era"]) & set(eras or query.filters.era):
        return False
    if "concept" in when and query.filters.concept not in when["concept"]:
        return False
    if when.get("no_filters") and not query.filters.is_empty():
        return False
    return True
