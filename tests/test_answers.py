"""app/answer.py + app/table_query.py: answers that are right, cited and honest.

Runs on the real corpus with the hashing fake embedder (structured answers do not depend on the model;
passage answers are checked where BM25 alone finds the evidence). The paraphrase file in tests/data is
our own wording, not the dev questions'."""
from __future__ import annotations

import json
import threading
from pathlib import Path

import pytest

from app.conversation import Conversation
from app.evaluation import must_include_ok

DATA = Path(__file__).parent / "data"


def rows_of(answer) -> list[int]:
    return [c["row"] for c in answer.citations if c["kind"] == "table"]


def sections_of(answer) -> set[str]:
    return {c["section"] for c in answer.citations if c.get("section")}


def test_detente_question_names_both_eras_lists_ties_and_says_why(assistant):
    answer = assistant.ask("Which ties were formed under the détente era?")
    assert answer.kind == "ambiguous" and not answer.abstained
    for needle in ("Khatami", "Rafsanjani", "9 ties", "4 ties", "more than one era", "keyword", "Havana", "Bishkek"):
        assert needle in answer.answer, needle
    assert set(rows_of(answer)) == set(range(1, 14))
    assert {"4-1-3", "4-1-4"} <= sections_of(answer)


def test_confrontation_era_count_in_persian(assistant):
    answer = assistant.ask("در دوره تقابل چند پیوند خواهرشهری ایجاد شد و با کدام شهرها؟")
    assert answer.lang == "fa" and answer.answer.startswith("۵ پیوند")
    for city in ("مینسک", "بغداد", "فری‌تاون", "بانکوک", "هانوی"):
        assert city in answer.answer
    assert rows_of(answer) == [14, 15, 16, 17, 18] and "4-1-5" in sections_of(answer)


def test_follow_up_filters_the_previous_set(assistant):
    conversation = Conversation()
    assistant.ask("در دوره تقابل چند پیوند خواهرشهری ایجاد شد و با کدام شهرها؟", conversation)
    answer = assistant.ask("Which of those are in Asia?", conversation)
    assert rows_of(answer) == [15, 17, 18]
    assert "Baghdad" in answer.answer and "Minsk" not in answer.answer
    conversation = Conversation()
    assistant.ask("پیوندهای دوره احمدی‌نژاد کدام‌اند؟", conversation)
    answer = assistant.ask("کدومش در آفریقا بود؟", conversation)
    assert rows_of(answer) == [16] and "فری‌تاون" in answer.answer


def test_follow_up_continues_with_another_era(assistant):
    conversation = Conversation()
    first = assistant.ask("How many ties were formed under Khatami?", conversation)
    assert first.answer.startswith("9 ties")
    second = assistant.ask("And under Rouhani?", conversation)
    assert second.answer.startswith("8 ties") and rows_of(second) == list(range(19, 27))


def test_definition_is_quoted_with_its_source(assistant):
    conversation = Conversation()
    answer = assistant.ask("What is city diplomacy according to section 3-2?", conversation)
    assert "local governments" in answer.answer and "(Mach & Cizo, 2015: 5)" in answer.answer
    assert answer.citations[0]["paragraph"] == "3-2.1"
    source = assistant.ask("And which source is cited for that definition?", conversation)
    assert "Mach & Cizo, 2015: 5" in source.answer


def test_six_conditions_are_listed(assistant):
    answer = assistant.ask("What are the six conditions for a successful sister-city relationship?")
    cited = [c["paragraph"] for c in answer.citations]
    assert all(f"3-4.{n}" in cited for n in range(3, 9))
    assert "delegations" in answer.answer and "legal" in answer.answer


def test_population_is_not_in_the_paper(assistant):
    answer = assistant.ask("What was Tehran's population in 1396?")
    assert answer.abstained and answer.answer.startswith("The paper does not say")
    assert answer.citations, "points to the nearest passage"
    answer = assistant.ask("جمعیت تهران در سال ۱۳۹۰ چقدر بود؟")
    assert answer.abstained and "مقاله در این باره چیزی نمی‌گوید" in answer.answer


def test_paper_inconsistencies_are_stated_with_both_places(assistant):
    answer = assistant.ask("How many sister cities does Tehran have?")
    assert "26" in answer.answer and "27" in answer.answer and {"1", "4-2", "5"} <= sections_of(answer)
    answer = assistant.ask("دوره تدبیر و امید چه سال‌هایی را در بر می‌گیرد؟")
    assert "۱۳۹۶" in answer.answer and "۱۳۹۷" in answer.answer and answer.kind == "ambiguous"
    answer = assistant.ask("Is Paris one of Tehran's sister cities?")
    assert "not in Table 2" in answer.answer and "draft" in answer.answer and "4-2" in sections_of(answer)
    answer = assistant.ask("Is New South Wales a sister city of Tehran?")
    assert "no longer operational" in answer.answer


def test_details_the_table_does_not_hold_are_refused(assistant):
    answer = assistant.ask("What was the purpose of the cooperation MoU with Warsaw?")
    assert answer.abstained and rows_of(answer) == [26] and "1396" in answer.answer


def test_unknown_city_gets_a_plain_no(assistant):
    for question in ("Does the paper list a sister-city tie between Tehran and Nairobi?",
                     "آیا تهران با نایروبی پیوند خواهرشهری دارد؟"):
        answer = assistant.ask(question)
        assert not answer.abstained and (answer.answer.startswith("No.") or answer.answer.startswith("خیر."))


