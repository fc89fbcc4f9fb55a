"""Where the built-in scenarios live: inside the installed package, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO = "yizhuang"


def builtin_scenario_path(name: str = DEFAULT_SCENARIO) -> Path:
    """Folder of the built-in scenario `name` (the wheel ships them under `evramp/scenarios`)."""
    package = Path(__file__).resolve().parent.parent
    for root in (package / "scenarios", package.parent.parent / "scenarios"):
        if (root / name).is_dir():
            return root / name
    raise FileNotFoundError(f"built-in scenario {name!r} not found beside {package}")
