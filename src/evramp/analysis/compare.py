"""Plans side by side: key figures, what binds, weekly output and builds, each against a base.

The plans are what-ifs of one plant (`PlanResult`s, wherever they were kept); the first is the
base that the others are measured against. Frames hold one column per plan, named after it, so
that a plan's name never collides with a column of the comparison's own: what identifies a row
is in the index.

Plans whose horizons differ are compared over the union of their buckets; a bucket outside a
plan's horizon is missing (NaN) in that plan's column, not 0.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Final

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.analysis.explain.binding import AT_CAPACITY, significant_shadow
from evramp.model import Scenario
from evramp.model.scenario import TABLES
from evramp.plan import PlanResult
from evramp.plan.result import bucket_years

TOLERANCE: Final = 1e-6
"""Two values agree when they differ by at most this share of the base's (at least 1): LP
solutions carry noise of this order."""
ON_TIME: Final = "on-time delivery"
"""The KPI row that is a share (0..1); every other row is vehicles, vehicle-weeks or money."""
OBJECTIVE: Final = "objective"
COST_TERMS: Final = (
    "revenue", "purchases", "preference", "holding", "lateness", "overtime", "setups"
)  # fmt: skip
"""The keys of `PlanResult.costs`, in the order of its docstring."""
LATE: Final = "vehicle-weeks late"
"""Vehicles not delivered by their due bucket, summed over the buckets they wait (the
backlog): for day or month buckets, vehicle-days or vehicle-months."""
SHOP: Final = "shop"
SUPPLIER_LINE: Final = "supplier line"
NEWLY_BINDING: Final = "newly binding"
NO_LONGER_BINDING: Final = "no longer binding"
WEEKS_CHANGED: Final = "binding weeks changed"
# Tables too large to compare record by record, or that a what-if does not change.
_UNCOMPARED_TABLES: Final = frozenset({"demand", "actuals"})


@dataclass(frozen=True)
class Constraint:
    """A shop or supplier line that binds in a plan: in how many buckets, and what one more job
    or unit in each of them would have gained, summed."""

    kind: str
    """`shop` or `supplier line`."""
    name: str
    """The shop, or `ITEM from SUPPLIER`."""
    plan: str
    weeks: int
    shadow_value: float


@dataclass(frozen=True)
class BindingChange:
    """How a constraint's binding buckets in `plan` differ from the base's."""

    plan: str
    kind: str
    name: str
    change: str
    """`newly binding`, `no longer binding` or `binding weeks changed`."""
    base_weeks: int
    weeks: int
    weeks_added: int
    """Buckets binding in `plan` and not in the base."""
    weeks_removed: int
    """Buckets binding in the base and not in `plan`."""


@dataclass(frozen=True)
class InputChange:
    """A scenario value that differs between the plans' scenarios (what the what-if changed)."""

    address: str
    """As `Scenario.with_changes` takes it: `shops.paint.rate`; `TABLE.KEY` for a row that
    some scenarios lack; `demand` for the orders as a whole."""
    values: dict[str, str]
    """Plan -> the value as text ('' where the row is missing)."""


