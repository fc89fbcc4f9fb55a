"""The workspace: import, what-if copy, stored plan and Excel round trip, on SQLite and Postgres.

    python benchmarks/workspace.py [--backends sqlite,postgres] [--repeat 1] [--plan M]

In one process, per backend (SQLite: a file in a temp folder; Postgres: a throwaway cluster
started by tests/postgres.py, skipped with a message when no server is installed):

- `import default` and `import L`: `evramp db import FOLDER` as the app layer runs it (read and
  validate the folder, store it whole); targets < 0.5 s and < 10 s;
- `copy L, 10 rows`: `evramp db copy L L-whatif --set ...` of ten rows (five shops' rates, five
  supplier lines' capacities): read L, make and validate the changes on the whole scenario,
  store the rows that differ; targets < 1 s and < 1 % of L's storage;
- frePPLe's way beside it, a copy of the whole data: on SQLite the database file copied, on
  Postgres `pg_dump -Fc` and `pg_restore` into a new database (frePPLe copies a scenario so);
- `read plan M`: the stored plan of plant M read back as a `PlanResult` (planned once first,
  not timed); target < 1 s;
- `export L .xlsx` and `import L .xlsx`: the stored L written as a workbook and imported again.

Each time is the best of `--repeat` runs; the machine is shared, so the load is printed.
"""

from __future__ import annotations

import argparse
import os
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from evramp.app.workspace import (
    copy_scenario,
    export_scenario,
    import_scenario,
    read_changes,
    read_plan,
    store_plan,
)
from evramp.io import builtin_scenario_path, load_scenario
from evramp.store import Workspace
from generate import write
from timing import best_of

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))  # the throwaway Postgres cluster of the test setup

from tests import postgres  # noqa: E402


@dataclass(frozen=True)
class Row:
    backend: str
    what: str
    seconds: float
    note: str = ""
    target: str = ""


def plant(case: str) -> Path:
    folder = REPO / "out" / "bench" / case
    if not (folder / "scenario.yaml").is_file():
        write(case, folder)
    return folder


def ten_changes(folder: Path) -> list[str]:
    """Ten rows of L to change: five shops' rates up 10 %, five supplier lines' capacities
    down 20 % (the kind of what-if a planner asks: a faster line, a short supplier)."""
    scenario = load_scenario(folder)
    shops = [f"shops.{shop.id}.rate={shop.rate * 1.1:.1f}" for shop in scenario.shops[:5]]
    lines = [
        f"suppliers.{line.supplier}:{line.item}.capacity={line.capacity * 0.8:.0f}"
        for line in scenario.suppliers[:5]
        if line.capacity is not None
    ]
    return shops + lines


def stored_bytes(db: str, ref: str) -> int:
    return Workspace.open(db).stored_bytes(ref)


def measure(backend: str, db: str, repeat: int, plan_case: str, work: Path) -> list[Row]:
    rows: list[Row] = []
    default = best_of(lambda: import_scenario("yizhuang", f"default-{time.time_ns()}", db), repeat)
    rows.append(Row(backend, "import default", default, target="< 0.5 s"))
    large = plant("L")
    count = 0

    def import_large() -> None:
        nonlocal count
        count += 1
        import_scenario(large, f"L{count}", db)

    rows.append(Row(backend, "import L", best_of(import_large, repeat), target="< 10 s"))
    parent = Workspace.open(db).revision("L1")
    changes = read_changes(ten_changes(large))
    copies = 0

    def copy() -> None:
        nonlocal copies
        copies += 1
        copy_scenario("L1", f"L-whatif{copies}", changes, db)

    copied = best_of(copy, repeat)
    copy_bytes = stored_bytes(db, "L-whatif1")
    share = copy_bytes / stored_bytes(db, parent.ref)
    rows.append(
        Row(
            backend,
            "copy L, 10 rows",
            copied,
            f"{copy_bytes:,} B stored, {share:.4%} of L's "
            f"{stored_bytes(db, parent.ref) / 1e6:.1f} MB",
            "< 1 s, < 1 %",
        )
    )
    seconds, how, size = full_copy(backend, db, work, large, repeat)
    note = (
        f"{seconds / copied:.2f}x the copy's time, {size / 1e6:.1f} MB ({size / copy_bytes:,.0f}x)"
    )
    rows.append(Row(backend, f"full copy of L ({how})", seconds, note))
    rows.append(plan_read(backend, db, plan_case, repeat))
    book = work / f"{backend}-L.xlsx"
    exported = best_of(lambda: export_scenario("L1", book, db), repeat)
    rows.append(Row(backend, "export L .xlsx", exported, f"{book.stat().st_size / 1e6:.1f} MB"))
    books = 0

    def import_book() -> None:
        nonlocal books
        books += 1
        import_scenario(book, f"L-book{books}", db)

    rows.append(Row(backend, "import L .xlsx", best_of(import_book, repeat)))
    return rows


