"""The trained understanding model on disk: linear heads, the sentence ranker, doc2query vectors.

Layout of a model folder (`app/trained/<embedder>/` ships with the repository for the default embedder;
`index/<embedder>/model/` holds one trained here for any other):
- `model.npz`      the weights (float16) and the bank's question vectors (int8)
- `manifest.json`  embedder, bank and corpus fingerprints, head classes, ranker features, thresholds,
                   the words the bank knows, training figures, and the SHA-256 of `model.npz`

Inference is plain numpy. A model whose checksum or fingerprints do not match is not used.
"""
from __future__ import annotations

import hashlib
import json
import shutil
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
from scipy import sparse

from app.index import install_folder, read_manifest

TRAINED_DIR = Path(__file__).resolve().parent / "trained"
FORMAT_VERSION = 3  # 2: the ranker's scores are a softmax over the paper's sentences; 3: Finglish read in Persian


class ModelError(RuntimeError):
    """The model folder is missing, stale or corrupted; the message says which."""


def nearest_by_route(similarities: np.ndarray, routes: np.ndarray, exclude: np.ndarray | None = None) -> np.ndarray:
    """For each route (ROUTES order), the similarity of the closest bank question of that route: a memory of how
    questions like this one were answered. `exclude` hides some bank questions (cross-fitting in training)."""
    from app.types import ROUTES

    if exclude is not None:
        similarities = np.where(exclude, -1.0, similarities)
    return np.array([similarities[routes == r].max() if (routes == r).any() else -1.0 for r in ROUTES],
                    dtype=np.float32)


@dataclass
class Head:
    """A linear classifier: softmax(x_sparse · W_sparse + x_dense · W_dense + b)."""

    name: str
    classes: tuple[str, ...]
    w_sparse: np.ndarray
    w_dense: np.ndarray
    bias: np.ndarray

    def proba(self, x_sparse: sparse.csr_matrix, x_dense: np.ndarray) -> np.ndarray:
        logits = np.asarray(x_sparse @ self.w_sparse) + x_dense @ self.w_dense + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        weights = np.exp(logits)
        return weights / weights.sum(axis=1, keepdims=True)

    def predict(self, x_sparse: sparse.csr_matrix, x_dense: np.ndarray) -> list[dict[str, float]]:
        return [dict(zip(self.classes, map(float, row))) for row in self.proba(x_sparse, x_dense)]


@dataclass
class Ranker:
    """A linear score over (question, sentence) features, trained listwise: the softmax over the paper's
    sentences is P(this sentence is the answer)."""

    features: tuple[str, ...]
    weights: np.ndarray
    bias: float
    mean: np.ndarray
    scale: np.ndarray

    def proba(self, matrix: np.ndarray) -> np.ndarray:
        z = ((matrix - self.mean) / self.scale) @ self.weights + self.bias
        weights = np.exp(z - z.max())
        return weights / weights.sum()


CONFIDENCE_FEATURES = ("route_p", "unanswerable_p", "route_passage", "route_table", "route_era", "route_meta",
                       "top_p", "paragraph_share", "margin")


def passage_stats(probabilities: np.ndarray, paragraphs: list[str]) -> tuple[float, float, float]:
    """(best sentence's probability, share of all probability in its paragraph, lead over the runner-up)."""
    order = np.argsort(-probabilities)
    best = int(order[0])
    total = float(probabilities.sum()) or 1.0
    same = sum(float(p) for p, paragraph in zip(probabilities, paragraphs) if paragraph == paragraphs[best])
    return float(probabilities[best]), same / total, float(probabilities[best] - probabilities[order[1]])


RUNNER_UP_SHARE = 0.3  # the best sentence of another paragraph joins the answer at this share of the best one's


def runner_up(probabilities: np.ndarray, paragraphs: list[str], look: int = 3) -> int | None:
    """The best-scoring sentence outside the best sentence's paragraph, when it scores close enough to the best
    to be as likely the answer. This share and the executor's NEIGHBOUR_SHARE and NEIGHBOUR_RANK were chosen on
    the validation set (eval/validation.jsonl, never trained on): answers that hold every fact asked went from
    0.942 to 0.971 there, at 1.74 sentences per answer instead of 1.47; on the bank out of fold they hold every
    gold sentence 0.810 of the time instead of 0.787 (1.59 sentences instead of 1.33)."""
    order = np.argsort(-probabilities)
    best = int(order[0])
    for j in order[1:1 + look]:
        if paragraphs[int(j)] != paragraphs[best]:
            return int(j) if probabilities[int(j)] >= RUNNER_UP_SHARE * probabilities[best] else None
    return None


def confidence_features(route: dict[str, float], stats: tuple[float, float, float] | None) -> np.ndarray:
    best = max(route, key=route.get)
    top, share, margin = stats or (0.0, 0.0, 0.0)
    return np.array([route[best], route.get("unanswerable", 0.0), best == "passage", best == "table", best == "era",
                     best == "meta", top, share, margin], dtype=np.float32)


