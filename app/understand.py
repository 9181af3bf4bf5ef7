"""Question + conversation → a typed Query, once.

The gazetteer finds what the question names (places, eras, presidents, concepts, document types, years);
the learned heads (app/model.py, trained on the question bank) decide the route, the operation, the
grouping, the attribute asked, what kind of passage answer is wanted, whether a year means "in", "since",
"before" … and whether the question is a follow-up. A follow-up is resolved against the previous query.
Nothing here matches the wording of particular questions.
"""
from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import Callable, Sequence

import numpy as np

from app.corpus import Corpus
from app.features import Featurizer, dense_features, masked_text, mention_vector
from app.finglish import FinglishReader
from app.gazetteer import Gazetteer, Mentions
from app.model import UnderstandingModel, nearest_by_route
from app.types import ERA_OPS, TABLE_OPS, UNRECORDED, Filters, Query

FOLLOW_UP_AT = 0.5  # P(follow-up) above which a question is read against the previous one
DOC_FILTER_AT = 0.65  # "agreements" mostly just means ties: a wrong type filter costs more than a missed one
RECORDED_AT = 0.6  # P(attribute) at which "what does Table 2 record about this tie?" overrules the route
SECOND_READING_AT = 0.3  # P(route) at which the runner-up route is a second reading of the question
# A bare follow-up to an era's card that the route head reads this surely as a passage question asks the paper
# about that era ("what did his government focus on?": 0.97), not for the card again.
ERA_CONTENT_AT = 0.8


@dataclass(frozen=True)
class Turn:
    """What a follow-up may refer to: the previous question, its query and what its answer was about."""

    question: str
    query: Query
    rows: tuple[int, ...] = ()
    sentences: tuple[str, ...] = ()


@dataclass
class Understanding:
    """The query, and the evidence the executors use: the question's vector, mentions and head scores."""

    query: Query
    text: str  # as the user typed it
    lang: str
    vector: np.ndarray
    mentions: Mentions
    scores: dict[str, dict[str, float]] = field(default_factory=dict)
    context: tuple[str, ...] = ()  # the previous answer's sentences (passage follow-ups)
    search_text: str = ""  # what to search for: a follow-up is searched together with what it follows
    reading: str = ""  # what the models read: Finglish in Persian script, any other question as typed


