"""app/progress.py: the SQLite store (schema, WAL, transactions, privacy, damaged files) and weak areas."""
from __future__ import annotations

import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from app import progress
from app.progress import (MIGRATIONS, AnswerRecord, MemoryStore, Store, StoreError, areas, clean_name, db_path,
                          error_reason, valid_key, weak_areas)

T0 = datetime(2026, 1, 1, 12, 0, tzinfo=timezone.utc)


def record(score: float, section: str = "3-4", era: str | None = None, kind: str = "choice", n: int = 0):
    return AnswerRecord(f"q{n}", "exam", kind, "topic", section, era, score, "3-4.3", at=T0 + timedelta(minutes=n))


@pytest.fixture()
def store(tmp_path) -> Store:
    return Store(tmp_path / "progress.db", class_mode_on=False)


@pytest.mark.parametrize("env, expected", [
    ({"PAPER_STUDY_DB": "/x/p.db"}, Path("/x/p.db")),
    ({"XDG_DATA_HOME": "/data"}, Path("/data/paper-study/progress.db")),
    ({"HOME": "/home/s"}, Path("/home/s/.local/share/paper-study/progress.db")),
])
def test_where_the_file_lives(monkeypatch, env, expected):
    for name in ("PAPER_STUDY_DB", "XDG_DATA_HOME"):
        monkeypatch.delenv(name, raising=False)
    for name, value in env.items():
        monkeypatch.setenv(name, value)
    assert db_path() == expected


def test_schema_is_migrated_in_wal_mode(store):
    with sqlite3.connect(store.path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert conn.execute("PRAGMA journal_mode").fetchone()[0] == "wal"
        tables = {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    assert {"profiles", "answers", "card_states", "reviews"} <= tables
    Store(store.path, class_mode_on=False)  # opening again migrates nothing and loses nothing


def test_a_newer_schema_is_migrated_keeping_what_was_saved(tmp_path, monkeypatch):
    path = tmp_path / "progress.db"
    key = Store(path, class_mode_on=False).create_profile("Sara").key
    Store(path, class_mode_on=False).record_answers(key, [record(0.5)])
    monkeypatch.setattr(progress, "MIGRATIONS", MIGRATIONS + (("CREATE TABLE notes (id INTEGER PRIMARY KEY)",),))
    upgraded = Store(path, class_mode_on=False)
    with sqlite3.connect(path) as conn:
        assert conn.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS) + 1
        assert conn.execute("SELECT COUNT(*) FROM notes").fetchone()[0] == 0
    assert [a.score for a in upgraded.answers(key)] == [0.5]


def test_two_tabs_opening_a_new_file_at_once_both_work(tmp_path):
    path, start, opened, errors = tmp_path / "new" / "progress.db", threading.Barrier(4), [], []

    def open_store() -> None:
        start.wait()
        try:
            opened.append(Store(path, class_mode_on=False))
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=open_store) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors and len(opened) == 4
    key = opened[0].create_profile("Sara").key
    assert opened[3].profile(key).name == "Sara"


@pytest.mark.parametrize("at", [T0, T0.astimezone(timezone(timedelta(hours=3, minutes=30))),
                                T0.astimezone(timezone(timedelta(hours=-5)))])
def test_times_are_stored_in_utc_whatever_zone_they_come_in(store, at):
    key = store.create_profile("Sara").key
    store.record_answers(key, [AnswerRecord("q", "exam", "choice", "t", "3-4", None, 1.0, "3-4.3", at=at)])
    with sqlite3.connect(store.path) as conn:
        stored = conn.execute("SELECT at FROM answers").fetchone()[0]
    assert stored == "2026-01-01T12:00:00+00:00" and store.answers(key)[0].at == T0


