"""Tokens for the web dashboard and the REST API (`evramp token`, `evramp serve`)."""

from __future__ import annotations

from typing import TYPE_CHECKING

from evramp.app.errors import BadInput
from evramp.app.workspace import open_workspace, store_errors

if TYPE_CHECKING:
    from evramp.store.tokens import Role, Token


def create_token(name: str, role: Role, db: str | None = None) -> str:
    """A new token; returns its secret, which is shown once and kept only hashed."""
    from evramp.store.tokens import create_token as create

    with store_errors():
        try:
            return create(open_workspace(db), name, role)
        except ValueError as refused:
            raise BadInput(str(refused)) from None


def list_tokens(db: str | None = None) -> list[Token]:
    from evramp.store.tokens import tokens

    with store_errors():
        return tokens(open_workspace(db))


def revoke_token(name: str, db: str | None = None) -> None:
    from evramp.store.tokens import revoke_token as revoke

    with store_errors():
        revoke(open_workspace(db), name)
