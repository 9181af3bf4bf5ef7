"""The one API that the CLI and the Streamlit UI share.

An `Assistant` holds the read-only parts (corpus, index, embedder, retriever) and can be shared by
any number of conversations and threads; everything that changes during a chat lives in a
`Conversation` object owned by its caller.
"""
from __future__ import annotations

import threading
import time
from dataclasses import replace
from pathlib import Path

import numpy as np

from app.conversation import Conversation
from app.corpus import CORPUS_DIR
from app.embedding import Embedder, get_embedder
from app.executors.common import Notes, read_json
from app.executors.era import EraExecutor
from app.executors.meta import MetaExecutor
from app.executors.passage import PassageExecutor
from app.executors.table import TableExecutor
from app.executors.unanswerable import UnanswerableExecutor
from app.gazetteer import Gazetteer
from app.index import INDEX_DIR, Progress, open_index
from app.llm import LLMConfig, phrase
from app.model_store import open_model
from app.normalize import clean_text, detect_lang, has_letters, strip_markup, to_persian_digits
from app.ranker import Doc2Query, SentenceTable
from app.render import Renderer
from app.retrieval import Hit, Retriever
from app.types import Answer, AnswerDraft
from app.understand import Understander, Understanding, best, route_in_context, second_reading

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """The question cannot be asked as typed; `message_fa` / `message_en` say why."""

    def __init__(self, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_fa = message_en, message_fa

    def message(self, lang: str) -> str:
        return self.message_fa if lang == "fa" else self.message_en




def too_long(length: int) -> QuestionError:
    limit = MAX_QUESTION_CHARS
    return QuestionError(
        f"The question is too long ({length:,} characters); please keep it under {limit}.",
        to_persian_digits(f"پرسش بیش از حد طولانی است ({length} نویسه)؛ لطفاً آن را به کمتر از {limit} نویسه برسانید."))


def clean_question(question: object) -> str:
    """The question as plain text: markup and control characters removed, whitespace collapsed.
    Raises QuestionError for empty, meaningless or over-long input."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.", "پرسش باید متن باشد.")
    if len(question) > MAX_QUESTION_CHARS * 4:  # don't even clean a pasted book
        raise too_long(len(question))
    text = strip_markup(clean_text(question))
    if not text or not has_letters(text):
        raise QuestionError("Please type a question about the paper.", "لطفاً پرسشی درباره مقاله بنویسید.")
    if len(text) > MAX_QUESTION_CHARS:
        raise too_long(len(text))
    return text


class Assistant:
    """Questions in, cited answers out. Thread-safe: shared state is read-only after start-up.

    corpus → index → understand (Query) → execute (AnswerDraft) → render (Answer)."""

    def __init__(self, embedder: Embedder | str | None = None, corpus_dir: Path = CORPUS_DIR,
                 index_root: Path | None = None, progress: Progress | None = None, fusion: str = "score") -> None:
        self.embedder = embedder if embedder is not None and not isinstance(embedder, str) else get_embedder(embedder)
        self.corpus, self.index = open_index(self.embedder, root=index_root or INDEX_DIR, corpus_dir=corpus_dir,
                                             progress=progress)
        self.retriever = Retriever(self.corpus, self.index, self.embedder, fusion=fusion)
        self.embedding_lock = threading.Lock()  # the embedding engines are not documented as thread-safe
        self.model = open_model(self.corpus, self.embedder, self.index, index_root, progress)
        gazetteer = Gazetteer(self.corpus)
        self.understander = Understander(self.corpus, gazetteer, self.model, self.embed_query)
        sentences = SentenceTable(self.corpus, gazetteer, self.index)
        notes = Notes(self.corpus)
        self.table = TableExecutor(self.corpus, gazetteer, notes, read_json(corpus_dir / "meta.json").get("accepted"))
        self.eras = EraExecutor(self.corpus, notes, self.table)
        self.meta = MetaExecutor(self.corpus)
        self.passages = PassageExecutor(self.corpus, sentences, Doc2Query(sentences, self.model.bank_vectors,
                                                                          self.model.bank_gold), self.model.ranker)
        self.unanswerable = UnanswerableExecutor(self.passages, self.table)
        self.renderer = Renderer(self.corpus)
        self.llm = LLMConfig.from_env()  # None unless the user configured a model endpoint

    def new_conversation(self) -> Conversation:
        return Conversation()

    def embed_query(self, text: str) -> np.ndarray:
        with self.embedding_lock:
            return self.retriever.query_vector(text)

    def search(self, query: str, k: int = 8, mode: str = "hybrid") -> list[Hit]:
        with self.embedding_lock:
            return self.retriever.search(query, k=k, mode=mode)

    def understand(self, question: str, conversation: Conversation | None = None) -> Understanding:
        text = clean_question(question)
        return self.understander.understand(text, detect_lang(text), conversation.turns if conversation else ())

    def execute(self, u: Understanding) -> AnswerDraft:
        """Run the query's route, unless the calibrated confidence says the answer is likely wrong: then the
        question's second reading, if it has one and that one is sure enough; else refuse."""
        query = u.query
        if query.route == "unanswerable":
            if query.reason == "entity_not_in_paper" and best(u.scores["yesno"])[0] == "yes":
                return self.table.run(replace(query, route="table", op="membership"))  # "is Tokyo one?": no
            return self.unanswerable.run(u)
        # the passage ranking is computed once: for the first reading, a passage second reading, or the refusal
        probabilities = self.passages.scored(u) if query.route == "passage" else None
        draft = self.run_if_sure(u, route_in_context(u.scores, query), probabilities)
        second = second_reading(u) if draft is None else None
        if second is not None:
            reading = replace(u, query=second[0])
            if reading.query.route == "passage" and probabilities is None:
                probabilities = self.passages.scored(reading)
            draft = self.run_if_sure(reading, second[1], probabilities)
        return draft if draft is not None else self.passages.refuse(u, probabilities)

    def run_if_sure(self, u: Understanding, route: dict[str, float],
                    probabilities: np.ndarray | None) -> AnswerDraft | None:
        """The answer on the query's route, with its calibrated confidence; None below the threshold.
        `probabilities`: the passage ranking, needed when the route is "passage"."""
        query = u.query
        stats = self.passages.stats(probabilities) if query.route == "passage" else None
        confidence = self.model.calibrator.confidence(route, stats)
        if confidence < self.model.calibrator.threshold:
            return None
        if query.route == "table":
            draft = self.table.run(query)
        elif query.route == "era":
            draft = self.eras.run(query)
        elif query.route == "meta":
            draft = self.meta.run(query)
        else:
            draft = self.passages.run(u, probabilities)
        draft.confidence = confidence
        return draft

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question (raises QuestionError for unusable input)."""
        started = time.perf_counter()
        conversation = conversation if conversation is not None else Conversation()
        u = self.understand(question, conversation)
        answer = self.renderer.render(self.execute(u), u.text, u.lang, u.query)
        if self.llm and answer.kind == "passage" and not answer.abstained:
            phrased = phrase(u.text, u.lang, answer.citations, self.llm)
            if phrased:
                answer.answer, answer.phrased_by = phrased, self.llm.model
        answer.timing_ms = (time.perf_counter() - started) * 1000
        conversation.remember(answer)
        return answer
