"""Prove that planning free parts outside the LP keeps the optimum, on models too big to solve
whole from scratch.

    python benchmarks/certify_reduction.py [SCENARIO] [--cold]

Solving the full model (every part in the LP) cold is how `plan_default.py --full` compares
optima; on plant size M it is 496,392 rows × 1,037,556 columns and HiGHS had not finished after
16 minutes. Instead this script solves the reduced LP, extends its optimal basis to the full
model and lets HiGHS' simplex start there: each free part's material row in week t gets one
basic column, the just-in-time purchase from its free supplier line arriving in t (or, before
that line's lead time, the part's stock, 0 there). If the extended basis is optimal for the full
model, HiGHS proves it in few iterations; if it were not, the simplex would go on to the full
optimum, so the printed objective is the full model's optimum either way, found by HiGHS, not
assumed. `--cold` also solves the full model from scratch, to compare.
"""

from __future__ import annotations

import argparse
import time
from dataclasses import dataclass
from pathlib import Path

import highspy
import numpy as np
import numpy.typing as npt

import evramp
from evramp.plan import NOT_LEVELLED
from evramp.plan.chain import JustInTimeParts
from evramp.plan.index import PlanData, compile_scenario
from evramp.plan.layout import Block
from evramp.plan.lp import LinearProgram, build_lp
from evramp.plan.reduce import FreeParts
from evramp.plan.solve import highs_for

IntArray = npt.NDArray[np.int64]
LOWER, BASIC = int(highspy.HighsBasisStatus.kLower), int(highspy.HighsBasisStatus.kBasic)


@dataclass(frozen=True)
class Certificate:
    reduced_rows: int
    reduced_columns: int
    full_rows: int
    full_columns: int
    reduced_objective: float
    full_objective: float
    reduced_seconds: float
    full_seconds: float
    iterations: int
    status: str

    @property
    def relative_difference(self) -> float:
        return abs(self.full_objective - self.reduced_objective) / (1 + abs(self.full_objective))


def certify(scenario: evramp.Scenario) -> Certificate:
    """Solve the reduced LP, then the full one from the reduced optimal basis extended."""
    data = compile_scenario(scenario)
    smaller, inverse = JustInTimeParts().apply(data)  # the chain of plan(), free parts only
    free = inverse.free
    small, big = build_lp(smaller), build_lp(data)
    started = time.perf_counter()
    reduced = highs_for(small, "ipm")  # with crossover: a basis
    reduced.run()
    reduced_seconds = time.perf_counter() - started
    columns, rows = extended_basis(data, free, small, big, reduced.getBasis())
    full = highs_for(big, "simplex")
    basis = highspy.HighsBasis()
    basis.col_status = [highspy.HighsBasisStatus(int(s)) for s in columns]
    basis.row_status = [highspy.HighsBasisStatus(int(s)) for s in rows]
    started = time.perf_counter()
    full.setBasis(basis)
    full.run()
    info = full.getInfo()
    return Certificate(
        reduced_rows=small.shape[0],
        reduced_columns=small.shape[1],
        full_rows=big.shape[0],
        full_columns=big.shape[1],
        reduced_objective=float(reduced.getInfo().objective_function_value),
        full_objective=float(info.objective_function_value),
        reduced_seconds=reduced_seconds,
        full_seconds=time.perf_counter() - started,
        iterations=int(info.simplex_iteration_count),
        status=full.modelStatusToString(full.getModelStatus()),
    )


def extended_basis(
    data: PlanData,
    free: FreeParts,
    small: LinearProgram,
    big: LinearProgram,
    basis: highspy.HighsBasis,
) -> tuple[IntArray, IntArray]:
    """The reduced basis in the full model's indices, plus one basic column per free part row."""
    small_columns = np.array([int(s) for s in basis.col_status], dtype=np.int64)
    small_rows = np.array([int(s) for s in basis.row_status], dtype=np.int64)
    columns = np.full(big.shape[1], LOWER, dtype=np.int64)
    rows = np.full(big.shape[0], LOWER, dtype=np.int64)
    kept_items = np.setdiff1d(np.arange(len(data.items.ids)), free.item)
    kept_lines = np.flatnonzero(np.isin(data.lines.item, kept_items))
    for family in ("build", "deliver", "backlog", "experience", "overtime"):
        _copy(columns, getattr(big.columns, family), small_columns, getattr(small.columns, family))
    _copy(columns, big.columns.buy, small_columns, small.columns.buy, kept_lines)
    _copy(columns, big.columns.stock, small_columns, small.columns.stock, kept_items)
    for family in ("shops", "demand", "experience", "learning", "shares"):
        _copy(rows, getattr(big.rows, family), small_rows, getattr(small.rows, family))
    _copy(rows, big.rows.material, small_rows, small.rows.material, kept_items)
    weeks = np.arange(data.bucket_count)
    for item, line in zip(free.item, free.line, strict=True):
        release = weeks - data.lines.lead_time[line]
        buyable = release >= 0
        buyable[buyable] &= big.col_upper[big.columns.buy.at(line, release[buyable])] > 0
        columns[big.columns.buy.at(line, release[buyable])] = BASIC
        columns[big.columns.stock.at(item, weeks[~buyable])] = BASIC
    return columns, rows


def _copy(
    target: IntArray,
    big: Block,
    source: IntArray,
    small: Block,
    entities: IntArray | None = None,
) -> None:
    """Block `small` of `source` into block `big` of `target`, entity k of small being
    `entities[k]` of big (the same entity when None)."""
    if small.size == 0:
        return
    chosen = np.arange(big.entities) if entities is None else entities
    values = source[small.offset : small.stop].reshape(small.entities, small.buckets)
    target[big.offset : big.stop].reshape(big.entities, big.buckets)[chosen] = values


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("scenario", nargs="?", type=Path, default=evramp.builtin_scenario_path())
    parser.add_argument("--cold", action="store_true", help="also solve the full model cold")
    args = parser.parse_args()
    scenario = evramp.load_scenario(args.scenario)
    proof = certify(scenario)
    print(
        f"reduced {proof.reduced_rows:,} x {proof.reduced_columns:,}: "
        f"{proof.reduced_objective:,.2f} in {proof.reduced_seconds:.2f} s\n"
        f"full {proof.full_rows:,} x {proof.full_columns:,} from the extended basis: "
        f"{proof.status}, {proof.full_objective:,.2f} in {proof.full_seconds:.2f} s, "
        f"{proof.iterations:,} simplex iterations\n"
        f"relative difference {proof.relative_difference:.1e}"
    )
    if args.cold:
        cold = evramp.plan(scenario, reduce=False, level=NOT_LEVELLED)
        print(f"full model cold: {cold.objective:,.2f} in {cold.seconds['solve']:.2f} s")


if __name__ == "__main__":
    main()
