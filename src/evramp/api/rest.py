"""The REST API under /api: JSON for every front end, documented by its OpenAPI schema
(/api/openapi.json, the docs page at /docs). Reads need any token; changes a planner's."""

from __future__ import annotations

import math
from pathlib import Path
from typing import Annotated, Any, Literal

from fastapi import APIRouter, File, Form, HTTPException, Query, Request, UploadFile
from fastapi.responses import Response
from pydantic import BaseModel, Field

from evramp import __version__
from evramp.api.auth import ApiPlanner, ApiToken
from evramp.api.jobs import Job, Jobs
from evramp.api.views import OrderView, kept_plan, order_view
from evramp.app import BadInput, NotFound
from evramp.app import workspace as stored
from evramp.store import PlanInfo, RevisionInfo


class Refusal(BaseModel):
    """Why a request was refused: `detail` in words; `problems` (a scenario's, or a request's
    fields') and `details` where there is more to say."""

    detail: str
    problems: list[dict[str, Any]] | None = None
    details: list[str] | None = None


_REFUSED: dict[int | str, dict[str, Any]] = {
    400: {"model": Refusal, "description": "Refused: what the request asks for cannot be done"},
    401: {"model": Refusal, "description": "No known token"},
    403: {"model": Refusal, "description": "A reader's token where a planner's is needed"},
    404: {"model": Refusal, "description": "Not in the workspace"},
    409: {"model": Refusal, "description": "The solver reached no plan"},
    413: {"model": Refusal, "description": "The request is too big"},
    422: {"model": Refusal, "description": "Every problem of the scenario or of the request"},
}

router = APIRouter(prefix="/api", responses=_REFUSED)

WORKBOOK_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


class Health(BaseModel):
    status: Literal["ok"] = "ok"
    version: str = __version__


class Revision(BaseModel):
    """A stored revision of a scenario."""

    ref: str = Field(description="NAME@N")
    scenario: str
    number: int
    parent: str | None = Field(description="The revision it was copied from, NAME@N")
    hash: str = Field(description="SHA-256 of its content")
    rows: int
    stored_rows: int = Field(description="Rows this revision stores itself (a copy's delta)")
    source: str
    created: str

    @classmethod
    def of(cls, revision: RevisionInfo) -> Revision:
        return cls(
            ref=revision.ref,
            scenario=revision.scenario,
            number=revision.number,
            parent=revision.parent,
            hash=revision.hash,
            rows=revision.rows,
            stored_rows=revision.stored_rows,
            source=revision.source,
            created=revision.created,
        )


class ScenarioEntry(BaseModel):
    """A stored scenario: its newest revision and how many revisions and plans it has."""

    newest: Revision
    revisions: int
    plans: int


class Plan(BaseModel):
    """A stored plan: what it was made of and with."""

    ref: str
    revision: str
    number: int
    status: str
    objective: float | None
    options: dict[str, Any]
    created: str
    evramp_version: str
    highs_version: str

    @classmethod
    def of(cls, plan: PlanInfo) -> Plan:
        objective = plan.objective if math.isfinite(plan.objective) else None
        return cls(
            ref=plan.ref,
            revision=plan.revision.ref,
            number=plan.number,
            status=plan.status,
            objective=objective,
            options=dict(plan.options),
            created=plan.created,
            evramp_version=plan.evramp_version,
            highs_version=plan.highs_version,
        )


class ScenarioDetail(BaseModel):
    revision: Revision
    tables: dict[str, int] = Field(description="Rows per table")
    stored_bytes: int
    plans: list[Plan]


class Year(BaseModel):
    year: str
    built: float
    delivered: float
    due: float


class PlanSummary(BaseModel):
    """A plan's key figures: vehicles built, delivered and due per year, the on-time share."""

    plan: Plan
    years: list[Year]
    on_time: float = Field(description="Share of orders delivered in full by their due bucket")
    late_orders: int


class OutputRow(BaseModel):
    week: str
    variant: str
    quantity: float


@router.get("/health", tags=["server"])
def health() -> Health:
    """Whether the server is up (no token needed)."""
    return Health()


