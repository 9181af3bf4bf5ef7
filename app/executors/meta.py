"""Questions about the paper as a document: title, authors, dates, keywords, its parts, lists and maps."""
from __future__ import annotations

from app.corpus import CORPUS_DIR, Corpus, CorpusError
from app.executors.common import paragraph_citation, read_json, section_citation, sentence_citations
from app.types import AnswerDraft, Item, Query

QUOTED = ("title", "authors", "affiliation", "dates", "keywords")


class MetaExecutor:
    def __init__(self, corpus: Corpus, path=CORPUS_DIR / "meta.json") -> None:
        self.corpus = corpus
        self.places = read_json(path)
        for name in (*QUOTED, "maps"):
            unknown = [p for p in self.places.get(name, []) if p not in corpus.paragraph_by_id]
            if name not in self.places or unknown:
                raise CorpusError(f"{path}: {name!r} must list paragraph ids of the paper (unknown: {unknown})")

    def run(self, query: Query) -> AnswerDraft:
        attribute = query.attribute or "title"
        if attribute in QUOTED or attribute == "maps":
            sentences = [s for p in self.places[attribute] for s in self.corpus.sentences if s.paragraph == p]
            items = [Item("sentence", "", sentence=s.id) for s in sentences]
            template = "meta.maps" if attribute == "maps" else "meta.quote"
            return AnswerDraft("meta", template, {"n": len(items)}, items, sentence_citations(sentences))
        if attribute == "count_items":
            return self.count_items(query)
        return self.sections(query)

    def sections(self, query: Query) -> AnswerDraft:
        parent = query.filters.section if query.filters.section in self.corpus.section_by_id else None
        children = [s for s in self.corpus.sections if s.parent == parent and s.id not in ("front",)]
        if parent and not children:  # a leaf section: its siblings under the same parent
            parent = self.corpus.section_by_id[parent].parent
            children = [s for s in self.corpus.sections if s.parent == parent]
        items = [Item("section", "", key=s.id) for s in children]
        template = "meta.subsections" if parent else "meta.sections"
        return AnswerDraft("meta", template, {"section": parent or ""},
                           items, [section_citation(s.id) for s in ([self.corpus.section_by_id[parent]]
                                                                     if parent else []) + children])

    def count_items(self, query: Query) -> AnswerDraft:
        """The items of a list in the paper (Table 1's goals, the conditions of 3-4)."""
        wanted = query.filters.section or next((s for s in query.sections if self._items(s)), "3-4")
        paragraphs = self._items(wanted) or self._items("3-4")
        sentences = [s for p in paragraphs for s in self.corpus.sentences if s.paragraph == p.id]
        items = [Item("sentence", "", sentence=s.id) for s in sentences]
        where = "table1" if paragraphs[0].table == "table1" else paragraphs[0].section
        citations = sentence_citations(sentences)
        caption = next((p for p in self.corpus.paragraphs if p.kind == "caption" and p.table == "table1"), None)
        if where == "table1" and caption:
            citations.insert(0, paragraph_citation(self.corpus, caption.id))
        return AnswerDraft("meta", "meta.count_items", {"n": len(paragraphs), "where": where}, items, citations)

    def _items(self, section: str):
        if section == "table1":
            return [p for p in self.corpus.paragraphs if p.table == "table1" and p.kind == "list_item"]
        return [p for p in self.corpus.paragraphs if p.section == section and p.kind == "list_item" and not p.table]
