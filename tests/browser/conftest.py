"""A real browser for the library's pages: Debian's chromium, driven by Selenium.

The set-up installs what it needs where it can: ``chromium`` and ``chromium-driver`` with
apt-get (when running as root on Debian, as CI does), and axe-core (the accessibility
checker) with ``npm pack``, cached under ``~/.cache/coprod-tests``. Where either cannot
be had, the tests skip with a banner saying what is missing and how to get it.

The app is served by werkzeug's threaded server on a free port, with public pages on and
the demo seeded into a fresh SQLite database, exactly as ``coprod serve --demo`` does.
"""

from __future__ import annotations

import os
import pathlib
import shutil
import subprocess
import tarfile
import threading
from collections.abc import Iterator
from typing import Any

import pytest
from werkzeug.serving import make_server

from api import create_app
from api.context import services
from coprod_demo import seed_demo
from toolkits_core import load_plugins

SHIPPED_PLUGINS = "coproduction_star,national_standards"
AXE_VERSION = "4.14.1"
CACHE = pathlib.Path(os.environ.get("XDG_CACHE_HOME", pathlib.Path.home() / ".cache"))
BROWSER = "/usr/bin/chromium"
DRIVER = "/usr/bin/chromedriver"


def _banner(what: str) -> None:
    line = "=" * 78
    pytest.skip(f"\n{line}\nBROWSER TESTS SKIPPED: {what}\n{line}", allow_module_level=False)


def _install_chromium() -> str | None:
    """Install Debian's chromium and its driver if missing; why not, if that fails."""
    if os.path.exists(BROWSER) and os.path.exists(DRIVER):
        return None
    if shutil.which("apt-get") is None or os.geteuid() != 0:
        return "chromium and chromium-driver are not installed (apt-get install chromium "
        "chromium-driver, as root on Debian)"
    run = subprocess.run(
        ["apt-get", "install", "-y", "-q", "chromium", "chromium-driver"],
        env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        capture_output=True,
        text=True,
        timeout=900,
    )
    if run.returncode != 0 or not os.path.exists(DRIVER):
        return f"apt-get could not install chromium: {run.stderr.strip()[-300:]}"
    return None


def _axe_script() -> pathlib.Path | str:
    """axe.min.js of axe-core AXE_VERSION, fetched once with npm; why not, if it cannot be."""
    folder = CACHE / "coprod-tests" / f"axe-core-{AXE_VERSION}"
    script = folder / "axe.min.js"
    if script.is_file():
        return script
    if shutil.which("npm") is None:
        return f"npm is not installed, so axe-core {AXE_VERSION} cannot be fetched"
    folder.mkdir(parents=True, exist_ok=True)
    packed = subprocess.run(
        ["npm", "pack", f"axe-core@{AXE_VERSION}", "--silent"],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=300,
    )
    tarball = folder / packed.stdout.strip().splitlines()[-1] if packed.stdout.strip() else None
    if packed.returncode != 0 or tarball is None or not tarball.is_file():
        return f"npm pack axe-core@{AXE_VERSION} failed: {packed.stderr.strip()[-300:]}"
    with tarfile.open(tarball) as archive:
        member = archive.extractfile("package/axe.min.js")
        assert member is not None
        script.write_bytes(member.read())
    return script


@pytest.fixture(scope="session")
def axe_source() -> str:
    found = _axe_script()
    if isinstance(found, str):
        _banner(found)
    assert isinstance(found, pathlib.Path)
    return found.read_text(encoding="utf-8")


@pytest.fixture(scope="session")
def site(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The demo, served on a free port with the library's public pages on."""
    folder = tmp_path_factory.mktemp("browser-site")
    app = create_app(
        {
            "DATABASE_URL": f"sqlite:///{folder / 'coprod.sqlite3'}",
            "AUTO_MIGRATE": True,
            "FILES_DIR": str(folder / "files"),
            "PLUGIN_HOST": load_plugins(environ={"COPROD_PLUGINS": SHIPPED_PLUGINS}),
            "PUBLIC_LIBRARY": "1",
        }
    )
    seed_demo(app)
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=10)
    services(app).database.dispose()


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    missing = _install_chromium()
    if missing:
        _banner(missing)
    webdriver = pytest.importorskip("selenium.webdriver")
    options = webdriver.ChromeOptions()
    options.binary_location = BROWSER
    for argument in (
        "--headless=new",
        "--no-sandbox",
        "--disable-dev-shm-usage",
        "--autoplay-policy=no-user-gesture-required",
        "--window-size=1200,900",
    ):
        options.add_argument(argument)
    driver = webdriver.Chrome(service=webdriver.ChromeService(DRIVER), options=options)
    driver.set_script_timeout(30)
    yield driver
    driver.quit()
