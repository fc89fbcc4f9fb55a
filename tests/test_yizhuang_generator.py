"""The committed default scenario is exactly what its generator writes (no hand edits drift)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import evramp

ROOT = Path(__file__).resolve().parents[1]


def test_generator_reproduces_the_committed_scenario(tmp_path: Path) -> None:
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "make_yizhuang.py"), "--out", str(tmp_path)],
        check=True,
        capture_output=True,
    )
    committed = evramp.builtin_scenario_path()
    generated = sorted(p.name for p in tmp_path.iterdir())
    assert generated == sorted(p.name for p in committed.iterdir() if p.name != "README.md")
    for name in generated:
        assert (tmp_path / name).read_bytes() == (committed / name).read_bytes(), name
