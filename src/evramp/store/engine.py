"""Open a workspace database: where it is, the engine, and its schema brought up to date.

SQLite is the default (one file, `default_location()`), PostgreSQL by URL for a team. Every
write is one transaction: on SQLite it begins with `BEGIN IMMEDIATE`, so that two writers
queue on the busy timeout instead of one failing when its read lock cannot be upgraded; the
journal is a write-ahead log, so readers never wait for a writer.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from sqlalchemy import Connection, Engine, create_engine, event, inspect, text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import ArgumentError, SQLAlchemyError
from sqlalchemy.pool import NullPool

ENVIRONMENT = "EVRAMP_DB"
"""The variable naming the workspace when `--db` does not."""
BUSY_SECONDS = 60.0
"""How long a writer waits for another to finish before giving up (SQLite)."""
_IMMEDIATE = "evramp_immediate"


class StoreUnavailable(Exception):
    """The workspace cannot be opened or used: the message says which and why."""


def default_location() -> Path:
    """`$XDG_DATA_HOME/evramp/workspace.sqlite`, by default `~/.local/share/evramp/...`."""
    data = os.environ.get("XDG_DATA_HOME") or str(Path.home() / ".local" / "share")
    return Path(data) / "evramp" / "workspace.sqlite"


def workspace_url(db: str | None = None) -> str:
    """The URL of the workspace: `db`, else `$EVRAMP_DB`, else the default SQLite file. A plain
    path (no `://`) is an SQLite file."""
    chosen = db or os.environ.get(ENVIRONMENT) or str(default_location())
    if "://" in chosen:
        return chosen
    return f"sqlite:///{Path(chosen).expanduser().absolute()}"


def describe_url(url: str) -> str:
    """The URL without its password, for messages."""
    try:
        return make_url(url).render_as_string(hide_password=True)
    except ArgumentError:
        return url


def sqlite_file(url: str) -> Path | None:
    """The file of an SQLite URL (None for another database or an in-memory one)."""
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite" or not parsed.database:
        return None
    return Path(parsed.database)


def make_engine(url: str) -> Engine:
    """An engine for `url`; `StoreUnavailable` when the URL or its driver is wrong."""
    try:
        parsed = make_url(url)
    except ArgumentError:
        raise StoreUnavailable(
            f"not a database URL: {url!r} (expected e.g. sqlite:///path/workspace.sqlite or "
            "postgresql+psycopg://user@host/db)"
        ) from None
    try:
        if parsed.get_backend_name() == "sqlite":
            return _sqlite_engine(url)
        if parsed.get_backend_name() == "postgresql" and parsed.drivername == "postgresql":
            parsed = parsed.set(drivername="postgresql+psycopg")
        return create_engine(parsed, poolclass=NullPool)
    except (ModuleNotFoundError, SQLAlchemyError) as failed:
        extra = " (pip install 'evramp[postgres]')" if "psycopg" in str(failed) else ""
        raise StoreUnavailable(f"cannot use {describe_url(url)}: {failed}{extra}") from None


def _sqlite_engine(url: str) -> Engine:
    file = sqlite_file(url)
    if file is not None:
        try:
            file.parent.mkdir(parents=True, exist_ok=True)
        except OSError as failed:
            raise StoreUnavailable(f"cannot create {file.parent}: {failed}") from None
    engine = create_engine(url, poolclass=NullPool, connect_args={"timeout": BUSY_SECONDS})

    @event.listens_for(engine, "connect")
    def _connect(connection: Any, _record: Any) -> None:
        # pysqlite's own transaction handling would begin lazily and never IMMEDIATE.
        connection.isolation_level = None
        cursor = connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(BUSY_SECONDS * 1000)}")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _begin(connection: Connection) -> None:
        immediate = connection.get_execution_options().get(_IMMEDIATE, False)
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")

    return engine


@contextmanager
def writing(engine: Engine) -> Iterator[Connection]:
    """One write transaction: committed whole when the block ends, rolled back on any error
    (a process killed inside it leaves the database as it was)."""
    with engine.connect() as connection:
        connection = connection.execution_options(**{_IMMEDIATE: True})
        with connection.begin():
            yield connection


@contextmanager
def reading(engine: Engine) -> Iterator[Connection]:
    """One read transaction: a consistent view of the workspace while writers go on."""
    with engine.connect() as connection, connection.begin():
        yield connection


# --- migrations ------------------------------------------------------------------------------

MIGRATIONS = Path(__file__).parent / "migrations"


def head_revision() -> str:
    """The newest schema version evramp knows (the newest migration's id)."""
    from alembic.script import ScriptDirectory

    head = ScriptDirectory(str(MIGRATIONS)).get_current_head()
    assert head is not None  # the package ships its migrations
    return head


def known_versions() -> set[str]:
    from alembic.script import ScriptDirectory

    return {script.revision for script in ScriptDirectory(str(MIGRATIONS)).walk_revisions()}


def schema_version(connection: Connection) -> str | None:
    """The schema version recorded in the database (None before the first migration)."""
    if not inspect(connection).has_table("alembic_version"):
        return None
    row = connection.execute(text("SELECT version_num FROM alembic_version")).first()
    return None if row is None else str(row[0])


def migrate(engine: Engine) -> str:
    """Bring the schema to the newest version, in one transaction, and return that version.
    Concurrent first opens queue: SQLite's write lock, or an advisory lock on PostgreSQL."""
    head = head_revision()
    with reading(engine) as connection:
        if schema_version(connection) == head:
            return head
    from alembic import command
    from alembic.config import Config

    with writing(engine) as connection:
        if connection.dialect.name == "postgresql":
            connection.execute(text("SELECT pg_advisory_xact_lock(7324101)"))
        found = schema_version(connection)
        if found == head:
            return head
        if found is not None and found not in known_versions():
            raise StoreUnavailable(
                f"the workspace has schema version {found}, which this evramp does not know "
                f"(it knows up to {head}): it was made by a newer evramp; upgrade evramp"
            )
        config = Config()
        config.set_main_option("script_location", str(MIGRATIONS))
        config.attributes["connection"] = connection
        command.upgrade(config, "head")
    return head
