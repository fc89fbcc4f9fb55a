"""Simplex bases kept from one solve to start the next (a re-plan starts from the plan before)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

import highspy
import numpy as np
import numpy.typing as npt


@dataclass(frozen=True)
class Basis:
    """A simplex basis: HiGHS' status of each column and row (`highspy.HighsBasisStatus`)."""

    columns: npt.NDArray[np.int8]
    rows: npt.NDArray[np.int8]

    @classmethod
    def of(cls, highs: highspy.Highs) -> Basis | None:
        basis = highs.getBasis()
        if not basis.valid:
            return None
        return cls(
            np.fromiter((int(v) for v in basis.col_status), dtype=np.int8),
            np.fromiter((int(v) for v in basis.row_status), dtype=np.int8),
        )

    def fits(self, highs: highspy.Highs) -> bool:
        return len(self.columns) == highs.getNumCol() and len(self.rows) == highs.getNumRow()

    def set_on(self, highs: highspy.Highs) -> bool:
        """Hand the basis to `highs` (same shape): its next simplex run starts from it."""
        if not self.fits(highs):
            return False
        basis = highspy.HighsBasis()
        status = [highspy.HighsBasisStatus(v) for v in range(5)]
        basis.col_status = [status[v] for v in self.columns.tolist()]
        basis.row_status = [status[v] for v in self.rows.tolist()]
        basis.valid = True
        ok = highs.setBasis(basis) == highspy.HighsStatus.kOk
        if ok:
            highs.setOptionValue("solver", "simplex")
        return ok


@dataclass(frozen=True)
class WarmStart:
    """Bases of an earlier solve of a model of the same shape: of the optimal plan (`first`)
    and of the level-mix stage (`level`, its columns and rows appended)."""

    first: Basis | None = None
    level: Basis | None = None


NO_BASES = WarmStart()


def write_bases(bases: WarmStart, path: Path | BinaryIO) -> None:
    """Both bases in one NumPy archive, a file or a binary stream (a basis of M is 120 kB;
    HiGHS' own text format is one line per column, megabytes)."""
    arrays = {}
    for name in ("first", "level"):
        basis = getattr(bases, name)
        if basis is not None:
            arrays[f"{name}_columns"], arrays[f"{name}_rows"] = basis.columns, basis.rows
    if isinstance(path, Path):
        with path.open("wb") as handle:
            np.savez_compressed(handle, **arrays)
    else:
        np.savez_compressed(path, **arrays)


def read_bases(path: Path | BinaryIO) -> WarmStart:
    """What `write_bases` wrote; an archive without a stage gives None for it."""
    with np.load(path) as archive:
        found = {
            name: Basis(archive[f"{name}_columns"], archive[f"{name}_rows"])
            for name in ("first", "level")
            if f"{name}_columns" in archive
        }
    return WarmStart(**found)
