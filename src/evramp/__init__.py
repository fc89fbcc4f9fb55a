"""evramp: plan the production ramp-up of an electric-vehicle plant.

>>> import evramp
>>> scenario = evramp.load_scenario("yizhuang")  # a built-in scenario, or a folder
>>> faster = scenario.with_changes({"shops.paint.rate": 56})  # validated: a rate of -5 is refused
>>> result = evramp.plan(faster)
>>> result.status
'Optimal'
>>> result.output.groupby("year")["quantity"].sum()  # years as `evramp plan` counts them
"""

from evramp.io import builtin_scenario_path, builtin_scenarios, load_scenario, write_scenario
from evramp.model import Change, Scenario, ScenarioError, ScenarioInvalid, validate
from evramp.plan import PlanFailed, PlanResult, plan

__version__ = "0.1.0"

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
