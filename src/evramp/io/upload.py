"""Uploaded scenarios: the bytes a web server received and the name the client gave them, turned
into a validated `Scenario`, or refused with a message that says what is wrong and why.

An upload is someone else's file, so a zip of a scenario folder is checked member by member
before a byte of it is unpacked: names that would leave the folder (`../`, `/etc`, `C:\\`),
links, encrypted members, and sizes (how many members, how much they unpack to, and how far each
is compressed: a zip bomb unpacks a few hundred kilobytes to gigabytes). Then only the
scenario's own files are unpacked, under the names evramp gives them (never a path from the
archive), into a temporary folder that is removed whatever happens; the bytes really unpacked
are counted as they come, since a member's header may lie about its size. A workbook (.xlsx, a
zip itself) gets the size checks, then the workbook reader.

Nothing of a web framework is imported: the dashboard hands over bytes and a name and shows the
`UploadRefused` message, or the `ScenarioInvalid` problems at their file and line (or sheet and
cell).
"""

from __future__ import annotations

import io
import lzma
import re
import stat
import tempfile
import unicodedata
import zipfile
import zlib
from collections.abc import Iterator, Mapping, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import IO

from evramp.io.scenario_folder import SCENARIO_FILES, WORKBOOK_SUFFIX, load_scenario, write_scenario
from evramp.model import SCENARIO_FILE, Scenario

ZIP_SUFFIX = ".zip"
TEMP_PREFIX = "evramp-upload-"
"""The start of the name of every temporary folder this module makes (in tempfile's folder)."""

MB = 1_000_000


class UploadRefused(ValueError):
    """The upload is unsafe to unpack, too big, or not a scenario archive at all; the message
    names the upload (and the member) and says why, for the person who uploaded it."""


@dataclass(frozen=True)
class UploadLimits:
    """How much an upload may hold. The defaults leave room for a plant several times the
    largest generated one (plant L: a 1.3 MB zip of 9.6 MB of files, a 5.9 MB workbook of
    58 MB of XML) while keeping what one upload costs the server small."""

    max_upload_bytes: int = 50 * MB
    """The upload itself: plant L's workbook is 5.9 MB."""
    max_unpacked_bytes: int = 200 * MB
    """All members together, unpacked: the disk (and, for a workbook, the memory of its reader)
    one upload may take."""
    max_members: int = 2_000
    """A scenario folder has 15 files at most; the rest is room for a README, notes and the
    macOS junk, not for the cost of a million entries."""
    max_compression_ratio: float = 100.0
    """Unpacked size over packed size of one member: real tables pack 2 to 10 times (their
    XML in a workbook too); a zip bomb packs a thousand times."""
    ratio_checked_from_bytes: int = 1 * MB
    """Members up to this size unpacked are not held to the ratio: a small file of repeated
    text packs far, and all of them together are bounded by `max_unpacked_bytes` anyway."""
    max_path_depth: int = 10
    """Names in a member's path (`plant/scenario.yaml` is 2): a scenario is at most one folder
    down, and a deeper tree is no scenario folder."""


DEFAULT_LIMITS = UploadLimits()
"""The limits of an upload unless the caller gives others."""


def read_upload(data: bytes, filename: str, limits: UploadLimits = DEFAULT_LIMITS) -> Scenario:
    """The scenario in the upload `data`, whose client called it `filename`: a zip of a
    scenario folder (`.zip`) or a workbook (`.xlsx`), by the name's suffix in any case.

    Raises `UploadRefused` when the upload is unsafe, too big or no scenario archive, and
    `ScenarioInvalid` (the readers' own, unchanged) with every problem of a scenario that was
    read: `demand.csv:14: quantity: ...` from a zip, `plan.xlsx: demand!C14: quantity: ...`
    from a workbook. Nothing is left on the disk either way.
    """
    shown = shown_name(filename)
    lowered = shown.lower()
    if not lowered.endswith((ZIP_SUFFIX, WORKBOOK_SUFFIX)):
        raise UploadRefused(f"{shown}: expected a .zip of a scenario folder or an .xlsx workbook")
    if len(data) > limits.max_upload_bytes:
        raise UploadRefused(f"{shown}: {_more_than(len(data), limits.max_upload_bytes)}")
    if lowered.endswith(WORKBOOK_SUFFIX):
        return _read_workbook_upload(data, shown, limits)
    return _read_folder_upload(data, shown, limits)


