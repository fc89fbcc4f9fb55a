"""Reading a scenario's files as text, with every problem located at its line.

A file may be missing, a directory, a FIFO or unreadable; its bytes may not be UTF-8 on some
lines (a spreadsheet saved as Latin-1); a quote may never close or a field may be longer than the
csv module takes. Each becomes a `ScenarioError` at the line where it is, never an exception.
"""

from __future__ import annotations

import csv
import io
import stat
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from evramp.model.errors import ScenarioError

MAX_LINES_REPORTED = 20
"""Lines of one file reported as not UTF-8; a file saved in another encoding has thousands."""

_KINDS = (
    (stat.S_ISFIFO, "a FIFO"),
    (stat.S_ISSOCK, "a socket"),
    (stat.S_ISCHR, "a device"),
    (stat.S_ISBLK, "a device"),
)


def path_problem(path: Path, want_directory: bool = False) -> str | None:
    """Why `path` cannot be read as a file (or a directory), or None; "missing" when absent.

    The file is never opened for this: opening a FIFO would wait for a writer forever.
    """
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        return "missing"
    except OSError as exc:  # a loop of links, a name too long, no permission on the folder
        return f"cannot be read: {exc.strerror}"
    if want_directory:
        return None if stat.S_ISDIR(mode) else "a file, not a directory"
    if stat.S_ISDIR(mode):
        return "a directory, not a file"
    for test, kind in _KINDS:
        if test(mode):
            return f"{kind}, not a regular file"
    return None


def read_text(path: Path, errors: list[ScenarioError]) -> str | None:
    """The file's text (UTF-8, with or without a byte-order mark), or None with the problems."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        errors.append(ScenarioError(path.name, 0, "", f"cannot be read: {exc.strerror}"))
        return None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError:
        errors.extend(_lines_not_utf8(path.name, data))
        return None


def _lines_not_utf8(file: str, data: bytes) -> Iterator[ScenarioError]:
    bad = 0
    for number, line in enumerate(data.split(b"\n"), start=1):
        try:
            line.decode("utf-8")
        except UnicodeDecodeError as exc:
            bad += 1
            if bad <= MAX_LINES_REPORTED:
                byte = line[exc.start]
                yield ScenarioError(
                    file,
                    number,
                    "",
                    f"not UTF-8 text: byte 0x{byte:02x} at character {exc.start + 1} "
                    "(saved as Latin-1 or Windows-1252?); save the file as UTF-8",
                )
    if bad > MAX_LINES_REPORTED:
        yield ScenarioError(
            file, 0, "", f"{bad - MAX_LINES_REPORTED} more lines are not UTF-8 text"
        )


@dataclass(frozen=True)
class Row:
    """A record of a CSV file: its cells and the line it starts on (the header is line 1)."""

    line: int
    cells: list[str]


def delimiter_of(header: str) -> str:
    """`;` for a file saved by a spreadsheet in a locale whose decimal mark is a comma (it
    separates fields by semicolons then), else `,`."""
    return ";" if header.count(";") > header.count(",") else ","


def csv_rows(text: str, file: str, delimiter: str, errors: list[ScenarioError]) -> Iterator[Row]:
    """Every record of `text`, blank ones included; a record the csv module cannot read is
    reported at the line it starts on and the reading goes on after it."""
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    end = 0
    while True:
        # A record starts on the line after the previous one ended (a quoted cell may span lines).
        line = end + 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            end = reader.line_num
            errors.append(ScenarioError(file, line, "", _csv_problem(str(exc))))
            continue
        end = reader.line_num
        yield Row(line, cells)


def _csv_problem(message: str) -> str:
    if message.startswith("unexpected end of data"):
        return "a quoted field starts on this record and its closing quote is missing"
    if message.startswith("field larger than field limit"):
        limit = csv.field_size_limit()
        return f"a field is longer than {limit:,} characters (a closing quote missing?)"
    if "expected after" in message:
        return (
            'text after a closing quote; quote the whole field and double any quote inside it ("")'
        )
    return f"not readable as CSV: {message}"
