"""evramp: plan the production ramp-up of an electric-vehicle plant.

>>> import evramp
>>> scenario = evramp.load_scenario("yizhuang")  # a built-in scenario, or a folder
>>> faster = scenario.with_changes({"shops.paint.rate": 56})  # validated: a rate of -5 is refused
>>> result = evramp.plan(faster)
>>> result.status
'Optimal'
>>> result.output.groupby("year")["quantity"].sum()  # years as `evramp plan` counts them
"""

import sys
import types
from typing import TYPE_CHECKING, Any

from evramp.io import builtin_scenario_path, builtin_scenarios, load_scenario, write_scenario
from evramp.model import Change, Scenario, ScenarioError, ScenarioInvalid, validate

if TYPE_CHECKING:
    from evramp.plan import PlanFailed, PlanResult, plan

__version__ = "0.2.0"

__all__ = [
    "Change",
    "PlanFailed",
    "PlanResult",
    "Scenario",
    "ScenarioError",
    "ScenarioInvalid",
    "__version__",
    "builtin_scenario_path",
    "builtin_scenarios",
    "load_scenario",
    "plan",
    "validate",
    "write_scenario",
]


class _Package(types.ModuleType):
    """The package, with the planner (SciPy, HiGHS, pandas) imported when first used: `evramp
    validate` and a script that only reads scenarios start without it.

    `plan` is a property of the package's class, not a module global: importing the
    subpackage `evramp.plan` sets the package's attribute `plan` to that subpackage, which
    would hide the function; a property wins over that (and ignores it)."""

    @property
    def plan(self) -> Any:
        from evramp.plan import plan

        return plan

    @plan.setter
    def plan(self, _subpackage: object) -> None:
        pass  # the import system's `evramp.plan = <module>`: the function stays

    @property
    def PlanFailed(self) -> Any:  # noqa: N802 - the class's own name
        from evramp.plan import PlanFailed

        return PlanFailed

    @property
    def PlanResult(self) -> Any:  # noqa: N802
        from evramp.plan import PlanResult

        return PlanResult


sys.modules[__name__].__class__ = _Package
