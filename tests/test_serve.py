"""`evramp serve`, started for real on a loopback port: the REST API's answers checked against
the workspace they come from, tokens and roles, refusals as status codes with their reasons,
and the dashboard in Debian's Chromium (Playwright) with the network cut off: log in, the
scenarios, the plan page's charts drawn with the stored plan's numbers, the API docs page."""

from __future__ import annotations

import io
import os
import subprocess
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from playwright.sync_api import Browser, Page, Route, sync_playwright

from evramp.app import list_scenarios, read_plan, read_stored
from evramp.app.tokens import revoke_token
from evramp.io.workbook import read_workbook
from evramp.report.kpis import yearly_totals
from tests.server import EVRAMP, Server, serving

CHROMIUM = os.environ.get("EVRAMP_CHROMIUM", "/usr/bin/chromium")
ARGS = ["--no-sandbox", "--disable-gpu", "--disable-background-networking", "--no-first-run"]
SCREENSHOTS = Path(__file__).resolve().parents[1] / "out" / "screenshots"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    yield from serving(tmp_path_factory.mktemp("serve"))


# --- the REST API ----------------------------------------------------------------------------


def test_every_call_but_health_needs_a_known_token(server: Server) -> None:
    with server.client() as anonymous:
        assert anonymous.get("/api/health").json()["status"] == "ok"
        refused = anonymous.get("/api/scenarios")
        assert refused.status_code == 401 and "evramp token create" in refused.json()["detail"]
        assert refused.headers["www-authenticate"] == "Bearer"
    with server.client("not-a-token") as stranger:
        assert stranger.get("/api/scenarios").status_code == 401
    with server.client(server.reader) as reader:
        names = [entry["newest"]["scenario"] for entry in reader.get("/api/scenarios").json()]
        assert names == ["no-plan", "yizhuang"]


def test_a_revoked_token_is_refused_from_then_on(server: Server) -> None:
    from evramp.app.tokens import create_token

    secret = create_token("carol", "reader", server.db)
    with server.client(secret) as carol:
        assert carol.get("/api/scenarios").status_code == 200
        revoke_token("carol", server.db)
        assert carol.get("/api/scenarios").status_code == 401


def test_the_plan_summary_is_the_stored_plans(server: Server) -> None:
    kept = read_plan("yizhuang", db=server.db)
    expected = yearly_totals(kept.result)
    with server.client(server.reader) as reader:
        summary = reader.get("/api/scenarios/yizhuang/plan").json()
        output = reader.get("/api/scenarios/yizhuang/plan/output").json()
    assert summary["plan"]["ref"] == kept.info.ref and summary["plan"]["status"] == "Optimal"
    assert summary["plan"]["objective"] == pytest.approx(kept.result.objective)
    years = {row["year"]: row for row in summary["years"]}
    for year, row in expected.iterrows():
        assert years[str(year)]["built"] == pytest.approx(row.built)
        assert years[str(year)]["due"] == pytest.approx(row.due)
    built = sum(row["quantity"] for row in output)
    assert built == pytest.approx(kept.result.output["quantity"].sum()) and built > 100_000
    assert {row["variant"] for row in output} == set(kept.result.output["variant"])


def test_refusals_are_status_codes_with_their_reasons(server: Server) -> None:
    with server.client(server.reader) as reader:
        unknown = reader.get("/api/scenarios/nope")
        assert unknown.status_code == 404 and "no scenario named 'nope'" in unknown.json()["detail"]
        unplanned = reader.get("/api/scenarios/no-plan/plan")
        assert unplanned.status_code == 404 and "has no plan yet" in unplanned.json()["detail"]
        bad_number = reader.get("/api/scenarios/yizhuang/plan", params={"number": "x"})
        assert bad_number.status_code == 422
        assert bad_number.json()["problems"][0]["where"] == "query.number"
        bad_ref = reader.get("/api/scenarios/yizhuang@x")
        assert bad_ref.status_code == 404 and "NAME@N" in bad_ref.json()["detail"]
    assert "Traceback" not in server.log.read_text()


