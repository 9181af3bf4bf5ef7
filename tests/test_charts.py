"""app/charts.py: map labels placed apart, Persian axis digits."""
import pandas as pd
import pytest

from app.charts import LABEL_SCALE, _label_box, _overlap, axis, equal_earth, place_labels


def test_equal_earth_is_symmetric_and_about_5_4_units_wide():
    assert equal_earth(0, 0) == (0, 0)
    assert equal_earth(180, 0)[0] == pytest.approx(2.7066, abs=1e-3) and equal_earth(-180, 0)[0] < 0
    assert equal_earth(30, 60)[1] > equal_earth(30, 50)[1] > 0


@pytest.mark.parametrize("era", ["4-1-3", "4-1-4", "4-1-5", "4-1-6"])
def test_labels_of_one_era_do_not_overlap(corpus, era):
    from app.corpus import load_cities

    where = {c.row: c for c in load_cities()}
    rows = [a for a in corpus.agreements if a.era_id == era]
    frame = pd.DataFrame({"city": [a.city_fa for a in rows], "lon": [where[a.row].lon for a in rows],
                          "lat": [where[a.row].lat for a in rows]})
    places = place_labels(frame, LABEL_SCALE)
    boxes = []
    for (city, lon, lat), place in zip(frame.itertuples(index=False), places):
        x, y = equal_earth(lon, lat)
        boxes.append(_label_box(x * LABEL_SCALE, -y * LABEL_SCALE, city, place))
    area = sum((b[2] - b[0]) * (b[3] - b[1]) for b in boxes)
    worst = max(_overlap(box, boxes[:i] + boxes[i + 1:]) / ((box[2] - box[0]) * (box[3] - box[1]))
                for i, box in enumerate(boxes))
    # (labels all above their dots, as before, cover 28–113 % of a neighbour's label in three of the four eras)
    assert worst <= 0.05 and sum(_overlap(b, boxes[i + 1:]) for i, b in enumerate(boxes)) <= 0.01 * area, \
        list(zip(frame.city, places))


def test_persian_axes_write_persian_digits():
    expression = axis("fa").to_dict()["labelExpr"]
    assert all(f"/{d}/g" in expression for d in range(10)) and "۷" in expression
    assert "labelExpr" not in axis("en").to_dict()
