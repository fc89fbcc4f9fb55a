"""kill -9 at every moment of a result write: the folder holds the old result or the new one,
whole, and the next write clears what the killed one left.

The writes run in forked children that SIGKILL themselves just before their n-th file operation
(counted by a Python audit hook: every open, mkdir, rename, link, chmod, unlink, rmtree and the
renameat2 call through ctypes), for every n from the first operation to the last; then the real
`evramp plan` is killed from outside at moments of its write that the test sees happen. A kill
loses what the kernel has not yet written out only on a power cut, which no test here can cause
(no disk fault injector): these tests cover the order of the operations, not the fsyncs.
"""

from __future__ import annotations

import multiprocessing
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from multiprocessing.connection import Connection
from pathlib import Path

import pandas as pd
import pytest

import evramp
from evramp.io import atomic
from evramp.io.atomic import clean_debris, write_text_atomic
from evramp.io.result_folder import Writer, write_result
from evramp.io.tables import table_files

EVRAMP = str(Path(sys.executable).with_name("evramp"))
Snapshot = dict[str, bytes | None]  # relative path -> content (None: a folder)


def snapshot(folder: Path) -> Snapshot:
    if not folder.is_dir():
        return {}
    found: Snapshot = {}
    for path in sorted(folder.rglob("*")):
        name = str(path.relative_to(folder))
        found[name] = None if path.is_dir() else path.read_bytes()
    return found


def counted(event: str) -> bool:
    return event == "open" or event.startswith(("os.", "shutil.", "ctypes."))


def _child(
    moment: int | None, write: Callable[[Path], object], out: Path, pipe: Connection
) -> None:
    """In the child: count file operations, SIGKILL itself before the `moment`-th."""
    operations = 0

    def hook(event: str, args: tuple[object, ...]) -> None:
        nonlocal operations
        if counted(event):
            operations += 1
            if operations == moment:
                os.kill(os.getpid(), signal.SIGKILL)

    sys.addaudithook(hook)
    write(out)
    pipe.send(operations)


# Children come from a fork server, a fresh process: a fork of pytest itself, whose polars and
# HiGHS thread pools hold locks, deadlocked in polars' write_csv.
_SERVER = multiprocessing.get_context("forkserver")
_SERVER.set_forkserver_preload(["evramp.io.tables", "pandas", "polars"])


def write_killed_at(moment: int | None, write: Callable[[Path], object], out: Path) -> int | None:
    """Run `write(out)` (a module-level function) in a child killed (SIGKILL, by itself) just
    before its `moment`-th file operation. Returns how many operations it made when it was not
    killed, else None."""
    receiver, sender = _SERVER.Pipe(duplex=False)
    child = _SERVER.Process(target=_child, args=(moment, write, out, sender))
    child.start()
    sender.close()
    child.join(timeout=120)
    assert child.exitcode is not None, "the write hung in the child"
    if child.exitcode == -signal.SIGKILL:
        return None
    assert child.exitcode == 0, "the write failed in the child"
    return int(receiver.recv())


def result_files(version: str) -> dict[str, Writer]:
    """A result as the commands write one: CSV tables (through pandas) and a report written
    through its own atomic file; every file differs between versions."""
    frame = pd.DataFrame({"week": range(200), "quantity": [f"{version}-{i}" for i in range(200)]})
    return {
        **table_files({"builds": frame, "output": frame.head(50)}),
        "report.html": lambda path: write_text_atomic(path, f"<p>{version}</p>\n" * 500),
    }


def prepare(root: Path) -> Path:
    """`root/out` with an old plan result, a file of the user's in it and one beside it."""
    out = root / "out"
    write_result(out, "plan", result_files("old"))
    (out / "plan" / "notes.txt").write_text("mine\n")
    (out / "summary.xlsx").write_text("mine too\n")
    return out


def write_new(out: Path) -> None:
    write_result(out, "plan", result_files("new"))


def _no_exchange(first: Path, second: Path) -> bool:
    return False


def write_new_by_two_renames(out: Path) -> None:
    """The path for kernels and file systems without renameat2(RENAME_EXCHANGE)."""
    atomic._exchange = _no_exchange
    write_new(out)


def write_partial(out: Path) -> None:
    write_result(out, "plan", result_files("new"), complete=False, note="10 of 20 runs")


def moments_of(write: Callable[[Path], object], tmp_path: Path) -> tuple[int, Snapshot, Snapshot]:
    """How many file operations `write` makes; the folder before and after it."""
    out = prepare(tmp_path / "count")
    old = snapshot(out / "plan")
    operations = write_killed_at(None, write, out)
    assert operations is not None and operations > 20
    return operations, old, snapshot(out / "plan")


