"""The stages of evramp import only earlier stages, and no other package's private names.

Stage order (README, "Layout"): model -> io -> plan -> analysis / risk / store -> report -> app ->
cli / api. A module may import its own stage and any earlier one; `analysis` and `risk` are one
stage (both read a plan, neither reads the other). The package itself (`evramp/__init__.py`, the
public Python API) is the last stage, beside the CLI. Every import counts, those under
`TYPE_CHECKING` and inside functions too: a lazy import is still an arrow.
"""

from __future__ import annotations

import ast
from dataclasses import dataclass
from pathlib import Path

import pytest

import evramp

SOURCE = Path(evramp.__file__).parent
PACKAGE = "evramp"

STAGES: dict[str, int] = {
    "model": 0,
    "io": 1,
    "plan": 2,
    "analysis": 3,
    "risk": 3,
    "store": 3,  # keeps plans: reads the planner's results, nothing after it
    "report": 4,
    "app": 5,
    "cli": 6,
    "api": 6,
    PACKAGE: 6,  # evramp/__init__.py: the public API
}


@dataclass(frozen=True)
class Violation:
    module: str
    line: int
    imported: str
    why: str

    def __str__(self) -> str:
        return f"{self.module}:{self.line}: imports {self.imported}: {self.why}"


def module_name(path: Path) -> str:
    parts = list(path.relative_to(SOURCE.parent).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def stage_of(module: str) -> str:
    """`evramp.plan.lp` -> `plan`; `evramp.cli` -> `cli`; `evramp` -> `evramp`."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else PACKAGE


def imports(source: str, module: str, is_package: bool) -> list[tuple[int, str, str | None]]:
    """(line, imported module, imported name or None) of every import of an evramp module."""
    found: list[tuple[int, str, str | None]] = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name, None) for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:  # relative: resolved against the importing module's package
                base = module.split(".")
                base = base[: len(base) - node.level + is_package]
                target = ".".join([*base, *([node.module] if node.module else [])])
            else:
                target = node.module or ""
            found += [(node.lineno, target, alias.name) for alias in node.names]
    evramp_imports = [entry for entry in found if entry[1].split(".")[0] == PACKAGE]
    return sorted(evramp_imports, key=lambda entry: entry[0])


def violations(source: str, module: str, is_package: bool = False) -> list[Violation]:
    """What `source` (the text of `module`) imports against the stage order or privately."""
    stage = stage_of(module)
    found: list[Violation] = []
    for line, target, name in imports(source, module, is_package):
        imported = target + (f".{name}" if name else "")
        target_stage = stage_of(target)
        if target_stage not in STAGES:
            found.append(Violation(module, line, imported, f"{target_stage!r} is in no stage"))
        elif STAGES[target_stage] > STAGES[stage]:
            found.append(
                Violation(module, line, imported, f"stage {target_stage} comes after {stage}")
            )
        if target_stage == stage:
            continue  # a package's private names are its own to share
        private = [part for part in [*target.split("."), name or ""] if _private(part)]
        if private:
            found.append(
                Violation(module, line, imported, f"{private[0]} is private to {target_stage}")
            )
    return found


def _private(name: str) -> bool:
    return name.startswith("_") and not (name.startswith("__") and name.endswith("__"))


def modules() -> list[Path]:
    return sorted(SOURCE.rglob("*.py"))


def test_every_module_is_in_a_stage() -> None:
    names = {stage_of(module_name(path)) for path in modules()}
    assert names - STAGES.keys() == set()
    assert {"model", "io", "plan", "analysis", "risk", "report", "app", "cli"} <= names


@pytest.mark.parametrize("path", modules(), ids=lambda path: module_name(path))
def test_imports_follow_the_stage_order(path: Path) -> None:
    found = violations(path.read_text(encoding="utf-8"), module_name(path), path.stem == "__init__")
    assert [str(v) for v in found] == []


def test_the_check_sees_a_later_stage_a_private_name_and_a_lazy_import() -> None:
    source = (
        "from typing import TYPE_CHECKING\n"
        "from evramp.model import Scenario\n"  # earlier: fine
        "from evramp.report.kpis import _period\n"  # later and private
        "if TYPE_CHECKING:\n"
        "    from evramp.app import PlanOptions\n"  # later, for types only
        "def f() -> None:\n"
        "    import evramp.cli\n"  # later, lazily
        "from evramp.plan.solve import _from_incumbent\n"  # private, another package
        "from .summary import _helper\n"  # relative, own package: fine
    )
    found = violations(source, "evramp.risk.engine")
    assert [(v.line, v.imported, v.why) for v in found] == [
        (3, "evramp.report.kpis._period", "stage report comes after risk"),
        (3, "evramp.report.kpis._period", "_period is private to report"),
        (5, "evramp.app.PlanOptions", "stage app comes after risk"),
        (7, "evramp.cli", "stage cli comes after risk"),
        (8, "evramp.plan.solve._from_incumbent", "_from_incumbent is private to plan"),
    ]
