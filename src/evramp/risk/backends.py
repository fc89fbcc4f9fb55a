"""Where the runs are solved: `local`, a pool of worker processes on this machine, or `dask`,
the workers of a Dask cluster (a local one started here, or a running scheduler's `address`).

A job is (pass, run): pass 0 samples every source, pass k + 1 only source k (for the tornado).
Each worker builds its HiGHS model once, in the pool's initializer, then solves chunks of jobs;
a job's draws come from (seed, run, source) alone, so the results, reassembled by (pass, run),
are the same for any number of workers.
"""

from __future__ import annotations

import logging
import multiprocessing
import signal
import threading
import uuid
from collections.abc import Callable, Iterator, Sequence
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from contextlib import contextmanager
from dataclasses import dataclass

from evramp.risk.engine import Outcome, RiskProblem, Solver
from evramp.risk.sampling import sample_run

Job = tuple[int, int]  # (pass, run)


@dataclass(frozen=True)
class Passes:
    """What each pass switches on: None for every source, else a mask of sources."""

    seed: int
    masks: tuple[tuple[bool, ...] | None, ...]


def solve_jobs(solver: Solver, passes: Passes, jobs: Sequence[Job]) -> list[tuple[Job, Outcome]]:
    model = solver.problem.model
    return [
        ((p, run), solver.run(sample_run(model, passes.seed, run, passes.masks[p])))
        for p, run in jobs
    ]


_WORKER: tuple[Solver, Passes] | None = None


def _fork_server() -> multiprocessing.context.BaseContext:
    """Workers forked from a fresh server process that has imported the solver: a fork of the
    caller would copy a process whose polars, Arrow and OpenMP thread pools may hold locks that
    no thread of the child ever releases (Python 3.14 made this the default for that reason)."""
    context = multiprocessing.get_context("forkserver")
    context.set_forkserver_preload(["evramp.risk.engine", "evramp.risk.sampling"])
    return context


def _start_worker(problem: RiskProblem, passes: Passes, algorithm: str) -> None:
    """Pool initializer: Ctrl-C is the parent's to handle; build the LP once."""
    global _WORKER
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    _WORKER = (Solver(problem, algorithm), passes)


def _work(jobs: list[Job]) -> list[tuple[Job, Outcome]]:
    assert _WORKER is not None
    solver, passes = _WORKER
    return solve_jobs(solver, passes, jobs)


def chunks(jobs: Sequence[Job], workers: int) -> list[list[Job]]:
    """About eight chunks per worker, at most 4 jobs each: on Ctrl-C the chunks already handed
    to the pool (one per worker, plus one) still finish, under a second of runs each on the
    default scenario (10 jobs a chunk kept Ctrl-C waiting 2.8-3.3 s; 4 cost no throughput)."""
    size = max(1, min(4, len(jobs) // (8 * workers) or 1))
    return [list(jobs[i : i + size]) for i in range(0, len(jobs), size)]


def run_local(
    problem: RiskProblem,
    passes: Passes,
    jobs: Sequence[Job],
    workers: int,
    algorithm: str,
    done: Callable[[list[tuple[Job, Outcome]]], None],
) -> None:
    """Solve `jobs` on `workers` processes, calling `done` with each finished chunk (in the
    order they finish). On Ctrl-C the jobs not started are cancelled and KeyboardInterrupt is
    raised again once the pool is gone; what `done` received is kept by the caller."""
    pool = ProcessPoolExecutor(
        max_workers=workers,
        mp_context=_fork_server(),
        initializer=_start_worker,
        initargs=(problem, passes, algorithm),
    )
    pending: set[Future[list[tuple[Job, Outcome]]]] = set()
    try:
        pending = {pool.submit(_work, chunk) for chunk in chunks(jobs, workers)}
        while pending:
            finished, pending = wait(pending, return_when=FIRST_COMPLETED)
            for future in finished:
                done(future.result())
    except KeyboardInterrupt:
        for future in pending:
            future.cancel()
        pool.shutdown(wait=True, cancel_futures=True)  # the chunks under way finish
        for future in pending:
            if future.done() and not future.cancelled() and future.exception() is None:
                done(future.result())
        raise
    finally:
        pool.shutdown(wait=True, cancel_futures=True)


class BackendUnavailable(RuntimeError):
    """The backend's engine is not installed (an optional extra) or cannot be reached."""


# Worker side of the dask backend: one Solver per (session, thread), built by the first chunk
# a worker thread gets; the problem is scattered to every worker once.
_SOLVERS: dict[tuple[str, int], Solver] = {}


def _dask_work(
    token: str, problem: RiskProblem, passes: Passes, algorithm: str, jobs: list[Job]
) -> list[tuple[Job, Outcome]]:
    key = (token, threading.get_ident())
    solver = _SOLVERS.get(key)
    if solver is None:
        for old in [k for k in _SOLVERS if k[0] != token]:  # an earlier session's models
            del _SOLVERS[old]
        solver = _SOLVERS[key] = Solver(problem, algorithm)
    return solve_jobs(solver, passes, jobs)


@contextmanager
def _sigint_ignored() -> Iterator[None]:
    """SIGINT ignored while processes are started (they inherit it), in the main thread only."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, signal.SIG_IGN)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def run_dask(
    problem: RiskProblem,
    passes: Passes,
    jobs: Sequence[Job],
    workers: int,
    algorithm: str,
    done: Callable[[list[tuple[Job, Outcome]]], None],
    address: str | None = None,
) -> None:
    """As `run_local`, on Dask: a local cluster of `workers` single-threaded worker processes
    started for the call (and closed after it), or the cluster whose scheduler is at
    `address` (then `workers` only sizes the chunks)."""
    try:
        from distributed import Client, LocalCluster, as_completed
    except ImportError as missing:
        raise BackendUnavailable(
            "the dask backend needs Dask: pip install 'evramp[dask]'"
        ) from missing
    cluster = None
    try:
        if address is None:
            with _sigint_ignored():  # Ctrl-C is the parent's: workers inherit "ignored"
                cluster = LocalCluster(
                    n_workers=workers,
                    threads_per_worker=1,
                    processes=True,
                    dashboard_address=None,
                    silence_logs=logging.ERROR,
                )
            client = Client(cluster)
        else:
            client = Client(address, timeout=10)
    except OSError as unreachable:
        if cluster is not None:
            cluster.close()
        raise BackendUnavailable(f"no Dask scheduler at {address}: {unreachable}") from None
    delivered: set[int] = set()
    futures = []
    try:
        token = uuid.uuid4().hex
        [shared] = client.scatter([problem], broadcast=True)
        futures = [
            client.submit(_dask_work, token, shared, passes, algorithm, chunk, pure=False)
            for chunk in chunks(jobs, workers)
        ]
        for future in as_completed(futures):
            delivered.add(id(future))
            done(future.result())
    except KeyboardInterrupt:
        for future in futures:  # finished but not yet handed over: keep them
            if id(future) not in delivered and future.status == "finished":
                done(future.result())
        client.cancel(futures)
        raise
    finally:
        client.close()
        if cluster is not None:
            cluster.close()


BACKENDS = ("local", "dask")