@dataclass
class Calibrator:
    """P(the answer is right) from the route's and the ranker's confidence; answers below `threshold` are refused."""

    weights: np.ndarray
    bias: float
    threshold: float

    def confidence(self, route: dict[str, float], stats: tuple[float, float, float] | None) -> float:
        z = float(confidence_features(route, stats) @ self.weights + self.bias)
        return 1.0 / (1.0 + np.exp(-z))


@dataclass
class UnderstandingModel:
    heads: dict[str, Head]
    ranker: Ranker
    bank_vectors: np.ndarray  # (questions, dim) unit vectors of every bank question
    bank_gold: list[tuple[str, ...]]  # the gold sentences of each (passage questions that stand alone; else empty)
    bank_routes: list[str]  # the route of each
    known_words: frozenset[str]
    calibrator: Calibrator
    english_words: frozenset[str] = frozenset()  # the words of the bank's English questions (Finglish or not)
    manifest: dict = field(default_factory=dict)


def save_model(model: UnderstandingModel, target: Path, manifest: dict) -> None:
    """Write the model folder atomically (a temporary folder renamed into place)."""
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".{target.name}-", dir=target.parent))
    try:
        # unit vectors as int8 (×127): a quarter of the size, similarities off by about 0.01
        arrays: dict[str, np.ndarray] = {"bank_vectors": np.round(model.bank_vectors * 127).astype(np.int8)}
        for name, head in model.heads.items():
            arrays[f"{name}.w_sparse"] = head.w_sparse.astype(np.float16)
            arrays[f"{name}.w_dense"] = head.w_dense.astype(np.float16)
            arrays[f"{name}.bias"] = head.bias.astype(np.float32)
        ranker = model.ranker
        arrays.update({"ranker.weights": ranker.weights, "ranker.mean": ranker.mean, "ranker.scale": ranker.scale})
        np.savez_compressed(temp / "model.npz", **arrays)
        manifest = {**manifest, "format": FORMAT_VERSION,
                    "heads": {name: list(head.classes) for name, head in model.heads.items()},
                    "ranker": {"features": list(ranker.features), "bias": float(ranker.bias)},
                    "bank_gold": [list(g) for g in model.bank_gold], "bank_routes": model.bank_routes,
                    "known_words": sorted(model.known_words), "english_words": sorted(model.english_words),
                    "calibrator": {"features": list(CONFIDENCE_FEATURES),
                                   "weights": [float(w) for w in model.calibrator.weights],
                                   "bias": model.calibrator.bias, "threshold": model.calibrator.threshold},
                    "saved_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
                    "sha256": _sha256(temp / "model.npz")}
        (temp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=1), encoding="utf-8")
        install_folder(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise


def load_model(folder: Path, expect: dict[str, str],
               ranker_features: tuple[str, ...] | None = None) -> UnderstandingModel:
    """Load and verify a model folder; `expect` holds the fingerprints it must have been trained for, and
    `ranker_features` the sentence features this version of the app computes."""
    manifest = read_manifest(folder, ModelError, "trained model", FORMAT_VERSION)
    for key, value in expect.items():
        if manifest.get(key) != value:
            raise ModelError(f"the model was trained for another {key.replace('_', ' ')}")
    if ranker_features is not None and tuple(manifest.get("ranker", {}).get("features", ())) != ranker_features:
        raise ModelError("the model's sentence ranker was trained on other features")
    if _sha256(folder / "model.npz") != manifest.get("sha256"):
        raise ModelError("model.npz is missing or corrupted")
    with np.load(folder / "model.npz", allow_pickle=False) as data:
        arrays = {name: data[name] for name in data.files}
    heads = {name: Head(name, tuple(classes), arrays[f"{name}.w_sparse"].astype(np.float32),
                        arrays[f"{name}.w_dense"].astype(np.float32), arrays[f"{name}.bias"])
             for name, classes in manifest["heads"].items()}
    ranker = Ranker(tuple(manifest["ranker"]["features"]), arrays["ranker.weights"], manifest["ranker"]["bias"],
                    arrays["ranker.mean"], arrays["ranker.scale"])
    vectors = arrays["bank_vectors"].astype(np.float32)
    vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-6)
    calibration = manifest["calibrator"]
    calibrator = Calibrator(np.array(calibration["weights"], dtype=np.float32), calibration["bias"],
                            calibration["threshold"])
    return UnderstandingModel(heads, ranker, vectors, [tuple(g) for g in manifest["bank_gold"]],
                              list(manifest["bank_routes"]), frozenset(manifest["known_words"]), calibrator,
                              frozenset(manifest.get("english_words", ())), manifest)


def _sha256(path: Path) -> str:
    if not path.exists():
        return ""
    return hashlib.sha256(path.read_bytes()).hexdigest()

