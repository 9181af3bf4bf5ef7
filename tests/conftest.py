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
    """A shared Assistant over the real corpus with the fast deterministic hashing embedder."""
    from app.assistant import Assistant
    from app.embedding import HashingEmbedder

    return Assistant(HashingEmbedder(), index_root=index_root)
