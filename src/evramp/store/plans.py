"""A plan as the workspace keeps it: its verdict and figures as JSON, each table as an Arrow
(Feather) blob, its bases as a NumPy archive. Reading it back gives the `PlanResult` that was
stored, so that explaining a stored plan never solves a different one.
"""

from __future__ import annotations

import dataclasses
import io
import json
from collections.abc import Mapping
from dataclasses import dataclass
from importlib.metadata import PackageNotFoundError, version
from typing import Any

import pandas as pd

from evramp.plan import PlanResult
from evramp.plan.basis import read_bases, write_bases
from evramp.plan.level import Levelling
from evramp.plan.result import ModelSize

FRAMES = (
    "builds",
    "output",
    "purchases",
    "stock",
    "deliveries",
    "backlog",
    "orders",
    "capacity",
    "supply",
)
"""`PlanResult`'s tables, stored one blob each."""
BASES = "bases"
FEATHER, NUMPY = "feather", "npz"


@dataclass(frozen=True)
class PlanParts:
    """What the workspace stores of a plan."""

    result: str
    """JSON of every field of `PlanResult` that is not a table or the bases."""
    blobs: Mapping[str, tuple[str, bytes]]
    """Name -> (format, bytes)."""


def parts_of(result: PlanResult) -> PlanParts:
    fields = {
        field.name: getattr(result, field.name)
        for field in dataclasses.fields(result)
        if field.name not in (*FRAMES, BASES)
    }
    fields["size"] = dataclasses.asdict(result.size)
    if result.levelling is not None:
        fields["levelling"] = dataclasses.asdict(result.levelling)
    blobs = {name: (FEATHER, _feather(getattr(result, name))) for name in FRAMES}
    bases = io.BytesIO()
    write_bases(result.bases, bases)
    blobs[BASES] = (NUMPY, bases.getvalue())
    return PlanParts(json.dumps(fields, allow_nan=True), blobs)


def result_of(parts: PlanParts) -> PlanResult:
    fields: dict[str, Any] = json.loads(parts.result)
    fields["size"] = ModelSize(**fields["size"])
    if fields.get("levelling") is not None:
        fields["levelling"] = Levelling(**fields["levelling"])
    frames: dict[str, Any] = {
        name: pd.read_feather(io.BytesIO(parts.blobs[name][1])) for name in FRAMES
    }
    bases = read_bases(io.BytesIO(parts.blobs[BASES][1]))
    return PlanResult(**fields, **frames, bases=bases)


def _feather(frame: pd.DataFrame) -> bytes:
    buffer = io.BytesIO()
    frame.reset_index(drop=True).to_feather(buffer, compression="zstd")
    return buffer.getvalue()


def evramp_version() -> str:
    """The installed evramp's version (the package's metadata: the store comes before the
    package's public API, which says it too)."""
    try:
        return version("evramp")
    except PackageNotFoundError:  # run from a source tree that was never installed
        return "unknown"


def highs_version() -> str:
    """The HiGHS that solved: highspy's version (it ships the solver)."""
    try:
        return version("highspy")
    except PackageNotFoundError:  # a source build without metadata
        return "unknown"
