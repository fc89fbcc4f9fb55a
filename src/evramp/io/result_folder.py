"""The folders the commands write into `--out DIR`: `DIR/plan/`, `DIR/mrp/`, `DIR/risk/`.

Each command's result is one folder, every file of it written first and then switched in by one
rename (`atomic_directory`): a reader, Ctrl-C or a crash sees the previous result or the new one,
whole. Only that folder is replaced; everything else in DIR is left alone, and inside the folder a
file evramp did not write there (not in the folder's list, `.evramp-files`) is kept.

A result that was cut short (Ctrl-C during `evramp risk`) goes to `DIR/NAME-partial/`, with a
note of what it covers, and the last complete result in `DIR/NAME/` is kept; the next complete
result removes the partial one's files.
"""

from __future__ import annotations

import contextlib
import errno
import os
import re
import tempfile
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from pathlib import Path

from evramp.io.atomic import (
    FolderRefused,
    InterruptedAfterWriting,
    atomic_directory,
    clean_debris,
    fsync_path,
    interrupts_deferred,
)

FILE_LIST = ".evramp-files"
"""In each result folder: the names of the files evramp wrote there, one a line."""
PARTIAL_NOTE = "PARTIAL.txt"
PARTIAL_SUFFIX = "-partial"
_PROBE = ".evramp-probe-"
OLD_REPORT = "report.html"
"""Where evramp wrote a command's report before it moved into the result's folder."""

Writer = Callable[[Path], object]
"""Writes one file of a result at the path it is given (inside the staging folder)."""


@dataclass(frozen=True)
class WrittenResult:
    folder: Path
    files: tuple[Path, ...]
    complete: bool
    kept: Path | None
    """For a partial result: the previous complete result, left as it was (None if none)."""


def result_folder(out: Path, name: str, *, complete: bool = True) -> Path:
    return out.resolve() / (name if complete else name + PARTIAL_SUFFIX)


def check_out(out: Path, name: str) -> None:
    """Refuse, before any work, an `--out` folder that cannot take the result `name`.

    Raises `FolderRefused` with what is wrong: `out` or `out/name` is a file, a folder on the way
    to it is a file, the nearest existing folder cannot be written (its permissions, an immutable
    or read-only folder, a file system such as /proc that takes no folders: a folder is made in
    it and removed again to be sure), or the previous result cannot be replaced.
    """
    out = out.resolve()
    results = (out / name, out / (name + PARTIAL_SUFFIX))
    for folder in (out, *results):
        if folder.exists() and not folder.is_dir():
            raise FolderRefused(f"--out {out}: {folder} is a file, not a folder")
    existing = out
    while not existing.exists() and not existing.is_symlink():
        existing = existing.parent
    if not existing.is_dir():
        raise FolderRefused(f"--out {out}: {existing} is a file, so no folder can be made in it")
    for folder in (existing, *(result for result in results if result.is_dir())):
        # An immutable folder (chattr +i) is refused here even for root.
        if not os.access(folder, os.W_OK | os.X_OK):
            read_only = os.statvfs(folder).f_flag & os.ST_RDONLY
            why = "is on a read-only file system" if read_only else "is not writable"
            raise FolderRefused(f"--out {out}: {folder} {why}")
    _probe(out, existing)


def _probe(out: Path, folder: Path) -> None:
    """Make a folder in `folder` and remove it: what the write will do first. Probe folders a
    killed check left (empty, evramp's name) are removed on the way."""
    for stale in folder.glob(f"{_PROBE}*"):
        if re.fullmatch(rf"{re.escape(_PROBE)}[a-z0-9_]{{8}}", stale.name):
            with contextlib.suppress(OSError):  # not empty, or not ours to remove
                stale.rmdir()
    try:
        Path(tempfile.mkdtemp(prefix=_PROBE, dir=folder)).rmdir()
    except OSError as refused:
        raise FolderRefused(
            f"--out {out}: no folder can be made in {folder} ({_reason(refused)})"
        ) from None


def _reason(failed: OSError) -> str:
    """The cause of a failed write in the user's words."""
    number = failed.errno
    if number is None:  # polars' writers say "(os error 28)" and set no errno
        found = re.search(r"os error (\d+)", str(failed))
        number = int(found.group(1)) if found else None
    if number == errno.ENOSPC:
        return "the disk is full: No space left on device"
    if number == errno.EDQUOT:
        return "the disk quota is used up: Disk quota exceeded"
    return failed.strerror or str(failed)


def write_result(
    out: Path,
    name: str,
    files: Mapping[str, Writer],
    *,
    complete: bool = True,
    note: str = "",
) -> WrittenResult:
    """Write the result `name` (file name -> writer) into `out/name/` as one switch.

    With `complete=False` it goes to `out/name-partial/` with `note` (what it covers) in
    PARTIAL.txt, and `out/name/` is kept. Raises `FolderRefused` if the folder cannot be written
    (the previous result is then unchanged).
    """
    check_out(out, name)
    if out.is_dir():
        # Before results were one folder each, the report was written beside them.
        clean_debris(out.resolve() / OLD_REPORT)
    folder = result_folder(out, name, complete=complete)
    names = sorted({*files, FILE_LIST} | (set() if complete else {PARTIAL_NOTE}))
    ours = set(names) | _listed(folder)
    interrupted: InterruptedAfterWriting | None = None
    try:
        with atomic_directory(folder, keep=lambda entry: entry not in ours) as staging:
            for file_name, write in files.items():
                write(staging / file_name)
            if not complete:
                (staging / PARTIAL_NOTE).write_text(note.rstrip() + "\n", encoding="utf-8")
            (staging / FILE_LIST).write_text("\n".join(names) + "\n", encoding="utf-8")
    except InterruptedAfterWriting as late:  # written: finish the job, then report the Ctrl-C
        interrupted = late
    except FolderRefused:
        raise
    except OSError as failed:
        raise FolderRefused(
            f"cannot write {folder}: {_reason(failed)}; the previous result is unchanged"
        ) from failed
    complete_folder = result_folder(out, name)
    if complete:
        with interrupts_deferred() as caught:
            _remove_listed(result_folder(out, name, complete=False))
        if caught and interrupted is None:
            interrupted = InterruptedAfterWriting(folder)
    if interrupted is not None:
        raise interrupted
    return WrittenResult(
        folder=folder,
        files=tuple(folder / file_name for file_name in files),
        complete=complete,
        kept=None if complete or not complete_folder.is_dir() else complete_folder,
    )


def _listed(folder: Path) -> set[str]:
    """The names evramp wrote into `folder` the last time (none if it has no list)."""
    try:
        text = (folder / FILE_LIST).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return set()
    # A list edited by hand must not name anything outside the folder.
    return {line for line in text.splitlines() if line and line == Path(line).name != ".."}


def _remove_listed(folder: Path) -> None:
    """Remove the files evramp wrote into `folder` (a superseded partial result), and the folder
    if nothing else is in it."""
    listed = _listed(folder)
    if not listed:
        return
    try:
        for file_name in [*sorted(listed - {FILE_LIST}), FILE_LIST]:
            path = folder / file_name
            if path.is_file() or path.is_symlink():
                path.unlink()
        if not any(folder.iterdir()):
            folder.rmdir()
        fsync_path(folder.parent)
    except OSError:  # the new result is in place; the next complete write tries again
        return
