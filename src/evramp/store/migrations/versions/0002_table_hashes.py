"""Each table of a revision keeps the SHA-256 of its rows, and the revision's hash is made of
those: a what-if copy that changes one table hashes the whole scenario without reading the
others. Every revision already stored is hashed again by the new rule.

Revision ID: 0002
Revises: 0001
"""

import hashlib
import json
from collections import Counter
from typing import Any

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None

# The tables as they are at this migration (a migration is history: it must not import the
# schema of whatever evramp runs it).
_revision = sa.table(
    "revision",
    sa.column("id", sa.Integer),
    sa.column("parent_id", sa.Integer),
    sa.column("full", sa.Boolean),
    sa.column("header", sa.Text),
    sa.column("hash", sa.String),
)
_table = sa.table(
    "revision_table",
    sa.column("revision_id", sa.Integer),
    sa.column("name", sa.String),
    sa.column("columns", sa.Text),
    sa.column("hash", sa.String),
)
_row = sa.table(
    "revision_row",
    sa.column("revision_id", sa.Integer),
    sa.column("table_name", sa.String),
    sa.column("position", sa.Integer),
    sa.column("content", sa.Text),
)


def upgrade() -> None:
    with op.batch_alter_table("revision_table") as batch:
        batch.add_column(sa.Column("hash", sa.String(64), nullable=True))
    connection = op.get_bind()
    revisions = connection.execute(
        sa.select(_revision.c.id, _revision.c.parent_id, _revision.c.full, _revision.c.header)
    ).all()
    waiting = Counter(row.parent_id for row in revisions if not row.full)
    lines: dict[int, dict[str, dict[int, str]]] = {}
    for row in sorted(revisions, key=lambda row: row.id):  # a parent is older than its child
        lines[row.id] = _lines(connection, row, lines)
        _rehash(connection, row, lines[row.id])
        if not row.full:  # a revision's lines are kept only while a child still needs them
            waiting[row.parent_id] -= 1
            if not waiting[row.parent_id]:
                del lines[row.parent_id]
        if not waiting[row.id]:
            del lines[row.id]
    with op.batch_alter_table("revision_table") as batch:
        batch.alter_column("hash", existing_type=sa.String(64), nullable=False)


def _lines(
    connection: sa.Connection, row: Any, known: dict[int, dict[str, dict[int, str]]]
) -> dict[str, dict[int, str]]:
    """The revision's lines per table by position: its parent's with its own overlaid."""
    base = {} if row.full else {name: dict(t) for name, t in known[row.parent_id].items()}
    stored = connection.execute(
        sa.select(_row.c.table_name, _row.c.position, _row.c.content).where(
            _row.c.revision_id == row.id
        )
    ).all()
    for name, position, content in stored:
        table = base.setdefault(name, {})
        if content is None:
            table.pop(position, None)
        else:
            table[position] = content
    return base


def _rehash(connection: sa.Connection, row: Any, lines: dict[str, dict[int, str]]) -> None:
    header = json.dumps(json.loads(row.header), sort_keys=True, ensure_ascii=False)
    digest = hashlib.sha256(header.encode())
    tables = connection.execute(
        sa.select(_table.c.name, _table.c.columns).where(_table.c.revision_id == row.id)
    ).all()
    for name, columns in sorted(tables):
        table = lines.get(name, {})
        live = [table[position] for position in sorted(table)]
        table_digest = hashlib.sha256("\n".join(live).encode()).hexdigest()
        digest.update(f"\0{name}\0{columns}\0{table_digest}".encode())
        connection.execute(
            _table.update()
            .where(_table.c.revision_id == row.id, _table.c.name == name)
            .values(hash=table_digest)
        )
    connection.execute(
        _revision.update().where(_revision.c.id == row.id).values(hash=digest.hexdigest())
    )


def downgrade() -> None:
    with op.batch_alter_table("revision_table") as batch:
        batch.drop_column("hash")
