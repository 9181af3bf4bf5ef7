"""Turn evidence into the answer a student can trust, in the question's language.

Three paths, tried in order:
1. structured: questions about the agreements and eras are computed from Table 2 / eras.json
   (`table_query.py`), with the table rows and era sections cited;
2. passage: the sentences that answer the question are chosen from the retrieved paragraphs and
   quoted from the Persian text or its aligned English translation, with paragraph ids cited;
3. abstain: when the evidence does not support an answer, say so plainly and point to the nearest
   passage.
Known inconsistencies of the paper (26 vs 27 ties, 1396 vs 1397, détente in several eras) are
stated with both places cited.
"""
from __future__ import annotations

import difflib
import math
import re
from collections import Counter
from dataclasses import dataclass
from functools import cached_property
from typing import TYPE_CHECKING

from app.chunking import sentence_spans
from app.conversation import Conversation, looks_like_follow_up
from app.corpus import FOOTNOTE_MARK, Corpus, Paragraph
from app.normalize import STOP_EN, STOP_FA, fold, fold_nospace, tokens
from app.table_answers import CITATION, NOT_IN_PAPER, TableAnswers, _digits
from app.table_query import WHO_ERA, WHY, TableParser, TableQuery, follow_up, is_table_question

if TYPE_CHECKING:
    from app.assistant import Answer, Assistant

SOURCE_ASKED = re.compile(r"\b(source|cited|cite|citation|reference|who (said|says|wrote))\b|منبع|مأخذ|ماخذ|استناد|ارجاع")
DEFINITION_ASKED = re.compile(r"\bwhat (is|are|does)\b|\bdefin|\bmeaning\b|\bmean\b|چیست|چیه|یعنی چه|تعریف|به چه معناست")
DEFINITION_CUE = re.compile(r"refers to|is defined|defined as|is the term|عبارت است از|اطلاق می|به معنای|^عبارت")
LIST_ASKED = re.compile(r"\b(conditions?|goals?|list|steps?|levels?|sectors?|pillars?|problems?|factors?)\b|شرایط|شرط|"
                        r"اهداف|هدف‌ها|فهرست|مراحل|سطح|بخش اصلی|ارکان|رکن|مسائل|عوامل")
NUMBER = re.compile(r"\d+")
# Verbs and words of asking, which a question may use though the paper does not.
QUESTION_WORDS = frozenset(
    "wrote written write cited citing mention mentioned mentions describe described describes explain explained "
    "explains respond responded happen happened happens called pursue pursued define defined defines according "
    "summarize summarise summary compare compared listed tell give gives given think believe consider considered "
    "discuss discussed argue argued claim claimed state stated about exactly please anything something "
    "بنویس توضیح بده بگو بگویید چیست کدامند هستند بفرمایید خلاصه مقایسه چندتا چندتاش چندتاشون کدومشون کدوماش "
    "اسمش".split())
SENTENCE_WEIGHT = 4.0  # how much sentence-embedding similarity adds to the lexical score (measured on dev)
DEFINITION_SHAPE = re.compile(r"^(the term )?[^,;:]{3,50}? (is|are|denotes|means) (a|an|the|one|any)\b"
                              r"|^[^،.]{3,60}?(است که|عبارت است از)")
CAUSAL_CUE = re.compile(r"\bbecause\b|\bdue to\b|\bowing to\b|\bgiven\b|\bas a result\b|\bthanks to\b|به علت|به دلیل|"
                        r"زیرا|چرا که|با توجه به|در نتیجه|باعث")
# What a number would measure; the answer must speak of the same thing.
MEASURE = re.compile(r"\b(budget|cost|costs|money|spend|spent|funding|population|inhabitants)\b|بودجه|هزینه|پول|جمعیت|نفر")
# Questions whose answer is a number: "how many", "what budget", «جمعیت … چند».
QUANTITY = re.compile(r"\bhow (many|much)\b|\bwhat (number|amount|percentage)\b|\b(budget|cost|costs|spend|spent|money|"
                      r"population|funding)\b|چقدر|چند|تعداد|میزان|مقدار|بودجه|هزینه|جمعیت")
