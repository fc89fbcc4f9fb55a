"""HiGHS in a worker thread, watched by the calling thread: a time limit that holds, Ctrl-C
within about a second, and the best integer plan kept as HiGHS finds it.

HiGHS checks its clock and its interrupt callback only at certain points. Its root rounding
heuristic (`linesearchRounding -> tryRoundedPoint -> HighsDomain::propagate`, found with gdb)
checks neither, so on the default scenario `--time-limit 60` ended after 69-95 s, once 356 s,
and Ctrl-C waited 138 s. `highs.run()` releases the GIL, so the calling thread can wait in short
steps: at the limit it asks HiGHS to stop through the interrupt callback, and if HiGHS has not
returned `GRACE_SECONDS` later it stops waiting and returns the copy of the best integer plan
that the solution callbacks made (`Abandoned`). HiGHS then goes on in its daemon thread until
its next check, which stops it; nothing reads its results any more. SIGINT is handled by the
main thread only, so a Ctrl-C raises KeyboardInterrupt in that wait, and the watcher interrupts
HiGHS and raises `HighsInterrupted` with the best plan seen.
"""

from __future__ import annotations

import contextlib
import math
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

import highspy
import numpy as np
from highspy.highs import HighsCallbackEvent

from evramp.plan.layout import FloatArray

POLL_SECONDS = 0.1
"""How often the waiting thread looks at the clock and reports progress (and how late at most
it notices that HiGHS returned)."""
GRACE_SECONDS = 1.0
"""How long HiGHS has to honour an interrupt before the watcher stops waiting for it."""


@dataclass(frozen=True)
class Progress:
    """Where a MIP stands: seconds since its start, the best integer plan's objective (inf
    while there is none) and the best bound (-inf before the root LP is solved)."""

    seconds: float
    objective: float
    bound: float
    stopped: bool = False
    """Ctrl-C stopped the MIP: this is the plan that is kept, being made whole and written."""

    @property
    def gap(self) -> float:
        """HiGHS' relative gap, |objective - bound| / max(1, |objective|); inf without a plan."""
        if not math.isfinite(self.objective) or not math.isfinite(self.bound):
            return math.inf
        return abs(self.objective - self.bound) / max(1.0, abs(self.objective))


ProgressReport = Callable[[Progress], None]


@dataclass(frozen=True)
class Incumbent:
    """A copy of the best integer plan HiGHS reported, with the bound known at the end."""

    x: FloatArray
    objective: float
    bound: float

    @property
    def gap(self) -> float:
        return Progress(0.0, self.objective, self.bound).gap


class Abandoned(Exception):
    """HiGHS did not return within `GRACE_SECONDS` of the time limit; it is left running."""

    def __init__(self, incumbent: Incumbent | None, seconds: float) -> None:
        self.incumbent = incumbent
        self.seconds = seconds
        super().__init__(f"HiGHS did not stop at its time limit; gave up after {seconds:.1f} s")


class HighsInterrupted(KeyboardInterrupt):
    """Ctrl-C during a HiGHS run: HiGHS was asked to stop (and waited for, at most
    `GRACE_SECONDS`); `incumbent` is the best integer plan it had reported, if any."""

    def __init__(self, incumbent: Incumbent | None, seconds: float) -> None:
        self.incumbent = incumbent
        self.seconds = seconds
        super().__init__(f"interrupted after {seconds:.1f} s")


_abandoned_lock = threading.Lock()
_abandoned: list[threading.Thread] = []


def abandoned_runs() -> int:
    """How many HiGHS runs this process gave up on are still going (each holds a core until
    HiGHS' next check of its interrupt callback)."""
    with _abandoned_lock:
        _abandoned[:] = [thread for thread in _abandoned if thread.is_alive()]
        return len(_abandoned)


