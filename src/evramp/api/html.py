"""The dashboard's own pages (the plan page is the plan report's, `evramp.report.html`)."""

from __future__ import annotations

from functools import cache
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import jinja2


@cache
def _environment() -> jinja2.Environment:
    import jinja2

    from evramp.report.page import percent, thousands

    env = jinja2.Environment(
        loader=jinja2.PackageLoader("evramp.api", "templates"),
        autoescape=jinja2.select_autoescape(["html"]),
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
    )
    env.filters["thousands"] = thousands
    env.filters["percent"] = percent
    env.filters["plain"] = plain
    return env


def plain(value: object) -> str:
    """A number as a form's input takes it: 22000 for 22000.0, 0.85 as it is."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def render(template: str, **context: Any) -> str:
    return _environment().get_template(template).render(**context)
