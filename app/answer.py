"""Turn retrieved evidence into an answer object."""
from __future__ import annotations

from typing import TYPE_CHECKING

from app.conversation import Conversation, looks_like_follow_up

if TYPE_CHECKING:
    from app.assistant import Answer, Assistant


def retrieval_query(question: str, conversation: Conversation) -> str:
    """The text to search for: a follow-up is searched together with the question it follows."""
    if conversation.last and looks_like_follow_up(question):
        return f"{conversation.last.question} {question}"
    return question


def compose_answer(assistant: "Assistant", question: str, lang: str, conversation: Conversation) -> "Answer":
    from app.assistant import Answer, hit_citation

    hits = assistant.search(retrieval_query(question, conversation), k=5)
    citations = [hit_citation(assistant.corpus, hit) for hit in hits]
    top = hits[0].chunk if hits else None
    text = (top.fa if lang == "fa" else top.en) if top else ""
    return Answer(question, lang, text, False, citations, kind="passage")