@router.get("/scenarios", tags=["scenarios"])
def list_scenarios(request: Request, token: ApiToken) -> list[ScenarioEntry]:
    """Every stored scenario."""
    found = stored.list_scenarios(request.app.state.db)
    return [ScenarioEntry(newest=Revision.of(r), revisions=n, plans=p) for r, n, p in found]


@router.get("/scenarios/{ref}", tags=["scenarios"])
def scenario(request: Request, ref: str, token: ApiToken) -> ScenarioDetail:
    """A revision (`NAME` for the newest, `NAME@N`): its tables' sizes and its plans."""
    shown = stored.show(ref, request.app.state.db)
    return ScenarioDetail(
        revision=Revision.of(shown.revision),
        tables=shown.tables,
        stored_bytes=shown.stored_bytes,
        plans=[Plan.of(plan) for plan in shown.plans],
    )


@router.get("/scenarios/{ref}/plan", tags=["plans"])
def plan_summary(
    request: Request,
    ref: str,
    token: ApiToken,
    number: Annotated[
        int | None, Query(description="The plan's number (default: the newest)")
    ] = None,
) -> PlanSummary:
    """The key figures of a stored plan of the revision (never solved again)."""
    from evramp.report.kpis import late_orders, on_time_rate, yearly_totals

    kept = kept_plan(ref, number, request.app.state.db)
    yearly = yearly_totals(kept.result)
    years = [
        Year(year=str(year), built=row.built, delivered=row.delivered, due=row.due)
        for year, row in yearly.iterrows()
    ]
    return PlanSummary(
        plan=Plan.of(kept.info),
        years=years,
        on_time=on_time_rate(kept.result),
        late_orders=len(late_orders(kept.result)),
    )


@router.get("/scenarios/{ref}/plan/output", tags=["plans"])
def plan_output(
    request: Request, ref: str, token: ApiToken, number: int | None = None
) -> list[OutputRow]:
    """Vehicles built per variant and bucket (the week it finishes)."""
    kept = kept_plan(ref, number, request.app.state.db)
    output = kept.result.output
    return [
        OutputRow(week=week.date().isoformat(), variant=variant, quantity=quantity)
        for week, variant, quantity in output[["week", "variant", "quantity"]].itertuples(
            index=False
        )
    ]


