"""End to end in headless Chromium: the server as users start it, the pages as people see them.

Needs Debian's Chromium at /usr/bin/chromium (driven by Playwright, no browser download). Skipped
with a reason when it is absent on a developer's machine; under CI (CI=true) its absence fails.
Each test checks that the page really rendered (controls and charts drawn) and that every
request stayed on this machine and succeeded. Screenshots, downloads and the printed PDF go to
``out/dashboards/`` (CI keeps them as artefacts).
"""

from __future__ import annotations

import csv
import os
import re
import struct
import time
import tomllib
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from tests.dashboards.server import dashboards

CHROMIUM = Path("/usr/bin/chromium")
ARTIFACTS = Path(__file__).resolve().parents[2] / "out" / "dashboards"
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
def server(experiment_dir: Path, appraisal_dir: Path, tmp_path_factory: pytest.TempPathFactory):
    """``python -m carepath.dashboards`` on a free port, opened on the test experiment and
    appraisal."""
    log = tmp_path_factory.mktemp("server") / "server.log"
    with dashboards(
        ["--experiment", str(experiment_dir), "--appraisal", str(appraisal_dir)],
        cwd=experiment_dir.parent,
        log=log,
    ) as url:
        SERVER_LOGS[url] = log
        yield url


# Each server's log, by address, for the tests that read what it printed.
SERVER_LOGS: dict[str, Path] = {}


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
        # A request the page itself abandons (a reload or a download starting while the
        # favicon loads) is not a failure of the server; a missing file still answers 404.
        if request.failure and "ERR_ABORTED" in request.failure:
            return
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
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(ARTIFACTS / name))


