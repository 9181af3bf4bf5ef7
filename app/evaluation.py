"""Score retrieval (and answers) on a gold file in the format of eval/qa_dev.jsonl."""
from __future__ import annotations

import json
import re
import statistics
import unicodedata
from collections import defaultdict
from pathlib import Path
from typing import Iterable

from app.corpus import section_evidence
from app.retrieval import Hit


class GoldFileError(ValueError):
    """The gold file is missing or malformed; the message names the file and line."""


def load_gold(path: Path) -> list[dict]:
    """Questions with at least `id`, `question`, `lang`, `type`, `evidence`."""
    items = []
    try:
        lines = Path(path).read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise GoldFileError(f"{path}: file not found") from None
    for number, line in enumerate(lines, 1):
        if not line.strip():
            continue
        try:
            item = json.loads(line)
        except json.JSONDecodeError as exc:
            raise GoldFileError(f"{path}:{number}: invalid JSON ({exc.msg})") from None
        missing = [key for key in ("id", "question") if key not in item]
        if missing:
            raise GoldFileError(f"{path}:{number}: missing field(s) {', '.join(missing)}")
        items.append(item)
    return items


def first_relevant_rank(hits: Iterable[Hit], gold_evidence: Iterable[str]) -> int | None:
    """1-based rank of the first hit whose evidence ids meet the gold ones (a subsection counts for its parents)."""
    gold = set(gold_evidence)
    for rank, hit in enumerate(hits, 1):
        if gold & set(hit.chunk.evidence):
            return rank
    return None


def percentile(values: list[float], q: float) -> float:
    if not values:
        return 0.0
    ordered = sorted(values)
    position = (len(ordered) - 1) * q
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def retrieval_metrics(ranks: list[int | None]) -> dict[str, float]:
    n = max(1, len(ranks))
    return {
        "n": len(ranks),
        "hit@1": sum(1 for r in ranks if r and r <= 1) / n,
        "hit@3": sum(1 for r in ranks if r and r <= 3) / n,
        "hit@5": sum(1 for r in ranks if r and r <= 5) / n,
        "mrr": sum(1 / r for r in ranks if r) / n,
    }


def grouped(rows: list[dict], key: str, metric) -> dict[str, dict]:
    groups: dict[str, list] = defaultdict(list)
    for row in rows:
        groups[row[key]].append(row)
    return {name: metric(items) for name, items in sorted(groups.items())}


# ----------------------------------------------------------------- answer checks

_EVAL_DIGITS = str.maketrans("۰۱۲۳۴۵۶۷۸۹٠١٢٣٤٥٦٧٨٩", "01234567890123456789")


def eval_normalize(text: str) -> str:
    """The comparison rule of eval/README: ي→ی, ك→ک, ة→ه, digits → ASCII, no tatweel or diacritics,
    half-space → space, whitespace collapsed, case folded."""
    text = unicodedata.normalize("NFC", text)
    text = text.replace("ي", "ی").replace("ك", "ک").replace("ة", "ه").translate(_EVAL_DIGITS)
    text = re.sub("[\u0640\u064b-\u065f\u0670]", "", text).replace("\u200c", " ")
    return re.sub(r"\s+", " ", text).strip().casefold()


def _alternative_found(alternative: str, answer: str) -> bool:
    alt = eval_normalize(alternative)
    if re.fullmatch(r"\d{1,2}", alt):  # a one- or two-digit number must stand alone
        return re.search(rf"(?<!\d){alt}(?!\d)", answer) is not None
    return alt in answer or alt.replace(" ", "") in answer.replace(" ", "")


def must_include_ok(answer: str, must_include: list[str]) -> bool:
    """Every element found in `answer`; `|` separates acceptable alternatives inside an element."""
    normalized = eval_normalize(answer)
    return all(any(_alternative_found(alt, normalized) for alt in element.split("|")) for element in must_include)


def latency_summary(milliseconds: list[float]) -> dict[str, float]:
    return {"p50_ms": round(percentile(milliseconds, 0.5), 1), "p95_ms": round(percentile(milliseconds, 0.95), 1),
            "mean_ms": round(statistics.fmean(milliseconds), 1) if milliseconds else 0.0}


