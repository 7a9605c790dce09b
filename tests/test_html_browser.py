"""The HTML export in a real headless Chromium (playwright-python drives Debian's chromium).

Skips when playwright or Chromium is absent; CI installs both (.ci/install-browser.sh and the
test extras). ``TIMELINE_SCREENSHOT=1`` also saves docs/timeline-html.png.
"""

from __future__ import annotations

import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest

from tests.test_export import make_event
from timeline import export

pytestmark = pytest.mark.browser

CHROMIUM = os.environ.get("TIMELINE_CHROMIUM") or shutil.which("chromium") or "/usr/bin/chromium"
ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
SCREENSHOT = Path(__file__).resolve().parents[1] / "docs" / "timeline-html.png"


def _actors(*pairs: tuple[str, str]) -> list[dict[str, str]]:
    return [{"name": n, "role": r} for n, r in pairs]


def chronology() -> list[dict[str, Any]]:
    """A small chronology: exact days, a fuzzy part of a month, a month, open sides, odd text."""
    iskp, fsb = ("ISIS-K", "perpetrator"), ("FSB", "agent")
    src = {
        "name": "Reuters",
        "url": "https://example.org/crocus",
        "title": "Gunmen attack concert hall near Moscow",
        "published": "2024-03-23",
        "sha256": None,
    }
    return [
        make_event(
            1,
            summary="Gunmen attack Crocus City Hall concert venue",
            subtype="shooting",
            actors=_actors(iskp, ("Crocus City Hall", "target")),
            location="Krasnogorsk",
            country="Russia",
            killed=145,
            injured=551,
            evidence="Gunmen opened fire on concertgoers on Friday evening, officials said.",
            source=src,
        ),
        make_event(
            2,
            type="thwarted_plot",
            summary="Plot against a Moscow synagogue foiled",
            earliest="2024-01-21",
            latest="2024-01-31",
            precision="part_of_month",
            mod="END",
            date_text="late January",
            actors=_actors(fsb, iskp),
            evidence="In late January a cell planning an attack was disrupted.",
        ),
        make_event(
            3,
            type="warning",
            summary="US embassy warns of imminent attack on large gatherings",
            earliest="2024-03-07",
            latest="2024-03-07",
            date_text="March 7",
            actors=_actors(("US Embassy Moscow", "source")),
        ),
        make_event(
            4,
            type="detention",
            summary="Four suspects detained in Bryansk region",
            earliest="2024-03-23",
            latest="2024-03-23",
            date_text="the next day",
            actors=_actors(fsb),
            detained=4,
        ),
        make_event(
            5,
            type="statement",
            summary="Group claims responsibility </script><img src=x onerror=window.__xss=1>",
            earliest="2024-03-22",
            latest="2024-03-23",
            precision="interval",
            date_text="late Friday or Saturday",
            actors=_actors(iskp, ("Amaq", "source")),
        ),
        make_event(
            6,
            type="operation",
            summary="Counter-terror raids in Dagestan, two militants killed",
            earliest="2024-03-30",
            latest="2024-03-31",
            precision="weekend",
            date_text="over the weekend",
            actors=_actors(fsb),
            killed=2,
        ),
        make_event(
            7,
            type="sentencing",
            summary="Court extends pre-trial detention of the four",
            earliest="2024-05-01",
            latest="2024-05-31",
            precision="month",
            date_text="in May",
            actors=_actors(("Basmanny Court", "agent")),
        ),
        make_event(
            8,
            type="other",
            summary="Reconnaissance of the venue began",
            earliest=None,
            latest="2024-03-07",
            precision="open",
            date_text="before early March",
            actors=_actors(iskp),
        ),
        make_event(
            9,
            type="designation",
            summary="Ministry lists «Движение» as extremist",
            earliest="2024-04-15",
            latest=None,
            precision="open",
            date_text="since mid-April",
        ),
        make_event(
            10,
            type="airstrike",
            summary="Strike on a training camp — قصف معسكر تدريب",
            earliest="2024-02-10",
            latest="2024-02-16",
            precision="week",
            date_text="the week of 10 February",
            country="Afghanistan",
        ),
    ]


@pytest.fixture(scope="module")
def browser() -> Iterator[Any]:
    sync_api = pytest.importorskip(
        "playwright.sync_api", reason="playwright is not installed (pip install playwright)"
    )
    if not Path(CHROMIUM).exists():
        message = f"no Chromium at {CHROMIUM} (run .ci/install-browser.sh)"
        if os.environ.get("CI"):  # CI installs it: there, a missing browser is a failure
            pytest.fail(message)
        pytest.skip(message)
    with sync_api.sync_playwright() as p:
        b = p.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        try:
            yield b
        finally:
            b.close()


@contextmanager
def open_page(browser: Any, tmp_path: Path, events: list[dict[str, Any]]) -> Iterator[Any]:
    """The exported page, loaded offline; fails on any page error or network request."""
    path = tmp_path / "timeline.html"
    with path.open("w", encoding="utf-8") as f:
        assert export.write("html", events, f, title="Crocus City Hall attack: chronology") == len(
            events
        )
    context = browser.new_context(viewport={"width": 1400, "height": 900})
    outside: list[str] = []

    def block(route: Any) -> None:
        if route.request.url.startswith("file://"):
            route.continue_()
        else:
            outside.append(route.request.url)
            route.abort()

    context.route("**/*", block)
    context.set_offline(True)
    pg = context.new_page()
    problems: list[str] = []
    pg.on("pageerror", lambda exc: problems.append(str(exc)))
    pg.on("console", lambda m: problems.append(m.text) if m.type == "error" else None)
    try:
        pg.goto(path.as_uri())
        pg.wait_for_selector("#chart .axis-row, #chart .empty")
        yield pg
        assert problems == [], problems
        assert outside == [], f"the page asked the network for {outside}"
    finally:
        context.close()


