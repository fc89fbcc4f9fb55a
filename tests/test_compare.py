"""Plans side by side: the default plan against itself (nothing differs) and against a what-if
that cuts the rate of paint, a shop that binds in the default plan; key figures checked against
sums of the plans' own tables; the report in real headless Chromium; `evramp compare` as a user
runs it."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from playwright.sync_api import Browser, sync_playwright

import evramp
from evramp.analysis.compare import (
    LATE,
    NEWLY_BINDING,
    ON_TIME,
    SHOP,
    Comparison,
    agree,
    binding_of,
    compare,
)
from evramp.app import BadInput, compare_plans, write_compare_report
from evramp.cli import EXIT_BAD_INPUT
from evramp.model import Scenario
from evramp.plan import PlanResult
from evramp.report import binding_constraints

EVRAMP = str(Path(sys.executable).with_name("evramp"))
CHROMIUM = os.environ.get("EVRAMP_CHROMIUM", "/usr/bin/chromium")
SHOP_CUT = "paint"
CUT_RATE = 45.0  # of 50 jobs a shift-hour-week: a tenth less paint capacity


@pytest.fixture(scope="module")
def cut_scenario(default_scenario: Scenario) -> Scenario:
    return default_scenario.with_changes({f"shops.{SHOP_CUT}.rate": CUT_RATE})


@pytest.fixture(scope="module")
def cut_plan(cut_scenario: Scenario) -> PlanResult:
    return evramp.plan(cut_scenario)


@pytest.fixture(scope="module")
def comparison(
    default_plan: PlanResult,
    cut_plan: PlanResult,
    default_scenario: Scenario,
    cut_scenario: Scenario,
) -> Comparison:
    return compare(
        {"base": default_plan, "paint cut": cut_plan},
        {"base": default_scenario, "paint cut": cut_scenario},
    )


@pytest.fixture(scope="module")
def itself(default_plan: PlanResult) -> Comparison:
    return compare({"a": default_plan, "b": default_plan})


def test_the_cut_shop_binds_in_the_default_plan(default_plan: PlanResult) -> None:
    # Otherwise the what-if below would test nothing.
    assert any(b.kind == "shop" and b.name == SHOP_CUT for b in binding_constraints(default_plan))


def test_a_plan_against_itself_differs_in_nothing(itself: Comparison) -> None:
    for frame in (itself.kpis, itself.output, itself.builds):
        assert not frame.empty
        assert (itself.differences(frame).abs().fillna(0.0).to_numpy() == 0).all()
    view = itself.differing()
    assert view.only_differences
    assert view.kpis.empty and view.output.empty and view.builds.empty
    assert itself.binding_changes() == []
    assert not itself.statuses_differ


def test_built_per_year_adds_up_to_the_plans_tables(
    comparison: Comparison, default_plan: PlanResult, cut_plan: PlanResult
) -> None:
    kpis = comparison.kpis
    for name, result in (("base", default_plan), ("paint cut", cut_plan)):
        years = [k for k in kpis.index if k.startswith("built 2")]
        assert kpis.loc[years, name].sum() == pytest.approx(kpis.at["built total", name])
        assert kpis.at["built total", name] == pytest.approx(result.output["quantity"].sum())
        assert comparison.output[name].sum() == pytest.approx(result.output["quantity"].sum())
        assert comparison.builds[name].sum() == pytest.approx(result.builds["quantity"].sum())
        by_year = result.output.groupby("year")["quantity"].sum()
        for year, built in by_year.items():
            assert kpis.at[f"built {year}", name] == pytest.approx(built)


def independent_kpis(result: PlanResult) -> dict[str, float]:
    """On-time delivery and vehicle-weeks late from deliveries and orders alone."""
    orders = result.orders.set_index("order")
    deliveries = result.deliveries
    due = result.index_of(orders.loc[deliveries["order"], "due"])
    week = result.index_of(deliveries["week"])
    quantity = deliveries["quantity"].to_numpy()
    on_time = quantity[week <= due].sum() / orders["quantity"].sum()
    late = (quantity * np.maximum(week - due, 0)).sum()
    delivered = deliveries.groupby("order")["quantity"].sum().reindex(orders.index, fill_value=0)
    missing = (orders["quantity"] - delivered).clip(lower=0).to_numpy()
    waiting = len(result.bucket_starts) - result.index_of(orders["due"])
    late += (missing * waiting).sum()
    return {ON_TIME: float(on_time), LATE: float(late)}


def test_key_figures_match_the_plans_own_tables(
    comparison: Comparison, default_plan: PlanResult, cut_plan: PlanResult
) -> None:
    kpis = comparison.kpis
    for name, result in (("base", default_plan), ("paint cut", cut_plan)):
        expected = independent_kpis(result)
        assert kpis.at[ON_TIME, name] == pytest.approx(expected[ON_TIME], rel=1e-6)
        assert kpis.at[LATE, name] == pytest.approx(expected[LATE], rel=1e-6)
        assert kpis.at["delivered total", name] == pytest.approx(
            result.deliveries["quantity"].sum()
        )
        for term, value in result.costs.items():
            assert kpis.at[term, name] == pytest.approx(value)
        assert kpis.at["objective", name] == pytest.approx(result.objective)
        assert comparison.status[name] == result.status


def test_a_rate_cut_delivers_no_more_and_binds_no_less(comparison: Comparison) -> None:
    base, cut = comparison.kpis.loc[["delivered total"], ["base", "paint cut"]].to_numpy()[0]
    assert cut <= base + 1e-6
    assert cut < base - 100  # a tenth less paint capacity costs vehicles, not only lateness
    weeks = {(c.kind, c.name, c.plan): c.weeks for c in comparison.constraints()}
    assert weeks[SHOP, SHOP_CUT, "paint cut"] >= weeks[SHOP, SHOP_CUT, "base"]
    changes = {(c.kind, c.name): c for c in comparison.binding_changes()}
    paint = changes[SHOP, SHOP_CUT]
    assert paint.weeks - paint.base_weeks == paint.weeks_added - paint.weeks_removed
    assert paint.weeks_added > 0
    for change in changes.values():
        if change.change == NEWLY_BINDING:
            assert change.base_weeks == 0 and change.weeks == change.weeks_added


def test_binding_weeks_are_counted_from_each_plans_own_binding(
    comparison: Comparison, cut_plan: PlanResult
) -> None:
    own = binding_of(cut_plan, "paint cut")
    flags = comparison.binding_flags()
    assert int(flags["paint cut"].sum()) == len(own)
    shops = own[own["kind"] == SHOP]
    assert set(shops["name"]) <= set(cut_plan.capacity["shop"])


def test_only_differences_drops_exactly_the_rows_where_all_agree(
    comparison: Comparison,
) -> None:
    view = comparison.differing()
    for full, kept in ((comparison.kpis, view.kpis), (comparison.output, view.output)):
        assert 0 < len(kept) < len(full)
        dropped = full.drop(index=kept.index)
        assert agree(dropped).all()
        assert not agree(kept).any()
    assert "built 2023" not in view.kpis.index  # nothing is built in 2023 in either plan
    assert "delivered total" in view.kpis.index


def test_the_inputs_name_the_change(comparison: Comparison) -> None:
    assert [c.address for c in comparison.inputs] == [f"shops.{SHOP_CUT}.rate"]
    assert comparison.inputs[0].values["paint cut"] == str(CUT_RATE)


def test_no_plans_or_mixed_buckets_are_refused(default_plan: PlanResult) -> None:
    with pytest.raises(BadInput):
        compare_plans({})
    with pytest.raises(ValueError, match="buckets"):
        from dataclasses import replace

        compare({"a": default_plan, "b": replace(default_plan, bucket="month")})


# --- the report in a browser ---------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(
            executable_path=CHROMIUM,
            args=["--no-sandbox", "--disable-gpu", "--disable-background-networking"],
        )
        yield launched
        launched.close()


def test_the_report_draws_its_charts_and_hides_equal_rows(
    comparison: Comparison, browser: Browser, tmp_path: Path
) -> None:
    path = write_compare_report(comparison, tmp_path / "compare.html")
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(str(error)))
    page.on(
        "console", lambda m: problems.append(m.text) if m.type in {"error", "warning"} else None
    )
    page.route("**/*", lambda r: r.continue_() if r.request.url.startswith("file:") else r.abort())
    page.goto(path.as_uri())
    page.wait_for_selector("body[data-plotted=true]", timeout=60_000)
    for chart in ("ramps", "builds", "binding-strip"):
        assert page.locator(f"#{chart} .main-svg").count() > 0, chart
    # One line per plan and variant group (all variants, then each variant).
    assert page.locator("#ramps .scatterlayer .trace").count() >= 2
    rows = page.locator("#kpis tbody tr")
    visible = rows.evaluate_all("rows => rows.filter(r => r.offsetParent !== null).length")
    equal = page.locator("#kpis tbody tr.same").count()
    assert equal > 0
    page.check("#only-differences")
    hidden = rows.evaluate_all("rows => rows.filter(r => r.offsetParent !== null).length")
    assert hidden == visible - equal
    assert not page.locator("#kpis tr.same").first.is_visible()
    assert page.get_by_role("cell", name="delivered total").is_visible()
    page.uncheck("#only-differences")
    assert page.locator("#kpis tr.same").first.is_visible()
    assert problems == []


# --- evramp compare ------------------------------------------------------------------------


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVRAMP, *args], capture_output=True, text=True, check=False)


def test_compare_command_plans_prints_and_writes(
    default_scenario: Scenario, cut_scenario: Scenario, tmp_path: Path
) -> None:
    base = evramp.write_scenario(default_scenario, tmp_path / "base")
    cut = evramp.write_scenario(cut_scenario, tmp_path / "paint-cut")
    out = tmp_path / "out"
    process = run("compare", str(base), str(cut), "--only-differences", "--out", str(out))
    assert process.returncode == 0, process.stderr
    text = process.stdout
    assert "Plans compared (base base)" in text
    assert "delivered total" in text and "built 2023" not in text
    assert f"shops.{SHOP_CUT}.rate" in text
    html = (out / "compare.html").read_text(encoding="utf-8")
    assert "Plotly.newPlot" in html and "paint-cut" in html


def test_compare_command_refuses_a_bad_folder(default_scenario: Scenario, tmp_path: Path) -> None:
    base = evramp.write_scenario(default_scenario, tmp_path / "base")
    out = tmp_path / "out"
    process = run("compare", str(base), str(tmp_path / "missing"), "--out", str(out))
    assert process.returncode == EXIT_BAD_INPUT
    assert "Traceback" not in process.stderr and "missing" in process.stderr
    assert not (out / "compare.html").exists()
    one = run("compare", str(base), "--out", str(out))
    assert one.returncode == EXIT_BAD_INPUT and "two scenarios" in one.stderr


def test_kpi_frames_are_floats(comparison: Comparison) -> None:
    assert all(dtype == np.float64 for dtype in comparison.kpis.dtypes)
    assert isinstance(comparison.output.index, pd.MultiIndex)