def _saved(download, name: str) -> Path:
    """Keep a download among the artefacts and return where it is."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    path = ARTIFACTS / name
    download.save_as(path)
    return path


# Elements of the page (not the sidebar) that reach past the window's right or bottom-right
# edge: clipped. Zero-sized elements and those inside a box that scrolls sideways are not
# (the box itself is checked).
_CLIPPED = """() => [...document.querySelectorAll('.v-main *')].filter(e => {
  const r = e.getBoundingClientRect();
  for (let box = e.parentElement; box; box = box.parentElement) {
    const overflow = getComputedStyle(box).overflowX;
    if ((overflow === 'auto' || overflow === 'scroll') && box.scrollWidth > box.clientWidth) {
      return false;
    }
  }
  return r.width > 0 && r.height > 0 && (r.right > window.innerWidth + 1 || r.left < -1);
}).slice(0, 5).map(e => `${e.tagName}.${e.className} right=${Math.round(e.getBoundingClientRect().right)}`)"""


def _nothing_clipped(page) -> None:
    clipped = page.evaluate(_CLIPPED)
    assert not clipped, f"clipped at width {page.viewport_size['width']}: {clipped}"
    assert page.evaluate("document.scrollingElement.scrollWidth <= window.innerWidth + 1")


def test_live_page_plays_and_switches_preset(server, page):
    page.goto(server)
    page.get_by_text("Day 0 of 3,650").wait_for()
    for label in ("Play", "Step", "Reset"):
        assert page.get_by_role("button", name=label).is_visible()
    assert page.get_by_text("Funded social-worker posts: 80").is_visible()
    _charts_drawn(page, 11)
    before = _canvas(page, "waiting")

    _play_to(page, 60)
    assert _canvas(page, "waiting") != before, "the waiting-list chart changed as the run went"
    # Every card: a number with its unit (or %), which way is better, its definition on hover.
    cards = page.locator(".kpi-card")
    assert cards.count() == 9
    for i in range(9):
        card = cards.nth(i)
        value = card.locator(".kpi-value").inner_text()
        assert re.fullmatch(r"[\d,.]+(%| [a-z][a-z -]*)", value), value
        assert "better" in card.locator(".kpi-better").inner_text()
        assert len(card.locator("[title]").first.get_attribute("title")) > 40
    assert (
        "of 80 funded posts"
        in page.locator(".kpi-card", has_text="Social workers in post, today").inner_text()
    )
    page.get_by_text("Warm-up until 5y (shaded on the charts)").wait_for()
    _shot(page, "live.png")

    page.locator(".v-select", has_text="Organisational model").click()
    page.get_by_role("option", name="Social enterprise", exact=True).click()
    page.get_by_text("Live run: Social enterprise").wait_for()
    page.get_by_text("Day 0 of 3,650").wait_for()
    # Waits: the switch takes its new value one render after the heading and the day.
    sync_api.expect(page.get_by_label("Council checks every assessment")).to_be_checked()
    page.traffic.check()


def test_live_page_shows_the_list_s_age_and_caseloads_per_worker(server, browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.traffic = Traffic(page)
    page.goto(server)
    page.get_by_text("Day 0 of 3,650").wait_for()
    _charts_drawn(page, 11)
    ages, spread = page.locator(".chart-list_ages"), page.locator(".chart-caseloads")
    blank = _canvas(page, "list_ages"), _canvas(page, "caseloads")
    page.get_by_role("button", name="quarter").click()
    _play_to(page, 730)
    assert (_canvas(page, "list_ages"), _canvas(page, "caseloads")) != blank
    # The list's size and its age share a row on a wide screen; so do the two caseload charts.
    size = page.locator(".chart-waiting").bounding_box()
    assert ages.bounding_box()["y"] == pytest.approx(size["y"], abs=2)
    assert ages.bounding_box()["x"] > size["x"] + size["width"]
    mean = page.locator(".chart-caseload").bounding_box()
    assert spread.bounding_box()["y"] == pytest.approx(mean["y"], abs=2)
    assert "named long-term caseloads" in page.locator(".chart-note-caseloads").inner_text()
    for width in (1280, 390):
        page.set_viewport_size({"width": width, "height": 900 if width > 400 else 844})
        page.wait_for_timeout(800)
        _nothing_clipped(page)
        for key in ("list_ages", "caseloads"):
            card = page.locator(".chart-card", has=page.locator(f".chart-{key}"))
            card.scroll_into_view_if_needed()
            assert card.bounding_box()["width"] <= width
            _shot(page, f"live-{key.replace('_', '-')}-{width}.png")
    page.traffic.check()
    context.close()


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
    page.get_by_text("Warm-up until 2y 6m").wait_for()
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download table (CSV)").click()
    with _saved(caught.value, "compare.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 9 and rows[0]["unit"] == "people" and rows[0]["better"] == "lower"
    assert rows[0]["Care trust plus"].endswith(" people")
    _shot(page, "compare.png")
    page.traffic.check()


def test_compare_gives_intervals_and_verdicts_over_several_runs(server, page):
    page.goto(server + "compare?models=in_house,outsourced&seed=2&years=1&runs=3")
    page.get_by_text("Day 0 of 365").wait_for()
    page.get_by_text("Quarter").click()
    page.get_by_role("button", name="Step").click()
    page.get_by_text("Day 91 of 365").wait_for()
    differences = page.locator(".kpi-table .kpi-difference")
    # Baseline cells say so; every other cell: difference [95% interval]: verdict.
    texts = [differences.nth(i).inner_text() for i in range(differences.count())]
    assert texts.count("baseline") == 9
    verdict = re.compile(r".+ \[.+, .+\]: (better|worse|no clear difference|different)")
    assert sum(bool(verdict.fullmatch(t)) for t in texts) == 9, texts
    _shot(page, "compare-runs.png")
    page.traffic.check()


def test_explorer_page_shows_the_experiment(server, page):
    page.goto(server + "explorer")
    page.get_by_text("4 arms, 16 finished runs shown").wait_for()
    _charts_drawn(page, 3)
    # Arms and factors in words, money in pounds.
    arm = page.locator(".arm-table").first.get_by_text(
        "Social enterprise; Strengths-based practice: yes"
    )
    assert arm.is_visible()
    assert page.get_by_text("Organisational model").first.is_visible()
    assert "£" in page.locator(".arm-table", has_text="£").first.inner_text()
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download table (CSV)").click()
    with _saved(caught.value, "explorer.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 4 * 3 and {r["unit"] for r in rows} >= {"days", "£ a year"}
    _shot(page, "explorer.png")
    page.traffic.check()


def test_appraisal_page_shows_the_example_and_keeps_its_folder(server, page):
    # A folder that is not an appraisal result: one line, naming what is missing.
    page.goto(server + "appraisal?folder=tiny")
    page.get_by_text("tiny: not an appraisal result (no ranking.csv)").wait_for()
    page.goto(server + "appraisal")  # `carepath dashboard --appraisal DIR` opens it here
    page.get_by_text("Ranking on net benefit").wait_for()
    # A folder opened goes into the address: a reload (or the link, shared) opens it again.
    page.get_by_label("Appraisal folder").fill("appraisal-run")
    page.get_by_role("button", name="Open").click()
    page.wait_for_url(re.compile(r"folder=appraisal-run%2Fappraisal"))
    page.reload()
    ranking = page.locator(".ranking-table")
    ranking.get_by_text("Social work practice").wait_for()
    assert "-£16.70m to +£4.85m" in ranking.inner_text()  # cost over the horizon, 90% range
    page.get_by_text("It is the best choice in 69% of the draws").wait_for()
    assert "EVPI" in page.locator(".appraisal-evpi").inner_text()
    assert page.locator(".thresholds-table").get_by_text("above").count() > 0
    _charts_drawn(page, 9)  # 7 measures' differences, the tornado, EVPPI
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download table (CSV)").first.click()
    with _saved(caught.value, "appraisal-ranking.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 13 and rows[0]["Chance of being the best choice"] == "69%"
    # How much one level of the current arrangement carries: the report's table and its CSV.
    levels = page.locator(".levels-table")
    assert "1st \u2192 1st" in levels.inner_text()
    page.get_by_text(
        "Leaving out any one level, Social workers attached to GP practices"
    ).wait_for()
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download table (CSV)").nth(1).click()
    with _saved(caught.value, "appraisal-levels.csv").open(encoding="utf-8") as file:
        rows = list(csv.DictReader(file))
    assert len(rows) == 120 and "council:provision.in_house.home_care_cost_factor" in rows[0]
    chart = page.locator(".chart-tornado")
    chart.scroll_into_view_if_needed()
    box = chart.bounding_box()
    with page.expect_download() as caught:
        chart.click(position={"x": box["width"] - 16, "y": 8})  # ECharts' save-as-PNG button
    width, _ = _png_size(_saved(caught.value, "appraisal-tornado.png"))
    assert width >= box["width"]
    with page.expect_download() as caught:
        page.get_by_role("button", name="Download the committee report (HTML)").click()
    report = _saved(caught.value, "appraisal-report.html").read_text(encoding="utf-8")
    assert "Options appraisal: appraisal" in report
    _shot(page, "appraisal.png")
    page.traffic.check()


@pytest.mark.parametrize("width", [1280, 390])
def test_appraisal_level_panel_reads_on_a_screen_and_a_phone(server, browser, width):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    page.traffic = Traffic(page)
    page.goto(server + "appraisal")
    heading = page.get_by_text("How much one level of the current arrangement carries")
    heading.wait_for()
    table = page.locator(".levels-table")
    # The report's grid of numbers, every option and level, on a phone too (no stacking).
    sync_api.expect(table.locator("thead th.level-number")).to_have_count(10)
    sync_api.expect(table.locator("tbody tr")).to_have_count(12)
    assert table.locator("thead").is_visible()
    heading.evaluate("e => e.scrollIntoView({block: 'start'})")
    page.wait_for_timeout(500)
    _nothing_clipped(page)
    name = table.locator("tbody th").first
    _shot(page, f"appraisal-levels-{width}.png")
    if width == 390:
        # Too wide for a phone: it scrolls inside its box, the option's name held at the left.
        assert table.evaluate("t => t.scrollWidth > t.clientWidth")
        left = name.bounding_box()["x"]
        table.evaluate("t => { t.scrollLeft = 400; }")
        page.wait_for_timeout(300)
        assert abs(name.bounding_box()["x"] - left) <= 3  # the table's border spacing
        _shot(page, f"appraisal-levels-{width}-scrolled.png")
        table.evaluate("t => { t.scrollLeft = 0; }")
    else:
        widths = table.evaluate("t => [t.scrollWidth, t.clientWidth]")
        assert widths[0] <= widths[1] + 1, f"fits a screen: {widths}"
    _shot(page, f"appraisal-levels-{width}.png")
    page.traffic.check()
    context.close()


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


def _png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", "a PNG file"
    return struct.unpack(">II", data[16:24])


def test_the_address_and_files_keep_a_scenario(server, page, tmp_path):
    page.goto(server + "?preset=care_trust_plus&seed=3&years=1")
    page.get_by_text("Live run: Care trust plus").wait_for()
    page.get_by_text("Day 0 of 365").wait_for()
    page.get_by_label("Strengths-based practice").check()
    page.wait_for_url(re.compile(r"strengths_based=true"))
    # A reload (or the link, shared) shows the same scenario.
    page.reload()
    page.get_by_text("Live run: Care trust plus").wait_for()
    page.get_by_text("Day 0 of 365").wait_for()
    sync_api.expect(page.get_by_label("Strengths-based practice")).to_be_checked()

    with page.expect_download() as caught:
        page.get_by_role("button", name="Download scenario (TOML)").click()
    saved = tomllib.loads(_saved(caught.value, "scenario.toml").read_text(encoding="utf-8"))
    assert saved["organisation"]["preset"] == "care_trust_plus" and saved["run"]["seed"] == 3
    assert saved["practice"]["strengths_based"] is True and saved["run"]["years"] == 1
    saved_text = (ARTIFACTS / "scenario.toml").read_text(encoding="utf-8")
    mine = tmp_path / "mine.toml"
    mine.write_text(saved_text.replace("establishment_fte = 80", "establishment_fte = 100"))
    page.locator(".text-file-upload__input").set_input_files(mine)
    page.get_by_text("Funded social-worker posts: 100").wait_for()
    page.wait_for_url(re.compile(r"funded_posts=100"))

    _charts_drawn(page, 9)
    _play_to(page, 91)
    chart = page.locator(".chart-waiting")
    box = chart.bounding_box()
    # The data fill the first quarter of a one-year axis: rest the pointer there.
    chart.hover(position={"x": box["width"] * 0.2, "y": box["height"] * 0.5})
    # ECharts' tooltip: a box over the chart, the time first, then each line's value.
    tooltip = chart.locator("div", has_text="(people)").first
    tooltip.wait_for()
    assert re.search(r"\d+m", tooltip.inner_text()), "time in months in the tooltip"
    with page.expect_download() as caught:
        # ECharts draws its save-as-PNG button in the chart's top right corner.
        chart.click(position={"x": box["width"] - 16, "y": 8})
    width, height = _png_size(_saved(caught.value, "waiting.png"))
    assert width >= box["width"] and height >= box["height"] - 2
    _shot(page, "live-keep.png")
    page.traffic.check()


def test_layout_holds_on_resize_and_on_a_phone(server, browser):
    context = browser.new_context(viewport={"width": 1440, "height": 900})
    page = context.new_page()
    page.set_default_timeout(30_000)
    for path, ready in (
        ("", "Day 0 of"),
        ("explorer", "finished runs shown"),
        ("appraisal", "Ranking on net benefit"),
    ):
        page.goto(server + path)
        page.get_by_text(ready).first.wait_for()
        _charts_drawn(page, 3)
        page.set_viewport_size({"width": 1280, "height": 720})
        page.wait_for_timeout(800)
        _nothing_clipped(page)
        _shot(page, f"{path or 'live'}-1280-after-1440.png")
        page.set_viewport_size({"width": 390, "height": 844})
        page.wait_for_timeout(800)
        _nothing_clipped(page)
        _shot(page, f"{path or 'live'}-390.png")
        page.set_viewport_size({"width": 1440, "height": 900})
    context.close()

    phone = browser.new_context(viewport={"width": 390, "height": 844})
    page = phone.new_page()
    page.goto(server + "compare")
    page.get_by_text("Day 0 of").first.wait_for()
    drawer = page.locator("nav.v-navigation-drawer")
    active = re.compile("v-navigation-drawer--active")
    # On a phone the sidebar starts closed, leaving the page in view ...
    page.wait_for_timeout(500)
    sync_api.expect(drawer).not_to_have_class(active)
    _nothing_clipped(page)
    _shot(page, "compare-390.png")
    menu = page.locator(".v-app-bar-nav-icon")
    glyph = menu.evaluate(
        "b => getComputedStyle(b.querySelector('.v-btn__content'), '::before').content"
    )
    assert glyph not in ("none", "normal", ""), "the menu button shows its icon"
    # ... the menu button opens it over the page, narrower than the screen, and it closes.
    menu.click()
    sync_api.expect(drawer).to_have_class(active)
    assert drawer.bounding_box()["width"] < 390
    _shot(page, "compare-390-sidebar.png")
    page.mouse.click(380, 600)  # the dimmed page beside the sidebar
    sync_api.expect(drawer).not_to_have_class(active)
    phone.close()


def test_printing_gives_the_whole_page(server, page):
    page.goto(server)
    page.get_by_text("Day 0 of").wait_for()
    _charts_drawn(page, 11)
    pdf = page.pdf(format="A4")
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    (ARTIFACTS / "live.pdf").write_bytes(pdf)
    pages = len(re.findall(rb"/Type\s*/Page[^s]", pdf))
    assert pages > 1, f"the printed page has {pages} page(s)"


def test_the_server_prints_no_cookie_warning(server):
    # Run last: by now several sessions have loaded pages from this server.
    assert "samesite" not in SERVER_LOGS[server].read_text().lower()
