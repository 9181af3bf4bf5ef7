"""Table 2 rows as compact HTML: one row as a card, a few as a small table, all 26 with anchors; and a
scroll to an anchor after the page renders. Every cell is escaped; Persian pages get Persian digits."""
from __future__ import annotations

import html
import json

import pandas as pd
import streamlit.components.v1 as components

from app.charts import agreements_frame
from app.corpus import Corpus
from app.normalize import to_persian_digits

COLUMNS = ("row", "city", "country", "date_sh", "date_ce", "document", "era")


def row_ranges(rows: list[int]) -> str:
    """1, 2, 3, 5, 7, 8 → "1–3, 5, 7–8" (the shorter way to name many rows)."""
    runs: list[list[int]] = []
    for row in sorted(set(rows)):
        if runs and row == runs[-1][-1] + 1:
            runs[-1].append(row)
        else:
            runs.append([row])
    return ", ".join(str(run[0]) if len(run) == 1 else f"{run[0]}–{run[-1]}" for run in runs)


def _cell(value: object, lang: str) -> str:
    text = html.escape(str(value))
    return to_persian_digits(text) if lang == "fa" else text


def _frame(corpus: Corpus, rows: list[int] | None, lang: str) -> pd.DataFrame:
    chosen = None if rows is None else [corpus.agreement_by_row[r] for r in sorted(set(rows))]
    return agreements_frame(corpus, chosen, lang)


def row_card(corpus: Corpus, row: int, headers: dict[str, str], lang: str) -> str:
    """One tie as a card: city and country as its title, then date in both calendars, document and era."""
    record = _frame(corpus, [row], lang).iloc[0]
    title = f"{_cell(record['city'], lang)}{'، ' if lang == 'fa' else ' · '}{_cell(record['country'], lang)}"
    fields = "".join(f"<dt>{html.escape(headers[c])}</dt><dd>{_cell(record[c], lang)}</dd>"
                     for c in ("date_sh", "date_ce", "document", "era", "row"))
    direction = "rtl" if lang == "fa" else "ltr"
    return f'<div class="row-card" dir="{direction}"><div class="row-title">{title}</div><dl>{fields}</dl></div>'


def rows_table(corpus: Corpus, rows: list[int] | None, headers: dict[str, str], lang: str,
               focus: set[int] | frozenset[int] = frozenset(), anchors: bool = False) -> str:
    """Some rows (or all, `rows=None`) as an HTML table with translated headers; `focus` rows highlighted."""
    frame = _frame(corpus, rows, lang)
    head = "".join(f"<th>{html.escape(headers[c])}</th>" for c in COLUMNS)
    body = []
    for record in frame.to_dict("records"):
        marks = ' class="focus"' if record["row"] in focus else ""
        anchor = f' id="row-{record["row"]}"' if anchors else ""
        body.append(f"<tr{marks}{anchor}>" + "".join(f"<td>{_cell(record[c], lang)}</td>" for c in COLUMNS) + "</tr>")
    direction = "rtl" if lang == "fa" else "ltr"
    return (f'<div class="rows-wrap" dir="{direction}"><table class="rows"><thead><tr>{head}</tr></thead>'
            f'<tbody>{"".join(body)}</tbody></table></div>')


def scroll_to(anchor: str) -> None:
    """Scroll the page so that the element `anchor` is in view (run once the page has rendered)."""
    script = f"""<script>
    const find = () => window.parent.document.getElementById({json.dumps(anchor)});
    let tries = 0;
    const timer = setInterval(() => {{
      const target = find();
      if (target || ++tries > 40) {{ clearInterval(timer); }}
      if (target) {{ target.scrollIntoView({{block: "center"}}); }}
    }}, 100);
    </script>"""
    components.html(script, height=0)
