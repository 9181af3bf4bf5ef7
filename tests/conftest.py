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
