"""`--out` folders that cannot take a result, met as a user meets them: a file system that
takes no folders (/proc), a read-only one, a full disk, a file in the way. Each is refused with
exit 2 and one line saying why; the previous result and the user's files stay as they were.

The read-only and the full file systems are real tmpfs mounts, which needs root (as CI runs).
"""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from evramp.io.result_folder import write_result

EVRAMP = str(Path(sys.executable).with_name("evramp"))


def run(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([EVRAMP, *args], capture_output=True, text=True, check=False)


@contextmanager
def mounted(folder: Path, options: str) -> Iterator[Path]:
    """A tmpfs at `folder` with mount `options`, unmounted afterwards."""
    if os.geteuid() != 0:
        pytest.skip("mounting a tmpfs needs root (CI runs as root)")
    folder.mkdir()
    subprocess.run(["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], check=True)
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def refused_before_planning(process: subprocess.CompletedProcess[str], reason: str) -> None:
    assert process.returncode == 2, process.stdout + process.stderr
    assert reason in process.stderr
    assert "Traceback" not in process.stderr
    assert "Planning" not in process.stdout  # refused before any work
    assert len(process.stderr.strip().splitlines()) == 1


def test_a_file_system_that_takes_no_folders() -> None:
    process = run("plan", "--out", "/proc/evramp-out")
    refused_before_planning(process, "no folder can be made in /proc")


def test_a_read_only_file_system(tmp_path: Path) -> None:
    with mounted(tmp_path / "ro", "ro,size=1m") as folder:
        process = run("plan", "--out", str(folder / "out"))
    refused_before_planning(process, f"{folder} is on a read-only file system")


def test_a_file_in_the_way(tmp_path: Path) -> None:
    taken = tmp_path / "out"
    taken.write_text("mine\n")
    refused_before_planning(run("plan", "--out", str(taken)), "a file, not a folder")
    (tmp_path / "plan").write_text("mine too\n")
    refused_before_planning(run("plan", "--out", str(tmp_path)), "is a file, not a folder")
    assert taken.read_text() == "mine\n"
    assert (tmp_path / "plan").read_text() == "mine too\n"


def test_a_full_disk_keeps_the_previous_result(tmp_path: Path) -> None:
    """The plan is made, its files do not fit: the previous result, the user's file beside it
    and the free space are as before, and the message says the disk is full."""
    with mounted(tmp_path / "small", "size=256k") as folder:
        out = folder / "out"
        write_result(out, "plan", {"builds.csv": lambda path: path.write_text("old\n")})
        (out / "notes.txt").write_text("mine\n")
        free = os.statvfs(folder).f_bfree
        process = run("plan", "--out", str(out))
        assert process.returncode == 2, process.stdout + process.stderr
        assert "the disk is full" in process.stderr
        assert "the previous result is unchanged" in process.stderr
        assert "Traceback" not in process.stderr
        assert (out / "plan" / "builds.csv").read_text() == "old\n"
        assert sorted(path.name for path in out.iterdir()) == ["notes.txt", "plan"]
        assert os.statvfs(folder).f_bfree == free  # nothing half-written left anywhere
