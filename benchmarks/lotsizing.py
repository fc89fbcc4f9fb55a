"""Capacitated lot sizing with setup times (Trigeiro, Thomas & McClain 1989): reader, reference MIP.

    python benchmarks/lotsizing.py [--time-limit S] [--only G30] [--data DIR] [--tr6-15]

Reads the six public `.DAT` instances kept beside the repository (default
`<repo>/../shared/benchmarks/lotsizing`, see its README.md; they are reference data and never
copied into the repository), solves each directly with HiGHS and prints a table. When the folder is
absent the script says so and exits 0. The evramp columns come from `solve_with_evramp`: the
instance as an evramp scenario (`to_scenario`: one shop, a vehicle per item, orders promised on
time) planned in integer mode with setups, gap 0. Latest table: benchmarks/RESULTS.md.

The model (the textbook CLSP with setup times): minimise Σ sc_i·y[i,t] + Σ h_i·s[i,t] subject to
s[i,t-1] + x[i,t] - s[i,t] = d[i,t] (no initial stock, no backlog), Σ_i b_i·x[i,t] + st_i·y[i,t] ≤
cap[t], x[i,t] ≤ M[i,t]·y[i,t] with M[i,t] = min(d[i,t..T], (cap[t] - st_i)/b_i), y binary.

Formulation. It is solved in its facility-location (shortest-path) reformulation: z[i,t,k] is the
share of d[i,k] made in period t ≤ k, so x[i,t] = Σ_k d[i,k]·z[i,t,k] and the holding cost of that
share is h_i·(k - t)·d[i,k]. Rows: Σ_{t≤k} z[i,t,k] = 1 for every demand d[i,k] > 0; z[i,t,k] ≤
y[i,t]; the capacity rows. The tight M enters as bounds: y[i,t] = 0 where M[i,t] = 0 (the setup does
not fit, or nothing is left to make) and z[i,t,k] ≤ min(1, M[i,t]/d[i,k]). Per item this is the
convex hull of uncapacitated lot sizing, the same LP bound as all (l,S) inequalities, e.g. on G72
287,753 against 57,136 for the textbook model with the tight M alone (optimum 287,929).

Measured with HiGHS 1.15.1, one thread, 60 s limit, gap 0 (below), on the 2-core development
machine; seconds, or TL (time limit reached) with the relative gap left:

    formulation                          G30   G53   G57   G62          G69          G72
    textbook x,s,y + tight M             1.6   4.5   11.8  38.2         TL 1.7e-3    TL 4.3e-4
    + all interval (l,S) inequalities    3.8   14.5  36.6  TL 7.9e-3    TL 3.0e-3    TL 5.7e-4
    + (l,S) separated on the LP (*)      3.3   15.4  -     TL 4.2e-3    -            -
    x,s,y linked to facility location    6.8   28.5  34.8  TL 5.8e-3    TL 3.2e-3    TL 3.6e-4
    facility location (kept)             3.4   11.4  8.1   39.2         TL 7.6e-4    24.1

(*) rounds of the exact (l,S) separation on the LP relaxation, then the MIP with the cuts as rows;
run at HiGHS's default gap 1e-4 and dropped early. All (l,S) variants and facility location have
the same LP bound, but the (l,S) rows make HiGHS 1.1-4.5 times slower and time out on G62 and G72.
Facility location proves five of six instances within 60 s and G69 in 120 s (600 s limit), where
the textbook model needed 237 s; HiGHS's own cuts make the textbook model faster on G30, G53
and G62, but it times out on G72. Adding Σ_k d[i,k]·z[i,t,k] ≤ M[i,t]·y[i,t] rows was
about 15 % slower in total and left G69 at 2.3e-3 after 60 s, so the tight M is kept as bounds only.

Gap. HiGHS's default relative gap (1e-4) stops G72 at 287,939 and calls it optimal; the optimum is
287,929. So the relative gap is 0 and, when every b is 1 and the data are integers, the absolute
gap is 1 - 1e-6: the optimum is then an integer (for fixed setups the rest is a network flow with
integer capacities and costs), so a bound within 1 of the incumbent proves it. Otherwise the
absolute gap is HiGHS's default 1e-6.

Known optima: neither the README nor the file footers (column labels only) give objective values,
so the table has no reference column; `gap` is HiGHS's gap to its own dual bound.
"""