class Understander:
    """Built once per Assistant; `understand` is pure (it reads the conversation, never changes it)."""

    def __init__(self, corpus: Corpus, gazetteer: Gazetteer, model: UnderstandingModel,
                 embed_query: Callable[[str], np.ndarray]) -> None:
        self.corpus, self.gazetteer, self.model, self.embed_query = corpus, gazetteer, model, embed_query
        self.featurizer = Featurizer()
        self.bank_routes = np.array(model.bank_routes)
        self.reader = FinglishReader.for_corpus(corpus, model.known_words, model.english_words)

    def scores(self, mentions: Mentions, vector: np.ndarray, has_context: bool) -> dict:
        """Every head's class probabilities for one question."""
        x_sparse = self.featurizer.sparse([masked_text(mentions)])
        nearest = nearest_by_route(self.model.bank_vectors @ vector, self.bank_routes)
        x_dense = dense_features(vector[None, :], mention_vector(mentions, has_context)[None, :], nearest[None, :])
        return {name: head.predict(x_sparse, x_dense)[0] for name, head in self.model.heads.items()}

    def understand(self, text: str, lang: str, history: Sequence[Turn] = ()) -> Understanding:
        reading = self.reader.reading(text)
        mentions = self.gazetteer.find(reading, self.model.known_words)
        vector = self.embed_query(reading)
        previous = history[-1] if history else None
        scores = self.scores(mentions, vector, previous is not None)
        if reading != text:
            lang = "fa"
        elif lang == "en" and "lang" in scores:  # Latin letters: English, or Finglish the reader did not know
            lang = best(scores["lang"])[0]
        query = self.query_from(scores, mentions)
        context: tuple[str, ...] = ()
        search_text = reading
        if previous is not None and scores["followup"].get("yes", 0.0) >= FOLLOW_UP_AT:
            query = self.resolve_follow_up(query, previous, scores, mentions)
            context = previous.sentences
            search_text = f"{previous.question} {reading}"
        return Understanding(query, text, lang, vector, mentions, scores, context, search_text, reading)

    def query_from(self, scores: dict, mentions: Mentions) -> Query:
        route, confidence = best(scores["route"])
        op, by, attribute, asks = operation(route, scores)
        reason = best(scores["reason"])[0] if route == "unanswerable" else None
        route, op, attribute, reason = _recorded_or_not(route, op, attribute, reason, scores, mentions)
        sections = tuple(s for s, _ in sorted(scores["section"].items(), key=lambda kv: -kv[1])[:3])
        filters = self.filters(scores, mentions)
        if op == "share" and filters.is_empty() and mentions.keys("doc_family"):
            # a share of every tie is no answer: the document type named is what the share is of
            filters = replace(filters, doc_family=mentions.keys("doc_family"))
        return Query(route=route, op=op, by=by, attribute=attribute, filters=filters,
                     asks=asks, reason=reason, confidence=confidence, sections=sections,
                     unknown_names=tuple(mentions.unknown))

    def filters(self, scores: dict, mentions: Mentions) -> Filters:
        eras = [e for kind in ("era", "head") for entity in mentions.of(kind) for e in entity.eras]
        concepts = mentions.keys("concept")
        sister = best(scores["sister_city"])[0]
        year_from, year_to, calendar = _years(mentions, best(scores["year_mode"])[0])
        month = mentions.months[0] if mentions.months else None
        return Filters(
            era=tuple(dict.fromkeys(eras)), concept=concepts[0] if concepts and not eras else None,
            city=mentions.keys("city"), country=mentions.keys("country"), continent=mentions.keys("continent"),
            doc_family=mentions.keys("doc_family") if scores["doc_filter"].get("yes", 0.0) >= DOC_FILTER_AT else (),
            sister_city={"yes": True, "no": False}.get(sister),
            year_from=year_from, year_to=year_to, calendar=month[1] if month else calendar,
            month=month[0] if month else None, section=mentions.sections[0] if mentions.sections else None)

    def resolve_follow_up(self, query: Query, previous: Turn, scores: dict, mentions: Mentions) -> Query:
        """Read a follow-up against the previous query: named filters replace the same kind, others are added;
        the operation is kept when the question does not ask a new one."""
        before = previous.query
        merged = _merge_filters(before.filters, query.filters)
        keep_op = scores["keep_op"].get("yes", 0.0) >= 0.5
        bare = query.route == "passage" and not mentions.found and not _asks_for_content(before, query, scores)
        if before.route in ("table", "era") and query.route in ("table", "era", "passage") and (keep_op or bare):
            # "name them" after a count keeps the table but asks its own operation; "and in Africa?" keeps both
            op, by, attribute, asks = (before.op, before.by, before.attribute, before.asks) if keep_op else \
                operation(before.route, scores)
            query = replace(query, route=before.route, op=op, by=by, attribute=attribute, asks=asks)
        if query.route == "table" and query.op not in TABLE_OPS or query.route == "era" and query.op not in ERA_OPS:
            query = replace(query, op=before.op)
        if query.route == "passage" and before.route == "passage":
            query = replace(query, sections=before.sections + query.sections)
        if query.route in ("era", "passage") and not merged.era:
            # "who was president then?" or "why?" after ties of one era: that era (its card, or its section)
            merged = replace(merged, era=self.era_of_rows(previous.rows))
        return replace(query, filters=merged, followup=True)

    def era_of_rows(self, rows: Sequence[int]) -> tuple[str, ...]:
        """The era of the previous answer's ties, when they share one."""
        eras = {self.corpus.agreement_by_row[r].era_id for r in rows if r in self.corpus.agreement_by_row}
        return tuple(eras) if len(eras) == 1 else ()


def operation(route: str, scores: dict) -> tuple[str | None, str | None, str | None, str | None]:
    """(operation, grouping, attribute, kind of passage answer) that the heads read in a question on `route`."""
    op = by = attribute = asks = None
    if route == "table":
        op = best(scores["table_op"])[0]
        if op in ("most", "least", "group", "compare"):
            by = best(scores["by"])[0]
        if op == "lookup":
            attribute = best({k: v for k, v in scores["table_attribute"].items() if k != UNRECORDED})[0]
    elif route == "era":
        op = best(scores["era_op"])[0]
        attribute = best(scores["era_attribute"])[0] if op == "lookup" else None
    elif route == "meta":
        attribute = best(scores["meta_attribute"])[0]
    elif route == "passage":
        asks = best(scores["asks"])[0]
    return op, by, attribute, asks