@dataclass(frozen=True)
class Comparison:
    """Plans side by side, the first (`base`) the one the others are measured against.

    - `kpis`: index the key figure (`built 2024`, `built total`, `delivered ...`, `on-time
      delivery` (share of the quantity due delivered on or before its due bucket),
      `vehicle-weeks late` (vehicles in backlog summed over buckets), the cost terms of
      `PlanResult.costs`, `objective`); one column per plan.
    - `status`: plan -> solver status.
    - `binding`: every binding bucket of every plan: columns kind, name, week, plan,
      shadow_price. `constraints` and `binding_changes` summarise it.
    - `output`: index (variant, week), vehicles completed per plan.
    - `builds`: index (item, shop, week), units started per plan.
    - `inputs`: the scenario values that differ (empty without the scenarios).
    """

    plans: tuple[str, ...]
    bucket: str
    status: dict[str, str]
    kpis: pd.DataFrame
    binding: pd.DataFrame
    output: pd.DataFrame
    builds: pd.DataFrame
    inputs: tuple[InputChange, ...] = ()
    only_differences: bool = False
    """True for the view that dropped the rows where every plan agrees."""

    @property
    def base(self) -> str:
        return self.plans[0]

    @property
    def statuses_differ(self) -> bool:
        return len(set(self.status.values())) > 1

    def differences(self, frame: pd.DataFrame) -> pd.DataFrame:
        """`frame` (kpis, output, builds, or one of their views) less the base's column: the
        base's column is 0, every other plan's its change."""
        return frame.sub(frame[self.base], axis=0)

    def total_output(self) -> pd.DataFrame:
        """Vehicles completed per bucket (index week), all variants, per plan."""
        return self.output.groupby(level="week").sum(min_count=1)

    def constraints(self) -> list[Constraint]:
        """Each plan's binding constraints, most binding buckets first."""
        summary = (
            self.binding.groupby(["kind", "name", "plan"], sort=False)
            .agg(weeks=("week", "size"), shadow_value=("shadow_price", "sum"))
            .reset_index()
            .sort_values(["weeks", "shadow_value", "name"], ascending=[False, False, True])
        )
        return [
            Constraint(str(kind), str(name), str(plan), int(weeks), float(value))
            for kind, name, plan, weeks, value in summary.itertuples(index=False)
        ]

    def binding_flags(self) -> pd.DataFrame:
        """Index (kind, name, week), one column per plan: True where it binds."""
        flags = (
            self.binding.assign(on=True)
            .pivot_table(
                index=["kind", "name", "week"],
                columns="plan",
                values="on",
                aggfunc="any",
                fill_value=False,
            )
            .reindex(columns=list(self.plans), fill_value=False)
        )
        flags.columns.name = None
        return flags.astype(bool)

    def binding_changes(self) -> list[BindingChange]:
        """Per plan other than the base, each constraint whose binding buckets changed."""
        flags = self.binding_flags()
        base = flags[self.base]
        by_constraint = ["kind", "name"]
        weeks = flags.groupby(level=by_constraint).sum()
        added = flags.gt(base, axis=0).groupby(level=by_constraint).sum()
        removed = flags.lt(base, axis=0).groupby(level=by_constraint).sum()
        changes = [
            change
            for plan in self.plans[1:]
            for change in _binding_changes(plan, weeks[self.base], weeks[plan], added, removed)
        ]
        return sorted(changes, key=lambda c: (c.plan, -c.weeks_added - c.weeks_removed, c.name))

    def view(self, only_differences: bool) -> Comparison:
        """This comparison, or its only-differences view."""
        return self.differing() if only_differences else self

    def differing(self) -> Comparison:
        """The view without the KPI, output and builds rows where every plan agrees (within
        `TOLERANCE`); binding is kept whole (`binding_changes` is its difference)."""
        return replace(
            self,
            kpis=self.kpis[~agree(self.kpis)],
            output=self.output[~agree(self.output)],
            builds=self.builds[~agree(self.builds)],
            only_differences=True,
        )


def agree(frame: pd.DataFrame, tolerance: float = TOLERANCE) -> npt.NDArray[np.bool_]:
    """Per row: every column within `tolerance` (relative, at least absolute) of the first,
    missing where the first is missing."""
    values = frame.to_numpy(dtype=np.float64)
    if values.shape[1] == 0:
        return np.ones(len(frame), dtype=bool)
    base = values[:, :1]
    close = np.abs(values - base) <= tolerance * np.maximum(1.0, np.abs(base))
    return np.asarray((close | (np.isnan(values) & np.isnan(base))).all(axis=1), dtype=bool)


def compare(
    plans: Mapping[str, PlanResult], scenarios: Mapping[str, Scenario] | None = None
) -> Comparison:
    """The plans side by side, the first the base. With their scenarios (by the same names),
    the scenario values that differ are listed too (`Comparison.inputs`). Raises `ValueError`
    without plans or for plans in different buckets (weeks cannot be set beside months)."""
    if not plans:
        raise ValueError("no plans to compare")
    buckets = {result.bucket for result in plans.values()}
    if len(buckets) > 1:
        raise ValueError(f"plans in different buckets ({', '.join(sorted(buckets))})")
    names = tuple(plans)
    return Comparison(
        plans=names,
        bucket=buckets.pop(),
        status={name: result.status for name, result in plans.items()},
        kpis=_kpis(plans),
        binding=_binding(plans),
        output=_output(plans),
        builds=_builds(plans),
        inputs=_inputs(names, scenarios) if scenarios else (),
    )


# --- key figures -----------------------------------------------------------------------------