@router.get(
    "/scenarios/{ref}/download",
    tags=["scenarios"],
    response_class=Response,
    responses={200: {"content": {WORKBOOK_TYPE: {}}}},
)
def download(request: Request, ref: str, token: ApiToken) -> Response:
    """The revision as a workbook (one sheet per table)."""
    import tempfile
    from pathlib import Path

    with tempfile.TemporaryDirectory(prefix="evramp-") as folder:
        target = Path(folder) / "scenario.xlsx"
        revision = stored.export_scenario(ref, target, request.app.state.db)
        data = target.read_bytes()
    name = f"{revision.scenario}@{revision.number}.xlsx"
    return Response(
        data,
        media_type=WORKBOOK_TYPE,
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- jobs --------------------------------------------------------------------------------------


class PlanRequest(BaseModel):
    """How to plan (the options of `evramp plan`); every field may be left out."""

    time_limit: float | None = Field(None, gt=0, le=86_400, description="Seconds")
    integer: bool = False
    level_weight: float | None = Field(None, ge=0, le=1_000)
    max_rate_change: float | None = Field(None, ge=0)


class JobOut(BaseModel):
    """A background job: running, done (its result), failed or cancelled (why)."""

    id: str
    kind: str
    target: str
    state: Literal["running", "done", "failed", "cancelled"]
    steps: list[str]
    done: int = Field(description="Work items finished (a risk job's solves)")
    total: int = Field(description="Work items in all (0: not counted)")
    result: dict[str, Any] | None
    error: str | None
    started: str
    finished: str | None

    @classmethod
    def of(cls, job: Job) -> JobOut:
        return cls(
            id=job.id,
            kind=job.kind,
            target=job.target,
            state=job.state,
            steps=list(job.steps),
            done=job.done,
            total=job.total,
            result=job.result,
            error=job.error,
            started=job.started,
            finished=job.finished,
        )


def jobs_of(request: Request) -> Jobs:
    jobs: Jobs = request.app.state.jobs
    return jobs


@router.post("/scenarios/{ref}/plans", tags=["plans"], status_code=202)
def start_plan(
    request: Request, ref: str, token: ApiPlanner, options: PlanRequest | None = None
) -> JobOut:
    """Plan the revision and keep the plan with it, as a background job (poll /api/jobs/ID)."""
    revision = stored.revision_info(ref, request.app.state.db)  # 404 before any work
    chosen = (options or PlanRequest()).model_dump()
    return JobOut.of(jobs_of(request).start_plan(revision.ref, chosen))


@router.get("/jobs", tags=["jobs"])
def list_jobs(request: Request, token: ApiToken) -> list[JobOut]:
    """The server's jobs, newest first (a restart forgets them, not what they stored)."""
    return [JobOut.of(job) for job in jobs_of(request).all()]


@router.get("/jobs/{job_id}", tags=["jobs"])
def job(request: Request, job_id: str, token: ApiToken) -> JobOut:
    found = jobs_of(request).get(job_id)
    if found is None:
        raise NotFound(f"no job {job_id!r} (jobs live as long as the server)")
    return JobOut.of(found)


@router.delete("/jobs/{job_id}", tags=["jobs"], status_code=202)
def cancel_job(request: Request, job_id: str, token: ApiPlanner) -> JobOut:
    """Cancel a running job: it stops within seconds and keeps nothing half-done."""
    found = jobs_of(request).cancel(job_id)
    if found is None:
        raise NotFound(f"no job {job_id!r} (jobs live as long as the server)")
    return JobOut.of(found)


# --- what-if copies ------------------------------------------------------------------------------


class CopyRequest(BaseModel):
    """A what-if copy: its name, and the values to change by address (`shops.paint.rate`,
    `suppliers.CATL:CELL-NCM-612.capacity`, `phases.paint:phase2.start`, as `evramp db copy
    --set` takes them)."""

    name: str = Field(min_length=1, max_length=200)
    changes: dict[str, str | float | int] = Field(min_length=1, max_length=1_000)


@router.post("/scenarios/{ref}/copies", tags=["scenarios"], status_code=201)
def copy(request: Request, ref: str, token: ApiPlanner, wanted: CopyRequest) -> Revision:
    """A new scenario: the revision with the changes made, checked as a whole scenario would
    be, stored as the rows that differ (422 with every problem when it breaks something)."""
    sets = [f"{address}={value}" for address, value in wanted.changes.items()]
    changes = stored.read_changes(sets)
    return Revision.of(stored.copy_scenario(ref, wanted.name, changes, request.app.state.db))


class RiskRequest(BaseModel):
    """The options of `evramp risk` (the Monte Carlo over the scenario's disruptions)."""

    runs: int = Field(200, ge=1, le=100_000)
    seed: int = Field(0, ge=0)
    backend: Literal["local", "dask"] = "local"
    workers: int = Field(1, ge=1, le=64)
    target: float | None = Field(None, gt=0, description="Vehicles to deliver in target_year")
    target_year: str | None = None
    tornado_runs: int = Field(200, ge=0, le=100_000)


@router.post("/scenarios/{ref}/risk", tags=["risk"], status_code=202)
def start_risk(
    request: Request, ref: str, token: ApiPlanner, options: RiskRequest | None = None
) -> JobOut:
    """Run the risk analysis of the revision as a background job; its report is at
    /api/jobs/ID/report when it is done (or cancelled after some runs)."""
    revision = stored.revision_info(ref, request.app.state.db)  # 404 before any work
    chosen = (options or RiskRequest()).model_dump()
    return JobOut.of(jobs_of(request).start_risk(revision.ref, chosen))


@router.get("/jobs/{job_id}/report", tags=["risk"], response_class=Response)
def job_report(request: Request, job_id: str, token: ApiToken) -> Response:
    """A risk job's report (HTML), complete or of the runs that finished before a cancel."""
    from fastapi.responses import FileResponse

    jobs = jobs_of(request)
    found = jobs.get(job_id)
    if found is None or not found.result or "report" not in found.result:
        raise NotFound(f"job {job_id!r} has no report (yet)")
    return FileResponse(jobs.folder(found) / found.result["report"], media_type="text/html")


# --- orders and purchase orders ----------------------------------------------------------------


@router.get("/scenarios/{ref}/orders/{order_id}", tags=["plans"])
def order_why(request: Request, ref: str, order_id: str, token: ApiToken) -> OrderView:
    """Why an order is late in the stored plan: its state, the sentences `evramp explain
    --order` says, and each shop or part that held it back."""
    return order_view(ref, order_id, request.app.state.db)


@router.get("/scenarios/{ref}/mrp.csv", tags=["plans"], response_class=Response)
def purchase_orders_csv(
    request: Request,
    ref: str,
    token: ApiToken,
    supplier: str = "",
    item: str = "",
    status: str = "",
) -> Response:
    """The stored plan's purchase orders as CSV (`mrp/purchase_orders.csv`'s columns), those
    of `supplier`, of items whose id holds `item`, of `status`."""
    import csv
    import io

    from evramp.api.views import purchase_view

    view = purchase_view(ref, request.app.state.db, supplier, item, status)
    text = io.StringIO()
    columns = ["purchase_order", "status", "supplier", "item", "quantity", "release_week"]
    columns += ["receipt_week", "cost", "beyond_need", "over_capacity"]
    writer = csv.DictWriter(text, columns, extrasaction="ignore", lineterminator="\n")
    writer.writeheader()
    writer.writerows(view.rows)
    name = f"{ref}-purchase-orders.csv"
    return Response(
        text.getvalue(),
        media_type="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )


# --- uploads -------------------------------------------------------------------------------------


class Uploaded(BaseModel):
    revision: Revision
    new: bool = Field(description="False: it equals the newest revision already, nothing stored")


@router.post("/scenarios", tags=["scenarios"], status_code=201)
def upload(
    request: Request,
    token: ApiPlanner,
    file: Annotated[UploadFile, File(description="A zip of a scenario folder, or a workbook")],
    name: Annotated[str | None, Form(description="Default: the file's name")] = None,
) -> Uploaded:
    """Store an uploaded scenario (a zip of its folder, or an .xlsx workbook), validated whole:
    413 when it is too big, 400 when it is unsafe or no scenario, 422 with every problem."""
    from evramp.app.scenarios import rejected
    from evramp.io.upload import DEFAULT_LIMITS, UploadRefused, read_upload, scenario_slug
    from evramp.model.errors import ScenarioInvalid

    filename = file.filename or "upload"
    data = file.file.read(DEFAULT_LIMITS.max_upload_bytes + 1)
    if len(data) > DEFAULT_LIMITS.max_upload_bytes:
        raise HTTPException(413, f"{filename}: more than {DEFAULT_LIMITS.max_upload_bytes:,} bytes")
    try:
        scenario = read_upload(data, filename)
    except UploadRefused as refused:
        raise BadInput(str(refused)) from None
    except ScenarioInvalid as invalid:
        raise rejected(filename, invalid) from None
    target = name or scenario_slug(Path(filename).stem)
    stored_as = stored.store_scenario(
        scenario, target, f"upload of {filename}", request.app.state.db
    )
    return Uploaded(revision=Revision.of(stored_as.revision), new=stored_as.new)


@router.get("/scenarios/{ref}/download.zip", tags=["scenarios"], response_class=Response)
def download_zip(request: Request, ref: str, token: ApiToken) -> Response:
    """The revision as a zip of its scenario folder (what an upload takes back)."""
    from evramp.io.upload import scenario_archive

    revision, scenario = stored.read_stored(ref, request.app.state.db)
    name = f"{revision.scenario}@{revision.number}.zip"
    return Response(
        scenario_archive(scenario),
        media_type="application/zip",
        headers={"Content-Disposition": f'attachment; filename="{name}"'},
    )
