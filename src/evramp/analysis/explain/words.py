"""Words and numbers for the planner: bucket labels (ISO weeks), amounts, ratios, quantities."""

from __future__ import annotations

import numpy as np
import numpy.typing as npt
import pandas as pd

from evramp.model.buckets import bucket_label

FloatArray = npt.NDArray[np.float64]

QUANTITY_TOLERANCE = 1e-6
"""Vehicles, jobs and units below this are rounding, not a problem."""


# --------------------------------------------------------------------------------------------
# Words and numbers


def iso_labels(weeks: list[str], bucket: str = "week") -> dict[str, str]:
    """The label of each bucket (given by its first day): `2024-W18`, `2024-05-02`, `2024-05`."""
    return {w: bucket_label(w, bucket) for w in weeks}


def amount(value: float) -> str:
    """Money or a shadow price: whole numbers with separators, cents below 100."""
    if abs(value) >= 100 or value == round(value):
        return f"{value:,.0f}"
    return f"{value:,.2f}"


def ratio(value: float) -> str:
    """A multiple of something: 12, 4.8, 0.031."""
    if abs(value) >= 10:
        return f"{value:,.0f}"
    return f"{value:.1f}" if abs(value) >= 1 else f"{value:.2g}"


def quantity_text(value: float) -> str:
    """Vehicles, jobs, units: whole when whole, else up to two decimals."""
    if abs(value - round(value)) < 1e-6:
        return f"{round(value):,d}"
    return f"{value:,.2f}" if abs(value) < 100 else f"{value:,.0f}"


def empty_frame(columns: list[str]) -> pd.DataFrame:
    return pd.DataFrame({c: pd.Series(dtype=object) for c in columns})
