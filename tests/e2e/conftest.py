"""The demo site, served for real, and a real headless Chromium to look at it.

``demo_site`` runs the README's demo command (``bash scripts/demo.sh``, without its pip step)
on a free 127.0.0.1 port with a throwaway SQLite database and media root, waits until it
answers, and stops it afterwards. ``browser`` is Debian's ``/usr/bin/chromium`` driven by
Playwright. Screenshots and the server's log go to ``test-artifacts/e2e/`` (not committed).
"""

from __future__ import annotations

import os
import signal
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "e2e"
CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
STARTUP_TIMEOUT = 120  # seconds: migrate, samples, generateimages, then runserver's checks
ADMIN_USER = ADMIN_PASSWORD = "demo"  # what `manage.py demouser` creates


def example_env(database: Path, media_root: Path) -> dict[str, str]:
    """The environment of a demo-site process: its own settings, database and media root."""
    return {
        **os.environ,
        # pytest-django has set the test project's settings in os.environ; the demo has its own.
        "DJANGO_SETTINGS_MODULE": "demo.settings",
        "IK_DEMO_DATABASE": str(database),
        "IK_DEMO_MEDIA_ROOT": str(media_root),
        "IK_DEMO_PYTHON": sys.executable,
        "PYTHONUNBUFFERED": "1",
    }


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class DemoSite:
    url: str
    database: Path
    media_root: Path
    log: Path

    def query(self, sql: str, *params: object) -> list[tuple]:
        with sqlite3.connect(self.database) as connection:
            return connection.execute(sql, params).fetchall()

    def original_sizes(self) -> dict[str, tuple[int, int]]:
        """Each photo's title and original size, as stored by the site."""
        rows = self.query("SELECT title, original_width, original_height FROM gallery_photo")
        return {title: (width, height) for title, width, height in rows}


def _wait_until_up(url: str, proc: subprocess.Popen, log: Path) -> None:
    deadline = time.monotonic() + STARTUP_TIMEOUT
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(
                f"the demo site exited with {proc.returncode} before serving; its output:\n"
                f"{log.read_text()}"
            )
        try:
            with urllib.request.urlopen(url, timeout=2) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, ConnectionError, TimeoutError):
            pass
        time.sleep(0.3)
    pytest.fail(
        f"the demo site did not answer at {url} within {STARTUP_TIMEOUT}s:\n{log.read_text()}"
    )


@pytest.fixture(scope="session")
def artifacts() -> Path:
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    return ARTIFACTS


@pytest.fixture(scope="session")
def demo_site(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Iterator[DemoSite]:
    where = tmp_path_factory.mktemp("demo-site")
    addr = f"127.0.0.1:{free_port()}"
    site = DemoSite(
        f"http://{addr}", where / "db.sqlite3", where / "media", artifacts / "server.log"
    )
    env = {**example_env(site.database, site.media_root), "IK_DEMO_ADDR": addr}
    with site.log.open("w") as log:
        proc = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "demo.sh"), "--no-install"],
            cwd=ROOT,
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,  # its own process group, so stopping it stops all of it
        )
    try:
        _wait_until_up(site.url + "/", proc, site.log)
        yield site
    finally:
        _stop(proc)


def _stop(proc: subprocess.Popen) -> None:
    if proc.poll() is not None:
        return
    os.killpg(proc.pid, signal.SIGTERM)
    try:
        proc.wait(timeout=10)
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)
        proc.wait(timeout=10)


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not CHROMIUM.exists():
        pytest.fail(
            f"the end-to-end tests need Chromium at {CHROMIUM}, and it is not there. Install "
            "Debian's package: `apt-get install -y chromium` (.ci/run does this when it is "
            "missing). Playwright's own browser downloads are not used."
        )
    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            chromium.close()


@pytest.fixture
def page(browser: Browser) -> Iterator[Page]:
    """A fresh browser context (no cookies) at a fixed size and one device pixel per CSS one."""
    context = browser.new_context(viewport={"width": 1280, "height": 900}, device_scale_factor=1)
    context.set_default_timeout(20_000)
    try:
        yield context.new_page()
    finally:
        context.close()
