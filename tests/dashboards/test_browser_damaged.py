"""End to end in headless Chromium: damaged experiment folders are a message, not a traceback.

The server runs with ``--root``, as it would for other machines, but listens on loopback
only. See ``test_browser.py`` for the browser's set-up (and when these tests are skipped).
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

from tests.dashboards.test_browser import _free_port, browser, page  # noqa: F401 (fixtures)

pytestmark = pytest.mark.browser


@pytest.fixture(scope="module")
def damaged_server(experiment_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """A server whose root holds a store with a list for a manifest, opened on it, and one
    with a Parquet part overwritten with junk."""
    root = tmp_path_factory.mktemp("root")
    listed = Path(shutil.copytree(experiment_dir, root / "listed"))
    (listed / "manifest.json").write_text("[1, 2, 3]", encoding="utf-8")
    junk = Path(shutil.copytree(experiment_dir, root / "junk"))
    (junk / "runs.parquet" / "run-000003.parquet").write_bytes(b"junk" * 100)
    port = _free_port()
    log = tmp_path_factory.mktemp("server") / "server.log"
    command = [sys.executable, "-m", "carepath.dashboards", "--port", str(port)]
    command += ["--root", str(root), "--experiment", str(listed)]
    with log.open("w") as out:
        proc = subprocess.Popen(
            command,
            stdout=out,
            stderr=subprocess.STDOUT,
            cwd=experiment_dir.parent,
            start_new_session=True,
        )
    url = f"http://127.0.0.1:{port}/"
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(url, timeout=5) as response:
                    if response.status == 200:
                        break
            except OSError:
                pass
            if proc.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"dashboard server did not start:\n{log.read_text()}")
            time.sleep(0.5)
        yield url, root
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        try:
            proc.wait(timeout=20)
        except subprocess.TimeoutExpired:
            os.killpg(proc.pid, signal.SIGKILL)


def test_damaged_stores_show_a_message_not_a_traceback(damaged_server, page):  # noqa: F811
    url, root = damaged_server
    page.goto(url + "explorer")
    page.get_by_text("listed/manifest.json: not a valid manifest (a JSON list").wait_for()

    field = page.get_by_label("Experiment folder")
    field.fill("junk")
    page.get_by_role("button", name="Open").click()
    page.get_by_text("junk/runs.parquet/run-000003.parquet: damaged").wait_for()

    field.fill("../")
    page.get_by_role("button", name="Open").click()
    page.get_by_text("../: outside the folder the dashboards may open").wait_for()

    text = page.locator("body").inner_text()
    assert "Traceback" not in text and 'File "' not in text
    assert str(root) not in text
    page.traffic.check()