class Watcher:
    """Runs one HiGHS instance, any number of times, in a worker thread (see the module)."""

    def __init__(
        self,
        highs: highspy.Highs,
        columns: int,
        deadline: float | None = None,
        progress: ProgressReport | None = None,
    ) -> None:
        """`deadline` is a `time.monotonic()` instant (None: no limit); `progress` is called in
        the waiting thread about every `POLL_SECONDS` while a MIP runs."""
        self._highs = highs
        self._columns = columns
        self._deadline = math.inf if deadline is None else deadline
        self._progress = progress
        self._stop = threading.Event()
        self.stopped_at_deadline = False
        """The watcher interrupted HiGHS at the deadline (HiGHS then says 'Interrupted')."""
        self._lock = threading.Lock()
        self._best_x: FloatArray | None = None
        self._objective = math.inf
        self._bound = -math.inf
        highs.cbMipImprovingSolution.subscribe(self._on_solution)
        highs.cbMipSolution.subscribe(self._on_solution)
        for interruptible in (highs.cbMipInterrupt, highs.cbSimplexInterrupt, highs.cbIpmInterrupt):
            interruptible.subscribe(self._on_check)

    def run(self) -> highspy.HighsStatus:
        """`highs.run()`, returning its status, or raising `Abandoned` (past the deadline) or
        `HighsInterrupted` (Ctrl-C). The incumbent kept is that of this run only."""
        with self._lock:
            self._best_x, self._objective, self._bound = None, math.inf, -math.inf
        started = time.monotonic()
        done = threading.Event()
        outcome: list[highspy.HighsStatus | BaseException] = []

        def work() -> None:
            try:
                outcome.append(self._highs.run())
            except BaseException as failure:  # handed to the waiting thread
                outcome.append(failure)
            finally:
                done.set()

        worker = threading.Thread(target=work, name="highs", daemon=True)
        try:
            worker.start()
            while not done.wait(POLL_SECONDS):
                now = time.monotonic()
                if self._progress is not None:
                    self._progress(self._snapshot(now - started))
                if now >= self._deadline and not self._stop.is_set():
                    self.stopped_at_deadline = True
                    self._stop.set()  # HiGHS' own time_limit should have stopped it already
                if now >= self._deadline + GRACE_SECONDS:
                    with _abandoned_lock:
                        _abandoned.append(worker)
                    raise Abandoned(self.incumbent(), now - started)
        except KeyboardInterrupt:
            self._stop.set()
            with contextlib.suppress(KeyboardInterrupt):  # a second Ctrl-C: stop waiting
                done.wait(GRACE_SECONDS)
            if not done.is_set():
                with _abandoned_lock:
                    _abandoned.append(worker)
            raise HighsInterrupted(self.incumbent(), time.monotonic() - started) from None
        result = outcome[0]
        if isinstance(result, BaseException):
            raise result
        return result

    def incumbent(self) -> Incumbent | None:
        with self._lock:
            if self._best_x is None:
                return None
            return Incumbent(self._best_x, self._objective, self._bound)

    def _snapshot(self, seconds: float) -> Progress:
        with self._lock:
            return Progress(seconds, self._objective, self._bound)

    # The callbacks run in the worker thread, inside HiGHS.

    def _on_solution(self, event: HighsCallbackEvent) -> None:
        data = event.data_out
        objective = float(data.objective_function_value)
        with self._lock:
            self._note_bound(float(data.mip_dual_bound))
            if objective < self._objective:
                # HiGHS' vector may carry entries past the model's columns: only ours are kept.
                self._best_x = np.array(data.mip_solution[: self._columns], dtype=np.float64)
                self._objective = objective

    def _on_check(self, event: HighsCallbackEvent) -> None:
        if event.callback_type == highspy.cb.HighsCallbackType.kCallbackMipInterrupt:
            with self._lock:
                self._note_bound(float(event.data_out.mip_dual_bound))
        if self._stop.is_set():
            event.interrupt()

    def _note_bound(self, bound: float) -> None:
        if math.isfinite(bound):
            self._bound = bound
