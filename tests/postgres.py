"""A throwaway PostgreSQL cluster for the tests: initdb and pg_ctl in a temporary folder.

The workspace store is tested on a real server, not a mock, and CI has no server running: the
tests start their own, on a free port of 127.0.0.1 with trust authentication, and remove it
afterwards. `make postgres` installs Debian's server when no initdb is found.
"""

from __future__ import annotations

import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from sqlalchemy.pool import NullPool

# Debian installs the server's programs per major version here, not on PATH.
DEBIAN_BIN_GLOB = "*/bin"
DEBIAN_ROOT = Path("/usr/lib/postgresql")
SUPERUSER = "postgres"
# PostgreSQL refuses to run as root; Debian's package creates this system user for it.
SYSTEM_USER = "postgres"
START_ATTEMPTS = 3  # the free port found can be taken by another process before the server binds it

# Run apart from the test process, so that the cluster is stopped and its folder removed even when
# that process dies without running its finalizers (a kill, a crash): it waits for a line or for
# end of file on stdin, and the kernel closes the pipe's other end when the test process ends.
_WATCHDOG = """
import shutil, subprocess, sys
sys.stdin.readline()
subprocess.run(sys.argv[2:], stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
               stderr=subprocess.DEVNULL, check=False)
shutil.rmtree(sys.argv[1], ignore_errors=True)
"""


class PostgresNotFoundError(RuntimeError):
    """No initdb in Debian's folders or on PATH."""


class PostgresStartError(RuntimeError):
    """initdb or pg_ctl failed; the message has their output or the server's log."""


@dataclass(frozen=True)
class Binaries:
    initdb: Path
    pg_ctl: Path


def _version_key(bin_dir: Path) -> tuple[int, ...]:
    # "15" or "9.6": compared as numbers, so that 10 comes after 9.6.
    try:
        return tuple(int(part) for part in bin_dir.parent.name.split("."))
    except ValueError:
        return ()


def find_binaries() -> Binaries:
    """initdb and pg_ctl of the newest version in Debian's folders, else the ones on PATH."""
    candidates = [
        bin_dir
        for bin_dir in DEBIAN_ROOT.glob(DEBIAN_BIN_GLOB)
        if (bin_dir / "initdb").is_file() and (bin_dir / "pg_ctl").is_file()
    ]
    if candidates:
        newest = max(candidates, key=_version_key)
        return Binaries(newest / "initdb", newest / "pg_ctl")
    initdb = shutil.which("initdb")
    pg_ctl = shutil.which("pg_ctl")
    if initdb and pg_ctl:
        return Binaries(Path(initdb), Path(pg_ctl))
    raise PostgresNotFoundError(
        f"PostgreSQL's initdb was not found in {DEBIAN_ROOT / DEBIAN_BIN_GLOB} nor on PATH; "
        "the workspace store's tests start a server of their own: run `make postgres` "
        "(it installs Debian's postgresql package)"
    )


def _run_as_prefix() -> list[str]:
    """The command prefix that runs a program as the server's user: none unless we are root."""
    if os.geteuid() != 0:
        return []
    try:
        import pwd

        pwd.getpwnam(SYSTEM_USER)
    except KeyError as error:
        raise PostgresStartError(
            f"running as root, and PostgreSQL refuses to: no system user {SYSTEM_USER!r} to run "
            "it as (Debian's postgresql package creates it: `make postgres`)"
        ) from error
    if shutil.which("runuser"):
        return ["runuser", "-u", SYSTEM_USER, "--"]
    return ["setpriv", f"--reuid={SYSTEM_USER}", f"--regid={SYSTEM_USER}", "--init-groups", "--"]


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def _conf_text(value: Path) -> str:
    return "'" + str(value).replace("'", "''") + "'"


@dataclass
class Cluster:
    """A running cluster; `stop` stops it and removes its folder."""

    root: Path
    port: int
    startup_seconds: float
    _watchdog: subprocess.Popen[bytes] = field(repr=False)

    @property
    def url(self) -> str:
        """The SQLAlchemy URL of the maintenance database `postgres`."""
        return self.database_url("postgres")

    def database_url(self, database: str) -> str:
        url = sa.URL.create(
            "postgresql+psycopg",
            username=SUPERUSER,
            host="127.0.0.1",
            port=self.port,
            database=database,
        )
        return url.render_as_string(hide_password=False)

    def stop(self) -> None:
        _stop_watchdog(self._watchdog)


