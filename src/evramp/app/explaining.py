"""The explain use case: why the plan is what it is (what binds, the problems), or why one
order is late. The scenario is planned again with the options of the plan to explain, unless
the plan is given (a plan stored in the workspace)."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import TYPE_CHECKING

from evramp.app.errors import BadInput
from evramp.app.planning import DEFAULT_PLAN_OPTIONS, PlanOptions, plan_again
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.model import Scenario

if TYPE_CHECKING:
    import pandas as pd

    from evramp.analysis.explain import Pegging
    from evramp.plan import PlanResult
    from evramp.plan.watch import ProgressReport
    from evramp.report import Binding

SENTENCES_PER_CONSTRAINT = 3
"""How many of a binding constraint's most valuable buckets are said in words."""


@dataclass(frozen=True)
class BindingExplained:
    """A shop or part that held the plan back, and its most valuable buckets in words."""

    constraint: Binding
    sentences: tuple[str, ...]


@dataclass(frozen=True)
class Explanation:
    """What binds and what went wrong in a plan, most valuable first."""

    result: PlanResult
    binding: tuple[BindingExplained, ...]
    """The `top` most binding shops and parts."""
    problems: pd.DataFrame
    """Every problem (`evramp.analysis.explain.problems`): late and short orders, shops and
    parts that held demand back; a front end shows the first `top`."""
    top: int


@dataclass(frozen=True)
class OrderExplanation:
    """Why one order is late or short: the shops and parts on its tree that held it back."""

    result: PlanResult
    pegging: Pegging

    def lines(self) -> list[str]:
        return self.pegging.describe()


def check_order(scenario: Scenario, order_id: str) -> None:
    """`BadInput` unless `order_id` is a line of demand.csv, naming the closest ids."""
    ids = scenario.demand_table.frame["id"].to_list()  # a million lines: no record each
    if order_id in set(ids):
        return
    close = difflib.get_close_matches(order_id, ids, n=3)
    hint = f"did you mean {', '.join(close)}?" if close else f"ids include {', '.join(ids[:5])}"
    raise BadInput(
        f"unknown order id {order_id!r}: not a line of demand.csv ({len(ids):,} lines); {hint}"
    )


def explain(
    scenario: Scenario,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    top: int = 10,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
    result: PlanResult | None = None,
) -> Explanation:
    """Plan `scenario` with `options` (as the step `Planning ...`) and explain the plan: the
    `top` most binding constraints, each with its most valuable buckets, and the problems.
    Given `result` (a stored plan of `scenario`), that plan is explained, not a new one."""
    from evramp.analysis.explain import binding_weeks, problems
    from evramp.report import binding_constraints

    if result is None:
        result = plan_again(scenario, options, steps, say, progress)
    weeks = binding_weeks(result, scenario)
    binding = tuple(
        BindingExplained(
            constraint,
            tuple(
                weeks[(weeks["kind"] == constraint.kind) & (weeks["name"] == constraint.name)]
                .nlargest(SENTENCES_PER_CONSTRAINT, "shadow_price")["sentence"]
                .to_list()
            ),
        )
        for constraint in binding_constraints(result, top, weeks)
    )
    return Explanation(result, binding, problems(scenario, result), top)


def explain_order(
    scenario: Scenario,
    order_id: str,
    options: PlanOptions = DEFAULT_PLAN_OPTIONS,
    *,
    steps: StepRunner = run_step,
    say: Say = say_nothing,
    progress: ProgressReport | None = None,
    result: PlanResult | None = None,
) -> OrderExplanation:
    """Why the order `order_id` is late: checked before the solve (an unknown id raises
    `BadInput` at once, naming the closest ids), then the scenario planned with `options` and
    the order traced to the shop-weeks and part-weeks that held it back (in `result`, a stored
    plan, when given)."""
    from evramp.analysis.explain import peg

    check_order(scenario, order_id)
    if result is None:
        result = plan_again(scenario, options, steps, say, progress)
    return OrderExplanation(result, peg(scenario, result, order_id))
