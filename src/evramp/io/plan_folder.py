"""Read back a plan folder that `evramp plan` wrote (`plan/*.csv`, `plan/basis.npz`): what a
re-plan holds, starts from and compares with."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

READ_TABLES = ("builds", "purchases", "output", "orders", "capacity", "supply")
"""The tables a re-plan reads of its previous plan."""
BASIS_FILE = "basis.npz"


class PlanFolderInvalid(ValueError):
    """A folder that is not a readable plan: the message says which file and why."""


@dataclass(frozen=True)
class PlanFiles:
    """A written plan's tables (dates as ISO text, as in the files) and its basis file."""

    folder: Path
    tables: dict[str, pl.DataFrame]
    basis: Path | None
    """`basis.npz` when the plan has one (plans written before evramp kept bases have none)."""

    def __getitem__(self, name: str) -> pl.DataFrame:
        return self.tables[name]


NUMBERS = ("quantity", "capacity", "load", "shadow_price", "weeks_late", "delivered")
NEEDED = {
    "builds": ("item", "week", "quantity"),
    "purchases": ("supplier", "item", "release_week", "receipt_week", "quantity"),
    "output": ("variant", "week", "quantity"),
    "orders": ("order", "last_delivery"),
    "capacity": ("shop", "week", "shadow_price"),
    "supply": ("supplier", "item", "week", "shadow_price"),
}


def _in_weeks(frame: pl.DataFrame) -> pl.DataFrame:
    """Time columns named as in weekly plans (`day`, `release_month` -> `week`,
    `release_week`), numbers as numbers; dates stay ISO text, as the planner's bucket starts."""
    renamed = frame.rename(
        {c: c.replace("day", "week").replace("month", "week") for c in frame.columns}
    )
    return renamed.with_columns(
        pl.col(c).cast(pl.Float64, strict=False) for c in NUMBERS if c in renamed.columns
    )


def read_plan_folder(folder: Path) -> PlanFiles:
    """The tables of the plan in `folder` (a `plan/` folder, or the folder holding one).
    Raises `PlanFolderInvalid` naming each file that is missing or unreadable."""
    if (folder / "plan").is_dir() and not (folder / "builds.csv").exists():
        folder = folder / "plan"
    if not folder.is_dir():
        raise PlanFolderInvalid(f"{folder}: no such folder; expected a plan folder (plan/)")
    tables: dict[str, pl.DataFrame] = {}
    problems: list[str] = []
    for name in READ_TABLES:
        path = folder / f"{name}.csv"
        try:
            tables[name] = _in_weeks(pl.read_csv(path, infer_schema=False))
        except FileNotFoundError:
            problems.append(f"{path}: file not found")
        except (pl.exceptions.PolarsError, OSError, UnicodeDecodeError) as failed:
            problems.append(f"{path}: not readable as a plan table ({failed})")
    if problems:
        raise PlanFolderInvalid("; ".join(problems))
    missing = [
        f"{folder / name}.csv: no column {column!r}"
        for name, columns in NEEDED.items()
        for column in columns
        if column not in tables[name].columns
    ]
    if missing:
        raise PlanFolderInvalid("; ".join(missing))
    basis = folder / BASIS_FILE
    return PlanFiles(folder, tables, basis if basis.is_file() else None)