def test_a_scenario_downloads_as_the_workbook_of_what_is_stored(
    server: Server, tmp_path: Path
) -> None:
    with server.client(server.reader) as reader:
        answer = reader.get("/api/scenarios/no-plan/download")
    assert answer.status_code == 200
    assert 'filename="no-plan@1.xlsx"' in answer.headers["content-disposition"]
    book = tmp_path / "no-plan.xlsx"
    book.write_bytes(answer.content)
    assert read_workbook(book) == read_stored("no-plan", server.db)[1]


def test_the_schema_is_openapi_3_1_with_bearer_tokens(server: Server) -> None:
    with server.client() as anonymous:
        schema = anonymous.get("/api/openapi.json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/scenarios/{ref}/plan" in schema["paths"]
    assert schema["components"]["securitySchemes"]["HTTPBearer"]["scheme"] == "bearer"


# --- the dashboard in a browser ----------------------------------------------------------------


@pytest.fixture(scope="module")
def browser() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        launched = playwright.chromium.launch(executable_path=CHROMIUM, args=ARGS)
        yield launched
        launched.close()


def _offline_page(browser: Browser, server: Server) -> tuple[Page, list[str]]:
    """A page that may reach the server only (no CDN could help it), and what it logged."""
    page = browser.new_page(viewport={"width": 1400, "height": 900})
    problems: list[str] = []
    page.on("pageerror", lambda error: problems.append(f"page error: {error}"))
    page.on(
        "console",
        lambda message: problems.append(message.text) if message.type == "error" else None,
    )

    def only_the_server(route: Route) -> None:
        if route.request.url.startswith(server.url):
            route.continue_()
        else:
            problems.append(f"blocked {route.request.url}")
            route.abort()

    page.route("**/*", only_the_server)
    return page, problems


def test_log_in_see_the_scenarios_and_the_plan_drawn_from_the_stored_plan(
    browser: Browser, server: Server
) -> None:
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/scenarios/yizhuang")
    assert "/login" in page.url  # not logged in yet: the login page, then back
    page.fill("#token", "wrong")
    page.click("button[type=submit]")
    assert page.locator("p.problem").inner_text() == "That token is not known."
    assert problems == [
        "Failed to load resource: the server responded with a status of 401 (Unauthorized)"
    ]
    problems.clear()  # the refused login's own 401
    page.fill("#token", server.reader)
    page.click("button[type=submit]")
    page.wait_for_selector("body[data-plotted=true]", timeout=60_000)
    assert page.url == f"{server.url}/scenarios/yizhuang"
    drawn = page.evaluate(
        """() => {
          const chart = document.getElementById("output");
          const bars = chart._fullData.filter((trace) => trace.type === "bar");
          return {bars: bars.length, built: bars.reduce(
            (total, trace) => total + Array.from(trace.y).reduce((a, b) => a + (b || 0), 0), 0)};
        }"""
    )
    kept = read_plan("yizhuang", db=server.db)
    variants = kept.result.output["variant"].nunique()
    assert drawn["bars"] == variants
    assert drawn["built"] == pytest.approx(kept.result.output["quantity"].sum(), rel=1e-6)
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-plan.png"))
    page.click("nav.crumbs a[href='/']")
    rows = page.locator("tbody tr")
    assert rows.count() == 2 and "yizhuang" in rows.nth(1).inner_text()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-scenarios.png"))
    assert problems == []


def test_the_plan_page_is_light_and_plotly_comes_once_cached(
    browser: Browser, server: Server
) -> None:
    with server.client() as anonymous:
        plotly = anonymous.get("/static/plotly/plotly.min.js")
    assert plotly.status_code == 200 and "max-age" in plotly.headers["cache-control"]
    with server.client() as viewer:
        viewer.cookies.set("evramp_token", server.reader)
        page = viewer.get("/scenarios/yizhuang")
    assert page.status_code == 200 and "/static/plotly/plotly.min.js" in page.text
    assert len(page.content) < 1_000_000 < len(plotly.content)  # the report inlines 4.9 MB


def test_the_api_docs_page_works_offline(browser: Browser, server: Server) -> None:
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/docs")
    page.wait_for_selector(".opblock-summary-path", timeout=30_000)
    paths = page.locator(".opblock-summary-path").all_inner_texts()
    assert "/api/scenarios/{ref}/plan" in [path.replace("\u200b", "") for path in paths]
    page.screenshot(path=str(SCREENSHOTS / "dashboard-api-docs.png"))
    assert problems == []


def test_a_page_of_something_missing_says_so_in_html(browser: Browser, server: Server) -> None:
    page, _ = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.reader}&next=/scenarios/nope")
    assert page.url.endswith("/scenarios/nope")
    assert "no scenario named 'nope'" in page.locator("h1").inner_text()
    page.goto(f"{server.url}/scenarios/no-plan")
    assert page.locator("h1").inner_text() == "no-plan@1 has no plan yet"
    assert page.locator("#plan").count() == 0  # a reader cannot plan
    assert io.StringIO(page.content()).read().count("Traceback") == 0


