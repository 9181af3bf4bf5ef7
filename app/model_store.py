"""Where trained models live, and getting a valid one: shipped, trained here before, or trained now."""
from __future__ import annotations

from pathlib import Path

from app.bank import bank_fingerprint
from app.embedding import DEFAULT_EMBEDDER, Embedder
from app.index import INDEX_DIR, SearchIndex, index_path
from app.model import TRAINED_DIR, ModelError, UnderstandingModel, load_model, save_model
from app.ranker import FEATURES


def model_folder(embedder_name: str, index_root: Path | None = None) -> Path:
    """Shipped in app/trained/ for the default embedder; beside its index for any other (or a custom index root)."""
    if embedder_name.startswith(DEFAULT_EMBEDDER) and index_root is None:
        return TRAINED_DIR / index_path(embedder_name, TRAINED_DIR).name
    return index_path(embedder_name, index_root or INDEX_DIR) / "model"


def open_model(corpus, embedder: Embedder, index: SearchIndex, index_root: Path | None = None,
               progress=None) -> UnderstandingModel:
    """A valid trained model for this corpus, bank and embedder: the shipped one, one trained here before, or a
    new one trained now (a few minutes) and saved beside the index."""
    expect = {"embedder": embedder.name, "bank_fingerprint": bank_fingerprint(),
              "corpus_fingerprint": corpus.fingerprint}
    reasons = []
    candidates = list(dict.fromkeys([model_folder(embedder.name), model_folder(embedder.name, index_root or INDEX_DIR)]))
    for folder in candidates:
        try:
            return load_model(folder, expect, FEATURES)
        except ModelError as reason:
            reasons.append(str(reason))
    if progress:
        progress(f"Training the understanding model ({reasons[0]})…")
    from app.training import train  # scikit-learn fitting: only when there is no model to load

    model, manifest = train(corpus, embedder, index, progress, index_root)
    save_model(model, candidates[-1], manifest)
    return load_model(candidates[-1], expect, FEATURES)
