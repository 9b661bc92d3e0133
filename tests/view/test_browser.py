"""The viewer in a real browser (Playwright driving /usr/bin/chromium): click through a run,
read an attempt, compare, open an export from disk, and watch a live run update.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from tests.support.browser import ARGS, CHROMIUM
from tests.support.rundir import CLAIM_IDS
from tests.support.viewer import FINISHED, LIVE, Viewer

WAIT_MS = 120_000
"""Generous: the machine may be loaded; nothing here bounds how fast a page is."""

pytestmark = pytest.mark.skipif(
    not CHROMIUM.exists(), reason="/usr/bin/chromium is absent (make sysdeps installs it)"
)


@pytest.fixture(scope="module")
def page() -> Iterator[Any]:
    """One browser for the module, one page."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        browser = pw.chromium.launch(executable_path=str(CHROMIUM), args=ARGS)
        tab = browser.new_page()
        tab.set_default_timeout(WAIT_MS)
        yield tab
        browser.close()


def test_click_from_runs_to_a_run_to_an_attempt(viewer: Viewer, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{viewer.port}/")
    assert page.locator("#runs tbody tr").count() == 2
    page.click(f"a.run-link:text-is('{FINISHED}')")
    page.wait_for_selector("#claims-table")
    claims = page.inner_text("#claims-table")
    assert all(c in claims for c in CLAIM_IDS)
    assert "supported" in claims or "fail_closed" in claims
    assert page.locator(".report figure img").count() >= 1
    assert page.locator("#attempt-list tbody tr").count() == 9
    page.select_option("select[name=condition]", "escalate")
    page.click("form.filters button")
    page.wait_for_url("**condition=escalate**")
    assert page.locator("#attempt-list tbody tr").count() == 3
    page.click("a.attempt-link >> nth=0")
    page.wait_for_selector("#timeline-list")
    assert page.locator("#timeline-list li.kind-model_call").count() >= 1
    assert page.locator("#timeline-list li.kind-tool_call").count() >= 1
    assert page.locator("#timeline-list li.kind-verification").count() >= 1
    assert "gate" in page.inner_text("#timeline-list li.kind-verification >> nth=0")
    # pygments marks inserted and deleted lines (gi, gd) inside the highlighted diff.
    assert page.locator("#diff-view .diff .gi").count() >= 1
    assert page.locator("#channel-table tbody tr").count() >= 1
    page.click("a.raw:text-is('events')")
    assert '"kind": "attempt_start"' in page.inner_text("body")


def test_compare_page_shows_both_runs_side_by_side(viewer: Viewer, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{viewer.port}/compare?run={FINISHED}&run={LIVE}")
    header = page.inner_text("#compare-table thead")
    assert FINISHED in header and LIVE in header and "loop/escalate" in header
    assert page.locator("#compare-table tbody tr").count() == 3
    assert "task(s) flipped" in page.inner_text("#flip-count")


def test_live_page_updates_when_an_attempt_is_recorded(viewer: Viewer, page: Any) -> None:
    page.goto(f"http://127.0.0.1:{viewer.port}/run/{LIVE}/live")
    assert page.inner_text("#done") == "8" and page.inner_text("#state") == "in progress"
    page.evaluate("window.__same_document = true")
    viewer.release_live()
    from playwright.sync_api import expect

    expect(page.locator("#done")).to_have_text("9", timeout=WAIT_MS)
    assert page.inner_text("#state") == "finished" and page.inner_text("#eta") == "0 s"
    # The page was updated in place, never reloaded.
    assert page.evaluate("window.__same_document") is True


def test_an_exported_page_opens_from_disk(exported: Path, page: Any) -> None:
    page.goto((exported / "index.html").as_uri())
    page.click("a.run-link")
    page.wait_for_selector("#claims-table")
    assert page.url.startswith("file://") and page.url.endswith("/run/run.html")
    assert page.locator("form.filters").count() == 0
    page.click("a.attempt-link >> nth=0")
    page.wait_for_selector("#timeline-list")
    assert page.locator("#timeline-list li").count() > 3
