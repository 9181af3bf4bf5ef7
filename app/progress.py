"""A student's progress in SQLite: profiles, every quiz/exam answer and every flashcard review, with its time.

The file sits in the user's data directory (`$XDG_DATA_HOME/paper-study/progress.db`, default
`~/.local/share/paper-study/progress.db`); `PAPER_STUDY_DB` moves it. The schema grows by migrations counted in
`PRAGMA user_version`; every write is one transaction; WAL mode lets two browser tabs write at once.
A profile is found by its unguessable key only; names are listed only outside class mode (`PAPER_STUDY_CLASS=1`).
A file that is not a sound SQLite database of this app (or is newer, or cannot be written) raises `StoreError` and is
never written to; `MemoryStore`, the same code on an in-memory database, then keeps the session's progress unsaved.
"""
from __future__ import annotations

import os
import re
import secrets
import sqlite3
import time
from collections import defaultdict
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import datetime, timezone
from pathlib import Path

from app.normalize import clean_text, has_letters, strip_markup

ENV_DB = "PAPER_STUDY_DB"
ENV_CLASS = "PAPER_STUDY_CLASS"
SQLITE_MAGIC = b"SQLite format 3\x00"
KEY_PATTERN = re.compile(r"^[A-Za-z0-9_-]{22,64}$")
NAME_MAX = 40
BUSY_TIMEOUT_MS = 10_000

# One tuple of statements per schema version; never edit a released one, append a new one.
MIGRATIONS: tuple[tuple[str, ...], ...] = (
    ("CREATE TABLE profiles (id INTEGER PRIMARY KEY, key TEXT NOT NULL UNIQUE, name TEXT NOT NULL, "
     "created TEXT NOT NULL)",
     "CREATE TABLE answers (id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id) "
     "ON DELETE CASCADE, at TEXT NOT NULL, source TEXT NOT NULL, question_id TEXT NOT NULL, kind TEXT NOT NULL, "
     "topic TEXT NOT NULL, section TEXT NOT NULL, era TEXT, score REAL NOT NULL, cite TEXT NOT NULL)",
     "CREATE INDEX answers_profile ON answers (profile_id, at)",
     "CREATE TABLE card_states (profile_id INTEGER NOT NULL REFERENCES profiles(id) ON DELETE CASCADE, "
     "card_id TEXT NOT NULL, state TEXT NOT NULL, due TEXT NOT NULL, PRIMARY KEY (profile_id, card_id))",
     "CREATE TABLE reviews (id INTEGER PRIMARY KEY, profile_id INTEGER NOT NULL REFERENCES profiles(id) "
     "ON DELETE CASCADE, card_id TEXT NOT NULL, at TEXT NOT NULL, rating TEXT NOT NULL, due TEXT NOT NULL)",
     "CREATE INDEX reviews_profile ON reviews (profile_id, at)"),
)


def db_path() -> Path:
    """Where progress is kept: `PAPER_STUDY_DB`, else the user's data directory."""
    if os.environ.get(ENV_DB, "").strip():
        return Path(os.environ[ENV_DB].strip()).expanduser()
    base = os.environ.get("XDG_DATA_HOME", "").strip() or str(Path.home() / ".local" / "share")
    return Path(base).expanduser() / "paper-study" / "progress.db"


def class_mode() -> bool:
    """`PAPER_STUDY_CLASS=1`: served to a class; profiles are opened by key only, names never listed."""
    return os.environ.get(ENV_CLASS, "").strip().lower() in ("1", "true", "yes", "on")


def now_utc() -> datetime:
    """The time now, in UTC (what every stored time is in)."""
    return datetime.now(timezone.utc)


def as_utc(moment: datetime) -> datetime:
    """`moment` in UTC; a time without a time zone is refused (it would be read differently on another machine)."""
    if moment.tzinfo is None:
        raise ValueError("times must be timezone-aware (use datetime.now(timezone.utc))")
    return moment.astimezone(timezone.utc)


class StoreError(Exception):
    """The progress file cannot be used. `reason`: corrupt | unwritable | newer | busy."""

    def __init__(self, reason: str, path: Path, detail: str = "") -> None:
        super().__init__(f"{path}: {reason} ({detail})" if detail else f"{path}: {reason}")
        self.reason, self.path, self.detail = reason, path, detail