def scenario_archive(scenario: Scenario) -> bytes:
    """`scenario` as a zip of its folder (the files `write_scenario` writes, in one folder
    named `scenario_slug` of its name): what "download as zip" gives, and what `read_upload`
    reads back to an equal scenario."""
    slug = scenario_slug(scenario.name)
    archive = io.BytesIO()
    with _temporary_folder() as temporary:
        folder = write_scenario(scenario, temporary / slug)
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
            for path in sorted(folder.iterdir()):
                writer.write(path, f"{slug}/{path.name}")
    return archive.getvalue()


_WINDOWS_DEVICES = frozenset(
    {"con", "prn", "aux", "nul", *(f"{port}{n}" for port in ("com", "lpt") for n in range(1, 10))}
)
"""Names Windows takes for a device, whatever follows the dot: no folder can have them there."""


def scenario_slug(name: str) -> str:
    """A folder (or file) name for a scenario called `name`: lower case, letters (of any
    script), digits and `.` `_` `-` only, neither starting nor ending with a dot, at most 60
    characters; `scenario` if nothing is left. A folder of that name can be made on every
    system, and the name needs no quoting in a URL's path or a shell."""
    slug = re.sub(r"[^\w.-]+", "-", unicodedata.normalize("NFC", name).lower())
    slug = slug.strip("-._")[:60].rstrip("-._") or "scenario"
    return f"scenario-{slug}" if slug.partition(".")[0] in _WINDOWS_DEVICES else slug


_LONGEST_NAME = 100
"""UTF-8 bytes of an upload's name as shown and written: well under a file system's 255."""


def shown_name(filename: str) -> str:
    """The client's file name as messages show it and the workbook is written: its last part
    only (a browser may send `C:\\Users\\me\\plan.xlsx`), control characters as `?`, and a
    long name cut short, its suffix kept. `upload` when there is none."""
    name = re.split(r"[/\\]", filename)[-1].strip()
    name = "".join(c if c.isprintable() else "?" for c in name) or "upload"
    if len(name.encode("utf-8")) <= _LONGEST_NAME:
        return name
    stem, dot, suffix = name.rpartition(".")
    if not dot or len(suffix) > 10:
        stem, suffix = name, ""
    end = f"…{dot}{suffix}" if suffix else "…"
    while len((stem + end).encode("utf-8")) > _LONGEST_NAME:
        stem = stem[:-1]
    return stem + end


# --- workbooks ---------------------------------------------------------------------------------

_OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
"""The start of an old .xls, and of an .xlsx saved with a password (Excel encrypts those into
an OLE container, not a zip)."""


def _read_workbook_upload(data: bytes, shown: str, limits: UploadLimits) -> Scenario:
    if data.startswith(_OLE_MAGIC):
        raise UploadRefused(
            f"{shown}: a password-protected workbook or an old .xls, not an .xlsx; "
            "save it as an Excel workbook (.xlsx) without a password"
        )
    with _open_zip(data, shown, "not an Excel workbook (an .xlsx file is a zip)") as book:
        # The workbook's reader unpacks the sheets itself (into memory): only their declared
        # sizes can be held to the limits here.
        _check_sizes(book.infolist(), shown, limits)
    # The Excel reader loads with a workbook only.
    from python_calamine import CalamineError

    from evramp.io.workbook import read_workbook

    with _temporary_folder() as folder:
        path = folder / shown  # its problems are then said of the name the user knows
        path.write_bytes(data)
        try:
            return read_workbook(path)
        except CalamineError as failed:
            # read_workbook says which sheet is damaged (ScenarioInvalid); anything else of
            # calamine's that gets through is a workbook it could not read either.
            raise UploadRefused(f"{shown}: a damaged workbook ({failed})") from None


