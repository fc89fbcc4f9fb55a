"""Scenarios as Excel workbooks against CSV folders: write and read time, size.

    python benchmarks/excel.py [--sizes default S L] [--plans default]

For each scenario (`default` is scenarios/yizhuang, the others benchmarks/generate.py's
plants) in one process: `write_scenario` and `load_scenario` of a folder, `write_workbook` and
`read_workbook` of a workbook, their sizes on disk, and the workbook's time as a multiple of the
folder's (ratio). With `--plans`, the same for a plan's tables (`write_tables` against
`write_plan_workbook`, which adds the two pivot sheets), planned first. Each time is the best of
`--repeat` runs (default 1; the machine is shared).
"""

from __future__ import annotations

import argparse
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

import evramp
from evramp.io import load_scenario, write_scenario
from evramp.io.tables import write_tables
from evramp.io.workbook import read_workbook, write_plan_workbook, write_workbook
from evramp.model import Scenario
from generate import generate
from timing import best_of


@dataclass(frozen=True)
class Row:
    case: str
    what: str
    csv_seconds: float
    xlsx_seconds: float
    csv_bytes: int
    xlsx_bytes: int


def size_of(path: Path) -> int:
    if path.is_file():
        return path.stat().st_size
    return sum(entry.stat().st_size for entry in path.rglob("*") if entry.is_file())


def scenario_of(case: str) -> Scenario:
    if case == "default":
        return load_scenario(evramp.builtin_scenario_path())
    return generate(case)


def scenario_rows(case: str, scenario: Scenario, folder: Path, repeat: int) -> list[Row]:
    plant, book = folder / case, folder / f"{case}.xlsx"
    write_csv = best_of(lambda: write_scenario(scenario, plant), repeat)
    write_xlsx = best_of(lambda: write_workbook(scenario, book), repeat)
    read_csv = best_of(lambda: load_scenario(plant), repeat)
    read_xlsx = best_of(lambda: read_workbook(book), repeat)
    sizes = size_of(plant), size_of(book)
    return [
        Row(case, "scenario write", write_csv, write_xlsx, *sizes),
        Row(case, "scenario read", read_csv, read_xlsx, *sizes),
    ]


def plan_row(case: str, scenario: Scenario, folder: Path, repeat: int) -> Row:
    from evramp.plan import plan

    tables = plan(scenario).tables()
    plan_folder, book = folder / f"{case}-plan" / "plan", folder / f"{case}-plan.xlsx"
    write_csv = best_of(lambda: write_tables(plan_folder, tables), repeat)
    write_xlsx = best_of(lambda: write_plan_workbook(tables, book), repeat)
    return Row(case, "plan write", write_csv, write_xlsx, size_of(plan_folder), size_of(book))


def table(rows: list[Row]) -> str:
    lines = [
        "| case | what | CSV s | xlsx s | ratio | CSV MB | xlsx MB |",
        "|------|------|------:|-------:|------:|-------:|--------:|",
    ]
    for row in rows:
        lines.append(
            f"| {row.case} | {row.what} | {row.csv_seconds:.2f} | {row.xlsx_seconds:.2f} | "
            f"{row.xlsx_seconds / row.csv_seconds:.1f}x | {row.csv_bytes / 1e6:.1f} | "
            f"{row.xlsx_bytes / 1e6:.1f} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", nargs="*", default=["default", "L"])
    parser.add_argument("--plans", nargs="*", default=["default"])
    parser.add_argument("--repeat", type=int, default=1)
    arguments = parser.parse_args()
    folder = Path(tempfile.mkdtemp(prefix="evramp-excel-"))
    rows: list[Row] = []
    try:
        for case in dict.fromkeys([*arguments.sizes, *arguments.plans]):
            scenario = scenario_of(case)
            if case in arguments.sizes:
                rows += scenario_rows(case, scenario, folder, arguments.repeat)
            if case in arguments.plans:
                rows.append(plan_row(case, scenario, folder, arguments.repeat))
    finally:
        shutil.rmtree(folder, ignore_errors=True)
    print(table(rows))


if __name__ == "__main__":
    main()