@dataclass(frozen=True)
class Profile:
    key: str
    name: str
    created: str


@dataclass(frozen=True)
class AnswerRecord:
    """One answered question: where it belongs (section, era, kind) and its score from 0 to 1."""

    question_id: str
    source: str  # quiz | exam
    kind: str  # choice | multi | blank | match | order | open
    topic: str
    section: str
    era: str | None
    score: float
    cite: str
    at: datetime = field(default_factory=now_utc)


def clean_name(name: object) -> str:
    """A profile name as stored: plain text, 1–40 characters with a letter; else ValueError."""
    if not isinstance(name, str):
        raise ValueError("The name must be text.")
    text = strip_markup(clean_text(name)).strip()
    if not text or not has_letters(text):
        raise ValueError("Please type a name.")
    if len(text) > NAME_MAX:
        raise ValueError(f"Please keep the name under {NAME_MAX} characters.")
    return text


def valid_key(key: object) -> bool:
    """Is `key` shaped like a profile key (so that it is worth looking up)?"""
    return isinstance(key, str) and KEY_PATTERN.match(key) is not None


def new_key() -> str:
    """An unguessable profile key: 192 random bits, URL-safe (32 characters)."""
    return secrets.token_urlsafe(24)


def _iso(moment: datetime) -> str:
    return as_utc(moment).isoformat()


# What SQLite says → StoreError.reason; anything else means the file is damaged.
_REASONS = (("locked", "busy"), ("busy", "busy"), ("readonly", "unwritable"), ("read-only", "unwritable"),
            ("unable to open", "unwritable"), ("disk i/o", "unwritable"), ("full", "unwritable"))


def error_reason(exc: sqlite3.Error) -> str:
    """Why SQLite failed, as a StoreError reason: busy, unwritable or corrupt."""
    text = str(exc).lower()
    return next((reason for words, reason in _REASONS if words in text), "corrupt")


def _use_wal(conn: sqlite3.Connection) -> None:
    """Switch the file to WAL. SQLite answers "locked" at once, without waiting, while another tab is opening the
    same file, so the switch is retried here for as long as a write would wait."""
    deadline = time.monotonic() + BUSY_TIMEOUT_MS / 1000
    while True:
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if error_reason(exc) != "busy" or time.monotonic() > deadline:
                raise
            time.sleep(0.02)


@contextmanager
def _snapshot(conn: sqlite3.Connection) -> Iterator[sqlite3.Connection]:
    """One read transaction: every statement inside sees the same state of the file."""
    conn.execute("BEGIN")
    try:
        yield conn
    finally:
        if conn.in_transaction:
            conn.execute("ROLLBACK")


