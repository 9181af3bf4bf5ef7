"""Structured answers: questions over Table 2 and the eras, phrased from computed facts.

`TableAnswers` turns a parsed `TableQuery` into an answer: lists with dates in both calendars, counts,
first/last, extremes, differences, shares, per-continent splits, the détente ambiguity, era facts and the
paper's 26-vs-27 inconsistency, with the table rows and era sections cited. Nothing here is generated text.
"""
from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING, Callable

from app.corpus import CONTINENT_NAMES_FA, Agreement, Corpus, Era
from app.normalize import fold, to_persian_digits
from app.table_query import TableQuery, era_counts, select

if TYPE_CHECKING:
    from app.assistant import Answer

GREGORIAN_MONTHS_FA = ("ژانویه", "فوریه", "مارس", "آوریل", "مه", "ژوئن", "ژوئیه", "اوت", "سپتامبر", "اکتبر",
                       "نوامبر", "دسامبر")
CITATION = re.compile(r"\(([A-Z][^()]*?\d{4}(?::\s*[\d-]+)?)\)")
NOT_IN_PAPER = {"en": "The paper does not say", "fa": "مقاله در این باره چیزی نمی‌گوید"}
# "how many are sister-city documents and how many only cooperation ones?": both sides asked
SPLIT_ASKED = re.compile(r"(sister|خواهرشهری|خواهر شهری).*(cooperation|friendship|همکاری|دوستی)|"
                         r"(cooperation|friendship|همکاری|دوستی).*(sister|خواهرشهری|خواهر شهری)")
# (sentence, citation of it) for what a table cannot say, e.g. the mayor at the first tie
Support = Callable[[str, str, str], "tuple[str, dict] | None"]


def _digits(text: str, lang: str) -> str:
    """Persian digits in Persian answers, except inside Latin citations such as (KavyaniRad, 2016: 176)."""
    if lang != "fa":
        return text
    parts, cursor = [], 0
    for match in CITATION.finditer(text):
        parts.append(to_persian_digits(text[cursor:match.start()]))
        parts.append(match.group(0))
        cursor = match.end()
    parts.append(to_persian_digits(text[cursor:]))
    return "".join(parts)


def gregorian_text(a: Agreement, lang: str) -> str:
    start, end = a.gregorian_start, a.gregorian_end
    if lang == "fa":
        fmt = lambda d: f"{d.day} {GREGORIAN_MONTHS_FA[d.month - 1]} {d.year}"  # noqa: E731
    else:
        fmt = lambda d: f"{d.day} {d:%B} {d.year}"  # noqa: E731
    return fmt(start) if start == end else f"{fmt(start)} – {fmt(end)}"


def date_text(a: Agreement, lang: str) -> str:
    if lang == "fa":
        return f"{a.date_as_printed} (برابر {gregorian_text(a, 'fa')})"
    if a.day is None:
        return f"Bahman {a.year} SH ({gregorian_text(a, 'en')}; the table gives the month only)"
    return f"{a.date_as_printed} SH ({gregorian_text(a, 'en')})"


def era_name(era: Era, lang: str) -> str:
    if lang == "fa":
        head = f" ({era.head_fa})" if era.head_fa else ""
        return f"دوره {era.short_fa[0]}{head}"
    head = f" ({era.head_en})" if era.head_en else ""
    return f"the {era.short_en[0]} era{head}"


def row_text(corpus: Corpus, a: Agreement, lang: str, with_era: bool = True) -> str:
    era = corpus.era_by_id[a.era_id]
    if lang == "fa":
        era_part = f"، {era_name(era, 'fa')}" if with_era else ""
        return f"{a.city_fa} ({a.country_fa}): {a.doc_type_fa}، {date_text(a, 'fa')}{era_part}، ردیف {a.row}"
    era_part = f", {era_name(era, 'en')}" if with_era else ""
    return f"{a.city_en} ({a.country_en}): {a.doc_type_en}, {date_text(a, 'en')}{era_part}, row {a.row}"


def _join_rows(corpus: Corpus, agreements: list[Agreement], lang: str, with_era: bool = True) -> str:
    sep = "؛ " if lang == "fa" else "; "
    return sep.join(row_text(corpus, a, lang, with_era) for a in agreements)