def beside(out: Path) -> set[str]:
    return {path.name for path in out.iterdir()}


@pytest.mark.parametrize("write", [write_new, write_new_by_two_renames])
def test_kill_at_every_file_operation_leaves_old_or_new_whole(
    tmp_path: Path, write: Callable[[Path], None]
) -> None:
    operations, old, new = moments_of(write, tmp_path)
    assert old != new and old["notes.txt"] == new["notes.txt"] == b"mine\n"
    outcomes: dict[str, int] = {"old": 0, "new": 0, "missing until cleaned": 0}
    for moment in range(1, operations + 1):
        out = prepare(tmp_path / str(moment))
        assert write_killed_at(moment, write, out) is None
        now = snapshot(out / "plan")
        if now == old:
            outcomes["old"] += 1
        elif now == new:
            outcomes["new"] += 1
        else:
            # Only between the two renames of the fallback: the old folder waits beside.
            assert write is write_new_by_two_renames and not (out / "plan").exists(), moment
            [retired] = [p for p in out.iterdir() if p.name.startswith(".plan.old-")]
            assert snapshot(retired) == old
            outcomes["missing until cleaned"] += 1
            clean_debris(out / "plan")
            assert snapshot(out / "plan") == old
        assert (out / "summary.xlsx").read_text() == "mine too\n"
        write_new(out)  # the next run: clears the debris, writes the new result
        assert snapshot(out / "plan") == new, moment
        assert beside(out) == {"plan", "summary.xlsx"}, moment
        shutil.rmtree(tmp_path / str(moment))
    # Kills landed on both sides of the switch.
    assert outcomes["old"] > 10 and outcomes["new"] > 0, outcomes
    if write is write_new_by_two_renames:
        assert outcomes["missing until cleaned"] >= 1, outcomes


def test_kill_during_a_partial_result_keeps_the_complete_one(tmp_path: Path) -> None:
    operations, complete, _ = moments_of(write_partial, tmp_path)
    finished = prepare(tmp_path / "finished")
    write_partial(finished)
    partial = snapshot(finished / "plan-partial")
    assert b"10 of 20 runs" in (partial["PARTIAL.txt"] or b"")
    for moment in range(1, operations + 1):
        out = prepare(tmp_path / str(moment))
        assert write_killed_at(moment, write_partial, out) is None
        assert snapshot(out / "plan") == complete, moment
        assert snapshot(out / "plan-partial") in ({}, partial), moment
        write_partial(out)
        assert snapshot(out / "plan-partial") == partial
        assert beside(out) == {"plan", "plan-partial", "summary.xlsx"}, moment
        shutil.rmtree(tmp_path / str(moment))


def test_kill_while_making_the_out_folder_leaves_no_empty_folder(tmp_path: Path) -> None:
    """A kill before the switch of a first write into a new --out leaves no result and, after
    the next write, no debris; an interrupted write removes the folders it made."""
    out = tmp_path / "a" / "b" / "out"
    operations = write_killed_at(None, write_new, out)
    assert operations is not None
    shutil.rmtree(tmp_path / "a")
    for moment in range(1, operations + 1):
        write_killed_at(moment, write_new, out)
        assert snapshot(out / "plan") in ({}, snapshot_of_new(tmp_path))
        write_new(out)
        assert beside(out) == {"plan"}
        shutil.rmtree(tmp_path / "a")

    def interrupt(path: Path) -> None:
        raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_result(out, "plan", {"builds.csv": interrupt})
    assert not (tmp_path / "a").exists()


def snapshot_of_new(tmp_path: Path) -> Snapshot:
    reference = tmp_path / "reference"
    if not reference.exists():
        write_result(reference, "plan", result_files("new"))
    return snapshot(reference / "plan")


