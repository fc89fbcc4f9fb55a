"""A big demand table: `validate` and `plan` of the default plant with 1,000,000 orders.

    python benchmarks/big_demand.py [--rows 1000000] [--plan-rows 1000000] [--data DIR]

The default plant (scenarios/yizhuang) with its demand.csv replaced by `--rows` lines: each of
its 2,951 orders (firm and forecast) split into equal parts (same variant, due date, priority,
price, penalty and kind; the quantity divided, to a thousandth), so the plant faces the same
demand per week and the same LP, only in many more lines. Each measurement is a fresh process
(`evramp validate` and `evramp plan` as a user runs them, interpreter start and imports
included); wall time from the parent, peak memory from `resource.getrusage(RUSAGE_CHILDREN)`
after each child is reaped (a child's maximum resident set).

The L case of benchmarks/run.py (100,000 orders, 20,000 parts) is measured beside it for
comparison with the plant-scale targets (< 120 s, < 8 GiB); `--no-l` leaves it out.
"""

from __future__ import annotations

import argparse
import csv
import os
import shutil
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_SCENARIO = REPO / "scenarios" / "yizhuang"
QUANTITY_DECIMALS = 3


def write_big_demand(template: Path, folder: Path, rows: int) -> int:
    """Copy the scenario `template` to `folder` with its demand split into about `rows` lines;
    returns the number of lines written."""
    shutil.copytree(template, folder)
    with (template / "demand.csv").open(newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle)
        columns = list(reader.fieldnames or [])
        lines = list(reader)
    parts = max(1, rows // len(lines))
    extra = rows - parts * len(lines)  # the first `extra` lines get one part more
    written = 0
    with (folder / "demand.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(columns)
        for number, line in enumerate(lines):
            split = parts + (number < max(extra, 0))
            share = max(round(float(line["quantity"]) / split, QUANTITY_DECIMALS), 0.001)
            for part in range(split):
                cells = dict(line, id=f"{line['id']}-{part:04d}", quantity=f"{share:g}")
                writer.writerow([cells[column] for column in columns])
                written += 1
    return written


@dataclass(frozen=True)
class Measured:
    seconds: float
    peak_mib: float
    exit_code: int
    output: str


def run_child(command: list[str], cwd: Path) -> Measured:
    """Run `command` in a fresh process; its wall time and its own peak resident set.

    RUSAGE_CHILDREN's ru_maxrss is the largest of all reaped children, so each measurement
    runs in its own intermediate process (`python -c` that runs the command and reports)."""
    probe = (
        "import resource, subprocess, sys, time\n"
        "start = time.perf_counter()\n"
        "done = subprocess.run(sys.argv[1:], capture_output=True, text=True)\n"
        "seconds = time.perf_counter() - start\n"
        "peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / 1024\n"
        "sys.stderr.write(done.stdout[-2000:] + done.stderr[-2000:])\n"
        "print(f'{seconds} {peak} {done.returncode}')\n"
    )
    done = subprocess.run(
        [sys.executable, "-c", probe, *command],
        cwd=cwd,
        capture_output=True,
        text=True,
        check=True,
    )
    seconds, peak, code = done.stdout.split()
    return Measured(float(seconds), float(peak), int(code), done.stderr)


def evramp_command(*args: str) -> list[str]:
    return [str(Path(sys.executable).with_name("evramp")), *args]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--plan-rows", type=int, default=None, help="default: --rows")
    parser.add_argument("--data", type=Path, default=None, help="default: a temporary folder")
    parser.add_argument("--no-l", action="store_true", help="leave out the L case")
    parser.add_argument("--l-data", type=Path, default=REPO / "out" / "bench")
    args = parser.parse_args()
    plan_rows = args.plan_rows or args.rows

    with tempfile.TemporaryDirectory(dir=args.data) as temporary:
        root = Path(temporary)
        table = [
            "| case | orders | demand.csv MB | command | wall s | peak MiB | exit |",
            "|---|--:|--:|---|--:|--:|--:|",
        ]
        cases: list[tuple[str, Path, int]] = []
        for count in dict.fromkeys((args.rows, plan_rows)):
            folder = root / f"demand-{count}"
            started = time.perf_counter()
            written = write_big_demand(DEFAULT_SCENARIO, folder, count)
            print(f"generated {written:,} lines in {time.perf_counter() - started:.1f} s")
            cases.append((f"default plant, {written:,} lines", folder, written))
        for name, folder, written in cases:
            size = (folder / "demand.csv").stat().st_size / 1e6
            commands = [("validate", evramp_command("validate", str(folder)))]
            if written == plan_rows:
                out = root / f"out-{written}"
                commands.append(("plan", evramp_command("plan", str(folder), "--out", str(out))))
            for label, command in commands:
                measured = run_child(command, REPO)
                if measured.exit_code != 0:
                    print(measured.output, file=sys.stderr)
                table.append(
                    f"| {name} | {written:,} | {size:.0f} | {label} | {measured.seconds:.1f} | "
                    f"{measured.peak_mib:,.0f} | {measured.exit_code} |"
                )
        if not args.no_l:
            table.extend(_l_case(args.l_data, root))
    print(f"load: {os.getloadavg()[0]:.2f} {os.getloadavg()[1]:.2f} {os.getloadavg()[2]:.2f}")
    print("\n".join(table))


def _l_case(data: Path, root: Path) -> list[str]:
    """The L plant of benchmarks/generate.py (written once into `data/L`, as run.py does)."""
    sys.path.insert(0, str(REPO / "benchmarks"))
    import run

    folder = run.scenario_folder("L", data, seed=0)
    lines = sum(1 for _ in (folder / "demand.csv").open(encoding="utf-8")) - 1
    size = (folder / "demand.csv").stat().st_size / 1e6
    rows = []
    for label, command in (
        ("validate", evramp_command("validate", str(folder))),
        ("plan", evramp_command("plan", str(folder), "--out", str(root / "out-L"))),
    ):
        measured = run_child(command, REPO)
        rows.append(
            f"| L plant | {lines:,} | {size:.0f} | {label} | {measured.seconds:.1f} | "
            f"{measured.peak_mib:,.0f} | {measured.exit_code} |"
        )
    return rows


if __name__ == "__main__":
    main()
