"""The pages in a real browser: headless Chromium (Debian's ``chromium`` and
``chromium-driver``) driven through Selenium, on ``aiplus serve`` and on the site
``aiplus site`` writes, opened from disk (``file://``).

The walk is the same on both: the page of the Ascend 910B shows its label; its link to
DeepSeek R2 leads to that model's page, where the statement that it uses the chip is
marked *reported*; typing "Huawei" in the search box, then Down and Enter, reaches
Huawei's page. A screenshot of DeepSeek R2's page goes to ``tmp_path`` (the one in
``docs/img/browse.png`` was taken so). At a phone's width, no page is wider than the
screen.
"""

from __future__ import annotations

import contextlib
import shutil
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from aiplus_kg.knowledge_graph import KnowledgeGraph
from aiplus_kg.views.site import build_site, write_site
from tests.support import REPO

try:
    from selenium import webdriver
    from selenium.webdriver.chrome.options import Options
    from selenium.webdriver.chrome.service import Service
    from selenium.webdriver.common.by import By
    from selenium.webdriver.common.keys import Keys
    from selenium.webdriver.support.ui import WebDriverWait
except ImportError:  # pragma: no cover - the [test] extra installs it
    webdriver = None

CHROMIUM = shutil.which("chromium") or shutil.which("chromium-browser")
DRIVER = shutil.which("chromedriver")
MISSING = (
    "selenium is not installed (pip install -e '.[test]')"
    if webdriver is None
    else "needs Chromium and its driver (apt-get install chromium chromium-driver)"
    if CHROMIUM is None or DRIVER is None
    else None
)
if MISSING is not None:
    pytest.skip(MISSING, allow_module_level=True)

pytestmark = [pytest.mark.browser, pytest.mark.slow]

FLAGS = (
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
)
WAIT = 20
SERVE_OPTIONS = ("--port", "0", "--quiet", "--workers", "1")


def _default_sigint() -> None:
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@pytest.fixture(scope="module")
def places(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[str, Path]]:
    """The base URL of ``aiplus serve`` on the project, and the folder of its site
    (written while the server loads)."""
    server = subprocess.Popen(
        [*(sys.executable, "-m", "aiplus_kg", "--root", str(REPO), "serve"), *SERVE_OPTIONS],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
        text=True,
        preexec_fn=_default_sigint,
    )
    try:
        folder = tmp_path_factory.mktemp("browse") / "site"
        write_site(build_site(KnowledgeGraph.open(REPO), pictures=False), folder)
        assert server.stderr is not None
        line = server.stderr.readline()  # once the server is ready (or has failed)
        assert line.startswith("aiplus: serving http://127.0.0.1:"), line
        yield line.split()[2].removesuffix("/sparql"), folder
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(30)


@pytest.fixture(scope="module")
def browser(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Any]:
    options = Options()
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument(f"--user-data-dir={tmp_path_factory.mktemp('chromium-profile')}")
    options.add_argument("--window-size=1000,900")
    options.binary_location = str(CHROMIUM)
    driver = webdriver.Chrome(service=Service(str(DRIVER)), options=options)
    try:
        yield driver
    finally:
        with contextlib.suppress(Exception):
            driver.quit()


def _heading(driver: Any, text: str) -> None:
    WebDriverWait(driver, WAIT).until(lambda d: d.find_element(By.TAG_NAME, "h1").text == text)


def _walk(driver: Any, start: str, screenshot: Path) -> None:
    driver.get(start)
    _heading(driver, "Ascend 910B")
    assert driver.title == "Ascend 910B · aiplus-kg"
    french = driver.find_elements(By.CSS_SELECTOR, ".labels span[lang='fr']")
    assert [e.text for e in french] == ["Ascend 910B"]

    driver.find_element(By.LINK_TEXT, "DeepSeek R2").click()
    _heading(driver, "DeepSeek R2")
    statement = driver.find_element(By.CSS_SELECTOR, "[data-property='aip:usesChip'] dd")
    assert "hedged" in statement.get_attribute("class")
    assert statement.find_element(By.CSS_SELECTOR, "a").text == "Ascend 910B"
    hedge = statement.find_element(By.CSS_SELECTOR, ".hedge")
    assert hedge.text.startswith("reported"), hedge.text
    assert driver.save_screenshot(str(screenshot))

    box = driver.find_element(By.ID, "search")
    box.send_keys("Huawei")
    WebDriverWait(driver, WAIT).until(
        lambda d: (
            [a.text for a in d.find_elements(By.CSS_SELECTOR, "#search-results a")][:1]
            == ["Huawei"]
        )
    )
    box.send_keys(Keys.ARROW_DOWN)  # to the first result, by keyboard
    assert driver.switch_to.active_element.text == "Huawei"
    driver.switch_to.active_element.send_keys(Keys.ENTER)
    _heading(driver, "Huawei")


@pytest.mark.network
def test_served_pages(places: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    base, _ = places
    _walk(browser, f"{base}/id/ascend-910b", tmp_path / "browse.png")
    assert browser.current_url == f"{base}/id/huawei.html"
    assert (tmp_path / "browse.png").read_bytes().startswith(b"\x89PNG")


def test_static_site_from_disk(places: tuple[str, Path], browser: Any, tmp_path: Path) -> None:
    _, folder = places
    _walk(browser, (folder / "id" / "ascend-910b.html").as_uri(), tmp_path / "browse.png")
    assert browser.current_url == (folder / "id" / "huawei.html").as_uri()


PHONE_PAGES = (
    "index.html",
    "entities.html",
    "ontology.html",
    "id/ascend-910b.html",
    "source/003-8046cdd2ea859826.html",
    "query/article-facts.html",
)


def test_pages_fit_a_phone(places: tuple[str, Path], browser: Any) -> None:
    """At a phone's width (390 CSS pixels), no page is wider than the screen: long
    words wrap, wide tables scroll within themselves."""
    _, folder = places
    browser.set_window_size(390, 844)
    try:
        for page in PHONE_PAGES:
            browser.get((folder / page).as_uri())
            wide, screen = browser.execute_script(
                "return [document.documentElement.scrollWidth, "
                "document.documentElement.clientWidth]"
            )
            assert wide <= screen, page
    finally:
        browser.set_window_size(1000, 900)