def _rows_span(rows: list[int]) -> str:
    if rows and rows == list(range(rows[0], rows[-1] + 1)) and len(rows) > 2:
        return f"{rows[0]}–{rows[-1]}"
    return ", ".join(map(str, rows))


# ------------------------------------------------------------------ the composer


@dataclass
class TableAnswers:
    corpus: Corpus
    support: Support  # a sentence of the paper that covers what the table cannot

    def _era_citations(self, era_ids) -> list[dict]:
        from app.assistant import section_citation

        return [section_citation(self.corpus, era_id) for era_id in dict.fromkeys(era_ids)]

    def _row_citations(self, agreements: list[Agreement]) -> list[dict]:
        from app.assistant import table_citation

        return [table_citation(self.corpus, a.row) for a in agreements]

    def table_answer(self, question: str, lang: str, query: TableQuery) -> "Answer":

        corpus = self.corpus
        if query.intent in ("most", "least") and re.search(r"continent|قاره", fold(question)):
            return self.continent_extreme(question, lang, query)
        if (query.cooperation or query.friendship or query.sister_city is False) and SPLIT_ASKED.search(fold(question)):
            return self.sister_city_split(question, lang, query)
        if len(query.continents) > 1 and query.intent in ("count", "list"):
            return self.per_continent(question, lang, query)
        if query.intent in ("most", "least", "diff") and not query.named_rows and not query.continents and \
                not query.families and (len(query.eras) != 1):
            return self.era_comparison(question, lang, query)
        if query.era_reason and len(query.eras) > 1:
            return self.ambiguous_concept(question, lang, query)
        agreements = select(corpus, query)
        era_ids = list(query.eras) or ([a.era_id for a in agreements] if query.asks_era or query.named_rows else [])
        if query.intent == "first" and agreements:
            agreements = [min(agreements, key=lambda a: (a.year, a.month, a.day or 0))]
        elif query.intent == "last" and agreements:
            agreements = [max(agreements, key=lambda a: (a.year, a.month, a.day or 0))]
        n = len(agreements)
        scope = self.describe(query, lang)
        if not agreements:
            text = {"en": f"Table 2 lists no tie {scope}.", "fa": f"جدول ۲ هیچ پیوندی {scope} ندارد."}[lang]
            return self._table_answer_object(question, lang, query, text, [], era_ids)
        if query.intent == "share":
            total = len(corpus.agreements)
            percent = round(100 * n / total)
            text = {"en": f"{n} of the {total} ties listed in Table 2 ({percent}%) {scope}: "
                          f"{_join_rows(corpus, agreements, 'en', with_era=False)}.",
                    "fa": f"{n} پیوند از {total} پیوند جدول ۲ (حدود {percent} درصد) {scope}: "
                          f"{_join_rows(corpus, agreements, 'fa', with_era=False)}."}[lang]
        elif query.intent in ("first", "last"):
            a = agreements[0]
            word = {"first": ("The first", "اولین"), "last": ("The last", "آخرین")}[query.intent]
            where = {"en": " in Table 2", "fa": " در جدول ۲"}[lang] if not query.has_filters else ""
            text = {"en": f"{word[0]} tie {scope if query.has_filters else ''}{where}: {row_text(corpus, a, 'en')}.",
                    "fa": f"{word[1]} پیوند {scope if query.has_filters else ''}{where}: {row_text(corpus, a, 'fa')}."}[lang]
            text = re.sub(r"  +", " ", text)
        elif query.intent == "lookup" or (query.named_rows and n <= 2 and query.intent != "count"):
            text = ("؛ ".join(f"تهران و {row_text(corpus, a, 'fa')}" for a in agreements) + "."
                    if lang == "fa" else "; ".join(f"Tehran and {row_text(corpus, a, 'en')}" for a in agreements) + ".")
            if n == 1:
                text = self.direct_answer(query, agreements[0], lang) + text
        else:
            with_era = not (len(query.eras) == 1)
            listing = _join_rows(corpus, agreements, lang, with_era)
            if lang == "fa":
                text = f"{n} پیوند {scope}: {listing}."
            else:
                text = f"{n} tie{'s' if n != 1 else ''} {scope}: {listing}."
                if n == 1:
                    text = text.replace(" that are ", " that is ")
            if len(query.eras) == 1:
                era = corpus.era_by_id[query.eras[0]]
                if not (query.continents or query.families or query.sister_city is not None or query.cooperation
                        or query.friendship or query.rows is not None
                        or query.year_from):
                    text += {"en": f" The paper gives the same count for {era_name(era, 'en')} (section {era.id}).",
                             "fa": f" مقاله نیز برای {era_name(era, 'fa')} همین شمار را می‌دهد (بخش {era.id})."}[lang]
        extra = self.support(question, lang, text)
        if extra:
            text += " " + extra[0]
        answer = self._table_answer_object(question, lang, query, text, agreements, era_ids)
        if extra:
            answer.citations.append(extra[1])
        return answer

    def direct_answer(self, query: TableQuery, a: Agreement, lang: str) -> str:
        """What a one-row question asked for, said first: the era, the date or the document type."""
        era = self.corpus.era_by_id[a.era_id]
        if query.asks_era:
            return (f"در {era_name(era, 'fa')} امضا شد. " if lang == "fa"
                    else f"It was signed in {era_name(era, 'en')}. ")
        if query.asks_doc:
            return f"نوع سند: {a.doc_type_fa}. " if lang == "fa" else f"The document is a {a.doc_type_en}. "
        if query.asks_date:
            return (f"تاریخ امضا: {date_text(a, 'fa')}. " if lang == "fa"
                    else f"It was signed on {date_text(a, 'en')}. ")
        return ""

    def _table_answer_object(self, question, lang, query, text, agreements, era_ids) -> "Answer":
        from app.assistant import Answer

        answer = Answer(question, lang, _digits(text, lang), False,
                        self._row_citations(agreements) + self._era_citations(era_ids), kind="table")
        answer.table_query = query
        return answer

    def describe(self, query: TableQuery, lang: str) -> str:
        """A short phrase for the filters, e.g. 'in the reform era (Seyyed Mohammad Khatami) in Asia'."""
        corpus, parts = self.corpus, []
        if query.eras:
            names = [era_name(corpus.era_by_id[e], lang) for e in query.eras]
            parts.append(("در " if lang == "fa" else "in ") + (" / ".join(names)))
        if query.continents:
            parts.append("با شهرهای " + " و ".join(CONTINENT_NAMES_FA[c] for c in query.continents) if lang == "fa"
                         else "in " + " and ".join(query.continents))
        if query.families:
            names_en = {"mou": "memoranda of understanding", "pact": "pacts", "treaty": "treaties",
                        "contract": "contracts", "agreement": "agreements"}
            names_fa = {"mou": "تفاهم‌نامه", "pact": "پیمان", "treaty": "معاهده", "contract": "قرارداد",
                        "agreement": "توافق‌نامه"}
            parts.append(("از نوع " + "/".join(names_fa[f] for f in query.families)) if lang == "fa"
                         else "that are " + "/".join(names_en[f] for f in query.families))
        if query.cooperation:
            parts.append("از نوع اسناد همکاری" if lang == "fa" else "that are cooperation documents")
        if query.sister_city is False and not query.cooperation:
            parts.append("از نوع اسناد همکاری یا دوستی (نه خواهرشهری)" if lang == "fa"
                         else "that are cooperation or friendship documents (not sister-city documents)")
        if query.year_from or query.year_to:
            if query.year_from == query.year_to:
                parts.append(f"در سال {query.year_from}" if lang == "fa" else f"in {query.year_from} SH")
            elif query.year_from and query.year_to:
                parts.append(f"از {query.year_from} تا {query.year_to}" if lang == "fa"
                             else f"from {query.year_from} to {query.year_to} SH")
            elif query.year_from:
                parts.append(f"از سال {query.year_from} به بعد" if lang == "fa" else f"from {query.year_from} SH on")
            else:
                parts.append(f"تا سال {query.year_to}" if lang == "fa" else f"up to {query.year_to} SH")
        if query.rows is not None and not query.named_rows:
            parts.append("از میان پیوندهای پاسخ قبلی" if lang == "fa" else "among those in the previous answer")
        return " ".join(parts) if parts else ("در جدول ۲" if lang == "fa" else "in Table 2")

    def era_comparison(self, question: str, lang: str, query: TableQuery) -> "Answer":
        corpus = self.corpus
        counts = {e: c for e, c in era_counts(corpus).items() if c}
        if query.intent == "diff" and len(query.eras) == 2:
            a, b = (corpus.era_by_id[e] for e in query.eras)
            difference = abs(counts.get(a.id, 0) - counts.get(b.id, 0))
            text = {"en": f"{difference} ties: {counts.get(a.id, 0)} in {era_name(a, 'en')} against "
                          f"{counts.get(b.id, 0)} in {era_name(b, 'en')}.",
                    "fa": f"{difference} پیوند: {counts.get(a.id, 0)} پیوند در {era_name(a, 'fa')} در برابر "
                          f"{counts.get(b.id, 0)} پیوند در {era_name(b, 'fa')}."}[lang]
            agreements = [x for x in corpus.agreements if x.era_id in query.eras]
            return self._table_answer_object(question, lang, query, text, agreements, query.eras)
        ordered = sorted(counts.items(), key=lambda item: -item[1])
        pick = ordered[0] if query.intent != "least" else ordered[-1]
        era = corpus.era_by_id[pick[0]]
        rows = [x.row for x in corpus.agreements if x.era_id == era.id]
        others_en = ", ".join(f"{corpus.era_by_id[e].head_en or corpus.era_by_id[e].short_en[0]} {c}"
                              for e, c in ordered if e != era.id)
        others_fa = "، ".join(f"{corpus.era_by_id[e].head_fa or corpus.era_by_id[e].short_fa[0]} {c}"
                              for e, c in ordered if e != era.id)
        word = ("most", "بیشترین") if query.intent != "least" else ("fewest", "کمترین")
        text = {"en": f"{era_name(era, 'en')[0].upper()}{era_name(era, 'en')[1:]} ({era.years_text('en')}) formed the "
                      f"{word[0]} ties: {pick[1]} (Table 2 rows {_rows_span(rows)}). Others: {others_en}.",
                "fa": f"{era_name(era, 'fa')} ({era.years_text('fa')}) با {pick[1]} پیوند {word[1]} شمار را دارد "
                      f"(ردیف‌های {_rows_span(rows)} جدول ۲). دیگر دوره‌ها: {others_fa}."}[lang]
        agreements = [x for x in corpus.agreements if x.era_id == era.id]
        return self._table_answer_object(question, lang, query, text, agreements, [era.id])

    def continent_extreme(self, question: str, lang: str, query: TableQuery) -> "Answer":
        from app.assistant import section_citation

        counts = Counter(a.continent for a in select(self.corpus, replace_continent(query)))
        ordered = counts.most_common()
        name, count = ordered[0] if query.intent != "least" else ordered[-1]
        agreements = [a for a in self.corpus.agreements if a.continent == name]
        rest_en = ", ".join(f"{c} {n}" for c, n in ordered if c != name)
        rest_fa = "، ".join(f"{CONTINENT_NAMES_FA[c]} {n}" for c, n in ordered if c != name)
        total = sum(counts.values())
        text = {"en": f"{name}: {count} of the {total} ties ({_join_cities(agreements, 'en')}). Then {rest_en}; "
                      f"Oceania none. The conclusion (section 5) gives the same totals.",
                "fa": f"{CONTINENT_NAMES_FA[name]}: {count} پیوند از {total} پیوند ({_join_cities(agreements, 'fa')}). "
                      f"سپس {rest_fa}؛ اقیانوسیه هیچ. نتیجه‌گیری (بخش ۵) همین ارقام را می‌دهد."}[lang]
        answer = self._table_answer_object(question, lang, query, text, agreements, [])
        answer.citations.append(section_citation(self.corpus, "5"))
        return answer

    def sister_city_split(self, question: str, lang: str, query: TableQuery) -> "Answer":
        """Documents named "sister-city" against cooperation/friendship documents, within the other filters."""
        base = replace(query, cooperation=False, friendship=False, sister_city=None)
        rows = select(self.corpus, base)
        sister = [a for a in rows if a.sister_city]
        other = [a for a in rows if not a.sister_city]
        if lang == "fa":
            text = (f"{len(sister)} سند «خواهرشهری» نام دارند ({_join_cities(sister, 'fa')}) و {len(other)} سند "
                    f"همکاری یا دوستی‌اند ({_join_rows(self.corpus, other, 'fa', with_era=False)}).")
        else:
            text = (f"{len(sister)} are sister-city documents ({_join_cities(sister, 'en')}) and {len(other)} are "
                    f"cooperation or friendship documents ({_join_rows(self.corpus, other, 'en', with_era=False)}).")
        return self._table_answer_object(question, lang, query, text, other + sister, list(query.eras))

    def per_continent(self, question: str, lang: str, query: TableQuery) -> "Answer":
        parts, agreements = [], []
        for continent in query.continents:
            rows = select(self.corpus, replace(query, continents=(continent,)))
            agreements += rows
            if lang == "fa":
                parts.append(f"{CONTINENT_NAMES_FA[continent]}: {len(rows)} پیوند ({_join_cities(rows, 'fa')})")
            else:
                parts.append(f"{continent}: {len(rows)} tie{'s' if len(rows) != 1 else ''} ({_join_cities(rows, 'en')})")
        text = ("؛ ".join(parts) if lang == "fa" else "; ".join(parts)) + "."
        return self._table_answer_object(question, lang, query, text, agreements, list(query.eras))

    def ambiguous_concept(self, question: str, lang: str, query: TableQuery, with_ties: bool = True) -> "Answer":
        """A key concept (détente …) that the paper uses for more than one era: answer for each, say why."""
        corpus = self.corpus
        concept = query.era_reason.split(":", 1)[1]
        eras = sorted((corpus.era_by_id[e] for e in query.eras), key=lambda e: -e.ties)
        parts, all_rows = [], []
        if not with_ties:
            eras = sorted(eras, key=lambda e: e.start_jalali)
            for era in eras:
                parts.append(f"{era_name(era, lang)} ({era.years_text(lang)})، بخش {era.id}" if lang == "fa"
                             else f"{era_name(era, lang)} ({era.years_text(lang)}), section {era.id}")
            if lang == "fa":
                text = (f"مقاله «{_concept_fa(corpus, concept)}» را به بیش از یک دوره نسبت می‌دهد: "
                        + "؛ ".join(parts) + ".")
            else:
                text = f"The paper links “{concept}” to more than one era: " + "; ".join(parts) + "."
            answer = self._table_answer_object(question, lang, query, text, [], [e.id for e in eras])
            answer.kind = "ambiguous"
            return answer
        for era in eras:
            rows = [a for a in select(corpus, TableQuery(eras=(era.id,), continents=query.continents,
                                                         families=query.families, sister_city=query.sister_city))]
            all_rows += rows
            cities = _join_cities(rows, lang)
            if lang == "fa":
                parts.append(f"{era_name(era, 'fa')}، بخش {era.id}: "
                             + (f"{len(rows)} پیوند ({cities})" if rows else "هیچ پیوندی"))
            else:
                parts.append(f"{era_name(era, 'en')}, section {era.id}: "
                             + (f"{len(rows)} ties ({cities})" if rows else "no ties"))
        primary = eras[0]
        if lang == "fa":
            text = (f"مقاله «{_concept_fa(corpus, concept)}» را برای بیش از یک دوره به کار می‌برد، پس پاسخ به "
                    f"منظور شما بستگی دارد. این مفهوم کلیدواژه {era_name(primary, 'fa')} است. " + "؛ ".join(parts) + ".")
        else:
            text = (f"The paper uses “{concept}” for more than one era, so it depends which one you mean. It is "
                    f"the keyword of {era_name(primary, 'en')}. " + "; ".join(parts) + ".")
        answer = self._table_answer_object(question, lang, query, text, all_rows, [e.id for e in eras])
        answer.kind = "ambiguous"
        return answer

    def total_ties(self, question: str, lang: str) -> "Answer":
        from app.assistant import paragraph_citation, section_citation

        corpus = self.corpus
        n = len(corpus.agreements)
        text = {"en": f"Table 2 lists {n} ties, and the conclusion says 26 too; but the introduction and section 4-2 "
                      f"speak of 27 ties (the introduction counts ties “with cities and international organizations”). "
                      f"The paper does not explain the difference.",
                "fa": f"جدول ۲ {n} پیوند را فهرست می‌کند و نتیجه‌گیری نیز از ۲۶ پیوند سخن می‌گوید؛ اما مقدمه و بخش ۴-۲ "
                      f"از «بیست و هفت» (۲۷) پیوند نام می‌برند (مقدمه پیوند «با شهرها و سازمان‌های بین‌المللی» را "
                      f"می‌شمارد). مقاله این تفاوت را توضیح نمی‌دهد."}[lang]
        from app.assistant import Answer

        citations = [section_citation(corpus, "5"), section_citation(corpus, "1"), section_citation(corpus, "4-2")]
        for pid in ("1.4", "4-2.2", "5.4"):
            if pid in corpus.paragraph_by_id:
                citations.insert(0, paragraph_citation(corpus, corpus.paragraph_by_id[pid]))
        return Answer(question, lang, _digits(text, lang), False, citations, kind="ambiguous")

    def era_facts(self, question: str, lang: str, era: Era) -> "Answer":
        from app.assistant import Answer, section_citation, table_citation

        alt = era.end_jalali_alt
        table_years = re.search(r"\(([\d۰-۹–-]+)\)\s*$", era.table_label_fa or "")
        if lang == "fa":
            text = f"{era_name(era, 'fa')}؛ بخش {era.id} سال‌های {era.start_jalali}–{era.end_jalali} را می‌دهد"
            if alt:
                text += f"، اما برچسب جدول ۲ سال‌های {era.start_jalali}–{alt} را، و نتیجه‌گیری از «مدت پنج سال» سخن می‌گوید"
            elif table_years:
                text += f"؛ جدول ۲ پیوندهای این دوره را با سال‌های {table_years[1]} آورده است"
            text += f". شمار پیوندهای تهران در این دوره: {era.ties}."
        else:
            text = f"{era_name(era, 'en')[0].upper()}{era_name(era, 'en')[1:]}: section {era.id} gives " \
                   f"{era.start_jalali}–{era.end_jalali} SH"
            if alt:
                text += (f", but the Table 2 label gives {era.start_jalali}–{alt} and the conclusion speaks of "
                         f"“five years”")
            elif table_years:
                text += f"; Table 2 groups its ties under {fold(table_years[1]).replace('-', '–')}"
            text += f". Tehran's ties in this era: {era.ties}."
        citations = [section_citation(self.corpus, era.id)]
        rows = [a for a in self.corpus.agreements if a.era_id == era.id]
        citations += [table_citation(self.corpus, a.row) for a in rows[:1]]
        if alt:
            citations.append(section_citation(self.corpus, "5"))
        answer = Answer(question, lang, _digits(text, lang), False, citations, kind="era")
        answer.kind = "ambiguous" if alt else "era"
        return answer

    def no_details_for_row(self, question: str, lang: str, query: TableQuery) -> "Answer":
        from app.assistant import Answer

        agreements = [self.corpus.agreement_by_row[r] for r in query.named_rows]
        text = {"en": f"{NOT_IN_PAPER['en']}: it gives no purpose, content or projects for this tie; Table 2 only "
                      f"records it: {_join_rows(self.corpus, agreements, 'en')}.",
                "fa": f"{NOT_IN_PAPER['fa']}: هدف، مفاد یا پروژه‌ای برای این پیوند ذکر نشده است؛ جدول ۲ فقط این را "
                      f"آورده است: {_join_rows(self.corpus, agreements, 'fa')}."}[lang]
        return Answer(question, lang, _digits(text, lang), True, self._row_citations(agreements), kind="abstain")

    # -------------------------------------------------------------- passages


def replace_continent(query: TableQuery) -> TableQuery:
    return replace(query, continents=())


def _join_cities(agreements: list[Agreement], lang: str) -> str:
    if lang == "fa":
        return "، ".join(a.city_fa for a in agreements)
    return ", ".join(a.city_en for a in agreements)


def _concept_fa(corpus: Corpus, concept_en: str) -> str:
    for era in corpus.eras:
        for c in era.concepts:
            if c.en[0] == concept_en:
                return c.fa[0]
    return concept_en
