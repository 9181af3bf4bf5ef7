"""Charts for the app, drawn offline with Altair: the paper's maps redrawn, the timeline, counts.

The world outline is Natural Earth 1:110m (public domain), shipped in app/assets/ (see
scripts/make_world_geometry.py); city coordinates are data in corpus/cities.csv. No tile server,
no download.
"""
from __future__ import annotations

import json
import math
from functools import lru_cache
from pathlib import Path

import altair as alt
import pandas as pd

from app.corpus import CONTINENT_NAMES_FA, Agreement, CityPoint, Corpus, Era
from app.normalize import to_persian_digits

WORLD = Path(__file__).resolve().parent / "assets" / "world_110m.geojson"
ERA_COLOURS = {"4-1-3": "#1b9e77", "4-1-4": "#d95f02", "4-1-5": "#7570b3", "4-1-6": "#e7298a"}


# A Vega expression that writes an axis label's digits in Persian (Vega has no numeral-system option).
PERSIAN_LABEL = "datum.label"
for _digit in range(10):
    PERSIAN_LABEL = f"replace({PERSIAN_LABEL}, /{_digit}/g, '{to_persian_digits(str(_digit))}')"


def axis(lang: str, **options) -> alt.Axis:
    """An axis whose labels use the interface's digits."""
    return alt.Axis(labelExpr=PERSIAN_LABEL, **options) if lang == "fa" else alt.Axis(**options)


@lru_cache(maxsize=1)
def world_features() -> list[dict]:
    features = json.loads(WORLD.read_text(encoding="utf-8"))["features"]
    return [f for f in features if f["properties"]["name"] != "Antarctica"]  # no ties there; saves space


def era_label(era: Era, lang: str) -> str:
    if lang == "fa":
        return f"{era.short_fa[0]} ({era.head_fa})" if era.head_fa else era.short_fa[0]
    return f"{era.short_en[0].capitalize()} ({era.head_en})" if era.head_en else era.short_en[0].capitalize()


def agreements_frame(corpus: Corpus, agreements: list[Agreement] | None = None, lang: str = "en") -> pd.DataFrame:
    """Table 2 as a DataFrame with both calendars, labelled for `lang` (text in Persian digits for "fa")."""
    shown = to_persian_digits if lang == "fa" else str
    rows = []
    for a in agreements if agreements is not None else corpus.agreements:
        era = corpus.era_by_id[a.era_id]
        rows.append({
            "row": a.row, "row_label": shown(str(a.row)), "date_sh": shown(a.date_as_printed), "year_sh": a.year,
            "date_ce": shown(a.gregorian_text(lang)),
            "start": pd.Timestamp(a.gregorian_start), "city": a.city_fa if lang == "fa" else a.city_en,
            "country": a.country_fa if lang == "fa" else a.country_en,
            "continent": CONTINENT_NAMES_FA[a.continent] if lang == "fa" else a.continent,
            "document": a.doc_type_fa if lang == "fa" else a.doc_type_en, "family": a.doc_family,
            "era": era_label(era, lang), "era_id": a.era_id,
        })
    return pd.DataFrame(rows)


# Where a city's name may sit around its dot (Vega text-mark options), tried in this order.
LABEL_PLACES = {"above": {"dy": -9}, "below": {"dy": 12}, "right": {"dx": 6, "align": "left"},
                "left": {"dx": -6, "align": "right"}, "upper_right": {"dx": 4, "dy": -8, "align": "left"},
                "upper_left": {"dx": -4, "dy": -8, "align": "right"}, "lower_right": {"dx": 4, "dy": 11, "align": "left"},
                "lower_left": {"dx": -4, "dy": 11, "align": "right"}}
# Pixels per projected unit of the smallest map the page draws (the map stretches to its column, ~600 px
# for the world's 5.41 Equal Earth units on a laptop): labels apart at this scale stay apart when larger.
LABEL_SCALE = 600 / 5.41
Box = tuple[float, float, float, float]