def test_debris_of_the_old_layout_is_cleared_and_nothing_of_the_users(tmp_path: Path) -> None:
    """Before the one-rename switch evramp staged a folder as `.plan.XXXXXXXX` (tempfile's
    0700) and retired the old one into `.plan.old.XXXXXXXX/plan`; a kill between the two renames
    left no plan/. The next write puts the old folder back (keeping the user's file in it),
    removes the debris, and leaves alone what only looks like it."""
    out = tmp_path / "out"
    out.mkdir()
    staging = out / ".plan.k2x9_q0a"
    staging.mkdir(mode=0o700)
    (staging / "builds.csv").write_text("half")
    retired = out / ".plan.old.z7yq3m1c"
    retired.mkdir(mode=0o700)
    (retired / "plan").mkdir()
    (retired / "plan" / "builds.csv").write_text("old")
    (retired / "plan" / "notes.txt").write_text("mine\n")
    (retired / "plan" / ".evramp-files").write_text(".evramp-files\nbuilds.csv\n")
    report = out / ".report.html.ab12cd34"
    report.write_text("half")
    report.chmod(0o600)
    current = out / ".plan.staging-abcd1234"
    current.mkdir()
    # The user's: a backup copy (made with the usual 0755), names that are not tempfile's.
    (out / ".plan.mybackup").mkdir()
    (out / ".plan.mybackup" / "builds.csv").write_text("kept")
    (out / ".plan.staging-notes").write_text("kept")
    (out / ".plan.old.saved").mkdir()
    (out / ".plan.old.saved" / "plan").mkdir()
    (out / ".report.html.notes123").write_text("kept")  # 0644: not tempfile's

    write_result(out, "plan", result_files("new"))

    assert (out / "plan" / "notes.txt").read_text() == "mine\n"  # put back, then carried over
    assert (out / "plan" / "report.html").read_text().startswith("<p>new</p>")
    assert beside(out) == {
        "plan",
        ".plan.mybackup",
        ".plan.staging-notes",
        ".plan.old.saved",
        ".report.html.notes123",
    }
    assert (out / ".plan.mybackup" / "builds.csv").read_text() == "kept"
    clean_debris(out / "report.html")
    assert (out / ".report.html.notes123").read_text() == "kept"


# --- the real command ----------------------------------------------------------------------


def staging_state(out: Path) -> set[str]:
    """What the write of `evramp plan` has done so far, as seen from outside."""
    seen: set[str] = set()
    for entry in os.scandir(out):
        if entry.name.startswith(".plan.staging-"):
            seen.add("staging")
            try:
                names = {path.name for path in Path(entry.path).iterdir()}
            except FileNotFoundError:
                continue
            if any(name.endswith(".csv") for name in names):
                seen.add("csv")
            if any(name.startswith(".report.html.staging-") for name in names):
                seen.add("report started")
            if "report.html" in names:
                seen.add("report")
            if ".evramp-files" in names:
                seen.add("listed")
    return seen


Plans = tuple[Path, Snapshot, Snapshot]


@pytest.fixture(scope="module")
def two_plans(tmp_path_factory: pytest.TempPathFactory) -> Plans:
    """An old result (a slower paint shop, every file different) in a folder to copy, and the
    snapshots of it and of the new one, the default scenario's (evramp writes it byte for byte
    the same each time)."""
    root = tmp_path_factory.mktemp("plans")
    slower = evramp.load_scenario("yizhuang").with_changes({"shops.paint.rate": 40})
    folder = evramp.write_scenario(slower, root / "slower")
    for scenario, out in ((str(folder), root / "old"), ("yizhuang", root / "new")):
        done = subprocess.run(
            [EVRAMP, "plan", scenario, "--out", str(out)], capture_output=True, check=False
        )
        assert done.returncode == 0, done.stderr
        (out / "plan" / "notes.txt").write_text("mine\n")
    old, new = snapshot(root / "old" / "plan"), snapshot(root / "new" / "plan")
    assert all(old[name] != new[name] for name in old if name.endswith((".csv", ".html")))
    return root / "old", old, new


@pytest.mark.parametrize("moment", ["staging", "csv", "report started", "report", "listed"])
def test_kill_9_of_evramp_plan_during_its_write(
    two_plans: Plans, moment: str, tmp_path: Path
) -> None:
    old_out, old, new = two_plans
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    process = subprocess.Popen(
        [EVRAMP, "plan", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while moment not in staging_state(out):
        assert process.poll() is None, f"ended before {moment!r} was seen"
        assert time.monotonic() < deadline
        time.sleep(0.001)
    process.kill()
    process.wait()
    now = snapshot(out / "plan")
    assert now in (old, new), "the old result or the new one, whole"
    clean_debris(out / "plan")  # what the next run does first
    assert beside(out) == {"plan"}
    assert snapshot(out / "plan") == now


def test_the_next_evramp_plan_clears_a_killed_ones_staging(
    two_plans: Plans, tmp_path: Path
) -> None:
    old_out, old, new = two_plans
    out = tmp_path / "out"
    shutil.copytree(old_out, out)
    process = subprocess.Popen(
        [EVRAMP, "plan", "--out", str(out)], stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    deadline = time.monotonic() + 120
    while "report" not in staging_state(out):
        assert process.poll() is None and time.monotonic() < deadline
        time.sleep(0.001)
    process.kill()
    process.wait()
    assert snapshot(out / "plan") == old
    assert any(name.startswith(".plan.staging-") for name in beside(out))
    again = subprocess.run([EVRAMP, "plan", "--out", str(out)], capture_output=True, check=False)
    assert again.returncode == 0, again.stderr
    assert beside(out) == {"plan"}
    assert snapshot(out / "plan") == new
