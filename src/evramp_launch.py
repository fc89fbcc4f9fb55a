"""The `evramp` command's entry point, kept outside the evramp package so that it runs before
any heavy import.

Importing evramp.cli takes about a second (NumPy, pandas, SciPy, HiGHS, Rich, Typer). A Ctrl-C
then used to end in a 30-line KeyboardInterrupt traceback from inside some library's import.
`main` first installs a SIGINT handler that says one line and exits 130 (nothing can have been
written yet), imports the command, and puts Python's own handler back, so that from then on a
Ctrl-C is a KeyboardInterrupt that the command turns into its own message and exit code.
"""

from __future__ import annotations

import os
import signal
from types import FrameType

EXIT_INTERRUPTED = 130
STARTUP_MESSAGE = b"interrupted during start-up; nothing was written\n"


def _interrupted_during_startup(signal_number: int, frame: FrameType | None) -> None:
    # os.write and os._exit: no Python-level stream or clean-up may run in the middle of an
    # import that the signal cut short.
    os.write(2, STARTUP_MESSAGE)
    os._exit(EXIT_INTERRUPTED)


def main() -> None:
    previous = signal.getsignal(signal.SIGINT)
    # A shell's background job has SIGINT ignored: it stays ignored.
    if previous is signal.default_int_handler:
        signal.signal(signal.SIGINT, _interrupted_during_startup)
    from evramp.cli import main as command

    if previous is signal.default_int_handler:
        signal.signal(signal.SIGINT, previous)
    command()


if __name__ == "__main__":
    main()
