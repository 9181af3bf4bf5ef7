"""AnswerDraft → Answer in the question's language, from the templates in corpus/templates.json.

The answer's text is its lead sentence, its items and the paper's caveats, in that order; the same items
and caveats also go out as structured fields, so the UI never has to read the text back.
"""
from __future__ import annotations

import string

from app.corpus import (CONTINENT_NAMES_FA, CORPUS_DIR, GREGORIAN_MONTHS_EN, GREGORIAN_MONTHS_FA,
                        JALALI_MONTHS_EN, JALALI_MONTHS_FA, Agreement, Corpus, CorpusError)
from app.corpus import read_json
from app.normalize import persian_digits_outside_citations
from app.types import Answer, AnswerDraft, Citation, Filters, Item, Query

SENTENCE_ENDS = (".", "!", "?", "؟", "…")
CLOSING = "»\"”’)]"  # may follow a sentence's full stop



class Renderer:
    def __init__(self, corpus: Corpus, directory=CORPUS_DIR) -> None:
        self.corpus = corpus
        path = directory / "templates.json"
        self.templates = {k: v for k, v in read_json(path).items() if not k.startswith("_")}
        for key, value in self.templates.items():
            if not isinstance(value, dict) or set(value) != {"fa", "en"}:
                raise CorpusError(f"{path}: template {key!r} needs exactly fa and en")
        self.notes = {n["id"]: n for n in read_json(directory / "notes.json")["notes"]}
        self.place_names = {term.en: {"fa": term.fa, "en": term.en} for term in corpus.glossary
                            if term.kind in ("city", "country", "continent")}

    def t(self, name: str, lang: str, **values) -> str:
        """Template `name` in `lang`, filled with `values`."""
        template = self.templates[name][lang]
        wanted = {field for _, field, _, _ in string.Formatter().parse(template) if field}
        missing = wanted - set(values)
        if missing:
            raise KeyError(f"template {name!r} needs {sorted(missing)}")
        return template.format(**{k: values[k] for k in wanted})

    def render(self, draft: AnswerDraft, question: str, lang: str, query: Query | None = None) -> Answer:
        items = [self.item(i, lang) for i in draft.items]
        values = self.values(draft, lang, items)
        lead = self.t(draft.template, lang, **values)
        notes = [self.notes[n][lang] for n in draft.notes]
        sentences = bool(draft.items) and all(i.kind == "sentence" for i in draft.items)
        body = "" if "{text}" in self.templates[draft.template][lang] else self.join(items, lang, sentences)
        if lang == "en":  # a template or the items may open with a value ("the reform era …")
            lead = _capitalized(lead)
            body = _capitalized(body) if lead.endswith(".") else body
        text = " ".join(part for part in (lead, body, *notes) if part)
        citations = [self.citation(c) for c in draft.citations]
        citations += [self.citation(Citation("passage", self.corpus.paragraph_by_id[p].section, p,
                                             ((0, len(self.corpus.paragraph_by_id[p].fa)),),
                                             ((0, len(self.corpus.paragraph_by_id[p].en)),)))
                      for n in draft.notes for p in self.notes[n].get("cite", [])]
        citations = list({(c["kind"], c.get("paragraph"), c.get("row"), c["section"]): c for c in citations}.values())
        structured = [{**_item_fields(i), "text": self.digits(text_, lang)} for i, text_ in zip(draft.items, items)]
        return Answer(question=question, lang=lang, answer=self.digits(text, lang), abstained=draft.abstained,
                      citations=citations, kind=draft.kind, items=structured, query=query, rows=draft.rows,
                      confidence=draft.confidence, lead=self.digits(lead, lang),
                      notes=[self.digits(n, lang) for n in notes])

    def join(self, items: list[str], lang: str, sentences: bool = False) -> str:
        """Items as one text: the paper's own `sentences` read on one after another, each ended; rows and groups
        as a list."""
        if not items:
            return ""
        if sentences:
            return " ".join(item if _ends_sentence(item) else f"{item.rstrip(' ؛;،,:')}." for item in items)
        separator = "؛ " if lang == "fa" else "; "
        return separator.join(items) + "."

    def place_name(self, name: str, lang: str) -> str:
        """A place as the glossary writes it in the answer's language; a name it lacks, as the user typed it."""
        if name in self.place_names:
            return self.place_names[name][lang]
        return name.title() if name.isascii() else name

    def values(self, draft: AnswerDraft, lang: str, items: list[str]) -> dict:
        """Template values in `lang`: rows, eras, scopes and groups become words."""
        v = draft.values
        out: dict = {"text": " ".join(items), "n": v.get("n", len(draft.items)), "ties": "tie" if v.get("n") == 1
                     else "ties"}
        if "scope" in v:
            out["scope"] = self.scope(v["scope"], v.get("eras", ()), lang)
        if "row" in v:
            a = self.corpus.agreement_by_row[v["row"]]
            out.update(row=self.row(a, lang), date=self.date(a, lang), era=self.era_name(a.era_id, lang),
                       doc_type=a.doc_type_fa if lang == "fa" else a.doc_type_en, city=self.city(a, lang),
                       country=a.country_fa if lang == "fa" else a.country_en,
                       continent=self.continent(a.continent, lang))
        elif "era" in v:
            era = self.corpus.era_by_id[v["era"]]
            out.update(era=self.era_name(era.id, lang), years=era.years_text(lang), section=era.id,
                       title=era.title_fa if lang == "fa" else era.title_en,
                       head=(era.head_fa if lang == "fa" else era.head_en) or "",
                       concepts=self.list_words([c.fa[0] if lang == "fa" else c.en[0] for c in era.concepts], lang))
        if "by" in v:
            by = v["by"]
            out["by"] = self.t(f"by.{by}", lang)
            for key in ("first", "second"):
                if key in v:
                    out[key] = self.group_name(by, v[key], lang)
            for key in ("keys", "none"):
                if key in v:
                    out[key] = self.list_words([self.group_name(by, k, lang) for k in v[key]], lang)
        if "concept" in v:
            out["concept"] = self.concept(v["concept"], lang)
        if "names" in v:
            out["names"] = self.list_words([self.place_name(n, lang) for n in v["names"]], lang)
        if "kind" in v:
            out["kind"] = self.t(f"kind.{v['kind']}", lang)
        if v.get("section") and "section" not in out:
            section = self.corpus.section_by_id[v["section"]]
            out.update(section=section.id, title=section.title_fa if lang == "fa" else section.title_en)
        if "where" in v:
            where = v["where"]
            out["where"] = ("جدول ۱" if lang == "fa" else "Table 1") if where == "table1" else \
                (f"بخش {where}" if lang == "fa" else f"Section {where}")
        for key in ("total", "count", "percent", "first_n", "second_n", "difference", "jalali", "gregorian"):
            if key in v:
                out[key] = v[key]
        return out

    # ---------------------------------------------------------------- items

    def item(self, item: Item, lang: str) -> str:
        if item.kind == "row":
            return self.row(self.corpus.agreement_by_row[item.row], lang)
        if item.kind == "sentence":
            return self.corpus.sentence_by_id[item.sentence].text(lang)
        if item.kind == "era":
            era = self.corpus.era_by_id[item.era]
            return self.t("era.item", lang, era=self.era_name(era.id, lang), years=era.years_text(lang), section=era.id)
        if item.kind == "section":
            section = self.corpus.section_by_id[item.key]
            return self.t("meta.section_item", lang, section=section.id,
                          title=section.title_fa if lang == "fa" else section.title_en)
        if item.kind == "group":
            by = self._group_by(item)
            key = self.group_name(by, item.key, lang)
            if item.rows and len(item.rows) <= 12:
                cities = self.list_words([self.city(self.corpus.agreement_by_row[r], lang) for r in item.rows], lang)
                return self.t("group_item_cities", lang, key=key, count=item.count, cities=cities)
            return self.t("group_item", lang, key=key, count=item.count)
        return item.text

    def _group_by(self, item: Item) -> str:
        key = item.key or ""
        if key.startswith("4-1-"):
            return "era"
        if key in CONTINENT_NAMES_FA:
            return "continent"
        if key in ("sister", "cooperation"):
            return "sister_city"
        if key.isdigit():
            return "year"
        if key in ("mou", "pact", "treaty", "contract", "agreement"):
            return "doc_type"
        return "country"

    # ---------------------------------------------------------------- words

    def row(self, a: Agreement, lang: str) -> str:
        return self.t("row", lang, city=self.city(a, lang), country=a.country_fa if lang == "fa" else a.country_en,
                      doc_type=a.doc_type_fa if lang == "fa" else a.doc_type_en, date=self.date(a, lang),
                      era=self.era_name(a.era_id, lang), row=a.row)

    def city(self, a: Agreement, lang: str) -> str:
        return a.city_fa if lang == "fa" else a.city_en

    def date(self, a: Agreement, lang: str) -> str:
        gregorian = a.gregorian_text(lang)
        if a.day is None:
            month = JALALI_MONTHS_FA[a.month - 1] if lang == "fa" else JALALI_MONTHS_EN[a.month - 1]
            return self.t("date_month_only", lang, printed=a.date_as_printed, month=month, year=a.year,
                          gregorian=gregorian)
        return self.t("date_jalali", lang, printed=a.date_as_printed, gregorian=gregorian)

    def era_name(self, era_id: str, lang: str) -> str:
        era = self.corpus.era_by_id[era_id]
        short = era.short_fa[0] if lang == "fa" else era.short_en[0]
        head = era.head_fa if lang == "fa" else era.head_en
        if head:
            return self.t("era_name", lang, short=short, head=head)
        return self.t("era_name_headless", lang, short=short)

    def continent(self, name: str, lang: str) -> str:
        return CONTINENT_NAMES_FA.get(name, name) if lang == "fa" else name

    def concept(self, concept: str, lang: str) -> str:
        for era in self.corpus.eras:
            for c in era.concepts:
                if c.en[0] == concept:
                    return c.fa[0] if lang == "fa" else c.en[0]
        return concept

    def group_name(self, by: str, key: str, lang: str) -> str:
        if by == "era" and key in self.corpus.era_by_id:
            return self.era_name(key, lang)
        if by == "continent":
            return self.continent(key, lang)
        if by == "country":
            a = next((a for a in self.corpus.agreements if a.country_en == key), None)
            return (a.country_fa if lang == "fa" else key) if a else key
        if by == "doc_type":
            return self.t(f"family.{key}", lang) if f"family.{key}" in self.templates else key
        if by == "sister_city":
            return self.t(f"kind.{key}", lang)
        return key

    def list_words(self, words: list[str], lang: str) -> str:
        """"A, B and C" / «الف، ب و ج»."""
        if len(words) < 2:
            return "".join(words)
        return self.t("list_sep", lang).join(words[:-1]) + self.t("and", lang) + words[-1]

    def scope(self, f: Filters, eras: tuple[str, ...], lang: str) -> str:
        parts = []
        if eras:
            parts.append(self.t("scope.era", lang, era=" / ".join(self.era_name(e, lang) for e in eras)))
        if f.city:
            names = [self.city(a, lang) for a in self.corpus.agreements if a.city_en in f.city] or list(f.city)
            parts.append(self.t("scope.city", lang, city=self.list_words(names, lang)))
        elif f.country:
            names = list(dict.fromkeys(a.country_fa if lang == "fa" else a.country_en for a in self.corpus.agreements
                                       if a.country_en in f.country)) or list(f.country)
            parts.append(self.t("scope.country", lang, country=self.list_words(names, lang)))
        if f.continent:
            parts.append(self.t("scope.continent", lang,
                                continent=self.t("and", lang).join(self.continent(c, lang) for c in f.continent)))
        if f.doc_family:
            parts.append(self.t("scope.doc_family", lang,
                                family=" / ".join(self.t(f"family.{d}", lang) for d in f.doc_family)))
        if f.sister_city is not None:
            parts.append(self.t("scope.sister_yes" if f.sister_city else "scope.sister_no", lang))
        parts += self._year_scope(f, lang)
        if f.month is not None:
            months = (JALALI_MONTHS_FA if lang == "fa" else JALALI_MONTHS_EN) if f.calendar == "jalali" else \
                (GREGORIAN_MONTHS_FA if lang == "fa" else GREGORIAN_MONTHS_EN)
            parts.append(self.t("scope.month", lang, month=months[f.month - 1]))
        return " ".join(parts) if parts else self.t("scope.all", lang)

    def _year_scope(self, f: Filters, lang: str) -> list[str]:
        if f.year_from is None and f.year_to is None:
            return []
        key = "year_gregorian" if f.calendar == "gregorian" else "year_jalali"
        start = self.t(key, lang, year=f.year_from) if f.year_from is not None else ""
        end = self.t(key, lang, year=f.year_to) if f.year_to is not None else ""
        if f.year_from == f.year_to:
            return [self.t("scope.year_in", lang, year=start)]
        if start and end:
            return [self.t("scope.year_range", lang, start=start, end=end)]
        return [self.t("scope.year_from", lang, start=start) if start else self.t("scope.year_to", lang, end=end)]

    # ---------------------------------------------------------------- citations and digits

    def citation(self, c: Citation) -> dict:
        """The citation as the CLI and UI show it (plain dict; the paragraph in both languages)."""
        if c.kind == "table":
            a = self.corpus.agreement_by_row[c.row]
            era = self.corpus.era_by_id[a.era_id]
            paragraph = self.corpus.paragraph_by_id[f"table2.{c.row}"]
            return {"kind": "table", "row": c.row, "section": "4-2", "paragraph": paragraph.id,
                    "date_jalali": a.date_jalali, "date_gregorian": a.date_gregorian,
                    "date_as_printed": a.date_as_printed, "doc_type_fa": a.doc_type_fa, "doc_type_en": a.doc_type_en,
                    "city_fa": a.city_fa, "city_en": a.city_en, "country_fa": a.country_fa,
                    "country_en": a.country_en, "continent": a.continent, "era": a.era_id,
                    "era_en": era.short_en[0], "era_fa": era.short_fa[0], "text": paragraph.fa,
                    "text_en": paragraph.en, "score": None}
        if c.kind == "section":
            section = self.corpus.section_by_id[c.section]
            return {"kind": "section", "section": c.section, "paragraph": None, "text": section.title_fa,
                    "text_en": section.title_en, "score": None}
        paragraph = self.corpus.paragraph_by_id[c.paragraph]
        return {"kind": "passage", "section": paragraph.section, "paragraph": paragraph.id, "text": paragraph.fa,
                "text_en": paragraph.en, "highlight": {"fa": [list(s) for s in c.highlight_fa],
                                                       "en": [list(s) for s in c.highlight_en]},
                "score": c.score}

    @staticmethod
    def digits(text: str, lang: str) -> str:
        """Persian digits in Persian text, except inside Latin citations such as (KavyaniRad, 2016: 176)."""
        return persian_digits_outside_citations(text) if lang == "fa" else text


def _item_fields(item: Item) -> dict:
    fields = {"kind": item.kind}
    for name in ("row", "sentence", "era", "key", "count"):
        value = getattr(item, name)
        if value is not None:
            fields[name] = value
    if item.rows:
        fields["rows"] = list(item.rows)
    return fields


def _capitalized(text: str) -> str:
    """English text with its first letter in upper case."""
    return text[:1].upper() + text[1:]


def _ends_sentence(text: str) -> bool:
    return text.rstrip().rstrip(CLOSING).endswith(SENTENCE_ENDS)