def equal_earth(lon: float, lat: float) -> tuple[float, float]:
    """The Equal Earth projection (Šavrič, Patterson & Jenny 2018) in its own units; y grows northwards."""
    a1, a2, a3, a4 = 1.340264, -0.081106, 0.000893, 0.003796
    theta = math.asin(math.sqrt(3) / 2 * math.sin(math.radians(lat)))
    t2, t6 = theta ** 2, theta ** 6
    x = 2 * math.sqrt(3) * math.radians(lon) * math.cos(theta) / (3 * (a1 + 3 * a2 * t2 + t6 * (7 * a3 + 9 * a4 * t2)))
    return x, theta * (a1 + a2 * t2 + t6 * (a3 + a4 * t2))


def _label_box(x: float, y: float, text: str, place: str) -> Box:
    """The label's rough box in pixels, with a margin (10 px font: ~6 px a letter, 12 px a line)."""
    width, mark = 6 * len(text) + 4, LABEL_PLACES[place]
    dx, dy, align = mark.get("dx", 0), mark.get("dy", 0), mark.get("align", "center")
    left = {"center": x + dx - width / 2, "left": x + dx, "right": x + dx - width}[align]
    top = y + dy - 9
    return left, top, left + width, top + 12


def _overlap(a: Box, others: list[Box]) -> float:
    return sum(max(0, min(a[2], b[2]) - max(a[0], b[0])) * max(0, min(a[3], b[3]) - max(a[1], b[1])) for b in others)


def place_labels(frame: pd.DataFrame, scale: float, home: tuple[float, float] | None = None) -> list[str]:
    """A place for each city's label (LABEL_PLACES) so that labels overlap each other and the dots as little as
    possible: greedy, west to east, each label taking the first place that overlaps nothing placed before it."""
    points = [equal_earth(lon, lat) for lon, lat in zip(frame["lon"], frame["lat"])]
    points = [(x * scale, -y * scale) for x, y in points]
    dots = [(x - 4, y - 4, x + 4, y + 4) for x, y in points]
    if home:
        hx, hy = equal_earth(*home)
        dots.append((hx * scale - 6, -hy * scale - 6, hx * scale + 6, -hy * scale + 6))
    placed: list[Box] = []
    places = ["above"] * len(frame)
    for i in sorted(range(len(frame)), key=lambda i: points[i][0]):
        boxes = {place: _label_box(*points[i], str(frame["city"].iloc[i]), place) for place in LABEL_PLACES}
        places[i] = min(LABEL_PLACES, key=lambda place: _overlap(boxes[place], placed + dots))
        placed.append(boxes[places[i]])
    return places


def tie_tooltip(lang: str) -> list[alt.Tooltip]:
    """What hovering over a tie shows, with translated titles."""
    titles = {"city": ("شهر", "City"), "country": ("کشور", "Country"), "date_sh": ("تاریخ (شمسی)", "Date (SH)"),
              "date_ce": ("تاریخ (میلادی)", "Date (CE)"), "document": ("نوع سند", "Document"),
              "row_label": ("ردیف", "Row")}
    return [alt.Tooltip(f"{field}:N", title=fa if lang == "fa" else en) for field, (fa, en) in titles.items()]


