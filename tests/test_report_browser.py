"""Both reports opened in real headless Chromium (Debian's package, driven by Playwright): the
embedded plotly.js unpacks, every chart is drawn with a legend of its own, nothing is logged to
the console, and the key figures read with thousands separators. `make test` installs Chromium
(`make browser`) and Playwright (the `test` extra)."""

from __future__ import annotations

import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from playwright.sync_api import Browser, ConsoleMessage, Page, sync_playwright

from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.report import write_report
from evramp.report.risk_html import write_risk_report
from evramp.risk import simulate, tables
from tests.test_report import risky_plant

CHROMIUM = os.environ.get("EVRAMP_CHROMIUM", "/usr/bin/chromium")
# No network, no first-run or update machinery: the report must draw offline.
ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def opened(browser: Browser, path: Path) -> tuple[Page, list[str]]:
    """The report drawn in a 1400-pixel-wide page, and what it logged as errors."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []

    def logged(message: ConsoleMessage) -> None:
        if message.type in {"error", "warning"}:
            problems.append(f"{message.type}: {message.text}")

    page.on("console", logged)
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.route(
        "**/*",
        lambda route: route.continue_() if route.request.url.startswith("file:") else route.abort(),
    )
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-plotted=true]", timeout=60_000)
    return page, problems


def legend_text(page: Page, selector: str) -> str:
    """The entries of an SVG legend (inner_text reads HTML elements only)."""
    return page.text_content(selector) or ""


def assert_every_chart_drawn_with_its_legend(page: Page) -> list[str]:
    charts = page.eval_on_selector_all("div.chart", "nodes => nodes.map(n => n.id)")
    assert charts
    for chart in charts:
        assert page.locator(f"#{chart} .main-svg").count() > 0, f"{chart} not drawn"
        assert page.locator(f"#{chart} g.legend .traces").count() > 0, f"{chart} has no legend"
    width = page.evaluate("document.documentElement.scrollWidth")
    assert width <= 1400, "the page scrolls sideways"
    return list(charts)


@pytest.fixture(scope="module")
def plan_report(
    tmp_path_factory: pytest.TempPathFactory, default_plan: PlanResult, default_scenario: Scenario
) -> Path:
    return write_report(
        default_plan, tmp_path_factory.mktemp("plan") / "report.html", default_scenario
    )


@pytest.fixture(scope="module")
def risk_report(tmp_path_factory: pytest.TempPathFactory) -> Path:
    result = simulate(risky_plant(), runs=40, seed=3, workers=1, tornado_runs=20)
    year = result.default_target_year()
    frames = tables(result, 11_500, year)
    path = tmp_path_factory.mktemp("risk") / "report.html"
    return write_risk_report(frames, path, "Risk: a plant", year, result)


def test_the_plan_report_draws_every_chart_offline_without_errors(
    browser: Browser, plan_report: Path
) -> None:
    page, problems = opened(browser, plan_report)
    charts = assert_every_chart_drawn_with_its_legend(page)
    assert charts[:3] == ["output", "cumulative", "binding-map"]
    assert "stock" in charts
    assert problems == []
    cards = page.inner_text("section.cards")
    for figure in ("579,002", "47.8%", "2,037", "shop assembly"):
        assert figure in cards
    assert "78,551" in page.inner_text("#yearly")
    legend = legend_text(page, "#output g.legend")
    assert "SU7-MAX" in legend and "capacity of assembly" in legend
    assert "binds" not in legend  # constraints have their own panel and legend
    assert "NVIDIA" in legend_text(page, "#part-0 g.legend")
    page.close()


def test_the_risk_report_draws_both_fans_and_the_tornado_without_errors(
    browser: Browser, risk_report: Path
) -> None:
    page, problems = opened(browser, risk_report)
    charts = assert_every_chart_drawn_with_its_legend(page)
    assert charts == ["weekly-fan", "cumulative-fan", "tornado"]
    assert problems == []
    cards = page.inner_text("section.cards")
    assert "chance of missing the target in 2024" in cards
    assert "fewer than 11,500 vehicles delivered" in cards
    assert "12,000" in page.inner_text("#yearly")
    fan = legend_text(page, "#cumulative-fan g.legend")
    for entry in ("P10 to P90 of the runs", "P50 (median run)", "base plan (no disruption)"):
        assert entry in fan
    # The band's legend entry has a swatch: a filled shape, not a zero-width line.
    band = page.locator("#weekly-fan g.legend .traces").first
    assert "P10 to P90" in (band.text_content() or "")
    fill = band.locator("g.legendfill path.js-fill")
    assert fill.count() == 1
    assert fill.evaluate("path => getComputedStyle(path).fill") == "rgb(86, 180, 233)"
    tornado = page.text_content("#tornado") or ""
    assert "vehicles not delivered in 2024" in tornado
    assert "vehicle-weeks of lateness added" in tornado
    page.close()
