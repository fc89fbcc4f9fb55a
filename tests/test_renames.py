"""Old names in scenario files are read under their new ones, with a note (model/renames.py)."""

from __future__ import annotations

import shutil
import subprocess
import warnings
from pathlib import Path

import pytest
from pydantic import TypeAdapter, ValidationError

import evramp
from evramp.io import write_scenario
from evramp.model import Scenario
from evramp.model.renames import RENAMED_VALUES, FormatChange
from evramp.model.scenario import TABLE_BY_NAME
from tests.test_cli import EVRAMP

NOTE = (
    r"demand.csv: kind: 'order' is now called 'firm' \(evramp 0\.2\); read as 'firm' \(2,636 lines"
)


def _written_for_0_1(tmp_path: Path) -> Path:
    """The default scenario as evramp 0.1 wrote it: its customer orders of kind `order`."""
    folder = tmp_path / "old"
    shutil.copytree(evramp.builtin_scenario_path(), folder)
    demand = folder / "demand.csv"
    lines = demand.read_text().splitlines(keepends=True)
    old = [line.replace(",firm\n", ",order\n") for line in lines]
    assert sum(a != b for a, b in zip(lines, old, strict=True)) == 2636
    demand.write_text("".join(old))
    return folder


def test_an_old_kind_is_read_as_the_new_one_with_a_warning(
    tmp_path: Path, default_scenario: Scenario
) -> None:
    with pytest.warns(FormatChange, match=NOTE + r", the first line 2\)"):
        old = evramp.load_scenario(_written_for_0_1(tmp_path))
    assert old.demand_table.frame.equals(default_scenario.demand_table.frame)


def test_the_new_name_is_what_is_written_and_read_without_a_note(
    tmp_path: Path, default_scenario: Scenario
) -> None:
    with warnings.catch_warnings():
        warnings.simplefilter("error", FormatChange)
        evramp.load_scenario(write_scenario(default_scenario, tmp_path / "new"))
    assert ",order\n" not in (tmp_path / "new" / "demand.csv").read_text()


def test_the_cli_says_the_note_and_goes_on(tmp_path: Path) -> None:
    done = subprocess.run(
        [EVRAMP, "validate", str(_written_for_0_1(tmp_path))], capture_output=True, text=True
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr.startswith("note: ") and "Traceback" not in done.stderr
    assert len(done.stderr.strip().splitlines()) == 1  # one note for 2,636 lines
    assert "is valid" in done.stdout


def test_an_old_value_is_not_a_valid_value_of_its_column() -> None:
    """Else it would be read two ways: as itself and as its new name."""
    for renamed in RENAMED_VALUES:
        field = TABLE_BY_NAME[renamed.table].record.model_fields[renamed.column]
        accepts: TypeAdapter[object] = TypeAdapter(field.annotation or object)
        assert accepts.validate_python(renamed.new) == renamed.new
        with pytest.raises(ValidationError):
            accepts.validate_python(renamed.old)
