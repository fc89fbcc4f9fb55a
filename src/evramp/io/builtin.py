"""Where the built-in scenarios live: inside the installed package, or in the source checkout."""

from __future__ import annotations

from pathlib import Path

DEFAULT_SCENARIO = "yizhuang"


def _roots() -> tuple[Path, ...]:
    package = Path(__file__).resolve().parent.parent
    return package / "scenarios", package.parent.parent / "scenarios"


def builtin_scenario_path(name: str = DEFAULT_SCENARIO) -> Path:
    """Folder of the built-in scenario `name` (the wheel includes them under `evramp/scenarios`)."""
    for root in _roots():
        if (root / name).is_dir():
            return root / name
    raise FileNotFoundError(
        f"built-in scenario {name!r} not found; built-in: {', '.join(builtin_scenarios())}"
    )


def builtin_scenarios() -> list[str]:
    """Names of the built-in scenarios (folders with a scenario.yaml)."""
    return sorted(
        {
            folder.name
            for root in _roots()
            if root.is_dir()
            for folder in root.iterdir()
            if (folder / "scenario.yaml").is_file()
        }
    )
