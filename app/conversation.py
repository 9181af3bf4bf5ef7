"""Per-conversation state: what was asked and what the answers were about, so follow-ups can refer back.

One `Conversation` per chat (a browser session, a `--batch` thread of questions); the shared
`Assistant` never stores anything about a conversation itself.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from app.types import Answer
from app.understand import Turn

MAX_TURNS = 20  # a study session's context, not an archive


@dataclass
class Conversation:
    turns: list[Turn] = field(default_factory=list)

    @property
    def last(self) -> Turn | None:
        return self.turns[-1] if self.turns else None

    def remember(self, answer: Answer) -> None:
        if answer.query is None:
            return
        sentences = tuple(i["sentence"] for i in answer.items if i.get("kind") == "sentence")
        self.turns.append(Turn(answer.question, answer.query, tuple(answer.rows), sentences))
        del self.turns[:-MAX_TURNS]

    def clear(self) -> None:
        self.turns.clear()