# --- jobs ----------------------------------------------------------------------------------


def _fresh_copy(server: Server, name: str) -> None:
    from evramp.app import copy_scenario, read_changes

    copy_scenario("yizhuang", name, read_changes(["shops.paint.rate=47"]), server.db)


def _finished(client: httpx.Client, job_id: str, seconds: float = 120) -> dict[str, Any]:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        job: dict[str, Any] = client.get(f"/api/jobs/{job_id}").json()
        if job["state"] != "running":
            return job
        time.sleep(0.2)
    raise AssertionError(f"job {job_id} still running after {seconds} s")


def test_a_plan_job_keeps_the_plan_that_the_summary_then_shows(server: Server) -> None:
    _fresh_copy(server, "job-done")
    with server.client(server.reader) as reader:
        refused = reader.post("/api/scenarios/job-done/plans")
        assert refused.status_code == 403 and "planner" in refused.json()["detail"]
    with server.client(server.planner) as planner:
        started = planner.post("/api/scenarios/job-done/plans", json={"level_weight": 0})
        assert started.status_code == 202 and started.json()["state"] == "running"
        job = _finished(planner, started.json()["id"])
        assert job["state"] == "done", job
        assert job["result"] == {"plan": "job-done@1 plan 1", "status": "Optimal"}
        assert job["steps"][0] == "Reading job-done@1"
        assert job["steps"][-1] == "Keeping the plan in the workspace"
        summary = planner.get("/api/scenarios/job-done/plan").json()
    kept = read_plan("job-done", db=server.db)
    assert summary["plan"]["options"]["level_weight"] == 0
    assert summary["plan"]["objective"] == pytest.approx(kept.result.objective)


def test_a_cancelled_plan_job_keeps_nothing(server: Server) -> None:
    _fresh_copy(server, "job-cancelled")
    with server.client(server.planner) as planner:
        started = planner.post("/api/scenarios/job-cancelled/plans").json()
        cancelled = planner.delete(f"/api/jobs/{started['id']}")
        assert cancelled.status_code == 202
        job = _finished(planner, started["id"], seconds=30)
        assert job["state"] == "cancelled", job
        assert planner.get("/api/scenarios/job-cancelled/plan").status_code == 404
        assert planner.get("/api/jobs/nope").status_code == 404
    assert "Traceback" not in server.log.read_text()  # the cancel was a Ctrl-C, not a crash


def test_plan_it_in_the_browser_and_see_the_plan(browser: Browser, server: Server) -> None:
    _fresh_copy(server, "job-browser")
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.planner}&next=/scenarios/job-browser")
    page.click("#plan")
    page.wait_for_selector("#steps li", timeout=30_000)  # the job's steps appear as they start
    page.wait_for_selector("body[data-plotted=true]", timeout=120_000)  # then the plan page
    assert page.locator("h1").inner_text().startswith("Production plan")
    assert problems == []


# --- tokens on the command line ------------------------------------------------------------------


def _evramp(*args: str, db: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [EVRAMP, *args, "--db", str(db)], capture_output=True, text=True, check=False
    )


