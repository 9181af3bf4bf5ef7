"""Questions about the six eras of section 4-1, answered from eras.json."""
from __future__ import annotations

from app.corpus import Corpus
from app.executors.common import Notes, row_citation, section_citation
from app.executors.table import TableExecutor
from app.types import AnswerDraft, Item, Query


class EraExecutor:
    def __init__(self, corpus: Corpus, notes: Notes, table: TableExecutor) -> None:
        self.corpus, self.notes, self.table = corpus, notes, table

    def run(self, query: Query) -> AnswerDraft:
        eras = self.table.eras_of(query.filters) or self.spanning(query.filters.year_from, query.filters.year_to)
        all_items = [Item("era", "", era=e.id) for e in self.corpus.eras]
        if query.op == "count":
            draft = AnswerDraft("era", "era.count", {"n": len(self.corpus.eras)}, all_items)
        elif query.op == "list" or (query.op == "lookup" and query.filters.concept and len(eras) > 1):
            if query.filters.concept and eras:
                draft = AnswerDraft("era", "era.list", {"concept": query.filters.concept},
                                    [Item("era", "", era=e) for e in eras])
            else:
                draft = AnswerDraft("era", "era.all", {}, all_items)
        elif not eras:
            draft = AnswerDraft("era", "era.which", {}, all_items)
        else:
            draft = self.lookup(query, eras[0])
        draft.notes = [n.id for n in self.notes.matching(query, eras)]
        if draft.notes:
            draft.kind = "ambiguous"
        cited = [i.era for i in draft.items if i.era] or list(eras[:1])
        draft.citations = [section_citation(e) for e in dict.fromkeys(cited)] + draft.citations
        return draft

    def spanning(self, start: int | None, end: int | None) -> tuple[str, ...]:
        """The era a span of Jalali years falls in ("president in 1360–68" → 4-1-2), if exactly one does."""
        if start is None or end is None:
            return ()
        inside = [e.id for e in self.corpus.eras if e.start_jalali <= start and end <= (e.end_jalali_alt or e.end_jalali)]
        return tuple(inside[-1:])

    def lookup(self, query: Query, era_id: str) -> AnswerDraft:
        era = self.corpus.era_by_id[era_id]
        attribute = query.attribute or "years"
        values = {"era": era_id, "section": era_id}
        if attribute == "head" and not era.head_en:  # the paper names nobody: that is "the paper does not say"
            return AnswerDraft("abstain", "era.head_none", values, [Item("era", "", era=era_id)], abstained=True)
        if attribute == "ties":
            rows = [a.row for a in self.corpus.agreements if a.era_id == era_id]
            return AnswerDraft("era", "era.ties", {**values, "n": era.ties}, [Item("row", "", row=r) for r in rows],
                               [row_citation(r) for r in rows], rows=tuple(rows))
        return AnswerDraft("era", f"era.{attribute}", values, [Item("era", "", era=era_id)])