class Store:
    """The SQLite progress store. A connection per operation, so one Store serves every thread."""

    def __init__(self, path: Path | str | None = None, class_mode_on: bool | None = None) -> None:
        self.path = Path(path) if path is not None else db_path()
        self.class_mode = class_mode() if class_mode_on is None else class_mode_on
        self._check_file()
        self._open()

    # ------------------------------------------------------------ opening

    def _check_file(self) -> None:
        """Refuse (without touching it) a file that is not an SQLite database; create the folder if needed."""
        if self.path.exists():
            if not self.path.is_file():
                raise StoreError("unwritable", self.path, "not a file")
            try:
                with self.path.open("rb") as handle:
                    header = handle.read(len(SQLITE_MAGIC))
            except OSError as exc:
                raise StoreError("unwritable", self.path, str(exc)) from None
            if header and header != SQLITE_MAGIC:
                raise StoreError("corrupt", self.path, "not an SQLite database")
            return
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
        except OSError as exc:
            raise StoreError("unwritable", self.path, str(exc)) from None

    def _open(self) -> None:
        """Check the file while only reading it, then migrate and switch to WAL."""
        with self._guard():
            with self._connection() as conn, _snapshot(conn):
                check = conn.execute("PRAGMA quick_check").fetchone()
                if not check or check[0] != "ok":
                    raise StoreError("corrupt", self.path, str(check[0] if check else "no answer"))
                version = self._version(conn)
            if version < len(MIGRATIONS):
                self._migrate()
            with self._connection() as conn:
                _use_wal(conn)

    def _version(self, conn: sqlite3.Connection) -> int:
        """The schema version; StoreError for a file of a newer app or an SQLite database of another program."""
        version = conn.execute("PRAGMA user_version").fetchone()[0]
        if version > len(MIGRATIONS):
            raise StoreError("newer", self.path, "made by a newer version of the app")
        if version == 0 and conn.execute("SELECT 1 FROM sqlite_master LIMIT 1").fetchone():
            raise StoreError("corrupt", self.path, "an SQLite database of another program")
        return version

    def _migrate(self) -> None:
        """Run the migrations this file lacks, all in one transaction (another tab may be doing the same)."""
        with self._write() as conn:
            version = self._version(conn)
            for number in range(version, len(MIGRATIONS)):
                for statement in MIGRATIONS[number]:
                    conn.execute(statement)
            conn.execute(f"PRAGMA user_version = {len(MIGRATIONS)}")

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self.path, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)

    @contextmanager
    def _connection(self) -> Iterator[sqlite3.Connection]:
        conn = self._connect()
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            yield conn
        finally:
            conn.close()

    @contextmanager
    def _write(self) -> Iterator[sqlite3.Connection]:
        """One write transaction (BEGIN IMMEDIATE … COMMIT, rolled back on any error, a failed COMMIT included)."""
        with self._connection() as conn:
            conn.execute("BEGIN IMMEDIATE")
            try:
                yield conn
                conn.execute("COMMIT")
            except BaseException:
                if conn.in_transaction:
                    conn.execute("ROLLBACK")
                raise

    @contextmanager
    def _guard(self) -> Iterator[None]:
        try:
            yield
        except sqlite3.Error as exc:
            raise StoreError(error_reason(exc), self.path, str(exc)) from None

    def _profile_id(self, conn: sqlite3.Connection, key: str) -> int:
        row = conn.execute("SELECT id FROM profiles WHERE key = ?", (key,)).fetchone() if valid_key(key) else None
        if row is None:
            raise ValueError("No profile has this key.")
        return row[0]

    # ------------------------------------------------------------ profiles

    def create_profile(self, name: str) -> Profile:
        """A new profile with an unguessable key. Outside class mode, names must differ (ignoring case)."""
        name = clean_name(name)
        with self._guard(), self._write() as conn:
            if not self.class_mode and conn.execute("SELECT 1 FROM profiles WHERE name = ? COLLATE NOCASE",
                                                    (name,)).fetchone():
                raise ValueError("A profile with this name exists; pick it from the list.")
            profile = Profile(new_key(), name, _iso(now_utc()))
            conn.execute("INSERT INTO profiles (key, name, created) VALUES (?, ?, ?)",
                         (profile.key, profile.name, profile.created))
        return profile

    def profile(self, key: str) -> Profile | None:
        """The profile with this key, or None (a malformed key is never looked up)."""
        if not valid_key(key):
            return None
        with self._guard(), self._connection() as conn:
            row = conn.execute("SELECT key, name, created FROM profiles WHERE key = ?", (key,)).fetchone()
        return Profile(*row) if row else None

    def profiles(self) -> list[Profile]:
        """Every profile on this machine, by name; refused in class mode."""
        if self.class_mode:
            raise PermissionError("profiles are not listed in class mode")
        with self._guard(), self._connection() as conn:
            rows = conn.execute("SELECT key, name, created FROM profiles ORDER BY name COLLATE NOCASE").fetchall()
        return [Profile(*row) for row in rows]

    # ------------------------------------------------------------ answers and reviews

    def record_answers(self, key: str, records: list[AnswerRecord]) -> None:
        """Save answered questions, all or none."""
        rows = [(_iso(r.at), r.source, r.question_id, r.kind, r.topic, r.section, r.era, float(r.score), r.cite)
                for r in records]
        with self._guard(), self._write() as conn:
            profile_id = self._profile_id(conn, key)
            conn.executemany(
                "INSERT INTO answers (profile_id, at, source, question_id, kind, topic, section, era, score, cite) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", [(profile_id, *row) for row in rows])

    def answers(self, key: str) -> list[AnswerRecord]:
        """Every answer this profile gave, oldest first."""
        with self._guard(), self._connection() as conn:
            profile_id = self._profile_id(conn, key)
            rows = conn.execute("SELECT question_id, source, kind, topic, section, era, score, cite, at FROM answers "
                                "WHERE profile_id = ? ORDER BY at, id", (profile_id,)).fetchall()
        return [AnswerRecord(*row[:8], at=datetime.fromisoformat(row[8])) for row in rows]

    def save_review(self, key: str, card_id: str, rating: str, state: str, due: datetime, at: datetime) -> None:
        """Record a flashcard review and the card's new fsrs state, in one transaction."""
        with self._guard(), self._write() as conn:
            profile_id = self._profile_id(conn, key)
            conn.execute("INSERT INTO reviews (profile_id, card_id, at, rating, due) VALUES (?, ?, ?, ?, ?)",
                         (profile_id, card_id, _iso(at), rating, _iso(due)))
            conn.execute("INSERT INTO card_states (profile_id, card_id, state, due) VALUES (?, ?, ?, ?) "
                         "ON CONFLICT (profile_id, card_id) DO UPDATE SET state = excluded.state, "
                         "due = excluded.due", (profile_id, card_id, state, _iso(due)))

    def card_states(self, key: str) -> dict[str, str]:
        """card id → fsrs state (JSON) for every card this profile has reviewed."""
        with self._guard(), self._connection() as conn:
            profile_id = self._profile_id(conn, key)
            rows = conn.execute("SELECT card_id, state FROM card_states WHERE profile_id = ?", (profile_id,))
            return dict(rows.fetchall())

    def review_count(self, key: str) -> int:
        """How many flashcard reviews this profile made."""
        with self._guard(), self._connection() as conn:
            profile_id = self._profile_id(conn, key)
            return conn.execute("SELECT COUNT(*) FROM reviews WHERE profile_id = ?", (profile_id,)).fetchone()[0]


