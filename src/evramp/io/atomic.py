"""Writes that are all or nothing, and stay so through a crash (power cut, kill -9).

A folder is written beside its target as `.NAME.staging-XXXX`; every file in it and the folder
itself are fsynced, and then one rename switches it in. On Linux that rename is
`renameat2(RENAME_EXCHANGE)`, which swaps the two folders at once, so at every moment the target
holds the old files or the new ones, whole. Where the kernel or the file system cannot swap, the
old folder is first renamed to `.NAME.old-XXXX`; a crash between the two renames leaves no
target, and the next write puts the old folder back (`clean_debris`).

Nothing that evramp did not write is deleted: entries of the old folder that the caller does not
own (`keep`) are hard-linked into the new folder before the switch (copied where a link cannot
be made), so the user's files in it are the same files after the switch. Debris is recognised by
evramp's own names only (`.NAME.staging-` or `.NAME.old-` and tempfile's eight random letters),
and the names of evramp before the one-rename switch (`.NAME.XXXXXXXX`, `.NAME.old.XXXXXXXX`)
only with the modes tempfile gave them (a user's copy `.plan.mybackup` is never taken for one).
Folders made for a write that then fails or is interrupted are removed again if still empty.
"""

from __future__ import annotations

import ctypes
import errno
import os
import re
import shutil
import signal
import stat
import sys
import tempfile
import threading
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from types import FrameType

STAGING = ".staging-"
RETIRED = ".old-"
_RANDOM = "[a-z0-9_]{8}"  # tempfile's names: eight of these characters


class FolderRefused(OSError):
    """A folder that evramp will not write into, because it would lose or mix up files there."""


class InterruptedAfterWriting(KeyboardInterrupt):
    """Ctrl-C came while a folder was being switched in: the switch was finished first."""

    def __init__(self, target: Path) -> None:
        super().__init__(f"interrupted after {target} was written")
        self.target = target


def _nobody_owns(name: str) -> bool:
    return False


@contextmanager
def atomic_directory(target: Path, keep: Callable[[str], bool] = _nobody_owns) -> Iterator[Path]:
    """Yield an empty staging folder that replaces `target` when the block succeeds.

    Entries of the old `target` whose name `keep` accepts are carried into the new one. On an
    exception the staging folder is removed and `target` is left as it was.
    """
    target = target.resolve()  # a link to a folder: replace the folder, not the link
    if target.exists() and not target.is_dir():
        raise FolderRefused(f"{target}: a file, not a folder; nothing was written")
    with _made_for(target.parent), _locked(target.parent):
        clean_debris(target)
        staging = Path(tempfile.mkdtemp(prefix=f".{target.name}{STAGING}", dir=target.parent))
        try:
            yield staging
            if target.is_dir():
                _carry_over(target, staging, keep)
            staging.chmod(0o755)
            fsync_tree(staging)
            with interrupts_deferred() as interrupted:
                _switch(staging, target)
        except BaseException:
            # Not switched in, or switched out again: new files, or old ones and second names.
            shutil.rmtree(staging, ignore_errors=True)
            raise
    if interrupted:
        raise InterruptedAfterWriting(target)


@contextmanager
def atomic_file(target: Path) -> Iterator[Path]:
    """Yield a temporary path beside `target` that is renamed onto it when the block succeeds."""
    target = target.resolve()
    with _made_for(target.parent), _locked(target.parent):
        clean_debris(target)
        handle, name = tempfile.mkstemp(prefix=f".{target.name}{STAGING}", dir=target.parent)
        os.close(handle)
        staging = Path(name)
        try:
            yield staging
            staging.chmod(0o644)
            fsync_path(staging)
            staging.replace(target)
        except BaseException:
            staging.unlink(missing_ok=True)
            raise
        fsync_path(target.parent)


def write_text_atomic(target: Path, text: str) -> Path:
    with atomic_file(target) as staging:
        staging.write_text(text, encoding="utf-8")
    return target


# --- durability --------------------------------------------------------------------------------


def fsync_path(path: Path) -> None:
    """Flush a file's data, or a folder's entries, to the disk."""
    if path.is_dir() and os.name != "posix":
        return  # folders cannot be opened for fsync there; their entries are the system's job
    handle = os.open(path, os.O_RDONLY)
    try:
        os.fsync(handle)
    finally:
        os.close(handle)


