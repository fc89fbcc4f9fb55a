"""The dashboard's pages: server-rendered HTML (Jinja2), a little plain JS, plotly.js served
once from /static and cached."""

from __future__ import annotations

from functools import lru_cache
from typing import Annotated, Any
from urllib.parse import quote

from fastapi import APIRouter, Form, Query, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from evramp.api.auth import COOKIE, PageToken
from evramp.api.views import kept_plan
from evramp.app import NotFound
from evramp.app import workspace as stored

router = APIRouter()

PLOTLY = "/static/plotly/plotly.min.js"


def _page(template: str, **context: Any) -> HTMLResponse:
    from evramp.api.html import render

    return HTMLResponse(render(template, **context))


@router.get("/", response_class=HTMLResponse, include_in_schema=False)
def scenarios_page(request: Request, token: PageToken) -> HTMLResponse:
    found = stored.list_scenarios(request.app.state.db)
    rows = [
        {"revision": revision, "revisions": revisions, "plans": plans}
        for revision, revisions, plans in found
    ]
    return _page("scenarios.html", title="Scenarios", rows=rows, token=token)


@router.get("/scenarios/{ref}", response_class=HTMLResponse, include_in_schema=False)
def plan_page(request: Request, ref: str, token: PageToken) -> HTMLResponse:
    """The stored plan of `ref` as the plan report shows it, plotly.js from /static."""
    db = request.app.state.db
    revision = stored.revision_info(ref, db)
    try:
        info = stored.plan_info(revision.ref, None, db)
    except NotFound:
        title = f"{revision.ref} has no plan yet"
        return _page("unplanned.html", title=title, ref=revision.ref, token=token)
    return HTMLResponse(_plan_page(revision.ref, info.number, db))


@lru_cache(maxsize=8)
def _plan_page(ref: str, number: int, db: str | None) -> str:
    """The page of a stored plan: rendered once, since the plan never changes (what binds is
    found again for every page otherwise, 0.2 s on the default plant)."""
    from evramp.report.html import render_report

    kept = kept_plan(ref, number, db)
    nav = [
        {"href": "/", "label": "Scenarios"},
        {"href": f"/scenarios/{ref}", "label": ref},
        {"href": f"/scenarios/{ref}/what-if", "label": "what if…"},
        {"href": f"/scenarios/{ref}/risk", "label": "risk…"},
        {"href": f"/scenarios/{ref}/mrp", "label": "purchase orders"},
    ]
    return render_report(
        kept.result,
        kept.scenario,
        plotly_url=PLOTLY,
        nav=nav,
        order_href=f"/scenarios/{quote(ref)}/orders/",
    )


@router.get("/login", response_class=HTMLResponse, include_in_schema=False)
def login_page(request: Request, next: str = "/", token: str | None = None) -> Response:
    """The login form; `?token=` (the link `evramp serve` prints) logs in at once."""
    if token is not None:
        return _logged_in(request, token, next)
    return _page("login.html", title="Log in", next=next, problem="")


@router.post("/login", response_class=HTMLResponse, include_in_schema=False)
def login(
    request: Request, token: Annotated[str, Form()], next: Annotated[str, Form()] = "/"
) -> Response:
    return _logged_in(request, token, next)


def _logged_in(request: Request, secret: str, next: str) -> Response:
    from evramp.store.tokens import find_token

    found = find_token(request.app.state.workspace(), secret.strip())
    if found is None:
        page = _page("login.html", title="Log in", next=next, problem="That token is not known.")
        page.status_code = 401
        return page
    target = next if next.startswith("/") and not next.startswith("//") else "/"
    response = RedirectResponse(target, status_code=303)
    response.set_cookie(COOKIE, secret.strip(), httponly=True, samesite="strict")
    return response


@router.post("/logout", include_in_schema=False)
def logout() -> RedirectResponse:
    response = RedirectResponse("/login", status_code=303)
    response.delete_cookie(COOKIE)
    return response


@router.get("/scenarios/{ref}/what-if", response_class=HTMLResponse, include_in_schema=False)
def what_if_page(request: Request, ref: str, token: PageToken) -> HTMLResponse:
    """A form of what a planner changes most (rates, shifts, phase dates, supplier capacities);
    submitted, it makes a copy, plans it and compares it with this revision."""
    revision, scenario = stored.read_stored(ref, request.app.state.db)
    lines = [line for line in scenario.suppliers if line.capacity is not None]
    return _page(
        "what_if.html",
        title=f"What if: a copy of {revision.ref}",
        ref=revision.ref,
        base=revision.scenario,
        shops=scenario.shops,
        phases=scenario.phases,
        lines=lines,
        token=token,
    )


@router.get("/compare", response_class=HTMLResponse, include_in_schema=False)
def compare_page(
    request: Request,
    token: PageToken,
    refs: Annotated[list[str], Query()],
    only_differences: bool = False,
) -> HTMLResponse:
    """The stored plans of `refs` side by side (the first the base), as `evramp db compare`."""
    from evramp.app import compare_plans
    from evramp.report.compare_html import render_compare_report

    kept = stored.stored_plans(refs, request.app.state.db)
    comparison = compare_plans(
        {name: plan.result for name, plan in kept.items()},
        only_differences,
        {name: plan.scenario for name, plan in kept.items()},
    )
    nav = [{"href": "/", "label": "Scenarios"}]
    nav += [{"href": f"/scenarios/{name}", "label": name} for name in kept]
    return HTMLResponse(render_compare_report(comparison, plotly_url=PLOTLY, nav=nav))


@router.get("/scenarios/{ref}/risk", response_class=HTMLResponse, include_in_schema=False)
def risk_page(request: Request, ref: str, token: PageToken) -> HTMLResponse:
    """Start a risk run, follow it, cancel it; its report below when it ends."""
    revision = stored.revision_info(ref, request.app.state.db)
    return _page("risk.html", title=f"Risk: {revision.ref}", ref=revision.ref, token=token)


@router.get(
    "/scenarios/{ref}/orders/{order_id}", response_class=HTMLResponse, include_in_schema=False
)
def order_page(request: Request, ref: str, order_id: str, token: PageToken) -> HTMLResponse:
    """Why one order is late: the shops and parts on its tree that held it back, in the
    stored plan (never solved again)."""
    from evramp.api.views import order_view

    view = order_view(ref, order_id, request.app.state.db)
    return _page("order.html", title=f"Order {order_id}", view=view, ref=ref, token=token)


@router.get("/scenarios/{ref}/mrp", response_class=HTMLResponse, include_in_schema=False)
def mrp_page(
    request: Request,
    ref: str,
    token: PageToken,
    supplier: str = "",
    item: str = "",
    status: str = "",
) -> HTMLResponse:
    """The stored plan's purchase orders, filtered by supplier, item and status."""
    from evramp.api.views import SHOWN, purchase_view

    view = purchase_view(ref, request.app.state.db, supplier, item, status, SHOWN)
    return _page("mrp.html", title=f"Purchase orders: {ref}", view=view, ref=ref, token=token)
