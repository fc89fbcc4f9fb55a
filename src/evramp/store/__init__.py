"""The workspace: scenarios, immutable revisions (what-if copies as deltas) and plans kept in a
database (SQLite by default, PostgreSQL for a team)."""

from evramp.store.engine import ENVIRONMENT, StoreUnavailable, default_location, workspace_url
from evramp.store.workspace import (
    Added,
    NameTaken,
    NotInWorkspace,
    PlanInfo,
    RevisionInfo,
    Workspace,
    check_name,
    parse_ref,
)

__all__ = [
    "ENVIRONMENT",
    "Added",
    "NameTaken",
    "NotInWorkspace",
    "PlanInfo",
    "RevisionInfo",
    "StoreUnavailable",
    "Workspace",
    "check_name",
    "default_location",
    "parse_ref",
    "workspace_url",
]
