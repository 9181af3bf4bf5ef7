"""Per-conversation state: what was asked and answered, so follow-ups can refer back.

One `Conversation` per chat (a browser session, a `--batch` thread of questions); the shared
`Assistant` never stores anything about a conversation itself.
"""
from __future__ import annotations

import re
from dataclasses import dataclass, field
from typing import Any

from app.normalize import fold

_FOLLOW_UP_EN = re.compile(
    r"\b(those|these|them|they|it|its|that one|which one|which of|of them|of those|how many of|and (in|under|for|during|with)|"
    r"what about|how about|same|the previous|above|that (definition|tie|era|one|list|answer|source|document|passage))\b"
    r"|^and\b", re.I)
_FOLLOW_UP_FA = re.compile(
    r"(آن‌ها|آنها|آن ها|اون‌ها|اونها|اونا|این‌ها|اینها|کدومش|کدوماش|کدامش|کدام‌یک از|کدام یک از|کدامیک از|کدوم یکی|"
    r"از بین آن|از میان آن|چندتاش|چند تاش|چندتا از|همین|همان|قبلی|بالا|^و |^در مورد |^درباره )")


@dataclass
class Turn:
    question: str
    lang: str
    answer: Any  # app.assistant.Answer (kept loose to avoid an import cycle)
    rows: tuple[int, ...] = ()  # the Table 2 rows the answer cited: what "those" refers to


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def remember(self, answer: Any) -> None:
        rows = tuple(c["row"] for c in answer.citations if c.get("kind") == "table")
        self.turns.append(Turn(answer.question, answer.lang, answer, rows))
        del self.turns[:-20]  # a study session's context, not an archive

    def clear(self) -> None:
        self.turns.clear()


def looks_like_follow_up(question: str) -> bool:
    """True when the question refers back to the previous answer ("which of those …", «کدومش …»)."""
    folded = fold(question)
    return bool(_FOLLOW_UP_EN.search(folded) or _FOLLOW_UP_FA.search(folded.replace(" ", "\u200c"))
                or _FOLLOW_UP_FA.search(folded))
