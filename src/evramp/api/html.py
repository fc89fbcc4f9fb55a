"""The dashboard's own pages (the plan page is the plan report's, `evramp.report.html`)."""

from __future__ import annotations

from typing import Any


def render(template: str, **context: Any) -> str:
    """A page of the dashboard's templates, in the reports' Jinja2 environment and filters."""
    from evramp.report.page import environment

    return environment("evramp.api").get_template(template).render(**context)