def test_tokens_are_made_listed_and_revoked_and_kept_only_hashed(tmp_path: Path) -> None:
    db = tmp_path / "workspace.sqlite"
    made = _evramp("token", "create", "dana", "--role", "planner", db=db)
    assert made.returncode == 0, made.stderr
    secret = made.stdout.split("token dana (planner): ")[1].split()[0]
    assert len(secret) >= 40
    listed = _evramp("token", "list", db=db)
    assert "dana" in listed.stdout and "planner" in listed.stdout
    assert secret not in listed.stdout and secret.encode() not in db.read_bytes()
    again = _evramp("token", "create", "dana", db=db)
    assert again.returncode == 2 and "already exists" in again.stderr
    assert _evramp("token", "revoke", "dana", db=db).returncode == 0
    gone = _evramp("token", "revoke", "dana", db=db)
    assert gone.returncode == 2 and "no token named 'dana'" in gone.stderr


# --- what-if copies and compare ---------------------------------------------------------------


def test_a_what_if_copy_stores_the_change_or_says_every_problem(server: Server) -> None:
    with server.client(server.reader) as reader:
        refused = reader.post(
            "/api/scenarios/yizhuang/copies",
            json={"name": "x", "changes": {"shops.paint.rate": 56}},
        )
        assert refused.status_code == 403
    with server.client(server.planner) as planner:
        made = planner.post(
            "/api/scenarios/yizhuang/copies",
            json={"name": "paint56", "changes": {"shops.paint.rate": 56}},
        )
        assert made.status_code == 201, made.text
        assert made.json()["parent"] == "yizhuang@1" and made.json()["stored_rows"] == 1
        bad = planner.post(
            "/api/scenarios/yizhuang/copies",
            json={"name": "bad", "changes": {"shops.paint.rate": -5, "shops.body.rate": 0}},
        )
        assert bad.status_code == 422
        problems = [(p["file"], p["field"], p["message"]) for p in bad.json()["problems"]]
        assert ("shops.csv", "rate", "must be > 0, got -5 (set by shops.paint.rate)") in problems
        assert len(problems) == 2
        unknown = planner.post(
            "/api/scenarios/yizhuang/copies",
            json={"name": "bad", "changes": {"shops.nope.rate": 1}},
        )
        assert unknown.status_code == 422 and "no row 'nope'" in unknown.text
        taken = planner.post(
            "/api/scenarios/yizhuang/copies",
            json={"name": "paint56", "changes": {"shops.paint.rate": 57}},
        )
        assert taken.status_code == 400 and "already exists" in taken.json()["detail"]
    shops = {shop.id: shop for shop in read_stored("paint56", server.db)[1].shops}
    assert shops["paint"].rate == 56


def test_what_if_in_the_browser_copies_plans_and_compares(browser: Browser, server: Server) -> None:
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.planner}&next=/scenarios/yizhuang/what-if")
    page.fill("#name", "whatif-browser")
    page.fill("input[data-address='shops.paint.rate']", "40")
    page.click("#make")
    page.wait_for_selector("#steps li", timeout=30_000)
    page.wait_for_selector("body[data-plotted=true]", timeout=120_000)  # the compare page
    assert page.locator("h1").inner_text() == "Plans compared: yizhuang@1, whatif-browser@1"
    names = page.evaluate(
        "() => document.getElementById('ramps')._fullData.map((trace) => trace.name)"
    )
    assert any("whatif-browser" in name for name in names), names
    page.screenshot(path=str(SCREENSHOTS / "dashboard-compare.png"))
    base, copy = (read_plan(ref, db=server.db).result for ref in ("yizhuang", "whatif-browser"))
    assert copy.output["quantity"].sum() < base.output["quantity"].sum()  # paint binds
    assert problems == []


# --- risk --------------------------------------------------------------------------------------


def test_a_risk_job_counts_its_solves_and_serves_its_report(server: Server) -> None:
    with server.client(server.planner) as planner:
        started = planner.post(
            "/api/scenarios/yizhuang/risk", json={"runs": 3, "tornado_runs": 0, "seed": 7}
        )
        assert started.status_code == 202, started.text
        job = _finished(planner, started.json()["id"], seconds=240)
        assert job["state"] == "done", job
        assert job["total"] == 3 and job["done"] == 3 and job["result"]["runs"] == 3
        report = planner.get(f"/api/jobs/{job['id']}/report")
        assert report.status_code == 200 and "Risk: " in report.text and "3 runs" in report.text
        bad = planner.post("/api/scenarios/yizhuang/risk", json={"runs": 0})
        assert bad.status_code == 422 and bad.json()["problems"][0]["where"] == "body.runs"


