"""The best-of-N timer the benchmarks share.

Not `timeit`: it turns the cycle collector off while it times, and the collector's work is
part of what a user waits for (a third of reading a large scenario before the reader paused it
itself).
"""

from __future__ import annotations

import time
from collections.abc import Callable


def best_of(action: Callable[[], object], repeat: int) -> float:
    """The fastest of `repeat` runs of `action`, in seconds (the machine is shared: the
    fastest run is the one least slowed by others)."""
    fastest = float("inf")
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        fastest = min(fastest, time.perf_counter() - started)
    return fastest