def fsync_tree(root: Path) -> None:
    """fsync every regular file and folder under `root`, the deepest first, then `root`."""
    for folder, folders, files in os.walk(root, topdown=False):
        for name in files:
            path = Path(folder, name)
            if path.is_file() and not path.is_symlink():
                fsync_path(path)
        for name in folders:
            if not Path(folder, name).is_symlink():
                fsync_path(Path(folder, name))
    fsync_path(root)


def make_folders(folder: Path) -> list[Path]:
    """`mkdir -p` whose new folders survive a crash: each new entry's parent is fsynced. Returns
    the folders it made, the outermost first."""
    missing: list[Path] = []
    while not folder.exists():
        missing.append(folder)
        folder = folder.parent
    made: list[Path] = []
    for new in reversed(missing):
        try:
            new.mkdir()
        except FileExistsError:  # made meanwhile by another process: not ours to remove
            continue
        made.append(new)
        fsync_path(new.parent)
    return made


@contextmanager
def _made_for(folder: Path) -> Iterator[None]:
    """Make `folder` (and its missing parents) for a write; if the write fails or is
    interrupted, remove those of them that are still empty, so that nothing is left behind."""
    made: list[Path] = []
    try:
        made = make_folders(folder)
        yield
    except BaseException:
        with interrupts_deferred():
            for new in reversed(made):
                try:
                    new.rmdir()
                except OSError:  # something is in it now, or it is gone: leave it
                    break
        raise


# --- switching ---------------------------------------------------------------------------------


def _switch(staging: Path, target: Path) -> None:
    """Put `staging` in the place of `target`, then remove the old folder."""
    inside = _cwd_inside(target)
    old: Path | None = staging  # where the old folder is after a swap
    if not target.exists():
        staging.rename(target)
        old = None
    elif not _exchange(staging, target):
        old = Path(tempfile.mkdtemp(prefix=f".{target.name}{RETIRED}", dir=target.parent))
        old.rmdir()  # a unique free name for the old folder
        target.rename(old)
        try:
            staging.rename(target)
        except BaseException:
            old.rename(target)
            raise
    fsync_path(target.parent)
    if old is not None:
        shutil.rmtree(old, ignore_errors=True)
        fsync_path(target.parent)
    if inside is not None:
        os.chdir(target / inside)  # stay in the folder by its name, not in the removed one


def _cwd_inside(target: Path) -> Path | None:
    try:
        return Path.cwd().relative_to(target)
    except (ValueError, FileNotFoundError):
        return None


_AT_FDCWD = -100
_RENAME_EXCHANGE = 2
_UNSWAPPABLE = {errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP}


def _exchange(first: Path, second: Path) -> bool:
    """Swap two paths in one step (Linux renameat2); False where that cannot be done here."""
    if not sys.platform.startswith("linux"):
        return False
    renameat2 = getattr(ctypes.CDLL(None, use_errno=True), "renameat2", None)
    if renameat2 is None:  # a C library older than glibc 2.28
        return False
    flags = ctypes.c_uint(_RENAME_EXCHANGE)
    if renameat2(_AT_FDCWD, os.fsencode(first), _AT_FDCWD, os.fsencode(second), flags) == 0:
        return True
    code = ctypes.get_errno()
    if code in _UNSWAPPABLE:
        return False
    raise OSError(code, os.strerror(code), str(first), None, str(second))


def clean_debris(target: Path) -> None:
    """Remove what an earlier write into `target` left when it was killed.

    Staging folders hold only new files and second names of the user's files, so they go; an old
    folder is put back if the target is missing (killed between the two renames), else removed.
    The same for the names evramp used before the one-rename switch (`_legacy_debris`).
    """
    debris, retired, legacy, legacy_retired = _debris(target)
    if not target.exists() and (retired or legacy_retired):
        if retired:
            retired.pop().rename(target)
        else:  # the old layout kept the old folder inside: .NAME.old.XXXXXXXX/NAME
            (legacy_retired[-1] / target.name).rename(target)
    for path in debris + retired + legacy + legacy_retired:
        if path.is_dir() and not path.is_symlink():
            shutil.rmtree(path)
        else:
            path.unlink()
    if debris or retired or legacy or legacy_retired:
        fsync_path(target.parent)


