"""The library in a real browser: search it, open the demo case study, play its audio,
read its radar, print it to PDF, and check it with axe-core (WCAG 2.2 A and AA)."""

from __future__ import annotations

import base64
import pathlib

import pytest

pytest.importorskip("selenium")
from selenium.webdriver.common.by import By
from selenium.webdriver.support import expected_conditions
from selenium.webdriver.support.ui import WebDriverWait

CO_S = ["Co-commissioning", "Co-design", "Co-delivery", "Co-assessment"]
WCAG = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa", "wcag22a", "wcag22aa"]
SHOTS = pathlib.Path(__file__).parent.parent.parent / "build" / "browser"


def open_case_study(browser, site):
    browser.get(f"{site}/library")
    field = browser.find_element(By.ID, "q")
    field.send_keys("Brackenford café")
    field.submit()
    # The search answers with a new page: wait for it, or the link found may be the old
    # page's, gone stale by the time it is clicked (seen on a loaded machine).
    wait = WebDriverWait(browser, 30)
    wait.until(lambda b: "q=" in b.current_url)
    link = wait.until(
        expected_conditions.element_to_be_clickable(
            (By.PARTIAL_LINK_TEXT, "Out and About in Brackenford")
        )
    )
    link.click()
    wait.until(lambda b: "/library/" in b.current_url and "q=" not in b.current_url)
    return browser.current_url


def axe_violations(browser, axe_source):
    browser.execute_script(axe_source)
    found = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "axe.run(document, {runOnly: {type: 'tag', values: arguments[0]}})"
        ".then(r => done(r.violations.map(v => ({id: v.id, impact: v.impact,"
        " nodes: v.nodes.map(n => n.target.join(' '))}))))"
        ".catch(e => done([{id: 'axe-error', impact: String(e), nodes: []}]));",
        WCAG,
    )
    return found


def test_the_library_is_searched_and_opens_the_demo_case_study(browser, site):
    url = open_case_study(browser, site)
    assert "/library/" in url
    assert browser.find_element(By.TAG_NAME, "h1").text.startswith("Out and About")
    headings = [h.text for h in browser.find_elements(By.TAG_NAME, "h2")]
    assert "In their own words" in headings
    SHOTS.mkdir(parents=True, exist_ok=True)
    browser.save_screenshot(str(SHOTS / "case-study.png"))


def test_the_demo_interview_plays(browser, site):
    open_case_study(browser, site)
    played = browser.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "const audio = document.querySelector('audio');"
        "if (!audio) { done({error: 'no audio element'}); return; }"
        "audio.muted = true;"
        "audio.play().then(() => done({duration: audio.duration, paused: audio.paused}))"
        ".catch(e => done({error: String(e)}));"
    )
    assert "error" not in played, played
    assert played["duration"] > 0
    assert played["paused"] is False


def test_the_radar_labels_every_dimension(browser, site):
    open_case_study(browser, site)
    radar = browser.find_element(By.CSS_SELECTOR, "svg#chart-radar")
    labels = {
        text.get_attribute("textContent") for text in radar.find_elements(By.TAG_NAME, "text")
    }
    assert set(CO_S) <= labels
    assert radar.get_attribute("role") == "img"
    description = radar.find_element(By.TAG_NAME, "desc").get_attribute("textContent")
    assert all(name in description for name in CO_S)
    SHOTS.mkdir(parents=True, exist_ok=True)
    radar.screenshot(str(SHOTS / "radar.png"))


def test_the_case_study_prints_to_pdf(browser, site):
    open_case_study(browser, site)
    pdf = base64.b64decode(browser.print_page())
    assert pdf.startswith(b"%PDF")
    assert len(pdf) > 20_000
    SHOTS.mkdir(parents=True, exist_ok=True)
    (SHOTS / "case-study.pdf").write_bytes(pdf)


@pytest.mark.parametrize("page", ["library", "case study"])
def test_axe_finds_no_wcag_22_a_or_aa_violations(browser, site, axe_source, page):
    if page == "library":
        browser.get(f"{site}/library")
    else:
        open_case_study(browser, site)
    assert axe_violations(browser, axe_source) == []
