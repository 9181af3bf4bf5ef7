"""The one API that the CLI and the Streamlit UI share.

An `Assistant` holds the read-only parts (corpus, index, embedder, retriever) and can be shared by
any number of conversations and threads; everything that changes during a chat lives in a
`Conversation` object owned by its caller.
"""
from __future__ import annotations

import html
import re
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from app.answer import Composer, compose_answer
from app.chunking import Chunk
from app.conversation import Conversation
from app.corpus import CORPUS_DIR, Corpus, Paragraph
from app.embedding import Embedder, get_embedder
from app.index import INDEX_DIR, Progress, open_index
from app.llm import LLMConfig, phrase
from app.normalize import clean_text, detect_lang
from app.retrieval import Hit, Retriever

MAX_QUESTION_CHARS = 500


class QuestionError(ValueError):
    """The question cannot be asked as typed; `message_fa` / `message_en` say why."""

    def __init__(self, message_en: str, message_fa: str) -> None:
        super().__init__(message_en)
        self.message_en, self.message_fa = message_en, message_fa

    def message(self, lang: str) -> str:
        return self.message_fa if lang == "fa" else self.message_en


_TAG = re.compile(r"<[^>]{0,200}>")
_MEANINGFUL = re.compile(r"[^\W_]")


def clean_question(question: object) -> str:
    """The question as plain text: markup and control characters removed, whitespace collapsed.
    Raises QuestionError for empty, meaningless or over-long input."""
    if not isinstance(question, str):
        raise QuestionError("The question must be text.", "پرسش باید متن باشد.")
    if len(question) > MAX_QUESTION_CHARS * 4:  # don't even clean a pasted book
        raise QuestionError(
            f"The question is too long ({len(question):,} characters); please keep it under {MAX_QUESTION_CHARS}.",
            f"پرسش بیش از حد طولانی است ({len(question):,} نویسه)؛ لطفاً آن را به کمتر از {MAX_QUESTION_CHARS} نویسه برسانید.")
    text = html.unescape(_TAG.sub(" ", clean_text(question)))
    text = re.sub(r"\s+", " ", _TAG.sub(" ", text)).strip()
    if not text or not _MEANINGFUL.search(text):
        raise QuestionError("Please type a question about the paper.", "لطفاً پرسشی درباره مقاله بنویسید.")
    if len(text) > MAX_QUESTION_CHARS:
        raise QuestionError(
            f"The question is too long ({len(text):,} characters); please keep it under {MAX_QUESTION_CHARS}.",
            f"پرسش بیش از حد طولانی است ({len(text):,} نویسه)؛ لطفاً آن را به کمتر از {MAX_QUESTION_CHARS} نویسه برسانید.")
    return text


@dataclass
class Answer:
    question: str
    lang: str
    answer: str
    abstained: bool
    citations: list[dict]
    timing_ms: float = 0.0
    kind: str = "passage"  # passage | table | era | abstain | ambiguous
    table_query: object = None  # the parsed structured query, for follow-ups (not serialized)
    phrased_by: str | None = None  # the language model that phrased it, when one is configured

    def to_dict(self) -> dict:
        return {"question": self.question, "lang": self.lang, "answer": self.answer, "abstained": self.abstained,
                "citations": self.citations, "timing_ms": round(self.timing_ms, 1), "kind": self.kind,
                "phrased_by": self.phrased_by}


def passage_citation(corpus: Corpus, chunk: Chunk, score: float | None = None) -> dict:
    """A citation of a passage chunk: its whole paragraph, with the chunk's sentences to highlight."""
    paragraph = corpus.paragraph_by_id[chunk.paragraph]
    return {"kind": "passage", "section": chunk.section, "paragraph": paragraph.id, "text": paragraph.fa,
            "text_en": paragraph.en, "highlight": {"fa": [list(s) for s in chunk.fa_spans],
                                                   "en": [list(s) for s in chunk.en_spans]},
            "score": None if score is None else round(score, 4)}


def paragraph_citation(corpus: Corpus, paragraph: Paragraph, fa_spans=None, en_spans=None) -> dict:
    """A citation of a whole paragraph, highlighting the given sentence spans (all of it by default)."""
    chunk = Chunk(id=paragraph.id, kind="passage", paragraph=paragraph.id, section=paragraph.section,
                  fa=paragraph.fa, en=paragraph.en, evidence=tuple(paragraph.evidence_ids),
                  fa_spans=tuple(fa_spans or [(0, len(paragraph.fa))]),
                  en_spans=tuple(en_spans or [(0, len(paragraph.en))]))
    return passage_citation(corpus, chunk)


def table_citation(corpus: Corpus, row: int, score: float | None = None) -> dict:
    a = corpus.agreement_by_row[row]
    era = corpus.era_by_id[a.era_id]
    paragraph = corpus.paragraph_by_id[f"table2.{row}"]
    return {"kind": "table", "row": row, "section": "4-2", "paragraph": paragraph.id,
            "date_jalali": a.date_jalali, "date_gregorian": a.date_gregorian, "date_as_printed": a.date_as_printed,
            "doc_type_fa": a.doc_type_fa, "doc_type_en": a.doc_type_en, "city_fa": a.city_fa, "city_en": a.city_en,
            "country_fa": a.country_fa, "country_en": a.country_en, "continent": a.continent, "era": a.era_id,
            "era_en": era.short_en[0], "era_fa": era.short_fa[0], "text": paragraph.fa, "text_en": paragraph.en,
            "score": None if score is None else round(score, 4)}


def section_citation(corpus: Corpus, section_id: str, score: float | None = None) -> dict:
    section = corpus.section_by_id[section_id]
    return {"kind": "section", "section": section_id, "paragraph": None, "text": section.title_fa,
            "text_en": section.title_en, "score": None if score is None else round(score, 4)}


class Assistant:
    """Questions in, cited answers out. Thread-safe: shared state is read-only after start-up."""

    def __init__(self, embedder: Embedder | str | None = None, corpus_dir: Path = CORPUS_DIR,
                 index_root: Path = INDEX_DIR, progress: Progress | None = None, fusion: str = "score") -> None:
        self.embedder = embedder if embedder is not None and not isinstance(embedder, str) else get_embedder(embedder)
        self.corpus, self.index = open_index(self.embedder, root=index_root, corpus_dir=corpus_dir, progress=progress)
        self.retriever = Retriever(self.corpus, self.index, self.embedder, fusion=fusion)
        self.embedding_lock = threading.Lock()  # the embedding engines are not documented as thread-safe
        self.composer = Composer(self)
        self.composer.warm_up()  # build every lazy table now: afterwards the shared state is read-only
        self.llm = LLMConfig.from_env()  # None unless the user configured a model endpoint

    def new_conversation(self) -> Conversation:
        return Conversation()

    def search(self, query: str, k: int = 8, mode: str = "hybrid") -> list[Hit]:
        with self.embedding_lock:
            return self.retriever.search(query, k=k, mode=mode)

    def ask(self, question: str, conversation: Conversation | None = None) -> Answer:
        """Answer one question (raises QuestionError for unusable input)."""
        started = time.perf_counter()
        text = clean_question(question)
        lang = detect_lang(text)
        conversation = conversation if conversation is not None else Conversation()
        answer = compose_answer(self, text, lang, conversation)
        if self.llm and answer.kind == "passage" and not answer.abstained:
            phrased = phrase(text, lang, answer.citations, self.llm)
            if phrased:
                answer.answer, answer.phrased_by = phrased, self.llm.model
        answer.timing_ms = (time.perf_counter() - started) * 1000
        conversation.remember(answer)
        return answer
