"""A bounded load test of `evramp serve` on loopback: `python benchmarks/serve_load.py
[--clients 20] [--requests 1000] [--jobs 5]`.

A real server (tests/server.py: the default plant stored and planned, a planner's and a reader's
token) takes `--requests` requests from `--clients` threads at once: key-figure, output,
scenario-list and plan-page reads, what-if copies (each a write of its own, named uniquely) and
`--jobs` plan jobs. It stops by itself, then checks that no request failed and no write was lost
(every copy is listed, every plan job kept its plan), and prints p50/p95 latency per kind with
the load average.
"""

from __future__ import annotations

import argparse
import itertools
import os
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from collections.abc import Callable, Generator
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the server the tests start

from tests.server import Server, serving  # noqa: E402

READS: dict[str, str] = {
    "key figures": "/api/scenarios/yizhuang/plan",
    "weekly output": "/api/scenarios/yizhuang/plan/output",
    "scenario list": "/api/scenarios",
    "plan page": "/scenarios/yizhuang",
}
WRITE_EVERY = 10
"""One request in this many is a what-if copy."""


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--requests", type=int, default=1000)
    parser.add_argument("--jobs", type=int, default=5)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="evramp-load-") as folder:
        running: Generator[Server, None, None] = serving(Path(folder))  # closed: stopped
        server = next(running)
        try:
            print(f"load average at the start: {os.getloadavg()[0]:.2f}")
            timings, failures, copies, jobs = run(server, args.clients, args.requests, args.jobs)
            print(f"load average at the end: {os.getloadavg()[0]:.2f}\n")
            report(timings, failures)
            check_nothing_lost(server, copies, jobs)
        finally:
            running.close()


def run(
    server: Server, clients: int, requests: int, jobs: int
) -> tuple[dict[str, list[float]], list[str], list[str], list[str]]:
    timings: dict[str, list[float]] = defaultdict(list)
    failures: list[str] = []
    copies: list[str] = []
    started_jobs: list[str] = []
    lock = threading.Lock()
    counter = itertools.count()
    local = threading.local()

    def client() -> httpx.Client:
        if not hasattr(local, "client"):
            local.client = server.client(server.planner)
            local.client.cookies.set("evramp_token", server.planner)
        made: httpx.Client = local.client
        return made

    def one(n: int) -> None:
        kind, call = _request(n, jobs, requests, next(counter))
        began = time.perf_counter()
        try:
            answer: httpx.Response | str = call(client())
        except httpx.HTTPError as failed:
            answer = str(failed)
        seconds = time.perf_counter() - began
        with lock:
            timings[kind].append(seconds)
            if isinstance(answer, str) or answer.status_code not in (200, 201, 202):
                failures.append(
                    f"{kind}: {answer if isinstance(answer, str) else answer.status_code}"
                )
            elif kind == "what-if copy":
                copies.append(answer.json()["ref"])
            elif kind == "plan job":
                started_jobs.append(answer.json()["id"])

    with ThreadPoolExecutor(clients) as pool:
        list(pool.map(one, range(requests)))
    return timings, failures, copies, started_jobs


def _request(
    n: int, jobs: int, requests: int, unique: int
) -> tuple[str, Callable[[httpx.Client], httpx.Response]]:
    if jobs and n % max(1, requests // jobs) == 0:
        name = f"load-job-{unique}"

        def plan_job(client: httpx.Client) -> httpx.Response:
            made = client.post(
                "/api/scenarios/yizhuang/copies",
                json={"name": name, "changes": {"shops.paint.rate": 48}},
            )
            made.raise_for_status()
            return client.post(f"/api/scenarios/{name}/plans", json={"level_weight": 0})

        return "plan job", plan_job
    if n % WRITE_EVERY == 0:
        name = f"load-copy-{unique}"
        rate = 40 + unique % 20

        def copy(client: httpx.Client) -> httpx.Response:
            return client.post(
                "/api/scenarios/yizhuang/copies",
                json={"name": name, "changes": {"shops.paint.rate": rate}},
            )

        return "what-if copy", copy
    kind, path = list(READS.items())[n % len(READS)]
    return kind, lambda client: client.get(path)


def report(timings: dict[str, list[float]], failures: list[str]) -> None:
    print("| request | count | p50 ms | p95 ms | max ms |")
    print("|---|--:|--:|--:|--:|")
    for kind, seconds in sorted(timings.items()):
        ordered = sorted(seconds)
        p95 = ordered[int(0.95 * (len(ordered) - 1))]
        print(
            f"| {kind} | {len(ordered)} | {statistics.median(ordered) * 1000:.0f} | "
            f"{p95 * 1000:.0f} | {ordered[-1] * 1000:.0f} |"
        )
    print(f"\nfailed requests: {len(failures)} {failures[:5]}")


def check_nothing_lost(server: Server, copies: list[str], jobs: list[str]) -> None:
    with server.client(server.planner) as planner:
        listed = {entry["newest"]["ref"] for entry in planner.get("/api/scenarios").json()}
        lost = [ref for ref in copies if ref not in listed]
        deadline = time.monotonic() + 600
        states: dict[str, str] = {}
        while time.monotonic() < deadline:
            states = {job: planner.get(f"/api/jobs/{job}").json()["state"] for job in jobs}
            if "running" not in states.values():
                break
            time.sleep(0.5)
    print(f"copies written: {len(copies)}, lost: {len(lost)}")
    print(f"plan jobs: {len(jobs)}, states: {sorted(states.values())}")
    if lost or any(state != "done" for state in states.values()):
        raise SystemExit("a write was lost or a plan job did not finish")


if __name__ == "__main__":
    main()
