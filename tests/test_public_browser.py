"""The villagers' pages in a real browser: Debian's chromium, headless, driven by selenium with chromium-driver.

Each page is opened at a phone's width (390 x 844) and an office screen's (1366 x 768): the text a villager
reads is there, at least 18 px on the phone, with no sideways scrolling (a notice's wide table becomes one card
per row), and the 低保 list shows masked ID numbers only (个人信息保护法 Art. 6). The screenshots are saved to
be looked at: in a temporary folder on an ordinary run, in docs/images/ (public-*.png, the user guide's) with

    CUNWU_PUBLIC_SHOTS=docs/images .venv/bin/python -m pytest tests/test_public_browser.py -p no:randomly
"""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path

import pytest

from app.masking import mask_id
from public_helpers import Served, board, hub_copy, sql

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[1]
PHONE, DESKTOP = (390, 844), (1366, 768)
FLAGS = ("--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
         "--disable-background-networking", "--disable-component-update", "--disable-sync",
         "--disable-dev-shm-usage")


@pytest.fixture(scope="module")
def shots(tmp_path_factory) -> Path:
    where = os.environ.get("CUNWU_PUBLIC_SHOTS")
    return ROOT / where if where else tmp_path_factory.mktemp("public-shots")


@pytest.fixture(scope="module")
def browser():
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    chromium, driver_path = shutil.which("chromium"), shutil.which("chromedriver")
    assert chromium and driver_path, "apt-get install chromium chromium-driver (scripts/setup.sh --test)"
    profile = tempfile.mkdtemp(prefix="cunwu-chromium-")
    options = webdriver.ChromeOptions()
    options.binary_location = chromium
    for flag in FLAGS:
        options.add_argument(flag)
    options.add_argument("--user-data-dir=" + profile)
    driver = webdriver.Chrome(service=Service(driver_path), options=options)
    try:
        yield driver
    finally:
        driver.quit()
        shutil.rmtree(profile, ignore_errors=True)


@pytest.fixture(scope="module")
def site(tmp_path_factory):
    hub = hub_copy(tmp_path_factory.mktemp("public-browser"))
    b = board(hub)
    served = Served(hub, b.day)
    try:
        yield hub, b, served
    finally:
        served.stop()
        hub.close()


def _at(driver, size: tuple[int, int]) -> None:
    width, height = size
    driver.execute_cdp_cmd("Emulation.setDeviceMetricsOverride", {
        "width": width, "height": height, "deviceScaleFactor": 1, "mobile": width < 600})


def _open(driver, url: str, size: tuple[int, int]) -> str:
    _at(driver, size)
    driver.get(url)
    assert driver.execute_script("return document.readyState") == "complete"
    assert driver.execute_script("return window.innerWidth") == size[0]
    return driver.find_element("tag name", "body").text


def _fits(driver, size: tuple[int, int]) -> None:
    """No sideways scrolling, and body text large enough to read on a phone."""
    scroll = driver.execute_script("return document.documentElement.scrollWidth")
    assert scroll <= size[0], "the page scrolls sideways at {} px ({} px wide)".format(size[0], scroll)
    smallest = driver.execute_script(
        "return Math.min(...Array.from(document.querySelectorAll('main p, main li, main td, main dd'))"
        ".filter(e => e.offsetParent !== null && e.textContent.trim())"
        ".map(e => parseFloat(getComputedStyle(e).fontSize)))")
    assert smallest >= 18, "text at {} px".format(smallest)


def _shot(driver, folder: Path, name: str) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / name
    driver.save_screenshot(str(path))
    assert path.stat().st_size > 5000
    return path


@pytest.mark.parametrize("size,suffix", [(PHONE, "-phone"), (DESKTOP, "")])
def test_the_home_page_lists_the_villages(browser, site, shots, size, suffix):
    hub, _b, served = site
    text = _open(browser, served.base + "/", size)
    assert "村务公开查询" in text and "核验证明或公告" in text
    for (name,) in sql(hub, "SELECT name FROM hub_villages"):
        assert name in text
    _fits(browser, size)
    _shot(browser, shots, "public-home{}.png".format(suffix))


@pytest.mark.parametrize("size,suffix", [(PHONE, "-phone"), (DESKTOP, "")])
def test_the_village_page_shows_the_board_masked(browser, site, shots, size, suffix):
    hub, b, served = site
    (content,) = sql(hub, "SELECT content FROM hub_records WHERE village_code = ? AND record_type = 'notice' "
                          "AND record_id = ?", b.code, b.record_id)[0]
    doc = json.loads(content)
    table = json.loads(doc["tables"])[0]
    ids = [row[table["columns"].index("身份证号")] for row in table["rows"]]
    text = _open(browser, served.base + "/v/{}/".format(b.code), size)
    assert doc["title"] in text and "正在张贴的公告" in text and "已过张贴期的公告" in text
    for number in ids:
        assert number not in text and mask_id(number) in text
    _fits(browser, size)
    _shot(browser, shots, "public-village{}.png".format(suffix))
    # the notice's table, one card per row on the phone
    caption = browser.find_element("css selector", "#n-{} caption".format(b.number))
    browser.execute_script("arguments[0].scrollIntoView()", caption)
    _shot(browser, shots, "public-notice{}.png".format(suffix))


@pytest.mark.parametrize("size,suffix", [(PHONE, "-phone"), (DESKTOP, "")])
def test_the_check_page_answers_a_certificate(browser, site, shots, size, suffix):
    from selenium.webdriver.support.ui import WebDriverWait

    hub, _b, served = site
    (content,) = sql(hub, "SELECT content FROM hub_records WHERE record_type = 'certificate' "
                          "AND json_extract(content, '$.state') = 'issued' ORDER BY village_code, seq LIMIT 1")[0]
    cert = json.loads(content)
    _open(browser, served.base + "/check", size)
    box = browser.find_element("id", "code")
    box.send_keys(cert["check_code"])
    box.submit()
    WebDriverWait(browser, 20).until(lambda d: "/check?code=" in d.current_url
                                     and d.find_elements("css selector", "section.result"))
    text = browser.find_element("tag name", "body").text
    assert "真实" in text and cert["serial"] in text and cert["applicant_name"] in text
    assert "/check?code=" in browser.current_url
    _fits(browser, size)
    _shot(browser, shots, "public-check{}.png".format(suffix))