def plan_read(backend: str, db: str, case: str, repeat: int) -> Row:
    from evramp.plan import plan

    folder = builtin_scenario_path() if case == "default" else plant(case)
    revision = import_scenario(folder, f"{case}-planned", db).revision
    store_plan(revision, plan(load_scenario(folder)), db=db)
    seconds = best_of(lambda: read_plan(revision.ref, db=db), repeat)
    return Row(backend, f"read plan {case}", seconds, target="< 1 s" if case == "M" else "")


def full_copy(
    backend: str, db: str, work: Path, large: Path, repeat: int
) -> tuple[float, str, int]:
    """A copy of a database holding L alone, as frePPLe copies a scenario (a database each):
    the time, how, and the bytes copied."""
    if backend == "sqlite":
        file = work / "alone.sqlite"
        import_scenario(large, "L", f"sqlite:///{file}")
        Workspace.open(f"sqlite:///{file}").engine.dispose()

        def backup() -> None:
            # SQLite's online backup: every page, the write-ahead log's included, as a
            # consistent copy (a plain file copy would miss what the log still holds).
            (work / "copy.sqlite").unlink(missing_ok=True)
            with sqlite3.connect(file) as source, sqlite3.connect(work / "copy.sqlite") as copy:
                source.backup(copy)

        seconds = best_of(backup, repeat)
        return seconds, "SQLite backup", (work / "copy.sqlite").stat().st_size
    bin_dir = postgres.find_binaries().initdb.parent
    alone = postgres.create_database(postgres_server(db))
    import_scenario(large, "L", alone)
    url = sa.make_url(alone)
    connect = ["-h", str(url.host), "-p", str(url.port), "-U", str(url.username)]
    dump = work / "workspace.dump"

    def dump_and_restore() -> None:
        restored = sa.make_url(postgres.create_database(postgres_server(db))).database
        run([str(bin_dir / "pg_dump"), *connect, "-Fc", "-f", str(dump), str(url.database)])
        run([str(bin_dir / "pg_restore"), *connect, "-d", str(restored), str(dump)])

    seconds = best_of(dump_and_restore, repeat)
    with sa.create_engine(alone).connect() as connection:
        size = connection.execute(sa.text("SELECT pg_database_size(current_database())")).scalar()
    return seconds, "pg_dump + pg_restore", int(size or 0)


def postgres_server(db: str) -> str:
    return sa.make_url(db).set(database="postgres").render_as_string(hide_password=False)


def run(command: list[str]) -> None:
    subprocess.run(command, check=True, stdout=subprocess.DEVNULL, env=os.environ)


@contextmanager
def backend_db(backend: str, work: Path) -> Iterator[str | None]:
    if backend == "sqlite":
        yield f"sqlite:///{work / 'workspace.sqlite'}"
        return
    try:
        cluster = postgres.start_cluster()
    except (postgres.PostgresNotFoundError, postgres.PostgresStartError) as missing:
        print(f"postgres: skipped ({missing})")
        yield None
        return
    try:
        yield postgres.create_database(cluster.url)
    finally:
        cluster.stop()


def table(rows: list[Row]) -> str:
    lines = [
        "| backend | what | s | note | target |",
        "|---|---|--:|---|---|",
        *(
            f"| {row.backend} | {row.what} | {row.seconds:.2f} | {row.note} | {row.target} |"
            for row in rows
        ),
    ]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--backends", default="sqlite,postgres")
    parser.add_argument("--repeat", type=int, default=1)
    parser.add_argument("--plan", default="M", help="the plant whose stored plan is read back")
    args = parser.parse_args()
    print(f"load average at the start: {os.getloadavg()[0]:.2f}")
    rows: list[Row] = []
    for backend in args.backends.split(","):
        with tempfile.TemporaryDirectory(prefix="evramp-bench-") as folder:
            work = Path(folder)
            with backend_db(backend, work) as db:
                if db is not None:
                    rows.extend(measure(backend, db, args.repeat, args.plan, work))
    print(table(rows))
    print(f"load average at the end: {os.getloadavg()[0]:.2f}")


if __name__ == "__main__":
    main()