def test_answers_and_reviews_persist_with_their_times(store):
    profile = store.create_profile("Sara")
    store.record_answers(profile.key, [record(1.0, n=1), record(0.5, n=2)])
    store.save_review(profile.key, "def:3-2", "good", '{"x": 1}', T0 + timedelta(days=2), T0)
    store.save_review(profile.key, "def:3-2", "again", '{"x": 2}', T0 + timedelta(minutes=1), T0)
    again = Store(store.path, class_mode_on=False)
    answers = again.answers(profile.key)
    assert [a.score for a in answers] == [1.0, 0.5] and answers[0].at == T0 + timedelta(minutes=1)
    assert again.card_states(profile.key) == {"def:3-2": '{"x": 2}'} and again.review_count(profile.key) == 2


def test_a_failed_transaction_leaves_nothing(store):
    profile = store.create_profile("Sara")
    with pytest.raises(StoreError):  # the review row is written, then the state (NULL) fails: both roll back
        store.save_review(profile.key, "def:3-2", "good", None, T0, T0)
    assert store.review_count(profile.key) == 0 and store.card_states(profile.key) == {}
    with pytest.raises(ValueError, match="timezone"):
        store.record_answers(profile.key, [record(1.0), AnswerRecord("q", "exam", "choice", "t", "1", None, 1.0,
                                                                     "1.1", at=datetime(2026, 1, 1))])
    assert store.answers(profile.key) == []


def test_profiles_are_opened_by_key_only(tmp_path):
    local = Store(tmp_path / "p.db", class_mode_on=False)
    sara = local.create_profile("Sara")
    assert valid_key(sara.key) and len(sara.key) >= 22
    assert local.profile(sara.key) == sara
    for guess in ("Sara", "sara", "", "1", sara.key[:-1] + "?", None):
        assert local.profile(guess) is None
    for same in ("Sara", "sara", " SARA "):
        with pytest.raises(ValueError, match="exists"):
            local.create_profile(same)
    assert [p.name for p in local.profiles()] == ["Sara"]
    served = Store(tmp_path / "p.db", class_mode_on=True)
    with pytest.raises(PermissionError):
        served.profiles()
    assert served.create_profile("Sara").key != sara.key  # in class mode two students may share a name
    unknown, malformed = [], []
    for guess, found in (("x" * 32, unknown), ("Sara", malformed)):  # one message whether a key is valid or not
        with pytest.raises(ValueError) as error:
            served.answers(guess)
        found.append(str(error.value))
    assert unknown == malformed == ["No profile has this key."]


@pytest.mark.parametrize("name", ["", "   ", "?!", "x" * 41, None, 5])
def test_bad_names_are_refused_with_a_message(name):
    with pytest.raises(ValueError):
        clean_name(name)


def test_names_are_stored_as_plain_text(store):
    assert store.create_profile("  <b>Ali</b> ").name == "Ali"


def test_two_threads_write_at_once(tmp_path):
    path = tmp_path / "p.db"
    first = Store(path, class_mode_on=False)
    keys = [first.create_profile(name).key for name in ("A", "B")]
    errors: list[Exception] = []
    start = threading.Barrier(2)

    def write(key: str) -> None:
        store = Store(path, class_mode_on=False)  # as a second browser tab would
        start.wait()
        try:
            for n in range(40):
                store.record_answers(key, [record(1.0, n=n)])
                store.save_review(key, f"card{n % 5}", "good", "{}", T0, T0)
        except Exception as exc:  # noqa: BLE001 - collected for the assertion
            errors.append(exc)

    threads = [threading.Thread(target=write, args=(key,)) for key in keys]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    assert [len(first.answers(k)) for k in keys] == [40, 40]
    assert [first.review_count(k) for k in keys] == [40, 40]


@pytest.mark.parametrize("message, reason", [
    ("database is locked", "busy"), ("database table is locked", "busy"),
    ("attempt to write a readonly database", "unwritable"), ("unable to open database file", "unwritable"),
    ("disk I/O error", "unwritable"), ("database or disk is full", "unwritable"),
    ("file is not a database", "corrupt"), ("database disk image is malformed", "corrupt"),
    ("table profiles already exists", "corrupt")])
