"""The MRP use case: the plan's purchases as purchase orders (what to buy, from whom, when to
release it), written as the result `mrp/`. The scenario is planned again with the options of
the plan the orders are to follow."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from evramp.app.planning import DEFAULT_PLAN_OPTIONS, PlanOptions, plan_again, write_step
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.io import WrittenResult, write_result
from evramp.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from evramp.plan import PlanResult
    from evramp.plan.watch import ProgressReport

WRITING_ORDERS = "Writing purchase orders"


@dataclass(frozen=True)
class PurchaseOrders:
    """Firm and planned purchase orders of a plan (`evramp.analysis.mrp.purchase_orders`)."""

    result: PlanResult
    orders: pd.DataFrame
    """One row per order, time columns named `*_week` whatever the bucket."""

    @property
    def bucket(self) -> str:
        return self.result.bucket

    @property
    def planned(self) -> pd.DataFrame:
        """The orders still to place (not those already on order)."""
        return self.orders[self.orders["status"] == "planned"]

    def table(self) -> pd.DataFrame:
        """The orders as `mrp/purchase_orders.csv` has them: time columns named after the
        bucket (`release_day`, `receipt_month`)."""
        from evramp.plan.result import bucket_columns

        return bucket_columns(self.orders, self.bucket)


def mrp(
    scenario: Scenario,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
    result: PlanResult | None = None,
) -> PurchaseOrders:
    """Plan `scenario` with `options` (as the step `Planning ...`), or take `result` (a stored
    plan of it), and turn its purchases into orders rounded to each supplier's MOQ and lot
    multiple."""
    from evramp.analysis.mrp import purchase_orders

    if result is None:
        result = plan_again(scenario, options, steps, say, progress)
    return PurchaseOrders(result, purchase_orders(scenario, result))


def write_mrp(orders: PurchaseOrders, out: Path, steps: StepRunner = run_step) -> WrittenResult:
    """The orders as the result `mrp/` (`purchase_orders.csv`) of the folder `out`. Raises
    `BadInput` if the folder cannot take it."""
    from evramp.io.tables import table_files

    def write() -> WrittenResult:
        return write_result(out, "mrp", table_files({"purchase_orders": orders.table()}))

    return write_step(WRITING_ORDERS, write, steps)
