"""The workspace's tables (SQLAlchemy Core): scenarios, their immutable revisions stored as rows
that differ from the parent revision, and plans with the revision and options they came from.

The migrations in `migrations/versions` create exactly these tables; `tests/test_store.py`
checks that the two agree.
"""

from __future__ import annotations

from sqlalchemy import (
    BigInteger,
    Boolean,
    Column,
    Float,
    ForeignKey,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    UniqueConstraint,
)

metadata = MetaData()

scenario = Table(
    "scenario",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("created", String(32), nullable=False),
)

revision = Table(
    "revision",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("scenario_id", Integer, ForeignKey("scenario.id"), nullable=False),
    Column("number", Integer, nullable=False),
    Column("parent_id", Integer, ForeignKey("revision.id"), nullable=True),
    # A full revision holds every row; any other holds the rows that differ from its parent's.
    Column("full", Boolean, nullable=False),
    Column("hash", String(64), nullable=False, index=True),
    Column("header", Text, nullable=False),
    Column("source", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    Column("stored_rows", Integer, nullable=False),
    Column("created", String(32), nullable=False),
    Column("evramp_version", String(40), nullable=False),
    UniqueConstraint("scenario_id", "number"),
)

revision_table = Table(
    "revision_table",
    metadata,
    Column("revision_id", Integer, ForeignKey("revision.id"), primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("columns", Text, nullable=False),
    Column("rows", Integer, nullable=False),
    # SHA-256 of the table's rows (`TableRows.digest`); the revision's hash is made of these.
    Column("hash", String(64), nullable=False),
)

revision_row = Table(
    "revision_row",
    metadata,
    Column("revision_id", Integer, ForeignKey("revision.id"), primary_key=True),
    Column("table_name", String(40), primary_key=True),
    Column("position", Integer, primary_key=True),
    # The row as a CSV line of the table's columns; NULL: the parent's row is removed.
    Column("content", Text, nullable=True),
)

plan = Table(
    "plan",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("revision_id", Integer, ForeignKey("revision.id"), nullable=False, index=True),
    Column("number", Integer, nullable=False),
    Column("options", Text, nullable=False),
    Column("status", String(80), nullable=False),
    Column("objective", Float, nullable=False),
    Column("result", Text, nullable=False),
    Column("created", String(32), nullable=False),
    Column("evramp_version", String(40), nullable=False),
    Column("highs_version", String(40), nullable=False),
    UniqueConstraint("revision_id", "number"),
)

plan_part = Table(
    "plan_part",
    metadata,
    Column("plan_id", Integer, ForeignKey("plan.id"), primary_key=True),
    Column("name", String(40), primary_key=True),
    Column("format", String(16), nullable=False),
    Column("size", BigInteger, nullable=False),
    Column("data", LargeBinary, nullable=False),
)

token = Table(
    "token",
    metadata,
    Column("id", Integer, primary_key=True),
    Column("name", String(200), nullable=False, unique=True),
    Column("role", String(20), nullable=False),
    # SHA-256 of the secret: the secret itself is shown once, when the token is made.
    Column("hash", String(64), nullable=False, unique=True),
    Column("created", String(32), nullable=False),
)