# --- zips of a scenario folder -----------------------------------------------------------------


@dataclass(frozen=True)
class _Member:
    """A member of the archive with the parts of its name (`.` and empty ones dropped)."""

    info: zipfile.ZipInfo
    parts: tuple[str, ...]

    @property
    def is_folder(self) -> bool:
        return self.info.is_dir()

    @property
    def is_junk(self) -> bool:
        """The resource forks macOS adds in `__MACOSX/` to a folder it zips: checked like every
        member, but never taken for a scenario folder. (Finder's `.DS_Store`, like any file
        that is not the scenario's, is simply not unpacked.)"""
        return not self.parts or self.parts[0] == "__MACOSX"


def _read_folder_upload(data: bytes, shown: str, limits: UploadLimits) -> Scenario:
    with _open_zip(data, shown, "not a zip file") as archive:
        infos = archive.infolist()
        _check_sizes(infos, shown, limits)
        members = [_checked_member(info, shown, limits) for info in infos]
        _refuse_clashes(members, shown)
        files = _scenario_files(members, shown)
        with _temporary_folder() as folder:
            _unpack(archive, files, folder, shown, limits)
            return load_scenario(folder)


def _open_zip(data: bytes, shown: str, not_a_zip: str) -> zipfile.ZipFile:
    try:
        return zipfile.ZipFile(io.BytesIO(data))
    except zipfile.BadZipFile as failed:
        why = "" if str(failed) == "File is not a zip file" else f" ({failed})"
        raise UploadRefused(f"{shown}: {not_a_zip}{why}") from None
    except (EOFError, OSError, ValueError, NotImplementedError) as failed:
        raise UploadRefused(f"{shown}: {not_a_zip} (a damaged archive: {failed})") from None


def _check_sizes(infos: Sequence[zipfile.ZipInfo], shown: str, limits: UploadLimits) -> None:
    """Refuse an archive whose headers declare too many members, a member packed like a zip
    bomb, or too much in all. The count comes first: what one member says matters little among
    10,000."""
    if len(infos) > limits.max_members:
        raise UploadRefused(f"{shown}: {len(infos):,} members, more than {limits.max_members:,}")
    for info in infos:
        if info.file_size <= limits.ratio_checked_from_bytes:
            continue
        ratio = info.file_size / max(info.compress_size, 1)
        if ratio > limits.max_compression_ratio:
            raise UploadRefused(
                f"{shown}: member {_quoted(info.filename)} unpacks {ratio:,.0f} times its "
                f"packed size ({_megabytes(info.file_size)} from {info.compress_size:,} bytes), "
                f"more than {limits.max_compression_ratio:,.0f} times (a zip bomb?); refused"
            )
    total = sum(info.file_size for info in infos)
    if total > limits.max_unpacked_bytes:
        raise UploadRefused(f"{shown}: unpacks to {_more_than(total, limits.max_unpacked_bytes)}")


_DRIVE = re.compile(r"[A-Za-z]:")
_READABLE_METHODS = frozenset(
    {zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED, zipfile.ZIP_BZIP2, zipfile.ZIP_LZMA}
)