def test_dates_in_both_calendars_and_persian_digits(assistant):
    answer = assistant.ask("تهران با هاوانا کِی خواهرخونده شد؟")
    assert "۱۷/۱۲/۱۳۷۹" in answer.answer and "۲۰۰۱" in answer.answer and rows_of(answer)[0] == 6
    answer = assistant.ask("When did Tehran sign with Havana?")
    assert "17/12/1379 SH" in answer.answer and "7 March 2001" in answer.answer


@pytest.mark.parametrize("question,rows", [
    ("Which ties were signed between 1390 and 1395?", [17, 18, 19, 20, 21, 22, 23, 24]),
    ("Which agreements did Tehran sign in 2004?", [10, 11, 12, 13]),
    ("How many pacts did Tehran sign?", [3, 5, 6, 14, 19, 22, 24]),
    ("چند تفاهم‌نامه در جدول ۲ هست؟", [9, 11, 12, 13, 16, 17, 18, 21, 25, 26]),
    ("What was the most recent tie in the table?", [26]),
    ("پیوندهای تهران با کشورهای اروپایی در دوره اصلاحات", [12, 13]),
    ("cooperation documents signed under Rouhani", [23, 26]),
    ("Tehran's ties with Russia", [12, 13]),
])
def test_structured_filters(assistant, question, rows):
    assert rows_of(assistant.ask(question)) == rows


def test_era_extremes_and_differences(assistant):
    most = assistant.ask("Which era formed the most sister-city ties for Tehran?")
    assert "Khatami" in most.answer and "9" in most.answer
    fewest = assistant.ask("کدام دوره کمترین پیوند را داشت؟")
    assert "رفسنجانی" in fewest.answer and "۴" in fewest.answer
    diff = assistant.ask("What is the difference between the number of ties under Khatami and Ahmadinejad?")
    assert diff.answer.startswith("4 ties")
    share = assistant.ask("What share of Tehran's 26 listed ties was formed under Rouhani?")
    assert "8 of the 26" in share.answer and "31%" in share.answer


def _gold(name: str) -> list[dict]:
    return [json.loads(line) for line in (DATA / name).read_text(encoding="utf-8").splitlines() if line.strip()]


def _run(assistant, items):
    conversations: dict[str, Conversation] = {}
    results = {}
    for item in items:
        conversation = conversations.get(item.get("context_id")) or Conversation()
        conversations[item["id"]] = conversation
        results[item["id"]] = assistant.ask(item["question"], conversation)
    return results


def test_our_own_paraphrases_are_answered(assistant):
    """Fifty questions in our own words, both languages, every type (hash embedder: a floor, not the real figure)."""
    items = _gold("paraphrases.jsonl")
    results = _run(assistant, items)
    ok = [must_include_ok(results[i["id"]].answer, i["must_include"]) for i in items]
    assert sum(ok) / len(ok) >= 0.9, [i["id"] for i, good in zip(items, ok) if not good]
    unanswerable = [i for i in items if i["type"] == "unanswerable"]
    assert all(results[i["id"]].abstained for i in unanswerable)
    answerable = [i for i in items if i["type"] != "unanswerable"]
    assert sum(results[i["id"]].abstained for i in answerable) == 0


def test_questions_written_independently_are_answered(assistant):
    """Sixty questions a teammate wrote from the corpus without seeing the code or the dev set (we then fixed
    rules on their failures, so this is a regression floor; with the hash embedder, below the real model's)."""
    items = _gold("independent.jsonl")
    results = _run(assistant, items)
    ok = [must_include_ok(results[i["id"]].answer, i["must_include"]) for i in items]
    assert sum(ok) / len(ok) >= 0.8, [i["id"] for i, good in zip(items, ok) if not good]
    answerable = [i for i in items if i["type"] != "unanswerable"]
    assert sum(results[i["id"]].abstained for i in answerable) <= 2


def test_concurrent_conversations_do_not_leak(assistant):
    """8 threads × 50 questions on one shared Assistant: every follow-up resolves against its own thread."""
    eras = {"Khatami": range(5, 14), "Ahmadinejad": range(14, 19), "Rouhani": range(19, 27),
            "Hashemi Rafsanjani": range(1, 5)}
    continents = {r: a.continent for r, a in assistant.corpus.agreement_by_row.items()}
    names = list(eras)
    errors: list[str] = []

    def chat(worker: int) -> None:
        conversation = Conversation()
        for turn in range(25):
            era = names[(worker + turn) % len(names)]
            continent = ("Asia", "Europe", "Africa", "America")[(worker * 3 + turn) % 4]
            first = assistant.ask(f"Which ties were formed under {era}?", conversation)
            if set(rows_of(first)) != set(eras[era]):
                errors.append(f"{worker}/{turn}: {era} gave {rows_of(first)}")
            second = assistant.ask(f"Which of those are in {continent}?", conversation)
            wanted = [r for r in eras[era] if continents[r] == continent]
            if rows_of(second) != wanted:
                errors.append(f"{worker}/{turn}: {era}/{continent} gave {rows_of(second)}, wanted {wanted}")

    threads = [threading.Thread(target=chat, args=(n,)) for n in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors, errors[:5]