def _asks_for_content(before: Query, query: Query, scores: dict) -> bool:
    """Whether a bare follow-up to a table or era answer asks what only the paper's text can say: why ("why?",
    «چرا؟»: Table 2 and the era cards record no reasons), or, after an era's card, what happened in that era."""
    if query.asks == "reason":
        return True
    return before.route == "era" and scores["route"].get("passage", 0.0) >= ERA_CONTENT_AT


def route_in_context(scores: dict, query: Query) -> dict[str, float]:
    """The route probabilities once the conversation is read: a follow-up resolved onto the previous route is on
    it as surely as it is a follow-up (what the confidence calibrator sees)."""
    route = scores["route"]
    if not query.followup or max(route, key=route.get) == query.route:
        return route
    follows = scores["followup"].get("yes", 0.0)
    return {name: (1 - follows) * p + follows * (name == query.route) for name, p in route.items()}


def second_reading(u: Understanding) -> tuple[Query, dict[str, float]] | None:
    """The question read on its runner-up route, when two answerable routes share it ("how many goals does
    Table 1 list?": the passage or the paper's structure), with the route probabilities as that reading sees
    them (the first reading's share moves to it). None when the runner-up is unlikely or is "unanswerable"."""
    route = route_in_context(u.scores, u.query)
    first, second = sorted(route, key=route.get, reverse=True)[:2]
    if u.query.route != first or "unanswerable" in (first, second) or route[second] < SECOND_READING_AT:
        return None
    op, by, attribute, asks = operation(second, u.scores)
    query = replace(u.query, route=second, op=op, by=by, attribute=attribute, asks=asks, reason=None)
    return query, {**route, first: 0.0, second: route[first] + route[second]}


def _recorded_or_not(route, op, attribute, reason, scores: dict, mentions: Mentions):
    """A question about a tie of Table 2 is answerable when what it asks is something the table records. The
    attribute head, trained on both kinds, overrules the route head when it is sure (RECORDED_AT)."""
    names_a_tie = any(m.entity.rows for m in mentions.found if m.entity.kind in ("city", "country"))
    asked, probability = best(scores["table_attribute"])
    if route == "unanswerable" and reason == "attribute_not_recorded" and names_a_tie and asked != UNRECORDED \
            and probability >= RECORDED_AT:
        return "table", "lookup", asked, None
    if route == "table" and op == "lookup" and asked == UNRECORDED and probability >= RECORDED_AT:
        return "unanswerable", None, None, "attribute_not_recorded"
    return route, op, attribute, reason


def best(probabilities: dict[str, float]) -> tuple[str, float]:
    """The most likely class of a head's probabilities, with its probability."""
    name = max(probabilities, key=probabilities.get)
    return name, probabilities[name]


def _years(mentions: Mentions, mode: str) -> tuple[int | None, int | None, str]:
    """The year filter a question means: `mode` says how its years (or its decade) are used (in, range, after,
    since …); "after the 1380s" starts at 1390, "since the 1380s" at 1380."""
    span = mentions.year_span()
    if span is None:
        return None, None, "jalali"
    start, end, calendar = span
    if mode == "range" and len(mentions.years) >= 2:
        low, high = sorted((start, mentions.years[1][0]))
        return low, high, calendar
    return {"after": (end + 1, None), "since": (start, None), "before": (None, start - 1),
            "until": (None, end)}.get(mode, (start, end)) + (calendar,)


def _merge_filters(before: Filters, new: Filters) -> Filters:
    """A filter the follow-up names replaces the previous one of its kind; the others carry over."""
    changes = {}
    for name in ("era", "city", "country", "continent", "doc_family"):
        if getattr(new, name):
            changes[name] = getattr(new, name)
    if new.era:
        changes["concept"] = None
    elif new.concept:
        changes.update(concept=new.concept, era=())
    if new.sister_city is not None:
        changes["sister_city"] = new.sister_city
    if new.year_from is not None or new.year_to is not None:
        changes.update(year_from=new.year_from, year_to=new.year_to, calendar=new.calendar)
    if new.month is not None:
        changes.update(month=new.month, calendar=new.calendar)
    if new.section:
        changes["section"] = new.section
    return replace(before, **changes)