def _debris(target: Path) -> tuple[list[Path], list[Path], list[Path], list[Path]]:
    """Staging and retired entries beside `target` named as evramp names them: now, and before
    the one-rename switch (those only with tempfile's modes, see `_legacy_debris`)."""
    name = re.escape(target.name)
    staging = re.compile(rf"\.{name}{re.escape(STAGING)}{_RANDOM}")
    retired = re.compile(rf"\.{name}{re.escape(RETIRED)}{_RANDOM}")
    legacy = re.compile(rf"\.{name}\.{_RANDOM}")
    legacy_retired = re.compile(rf"\.{name}\.old\.{_RANDOM}")
    found: tuple[list[Path], list[Path], list[Path], list[Path]] = ([], [], [], [])
    try:
        entries = sorted(target.parent.iterdir())
    except FileNotFoundError:
        return found
    for entry in entries:
        for kind, pattern in enumerate((staging, retired, legacy, legacy_retired)):
            if pattern.fullmatch(entry.name):
                if kind < 2 or _legacy_debris(entry, target.name, retired=kind == 3):
                    found[kind].append(entry)
                break
    return found


def _legacy_debris(path: Path, name: str, retired: bool) -> bool:
    """Whether `path`, named as evramp's writes named their staging before the one-rename
    switch, is one: tempfile made those private (a folder 0700, a file 0600) and the old code
    opened them up only just before the rename, so a copy a user made has other modes. A
    retired folder held just the old folder, `NAME`; a staging folder held only files."""
    try:
        info = path.lstat()
    except OSError:
        return False
    if info.st_uid != os.geteuid():
        return False
    mode = stat.S_IMODE(info.st_mode)
    if stat.S_ISREG(info.st_mode):
        return mode == 0o600 and not retired
    if not stat.S_ISDIR(info.st_mode) or mode != 0o700:
        return False
    entries = list(path.iterdir())
    if retired:
        return [entry.name for entry in entries] == [name] and entries[0].is_dir()
    return all(entry.is_file() and not entry.is_symlink() for entry in entries)


def _carry_over(old: Path, new: Path, keep: Callable[[str], bool]) -> None:
    """Give the new folder the old one's entries that the caller does not own."""
    for entry in sorted(old.iterdir()):
        if not keep(entry.name) or os.path.lexists(new / entry.name):
            continue
        if os.path.ismount(entry):
            raise FolderRefused(
                f"{entry} is a mount point inside {old}, which evramp replaces as a whole; "
                "nothing was written"
            )
        if entry.is_dir() and not entry.is_symlink():
            shutil.copytree(entry, new / entry.name, symlinks=True, copy_function=_link_or_copy)
        else:
            _link_or_copy(str(entry), str(new / entry.name))


def _link_or_copy(source: str, destination: str) -> None:
    try:
        os.link(source, destination, follow_symlinks=False)
    except OSError:  # another file system, or one without hard links
        shutil.copy2(source, destination, follow_symlinks=False)


# --- one writer at a time, no Ctrl-C half-way ---------------------------------------------------


_HELD: set[Path] = set()


@contextmanager
def _locked(folder: Path) -> Iterator[None]:
    """Hold an exclusive lock on `folder` (one evramp writes there at a time), where one exists.

    A second writer waits, so its debris cleaning never takes the first one's staging folder.
    The lock is this process's once taken: a nested write into the same folder does not wait.
    """
    if sys.platform == "win32" or folder in _HELD:
        yield
        return
    import fcntl

    handle = os.open(folder, os.O_RDONLY)
    try:
        fcntl.flock(handle, fcntl.LOCK_EX)
        _HELD.add(folder)
        yield
    finally:
        _HELD.discard(folder)
        os.close(handle)  # releases the lock


@contextmanager
def interrupts_deferred() -> Iterator[list[int]]:
    """Hold back SIGINT while the block runs (a switch, a display starting); the list says
    whether one came. Only the main thread receives signals: elsewhere nothing is held back."""
    caught: list[int] = []
    if threading.current_thread() is not threading.main_thread():
        yield caught
        return

    def note(number: int, frame: FrameType | None) -> None:
        caught.append(number)

    previous = signal.signal(signal.SIGINT, note)
    try:
        yield caught
    finally:
        signal.signal(signal.SIGINT, previous)
