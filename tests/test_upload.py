"""Uploaded scenarios (evramp.io.upload): zips of a scenario folder and workbooks read back to
the scenario; archives made to do harm (names leaving the folder, links, zip bombs, lying
headers) refused before anything is unpacked, with a message that says why; nothing left in
the temporary folder either way."""

from __future__ import annotations

import io
import re
import stat
import tempfile
import warnings
import zipfile
import zlib
from collections.abc import Callable, Iterable
from pathlib import Path

import pytest

import evramp
from evramp.io import UploadLimits, UploadRefused, read_upload, scenario_archive
from evramp.io.upload import TEMP_PREFIX, scenario_slug, shown_name
from evramp.io.workbook import write_workbook
from evramp.model import Scenario, ScenarioInvalid
from tests.test_workbook import Grid, edited

Members = Iterable[tuple[str | zipfile.ZipInfo, bytes]]


@pytest.fixture(scope="module")
def default() -> Scenario:
    return evramp.load_scenario(evramp.builtin_scenario_path())


@pytest.fixture(scope="module")
def files() -> dict[str, bytes]:
    """The built-in scenario's folder, file by file (its README.md too)."""
    folder = evramp.builtin_scenario_path()
    return {path.name: path.read_bytes() for path in sorted(folder.iterdir())}


def zip_of(members: Members, edit: Callable[[zipfile.ZipFile], None] | None = None) -> bytes:
    """A zip of `members` (names as given, unchecked); `edit` changes the central directory's
    entries (`archive.filelist`) after the data is written, before the directory is."""
    archive = io.BytesIO()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # zipfile warns of a duplicate name
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as writer:
            for name, data in members:
                writer.writestr(name, data)
            if edit is not None:
                edit(writer)
    return archive.getvalue()


def at_root(files: dict[str, bytes], *extra: tuple[str | zipfile.ZipInfo, bytes]) -> bytes:
    return zip_of([*files.items(), *extra])


def refused(data: bytes, filename: str = "scenario.zip", limits: UploadLimits | None = None) -> str:
    """The message `read_upload` refuses the upload with."""
    with pytest.raises(UploadRefused) as raised:
        read_upload(data, filename, limits or UploadLimits())
    return str(raised.value)


def entry(name: str, mode: int) -> zipfile.ZipInfo:
    info = zipfile.ZipInfo(name)
    info.external_attr = mode << 16
    return info


# --- what is read --------------------------------------------------------------------------------


def test_a_zip_of_the_files_at_its_root_is_the_scenario(
    default: Scenario, files: dict[str, bytes]
) -> None:
    assert read_upload(at_root(files), "yizhuang.zip") == default


def test_a_zip_of_one_folder_with_the_junk_of_macos_is_the_scenario(
    default: Scenario, files: dict[str, bytes]
) -> None:
    members: list[tuple[str | zipfile.ZipInfo, bytes]] = [("yizhuang/", b""), (".DS_Store", b"x")]
    for name, data in files.items():
        members += [(f"yizhuang/{name}", data), (f"__MACOSX/yizhuang/._{name}", b"\0\5\26\7")]
    members += [("yizhuang/.DS_Store", b"\0\0\0\1Bud1"), ("README.txt", b"see the folder")]
    assert read_upload(zip_of(members), "Yizhuang.ZIP") == default


def test_a_scenario_downloaded_as_a_zip_uploads_as_the_same_scenario(default: Scenario) -> None:
    archive = scenario_archive(default)
    names = zipfile.ZipFile(io.BytesIO(archive)).namelist()
    folder = "xiaomi-ev-plant-yizhuang-beijing-ramp-up-2023-2026"
    assert f"{folder}/scenario.yaml" in names and f"{folder}/demand.csv" in names
    assert all(name.startswith(f"{folder}/") for name in names)
    assert read_upload(archive, "x.zip") == default


def test_a_workbook_upload_is_the_scenario(default: Scenario, tmp_path: Path) -> None:
    book = write_workbook(default, tmp_path / "plant.xlsx").read_bytes()
    assert read_upload(book, "Plant.XLSX") == default


