"""End to end in headless Chromium: the server as users start it, the pages as people see them.

Needs Debian's Chromium at /usr/bin/chromium (driven by Playwright, no browser download). Skipped
with a reason when it is absent on a developer's machine; under CI (CI=true) its absence fails.
Each test checks that the page really rendered (controls and charts drawn) and that every
request stayed on this machine and succeeded. Screenshots go to ``test-artifacts/``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.dashboards.server import dashboards

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "test-artifacts"
# Flags for a root user on a closed network (no sandbox, no background calls home).
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]

pytestmark = pytest.mark.browser

# Under CI these tests must run: a missing browser or package is an error there, not a skip.
if os.environ.get("CI", "").lower() != "true":
    if not CHROMIUM.exists():
        pytest.skip(
            "needs Debian's chromium at /usr/bin/chromium (apt-get install chromium)",
            allow_module_level=True,
        )
    pytest.importorskip("playwright.sync_api", reason="needs the playwright package")
from playwright import sync_api  # noqa: E402


@pytest.fixture(scope="module")
def server(experiment_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """``python -m carepath.dashboards`` on a free port, opened on the test experiment."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with dashboards(
        ["--experiment", str(experiment_dir)], cwd=experiment_dir.parent, log=log
    ) as url:
        yield url


@pytest.fixture(scope="module")
def browser():
    with sync_api.sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


class Traffic:
    """Every request a page made, those still unanswered, and those that failed."""

    def __init__(self, page) -> None:
        self.page = page
        self.urls: list[str] = []
        self.pending: set = set()
        self.failed: list[str] = []
        page.on("request", self._sent)
        page.on("requestfinished", lambda r: self.pending.discard(r))
        page.on("requestfailed", self._failed)
        page.on(
            "response", lambda r: r.status >= 400 and self.failed.append(f"{r.url} ({r.status})")
        )

    def _sent(self, request) -> None:
        self.urls.append(request.url)
        self.pending.add(request)

    def _failed(self, request) -> None:
        self.pending.discard(request)
        self.failed.append(f"{request.url} ({request.failure})")

    def check(self, timeout: float = 30) -> None:
        # Wait for the answer to every request: a request that fails only after a while (the
        # server tries its CDN before answering 404) must fail the test on a fast machine too.
        deadline = time.monotonic() + timeout
        while self.pending and time.monotonic() < deadline:
            self.page.wait_for_timeout(100)
        assert not self.pending, f"unanswered requests: {[r.url for r in self.pending]}"
        hosts = {urlsplit(u).hostname for u in self.urls if urlsplit(u).scheme in ("http", "https")}
        assert hosts <= {"127.0.0.1", "localhost"}, f"requests left this machine: {hosts}"
        assert not self.failed, f"failed requests: {self.failed}"
        assert any("/_solara/cdn/" in u for u in self.urls), "front-end assets came from the cache"


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1400, "height": 1000})
    tab = context.new_page()
    tab.set_default_timeout(30_000)
    tab.traffic = Traffic(tab)
    yield tab
    context.close()


def _day(page) -> int:
    text = page.locator(".run-day").inner_text()
    return int(text.split()[1].replace(",", ""))


def _wait_for_day(page, at_least: int, timeout: float = 60) -> int:
    deadline = time.monotonic() + timeout
    while (day := _day(page)) < at_least:
        assert time.monotonic() < deadline, f"run stuck at day {day}"
        page.wait_for_timeout(200)
    return day


def _play_to(page, day: int) -> None:
    """Play the run to at least ``day``, pause it, and give the charts time to redraw."""
    page.get_by_role("button", name="Play").click()
    _wait_for_day(page, day)
    page.get_by_role("button", name="Pause").click()
    page.wait_for_timeout(500)


def _canvas(page, key: str) -> str:
    """The pixels of one chart, as a data URL (ECharts draws on a canvas)."""
    return page.locator(f".chart-{key} canvas").first.evaluate("c => c.toDataURL()")


def _charts_drawn(page, count: int) -> None:
    page.wait_for_function(
        f"document.querySelectorAll('.solara-echarts canvas').length >= {count}", timeout=30_000
    )


def _shot(page, name: str) -> None:
    ARTIFACTS.mkdir(exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def test_live_page_plays_and_switches_preset(server, page):
    page.goto(server)
    page.get_by_text("Day 0 of 3,650").wait_for()
    for label in ("Play", "Step", "Reset"):
        assert page.get_by_role("button", name=label).is_visible()
    assert page.get_by_text("Funded social-worker posts: 80").is_visible()
    _charts_drawn(page, 9)
    before = _canvas(page, "waiting")

    _play_to(page, 60)
    assert _canvas(page, "waiting") != before, "the waiting-list chart changed as the run went"
    _shot(page, "live.png")

    page.locator(".v-select", has_text="Organisational model").click()
    page.get_by_role("option", name="Social enterprise", exact=True).click()
    page.get_by_text("Live run: Social enterprise").wait_for()
    page.get_by_text("Day 0 of 3,650").wait_for()
    # Waits: the switch takes its new value one render after the heading and the day.
    sync_api.expect(page.get_by_label("Council checks every assessment")).to_be_checked()
    page.traffic.check()


def test_live_page_refuses_a_bad_seed(server, page):
    page.goto(server)
    page.get_by_text("Day 0 of").wait_for()
    seed = page.get_by_label("Seed (same seed, same people)")
    seed.fill("twelve")
    seed.press("Enter")
    page.get_by_text("seed: 'twelve' is not a whole number").wait_for()
    page.traffic.check()


def test_compare_page_runs_presets_side_by_side(server, page):
    page.goto(server + "compare")
    page.get_by_text("Day 0 of 1,825").wait_for()
    table = page.locator(".kpi-table")
    for title in ("Council in-house (reformed)", "Social enterprise", "Care trust plus"):
        table.get_by_text(title).wait_for()
    _charts_drawn(page, 8)
    before = _canvas(page, "waiting")
    _play_to(page, 60)
    assert _canvas(page, "waiting") != before
    assert table.get_by_text("baseline").count() == 9, "one baseline cell per KPI"
    _shot(page, "compare.png")
    page.traffic.check()


def test_explorer_page_shows_the_experiment(server, page):
    page.goto(server + "explorer")
    page.get_by_text("4 arms, 16 finished runs shown").wait_for()
    _charts_drawn(page, 3)
    arm = page.locator(".arm-table").first.get_by_text(
        "preset=social_enterprise, strengths_based=True"
    )
    assert arm.is_visible()
    _shot(page, "explorer.png")
    page.traffic.check()


def test_two_sessions_do_not_share_a_run(server, browser):
    first = browser.new_context().new_page()
    second = browser.new_context().new_page()
    for tab in (first, second):
        tab.goto(server)
        tab.get_by_text("Day 0 of").wait_for(timeout=30_000)
    first.get_by_role("button", name="Play").click()
    _wait_for_day(first, 30)
    first.get_by_role("button", name="Pause").click()
    assert _day(second) == 0
    first.context.close()
    second.context.close()
