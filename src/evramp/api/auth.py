"""Who is asking: a token in `Authorization: Bearer ...` (the REST API) or in the dashboard's
cookie, set by the login page. `reader` tokens read; `planner` tokens also change things."""

from __future__ import annotations

from typing import Annotated
from urllib.parse import quote

from fastapi import Depends, HTTPException, Request
from fastapi.security import HTTPAuthorizationCredentials, HTTPBearer

from evramp.store.tokens import Token

COOKIE = "evramp_token"


class LoginNeeded(Exception):
    """A page asked for without a valid token: the browser is sent to the login page."""

    def __init__(self, target: str) -> None:
        super().__init__(target)
        self.target = target


_BEARER = HTTPBearer(
    auto_error=False,
    description="A token made with `evramp token create NAME --role reader|planner`.",
)


def _secret(request: Request, credentials: HTTPAuthorizationCredentials | None) -> str | None:
    if credentials is not None:
        return credentials.credentials.strip()
    if request.headers.get("authorization"):  # given, but not as Bearer
        return None
    return request.cookies.get(COOKIE)  # the dashboard's own calls


def _token(request: Request, secret: str | None) -> Token | None:
    from evramp.store.tokens import find_token

    if not secret:
        return None
    return find_token(request.app.state.workspace(), secret)


def api_token(
    request: Request,
    credentials: Annotated[HTTPAuthorizationCredentials | None, Depends(_BEARER)],
) -> Token:
    """The caller of a REST endpoint; 401 without a valid token."""
    token = _token(request, _secret(request, credentials))
    if token is None:
        raise HTTPException(
            401,
            "a token is needed: Authorization: Bearer TOKEN (make one: evramp token create NAME)",
            headers={"WWW-Authenticate": "Bearer"},
        )
    return token


def api_planner(token: Annotated[Token, Depends(api_token)]) -> Token:
    """A caller who may change things; 403 for a reader."""
    if token.role != "planner":
        raise HTTPException(403, f"token {token.name!r} is a reader's; this needs a planner's")
    return token


def page_token(request: Request) -> Token:
    """The viewer of a page; without a valid cookie, the login page (then back here)."""
    token = _token(request, request.cookies.get(COOKIE))
    if token is None:
        target = request.url.path + (f"?{request.url.query}" if request.url.query else "")
        raise LoginNeeded(quote(target))
    return token


ApiToken = Annotated[Token, Depends(api_token)]
ApiPlanner = Annotated[Token, Depends(api_planner)]
PageToken = Annotated[Token, Depends(page_token)]