def _kpis(plans: Mapping[str, PlanResult]) -> pd.DataFrame:
    years = sorted(set().union(*(_years(result) for result in plans.values())))
    rows = [
        *(f"built {year}" for year in years),
        "built total",
        *(f"delivered {year}" for year in years),
        "delivered total",
        ON_TIME,
        LATE,
        *COST_TERMS,
        OBJECTIVE,
    ]
    columns = {name: _plan_kpis(result).reindex(rows) for name, result in plans.items()}
    frame = pd.DataFrame(columns, index=pd.Index(rows, name="kpi"))
    return frame.astype(np.float64)


def _years(result: PlanResult) -> list[int]:
    return sorted({int(y) for y in bucket_years(result.bucket_starts, result.bucket)})


def _plan_kpis(result: PlanResult) -> pd.Series:
    years = _years(result)
    built = result.output.groupby("year")["quantity"].sum().reindex(years, fill_value=0.0)
    delivered = result.deliveries.groupby("year")["quantity"].sum().reindex(years, fill_value=0.0)
    due = float(result.orders["quantity"].sum())
    on_time = float(result.orders["on_time"].sum()) / due if due > 0 else 1.0
    values: dict[str, float] = {
        **{f"built {year}": float(v) for year, v in built.items()},
        "built total": float(built.sum()),
        **{f"delivered {year}": float(v) for year, v in delivered.items()},
        "delivered total": float(delivered.sum()),
        ON_TIME: on_time,
        LATE: float(result.backlog["quantity"].sum()),
        **{term: float(result.costs.get(term, 0.0)) for term in COST_TERMS},
        OBJECTIVE: float(result.objective),
    }
    return pd.Series(values, dtype=np.float64)


# --- binding ---------------------------------------------------------------------------------


BINDING_COLUMNS: Final = ["kind", "name", "week", "plan", "shadow_price"]


def _binding(plans: Mapping[str, PlanResult]) -> pd.DataFrame:
    frames = [
        frame for name, result in plans.items() if not (frame := binding_of(result, name)).empty
    ]
    if not frames:
        return pd.DataFrame(
            {
                "kind": pd.Series(dtype=object),
                "name": pd.Series(dtype=object),
                "week": pd.Series(dtype="datetime64[s]"),
                "plan": pd.Series(dtype=object),
                "shadow_price": pd.Series(dtype=np.float64),
            }
        )
    return pd.concat(frames, ignore_index=True)[BINDING_COLUMNS]


def binding_of(result: PlanResult, plan: str) -> pd.DataFrame:
    """Every binding shop-week and supplier-line-week of `result`, by the rule of
    `evramp.analysis.explain.binding_weeks` (at capacity, with a shadow price above a
    thousandth of the largest of its kind), but per supplier line rather than per part: a
    what-if often moves one line of a part."""
    capacity = result.capacity
    shops = capacity[
        (capacity["capacity"] > 0)
        & (capacity["load"] >= capacity["capacity"] - AT_CAPACITY)
        & significant_shadow(capacity["shadow_price"])
    ]
    supply = result.supply
    # supply's shadow price is 0 unless the line delivers at its capacity (plan/result.py).
    lines = supply[(supply["capacity"] > 0) & significant_shadow(supply["shadow_price"])]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "kind": SHOP,
                    "name": shops["shop"].astype(str),
                    "week": shops["week"],
                    "plan": plan,
                    "shadow_price": shops["shadow_price"],
                }
            ),
            pd.DataFrame(
                {
                    "kind": SUPPLIER_LINE,
                    "name": lines["item"].astype(str) + " from " + lines["supplier"].astype(str),
                    "week": lines["week"],
                    "plan": plan,
                    "shadow_price": lines["shadow_price"],
                }
            ),
        ],
        ignore_index=True,
    )


def _binding_changes(
    plan: str, before: pd.Series, after: pd.Series, added: pd.DataFrame, removed: pd.DataFrame
) -> list[BindingChange]:
    """The constraints whose binding buckets differ in `plan` (weeks per constraint: `before`
    in the base, `after` in `plan`)."""
    moved = ((added[plan] > 0) | (removed[plan] > 0)).to_numpy()
    columns = zip(
        before.index[moved],
        before.to_numpy(dtype=np.int64)[moved],
        after.to_numpy(dtype=np.int64)[moved],
        added[plan].to_numpy(dtype=np.int64)[moved],
        removed[plan].to_numpy(dtype=np.int64)[moved],
        strict=True,
    )
    return [
        BindingChange(
            plan, str(kind), str(name), _change_word(int(old), int(new)),
            int(old), int(new), int(plus), int(minus),
        )
        for (kind, name), old, new, plus, minus in columns
    ]  # fmt: skip