def world_map(corpus: Corpus, cities: list[CityPoint], era_ids: list[str], lang: str = "en",
              width: int = 900, height: int = 470) -> alt.LayerChart:
    """Tehran and its partner cities of the chosen eras, coloured by era, with links from Tehran."""
    by_row = {c.row: c for c in cities}
    tehran = by_row[None]
    frame = agreements_frame(corpus, [a for a in corpus.agreements if a.era_id in era_ids], lang)
    frame["lat"] = [by_row[r].lat for r in frame["row"]]
    frame["lon"] = [by_row[r].lon for r in frame["row"]]
    frame["tehran_lat"], frame["tehran_lon"] = tehran.lat, tehran.lon
    eras = [corpus.era_by_id[e] for e in ERA_COLOURS]
    colour = alt.Color("era:N", title="دوره" if lang == "fa" else "Era",
                       scale=alt.Scale(domain=[era_label(e, lang) for e in eras], range=list(ERA_COLOURS.values())),
                       legend=alt.Legend(orient="bottom", columns=2, labelLimit=320))
    land = alt.Chart(alt.Data(values=world_features())).mark_geoshape(
        fill="#eceff3", stroke="#b8c0cc", strokeWidth=0.4).project(type="equalEarth")
    tooltip = tie_tooltip(lang)
    links = alt.Chart(frame).mark_rule(opacity=0.45, strokeWidth=1).encode(
        longitude="tehran_lon:Q", latitude="tehran_lat:Q", longitude2="lon:Q", latitude2="lat:Q", color=colour)
    points = alt.Chart(frame).mark_circle(size=70, opacity=0.95, stroke="white", strokeWidth=0.8).encode(
        longitude="lon:Q", latitude="lat:Q", color=colour, tooltip=tooltip)
    frame["place"] = place_labels(frame, LABEL_SCALE, (tehran.lon, tehran.lat))
    labels = [alt.Chart(frame[frame.place == name]).mark_text(fontSize=10, color="#333", **mark).encode(
        longitude="lon:Q", latitude="lat:Q", text="city:N") for name, mark in LABEL_PLACES.items()]
    home = alt.Chart(pd.DataFrame([{"lat": tehran.lat, "lon": tehran.lon,
                                    "city": tehran.city_fa if lang == "fa" else tehran.city_en}])).mark_point(
        shape="diamond", size=160, filled=True, color="#111").encode(longitude="lon:Q", latitude="lat:Q",
                                                                       tooltip=["city:N"])
    layers = [land, links, points, *labels, home] if len(era_ids) == 1 else [land, links, points, home]
    return alt.layer(*layers).project(type="equalEarth").properties(
        width=width, height=height)


def timeline(corpus: Corpus, lang: str = "en", width: int = 760) -> alt.LayerChart:
    """The 26 ties by date (CE axis, SH in tooltips) against the presidential eras."""
    frame = agreements_frame(corpus, lang=lang)
    bands = pd.DataFrame([{"era": era_label(e, lang), "from": pd.Timestamp(f"{e.start_gregorian}-08-01"),
                           "to": pd.Timestamp(f"{(e.end_jalali_alt and e.end_gregorian + 1) or e.end_gregorian}-08-01"),
                           "ties": e.ties}
                          for e in corpus.eras if e.id in ERA_COLOURS])
    scale = alt.Scale(domain=list(bands["era"]), range=list(ERA_COLOURS.values()))
    band = alt.Chart(bands).mark_rect(opacity=0.15).encode(
        x=alt.X("from:T", title="سال میلادی" if lang == "fa" else "Year (CE)", axis=axis(lang)), x2="to:T",
        color=alt.Color("era:N", scale=scale, title="دوره" if lang == "fa" else "Era",
                        legend=alt.Legend(orient="bottom", columns=2, labelLimit=320)))
    points = alt.Chart(frame).mark_circle(size=90).encode(
        x="start:T", y=alt.Y("continent:N", title="قاره" if lang == "fa" else "Continent"),
        color=alt.Color("era:N", scale=scale),
        tooltip=tie_tooltip(lang))
    return alt.layer(band, points).properties(width=width, height=260)


def counts_chart(frame: pd.DataFrame, field: str, lang: str, title: str) -> alt.Chart:
    """A bar chart of how many rows of `frame` fall in each value of `field`."""
    counts = frame.groupby(field).size().reset_index(name="ties").sort_values("ties", ascending=False)
    counts["label"] = [to_persian_digits(str(n)) if lang == "fa" else str(n) for n in counts["ties"]]
    y = alt.Y(f"{field}:N", sort=list(counts[field]), title=None, axis=alt.Axis(labelLimit=220))
    ties = "پیوندها" if lang == "fa" else "Ties"
    x = alt.X("ties:Q", title=ties, axis=axis(lang, tickMinStep=1),
              scale=alt.Scale(domainMin=0, nice=True))
    height = max(150, 44 * len(counts))
    bars = alt.Chart(counts).mark_bar(color="#4c78a8").encode(x=x, y=y, tooltip=[alt.Tooltip(f"{field}:N", title=title), alt.Tooltip("label:N", title=ties)])
    text = alt.Chart(counts).mark_text(align="left", dx=4).encode(x=x, y=y, text="label:N")
    return alt.layer(bars, text, height=height).properties(title=title)
