"""Optional: phrase passage answers with a language model, from the cited evidence only.

Off by default. Turned on by environment variables naming any OpenAI-compatible endpoint
(Ollama, llama.cpp server, vLLM, a hosted API):

    PAPER_LLM_URL=http://localhost:11434/v1   PAPER_LLM_MODEL=qwen2.5:7b   [PAPER_LLM_API_KEY=…]

The model sees only the numbered sentences the extractive answer cites and must end every sentence
with the number of its evidence, e.g. "[1]". Sentences without a valid number, or that share no
content word with the evidence they cite, are dropped; if nothing is left, the extractive answer
stands. Without the variables nothing is contacted.
"""
from __future__ import annotations

import json
import os
import re
import urllib.error
import urllib.request
from dataclasses import dataclass

from app.normalize import sentences, tokens

MARKER = re.compile(r"\[(\d{1,2})\]")


@dataclass(frozen=True)
class LLMConfig:
    url: str
    model: str
    api_key: str | None = None
    timeout: float = 20.0

    @classmethod
    def from_env(cls) -> "LLMConfig | None":
        url, model = os.environ.get("PAPER_LLM_URL"), os.environ.get("PAPER_LLM_MODEL")
        if not url or not model:
            return None
        return cls(url.rstrip("/"), model, os.environ.get("PAPER_LLM_API_KEY") or None,
                   float(os.environ.get("PAPER_LLM_TIMEOUT", "20")))


SYSTEM = {
    "en": ("You answer a student's question about one research paper. Use ONLY the numbered evidence. "
           "Write at most four short sentences in English. End every sentence with the number of the evidence "
           "it comes from, like [1]. If the evidence does not answer the question, reply exactly NOT_IN_EVIDENCE."),
    "fa": ("شما به پرسش دانشجو درباره یک مقاله پاسخ می‌دهید. فقط از شواهد شماره‌دار استفاده کنید. حداکثر چهار جمله "
           "کوتاه فارسی بنویسید و هر جمله را با شماره شاهدش مانند [1] تمام کنید. اگر شواهد پاسخ پرسش را ندارد، "
           "دقیقاً بنویسید NOT_IN_EVIDENCE."),
}


def evidence_lines(citations: list[dict], lang: str) -> list[str]:
    """The highlighted sentences of each passage citation, numbered as the citations are."""
    out = []
    for citation in citations:
        if citation.get("kind") != "passage":
            out.append("")
            continue
        text = citation["text"] if lang == "fa" else citation["text_en"]
        spans = citation.get("highlight", {}).get(lang) or [[0, len(text)]]
        out.append(" ".join(text[start:end] for start, end in spans))
    return out


def complete(config: LLMConfig, messages: list[dict]) -> str:
    """One chat completion from an OpenAI-compatible endpoint."""
    body = json.dumps({"model": config.model, "messages": messages, "temperature": 0}).encode()
    request = urllib.request.Request(f"{config.url}/chat/completions", data=body, method="POST",
                                     headers={"Content-Type": "application/json",
                                              **({"Authorization": f"Bearer {config.api_key}"} if config.api_key else {})})
    with urllib.request.urlopen(request, timeout=config.timeout) as response:  # noqa: S310 (user-configured URL)
        data = json.loads(response.read().decode("utf-8"))
    return data["choices"][0]["message"]["content"]


def checked_sentences(text: str, evidence: list[str]) -> list[str]:
    """Sentences of the model's answer that cite existing evidence and share a content word with it."""
    kept = []
    for sentence in sentences(text):
        numbers = [int(n) for n in MARKER.findall(sentence)]
        cited = [evidence[n - 1] for n in numbers if 1 <= n <= len(evidence) and evidence[n - 1]]
        if not cited:
            continue
        words = set(tokens(MARKER.sub(" ", sentence)))
        if words & set(tokens(" ".join(cited))):
            kept.append(sentence.strip())
    return kept


def phrase(question: str, lang: str, citations: list[dict], config: LLMConfig) -> str | None:
    """The model's answer, checked; None when the model is unreachable, declines, or nothing survives."""
    evidence = evidence_lines(citations, lang)
    if not any(evidence):
        return None
    numbered = "\n".join(f"[{n}] {line}" for n, line in enumerate(evidence, 1) if line)
    messages = [{"role": "system", "content": SYSTEM[lang]},
                {"role": "user", "content": f"Evidence:\n{numbered}\n\nQuestion: {question}"}]
    try:
        reply = complete(config, messages)
    except (urllib.error.URLError, OSError, ValueError, KeyError, IndexError, TypeError):
        return None
    if not reply or "NOT_IN_EVIDENCE" in reply:
        return None
    kept = checked_sentences(reply, evidence)
    return " ".join(kept) if kept else None
