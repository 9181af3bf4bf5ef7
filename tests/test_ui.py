"""The Streamlit app starts and shows the paper and Table 2 (streamlit.testing AppTest)."""
from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

UI = str(Path(__file__).resolve().parent.parent / "app" / "ui.py")


def test_app_shows_paper_and_table():
    at = AppTest.from_file(UI, default_timeout=60).run()
    assert not at.exception
    assert "دیپلماسی شهری" in at.title[0].value
    at.selectbox[0].select("3-2").run()
    assert any("Mach & Cizo" in m.value for m in at.markdown) or any("Mach &amp; Cizo" in str(h.proto) for h in at.get("html"))
    assert len(at.dataframe) == 1