from __future__ import annotations

import argparse
import datetime as dt
import math
import sys
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import numpy.typing as npt
import scipy.sparse as sp

import evramp
from evramp.model import Calendar, Item, Order, Routing, Shop
from evramp.plan.solve import new_highs

FloatArray = npt.NDArray[np.float64]

DEFAULT_DATA = Path(__file__).resolve().parents[2] / "shared" / "benchmarks" / "lotsizing"
DEFAULT_TIME_LIMIT = 60.0
ITEMS_IN_FIRST_BLOCK = 15  # README: when n > 15, T more demand rows hold items 16..n


@dataclass(frozen=True)
class Instance:
    """One CLSP instance; arrays are indexed [item] or [item, period], both from 0."""

    name: str
    n: int  # items
    T: int  # periods
    capacity: FloatArray  # (T,) capacity per period
    b: FloatArray  # (n,) capacity used per unit
    h: FloatArray  # (n,) holding cost per unit and period
    setup_time: FloatArray  # (n,) capacity used by a setup
    setup_cost: FloatArray  # (n,) cost of a setup
    demand: FloatArray  # (n, T)


def _numbers(path: Path, number: int, line: str, count: int, what: str) -> list[float]:
    fields = line.split()
    if len(fields) != count:
        raise ValueError(f"{path}:{number}: expected {count} numbers ({what}), got {len(fields)}")
    try:
        values = [float(field) for field in fields]
    except ValueError:
        raise ValueError(
            f"{path}:{number}: expected numbers ({what}), got {line.strip()!r}"
        ) from None
    if not all(math.isfinite(value) for value in values):
        raise ValueError(f"{path}:{number}: non-finite number ({what}) in {line.strip()!r}")
    return values


def _is_numeric(line: str) -> bool:
    try:
        [float(field) for field in line.split()]
    except ValueError:
        return False
    return True


def read_instance(path: str | Path, *, tr6_15: bool = False) -> Instance:
    """Read a Trigeiro `.DAT` file as its README describes; `ValueError` names file and line.

    Line 1 `n T`; line 2 the constant 1; line 3 the capacity (the same in every period); n lines
    `b h setup_time setup_cost`; T rows of demands of items 1..min(n, 15); when n > 15, T more rows
    of demands of items 16..n (read literally for any n, though the data have n ≤ 24); then a text
    footer (column labels), which is ignored, but a numeric line where it should start is an error
    (usually a wrong `n T`). Blank lines are skipped; line numbers are those of the file.

    `tr6_15=True` gives the literature's "tr6-15" variant of G30 (README): every b set to 1. The
    variant is only defined for G30, so the instance must have 6 items and 15 periods.
    """
    path = Path(path)
    try:
        text = path.read_text(encoding="ascii")
    except UnicodeDecodeError as error:
        raise ValueError(f"{path}: not an ASCII text file ({error.reason})") from None
    lines = [(number, line) for number, line in enumerate(text.splitlines(), 1) if line.strip()]
    cursor = 0

    def take(what: str) -> tuple[int, str]:
        nonlocal cursor
        if cursor == len(lines):
            after = lines[-1][0] + 1 if lines else 1
            raise ValueError(f"{path}:{after}: unexpected end of file, expected {what}")
        cursor += 1
        return lines[cursor - 1]

    number, line = take("`n T`")
    n_value, t_value = _numbers(path, number, line, 2, "items and periods")
    if not (n_value.is_integer() and t_value.is_integer() and n_value >= 1 and t_value >= 1):
        raise ValueError(f"{path}:{number}: items and periods must be positive integers")
    n, periods = int(n_value), int(t_value)

    number, line = take("the constant 1")
    if _numbers(path, number, line, 1, "the constant 1") != [1.0]:
        raise ValueError(f"{path}:{number}: expected the constant 1, got {line.strip()!r}")

    number, line = take("the capacity")
    (capacity,) = _numbers(path, number, line, 1, "capacity per period")
    if capacity <= 0:
        raise ValueError(f"{path}:{number}: capacity must be positive, got {capacity:g}")

    items = np.empty((n, 4))
    for i in range(n):
        what = f"item {i + 1}: b h setup_time setup_cost"
        number, line = take(what)
        b, h, setup_time, setup_cost = _numbers(path, number, line, 4, what)
        if b <= 0 or min(h, setup_time, setup_cost) < 0:
            raise ValueError(
                f"{path}:{number}: item {i + 1}: b must be positive and h, setup time and setup "
                f"cost non-negative, got {line.strip()!r}"
            )
        items[i] = b, h, setup_time, setup_cost

    demand = np.empty((n, periods))
    blocks = [(0, min(n, ITEMS_IN_FIRST_BLOCK))]
    if n > ITEMS_IN_FIRST_BLOCK:
        blocks.append((ITEMS_IN_FIRST_BLOCK, n))
    for first, last in blocks:
        for t in range(periods):
            what = f"period {t + 1} demands of items {first + 1}..{last}"
            number, line = take(what)
            row = _numbers(path, number, line, last - first, what)
            if min(row) < 0:
                raise ValueError(f"{path}:{number}: negative demand in {line.strip()!r}")
            demand[first:last, t] = row

    if cursor < len(lines) and _is_numeric(lines[cursor][1]):
        number, line = lines[cursor]
        raise ValueError(
            f"{path}:{number}: expected the text footer after the demands, got numbers "
            f"{line.strip()!r} (is `n T` on line 1 right?)"
        )

    name = path.stem
    b_values = items[:, 0].copy()
    if tr6_15:
        if (n, periods) != (6, 15):
            raise ValueError(
                f"{path}: tr6_15 is a variant of G30 (6 items × 15 periods), not of {n}×{periods}"
            )
        name, b_values = f"{name}/tr6-15", np.ones(n)
    return Instance(
        name=name,
        n=n,
        T=periods,
        capacity=np.full(periods, capacity),
        b=b_values,
        h=items[:, 1].copy(),
        setup_time=items[:, 2].copy(),
        setup_cost=items[:, 3].copy(),
        demand=demand,
    )