def test_sqlite_errors_are_told_apart(message, reason):
    assert error_reason(sqlite3.OperationalError(message)) == reason


@pytest.mark.parametrize("content", [b"not a database at all\n" * 50, b"SQLite format 2\x00" + b"\x00" * 200])
def test_a_damaged_file_is_refused_and_left_untouched(tmp_path, content):
    path = tmp_path / "progress.db"
    path.write_bytes(content)
    with pytest.raises(StoreError) as error:
        Store(path)
    assert error.value.reason == "corrupt" and path.read_bytes() == content
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]


def test_a_damaged_database_with_a_good_header_is_refused_untouched(tmp_path):
    path = tmp_path / "progress.db"
    Store(path, class_mode_on=False).create_profile("Sara")
    data = bytearray(path.read_bytes())
    data[100:4096] = b"\xff" * (4096 - 100)
    path.write_bytes(bytes(data))
    with pytest.raises(StoreError) as error:
        Store(path)
    assert error.value.reason == "corrupt" and path.read_bytes() == bytes(data)


def test_another_programs_database_is_refused_untouched(tmp_path):
    path = tmp_path / "progress.db"
    with sqlite3.connect(path) as conn:
        conn.execute("CREATE TABLE profiles (who TEXT)")
        conn.execute("INSERT INTO profiles VALUES ('someone else')")
    conn.close()
    before = path.read_bytes()
    with pytest.raises(StoreError) as error:
        Store(path)
    assert error.value.reason == "corrupt" and path.read_bytes() == before
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.db"]  # not switched to WAL either


def test_an_unwritable_place_is_reported(tmp_path):
    (tmp_path / "file").write_text("x")
    with pytest.raises(StoreError) as error:
        Store(tmp_path / "file" / "progress.db")
    assert error.value.reason == "unwritable"


def test_a_file_from_a_newer_app_is_refused_untouched(tmp_path):
    path = tmp_path / "progress.db"
    with sqlite3.connect(path) as conn:
        conn.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = path.read_bytes()
    with pytest.raises(StoreError) as error:
        Store(path)
    assert error.value.reason == "newer" and path.read_bytes() == before


def test_memory_store_keeps_a_session_without_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    memory, other = MemoryStore(), MemoryStore()
    key = memory.create_profile("session").key
    memory.record_answers(key, [record(0.0)])
    memory.save_review(key, "c", "again", "{}", T0, T0)
    assert len(memory.answers(key)) == 1 and memory.card_states(key) == {"c": "{}"} and memory.review_count(key) == 1
    assert other.create_profile("session").key != key and other.profile(key) is None  # sessions do not share
    with pytest.raises(PermissionError):
        memory.profiles()
    with pytest.raises(ValueError, match="timezone"):  # the same rules as the file
        memory.record_answers(key, [AnswerRecord("q", "exam", "choice", "t", "1", None, 1.0, "1.1",
                                                 at=datetime(2026, 1, 1))])
    assert list(tmp_path.iterdir()) == []  # nothing written anywhere


def test_weak_areas_are_the_low_scores_answered_often_enough():
    answers = ([record(0.0, "3-4", None, "order", n) for n in range(3)] + [record(1.0, "3-2", "4-1-4", "blank", 9)]
               + [record(0.5, "4-2", "4-1-5", "choice", n) for n in range(10, 12)]
               + [record(1.0, "4-2", "4-1-5", "choice", 12)])
    weak = weak_areas(answers, min_attempts=2, below=0.75)
    assert [a.value for a in weak["section"]] == ["3-4", "4-2"]
    assert [a.value for a in weak["era"]] == ["4-1-5"] and weak["era"][0].attempts == 3
    assert [a.value for a in weak["kind"]] == ["order", "choice"]
    assert [a.value for a in areas(answers, "section")][-1] == "3-2"
    with pytest.raises(ValueError, match="dimension"):
        areas(answers, "colour")
