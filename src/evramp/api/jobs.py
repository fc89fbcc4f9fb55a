"""Long work (a plan) as a background job: run in a process of its own, its steps reported as
they start, cancelled as Ctrl-C stops the command line (SIGINT: the use case stops within about
a second and keeps nothing half-written), so that no request waits for a solver.

A process, not a thread: a solve cannot be interrupted from another thread, and a crash stays in
the job. Processes are spawned, not forked (the server has threads of its own). Jobs are kept in
the server's memory: a restart forgets them, never what they stored.
"""

from __future__ import annotations

import datetime as dt
import multiprocessing
import os
import secrets
import signal
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from multiprocessing.context import SpawnProcess
from pathlib import Path
from queue import Empty
from typing import Any, Literal, TypeVar

State = Literal["running", "done", "failed", "cancelled"]
T = TypeVar("T")

CANCEL_GRACE = 5.0
"""Seconds a cancelled job has to stop on SIGINT before it is killed."""


@dataclass
class Job:
    id: str
    kind: str
    target: str
    """What it works on: a revision, NAME@N."""
    state: State = "running"
    steps: list[str] = field(default_factory=list)
    """The steps it started, in order."""
    result: dict[str, Any] | None = None
    error: str | None = None
    started: str = field(default_factory=lambda: _now())
    finished: str | None = None
    done: int = 0
    """Work items finished (a risk job's solves)."""
    total: int = 0
    """Work items in all (0: not counted)."""
    cancel_asked: bool = False
    ready: bool = False
    """Its process runs the work (a Ctrl-C before that would die in Python's start-up)."""


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Jobs:
    """The server's jobs, by id."""

    def __init__(self, db: str | None, results: Path) -> None:
        self.db = db
        self.results = results
        """Where jobs write their result folders (a risk job's report), one folder a job."""
        self._jobs: dict[str, Job] = {}
        self._processes: dict[str, SpawnProcess] = {}
        self._lock = threading.Lock()
        self._context = multiprocessing.get_context("spawn")

    def all(self) -> list[Job]:
        with self._lock:
            return sorted(self._jobs.values(), key=lambda job: job.started, reverse=True)

    def get(self, job_id: str) -> Job | None:
        with self._lock:
            return self._jobs.get(job_id)

    def start_plan(self, ref: str, options: dict[str, Any]) -> Job:
        """Plan the revision `ref` with `PlanOptions(**options)` and keep the plan."""
        return self._start(Job(secrets.token_hex(8), "plan", ref), run_plan, options)

    def start_risk(self, ref: str, options: dict[str, Any]) -> Job:
        """Risk of the revision `ref` with `RiskOptions(**options)`, written to the job's
        folder (after a cancel: what finished)."""
        return self._start(Job(secrets.token_hex(8), "risk", ref), run_risk, options)

    def folder(self, job: Job) -> Path:
        return self.results / job.id

    def stop_all(self) -> None:
        """Cancel every running job (the server is stopping)."""
        for job in self.all():
            self.cancel(job.id)

    def _start(self, job: Job, work: Callable[..., None], options: dict[str, Any]) -> Job:
        messages = self._context.Queue()
        # Not a daemon: a risk job runs a pool of its own, which a daemon may not.
        process = self._context.Process(
            target=work, args=(self.db, job.target, options, self.folder(job), messages)
        )
        with self._lock:
            self._jobs[job.id] = job
            self._processes[job.id] = process
        process.start()
        threading.Thread(target=self._follow, args=(job, process, messages), daemon=True).start()
        return job

    def cancel(self, job_id: str) -> Job | None:
        """Ask the job to stop (SIGINT); killed if it has not after `CANCEL_GRACE` s."""
        with self._lock:
            job, process = self._jobs.get(job_id), self._processes.get(job_id)
            if job is None or process is None or job.state != "running":
                return job
            job.cancel_asked = True
            if job.ready:
                _interrupt(process)
        return job

    def _follow(self, job: Job, process: SpawnProcess, messages: Any) -> None:
        """Take the job's messages until its process ends, and say how it ended."""
        while True:
            try:
                kind, value = messages.get(timeout=0.2)
            except Empty:
                if not process.is_alive():
                    break
                continue
            with self._lock:
                _took(job, kind, value)
                if kind == "ready" and job.cancel_asked:
                    _interrupt(process)
        process.join()
        with self._lock:
            if job.state == "running":  # ended without a word: killed, or died
                job.state = "cancelled" if job.cancel_asked else "failed"
                job.error = job.error or (
                    "cancelled"
                    if job.cancel_asked
                    else f"the job's process ended ({process.exitcode})"
                )
            job.finished = _now()
            self._processes.pop(job.id, None)