def test_a_bad_workbook_has_its_problems_at_sheets_and_cells(
    default: Scenario, tmp_path: Path
) -> None:
    def negative_quantity(sheets: dict[str, Grid]) -> None:
        sheets["demand"][13][2] = -2.0  # row 14, quantity

    book = edited(default, tmp_path, negative_quantity).read_bytes()
    with pytest.raises(ScenarioInvalid) as raised:
        read_upload(book, "C:\\Users\\planner\\Desktop\\ramp plan.xlsx")  # as old browsers send
    assert [str(error) for error in raised.value.errors] == [
        "ramp plan.xlsx: demand!C14: quantity: must be > 0, got -2"
    ]


def test_a_bad_folder_has_its_problems_at_files_and_lines(files: dict[str, bytes]) -> None:
    lines = files["demand.csv"].decode().splitlines(keepends=True)
    cells = lines[13].split(",")  # line 14; id,variant,quantity,due,...
    cells[2] = "-2"
    lines[13] = ",".join(cells)
    bad = {**files, "demand.csv": "".join(lines).encode()}
    with pytest.raises(ScenarioInvalid) as raised:
        read_upload(zip_of((f"plant/{name}", data) for name, data in bad.items()), "p.zip")
    assert [str(error) for error in raised.value.errors] == [
        "demand.csv:14: quantity: must be > 0, got -2"
    ]


def test_a_folder_missing_a_table_is_invalid_not_refused(files: dict[str, bytes]) -> None:
    without_items = {name: data for name, data in files.items() if name != "items.csv"}
    with pytest.raises(ScenarioInvalid) as raised:
        read_upload(at_root(without_items), "s.zip")
    assert any(e.file == "items.csv" and "file not found" in e.message for e in raised.value.errors)


# --- names that leave the folder, and what is no plain file ---------------------------------------