NUMBER_WORD = re.compile(r"\b(one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|twenty|hundred|thousand)\b|"
                         r"(^|\s)(یک|دو|سه|چهار|پنج|شش|هفت|هشت|نه|نُه|ده|یازده|دوازده|بیست|صد|هزار)(\s|$)")
WHO = re.compile(r"\bwho\b|\bwhom\b|\bwhich (mayor|person|official|minister)\b|چه کسی|چه کسانی|کدام شهردار|"
                 r"کدام مقام|کدام وزیر|کی بود|کیست")
STRICT_WHEN = re.compile(r"\bwhen\b|\bwhat (year|date)\b|\bwhich year\b|(^| )کی( |$)|چه سالی|چه تاریخی|چه زمانی|در چه سال")
MAP_OR_TABLE = re.compile(r"\bmaps?\b|\btables?\b|نقشه|جدول")
ERA_REFERENCE = re.compile(r"\b(this|that|the same) (era|period|government|administration|presidency)\b|"
                           r"همین دوره|این دوره|آن دوره|اون دوره|همان دوره|همین دولت|این دولت|آن دولت")
SUBSECTIONS = re.compile(r"\bsubsections?\b|\bsub-sections?\b|زیربخش|زیر بخش")


def retrieval_query(question: str, conversation: Conversation) -> str:
    """The text to search for: a follow-up is searched together with the question it follows."""
    if conversation.last and looks_like_follow_up(question):
        return f"{conversation.last.question} {question}"
    return question


# ------------------------------------------------------------------ phrasing helpers

