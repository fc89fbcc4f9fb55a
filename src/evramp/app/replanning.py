"""The re-plan use case: plan again from an as-of date on the scenario's actuals, the frozen
window held at the previous plan's builds, the solver started from its basis; then say how the
plan changed (analysis/plan_change.py) and write it as the new `plan/`."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput, NoPlan
from evramp.app.planning import (
    Planned,
    PlanOptions,
    level_options,
    plan_files,
    planning_label,
    write_step,
)
from evramp.app.scenarios import located, rejected
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.io import WrittenResult, write_result
from evramp.io.plan_folder import PlanFiles, PlanFolderInvalid, read_plan_folder
from evramp.model import Scenario, ScenarioInvalid

if TYPE_CHECKING:
    from evramp.analysis.plan_change import PlanChange
    from evramp.plan import PlanResult


@dataclass(frozen=True)
class ReplanOptions:
    """The options of `evramp replan` beside those of `evramp plan`."""

    as_of: dt.date
    """First day re-planned (a bucket's first day); the actuals are what happened before it."""
    frozen: int = 0
    """Buckets from `as_of` whose builds stay as the previous plan has them."""
    previous: Path | None = None
    """The plan folder re-planned; None: no previous plan (nothing frozen, a cold start)."""
    alpha: float = 0.9
    """Weight of each later bucket in the weighted instability."""
    source: Path | None = None
    """The folder or workbook the scenario was read from (the problems the re-plan finds in
    its actuals are located in a workbook's sheets and cells)."""


@dataclass(frozen=True)
class Replanned:
    planned: Planned
    change: PlanChange | None
    """How the plan changed from the previous one; None without a previous plan."""
    warm_words: str
    """How the solver started, in words."""


def read_previous(options: ReplanOptions) -> PlanFiles | None:
    """The previous plan's files, or `BadInput` before any solve; `--frozen` needs one."""
    if options.previous is None:
        if options.frozen:
            raise BadInput(
                f"--frozen {options.frozen}: there is no previous plan to hold (give --previous, "
                "or plan first); nothing written"
            )
        return None
    try:
        return read_plan_folder(options.previous)
    except PlanFolderInvalid as invalid:
        raise BadInput(f"--previous: {invalid}; nothing written") from None


def replan(
    scenario: Scenario,
    plan_options: PlanOptions,
    options: ReplanOptions,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
) -> Replanned:
    """Re-plan `scenario` (see the module). Raises `ScenarioRejected` for bad actuals (every
    problem at its row), `BadInput` for a bad previous plan, `NoPlan` when no plan keeps the
    past and the frozen window (the message names the frozen weeks that break and why)."""
    from evramp.analysis.explain import binding_weeks
    from evramp.plan import PlanFailed, Previous, ReplanRequest
    from evramp.plan import plan as make_plan
    from evramp.plan.basis import read_bases

    files = read_previous(options)
    previous = None if files is None else Previous.of(files["builds"], files["purchases"])
    warm = None
    if files is not None and files.basis is not None and not plan_options.integer:
        warm = read_bases(files.basis)
    request = ReplanRequest(options.as_of, options.frozen, previous)

    def solved() -> PlanResult:
        try:
            return make_plan(
                scenario,
                time_limit=plan_options.time_limit,
                integer=plan_options.integer,
                level=level_options(plan_options),
                replan=request,
                warm=warm,
            )
        except ScenarioInvalid as invalid:
            raise rejected(scenario.name, located(options.source, invalid)) from None
        except PlanFailed as failed:
            raise NoPlan(f"{failed}; no plan written") from None

    label = f"Re-planning from {options.as_of}, {options.frozen} frozen: " + planning_label(
        scenario, plan_options
    ).removeprefix("Planning ")
    result = steps(label, solved)
    planned = Planned(scenario, result, binding_weeks(result, scenario))
    change = None if files is None else change_from(files, result, options.alpha)
    return Replanned(planned, change, warm_words(result, files))


def warm_words(result: PlanResult, files: PlanFiles | None) -> str:
    if files is None:
        return "cold start (no previous plan)"
    if result.warm == "used":
        return f"started from the basis of {files.folder}"
    if files.basis is None:
        return f"cold start ({files.folder} has no basis.npz)"
    return f"cold start ({result.warm})" if result.warm else "cold start"


def change_from(files: PlanFiles, result: PlanResult, alpha: float) -> PlanChange:
    """The change from the plan in `files` to `result`, over the buckets from its as-of on."""
    from evramp.analysis.plan_change import plan_change

    def quantities(rows: list[tuple[str, str, float]]) -> dict[tuple[str, str], float]:
        totals: dict[tuple[str, str], float] = {}
        for variant, week, quantity in rows:
            totals[variant, week] = totals.get((variant, week), 0.0) + quantity
        return totals

    new = result.output
    after = quantities(list(zip(new["variant"], _iso(new["week"]), new["quantity"], strict=True)))
    before = quantities(list(files["output"].select("variant", "week", "quantity").iter_rows()))
    orders = result.orders
    old_orders = files["orders"].select("order", "last_delivery").iter_rows()
    promises = (
        {str(o): str(d or "") for o, d in old_orders},
        dict(zip(orders["order"].astype(str), _iso(orders["last_delivery"]), strict=True)),
    )
    return plan_change(
        result.bucket_starts,
        result.as_of,
        before,
        after,
        promises,
        (_binding(files), _binding_of(result)),
        alpha,
    )


def _iso(column: object) -> list[str]:
    import pandas as pd

    dates = pd.to_datetime(pd.Series(column))
    return ["" if pd.isna(d) else d.date().isoformat() for d in dates]


def _binding(files: PlanFiles) -> list[tuple[str, str]]:
    shops = files["capacity"].select("shop", "week", "shadow_price").iter_rows()
    parts = files["supply"].select("supplier", "item", "week", "shadow_price").iter_rows()
    return [(f"shop {s}", str(w)) for s, w, p in shops if abs(p or 0) > 1e-9] + [
        (f"part {i} from {s}", str(w)) for s, i, w, p in parts if abs(p or 0) > 1e-9
    ]


def _binding_of(result: PlanResult) -> list[tuple[str, str]]:
    capacity, supply = result.capacity, result.supply
    shops = capacity[capacity["shadow_price"].abs() > 1e-9]
    parts = supply[supply["shadow_price"].abs() > 1e-9]
    return [(f"shop {s}", w) for s, w in zip(shops["shop"], _iso(shops["week"]), strict=True)] + [
        (f"part {i} from {s}", w)
        for s, i, w in zip(parts["supplier"], parts["item"], _iso(parts["week"]), strict=True)
    ]


def write_replan(replanned: Replanned, out: Path, steps: StepRunner = run_step) -> WrittenResult:
    """The new plan as `plan/` of `out` (its tables, report, basis) and, beside them,
    `changes.csv`: each variant's output per bucket of the overlap, before and after."""
    files = plan_files(replanned.planned)
    change = replanned.change
    if change is not None:
        files["changes.csv"] = lambda path: _write_changes(change, path)
    return write_step("Writing plan and report", lambda: write_result(out, "plan", files), steps)


def _write_changes(change: PlanChange, path: Path) -> None:
    import csv

    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(("variant", "week", "before", "after", "change"))
        for variant, week, old, new in change.rows:
            writer.writerow((variant, week, f"{old:.6f}", f"{new:.6f}", f"{new - old:.6f}"))


__all__ = ["ReplanOptions", "Replanned", "replan", "write_replan"]