@pytest.mark.parametrize(
    ("name", "why"),
    [
        ("../x", "member '../x' leaves the archive; refused"),
        ("plant/../../x", "member 'plant/../../x' leaves the archive; refused"),
        ("plant/../x", "member 'plant/../x' goes up a folder ('..') in its name; refused"),
        ("/abs", "member '/abs' is an absolute path, outside the archive; refused"),
        ("C:\\x", "member 'C:\\x' starts with a drive letter, outside the archive; refused"),
        ("c:x", "member 'c:x' starts with a drive letter"),
        ("plant\\..\\..\\x", "member 'plant\\..\\..\\x' has a backslash in its name"),
    ],
)
def test_a_member_whose_name_leaves_the_folder_is_refused(
    files: dict[str, bytes],
    name: str,
    why: str,
    tmp_path: Path,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    work = tmp_path / "a" / "b"
    work.mkdir(parents=True)
    monkeypatch.chdir(work)  # where a naive unpacker would write ../x and ../../x
    message = refused(at_root(files, (name, b"owned")))
    assert message.startswith(f"scenario.zip: {why}"), message
    assert sorted(p.name for p in tmp_path.rglob("*")) == ["a", "b"]


def test_a_member_whose_name_holds_a_nul_is_refused(files: dict[str, bytes]) -> None:
    def nul_in_the_name(writer: zipfile.ZipFile) -> None:
        # zipfile cuts a name at a NUL when it writes one; C tools read the name so cut
        writer.filelist[-1].filename = "items.csv\0.sh"

    message = refused(zip_of([*files.items(), ("x", b"")], nul_in_the_name))
    assert (
        message
        == "scenario.zip: member 'items.csv\\x00.sh' has a NUL character in its name; refused"
    )


@pytest.mark.parametrize(
    ("mode", "why"),
    [
        (stat.S_IFLNK | 0o777, "member 'link' is a symbolic link; refused"),
        (stat.S_IFIFO | 0o644, "member 'link' is not a regular file (a device, FIFO or socket)"),
    ],
)
def test_a_link_or_device_member_is_refused(files: dict[str, bytes], mode: int, why: str) -> None:
    message = refused(at_root(files, (entry("link", mode), b"/etc/passwd")))
    assert message.startswith(f"scenario.zip: {why}"), message


def test_a_member_of_unix_mode_as_zip_writes_it_is_read(
    default: Scenario, files: dict[str, bytes]
) -> None:
    plain = [(entry(name, stat.S_IFREG | 0o644), data) for name, data in files.items()]
    assert read_upload(zip_of(plain), "s.zip") == default


def test_a_member_twice_is_refused(files: dict[str, bytes]) -> None:
    twice = refused(at_root(files, ("items.csv", b"id\nevil\n")))
    assert twice == "scenario.zip: member 'items.csv' appears twice (also as 'items.csv'); refused"
    by_case = refused(at_root(files, ("ITEMS.csv", b"id\n")))
    assert by_case.startswith("scenario.zip: member 'ITEMS.csv' appears twice"), by_case
    dotted = refused(at_root(files, ("./bom.csv", b"")))
    assert dotted.startswith("scenario.zip: member './bom.csv' appears twice"), dotted


def test_a_file_named_as_a_folder_is_refused(files: dict[str, bytes]) -> None:
    message = refused(at_root(files, ("shops.csv/notes.txt", b"")))
    assert message == "scenario.zip: 'shops.csv' is both a file and a folder; refused"


def test_a_member_too_deep_is_refused(files: dict[str, bytes]) -> None:
    deep = "/".join("d" * 11) + "/x.csv"
    message = refused(at_root(files, (deep, b"")))
    assert message.startswith("scenario.zip: member 'd/d/d/"), message
    assert message.endswith("is 12 names deep, more than 10; refused")


def test_an_encrypted_member_is_refused(files: dict[str, bytes]) -> None:
    def encrypt_the_demand(writer: zipfile.ZipFile) -> None:
        # zipfile cannot encrypt; the flag in the directory is what an encrypting tool sets
        next(i for i in writer.filelist if i.filename == "demand.csv").flag_bits |= 0x1

    message = refused(zip_of(files.items(), encrypt_the_demand))
    assert message == (
        "scenario.zip: member 'demand.csv' is encrypted; zip the scenario without a password"
    )


def test_a_member_of_an_unknown_compression_is_refused(files: dict[str, bytes]) -> None:
    def unknown_method(writer: zipfile.ZipFile) -> None:
        writer.getinfo("scenario.yaml").compress_type = 99  # WinZip's AES, say

    message = refused(zip_of(files.items(), unknown_method))
    assert message.startswith("scenario.zip: member 'scenario.yaml' is compressed with method 99")


# --- sizes ---------------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def bomb(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """300 MiB of zeros as demand.csv, packed to 300 KB: written a megabyte at a time."""
    path = tmp_path_factory.mktemp("bomb") / "bomb.zip"
    zeros = bytes(1 << 20)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as writer:
        writer.writestr("scenario.yaml", b"name: boom\n")
        with writer.open("demand.csv", "w") as member:
            for _ in range(300):
                member.write(zeros)
    return path.read_bytes()


def test_a_zip_bomb_is_refused_by_its_ratio_before_it_is_unpacked(bomb: bytes) -> None:
    assert len(bomb) < 400_000
    message = refused(bomb)
    assert re.fullmatch(
        r"scenario.zip: member 'demand.csv' unpacks 1,0\d\d times its packed size "
        r"\(315 MB from 30\d,\d{3} bytes\), more than 100 times \(a zip bomb\?\); refused",
        message,
    ), message


def test_a_zip_bomb_is_refused_by_its_size_where_the_ratio_is_allowed(bomb: bytes) -> None:
    message = refused(bomb, limits=UploadLimits(max_compression_ratio=10_000))
    assert message == "scenario.zip: unpacks to 315 MB, more than 200 MB (the limit)"


def test_a_zip_bomb_named_as_a_workbook_is_refused_too(bomb: bytes) -> None:
    message = refused(bomb, "plan.xlsx")
    assert message.startswith("plan.xlsx: member 'demand.csv' unpacks 1,0"), message
    assert message.endswith("(a zip bomb?); refused")


def test_a_member_whose_header_understates_its_size_is_refused_while_unpacked(
    files: dict[str, bytes],
) -> None:
    def understate_the_demand(writer: zipfile.ZipFile) -> None:
        next(i for i in writer.filelist if i.filename == "demand.csv").file_size = 1_000

    lying = zip_of(files.items(), understate_the_demand)
    assert zipfile.ZipFile(io.BytesIO(lying)).getinfo("demand.csv").file_size == 1_000
    message = refused(lying)
    assert message.startswith("scenario.zip: member 'demand.csv' is damaged (Bad CRC-32"), message


def test_a_lying_header_with_a_matching_checksum_unpacks_no_more_than_it_declares(
    files: dict[str, bytes],
) -> None:
    head = files["demand.csv"][:1_000]

    def understate_the_demand(writer: zipfile.ZipFile) -> None:
        info = next(i for i in writer.filelist if i.filename == "demand.csv")
        info.file_size, info.CRC = len(head), zlib.crc32(head)

    with pytest.raises(ScenarioInvalid) as raised:
        read_upload(zip_of(files.items(), understate_the_demand), "s.zip")
    # demand.csv was cut after 1,000 bytes, in the middle of a line: that line is the problem
    last = head.count(b"\n") + 1
    demand = [error for error in raised.value.errors if error.file == "demand.csv"]
    assert [error.row for error in demand] == [last], raised.value.summary()


def test_too_many_members_are_refused(files: dict[str, bytes]) -> None:
    many = at_root(files, *((f"notes/{n}.txt", b"") for n in range(10_001 - len(files))))
    assert refused(many) == "scenario.zip: 10,001 members, more than 2,000"


def test_an_upload_too_big_is_refused(files: dict[str, bytes]) -> None:
    upload = at_root(files)
    message = refused(upload, limits=UploadLimits(max_upload_bytes=len(upload) - 1))
    assert message == (
        f"scenario.zip: {len(upload):,} bytes, more than {len(upload) - 1:,} bytes (the limit)"
    )


def test_a_small_member_packed_far_is_not_taken_for_a_bomb(
    default: Scenario, files: dict[str, bytes]
) -> None:
    upload = at_root(files, ("NOTES.md", b"-" * 900_000))
    assert read_upload(upload, "s.zip") == default
    assert "zip bomb" in refused(upload, limits=UploadLimits(ratio_checked_from_bytes=100_000))


# --- not a scenario archive ----------------------------------------------------------------------


@pytest.mark.parametrize("filename", ["x.txt", "scenario.tar.gz", "scenario", "", "plan.xls"])
def test_another_kind_of_file_is_refused_by_its_name(
    files: dict[str, bytes], filename: str
) -> None:
    message = refused(at_root(files), filename)
    shown = filename or "upload"
    assert message == f"{shown}: expected a .zip of a scenario folder or an .xlsx workbook"


def test_bytes_that_are_no_zip_are_refused(files: dict[str, bytes]) -> None:
    assert refused(b"id,kind\ncar,vehicle\n") == "scenario.zip: not a zip file"
    assert refused(b"") == "scenario.zip: not a zip file"
    assert refused(b"id,kind\n", "plan.xlsx") == (
        "plan.xlsx: not an Excel workbook (an .xlsx file is a zip)"
    )
    ole = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(504)
    assert "password-protected workbook or an old .xls" in refused(ole, "plan.xlsx")


def test_a_damaged_zip_is_refused(files: dict[str, bytes]) -> None:
    upload = bytearray(at_root(files))
    info = zipfile.ZipFile(io.BytesIO(upload)).getinfo("demand.csv")
    middle = info.header_offset + 30 + len("demand.csv") + info.compress_size // 2
    upload[middle] ^= 0xFF
    message = refused(bytes(upload))
    assert message.startswith("scenario.zip: member 'demand.csv' is damaged ("), message
    assert refused(at_root(files)[:-30]).startswith("scenario.zip: not a zip file")


def test_a_workbook_with_a_damaged_sheet_is_refused(default: Scenario, tmp_path: Path) -> None:
    book = bytearray(write_workbook(default, tmp_path / "plan.xlsx").read_bytes())
    info = zipfile.ZipFile(io.BytesIO(book)).getinfo("xl/worksheets/sheet11.xml")  # demand
    middle = info.header_offset + 30 + len(info.filename) + info.compress_size // 2
    book[middle] ^= 0xFF
    with pytest.raises(ScenarioInvalid) as invalid:  # the workbook reader says which sheet
        read_upload(bytes(book), "plan.xlsx")
    assert [str(error) for error in invalid.value.errors] == [
        "plan.xlsx: demand: the sheet is damaged (I/O error: Invalid checksum)"
    ]


def test_a_zip_without_a_scenario_is_refused(files: dict[str, bytes]) -> None:
    tables = {name: data for name, data in files.items() if name != "scenario.yaml"}
    message = refused(zip_of((f"deep/plant/{name}", data) for name, data in files.items()))
    assert message == (
        "scenario.zip: no scenario.yaml at the top of the archive nor in a folder there; "
        "expected the zip of a scenario folder"
    )
    assert refused(at_root(tables)) == message
    assert refused(zip_of([("__MACOSX/scenario.yaml", files["scenario.yaml"])])) == message


def test_a_zip_of_two_scenario_folders_is_refused(files: dict[str, bytes]) -> None:
    both = zip_of((f"{top}/{name}", data) for top in ("b", "a") for name, data in files.items())
    assert refused(both) == "scenario.zip: 2 scenario folders ('a', 'b'); upload one at a time"


def test_shown_names_are_the_last_part_printable_and_short() -> None:
    assert shown_name("C:\\fakepath\\plan.xlsx") == "plan.xlsx"
    assert shown_name("../../etc/plan.zip") == "plan.zip"
    assert shown_name("pl\nan\x1b.zip") == "pl?an?.zip"
    long = shown_name("规划" * 100 + ".xlsx")
    assert long.endswith("….xlsx") and len(long.encode()) <= 100
    assert scenario_slug("Xiaomi EV plant Yizhuang (Beijing), ramp-up 2023-2026") == (
        "xiaomi-ev-plant-yizhuang-beijing-ramp-up-2023-2026"
    )
    assert scenario_slug("../亦庄 工厂/..") == "亦庄-工厂"
    assert scenario_slug("...") == "scenario"
    assert scenario_slug("Aux") == "scenario-aux"


# --- nothing left behind -------------------------------------------------------------------------


def ours() -> set[str]:
    """The temporary folders of uploads, in the folder where tempfile makes them."""
    return {p.name for p in Path(tempfile.gettempdir()).glob(f"{TEMP_PREFIX}*")}


def test_no_temporary_folder_is_left_behind(
    default: Scenario, files: dict[str, bytes], bomb: bytes, tmp_path: Path
) -> None:
    def understate_the_demand(writer: zipfile.ZipFile) -> None:
        next(i for i in writer.filelist if i.filename == "demand.csv").file_size = 1_000

    book = write_workbook(default, tmp_path / "plan.xlsx").read_bytes()
    bad = {name: data for name, data in files.items() if name != "items.csv"}
    uploads = [
        (at_root(files), "good.zip", None),
        (book, "good.xlsx", None),
        (book[: len(book) // 2] + bytes(len(book) // 2), "cut.xlsx", UploadRefused),
        (at_root(bad), "invalid.zip", ScenarioInvalid),
        (zip_of(files.items(), understate_the_demand), "lying.zip", UploadRefused),
        (bomb, "bomb.zip", UploadRefused),
        (at_root(files, ("../x", b"")), "slip.zip", UploadRefused),
    ]
    before = ours()
    for data, filename, failure in uploads:
        if failure is None:
            assert read_upload(data, filename) == default
        else:
            with pytest.raises(failure):
                read_upload(data, filename)
        assert ours() == before, filename
    assert read_upload(scenario_archive(default), "x.zip") == default
    assert ours() == before
