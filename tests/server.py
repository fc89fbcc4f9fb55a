"""A real `evramp serve` on a free loopback port, on a workspace of its own holding the default
plant (planned and stored) and a copy of it without a plan, with a planner's and a reader's
token: what the dashboard's and the REST API's tests talk to."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Generator
from dataclasses import dataclass
from pathlib import Path

import httpx

EVRAMP = str(Path(sys.executable).with_name("evramp"))


@dataclass(frozen=True)
class Server:
    url: str
    db: str
    planner: str
    """A planner's token."""
    reader: str
    """A reader's token."""
    log: Path

    def client(self, token: str | None = None) -> httpx.Client:
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        return httpx.Client(base_url=self.url, headers=headers, timeout=60)


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        port: int = probe.getsockname()[1]
        return port


def stocked_workspace(db: str) -> None:
    """The default plant stored and planned, and `no-plan`, a copy of it with no plan."""
    from evramp.app import copy_scenario, import_scenario, read_changes, read_stored, store_plan
    from evramp.app.planning import plan

    import_scenario("yizhuang", "yizhuang", db)
    revision, scenario = read_stored("yizhuang", db)
    store_plan(revision, plan(scenario).result, db=db)
    copy_scenario("yizhuang", "no-plan", read_changes(["shops.paint.rate=45"]), db)


def serving(folder: Path) -> Generator[Server, None, None]:
    """Start the server (and stop it after)."""
    from evramp.app.tokens import create_token

    db = str(folder / "workspace.sqlite")
    stocked_workspace(db)
    planner = create_token("alice", "planner", db)
    reader = create_token("bob", "reader", db)
    port = free_port()
    log = folder / "serve.log"
    with log.open("w") as out:
        process = subprocess.Popen(
            [EVRAMP, "serve", "--db", db, "--port", str(port)],
            stdout=out,
            stderr=subprocess.STDOUT,
            env={**os.environ, "EVRAMP_DB": db},
        )
    url = f"http://127.0.0.1:{port}"
    try:
        _wait_until_up(url, process, log)
        yield Server(url, db, planner, reader, log)
    finally:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()


def _wait_until_up(url: str, process: subprocess.Popen[bytes], log: Path) -> None:
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"evramp serve exited: {log.read_text()}")
        try:
            if httpx.get(f"{url}/api/health", timeout=1).status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"evramp serve did not answer within 30 s: {log.read_text()}")
