"""Questions the paper does not answer: say so plainly, name what it lacks, point to the nearest passage."""
from __future__ import annotations

from app.executors.common import row_citation, sentence_citations
from app.executors.passage import PassageExecutor
from app.executors.table import TableExecutor
from app.types import AnswerDraft, Item
from app.understand import Understanding


class UnanswerableExecutor:
    def __init__(self, passages: PassageExecutor, table: TableExecutor) -> None:
        self.passages, self.table = passages, table

    def run(self, u: Understanding, reason: str | None = None) -> AnswerDraft:
        reason = reason or u.query.reason or "attribute_not_recorded"
        filters = u.query.filters
        rows = [a for a in self.table.corpus.agreements if a.city_en in filters.city or a.country_en in filters.country]
        if rows and reason == "attribute_not_recorded":  # a detail of a tie that Table 2 does not record
            items = [Item("row", "", row=a.row) for a in rows]
            return AnswerDraft("abstain", "table.no_details", {}, items, [row_citation(a.row) for a in rows],
                               abstained=True, rows=tuple(a.row for a in rows))
        names = list(u.query.unknown_names)
        template = f"unanswerable.{reason}"
        if reason == "entity_not_in_paper" and not names:
            template = "unanswerable.entity_generic"
        nearest = self.passages.nearest(u)
        return AnswerDraft("abstain", template, {"names": names},
                           [Item("sentence", "", sentence=s.id) for s in nearest], sentence_citations(nearest),
                           abstained=True)
