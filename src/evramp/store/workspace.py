"""The workspace: named scenarios, their immutable revisions, and the plans made of them.

A revision is addressed as `NAME` (the scenario's newest revision) or `NAME@N` (its N-th). Each
revision stores the rows that differ from its parent (a what-if copy of a 200,000-row plant
with ten changed rows stores ten rows); reading one overlays the deltas on the nearest full
ancestor. Every write is one transaction.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Collection, Iterator, Mapping
from contextlib import AbstractContextManager, contextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import Connection, Engine, RowMapping, func, select
from sqlalchemy.exc import IntegrityError, OperationalError, SQLAlchemyError

from evramp.store import schema
from evramp.store.engine import (
    StoreUnavailable,
    describe_url,
    make_engine,
    migrate,
    reading,
    sqlite_file,
    workspace_url,
    writing,
)
from evramp.store.plans import PlanParts, evramp_version
from evramp.store.rows import (
    Content,
    Delta,
    Line,
    content_hash,
    delta,
    delta_size,
    header_text,
    in_order,
    overlay,
    stored_whole,
)

NAME = re.compile(r"[^\W][\w.\-+]*")
"""A scenario's name: letters, digits, `.`, `-`, `_`, `+`; not `@`, which starts a revision."""
FULL_SHARE = 0.5
"""A revision that changes more than this share of its parent's rows is stored whole, so that
reading never overlays long chains of large deltas."""


MAX_CHAIN = 16
"""A revision whose parent is this many deltas from a full revision is stored whole: reading
any revision overlays at most this many deltas."""


class NotInWorkspace(LookupError):
    """A name, revision or plan the workspace does not hold: the message says what it has."""


class NameTaken(ValueError):
    """A new scenario's name is already in use."""


@dataclass(frozen=True)
class RevisionInfo:
    id: int
    scenario: str
    number: int
    parent: str | None
    """The parent revision as `NAME@N` (None for an import with no earlier revision)."""
    full: bool
    hash: str
    source: str
    rows: int
    stored_rows: int
    created: str
    evramp_version: str

    @property
    def ref(self) -> str:
        return f"{self.scenario}@{self.number}"


@dataclass(frozen=True)
class PlanInfo:
    id: int
    revision: RevisionInfo
    number: int
    options: Mapping[str, Any]
    status: str
    objective: float
    created: str
    evramp_version: str
    highs_version: str

    @property
    def ref(self) -> str:
        return f"{self.revision.ref} plan {self.number}"


@dataclass(frozen=True)
class Added:
    """A write's outcome: the revision, and False when it equals the newest one already."""

    revision: RevisionInfo
    new: bool


def parse_ref(ref: str) -> tuple[str, int | None]:
    """`NAME` -> (NAME, None); `NAME@3` -> (NAME, 3). `NotInWorkspace` for anything else."""
    name, at, number = ref.partition("@")
    if at and not number.isdigit():
        raise NotInWorkspace(f"{ref!r}: expected NAME or NAME@N (N a revision number)")
    return name, int(number) if at else None


def check_name(name: str) -> str:
    if not NAME.fullmatch(name) or len(name) > 200:
        raise NameTaken(
            f"{name!r} cannot name a scenario: use letters, digits and . - _ + (no spaces, "
            "no @), at most 200 characters"
        )
    return name


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")