# ----------------------------------------------------------------- the eval command

def evaluate(assistant, path: Path, mode: str = "hybrid", k: int = 10) -> dict:
    """Answer figures (must_include, precision, evidence cited, abstention) per language and type, retrieval
    figures (evidence hit@k, MRR) on answerable questions, routing accuracy where items carry a `label`, and
    latencies."""
    import time

    from app.assistant import QuestionError
    from app.conversation import Conversation

    gold = load_gold(path)
    conversations: dict[str, Conversation] = {}
    rows, search_ms, answer_ms = [], [], []
    for item in gold:
        conversation = conversations.get(item.get("context_id")) or Conversation()
        conversations[item["id"]] = conversation
        answerable = item.get("type") != "unanswerable"
        try:
            understanding = assistant.understand(item["question"], conversation)
            started = time.perf_counter()
            hits = assistant.search(understanding.search_text, k=k, mode=mode)
            search_ms.append((time.perf_counter() - started) * 1000)
            assistant.retriever.query_vector.cache_clear()  # time the answer as for a new question
            answer, error = assistant.ask(item["question"], conversation), ""
            answer_ms.append(answer.timing_ms)
        except QuestionError as exc:
            understanding, hits, answer, error = None, [], None, str(exc)
        cited = set(ev for c in (answer.citations if answer else []) for ev in citation_evidence(c))
        found = must_include_ok(answer.answer, item.get("must_include", [])) if answer else False
        label = item.get("label") or {}
        predicted = understanding.query.to_label() if understanding else {}
        rows.append({
            "id": item["id"], "lang": item.get("lang", "?"), "type": item.get("type", "?"),
            "answerable": answerable,
            "rank": first_relevant_rank(hits, item.get("evidence", [])) if answerable else None,
            "must_include": found,
            "evidence_cited": bool(cited & set(item.get("evidence", []))),
            "abstained": bool(answer and answer.abstained),
            "right": bool(answer and not answer.abstained and answerable and found),
            "route": (label.get("route"), predicted.get("route")) if label else None,
            "answer": answer.answer if answer else f"error: {error}",
        })
    answerable_rows = [r for r in rows if r["answerable"]]
    unanswerable = [r for r in rows if not r["answerable"]]
    labelled = [r for r in rows if r["route"]]
    return {
        "file": str(path), "mode": mode, "questions": len(rows), "embedder": assistant.embedder.name,
        "retrieval": {
            "all": _rounded(retrieval_metrics([r["rank"] for r in answerable_rows])),
            "by_lang": grouped(answerable_rows, "lang", lambda xs: _rounded(retrieval_metrics([x["rank"] for x in xs]))),
            "by_type": grouped(answerable_rows, "type", lambda xs: _rounded(retrieval_metrics([x["rank"] for x in xs]))),
        },
        "answers": {
            "all": answer_metrics(rows),
            "by_lang": grouped(rows, "lang", answer_metrics),
            "by_type": grouped(rows, "type", answer_metrics),
            "by_lang_type": {f"{lang}/{kind}": m for (lang, kind), m in sorted(_group2(rows, answer_metrics).items())},
            "abstained_when_unanswerable": round(sum(r["abstained"] for r in unanswerable) / max(1, len(unanswerable)), 3),
            "wrongly_abstained": round(sum(r["abstained"] for r in answerable_rows) / max(1, len(answerable_rows)), 3),
        },
        "routing": {"n": len(labelled), "accuracy": round(sum(a == b for a, b in (r["route"] for r in labelled))
                                                          / max(1, len(labelled)), 3)} if labelled else None,
        "latency": {"search": latency_summary(search_ms), "answer": latency_summary(answer_ms)},
        "failures": [{k: r[k] for k in ("id", "lang", "type", "rank", "must_include", "evidence_cited", "answer")}
                     for r in rows if not r["must_include"] or (r["answerable"] and not r["evidence_cited"])],
    }


