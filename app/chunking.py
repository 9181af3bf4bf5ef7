"""Turn the corpus into indexable chunks.

- Paragraphs: one chunk per paragraph; a long paragraph becomes overlapping windows of hazm
  sentences. Each chunk keeps the character spans of its sentences inside the Persian and the
  English paragraph, so a citation can highlight exactly what was retrieved.
- Table 2 rows and the six eras: one record each, written out in both languages (dates in both
  calendars, names with their glossary variants) so "Tehran Havana" or «پیمان هاوانا» finds row 6.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass, field

from app.corpus import CONTINENT_NAMES_FA, Agreement, Corpus, Era, Paragraph, section_evidence
from app.normalize import ends_with_abbreviation, ends_with_elision, sentences

WINDOW = 3  # sentences per chunk in long paragraphs
STRIDE = 2  # so consecutive windows share one sentence


@dataclass(frozen=True)
class Chunk:
    id: str
    kind: str  # passage | table_row | era
    paragraph: str | None  # paragraph id for passages and table rows
    section: str
    fa: str
    en: str
    evidence: tuple[str, ...]
    row: int | None = None
    era: str | None = None
    # [start, end) character spans of the chunk's sentences inside the paragraph text
    fa_spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    en_spans: tuple[tuple[int, int], ...] = field(default_factory=tuple)
    extra: str = ""  # glossary variants etc.: indexed, never shown

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> "Chunk":
        data = dict(data)
        for key in ("evidence",):
            data[key] = tuple(data[key])
        for key in ("fa_spans", "en_spans"):
            data[key] = tuple(tuple(span) for span in data[key])
        return cls(**data)

    def index_text(self) -> str:
        """What BM25 and the embedder see: both languages (and variants) in one text."""
        return " \n".join(part for part in (self.fa, self.en, self.extra) if part)


def sentence_pieces(text: str) -> list[tuple[int, int, int]]:
    """Spans of the sentences of `text`, each with its number (1-based) among the sentences as split at
    abbreviations; a sentence that goes on past an elided list keeps the number of its first part, so the
    numbers of the sentences after it do not change."""
    joined: list[tuple[int, int]] = []
    cursor = 0
    for sentence in sentences(text):
        start = text.find(sentence, cursor)
        if start < 0:  # hazm re-spaced something: fall back to the remaining text
            start = cursor
        end = min(len(text), start + len(sentence))
        if joined and ends_with_abbreviation(text[joined[-1][0]:joined[-1][1]]):
            joined[-1] = (joined[-1][0], end)
        else:
            joined.append((start, end))
        cursor = end
    spans: list[tuple[int, int, int]] = []
    for number, (start, end) in enumerate(joined, 1):
        if spans and ends_with_elision(text[spans[-1][0]:spans[-1][1]]):
            spans[-1] = (spans[-1][0], end, spans[-1][2])
        else:
            spans.append((start, end, number))
    return spans or [(0, len(text), 1)]


def sentence_spans(text: str) -> list[tuple[int, int]]:
    """Character spans of the sentences inside `text`."""
    return [(start, end) for start, end, _ in sentence_pieces(text)]


def _windows(count: int) -> list[tuple[int, int]]:
    if count <= WINDOW + 1:
        return [(0, count)]
    out = []
    for start in range(0, count, STRIDE):
        end = min(count, start + WINDOW)
        out.append((start, end))
        if end == count:
            break
    return out


def paragraph_chunks(paragraph: Paragraph) -> list[Chunk]:
    """Chunks of one paragraph; English windows are aligned to Persian ones by sentence position."""
    fa_spans, en_spans = sentence_spans(paragraph.fa), sentence_spans(paragraph.en)
    windows = _windows(len(fa_spans))
    chunks = []
    for number, (start, end) in enumerate(windows):
        ratio = len(en_spans) / len(fa_spans)
        en_start = min(len(en_spans) - 1, int(start * ratio))
        en_end = max(en_start + 1, min(len(en_spans), round(end * ratio)))
        if end == len(fa_spans):
            en_end = len(en_spans)
        fa_part, en_part = fa_spans[start:end], en_spans[en_start:en_end]
        chunks.append(Chunk(
            id=paragraph.id if len(windows) == 1 else f"{paragraph.id}#{number + 1}",
            kind="passage", paragraph=paragraph.id, section=paragraph.section,
            fa=paragraph.fa[fa_part[0][0]:fa_part[-1][1]], en=paragraph.en[en_part[0][0]:en_part[-1][1]],
            evidence=tuple(paragraph.evidence_ids), fa_spans=tuple(fa_part), en_spans=tuple(en_part)))
    return chunks


def _variants(corpus: Corpus, *names: str) -> str:
    wanted = set(names)
    forms = []
    for term in corpus.glossary:
        if wanted & set(term.all_forms):
            forms.extend(term.all_forms)
    return " ".join(dict.fromkeys(forms))


def agreement_chunk(corpus: Corpus, agreement: Agreement) -> Chunk:
    era = corpus.era_by_id[agreement.era_id]
    a = agreement
    fa = (f"جدول ۲، ردیف {a.row}: {a.doc_type_fa} کلان‌شهر تهران با {a.city_fa} ({a.country_fa})، "
          f"تاریخ امضا {a.date_text('fa')}، دوره {era.short_fa[0]} ({era.head_fa})، قاره {CONTINENT_NAMES_FA[a.continent]}.")
    en = (f"Table 2, row {a.row}: {a.doc_type_en} between Tehran and {a.city_en} ({a.country_en}), "
          f"signed {a.date_text('en')}, {era.short_en[0]} era ({era.head_en}), {a.continent}.")
    return Chunk(id=f"table2.{a.row}", kind="table_row", paragraph=f"table2.{a.row}", section="4-2", fa=fa, en=en,
                 evidence=(f"table2:row{a.row}", "table2"), row=a.row, era=a.era_id,
                 extra=_variants(corpus, a.city_fa, a.city_en, a.country_fa, a.country_en))


def era_chunk(corpus: Corpus, era: Era) -> Chunk:
    concepts_fa = "، ".join(c.fa[0] for c in era.concepts)
    concepts_en = ", ".join(c.en[0] for c in era.concepts)
    head_fa = f"، {era.head_fa}" if era.head_fa else ""
    head_en = f", {era.head_en}" if era.head_en else ""
    fa = (f"بخش {era.id}: {era.title_fa} ({era.years_text('fa')}{head_fa}). مفاهیم کلیدی: {concepts_fa}. "
          f"شمار پیوندهای خواهرشهری تهران در این دوره: {era.ties}.")
    en = (f"Section {era.id}: {era.title_en} ({era.years_text('en')}{head_en}). Key concepts: {concepts_en}. "
          f"Tehran's sister-city ties in this era: {era.ties}.")
    extra = " ".join([*era.short_fa, *era.short_en, *era.head_names,
                      *(form for c in era.concepts for form in (*c.fa, *c.en))])
    section = corpus.section_by_id[era.id]
    return Chunk(id=f"era.{era.id}", kind="era", paragraph=None, section=era.id, fa=fa, en=en,
                 evidence=tuple(section_evidence(era.id)), era=era.id,
                 extra=f"{section.title_fa} {section.title_en} {extra}")


def build_chunks(corpus: Corpus) -> list[Chunk]:
    """All chunks of the corpus, in a stable order."""
    chunks: list[Chunk] = []
    for paragraph in corpus.paragraphs:
        if paragraph.kind == "table_row":
            continue  # Table 2 rows are indexed as structured records below
        chunks.extend(paragraph_chunks(paragraph))
    chunks.extend(agreement_chunk(corpus, a) for a in corpus.agreements)
    chunks.extend(era_chunk(corpus, e) for e in corpus.eras)
    return chunks
