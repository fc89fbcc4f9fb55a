"""Who may use the web dashboard and the REST API: named tokens with a role, kept hashed.

A token's secret is 32 random bytes (URL-safe text), shown once when it is made; the workspace
keeps only its SHA-256. A fast hash is enough for secrets of 256 random bits (a password needs a
slow one because people choose guessable ones; nobody guesses these).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import hmac
import secrets
from dataclasses import dataclass
from typing import Literal

from sqlalchemy import delete, select
from sqlalchemy.exc import IntegrityError

from evramp.store import schema
from evramp.store.engine import reading, writing
from evramp.store.workspace import NameTaken, NotInWorkspace, Workspace, check_name

Role = Literal["reader", "planner"]
ROLES: tuple[Role, ...] = ("reader", "planner")
"""`reader` reads scenarios, plans and results; `planner` also uploads, copies, plans and runs
risk."""


@dataclass(frozen=True)
class Token:
    name: str
    role: Role
    created: str


def _hashed(secret: str) -> str:
    return hashlib.sha256(secret.encode()).hexdigest()


def create_token(workspace: Workspace, name: str, role: Role) -> str:
    """A new token `name` with `role`; returns its secret (not kept: only its hash is)."""
    check_name(name)
    if role not in ROLES:
        raise ValueError(f"role {role!r}: expected one of {', '.join(ROLES)}")
    secret = secrets.token_urlsafe(32)
    created = dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
    try:
        with writing(workspace.engine) as connection:
            connection.execute(
                schema.token.insert().values(
                    name=name, role=role, hash=_hashed(secret), created=created
                )
            )
    except IntegrityError:
        raise NameTaken(f"a token named {name!r} already exists; choose another name") from None
    return secret


def find_token(workspace: Workspace, secret: str) -> Token | None:
    """The token whose secret is `secret`, or None."""
    digest = _hashed(secret)
    with reading(workspace.engine) as connection:
        row = connection.execute(
            select(
                schema.token.c.name,
                schema.token.c.role,
                schema.token.c.hash,
                schema.token.c.created,
            ).where(schema.token.c.hash == digest)
        ).first()
    if row is None or not hmac.compare_digest(row.hash, digest):
        return None
    return Token(row.name, row.role, row.created)


def tokens(workspace: Workspace) -> list[Token]:
    with reading(workspace.engine) as connection:
        rows = connection.execute(
            select(schema.token.c.name, schema.token.c.role, schema.token.c.created).order_by(
                schema.token.c.name
            )
        ).all()
    return [Token(row.name, row.role, row.created) for row in rows]


def revoke_token(workspace: Workspace, name: str) -> None:
    with writing(workspace.engine) as connection:
        gone = connection.execute(delete(schema.token).where(schema.token.c.name == name))
    if not gone.rowcount:
        raise NotInWorkspace(f"no token named {name!r}")
