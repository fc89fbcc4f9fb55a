"""evramp: plan the production ramp-up of an electric-vehicle plant.

>>> import evramp
>>> scenario = evramp.load_scenario(evramp.builtin_scenario_path())
>>> result = evramp.plan(scenario)
>>> result.status
'Optimal'
"""

from evramp.io import builtin_scenario_path, load_scenario, write_scenario
from evramp.model import Scenario, ScenarioError, ScenarioInvalid, validate
from evramp.plan import PlanFailed, PlanResult, plan

__version__ = "0.1.0"

__all__ = [
    "PlanFailed",
    "PlanResult",
    "Scenario",
    "ScenarioError",
    "ScenarioInvalid",
    "__version__",
    "builtin_scenario_path",
    "load_scenario",
    "plan",
    "validate",
    "write_scenario",
]
