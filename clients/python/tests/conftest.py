"""A real coprod server for the generated client to talk to: ``coprod serve --demo`` on a
fresh SQLite file, as the README's walk starts, in its own process on a free port."""

from __future__ import annotations

import dataclasses
import os
import pathlib
import re
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator

import httpx
import pytest
from coprod_client import AuthenticatedClient


@dataclasses.dataclass(frozen=True)
class Server:
    base_url: str
    key: str
    """An admin key of the demo organisation, as ``coprod serve --demo`` prints it."""
    demo_initiative: str


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="session")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    coprod = shutil.which("coprod", path=str(pathlib.Path(sys.executable).parent))
    if coprod is None:
        pytest.skip("needs coprod installed beside this Python: pip install -e .")
    work = tmp_path_factory.mktemp("coprod-server")
    port = _free_port()
    # No COPROD_DATABASE_URL: the embedded SQLite file in ``work``, made and migrated on
    # start, as a new user's first `coprod serve` makes it.
    environment = {
        **{name: value for name, value in os.environ.items() if name != "COPROD_DATABASE_URL"},
        "COPROD_FILES_DIR": str(work / "files"),
        "COPROD_RATE_LIMIT": "off",
        "PYTHONUNBUFFERED": "1",
    }
    log = (work / "server.log").open("w+", encoding="utf-8")
    process = subprocess.Popen(
        [coprod, "serve", "--demo", f"--port={port}"],
        cwd=work,
        env=environment,
        stdout=log,
        stderr=subprocess.STDOUT,
        text=True,
    )
    base_url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 90
        while True:
            assert process.poll() is None, pathlib.Path(log.name).read_text()
            assert time.monotonic() < deadline, pathlib.Path(log.name).read_text()
            try:
                if httpx.get(f"{base_url}/api/v1/openapi.json", timeout=5).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        printed = pathlib.Path(log.name).read_text()
        key = re.search(r"coprod_key_\S+", printed)
        demo = re.search(r"Demo initiative: .*\((ini_\w+)\)", printed)
        assert key, printed
        assert demo, printed
        yield Server(base_url, key.group(0), demo.group(1))
    finally:
        process.terminate()
        process.wait(timeout=30)
        log.close()


@pytest.fixture
def client(server: Server) -> Iterator[AuthenticatedClient]:
    with AuthenticatedClient(
        base_url=server.base_url, token=server.key, raise_on_unexpected_status=True
    ) as client:
        yield client
