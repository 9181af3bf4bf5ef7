"""One executor per route: each turns a typed Query into an AnswerDraft of structured items and citations."""