def _stop_watchdog(watchdog: subprocess.Popen[bytes]) -> None:
    # A line rather than relying on end of file: a process forked by a test may still hold the
    # pipe's write end open.
    if watchdog.stdin is not None and not watchdog.stdin.closed:
        try:
            watchdog.stdin.write(b"stop\n")
            watchdog.stdin.close()
        except BrokenPipeError:
            pass
    watchdog.wait(timeout=120)


def start_cluster() -> Cluster:
    """initdb a cluster in a new temporary folder and start it; raises when it cannot."""
    binaries = find_binaries()
    prefix = _run_as_prefix()
    began = time.perf_counter()
    root = Path(tempfile.mkdtemp(prefix="evramp-postgres-"))
    if prefix:
        shutil.chown(root, user=SYSTEM_USER, group=SYSTEM_USER)
    data = root / "data"
    log = root / "server.log"
    stop_command = [*prefix, str(binaries.pg_ctl), "stop", "-D", str(data), "-m", "fast", "-w"]
    # Started first, so that a failure or a kill from here on leaves no folder behind either.
    watchdog = subprocess.Popen(
        [sys.executable, "-c", _WATCHDOG, str(root), *stop_command],
        stdin=subprocess.PIPE,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,  # Ctrl-C in the terminal must not end it before it cleans up
    )
    try:
        _run(
            [
                *prefix,
                str(binaries.initdb),
                "-D",
                str(data),
                "-U",
                SUPERUSER,
                "--auth=trust",
                "--encoding=UTF8",
                "--no-locale",  # the machine's locales do not matter, and it is faster
                "--no-sync",  # a throwaway cluster: nothing to keep after a power cut
            ],
            cwd=root,  # the server's user may not be allowed into the caller's folder
        )
        with (data / "postgresql.conf").open("a", encoding="utf-8") as conf:
            conf.write(
                "\n# tests/postgres.py: a throwaway cluster for one test session\n"
                "listen_addresses = '127.0.0.1'\n"
                # Not Debian's /var/run/postgresql, which the current user may not write to.
                f"unix_socket_directories = {_conf_text(root)}\n"
                "fsync = off\n"
                "synchronous_commit = off\n"
                "full_page_writes = off\n"
            )
        port = _start_server(prefix, binaries, data, log, root)
    except BaseException:
        _stop_watchdog(watchdog)
        raise
    return Cluster(root, port, time.perf_counter() - began, watchdog)


def _start_server(prefix: list[str], binaries: Binaries, data: Path, log: Path, root: Path) -> int:
    """Start the server on a free port; its port."""
    for _ in range(START_ATTEMPTS):
        port = _free_port()
        command = [*prefix, str(binaries.pg_ctl), "start", "-D", str(data), "-l", str(log)]
        command += ["-w", "-t", "60", "-o", f"-p {port}"]
        if _run(command, cwd=root, check=False) == 0:
            return port
        server_log = log.read_text(errors="replace") if log.exists() else ""
        if "could not bind" not in server_log:
            break
        log.unlink()
    raise PostgresStartError(f"pg_ctl start failed; the server's log:\n{server_log}")


def _run(command: list[str], cwd: Path, check: bool = True) -> int:
    result = subprocess.run(
        command, cwd=cwd, stdin=subprocess.DEVNULL, capture_output=True, text=True, check=False
    )
    if check and result.returncode != 0:
        raise PostgresStartError(
            f"{' '.join(command)} exited with {result.returncode}:\n{result.stdout}{result.stderr}"
        )
    return result.returncode


def _admin_engine(url: str) -> sa.Engine:
    # CREATE and DROP DATABASE cannot run inside a transaction.
    return sa.create_engine(url, isolation_level="AUTOCOMMIT", poolclass=NullPool)


def create_database(server_url: str) -> str:
    """A new empty database with a unique name on the server of `server_url`; its URL."""
    name = f"test_{uuid.uuid4().hex}"
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'CREATE DATABASE "{name}"'))
    finally:
        engine.dispose()
    return sa.make_url(server_url).set(database=name).render_as_string(hide_password=False)


def drop_database(server_url: str, database_url: str) -> None:
    """Drop the database of `database_url`, even with connections a test left open."""
    name = sa.make_url(database_url).database
    engine = _admin_engine(server_url)
    try:
        with engine.connect() as connection:
            connection.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    finally:
        engine.dispose()
