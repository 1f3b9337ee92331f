"""End to end in headless Chromium: damaged experiment folders are a message, not a traceback.

The server runs with ``--root``, as it would for other machines, but listens on loopback
only. See ``test_browser.py`` for the browser's set-up (and when these tests are skipped).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from tests.dashboards.server import dashboards
from tests.dashboards.test_browser import browser, page  # noqa: F401 (fixtures)

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
    log = tmp_path_factory.mktemp("server") / "server.log"
    options = ["--root", str(root), "--experiment", str(listed)]
    with dashboards(options, cwd=experiment_dir.parent, log=log) as url:
        yield url, root


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