@dataclass(frozen=True)
class DirectResult:
    objective: float  # cost of the best plan found (nan if none)
    gap: float  # HiGHS's relative MIP gap (inf if no plan)
    seconds: float  # wall time: model build and HiGHS
    status: str  # HiGHS model status, e.g. "Optimal", "Time limit reached"
    bound: float = float("nan")  # HiGHS's dual bound
    production: FloatArray | None = None  # (n, T) units made, None if no plan
    setups: FloatArray | None = None  # (n, T) 0/1, None if no plan


def tight_big_m(instance: Instance) -> FloatArray:
    """M[i, t] = min(d[i, t..T], (cap[t] - st_i)/b_i), at least 0: the most item i made in t."""
    remaining = np.cumsum(instance.demand[:, ::-1], axis=1)[:, ::-1]
    fits = (instance.capacity[None, :] - instance.setup_time[:, None]) / instance.b[:, None]
    return np.maximum(np.minimum(remaining, fits), 0.0)


def _integral_optimum(instance: Instance) -> bool:
    """With b = 1 and integer data every optimal objective is an integer (see the module doc)."""
    data = np.concatenate(
        [
            instance.demand.ravel(),
            instance.capacity,
            instance.setup_time,
            instance.h,
            instance.setup_cost,
        ]
    )
    return bool(np.all(instance.b == 1.0) and np.all(data == np.round(data)))