@dataclass
class Composer:
    assistant: "Assistant"

    @property
    def corpus(self) -> Corpus:
        return self.assistant.corpus

    @cached_property
    def parser(self) -> TableParser:
        return TableParser(self.corpus)

    @cached_property
    def tables(self) -> TableAnswers:
        return TableAnswers(self.corpus, self.supporting_sentence)

    @cached_property
    def vocabulary(self) -> set[str]:
        words: set[str] = set()
        for p in self.corpus.paragraphs:
            words.update(tokens(p.fa, drop_stopwords=False))
            words.update(tokens(p.en, drop_stopwords=False))
        for term in self.corpus.glossary:
            for form in term.all_forms:
                words.update(tokens(form, drop_stopwords=False))
        return words | STOP_EN | STOP_FA

    @cached_property
    def idf(self) -> dict[str, float]:
        documents = [set(tokens(p.fa)) | set(tokens(p.en)) for p in self.corpus.paragraphs]
        df = Counter(t for d in documents for t in d)
        return {t: math.log(1 + len(documents) / c) for t, c in df.items()}

    def warm_up(self) -> None:
        """Compute the lazy lookup tables once, before any conversation shares them."""
        _ = self.parser, self.tables, self.vocabulary, self.idf, self.parser_words, self.person_pattern

    # -------------------------------------------------------------- entry point

    def compose(self, question: str, lang: str, conversation: Conversation) -> "Answer":
        query = self.parser.parse(question)
        last = conversation.last
        follow = bool(last and looks_like_follow_up(question))
        if follow and SOURCE_ASKED.search(fold(question)) and last.answer.citations:
            answer = self.source_of_previous(question, lang, last.answer)
            if answer:
                return answer
        if follow and last.rows and getattr(last.answer, "table_query", None) is not None:
            query = follow_up(last.answer.table_query, last.rows, query)
            if query.has_filters:
                return self.tables.table_answer(question, lang, query)
        if follow and not query.eras and not query.named_rows and ERA_REFERENCE.search(fold(question)):
            query = self.with_previous_era(query, last.answer)
        if query.named_rows and (query.flags["detail"] or WHO.search(fold(question))) and not query.flags["count"]:
            return self.tables.no_details_for_row(question, lang, query)  # the table records no purposes, no people
        sections = self.section_refs(question)
        for section_id in sections:
            if SUBSECTIONS.search(fold(question)) or not self.corpus.section_paragraphs(section_id) and \
                    section_id in self.corpus.section_by_id and not section_id.startswith("table"):
                if any(s.parent == section_id for s in self.corpus.sections):
                    return self.subsections_answer(question, lang, section_id)
        unknown = self.unknown_terms(question) if not sections else []
        if unknown and not query.named_rows and not query.eras:
            return self.not_in_paper(question, lang, unknown, tie_question=query.flags["tie_words"])
        if query.era_reason and len(query.eras) > 1 and not is_table_question(query) and not sections and \
                WHO_ERA.search(fold(question)):
            return self.tables.ambiguous_concept(question, lang, query, with_ties=False)
        names_part = bool(sections) and not query.named_rows and not query.flags["count"]
        asks_person = WHO.search(fold(question)) is not None and not query.named_rows
        names_part = names_part or asks_person  # the table records no people
        if is_table_question(query) and not (query.outside_cities and not query.named_rows) and not names_part:
            if not query.has_filters and query.intent in ("count", "list") and query.flags["tehran"]:
                return self.tables.total_ties(question, lang)
            return self.tables.table_answer(question, lang, query)
        if query.eras and len(query.eras) == 1 and not query.era_reason and not query.flags["why"] and re.search(
                r"\b(years?|when|which president|who)\b|سال|کی|چه زمانی|رئیس|دولت", fold(question)) and \
                not re.search(r"\b(why|how|what happened|levels?)\b|چرا|چگونه|چه عوامل", fold(question)):
            return self.tables.era_facts(question, lang, self.corpus.era_by_id[query.eras[0]])
        search_text = retrieval_query(question, conversation)
        if not sections and DEFINITION_ASKED.search(fold(question)):
            sections = self.titled_sections(question)  # "what is a sister city?" → section 3-3
        if query.outside_cities and not query.named_rows:
            return self.outside_city_answer(question, lang, query)
        if not sections and query.eras and not query.era_reason:
            sections = list(query.eras)  # "under Ahmadinejad …": read that era's section first
        return self.passage_answer(question, lang, search_text, sections)

    # -------------------------------------------------------------- structured answers

    def unknown_terms(self, question: str) -> list[str]:
        """Names in the question that occur nowhere in the paper, its translation or the glossary, nor as a close
        spelling: a capitalized Latin word after the first ("Tokyo"), or the partner in «تهران با X».
        (Ordinary words the paper happens not to use — "actually", «آخرین» — are not evidence of anything.)"""
        unknown = []
        partner = re.search(r"تهران\s+(?:با|و)\s+([\u0600-\u06ff]{3,})", fold(question))
        if partner and partner[1] not in self.vocabulary and not difflib.get_close_matches(
                partner[1], self.vocabulary, n=1, cutoff=0.88):  # a name: only a near-identical spelling counts
            unknown.append(partner[1])
        # several content words the paper never uses ("journal", "volume") mean another subject;
        # a single one ("actually", «آخرین») means nothing
        foreign = [token for token in dict.fromkeys(tokens(question)) if len(token) >= 5 and not token.isdigit()
                   and token not in QUESTION_WORDS and token not in self.vocabulary
                   and not difflib.get_close_matches(token, self.vocabulary, n=1, cutoff=0.75)]
        if len(foreign) >= 2:
            unknown.extend(foreign)
        words = re.findall(r"[A-Za-z][A-Za-z'-]+", question)
        for word in words[1:]:
            if not word[0].isupper() or len(word) < 3:
                continue
            for token in tokens(word):
                if token in self.vocabulary or difflib.get_close_matches(token, self.vocabulary, n=1, cutoff=0.88):
                    continue
                unknown.append(token)
        return unknown

    def question_tokens(self, question: str, lang: str) -> set[str]:
        """The question's tokens plus, for each glossary term it mentions, the term's name in the answer
        language ("EU" → "European Union" when answering from the English text)."""
        names = [form for term in self.assistant.retriever.matched_terms(question)
                 for form in ((term.fa, *term.variants_fa) if lang == "fa" else (term.en, *term.variants_en))]
        return set(tokens(question)) | set(tokens(" ".join(names)))

    def with_previous_era(self, query: TableQuery, previous) -> TableQuery:
        """"this era" in a follow-up: the era the previous answer was about (its query, or its one cited era)."""
        from dataclasses import replace

        eras = tuple(getattr(previous.table_query, "eras", ()) or ())
        if not eras:
            cited = [c["section"] for c in previous.citations if (c.get("section") or "").startswith("4-1-")]
            eras = (cited[0],) if cited and len(set(cited)) == 1 else ()
        return replace(query, eras=eras, era_reason="") if eras else query

    def section_refs(self, question: str) -> list[str]:
        return self.assistant.retriever.section_refs(question)

    def titled_sections(self, question: str) -> list[str]:
        """Sections whose title the question contains ("sister city" → 3-3), longest title first."""
        folded = fold_nospace(question)
        found = []
        for section in self.corpus.sections:
            if not self.corpus.section_paragraphs(section.id):
                continue
            for title in (section.title_fa, section.title_en):
                key = fold_nospace(title)
                if len(key) >= 8 and key in folded:
                    found.append((len(key), section.id))
        return [section_id for _, section_id in sorted(found, reverse=True)[:1]]

    def outside_city_answer(self, question: str, lang: str, query: TableQuery) -> "Answer":
        """Paris, New South Wales, Isfahan …: not in Table 2; quote what the paper says about them."""
        from app.assistant import Answer, paragraph_citation

        names = set()
        for term in self.corpus.glossary:
            if term.en in query.outside_cities:
                names.update(fold(form) for form in term.all_forms if len(fold(form)) >= 3)
        picked, citations = [], []
        for paragraph in self.corpus.paragraphs:
            if paragraph.kind in ("table_row", "caption"):
                continue
            hits = [s for s in _sentences(paragraph, lang) if any(n in fold(s[0]) for n in names)
                    or any(n in fold(paragraph.fa[s[1][0]:s[1][1]]) for n in names)]
            if hits:
                picked += [s[0] for s in hits]
                citations.append(paragraph_citation(self.corpus, paragraph, [s[1] for s in hits],
                                                    [s[2] for s in hits]))
        if not picked:
            return self.passage_answer(question, lang, question)
        in_table = {"en": f"{' and '.join(query.outside_cities)}: not in Table 2. What the paper says: ",
                    "fa": "این شهر در جدول ۲ نیست. آنچه مقاله می‌گوید: "}[lang]
        text = in_table + " ".join(picked[:4])
        asks_when = STRICT_WHEN.search(fold(question)) is not None
        groups = [{fold(f) for f in term.all_forms if len(fold(f)) >= 3} for term in self.corpus.glossary
                  if term.en in query.outside_cities]
        about_all = [s for s in picked if all(any(n in fold(s) for n in group) for group in groups)] or picked
        if asks_when and not NUMBER.search(fold(CITATION.sub(" ", " ".join(about_all)))):
            text = {"en": f"{NOT_IN_PAPER['en']} when: it gives no date. ", "fa": f"{NOT_IN_PAPER['fa']}: تاریخی ذکر نشده است. "}[lang] + text
            return Answer(question, lang, text, True, citations, kind="abstain")
        return Answer(question, lang, text, False, citations, kind="passage")

    def subsections_answer(self, question: str, lang: str, section_id: str) -> "Answer":
        from app.assistant import Answer, section_citation

        children = [s for s in self.corpus.sections if s.parent == section_id]
        grandchildren = {c.id: [s for s in self.corpus.sections if s.parent == c.id] for c in children}
        section = self.corpus.section_by_id[section_id]
        parts = []
        for child in children:
            title = child.title_fa if lang == "fa" else child.title_en
            below = grandchildren[child.id]
            extra = ""
            if below:
                extra = (f" (با {len(below)} زیربخش {below[0].id} تا {below[-1].id})" if lang == "fa"
                         else f" (with {len(below)} subsections, {below[0].id} to {below[-1].id})")
            parts.append(f"{child.id} «{title}»{extra}" if lang == "fa" else f"{child.id} “{title}”{extra}")
        title = section.title_fa if lang == "fa" else section.title_en
        text = (f"بخش {section_id} («{title}») این زیربخش‌ها را دارد: " + "؛ ".join(parts) + "."
                if lang == "fa" else f"Section {section_id} (“{title}”) has these subsections: " + "; ".join(parts) + ".")
        citations = [section_citation(self.corpus, section_id)] + [section_citation(self.corpus, c.id) for c in children]
        return Answer(question, lang, _digits(text, lang), False, citations, kind="passage")

    def not_in_paper(self, question: str, lang: str, unknown: list[str], tie_question: bool) -> "Answer":
        from app.assistant import Answer

        nearest = self.passage_answer(question, lang, question)
        original = [w for w in re.findall(r"[^\W_]+", question) if fold(w) in unknown] or unknown
        names = ", ".join(dict.fromkeys(original))
        if tie_question:
            text = {"en": f"No. “{names}” does not appear anywhere in the paper, and Table 2 lists no such tie "
                          f"(it lists 26 ties).",
                    "fa": f"خیر. «{names}» در هیچ جای مقاله نیامده است و جدول ۲ چنین پیوندی ندارد "
                          f"(جدول ۲ بیست و شش پیوند را فهرست می‌کند)."}[lang]
            return Answer(question, lang, text, False, nearest.citations[:2], kind="table")
        text = {"en": f"{NOT_IN_PAPER['en']} anything about “{names}”.",
                "fa": f"{NOT_IN_PAPER['fa']}: «{names}» در مقاله نیامده است."}[lang]
        if nearest.answer:
            text += {"en": f" The nearest passage: {nearest.answer}", "fa": f" نزدیک‌ترین بخش: {nearest.answer}"}[lang]
        return Answer(question, lang, text, True, nearest.citations[:2], kind="abstain")

    def supporting_sentence(self, question: str, lang: str, answer_text: str) -> tuple[str, dict] | None:
        """For a structured answer: a sentence of the paper that covers what the table cannot (a mayor, a why)."""
        wanted = set(tokens(question)) - set(tokens(answer_text)) - set(self.parser_words)
        if not wanted:
            return None
        hits = self.assistant.search(question, k=6)
        best = None
        for hit in hits:
            if hit.chunk.kind != "passage":
                continue
            paragraph = self.corpus.paragraph_by_id[hit.chunk.paragraph]
            if paragraph.kind in ("caption", "footnote"):
                continue
            for sentence, fa_span, en_span in _sentences(paragraph, lang):
                overlap = wanted & set(tokens(sentence))
                score = sum(self.idf.get(t, 0) for t in overlap)
                if overlap and (best is None or score > best[0]):
                    best = (score, sentence, paragraph, fa_span, en_span)
        if best is None or best[0] < 3.0:
            return None
        from app.assistant import paragraph_citation

        _, sentence, paragraph, fa_span, en_span = best
        return sentence, paragraph_citation(self.corpus, paragraph, [fa_span], [en_span])

    @cached_property
    def person_pattern(self) -> re.Pattern:
        """Any person the glossary knows, in either language, or a title such as «آقای» / "Mr" / "Dr"."""
        forms = {fold(f) for term in self.corpus.glossary if term.kind == "person" for f in term.all_forms
                 if len(fold(f)) >= 3}
        alternatives = "|".join(sorted((re.escape(f) for f in forms), key=len, reverse=True))
        return re.compile(rf"{alternatives}|\b(mr|mrs|dr|general)\b\.?|آقای|دکتر|ژنرال")

    @cached_property
    def parser_words(self) -> set[str]:
        return set(tokens("tie ties sister city cities tehran signed document kind type what which when year "
                          "پیوند خواهرشهری تهران سند نوع سال تاریخ امضا کدام چه دولت دوره era president"))

    def passage_answer(self, question: str, lang: str, search_text: str, sections: list[str] = ()) -> "Answer":
        from app.assistant import Answer, paragraph_citation

        hits = self.assistant.search(search_text, k=10)
        allow_captions = MAP_OR_TABLE.search(fold(question)) is not None
        top = hits[0].score if hits and hits[0].score > 0 else 1.0
        # (paragraph, retrieval strength in [0, 1]); the best chunk of a paragraph speaks for it
        paragraphs: list[tuple[Paragraph, float]] = []
        for hit in hits:
            if hit.chunk.kind != "passage" or hit.chunk.paragraph in [p.id for p, _ in paragraphs]:
                continue
            paragraph = self.corpus.paragraph_by_id[hit.chunk.paragraph]
            if paragraph.kind == "footnote" or (paragraph.kind == "caption" and not allow_captions):
                continue
            paragraphs.append((paragraph, max(0.0, hit.score / top)))
        if sections:
            wanted = {f"sec:{s}" if not s.startswith("table") else s for s in sections}
            inside = [(p, r) for p, r in paragraphs if wanted & set(p.evidence_ids)]
            seen = {p.id for p, _ in inside}
            # the named part of the paper is read whole, after what retrieval found in it
            inside += [(p, 0.3) for p in self.corpus.paragraphs if wanted & set(p.evidence_ids)
                       and p.kind not in ("table_row", "caption", "footnote") and p.id not in seen][:12]
            paragraphs = inside or paragraphs
        if not paragraphs:
            return Answer(question, lang, NOT_IN_PAPER[lang] + ".", True, [], kind="abstain")
        if sections == ["front"]:  # who wrote it: the author lines of the title block
            authors = [p for p in self.corpus.section_paragraphs("front")[1:] if not NUMBER.search(fold(p.fa))]
            text = " ".join((p.fa if lang == "fa" else p.en) for p in authors)
            return Answer(question, lang, text, False, [paragraph_citation(self.corpus, p) for p in authors])
        q_tokens = self.question_tokens(search_text, lang)
        definition = DEFINITION_ASKED.search(fold(question)) is not None
        why = WHY.search(fold(question)) is not None
        asks_quantity = QUANTITY.search(fold(question)) is not None
        wants_list = LIST_ASKED.search(fold(question)) is not None
        scored = []
        for paragraph, strength in paragraphs[:14 if sections else 4]:
            candidates = _sentences(paragraph, lang)
            ends_a_list = wants_list and bool(self.following_list(paragraph))  # its last sentence leads into a list
            for index, (sentence, fa_span, en_span) in enumerate(candidates):
                overlap = q_tokens & set(tokens(sentence))
                score = sum(self.idf.get(t, 1.0) for t in overlap) + 5.0 * strength
                if definition and (
                        (len(overlap) >= 2 and DEFINITION_CUE.search(fold(sentence)))
                        or (DEFINITION_SHAPE.match(fold(FOOTNOTE_MARK.sub("", sentence)))
                            and set(tokens(sentence)[:2]) & q_tokens)):
                    score += 8.0  # a sentence shaped like a definition of the asked term
                if why and overlap and CAUSAL_CUE.search(fold(sentence)):
                    score += 2.5
                if asks_quantity and overlap and (NUMBER.search(fold(CITATION.sub(" ", sentence)))
                                                  or NUMBER_WORD.search(fold(sentence))):
                    score += 2.0
                if ends_a_list and index == len(candidates) - 1:
                    score += 3.0
                scored.append((score, strength, index, sentence, paragraph, fa_span, en_span))
        scored = self.with_sentence_similarity(scored, search_text, lang)
        scored.sort(key=lambda s: -s[0])
        best_score, _, index, sentence, paragraph, _, _ = scored[0]
        best_score = max(best_score, 1e-6)
        sentences = _sentences(paragraph, lang)
        by_index = {s[2]: s[0] for s in scored if s[4].id == paragraph.id}
        chosen = {index}
        # Neighbours that also answer the question, and what follows a sentence that introduces a list.
        # (reading on is preferred: a sentence before the best one must score nearly as well)
        for neighbour, share in ((index + 1, 0.4), (index - 1, 0.6)):
            if 0 <= neighbour < len(sentences) and by_index.get(neighbour, 0.0) >= share * best_score > 0:
                chosen.add(neighbour)
        if why and index > 0 and not CAUSAL_CUE.search(fold(sentence)) and CAUSAL_CUE.search(fold(sentences[index - 1][0])):
            chosen.add(index - 1)  # the reason is given just before the claim
        if index + 1 < len(sentences) and (sentence.rstrip().endswith(":") or len(sentence) < 80 or
                                           sum(len(sentences[i][0]) for i in chosen) < 450):
            chosen.add(index + 1)
        # A one-line answer is often too thin to study from: read on to about 250 characters
        # (four sentences when the question asks for a list of levels, conditions, factors …).
        limit = 4 if LIST_ASKED.search(fold(question)) else 3
        following = max(chosen) + 1
        while following < len(sentences) and len(chosen) < limit and \
                sum(len(sentences[i][0]) for i in chosen) < (900 if limit == 4 else 250):
            chosen.add(following)
            following += 1
        picked = [sentences[i] for i in sorted(chosen)]
        text = FOOTNOTE_MARK.sub("", " ".join(s[0] for s in picked))
        citations = [paragraph_citation(self.corpus, paragraph, [s[1] for s in picked], [s[2] for s in picked])]
        list_items = self.following_list(paragraph)
        if list_items and (LIST_ASKED.search(fold(question)) or sentence.rstrip().endswith(":")
                           or (paragraph.kind == "caption" and paragraph.table)):
            items = [p for p in list_items if p.id != paragraph.id]
            text += " " + " ".join((p.fa if lang == "fa" else p.en) for p in items)
            citations += [paragraph_citation(self.corpus, p) for p in items]
        for other, _strength in paragraphs[1:3]:
            if other.id != paragraph.id:
                citations.append(paragraph_citation(self.corpus, other))
        asks_when = STRICT_WHEN.search(fold(question)) is not None
        # the number must be in the sentence that best answers, not in one read on after it
        best_text = fold(CITATION.sub(" ", sentence))
        has_number = NUMBER.search(best_text) or NUMBER_WORD.search(best_text)
        if WHO.search(fold(question)) and not any(self.person_pattern.search(fold(s[0])) for s in picked):
            text = {"en": f"{NOT_IN_PAPER['en']} who; the closest passage of the paper says: {text}",
                    "fa": f"{NOT_IN_PAPER['fa']}؛ نامی در این باره نیامده است. نزدیک‌ترین بخش مقاله می‌گوید: {text}"}[lang]
            return Answer(question, lang, text, True, citations, kind="abstain")
        measure = MEASURE.search(fold(question))
        measured = measure is None or any(MEASURE.search(fold(s[0])) for s in picked)
        if self.unsupported_number(question, text) or ((asks_when or asks_quantity) and not has_number) \
                or not measured:
            text = {"en": f"{NOT_IN_PAPER['en']} this; the closest passage of the paper says: {text}",
                    "fa": f"{NOT_IN_PAPER['fa']}؛ نزدیک‌ترین بخش مقاله می‌گوید: {text}"}[lang]
            return Answer(question, lang, text, True, citations, kind="abstain")
        return Answer(question, lang, text, False, citations, kind="passage")

    def with_sentence_similarity(self, scored: list[tuple], search_text: str, lang: str) -> list[tuple]:
        """Add the embedding similarity of each candidate sentence to the question, scaled within the candidates
        (0 for the least similar, SENTENCE_WEIGHT for the most): meaning counts where words differ."""
        with self.assistant.embedding_lock:
            query = self.assistant.retriever.query_vector(search_text)
        vectors = self.assistant.index.sentence_vectors
        sims = []
        for item in scored:
            matrix = vectors.get((item[4].id, lang))
            sims.append(float(matrix[item[2]] @ query) if matrix is not None and item[2] < len(matrix) else None)
        known = [s for s in sims if s is not None]
        if not known:
            return scored
        low, high = min(known), max(known)
        span = (high - low) or 1.0
        return [(item[0] + (SENTENCE_WEIGHT * (sim - low) / span if sim is not None else 0.0), *item[1:])
                for item, sim in zip(scored, sims)]

    def following_list(self, paragraph: Paragraph) -> list[Paragraph]:
        """List items that follow `paragraph` (or the table/list it belongs to)."""
        items, started = [], False
        for p in self.corpus.paragraphs:
            if p.id == paragraph.id:
                started = True
                if p.kind == "list_item":
                    items.append(p)
                continue
            if started:
                if p.kind in ("list_item",) or (p.kind == "caption" and not items and p.table):
                    if p.kind == "list_item":
                        items.append(p)
                    continue
                break
        if paragraph.kind == "list_item":  # the whole list the item belongs to
            siblings = [p for p in self.corpus.paragraphs if p.kind == "list_item" and p.section == paragraph.section
                        and (p.table or "") == (paragraph.table or "")]
            return siblings
        return items

    def unsupported_number(self, question: str, text: str) -> bool:
        """The question asks about a specific number or year that the chosen evidence never mentions."""
        asked = set(NUMBER.findall(fold(question))) - {"1", "2", "3", "4", "5", "6", "7"}
        section_refs = set(re.findall(r"\d+(?:-\d+)+", fold(question)))
        asked -= {n for ref in section_refs for n in ref.split("-")}
        for start, end in re.findall(r"(\d{4})\s*[-–]\s*(\d{2,4})", fold(question)):  # an era's span
            if any(e.start_jalali == int(start) for e in self.corpus.eras):
                asked -= {start, end}
        if not asked:
            return False
        found = set(NUMBER.findall(fold(text)))
        return not (asked & found)

    def source_of_previous(self, question: str, lang: str, previous) -> "Answer | None":
        from app.assistant import Answer

        passage = next((c for c in previous.citations if c.get("kind") == "passage"), None)
        if not passage:
            return None
        spans = passage["highlight"]["fa"]
        text_fa = passage["text"]
        window = text_fa[spans[0][0]:spans[-1][1]] if spans else text_fa
        found = CITATION.findall(window)
        if not found:
            rest = text_fa[spans[-1][1]:] if spans else ""
            found = CITATION.findall(rest)[:1] or CITATION.findall(text_fa)[:1]
        if not found:
            return None
        sources = "; ".join(found)
        text = {"en": f"The paper cites {sources} for it (paragraph {passage['paragraph']}).",
                "fa": f"مقاله برای آن به ({sources}) استناد می‌کند (بند {passage['paragraph']})."}[lang]
        return Answer(question, lang, text, False, [passage], kind="passage")


def _sentences(paragraph: Paragraph, lang: str) -> list[tuple[str, tuple[int, int], tuple[int, int]]]:
    """Sentences of the paragraph in `lang`, each with its span and the proportional span in the other language."""
    fa_spans, en_spans = sentence_spans(paragraph.fa), sentence_spans(paragraph.en)
    own, other = (fa_spans, en_spans) if lang == "fa" else (en_spans, fa_spans)
    text = paragraph.fa if lang == "fa" else paragraph.en
    out = []
    for i, span in enumerate(own):
        j = min(len(other) - 1, int(i * len(other) / len(own)))
        fa_span, en_span = (span, other[j]) if lang == "fa" else (other[j], span)
        out.append((text[span[0]:span[1]], fa_span, en_span))
    return out


def compose_answer(assistant: "Assistant", question: str, lang: str, conversation: Conversation) -> "Answer":
    return assistant.composer.compose(question, lang, conversation)