def _checked_member(info: zipfile.ZipInfo, shown: str, limits: UploadLimits) -> _Member:
    """The member `info`, refused when its name could point outside the folder it is unpacked
    into, or it is no plain file or folder, or it cannot be read without a password.

    Its name is never used on the disk (`_unpack` writes files under names of its own), but an
    archive holding such a member was made to do harm, or is no scenario folder."""
    name = info.orig_filename  # as in the archive: ZipInfo.filename is cut at a NUL
    quoted = _quoted(name)
    problem = _name_problem(name)
    if problem:
        raise UploadRefused(f"{shown}: member {quoted} {problem}; refused")
    parts = tuple(part for part in name.split("/") if part not in ("", "."))
    if len(parts) > limits.max_path_depth:
        raise UploadRefused(
            f"{shown}: member {quoted} is {len(parts)} names deep, "
            f"more than {limits.max_path_depth}; refused"
        )
    kind = stat.S_IFMT(info.external_attr >> 16)  # Unix file type, 0 from other systems
    if kind == stat.S_IFLNK:
        raise UploadRefused(f"{shown}: member {quoted} is a symbolic link; refused")
    if kind not in (0, stat.S_IFREG, stat.S_IFDIR):
        raise UploadRefused(
            f"{shown}: member {quoted} is not a regular file (a device, FIFO or socket); refused"
        )
    if info.flag_bits & 0x1:
        raise UploadRefused(
            f"{shown}: member {quoted} is encrypted; zip the scenario without a password"
        )
    if info.compress_type not in _READABLE_METHODS:
        raise UploadRefused(
            f"{shown}: member {quoted} is compressed with method {info.compress_type}, which "
            "cannot be unpacked here; zip it with the usual compression (deflate)"
        )
    return _Member(info, parts)


def _name_problem(name: str) -> str:
    """Why the member name `name` could reach outside the folder it is unpacked into ("" if it
    cannot): on this system or another one."""
    if "\0" in name:
        return "has a NUL character in its name"
    if name.startswith("/"):
        return "is an absolute path, outside the archive"
    if _DRIVE.match(name):
        return "starts with a drive letter, outside the archive"
    if "\\" in name:
        return "has a backslash in its name (zip names separate folders with '/')"
    parts = name.split("/")
    if ".." not in parts:
        return ""
    depth = 0
    for part in parts:
        if part == "..":
            depth -= 1
        elif part not in ("", "."):
            depth += 1
        if depth < 0:
            return "leaves the archive"
    return "goes up a folder ('..') in its name"


def _refuse_clashes(members: Sequence[_Member], shown: str) -> None:
    """Refuse two files of one name, or a file named as a folder: which one is meant depends
    on the tool that unpacks it. Names that differ in case only clash too, as they do on the
    disks of Windows and macOS."""
    files: dict[tuple[str, ...], str] = {}
    folders: set[tuple[str, ...]] = set()
    for member in members:
        key = tuple(part.casefold() for part in member.parts)
        if member.is_folder:
            folders.add(key)
            continue
        folders.update(key[:end] for end in range(1, len(key)))
        if key in files:
            raise UploadRefused(
                f"{shown}: member {_quoted(member.info.orig_filename)} appears twice "
                f"(also as {_quoted(files[key])}); refused"
            )
        files[key] = member.info.orig_filename
    for key, name in files.items():
        if key in folders:
            raise UploadRefused(f"{shown}: {_quoted(name)} is both a file and a folder; refused")


def _scenario_files(members: Sequence[_Member], shown: str) -> dict[str, zipfile.ZipInfo]:
    """The members of the scenario folder that the reader reads, by file name: those at the
    archive's top if `scenario.yaml` is there, else those of the one folder at the top that
    holds a `scenario.yaml` (a folder zipped as a whole)."""
    files = [member for member in members if not member.is_folder and not member.is_junk]
    folder: tuple[str, ...] = ()
    if not any(member.parts == (SCENARIO_FILE,) for member in files):
        tops = sorted({member.parts[0] for member in files if member.parts[1:] == (SCENARIO_FILE,)})
        if not tops:
            raise UploadRefused(
                f"{shown}: no {SCENARIO_FILE} at the top of the archive nor in a folder there; "
                "expected the zip of a scenario folder"
            )
        if len(tops) > 1:
            raise UploadRefused(
                f"{shown}: {len(tops)} scenario folders ({', '.join(map(_quoted, tops))}); "
                "upload one at a time"
            )
        folder = (tops[0],)
    return {
        member.parts[-1]: member.info
        for member in files
        if member.parts[:-1] == folder and member.parts[-1] in SCENARIO_FILES
    }


