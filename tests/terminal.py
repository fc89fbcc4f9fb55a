"""Run `evramp` in a pseudo-terminal and press Ctrl-C as a user does.

The command is the session leader of a new pseudo-terminal, which is its controlling terminal;
writing the interrupt character (Ctrl-C, \\x03) to the terminal makes the kernel send SIGINT to
the whole foreground process group, worker processes included, exactly as a keyboard does.
Output is read continuously (the terminal's buffer is small) and kept, so a test can wait for
a line the command printed: the signal is then sent at a moment the output proves.
"""

from __future__ import annotations

import fcntl
import os
import pty
import re
import signal
import struct
import subprocess
import sys
import termios
import threading
import time
from collections.abc import Sequence
from pathlib import Path

EVRAMP = str(Path(sys.executable).with_name("evramp"))
CTRL_C = b"\x03"
ANSI = re.compile(rb"\x1b\[[0-9;?]*[A-Za-z]|\x1b[()][0-9A-B]|\r")


def _controlling_terminal() -> None:
    """In the child, after setsid: take the terminal on fd 0 as the controlling one, and let
    SIGINT stop Python again (a test run from a background job inherits it ignored)."""
    fcntl.ioctl(0, termios.TIOCSCTTY, 0)
    signal.signal(signal.SIGINT, signal.SIG_DFL)


class Terminal:
    """One command in its own pseudo-terminal (120 × 40) and session."""

    def __init__(self, args: Sequence[str], cwd: Path | None = None) -> None:
        main, secondary = pty.openpty()
        fcntl.ioctl(secondary, termios.TIOCSWINSZ, struct.pack("HHHH", 40, 120, 0, 0))
        environment = {**os.environ, "TERM": "xterm-256color"}
        environment.pop("COLUMNS", None)
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [EVRAMP, *args],
            stdin=secondary,
            stdout=secondary,
            stderr=secondary,
            cwd=cwd,
            env=environment,
            start_new_session=True,
            preexec_fn=_controlling_terminal,
        )
        os.close(secondary)
        self._main = main
        self._raw = bytearray()
        self._lock = threading.Lock()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        while True:
            try:
                chunk = os.read(self._main, 65536)
            except OSError:  # EIO: every process holding the terminal has closed it
                return
            if not chunk:
                return
            with self._lock:
                self._raw += chunk

    @property
    def text(self) -> str:
        """Everything printed so far, without colours and cursor moves."""
        with self._lock:
            raw = bytes(self._raw)
        return ANSI.sub(b"", raw).decode("utf-8", errors="replace")

    def wait_for(self, pattern: str, timeout: float = 120.0) -> float:
        """Wait until the output matches `pattern` (a regular expression); the seconds since
        start. Fails if the command ends first or the time runs out."""
        deadline = time.monotonic() + timeout
        expression = re.compile(pattern)
        while not expression.search(self.text):
            if self.process.poll() is not None:
                self._reader.join(timeout=5)
                if expression.search(self.text):
                    break
                raise AssertionError(
                    f"ended (exit {self.process.returncode}) before printing {pattern!r}:\n"
                    + self.text
                )
            if time.monotonic() > deadline:
                raise AssertionError(f"no {pattern!r} within {timeout} s:\n{self.text}")
            time.sleep(0.01)
        return time.monotonic() - self.started

    def press_ctrl_c(self) -> float:
        """Type Ctrl-C; the moment, for `finish` to measure the time to stop."""
        os.write(self._main, CTRL_C)
        return time.monotonic()

    def finish(self, timeout: float = 120.0) -> int:
        """Wait for the command's exit code (killing its session if it hangs)."""
        try:
            code = self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            os.killpg(self.process.pid, signal.SIGKILL)
            self.process.wait()
            raise AssertionError(f"still running {timeout} s later:\n{self.text}") from None
        self._reader.join(timeout=10)
        os.close(self._main)
        return code

    def session_processes(self) -> list[int]:
        """Processes still alive in the command's session (its workers, a Dask cluster)."""
        alive = []
        for entry in Path("/proc").iterdir():
            if not entry.name.isdigit():
                continue
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:  # ended while being looked at
                continue
            state, session = fields[0], int(fields[3])
            if session == self.process.pid and state != "Z":
                alive.append(int(entry.name))
        return alive
