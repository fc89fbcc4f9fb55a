"""The use cases of evramp, one function each, for every front end (the `evramp` command today,
a REST API next): they take a scenario (or a folder or built-in name) and typed options and
return typed results; writing a result folder is a use case step too.

- `validate(name)` -> `Validation`; `scenario_folder(name)`, `read_scenario(folder)`,
  `out_folder(out, folder, result)`: finding, reading and checking.
- `plan(scenario, PlanOptions)` -> `Planned`; `write_plan(planned, out)`.
- `explain(scenario, PlanOptions, top)` -> `Explanation`;
  `explain_order(scenario, order_id, PlanOptions)` -> `OrderExplanation`.
- `compare_plans(named plans, only_differences)` -> `Comparison` (the first the base);
  `write_compare_report(comparison, path)`; `kpi_table(comparison)`: its key figures as text.
- `replan(scenario, PlanOptions, ReplanOptions)` -> `Replanned` (the plan and how it changed);
  `write_replan(replanned, out)`.
- `mrp(scenario, PlanOptions)` -> `PurchaseOrders`; `write_mrp(orders, out)`.
- `calibrate(scenario, as_of)` -> `Calibration` (each shop's ramp fitted to its actuals);
  `fitted_scenario(scenario, as_of)` -> the scenario with the fitted ramps (`--ramp fitted`);
  `with_ramp(scenario, RampChoice)`.
- The workspace (`evramp db`): `import_scenario(source, name)`, `export_scenario(ref, target)`,
  `copy_scenario(base, name, read_changes(sets, file))`, `read_stored(ref)`,
  `store_plan(revision, result)`, `plan_stored(ref)` (plan and keep), `read_plan(ref)` (a
  stored plan, never solved again),
  `list_scenarios()`, `scenario_log(name)`, `show(ref)`, `diff_revisions(a, b)`,
  `stored_plans(refs)` for `compare_plans`.
- `prepare_risk(scenario, RiskOptions, source)` -> `RiskRun`; `run_risk(run)` -> `RiskOutcome`;
  `write_risk(outcome, out)` -> `RiskWritten`.

A use case shows its progress through the `steps` (`StepRunner`) and `say` callables it is
given, and refuses with `BadInput` (a scenario with problems: `ScenarioRejected`) or `NoPlan`,
whose messages are the ones the CLI prints. Ctrl-C is a `KeyboardInterrupt` (`PlanInterrupted`,
`RiskInterrupted`). The planner, pandas and the reports are imported when a use case needs
them, so that importing this package stays as light as reading a scenario.
"""

from evramp.app.calibrating import (
    RampChoice,
    calibrate,
    fitted_scenario,
    fitted_words,
    kept_words,
    value_words,
    with_ramp,
)
from evramp.app.comparing import (
    COMPARE_REPORT,
    OUTPUT_TABLE,
    compare_out,
    compare_plans,
    kpi_table,
    plan_names,
    write_compare_report,
    write_output_table,
    yearly_output_table,
)
from evramp.app.errors import BadInput, NoPlan, NotFound, ScenarioRejected, UseCaseError
from evramp.app.explaining import (
    BindingExplained,
    Explanation,
    OrderExplanation,
    check_order,
    explain,
    explain_order,
)
from evramp.app.planning import (
    Planned,
    PlanOptions,
    Priorities,
    checked_model_file,
    objective_words,
    plan,
    planning_label,
    write_plan,
)
from evramp.app.purchasing import PurchaseOrders, mrp, write_mrp
from evramp.app.replanning import Replanned, ReplanOptions, replan, write_replan
from evramp.app.risk import (
    RiskInterrupted,
    RiskOptions,
    RiskOutcome,
    RiskRun,
    RiskWritten,
    prepare_risk,
    run_risk,
    write_risk,
)
from evramp.app.scenarios import (
    Validation,
    horizon_words,
    out_folder,
    read_scenario,
    scenario_folder,
    validate,
)
from evramp.app.steps import Say, StepRunner, run_step, say_nothing
from evramp.app.workspace import (
    Imported,
    Shown,
    StoredPlan,
    copy_scenario,
    diff_revisions,
    export_scenario,
    import_scenario,
    list_scenarios,
    open_workspace,
    options_of,
    plan_stored,
    read_changes,
    read_plan,
    read_stored,
    scenario_log,
    show,
    store_plan,
    store_scenario,
    stored,
    stored_plans,
)

__all__ = [
    "COMPARE_REPORT",
    "OUTPUT_TABLE",
    "BadInput",
    "BindingExplained",
    "Explanation",
    "Imported",
    "NoPlan",
    "NotFound",
    "OrderExplanation",
    "PlanOptions",
    "Planned",
    "Priorities",
    "PurchaseOrders",
    "RampChoice",
    "ReplanOptions",
    "Replanned",
    "RiskInterrupted",
    "RiskOptions",
    "RiskOutcome",
    "RiskRun",
    "RiskWritten",
    "Say",
    "ScenarioRejected",
    "Shown",
    "StepRunner",
    "StoredPlan",
    "UseCaseError",
    "Validation",
    "calibrate",
    "check_order",
    "checked_model_file",
    "compare_out",
    "compare_plans",
    "copy_scenario",
    "diff_revisions",
    "explain",
    "explain_order",
    "export_scenario",
    "fitted_scenario",
    "fitted_words",
    "horizon_words",
    "import_scenario",
    "kept_words",
    "kpi_table",
    "list_scenarios",
    "mrp",
    "objective_words",
    "open_workspace",
    "options_of",
    "out_folder",
    "plan",
    "plan_names",
    "plan_stored",
    "planning_label",
    "prepare_risk",
    "read_changes",
    "read_plan",
    "read_scenario",
    "read_stored",
    "replan",
    "run_risk",
    "run_step",
    "say_nothing",
    "scenario_folder",
    "scenario_log",
    "show",
    "store_plan",
    "store_scenario",
    "stored",
    "stored_plans",
    "validate",
    "value_words",
    "with_ramp",
    "write_compare_report",
    "write_mrp",
    "write_output_table",
    "write_plan",
    "write_replan",
    "write_risk",
    "yearly_output_table",
]