_CHUNK = 1 << 20
_DAMAGED = (zipfile.BadZipFile, EOFError, OSError, RuntimeError, zlib.error, lzma.LZMAError)
"""What zipfile raises for a member it cannot unpack: a bad CRC or header, a cut-off or
corrupt stream (bz2 says so with an OSError)."""


def _unpack(
    archive: zipfile.ZipFile,
    files: Mapping[str, zipfile.ZipInfo],
    folder: Path,
    shown: str,
    limits: UploadLimits,
) -> None:
    """Unpack `files` into `folder`, each under its key (one of `SCENARIO_FILES`), counting
    the bytes: a member that gives more than its header declared, or all of them more than
    the limit, stops the unpacking. (CPython's zipfile itself stops at the declared size and
    then fails on the CRC; the count does not rely on that.)"""
    unpacked = 0
    for name, info in sorted(files.items()):
        written = 0
        with (folder / name).open("xb") as target, _member_stream(archive, info, shown) as source:
            while chunk := _read_chunk(source, info, shown):
                written += len(chunk)
                unpacked += len(chunk)
                if written > info.file_size:
                    raise UploadRefused(
                        f"{shown}: member {_quoted(info.filename)} holds more than the "
                        f"{info.file_size:,} bytes its header declares; refused"
                    )
                if unpacked > limits.max_unpacked_bytes:
                    raise UploadRefused(
                        f"{shown}: unpacks to more than {_megabytes(limits.max_unpacked_bytes)} "
                        "(the limit)"
                    )
                target.write(chunk)


@contextmanager
def _member_stream(
    archive: zipfile.ZipFile, info: zipfile.ZipInfo, shown: str
) -> Iterator[IO[bytes]]:
    try:
        stream = archive.open(info)
    except _DAMAGED as failed:
        raise _damaged(info, shown, failed) from None
    with stream:
        yield stream


def _read_chunk(source: IO[bytes], info: zipfile.ZipInfo, shown: str) -> bytes:
    # Only the reading is caught: an error writing the file is the server's, not the upload's.
    try:
        return source.read(_CHUNK)
    except _DAMAGED as failed:
        raise _damaged(info, shown, failed) from None


def _damaged(info: zipfile.ZipInfo, shown: str, failed: Exception) -> UploadRefused:
    return UploadRefused(f"{shown}: member {_quoted(info.filename)} is damaged ({failed}); refused")


# --- helpers -----------------------------------------------------------------------------------


@contextmanager
def _temporary_folder() -> Iterator[Path]:
    """A new private folder in the system's temporary folder, removed with all in it when the
    block ends, by an exception too."""
    with tempfile.TemporaryDirectory(prefix=TEMP_PREFIX) as name:
        yield Path(name)


_LONGEST_MEMBER = 120


def _quoted(name: str) -> str:
    """A member's name for a message: in quotes, control characters escaped, cut if long (an
    archive's names are whatever its maker chose)."""
    cut = name[:_LONGEST_MEMBER]
    text = "".join(c if c.isprintable() else f"\\x{ord(c):02x}" for c in cut)
    return f"'{text}{'…' * (len(name) > len(cut))}'"


def _megabytes(size: int) -> str:
    text = f"{size / MB:,.1f}".removesuffix(".0") if size < 10 * MB else f"{size / MB:,.0f}"
    return f"{text} MB"


def _more_than(size: int, limit: int) -> str:
    """`300 MB, more than 200 MB (the limit)`; in bytes where megabytes would look equal."""
    shown, most = _megabytes(size), _megabytes(limit)
    if shown == most:
        shown, most = f"{size:,} bytes", f"{limit:,} bytes"
    return f"{shown}, more than {most} (the limit)"