def solve_direct(instance: Instance, time_limit: float = DEFAULT_TIME_LIMIT) -> DirectResult:
    """Solve the CLSP with HiGHS in the facility-location formulation (module doc), one thread."""
    started = time.perf_counter()
    n, periods = instance.n, instance.T
    n_setups = n * periods
    big_m = tight_big_m(instance)
    d = instance.demand
    # One z column per (i, t, k) with t <= k, d[i, k] > 0 and a setup in t possible.
    item, made, due = np.nonzero(
        np.triu(np.ones((periods, periods), dtype=bool))[None, :, :]
        & (d[:, None, :] > 0)
        & (big_m[:, :, None] > 0)
    )
    n_z = item.size
    amount = d[item, due]
    z = np.arange(n_z)
    y_of_z = n_z + item * periods + made
    y = n_z + np.arange(n_setups)
    n_cols = n_z + n_setups

    cost = np.concatenate(
        [instance.h[item] * (due - made) * amount, instance.setup_cost.repeat(periods)]
    )
    col_lower = np.zeros(n_cols)
    col_upper = np.concatenate(
        [np.minimum(1.0, big_m[item, made] / amount), (big_m > 0).astype(np.float64).ravel()]
    )
    integer = np.zeros(n_cols, dtype=bool)
    integer[n_z:] = True

    # Rows: [demand (i, k) with d > 0] [z - y <= 0, one per z] [capacity, one per period].
    demand_row = np.flatnonzero(d.ravel() > 0)
    n_demand = demand_row.size
    # A demand that no period can make keeps an empty row 1 <= 0 <= 1: HiGHS says infeasible.
    demand_of_z = np.searchsorted(demand_row, item * periods + due)
    link = n_demand + z
    capacity = n_demand + n_z + np.arange(periods)
    rows = [demand_of_z, link, link, capacity[made], np.tile(capacity, n)]
    cols = [z, z, y_of_z, z, y]
    vals = [
        np.ones(n_z),
        np.ones(n_z),
        -np.ones(n_z),
        instance.b[item] * amount,
        np.repeat(instance.setup_time, periods),
    ]
    n_rows = n_demand + n_z + periods
    matrix = sp.coo_array(
        (np.concatenate(vals), (np.concatenate(rows), np.concatenate(cols))), shape=(n_rows, n_cols)
    ).tocsc()
    row_lower = np.concatenate([np.ones(n_demand), np.full(n_z + periods, -np.inf)])
    row_upper = np.concatenate([np.ones(n_demand), np.zeros(n_z), instance.capacity])

    highs = new_highs()
    highs.setOptionValue("output_flag", False)
    highs.setOptionValue("threads", 1)
    highs.setOptionValue("random_seed", 0)
    highs.setOptionValue("time_limit", float(time_limit))
    highs.setOptionValue("mip_rel_gap", 0.0)
    highs.setOptionValue("mip_abs_gap", 1.0 - 1e-6 if _integral_optimum(instance) else 1e-6)
    model = highspy.HighsLp()
    model.num_col_ = n_cols
    model.num_row_ = n_rows
    model.col_cost_ = cost
    model.col_lower_ = col_lower
    model.col_upper_ = col_upper
    model.row_lower_ = row_lower
    model.row_upper_ = row_upper
    model.a_matrix_.format_ = highspy.MatrixFormat.kColwise
    model.a_matrix_.num_col_ = n_cols
    model.a_matrix_.num_row_ = n_rows
    model.a_matrix_.start_ = matrix.indptr
    model.a_matrix_.index_ = matrix.indices
    model.a_matrix_.value_ = matrix.data
    model.integrality_ = [
        highspy.HighsVarType.kInteger if flag else highspy.HighsVarType.kContinuous
        for flag in integer
    ]
    model.sense_ = highspy.ObjSense.kMinimize
    highs.passModel(model)
    highs.run()

    info = highs.getInfo()
    status = highs.modelStatusToString(highs.getModelStatus())
    has_plan = int(info.primal_solution_status) == int(
        highspy.SolutionStatus.kSolutionStatusFeasible
    )
    if not has_plan:
        return DirectResult(
            float("nan"),
            float("inf"),
            time.perf_counter() - started,
            status,
            float(info.mip_dual_bound),
        )
    values = np.asarray(highs.getSolution().col_value)
    production = np.zeros((n, periods))
    np.add.at(production, (item, made), amount * values[:n_z])
    return DirectResult(
        objective=float(info.objective_function_value),
        gap=float(info.mip_gap),
        seconds=time.perf_counter() - started,
        status=status,
        bound=float(info.mip_dual_bound),
        production=production,
        setups=np.round(values[n_z:]).reshape(n, periods),
    )


