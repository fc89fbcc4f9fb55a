"""Write result tables (pandas DataFrames) as a folder of CSV files, all or nothing."""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import pandas as pd

from evramp.io.atomic import atomic_directory


def write_tables(folder: Path, tables: Mapping[str, pd.DataFrame]) -> dict[str, Path]:
    """Write each table as `folder/<name>.csv`, replacing the folder as a whole."""
    with atomic_directory(folder) as staging:
        for name, frame in tables.items():
            frame.to_csv(staging / f"{name}.csv", index=False, float_format="%.6g")
    return {name: folder.resolve() / f"{name}.csv" for name in tables}
