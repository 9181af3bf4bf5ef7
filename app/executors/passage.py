"""Passage questions: the learned ranker scores every sentence of the paper; the answer is the best one or
few, read on where the best one opens a list or is continued by its neighbour, followed by the best sentence
of another paragraph when that one scores nearly as well."""
from __future__ import annotations

import numpy as np

from app.corpus import Corpus, Sentence
from app.executors.common import sentence_citations
from app.model import Ranker, passage_stats, runner_up
from app.ranker import Doc2Query, SentenceTable, features, rank_query
from app.types import AnswerDraft, Item
from app.understand import Understanding

NEIGHBOUR_SHARE = 0.03  # a neighbour joins the answer at this share of the best one's probability (see RUNNER_UP_SHARE):
# the softmax is sharp, and a reason or an account often runs over two sentences that the ranker scores far apart
NEIGHBOUR_RANK = 2  # … or when it is among this many best sentences of the whole paper, whatever its score
MAX_SENTENCES = 3
SUMMARY_SENTENCES = 4
SHAPE_CHECK_AT = 0.8  # P(asks) above which a number/date/name question needs that shape in its answer (validation set)
LIST_MAX = 9


class PassageExecutor:
    def __init__(self, corpus: Corpus, table: SentenceTable, doc2query: Doc2Query, ranker: Ranker) -> None:
        self.corpus, self.table, self.doc2query, self.ranker = corpus, table, doc2query, ranker
        self.paragraphs = [s.paragraph for s in table.sentences]
        self.order = {s.id: n for n, s in enumerate(corpus.sentences)}
        self.paragraph_ids = [p.id for p in corpus.paragraphs]
        self.paragraph_at = {pid: n for n, pid in enumerate(self.paragraph_ids)}

    def rank(self, u: Understanding) -> np.ndarray:
        """P(answers the question) for every candidate sentence."""
        query = rank_query(u.vector, u.reading or u.text, u.lang, u.scores.get("asks", {}), u.scores.get("section", {}),
                           u.mentions, u.context, u.query.filters.section)
        return self.ranker.proba(features(self.table, query, self.doc2query.scores(u.vector)))

    def scored(self, u: Understanding) -> np.ndarray:
        """The ranker's probabilities, restricted to the sections the question names ("summarize 4-2",
        "according to 3-4, …") and near the previous answer for a passage follow-up."""
        return self.within_context(u, self.within_named_sections(u, self.rank(u)))

    def within_named_sections(self, u: Understanding, probabilities: np.ndarray) -> np.ndarray:
        """A question that names a section by its number is answered from that section (or its subsections); a
        follow-up about an era the conversation is on ("what did his government focus on?"), from that era's."""
        named = set(u.mentions.sections) | (set(u.query.filters.era) if u.query.followup else set())
        inside = np.array([bool(named & ancestors) for ancestors in self.table.ancestors])
        return np.where(inside, probabilities, 0.0) if named and inside.any() else probabilities

    def stats(self, probabilities: np.ndarray) -> tuple[float, float, float]:
        return passage_stats(probabilities, self.paragraphs)

    def run(self, u: Understanding, probabilities: np.ndarray | None = None) -> AnswerDraft:
        probabilities = self.scored(u) if probabilities is None else probabilities
        chosen = self.choose(u, probabilities)
        items = [Item("sentence", "", sentence=s.id) for s in chosen]
        draft = AnswerDraft("passage", "passage.answer", {}, items, sentence_citations(chosen))
        missing = self.missing_shape(u, chosen)
        if missing:
            draft.kind, draft.abstained = "abstain", True
            draft.template, draft.values = "passage.abstain_kind", {"kind": missing}
        return draft

    def refuse(self, u: Understanding, probabilities: np.ndarray | None = None) -> AnswerDraft:
        """"The paper does not say", with the nearest passage, for an answer not sure enough to give."""
        nearest = self.nearest(u, probabilities)
        return AnswerDraft("abstain", "passage.abstain", {}, [Item("sentence", "", sentence=s.id) for s in nearest],
                           sentence_citations(nearest), abstained=True)

    def within_context(self, u: Understanding, probabilities: np.ndarray) -> np.ndarray:
        """A follow-up to a passage answer ("why?", "which source?") is answered from the paragraphs of that answer
        and the ones beside them."""
        near = set()
        for sentence_id in u.context:
            sentence = self.corpus.sentence_by_id.get(sentence_id)
            if sentence:
                where = self.paragraph_at[sentence.paragraph]
                near.update(self.paragraph_ids[max(0, where - 1):where + 2])
        if not u.query.followup or not near:
            return probabilities
        inside = np.array([s.paragraph in near for s in self.table.sentences])
        return np.where(inside, probabilities, 0.0) if inside.any() else probabilities

    def nearest(self, u: Understanding, probabilities: np.ndarray | None = None) -> list[Sentence]:
        """The sentence that comes closest to answering (what a refusal points to)."""
        probabilities = self.scored(u) if probabilities is None else probabilities
        return [self.table.sentences[int(np.argmax(probabilities))]]

    def choose(self, u: Understanding, probabilities: np.ndarray) -> list[Sentence]:
        ranked = np.argsort(-probabilities)
        best = self.table.sentences[int(ranked[0])]
        if u.query.asks == "summary":
            inside = [int(i) for i in ranked if self.table.sentences[int(i)].section == best.section]
            return self._in_order(self.table.sentences[i] for i in inside[:SUMMARY_SENTENCES])
        said = set(u.context) if u.query.followup else set()  # a follow-up's answer does not grow into the last one
        chosen = self.with_neighbours(ranked, probabilities, said) + self.naming_the_same(u, best)
        if "list_intro" in best.tags or (u.query.asks == "list" and best.kind == "list_item"):
            return self._in_order(chosen + self.list_after(best))
        wanted = {"source": "source", "number": "number", "date": "date", "person": "person"}.get(u.query.asks or "")
        if wanted and not any(wanted in s.tags for s in chosen):
            chosen += self.nearest_with(best, wanted, probabilities)
        other = runner_up(probabilities, self.paragraphs)
        extra = [self.table.sentences[other]] if other is not None else []
        return self._in_order(chosen) + [s for s in extra if s.id not in said]

    def with_neighbours(self, ranked: np.ndarray, probabilities: np.ndarray, said: set[str]) -> list[Sentence]:
        """The best sentence (`ranked` orders the sentences best first), grown by the neighbours in its paragraph
        that also score well (up to three) and that were not `said` just before."""
        best = self.table.sentences[int(ranked[0])]
        chosen = [best]
        floor = min(NEIGHBOUR_SHARE * probabilities[ranked[0]],
                    probabilities[ranked[min(NEIGHBOUR_RANK, len(ranked)) - 1]])
        while len(chosen) < MAX_SENTENCES:
            first, last = self.order[chosen[0].id], self.order[chosen[-1].id]
            around = [self.corpus.sentences[i] for i in (first - 1, last + 1) if 0 <= i < len(self.corpus.sentences)]
            around = [s for s in around if s.paragraph == best.paragraph and s.id in self.table.index
                      and s.id not in said and probabilities[self.table.index[s.id]] >= floor]
            if not around:
                break
            pick = max(around, key=lambda s: probabilities[self.table.index[s.id]])
            chosen = self._in_order([*chosen, pick])
        return chosen

    def naming_the_same(self, u: Understanding, best: Sentence) -> list[Sentence]:
        """When the question names a place or person that the best sentence names too, the other sentences of
        its paragraph that name it belong to the answer ("is Paris a sister city?": the claim and the draft)."""
        names = {m.entity.key for m in u.mentions.found if m.entity.kind in ("city", "country", "person")}
        if not names or not names & self.table.names[self.table.index[best.id]]:
            return []
        return [s for s in self.table.sentences if s.paragraph == best.paragraph and s.id != best.id
                and names & self.table.names[self.table.index[s.id]]][:MAX_SENTENCES - 1]

    def list_after(self, sentence: Sentence) -> list[Sentence]:
        """What a sentence that opens a list is followed by: the rest of its paragraph, or the list items after it
        (for an item: the whole list it belongs to)."""
        sentences = self.corpus.sentences
        start = self.order[sentence.id]
        rest = [s for s in sentences[start + 1:] if s.paragraph == sentence.paragraph]
        if rest and sentence.kind != "list_item":
            return rest[:LIST_MAX]
        if sentence.kind == "list_item":
            prefix = sentence.paragraph.split(".")[0]
            return [s for s in sentences if s.kind == "list_item" and s.paragraph.split(".")[0] == prefix][:LIST_MAX]
        out = []
        for s in sentences[start + 1:]:
            if s.kind == "list_item":
                out.append(s)
            elif s.paragraph != sentence.paragraph and not (s.kind == "caption" and not out):
                break
        return out[:LIST_MAX]

    def missing_shape(self, u: Understanding, chosen: list[Sentence]) -> str | None:
        """"number", "date" or "person" when the question surely asks for one and the answer has none."""
        asks = u.scores.get("asks", {})
        for kind in ("number", "date", "person"):
            if u.query.asks == kind and asks.get(kind, 0.0) >= SHAPE_CHECK_AT and \
                    not any(kind in s.tags for s in chosen):
                return kind
        return None

    def nearest_with(self, sentence: Sentence, tag: str, probabilities: np.ndarray) -> list[Sentence]:
        """The best-scoring sentence of the same paragraph that has what the question asks for (a figure, a date,
        a name, a reference), when the best sentence lacks it."""
        same = [s for s in self.table.sentences if s.paragraph == sentence.paragraph and tag in s.tags]
        return sorted(same, key=lambda s: -probabilities[self.table.index[s.id]])[:1]

    def _in_order(self, sentences) -> list[Sentence]:
        return sorted(dict.fromkeys(sentences), key=lambda s: self.order[s.id])
