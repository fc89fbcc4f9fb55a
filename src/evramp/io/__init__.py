"""Readers and writers: scenario folders (or workbooks) in, result tables out, never
half-written."""

from typing import TYPE_CHECKING, Any

from evramp.io.atomic import FolderRefused, atomic_directory, atomic_file, write_text_atomic
from evramp.io.builtin import builtin_scenario_path, builtin_scenarios
from evramp.io.result_folder import WrittenResult, check_out, write_result
from evramp.io.scenario_folder import is_workbook, load_scenario, scenario_folder, write_scenario
from evramp.io.upload import UploadLimits, UploadRefused, read_upload, scenario_archive

if TYPE_CHECKING:
    from evramp.io.tables import write_tables

__all__ = [
    "FolderRefused",
    "UploadLimits",
    "UploadRefused",
    "WrittenResult",
    "atomic_directory",
    "atomic_file",
    "builtin_scenario_path",
    "builtin_scenarios",
    "check_out",
    "is_workbook",
    "load_scenario",
    "read_upload",
    "scenario_archive",
    "scenario_folder",
    "write_result",
    "write_scenario",
    "write_tables",
    "write_text_atomic",
]


def __getattr__(name: str) -> Any:
    # Result tables need pandas: imported when first written, not to read a scenario.
    if name == "write_tables":
        from evramp.io.tables import write_tables

        return write_tables
    raise AttributeError(f"module 'evramp.io' has no attribute {name!r}")
