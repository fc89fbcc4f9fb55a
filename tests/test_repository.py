"""The repository reads right in any clone: no committed file points into the machine it was
written on."""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
# A folder of one machine: a user's home, the scratch space, a work tree outside the repo.
MACHINE_PATH = re.compile(r"(?<![\w.])/(?:work|root|home|tmp|Users|mnt)/|\b[A-Z]:\\Users\\")


def committed_files() -> list[Path]:
    listed = subprocess.run(
        ["git", "ls-files", "-z"], cwd=ROOT, check=True, capture_output=True, text=True
    ).stdout
    return [ROOT / name for name in listed.split("\0") if name]


def test_no_committed_file_names_an_absolute_machine_path() -> None:
    files = committed_files()
    assert len(files) > 50  # the listing worked
    found = []
    for path in files:
        # This file holds examples of the pattern; a file deleted but not yet committed is gone.
        if path == Path(__file__).resolve() or not path.is_file():
            continue
        try:
            text = path.read_text(encoding="utf-8")
        except UnicodeDecodeError:  # images
            continue
        for number, line in enumerate(text.splitlines(), start=1):
            if MACHINE_PATH.search(line):
                found.append(f"{path.relative_to(ROOT)}:{number}: {line.strip()}")
    assert found == [], "name sources by file name or title and site:\n" + "\n".join(found)


def test_the_pattern_catches_machine_paths_and_spares_relative_ones() -> None:
    for machine in ("see /work/shared/seeds/", "`/home/ann/x`", "in /tmp/plan", "C:\\Users\\x"):
        assert MACHINE_PATH.search(machine), machine
    for fine in ("../shared/benchmarks/", "out/yizhuang/plan", "plan/*.csv", "tcp://host:8786"):
        assert not MACHINE_PATH.search(fine), fine