class Workspace:
    """A workspace database, opened (and its schema migrated) by `Workspace.open`."""

    def __init__(self, engine: Engine, url: str) -> None:
        self.engine = engine
        self.url = url

    @classmethod
    def open(cls, db: str | None = None) -> Workspace:
        """The workspace at `db` (a URL or an SQLite file; default `$EVRAMP_DB`, then the
        default file), created if it does not exist yet."""
        url = workspace_url(db)
        engine = make_engine(url)
        try:
            migrate(engine)
        except SQLAlchemyError as failed:
            raise StoreUnavailable(
                f"cannot open the workspace {describe_url(url)}: {failed}"
            ) from None
        return cls(engine, url)

    @classmethod
    def existing(cls, db: str | None = None) -> Workspace | None:
        """The workspace if it exists (an SQLite file not there yet is not created)."""
        url = workspace_url(db)
        file = sqlite_file(url)
        if file is not None and not file.is_file():
            return None
        return cls.open(db)

    @property
    def where(self) -> str:
        return describe_url(self.url)

    # --- reading -----------------------------------------------------------------------------

    def scenarios(self) -> list[tuple[RevisionInfo, int, int]]:
        """Every scenario's newest revision, with its count of revisions and of plans."""
        with reading(self.engine) as connection:
            heads = connection.execute(
                select(schema.revision.c.scenario_id, func.max(schema.revision.c.number)).group_by(
                    schema.revision.c.scenario_id
                )
            ).all()
            plans: dict[int, int] = dict(
                connection.execute(
                    select(schema.revision.c.scenario_id, func.count(schema.plan.c.id))
                    .join(schema.plan, schema.plan.c.revision_id == schema.revision.c.id)
                    .group_by(schema.revision.c.scenario_id)
                ).all()
            )
            found = [
                (
                    self._revision_by_number(connection, scenario, number),
                    number,
                    plans.get(scenario, 0),
                )
                for scenario, number in heads
            ]
        return sorted(found, key=lambda entry: entry[0].scenario)

    def revision(self, ref: str) -> RevisionInfo:
        with reading(self.engine) as connection:
            return self._resolve(connection, ref)

    def log(self, name: str) -> list[tuple[RevisionInfo, list[PlanInfo]]]:
        """Every revision of the scenario `name`, oldest first, with its plans."""
        with reading(self.engine) as connection:
            scenario_id = self._scenario_id(connection, name)
            ids = connection.execute(
                select(schema.revision.c.id)
                .where(schema.revision.c.scenario_id == scenario_id)
                .order_by(schema.revision.c.number)
            ).scalars()
            revisions = [self._revision_by_id(connection, id_) for id_ in ids]
            return [(revision, self._plans_of(connection, revision)) for revision in revisions]

    def content(
        self, ref: str, tables: Collection[str] | None = None
    ) -> tuple[RevisionInfo, Content]:
        """The revision `ref` and its content: every table, or only `tables`."""
        with reading(self.engine) as connection:
            revision = self._resolve(connection, ref)
            chain = self._chain(connection, revision.id)
            return revision, self._overlaid(connection, chain, tables)

    def table_rows(self, ref: str) -> dict[str, int]:
        """How many rows each table of the revision `ref` has (without reading them)."""
        with reading(self.engine) as connection:
            revision = self._resolve(connection, ref)
            return {
                name: rows for name, (_, rows, _) in self._tables(connection, revision.id).items()
            }

    def stored_bytes(self, ref: str) -> int:
        """The bytes of the row lines the revision itself stores (not its ancestors')."""
        with reading(self.engine) as connection:
            revision = self._resolve(connection, ref)
            total = connection.execute(
                select(
                    func.coalesce(func.sum(func.length(schema.revision_row.c.content)), 0)
                ).where(schema.revision_row.c.revision_id == revision.id)
            ).scalar_one()
        return int(total)

    def plan_info(self, ref: str, number: int | None = None) -> PlanInfo:
        """The revision's plan `number` (default its newest), without what was stored of it."""
        with reading(self.engine) as connection:
            return self._chosen_plan(connection, ref, number)

    def plan(self, ref: str, number: int | None = None) -> tuple[PlanInfo, PlanParts]:
        """The revision's plan `number` (default its newest) and what was stored of it."""
        with reading(self.engine) as connection:
            chosen = self._chosen_plan(connection, ref, number)
            rows = connection.execute(
                select(schema.plan_part).where(schema.plan_part.c.plan_id == chosen.id)
            ).mappings()
            blobs = {row["name"]: (row["format"], bytes(row["data"])) for row in rows}
            result = connection.execute(
                select(schema.plan.c.result).where(schema.plan.c.id == chosen.id)
            ).scalar_one()
        return chosen, PlanParts(result, blobs)

    def _chosen_plan(self, connection: Connection, ref: str, number: int | None) -> PlanInfo:
        revision = self._resolve(connection, ref)
        plans = self._plans_of(connection, revision)
        if not plans:
            raise NotInWorkspace(
                f"{revision.ref} has no plan yet (make one: evramp plan {revision.ref})"
            )
        chosen = (
            plans[-1]
            if number is None
            else next((plan for plan in plans if plan.number == number), None)
        )
        if chosen is None:
            have = ", ".join(str(plan.number) for plan in plans)
            raise NotInWorkspace(f"{revision.ref} has no plan {number} (it has {have})")
        return chosen

    # --- writing -----------------------------------------------------------------------------

    def add(self, name: str, content: Content, source: str) -> Added:
        """A new revision of `name` (created when new) holding `content`; none when `content`
        equals the newest revision's."""
        check_name(name)
        with self._writing() as connection:
            scenario_id = self._scenario_id(connection, name, missing_ok=True, lock=True)
            parent = None
            if scenario_id is None:
                scenario_id = self._new_scenario(connection, name)
            else:
                parent = self._head(connection, scenario_id)
                if parent.hash == content.hash():
                    return Added(parent, new=False)
            revision = self._insert_revision(connection, scenario_id, parent, content, source)
        return Added(revision, new=True)

    def copy(
        self,
        base: str,
        name: str,
        content: Content,
        source: str,
        base_content: Content | None = None,
    ) -> RevisionInfo:
        """A new scenario `name` whose first revision is the revision `base` with the tables of
        `content` (and its header): a table `content` does not hold is the base's. It stores
        what differs from `base`. `base_content`: those tables of `base` if the caller read
        them already (revisions never change, so they are not read again)."""
        check_name(name)
        with self._writing() as connection:
            parent = self._resolve(connection, base)
            if self._scenario_id(connection, name, missing_ok=True) is not None:
                raise NameTaken(f"a scenario named {name!r} already exists; choose another name")
            scenario_id = self._new_scenario(connection, name)
            return self._insert_revision(
                connection, scenario_id, parent, content, source, base_content
            )

    def add_plan(
        self,
        ref: str,
        parts: PlanParts,
        options: Mapping[str, Any],
        status: str,
        objective: float,
        highs_version: str,
    ) -> PlanInfo:
        """Store a plan of the revision `ref` with the options and versions it came from."""
        with self._writing() as connection:
            revision = self._resolve(connection, ref)
            self._lock_scenario(connection, revision.scenario)
            number = (
                connection.execute(
                    select(func.coalesce(func.max(schema.plan.c.number), 0)).where(
                        schema.plan.c.revision_id == revision.id
                    )
                ).scalar_one()
                + 1
            )
            plan_id = connection.execute(
                schema.plan.insert()
                .values(
                    revision_id=revision.id,
                    number=number,
                    options=json.dumps(options, sort_keys=True),
                    status=status,
                    objective=objective,
                    result=parts.result,
                    created=_now(),
                    evramp_version=evramp_version(),
                    highs_version=highs_version,
                )
                .returning(schema.plan.c.id)
            ).scalar_one()
            connection.execute(
                schema.plan_part.insert(),
                [
                    {
                        "plan_id": plan_id,
                        "name": name,
                        "format": form,
                        "size": len(data),
                        "data": data,
                    }
                    for name, (form, data) in parts.blobs.items()
                ],
            )
            return self._plans_of(connection, revision)[-1]

    # --- inside a transaction ----------------------------------------------------------------

    def _writing(self) -> AbstractContextManager[Connection]:
        return _translated(writing(self.engine), self.where)

    def _new_scenario(self, connection: Connection, name: str) -> int:
        try:
            with connection.begin_nested():
                return int(
                    connection.execute(
                        schema.scenario.insert()
                        .values(name=name, created=_now())
                        .returning(schema.scenario.c.id)
                    ).scalar_one()
                )
        except IntegrityError:
            raise NameTaken(
                f"a scenario named {name!r} already exists; choose another name"
            ) from None

    def _insert_revision(
        self,
        connection: Connection,
        scenario_id: int,
        parent: RevisionInfo | None,
        content: Content,
        source: str,
        parent_content: Content | None = None,
    ) -> RevisionInfo:
        """A new revision: `content` holds the header and every table, or (with a `parent`)
        the tables that may differ from the parent's; the others are the parent's."""
        tables = {} if parent is None else self._tables(connection, parent.id)
        tables.update(
            (name, (table.columns, len(table.live), table.digest))
            for name, table in content.tables.items()
        )
        changes = self._changes(connection, parent, content, tables, parent_content)
        full = changes is None
        if changes is None:
            whole = content
            if parent is not None and set(content.tables) != set(tables):
                above = self._overlaid(connection, self._chain(connection, parent.id))
                whole = Content(content.header, {**above.tables, **content.tables})
            changes = {name: stored_whole(table) for name, table in whole.tables.items()}
        number = (
            connection.execute(
                select(func.coalesce(func.max(schema.revision.c.number), 0)).where(
                    schema.revision.c.scenario_id == scenario_id
                )
            ).scalar_one()
            + 1
        )
        digests = {name: (columns, digest) for name, (columns, _, digest) in tables.items()}
        revision_id = connection.execute(
            schema.revision.insert()
            .values(
                scenario_id=scenario_id,
                number=number,
                parent_id=None if parent is None else parent.id,
                full=full,
                hash=content_hash(content.header, digests),
                header=header_text(content.header),
                source=source,
                rows=sum(rows for _, rows, _ in tables.values()),
                stored_rows=delta_size(changes),
                created=_now(),
                evramp_version=evramp_version(),
            )
            .returning(schema.revision.c.id)
        ).scalar_one()
        connection.execute(
            schema.revision_table.insert(),
            [
                {
                    "revision_id": revision_id,
                    "name": name,
                    "columns": columns,
                    "rows": rows,
                    "hash": digest,
                }
                for name, (columns, rows, digest) in tables.items()
            ],
        )
        rows = [
            {"revision_id": revision_id, "table_name": name, "position": position, "content": line}
            for name, pairs in changes.items()
            for position, line in pairs
        ]
        if rows:
            connection.execute(schema.revision_row.insert(), rows)
        return self._revision_by_id(connection, revision_id)

    def _changes(
        self,
        connection: Connection,
        parent: RevisionInfo | None,
        content: Content,
        tables: Mapping[str, tuple[str, int, str]],
        parent_content: Content | None,
    ) -> Delta | None:
        """What a revision of `content` stores over `parent`; None: store it whole (no
        parent, a long chain, or more than `FULL_SHARE` of its rows changed)."""
        if parent is None:
            return None
        chain = self._chain(connection, parent.id)
        if len(chain) >= MAX_CHAIN:
            return None
        if parent_content is None or not set(content.tables) <= set(parent_content.tables):
            parent_content = self._overlaid(connection, chain, set(content.tables))
        changes = delta(parent_content, content)
        total = sum(rows for _, rows, _ in tables.values())
        return None if delta_size(changes) > FULL_SHARE * max(total, 1) else changes

    def _tables(self, connection: Connection, revision_id: int) -> dict[str, tuple[str, int, str]]:
        """Each table of the revision: its columns, rows and digest."""
        rows = connection.execute(
            select(
                schema.revision_table.c.name,
                schema.revision_table.c.columns,
                schema.revision_table.c.rows,
                schema.revision_table.c.hash,
            ).where(schema.revision_table.c.revision_id == revision_id)
        ).all()
        return {name: (columns, count, digest) for name, columns, count, digest in rows}

    def _overlaid(
        self, connection: Connection, chain: list[RowMapping], tables: Collection[str] | None = None
    ) -> Content:
        """The content of `chain[0]` (`_chain`'s revision and ancestors, newest first): every
        table, or only `tables`."""
        revision_id = chain[0]["id"]
        lines: dict[str, dict[int, Line]] = {}
        row = schema.revision_row.c
        for link in reversed(chain):
            query = select(row.table_name, row.position, row.content).where(
                row.revision_id == link["id"]
            )
            if tables is not None:
                query = query.where(row.table_name.in_(sorted(tables)))
            stored = connection.execute(query.order_by(row.table_name, row.position)).all()
            changes: dict[str, list[tuple[int, Line]]] = {}
            for table, position, line in stored:
                changes.setdefault(table, []).append((position, line))
            overlay(lines, changes)
        columns = {
            name: value[0]
            for name, value in self._tables(connection, revision_id).items()
            if tables is None or name in tables
        }
        kept = {name: in_order(columns[name], lines.get(name, {})) for name in columns}
        return Content(json.loads(chain[0]["header"]), kept)

    def _chain(self, connection: Connection, revision_id: int) -> list[RowMapping]:
        """The revision and its ancestors up to the nearest full one, newest first."""
        chain: list[RowMapping] = []
        current: int | None = revision_id
        while current is not None:
            row = (
                connection.execute(select(schema.revision).where(schema.revision.c.id == current))
                .mappings()
                .one()
            )
            chain.append(row)
            current = None if row["full"] else row["parent_id"]
        return chain

    def _resolve(self, connection: Connection, ref: str) -> RevisionInfo:
        name, number = parse_ref(ref)
        scenario_id = self._scenario_id(connection, name)
        if number is None:
            return self._head(connection, scenario_id)
        return self._revision_by_number(connection, scenario_id, number)

    def _head(self, connection: Connection, scenario_id: int) -> RevisionInfo:
        number = connection.execute(
            select(func.max(schema.revision.c.number)).where(
                schema.revision.c.scenario_id == scenario_id
            )
        ).scalar_one()
        return self._revision_by_number(connection, scenario_id, int(number))

    def _scenario_id(
        self, connection: Connection, name: str, *, missing_ok: bool = False, lock: bool = False
    ) -> Any:
        query = select(schema.scenario.c.id).where(schema.scenario.c.name == name)
        if lock and connection.dialect.name == "postgresql":
            query = query.with_for_update()
        found = connection.execute(query).scalar_one_or_none()
        if found is None and not missing_ok:
            names = (
                connection.execute(select(schema.scenario.c.name).order_by(schema.scenario.c.name))
                .scalars()
                .all()
            )
            have = f"it holds {', '.join(names)}" if names else "it is empty"
            raise NotInWorkspace(f"no scenario named {name!r} in the workspace ({have})")
        return found

    def _lock_scenario(self, connection: Connection, name: str) -> None:
        """Writers of one scenario's numbers queue here (SQLite's write lock already does)."""
        self._scenario_id(connection, name, lock=True)

    def _revision_by_number(
        self, connection: Connection, scenario_id: int, number: int
    ) -> RevisionInfo:
        found = connection.execute(
            select(schema.revision.c.id).where(
                schema.revision.c.scenario_id == scenario_id, schema.revision.c.number == number
            )
        ).scalar_one_or_none()
        if found is None:
            name = connection.execute(
                select(schema.scenario.c.name).where(schema.scenario.c.id == scenario_id)
            ).scalar_one()
            last = self._head(connection, scenario_id).number
            raise NotInWorkspace(f"{name} has no revision {number} (it has 1 to {last})")
        return self._revision_by_id(connection, int(found))

    def _revision_by_id(self, connection: Connection, revision_id: int) -> RevisionInfo:
        row = (
            connection.execute(
                select(schema.revision, schema.scenario.c.name)
                .join(schema.scenario, schema.scenario.c.id == schema.revision.c.scenario_id)
                .where(schema.revision.c.id == revision_id)
            )
            .mappings()
            .one()
        )
        parent = None
        if row["parent_id"] is not None:
            above = connection.execute(
                select(schema.scenario.c.name, schema.revision.c.number)
                .join(schema.scenario, schema.scenario.c.id == schema.revision.c.scenario_id)
                .where(schema.revision.c.id == row["parent_id"])
            ).one()
            parent = f"{above[0]}@{above[1]}"
        return RevisionInfo(
            id=row["id"],
            scenario=row["name"],
            number=row["number"],
            parent=parent,
            full=bool(row["full"]),
            hash=row["hash"],
            source=row["source"],
            rows=row["rows"],
            stored_rows=row["stored_rows"],
            created=row["created"],
            evramp_version=row["evramp_version"],
        )

    def _plans_of(self, connection: Connection, revision: RevisionInfo) -> list[PlanInfo]:
        rows = connection.execute(
            select(
                schema.plan.c.id,
                schema.plan.c.number,
                schema.plan.c.options,
                schema.plan.c.status,
                schema.plan.c.objective,
                schema.plan.c.created,
                schema.plan.c.evramp_version,
                schema.plan.c.highs_version,
            )
            .where(schema.plan.c.revision_id == revision.id)
            .order_by(schema.plan.c.number)
        ).mappings()
        return [
            PlanInfo(
                id=row["id"],
                revision=revision,
                number=row["number"],
                options=json.loads(row["options"]),
                status=row["status"],
                objective=row["objective"],
                created=row["created"],
                evramp_version=row["evramp_version"],
                highs_version=row["highs_version"],
            )
            for row in rows
        ]


@contextmanager
def _translated(
    transaction: AbstractContextManager[Connection], where: str
) -> Iterator[Connection]:
    """`transaction` with database failures (locked too long, server gone) as `StoreUnavailable`."""
    try:
        with transaction as connection:
            yield connection
    except OperationalError as failed:
        raise StoreUnavailable(f"cannot write to {where}: {failed.orig}") from None