def _interrupt(process: SpawnProcess) -> None:
    """Ctrl-C for the job's process; killed if it has not stopped after `CANCEL_GRACE` s."""
    if process.pid is not None:
        os.kill(process.pid, signal.SIGINT)
    threading.Timer(CANCEL_GRACE, _kill_if_alive, args=(process,)).start()


def _kill_if_alive(process: SpawnProcess) -> None:
    if process.is_alive():
        process.kill()


def _took(job: Job, kind: str, value: Any) -> None:
    if kind == "ready":
        job.ready = True
    elif kind == "step":
        job.steps.append(str(value))
    elif kind == "total":
        job.total = int(value)
    elif kind == "progress":
        job.done += int(value)
    elif kind == "done":
        job.state, job.result = "done", dict(value)
    elif kind == "partial":
        job.result = dict(value)
    elif kind in ("failed", "cancelled"):
        job.state, job.error = kind, str(value)  # type: ignore[assignment]


def run_plan(
    db: str | None, ref: str, options: dict[str, Any], folder: Path, messages: Any
) -> None:
    """The plan job's process: plan and keep, saying each step; a refusal or a Ctrl-C (the
    cancel) is said too, never raised."""
    from evramp.app import PlanOptions, UseCaseError, plan_stored

    def step(label: str, action: Callable[[], T], /) -> T:
        messages.put(("step", label))
        return action()

    try:
        messages.put(("ready", None))
        info, planned = plan_stored(ref, PlanOptions(**options), db=db, steps=step)
    except UseCaseError as refused:
        messages.put(("failed", refused.message))
    except KeyboardInterrupt:
        messages.put(("cancelled", "no plan was kept"))
    else:
        messages.put(("done", {"plan": info.ref, "status": planned.result.status}))


def run_risk(
    db: str | None, ref: str, options: dict[str, Any], folder: Path, messages: Any
) -> None:
    """The risk job's process: the runs and the tornado, progress as solves finish, the
    report written to `folder`; a cancel writes what finished (`risk-partial/`)."""
    from evramp.app import RiskOptions, UseCaseError, prepare_risk, read_stored, run_risk
    from evramp.app import write_risk as write

    try:
        messages.put(("ready", None))
        messages.put(("step", f"Reading {ref}"))
        revision, scenario = read_stored(ref, db)
        prepared = prepare_risk(scenario, RiskOptions(**options), revision.ref)
        messages.put(("total", prepared.solves))
        messages.put(("step", f"Solving: {prepared.announcement()}"))
        outcome = run_risk(prepared, lambda finished: messages.put(("progress", finished)))
        messages.put(("step", "Writing the report"))
        written = write(outcome, folder)
    except UseCaseError as refused:
        messages.put(("failed", refused.message))
    except KeyboardInterrupt:
        messages.put(("cancelled", "no run had finished; nothing was written"))
    else:
        report = written.written.folder / "report.html"
        result = {"report": str(report.relative_to(folder)), "runs": outcome.result.finished}
        if outcome.interrupted:
            messages.put(("cancelled", f"{outcome.covered_words()}; the report is of those"))
            messages.put(("partial", result))
        else:
            messages.put(("done", result))