def test_risk_in_the_browser_starts_shows_progress_and_cancels(
    browser: Browser, server: Server
) -> None:
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.planner}&next=/scenarios/yizhuang/risk")
    page.fill("#runs", "400")
    page.fill("#tornado", "0")
    page.click("#start")
    page.wait_for_function(
        "() => Number(document.getElementById('progress').value) >= 2", timeout=120_000
    )
    assert page.locator("#counted").inner_text().endswith("of 400 solves")
    page.click("#cancel")
    page.wait_for_selector("body[data-job=cancelled]", timeout=60_000)
    assert page.locator("#outcome").inner_text().startswith("cancelled: ")
    frame = page.frame_locator("#report")  # the report of the runs that finished
    assert "runs" in frame.locator("h1").inner_text(timeout=60_000)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-risk.png"))
    assert problems == []


# --- late orders and purchase orders ----------------------------------------------------------


def test_why_an_order_is_late_is_the_explain_of_the_stored_plan(server: Server) -> None:
    from evramp.analysis.explain import peg

    kept = read_plan("yizhuang", db=server.db)
    late = kept.result.orders[kept.result.orders["on_time"] == False]  # noqa: E712
    order_id = str(late.iloc[0]["order"])
    expected = peg(kept.scenario, kept.result, order_id)
    with server.client(server.reader) as reader:
        why = reader.get(f"/api/scenarios/yizhuang/orders/{order_id}").json()
        unknown = reader.get("/api/scenarios/yizhuang/orders/NOPE")
    assert why["sentences"] == expected.describe() and why["late"] == pytest.approx(expected.late)
    assert why["culprits"] and why["culprits"][0]["name"] == expected.culprits().iloc[0]["name"]
    assert unknown.status_code == 400 and "NOPE" in unknown.json()["detail"]


def test_drill_from_the_plan_page_into_a_late_order(browser: Browser, server: Server) -> None:
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.reader}&next=/scenarios/yizhuang")
    page.wait_for_selector("body[data-plotted=true]", timeout=60_000)
    first = page.locator("#late-orders tbody tr td a").first
    order_id = first.inner_text()
    first.click()
    assert page.locator("h1").inner_text() == f"Order {order_id}"
    assert float(page.locator("#late").inner_text().replace(",", "")) > 0
    assert page.locator("#culprits tbody tr").count() >= 1
    assert "held it back" in page.locator("#why").inner_text() or page.locator("#why li").count()
    page.screenshot(path=str(SCREENSHOTS / "dashboard-order.png"))
    assert problems == []


def test_purchase_orders_filter_and_download_as_the_mrp_of_the_stored_plan(
    browser: Browser, server: Server
) -> None:
    from evramp.app import mrp

    kept = read_plan("yizhuang", db=server.db)
    orders = mrp(kept.scenario, result=kept.result).orders
    supplier = str(orders["supplier"].value_counts().index[0])
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.reader}&next=/scenarios/yizhuang/mrp")
    every = f"{len(orders):,}"
    assert page.locator("#count").inner_text().startswith(f"{every} of {every} purchase orders")
    assert page.locator("#orders tbody tr").count() == min(len(orders), 500)
    page.select_option("select[name=supplier]", supplier)
    page.fill("input[name=item]", "P-")
    page.click("#filter")
    chosen = orders[(orders["supplier"] == supplier) & orders["item"].str.contains("P-")]
    assert 0 < len(chosen) < len(orders)
    assert page.locator("#count").inner_text().startswith(f"{len(chosen):,} of {every}")
    assert page.locator("#orders tbody tr").count() == min(len(chosen), 500)
    mine = len(chosen)
    page.screenshot(path=str(SCREENSHOTS / "dashboard-mrp.png"))
    with page.expect_download() as downloaded:
        page.click("#download")
    lines = Path(downloaded.value.path()).read_text().splitlines()
    assert lines[0].startswith("purchase_order,status,supplier") and len(lines) == mine + 1
    assert problems == []


# --- uploads ---------------------------------------------------------------------------------