def to_scenario(instance: Instance) -> evramp.Scenario:
    """The instance as an evramp scenario: one shop, an item (a "vehicle") per CLSP item with
    its holding cost and a routing with its capacity use, setup time and setup cost, and one
    order per item and period, promised on time (`max_weeks_late` 0): the textbook model has no
    backlog."""
    if not np.allclose(instance.capacity, instance.capacity[0]):
        raise ValueError(f"{instance.name}: capacity varies by period; one shop rate cannot say so")
    first = dt.date(2024, 1, 1)  # a Monday
    items = [f"I{i + 1}" for i in range(instance.n)]
    return evramp.Scenario(
        name=instance.name,
        calendar=Calendar(first_week=first, horizon_weeks=instance.T),
        items=tuple(
            Item(id=item, kind="vehicle", holding_cost=float(h))
            for item, h in zip(items, instance.h, strict=True)
        ),
        bom=(),
        shops=(
            Shop(
                id="machine",
                rate=float(instance.capacity[0]) / 40.0,
                shifts_per_day=1,
                days_per_week=5,
            ),
        ),
        routings=tuple(
            Routing(
                item=item,
                shop="machine",
                jobs_per_unit=float(instance.b[i]),
                setup_time=float(instance.setup_time[i]),
                setup_cost=float(instance.setup_cost[i]),
            )
            for i, item in enumerate(items)
        ),
        suppliers=(),
        demand=tuple(
            Order(
                id=f"{items[i]}-{t + 1}",
                variant=items[i],
                quantity=float(instance.demand[i, t]),
                due=first + dt.timedelta(weeks=int(t)),
                max_weeks_late=0,
            )
            for i, t in zip(*np.nonzero(instance.demand > 0), strict=True)
        ),
    )


@dataclass(frozen=True)
class EvrampResult:
    objective: float  # setup and holding costs of evramp's plan, as the CLSP counts them
    gap: float
    seconds: float
    status: str
    on_time: bool


def solve_with_evramp(instance: Instance, time_limit: float = DEFAULT_TIME_LIMIT) -> EvrampResult:
    """Plan the instance with evramp in integer mode (setups as binaries), gap 0 as above."""
    started = time.perf_counter()
    scenario = to_scenario(instance)
    result = evramp.plan(scenario, integer=True, time_limit=time_limit, mip_gap=0.0)
    holding = {item.id: item.holding_cost for item in scenario.items}
    held = float((result.stock["quantity"] * result.stock["item"].map(holding)).sum())
    return EvrampResult(
        objective=result.costs["setups"] + held,
        gap=result.gap,
        seconds=time.perf_counter() - started,
        status=result.status,
        on_time=result.backlog.empty,
    )


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--time-limit", type=float, default=DEFAULT_TIME_LIMIT, metavar="S")
    parser.add_argument(
        "--only", action="append", metavar="NAME", help="instance to solve, e.g. G30 (repeatable)"
    )
    parser.add_argument("--data", type=Path, default=DEFAULT_DATA, metavar="DIR")
    parser.add_argument(
        "--tr6-15", action="store_true", help="solve G30 as its tr6-15 variant (b = 1)"
    )
    args = parser.parse_args(argv)

    if not args.data.is_dir():
        print(f"skipped: lot-sizing data folder {args.data} not found (pass --data DIR)")
        return 0
    files = sorted(path for path in args.data.iterdir() if path.suffix.upper() == ".DAT")
    if args.only:
        wanted = {name.upper() for name in args.only}
        missing = wanted - {path.stem.upper() for path in files}
        if missing:
            parser.error(f"not in {args.data}: {', '.join(sorted(missing))}")
        files = [path for path in files if path.stem.upper() in wanted]
    if not files:
        print(f"skipped: no .DAT files in {args.data}")
        return 0

    print(f"direct HiGHS (facility location), one thread, time limit {args.time_limit:g} s\n")
    header = [
        "instance",
        "n",
        "T",
        "objective",
        "bound",
        "gap",
        "seconds",
        "status",
        "evramp objective",
        "evramp gap",
        "evramp s",
        "evramp status",
    ]
    print("| " + " | ".join(header) + " |")
    print("|" + "|".join("---" for _ in header) + "|")
    for path in files:
        instance = read_instance(path, tr6_15=args.tr6_15 and path.stem.upper() == "G30")
        result = solve_direct(instance, args.time_limit)
        ours = solve_with_evramp(instance, args.time_limit)
        cells = [
            instance.name,
            str(instance.n),
            str(instance.T),
            f"{result.objective:,.0f}",
            f"{result.bound:,.1f}",
            f"{result.gap:.1e}",
            f"{result.seconds:.1f}",
            result.status,
            f"{ours.objective:,.0f}" + ("" if ours.on_time else " (late)"),
            f"{ours.gap:.1e}",
            f"{ours.seconds:.1f}",
            ours.status,
        ]
        print("| " + " | ".join(cells) + " |", flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