def _change_word(before: int, after: int) -> str:
    if before == 0:
        return NEWLY_BINDING
    return NO_LONGER_BINDING if after == 0 else WEEKS_CHANGED


# --- output and builds -----------------------------------------------------------------------


def _output(plans: Mapping[str, PlanResult]) -> pd.DataFrame:
    """Every variant in every bucket of each plan's horizon (0 where nothing is completed), so
    that ramps are whole lines."""
    variants = sorted(set().union(*(set(r.output["variant"]) for r in plans.values())))
    columns = {
        name: result.output.groupby(["variant", "week"])["quantity"]
        .sum()
        .reindex(
            pd.MultiIndex.from_product([variants, result.dates], names=["variant", "week"]),
            fill_value=0.0,
        )
        for name, result in plans.items()
    }
    return _side_by_side(columns, ["variant", "week"])


def _builds(plans: Mapping[str, PlanResult]) -> pd.DataFrame:
    """Units started per item, shop and bucket: 0 where a plan starts none, missing outside
    its horizon."""
    keys = ["item", "shop", "week"]
    columns = {
        name: result.builds.groupby(keys)["quantity"].sum() for name, result in plans.items()
    }
    frame = _side_by_side(columns, keys).fillna(0.0)
    weeks = frame.index.get_level_values("week")
    for name, result in plans.items():  # one pass per plan, not per row
        frame.loc[~weeks.isin(result.dates), name] = np.nan
    return frame


def _side_by_side(columns: Mapping[str, pd.Series], keys: Sequence[str]) -> pd.DataFrame:
    if not columns or all(series.empty for series in columns.values()):
        index = pd.MultiIndex.from_arrays([[] for _ in keys], names=list(keys))
        return pd.DataFrame({name: pd.Series(dtype=np.float64) for name in columns}, index=index)
    frame = pd.concat(columns, axis=1).sort_index()
    frame.index.names = list(keys)
    return frame.astype(np.float64)


# --- inputs ----------------------------------------------------------------------------------


def _inputs(plans: Sequence[str], scenarios: Mapping[str, Scenario]) -> tuple[InputChange, ...]:
    """The scenario values that differ between the plans' scenarios (those given)."""
    named = [(plan, scenarios[plan]) for plan in plans if plan in scenarios]
    if len(named) < 2:
        return ()
    values: dict[str, dict[str, str]] = {}
    for plan, scenario in named:
        for address, value in _values(scenario).items():
            values.setdefault(address, {})[plan] = value
    changes = [
        InputChange(address, {plan: by_plan.get(plan, "") for plan, _ in named})
        for address, by_plan in values.items()
        if len({by_plan.get(plan, "") for plan, _ in named}) > 1
    ]
    return (*changes, *_demand_change(named))


def _values(scenario: Scenario) -> dict[str, str]:
    """Every value of the scenario's small tables and calendar by its address, as text; a row
    is also listed as `TABLE.KEY` (so that a row one scenario lacks shows once)."""
    found = {
        f"calendar.{field}": str(value)
        for field, value in scenario.calendar.model_dump(by_alias=True).items()
    }
    for spec in TABLES:
        if spec.name in _UNCOMPARED_TABLES:
            continue
        for record in scenario.table(spec.name):
            row = f"{spec.name}.{':'.join(str(getattr(record, k)) for k in spec.key)}"
            found[row] = "present"
            for column, value in record.model_dump(by_alias=True).items():
                found[f"{row}.{column}"] = "" if value is None else str(value)
    return found


def _demand_change(named: Sequence[tuple[str, Scenario]]) -> list[InputChange]:
    frames = [scenario.demand_table.frame for _, scenario in named]
    if all(frame.equals(frames[0]) for frame in frames[1:]):
        return []
    words = {
        plan: f"{frame.height:,} orders, {float(frame['quantity'].sum()):,.0f} vehicles"
        for (plan, _), frame in zip(named, frames, strict=True)
    }
    return [InputChange("demand", words)]


__all__ = [
    "BindingChange",
    "Comparison",
    "Constraint",
    "InputChange",
    "agree",
    "binding_of",
    "compare",
]
