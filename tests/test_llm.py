"""app/llm.py: the optional model layer, against a stub OpenAI-compatible server on loopback."""
from __future__ import annotations

import json
import threading
import urllib.request
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest

from app.llm import LLMConfig, checked_sentences, phrase


class _Stub(BaseHTTPRequestHandler):
    reply = ""
    requests: list[dict] = []

    def do_POST(self):  # noqa: N802
        length = int(self.headers["Content-Length"])
        _Stub.requests.append({"path": self.path, "body": json.loads(self.rfile.read(length)),
                               "auth": self.headers.get("Authorization")})
        payload = json.dumps({"choices": [{"message": {"role": "assistant", "content": _Stub.reply}}]}).encode()
        self.send_response(200)
        self.send_header("Content-Type", "application/json")
        self.send_header("Content-Length", str(len(payload)))
        self.end_headers()
        self.wfile.write(payload)

    def log_message(self, *args):
        pass


@pytest.fixture()
def stub_server():
    server = HTTPServer(("127.0.0.1", 0), _Stub)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    _Stub.requests.clear()
    yield f"http://127.0.0.1:{server.server_address[1]}/v1"
    server.shutdown()


CITATIONS = [{"kind": "passage", "section": "3-2", "paragraph": "3-2.1",
              "text": "عبارت دیپلماسی شهری به فعالیت‌های بین‌المللی حکومت‌های محلی اطلاق می‌شود.",
              "text_en": "The term city diplomacy refers to the international activities of local governments.",
              "highlight": {"fa": [[0, 75]], "en": [[0, 85]]}},
             {"kind": "table", "row": 6}]


def test_sentences_without_valid_citation_are_dropped():
    evidence = ["City diplomacy refers to the international activities of local governments.", ""]
    kept = checked_sentences("City diplomacy is what local governments do abroad [1]. It was invented in 1850 [3]. "
                             "Cities love pizza. Local governments act internationally [2].", evidence)
    assert kept == ["City diplomacy is what local governments do abroad [1]."]


def test_model_phrases_from_cited_evidence_only(stub_server):
    _Stub.reply = "City diplomacy means international activity by local governments [1]. Paris is lovely [1]."
    config = LLMConfig(stub_server, "stub-model", api_key="secret")
    text = phrase("What is city diplomacy?", "en", CITATIONS, config)
    assert text == "City diplomacy means international activity by local governments [1]."
    request = _Stub.requests[-1]
    assert request["path"] == "/v1/chat/completions" and request["auth"] == "Bearer secret"
    assert request["body"]["model"] == "stub-model" and request["body"]["temperature"] == 0
    assert "[1] The term city diplomacy" in request["body"]["messages"][1]["content"]


def test_declining_or_unreachable_model_falls_back(stub_server):
    _Stub.reply = "NOT_IN_EVIDENCE"
    assert phrase("q", "en", CITATIONS, LLMConfig(stub_server, "m")) is None
    assert phrase("q", "en", CITATIONS, LLMConfig("http://127.0.0.1:9/v1", "m", timeout=2)) is None


def test_assistant_uses_the_model_only_when_configured(monkeypatch, assistant, stub_server):
    calls = []
    real_urlopen = urllib.request.urlopen
    monkeypatch.setattr(urllib.request, "urlopen", lambda *a, **k: calls.append(a) or real_urlopen(*a, **k))
    monkeypatch.delenv("PAPER_LLM_URL", raising=False)
    assert LLMConfig.from_env() is None
    monkeypatch.setattr(assistant, "llm", None)
    question = "How is city diplomacy defined in section 3-2?"
    answer = assistant.ask(question)
    assert answer.phrased_by is None and not calls

    monkeypatch.setenv("PAPER_LLM_URL", stub_server)
    monkeypatch.setenv("PAPER_LLM_MODEL", "stub-model")
    monkeypatch.setattr(assistant, "llm", LLMConfig.from_env())
    _Stub.reply = "City diplomacy is the international activity of local governments [1]."
    phrased = assistant.ask(question)
    assert phrased.phrased_by == "stub-model" and phrased.answer.endswith("[1].") and calls
    assert phrased.citations == answer.citations  # citations are kept
    table = assistant.ask("Tehran Havana")  # structured answers are never rephrased
    assert table.phrased_by is None