class MemoryStore(Store):
    """The same store in memory, alive as long as this object: when the file cannot be used, the session goes on
    with it and nothing is saved. Its names are never listed and may repeat."""

    def __init__(self) -> None:
        self.path, self.class_mode = Path(":memory:"), True
        self._name = f"file:progress-{secrets.token_hex(16)}?mode=memory&cache=shared"
        self._keeper = sqlite3.connect(self._name, uri=True, check_same_thread=False)  # keeps the database alive
        self._open()

    def _connect(self) -> sqlite3.Connection:
        return sqlite3.connect(self._name, uri=True, timeout=BUSY_TIMEOUT_MS / 1000, isolation_level=None)


# ---------------------------------------------------------------- what the records say

DIMENSIONS = ("section", "era", "kind")


@dataclass(frozen=True)
class Area:
    """How a student does in one section, era or question kind."""

    dimension: str  # section | era | kind
    value: str
    attempts: int
    score: float  # mean score, 0–1


def areas(records: list[AnswerRecord], dimension: str) -> list[Area]:
    """Mean score per value of `dimension` (section, era or kind), weakest first."""
    if dimension not in DIMENSIONS:
        raise ValueError(f"dimension must be section, era or kind, got {dimension!r}")
    scores: dict[str, list[float]] = defaultdict(list)
    for record in records:
        value = getattr(record, dimension)
        if value:
            scores[value].append(record.score)
    found = [Area(dimension, value, len(s), sum(s) / len(s)) for value, s in scores.items()]
    return sorted(found, key=lambda a: (a.score, -a.attempts, a.value))


def weak_areas(records: list[AnswerRecord], min_attempts: int = 2, below: float = 0.75,
               show: int = 3) -> dict[str, list[Area]]:
    """Per dimension, the (at most `show`) areas answered at least `min_attempts` times with a mean below `below`."""
    return {dimension: [a for a in areas(records, dimension) if a.attempts >= min_attempts and a.score < below][:show]
            for dimension in DIMENSIONS}