def _broken_zip(tmp_path: Path) -> bytes:
    """The default plant as a zip, with a BOM quantity of -2 and a due date past the end."""
    import shutil
    import zipfile

    from evramp.io import builtin_scenario_path

    folder = tmp_path / "broken"
    shutil.copytree(builtin_scenario_path(), folder)
    bom = (folder / "bom.csv").read_text().splitlines()
    cells = bom[13].split(",")
    cells[2] = "-2"
    bom[13] = ",".join(cells)
    (folder / "bom.csv").write_text("\n".join(bom) + "\n")
    archive = io.BytesIO()
    with zipfile.ZipFile(archive, "w") as writer:
        for path in sorted(folder.iterdir()):
            writer.write(path, f"broken/{path.name}")
    return archive.getvalue()


def test_an_upload_is_stored_once_refused_with_its_problems_or_refused_as_unsafe(
    server: Server, tmp_path: Path
) -> None:
    import zipfile

    with server.client(server.planner) as planner:
        archive = planner.get("/api/scenarios/no-plan/download.zip")
        assert archive.status_code == 200 and archive.headers["content-type"] == "application/zip"
        files = {"file": ("again.zip", archive.content, "application/zip")}
        first = planner.post("/api/scenarios", files=files, data={"name": "uploaded"})
        assert first.status_code == 201, first.text
        assert first.json()["new"] and first.json()["revision"]["hash"] == (
            read_stored("no-plan", server.db)[0].hash
        )
        again = planner.post("/api/scenarios", files=files, data={"name": "uploaded"})
        assert again.status_code == 201 and not again.json()["new"]
        broken = {"file": ("broken.zip", _broken_zip(tmp_path), "application/zip")}
        refused = planner.post("/api/scenarios", files=broken)
        assert refused.status_code == 422
        problems = [(p["file"], p["row"], p["field"]) for p in refused.json()["problems"]]
        assert problems == [("bom.csv", 14, "quantity")]
        slip = io.BytesIO()
        with zipfile.ZipFile(slip, "w") as writer:
            writer.writestr("../scenario.yaml", "name: x")
        unsafe = planner.post("/api/scenarios", files={"file": ("slip.zip", slip.getvalue())})
        assert unsafe.status_code == 400 and "leaves the archive" in unsafe.json()["detail"]
        text = planner.post("/api/scenarios", files={"file": ("notes.txt", b"hello")})
        assert text.status_code == 400 and "expected a .zip" in text.json()["detail"]
        assert _status_of_a_huge_request(server).startswith("HTTP/1.1 413")
    with server.client(server.reader) as reader:
        assert reader.post("/api/scenarios", files=files).status_code == 403
    listed = {revision.scenario for revision, _, _ in list_scenarios(server.db)}
    assert not listed & {"broken", "slip", "notes"}  # nothing refused was stored


def _status_of_a_huge_request(server: Server) -> str:
    """The status line answering a request that says it carries 70 MB (and sends none of it:
    the server must refuse it before reading its body)."""
    import socket
    from urllib.parse import urlsplit

    where = urlsplit(server.url)
    assert where.hostname is not None and where.port is not None
    with socket.create_connection((where.hostname, where.port), timeout=10) as connection:
        connection.sendall(
            b"POST /api/scenarios HTTP/1.1\r\nHost: localhost\r\n"
            + f"Authorization: Bearer {server.planner}\r\n".encode()
            + b"Content-Type: application/zip\r\nContent-Length: 70000000\r\n\r\n"
        )
        return connection.recv(4096).decode().splitlines()[0]


def test_upload_in_the_browser_shows_every_problem_as_a_row(
    browser: Browser, server: Server, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.zip"
    broken.write_bytes(_broken_zip(tmp_path))
    page, problems = _offline_page(browser, server)
    page.goto(f"{server.url}/login?token={server.planner}&next=/")
    page.set_input_files("#file", str(broken))
    page.click("#send")
    page.wait_for_selector("#problems tbody tr", timeout=30_000)
    cells = page.locator("#problems tbody tr").first.locator("td").all_inner_texts()
    assert cells[:3] == ["bom.csv", "14", "quantity"] and cells[3].startswith("must be > 0")
    assert page.locator("#outcome").inner_text().startswith("scenario broken.zip rejected")
    assert problems == [
        "Failed to load resource: the server responded with a status of 422 (Unprocessable Entity)"
    ]