@pytest.fixture
def page(browser: Any, tmp_path: Path) -> Iterator[Any]:
    with open_page(browser, tmp_path, chronology()) as pg:
        yield pg


def _marked_events(pg: Any) -> set[str]:
    return set(pg.eval_on_selector_all(".mark", "els => els.map(e => e.dataset.i)"))


def _width(pg: Any, i: int) -> float:
    box = pg.locator(f'.mark[data-i="{i}"]').first.bounding_box()
    assert box is not None
    return float(box["width"])


def test_every_event_has_a_mark(page: Any) -> None:
    assert _marked_events(page) == {str(i) for i in range(10)}
    # an event shows in each of its actors' lanes, and in "(no actor)" when it has none
    lanes = page.eval_on_selector_all(".lane .lane-label", "els => els.map(e => e.title)")
    assert lanes[-1] == "(no actor)"
    assert {"ISIS-K", "FSB", "Amaq", "Crocus City Hall"} <= set(lanes)
    assert page.locator('.mark[data-i="1"]').count() == 2  # FSB and ISIS-K lanes
    assert page.locator(".legend button").count() == 10


def test_width_shows_the_date_interval(page: Any) -> None:
    exact, fuzzy, month = _width(page, 0), _width(page, 1), _width(page, 6)
    assert "day" in (page.locator('.mark[data-i="0"]').first.get_attribute("class") or "")
    assert fuzzy > exact * 2
    assert month > fuzzy  # 31 days against 11
    assert "open-start" in (page.locator('.mark[data-i="7"]').first.get_attribute("class") or "")
    assert "open-end" in (page.locator('.mark[data-i="8"]').first.get_attribute("class") or "")


def test_filter_hides_non_matching_marks(page: Any) -> None:
    page.fill("#filter", "fsb")
    page.wait_for_function("document.querySelectorAll('.mark[data-i=\"0\"]').length === 0")
    assert _marked_events(page) == {"1", "3", "5"}
    visible_rows = page.eval_on_selector_all(
        "#list tbody tr", "rows => rows.filter(r => !r.hidden).map(r => r.dataset.i)"
    )
    assert visible_rows == ["1", "3", "5"]
    assert page.inner_text("#shown") == "showing 3 of 10"
    page.fill("#filter", "Dagestan militants")  # every word must match
    page.wait_for_function("document.querySelectorAll('.mark').length === 1")
    assert _marked_events(page) == {"5"}
    page.fill("#filter", "")
    page.wait_for_function("document.querySelectorAll('.mark[data-i=\"0\"]').length > 0")
    assert len(_marked_events(page)) == 10


def test_legend_toggles_a_type(page: Any) -> None:
    page.click(".legend button.t-attack")
    page.wait_for_function("document.querySelectorAll('.mark[data-i=\"0\"]').length === 0")
    assert "0" not in _marked_events(page)
    assert len(_marked_events(page)) == 9


def test_details_panel_shows_text_safely(page: Any) -> None:
    page.click('.mark[data-i="4"] >> nth=0')
    details = page.inner_text("#details")
    assert "</script><img src=x onerror=window.__xss=1>" in details
    assert page.evaluate("window.__xss") is None
    assert page.locator("#details img").count() == 0
    page.click('.mark[data-i="0"] >> nth=0')
    details = page.inner_text("#details")
    assert "Gunmen opened fire on concertgoers" in details
    assert "145 killed, 551 injured" in details
    href = page.get_attribute("#details a", "href")
    assert href == "https://example.org/crocus"


@pytest.mark.parametrize(
    ("events", "marks"),
    [
        ([make_event(1)], 1),
        ([make_event(1, earliest="1901-01-01", latest="1901-12-31", precision="year"),
          make_event(2, earliest="2024-03-22", latest=None, precision="open")], 2),
        ([make_event(1, earliest="2024-03-22", latest="2024-03-24"),
          make_event(2, earliest="2024-03-23", latest="2024-03-23")], 2),
        ([make_event(1, earliest=None, latest=None, date_text="last spring")], 0),
    ],
    ids=["one-day", "century", "three-days", "undated"],
)  # fmt: skip
def test_odd_spans_render(browser: Any, tmp_path: Path, events: list[Any], marks: int) -> None:
    with open_page(browser, tmp_path, events) as pg:
        assert len(_marked_events(pg)) == marks
        assert pg.locator("#list tbody tr").count() == len(events)
        if marks:
            assert pg.locator(".axis-row .tick").count() >= 2
        else:
            assert "No event has a resolved date" in pg.inner_text("#chart")


def test_screenshot(page: Any) -> None:
    if os.environ.get("TIMELINE_SCREENSHOT") != "1":
        pytest.skip("set TIMELINE_SCREENSHOT=1 to refresh docs/timeline-html.png")
    page.click('.mark[data-i="1"] >> nth=0')
    page.hover('.mark[data-i="0"] >> nth=0')
    page.screenshot(path=str(SCREENSHOT), full_page=True)
    assert SCREENSHOT.stat().st_size > 10_000