def answer_metrics(items: list[dict]) -> dict:
    """must_include over all; precision = right answers among the answers given (an answer to an unanswerable
    question is wrong); evidence cited over answerable questions."""
    n = max(1, len(items))
    answerable = [r for r in items if r["answerable"]]
    given = [r for r in items if not r["abstained"]]
    return {"n": len(items), "must_include": round(sum(r["must_include"] for r in items) / n, 3),
            "precision": round(sum(r["right"] for r in given) / len(given), 3) if given else None,
            "evidence_cited": round(sum(r["evidence_cited"] for r in answerable) / len(answerable), 3)
            if answerable else None}


def citation_evidence(citation: dict) -> list[str]:
    """The gold evidence ids (eval files' `evidence`) that one rendered citation counts for."""
    if citation.get("kind") == "table":  # a row of Table 2 is also evidence from the section the table stands in
        return [f"table2:row{citation['row']}", "table2", *section_evidence(citation.get("section"))]
    paragraph = citation.get("paragraph") or ""
    tables = [name for name in ("table1", "table2") if paragraph.startswith(name)]  # a table's caption or item
    return tables + section_evidence(citation.get("section"))


def _group2(rows: list[dict], metric) -> dict:
    groups: dict[tuple, list] = defaultdict(list)
    for row in rows:
        groups[(row["lang"], row["type"])].append(row)
    return {key: metric(items) for key, items in groups.items()}


def _rounded(metrics: dict) -> dict:
    return {k: (round(v, 3) if isinstance(v, float) else v) for k, v in metrics.items()}


def format_report(report: dict) -> str:
    """The eval report as readable tables."""
    lines = [f"{report['questions']} questions from {report['file']} · embedder {report['embedder']} · "
             f"retrieval mode {report['mode']}", "", "Retrieval (answerable questions): evidence hit@k and MRR",
             f"{'group':<22}{'n':>4}{'hit@1':>8}{'hit@3':>8}{'hit@5':>8}{'MRR':>8}"]
    retrieval = report["retrieval"]
    for name, m in [("all", retrieval["all"]), *[(f"lang={k}", v) for k, v in retrieval["by_lang"].items()],
                    *[(f"type={k}", v) for k, v in retrieval["by_type"].items()]]:
        lines.append(f"{name:<22}{m['n']:>4}{m['hit@1']:>8.3f}{m['hit@3']:>8.3f}{m['hit@5']:>8.3f}{m['mrr']:>8.3f}")
    answers = report["answers"]
    lines += ["", "Answers: must_include, precision (right among answers given), evidence cited",
              f"{'group':<22}{'n':>4}{'must_incl':>11}{'precision':>11}{'evidence':>10}"]
    groups = [("all", answers["all"]), *[(f"lang={k}", v) for k, v in answers["by_lang"].items()],
              *[(k, v) for k, v in answers["by_lang_type"].items()]]
    for name, m in groups:
        evidence = "–" if m["evidence_cited"] is None else f"{m['evidence_cited']:.3f}"
        precision = "–" if m["precision"] is None else f"{m['precision']:.3f}"
        lines.append(f"{name:<22}{m['n']:>4}{m['must_include']:>11.3f}{precision:>11}{evidence:>10}")
    lines += ["", f"abstained on unanswerable: {answers['abstained_when_unanswerable']:.3f}   "
                  f"wrongly abstained on answerable: {answers['wrongly_abstained']:.3f}"
              + (f"   route accuracy: {report['routing']['accuracy']:.3f} ({report['routing']['n']} labelled)"
                 if report.get("routing") else ""),
              f"latency search p50 {report['latency']['search']['p50_ms']} ms, p95 {report['latency']['search']['p95_ms']} ms; "
              f"answer p50 {report['latency']['answer']['p50_ms']} ms, p95 {report['latency']['answer']['p95_ms']} ms"]
    if report["failures"]:
        lines += ["", "Failures:"]
        lines += [f"  {f['id']} [{f['lang']}/{f['type']}] rank={f['rank']} must_include={f['must_include']} "
                  f"evidence={f['evidence_cited']}: {f['answer'][:110]!r}" for f in report["failures"]]
    return "\n".join(lines)
