"""Appraisal page: a ``carepath appraise`` result, read as a committee would read its report.

Options ranked on net benefit with their chance of doing better than the current arrangement,
their cost over the horizon (discounted) with its 5-95% range, how much one level of the
current arrangement carries, every measure's difference, the tornado, the thresholds and EVPI/EVPPI, and the committee report itself when the folder has it.
The folder is in the page's address (``/appraisal?folder=out/appraisal``), relative to the
dashboards' root folder, so a reload or a shared link opens it again.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import logging
import os
from html import escape
from urllib.parse import parse_qsl, urlencode

import solara
from carepath.dashboards import appraisal_levels as levels
from carepath.dashboards import appraisal_results as ar
from carepath.dashboards import charts, results
from carepath.dashboards.widgets import Guarded, Heading, Prose, failure
from carepath.experiments.appraise.analysis import NET_BENEFIT
from carepath.experiments.appraise.report import label, title
from carepath.experiments.store import StoreError

logger = logging.getLogger(__name__)
NOTE = {"font-size": "13px", "color": "#555", "display": "block", "margin": "4px 0 8px"}


def folder_from_query(search: str) -> str | None:
    """The folder an address names (``?folder=DIR``), or None when it names none."""
    given = dict(parse_qsl((search or "").lstrip("?"), keep_blank_values=True))
    return given.get("folder") or None


@solara.component
def Table(frame, classes: list[str], csv_name: str, csv_text=None):
    """A table of text cells with a CSV download of it (or of ``csv_text`` when given)."""
    solara.HTML(
        tag="table",
        unsafe_innerHTML=ar.rows_html(frame),
        classes=["kpi-table", "appraisal-table", *classes],
        style="width: 100%; font-size: 13px;",
    )
    solara.FileDownload(
        csv_text if csv_text is not None else (lambda: ar.table_csv(frame)),
        filename=csv_name,
        label="Download table (CSV)",
        mime_type="text/csv",
    )


@solara.component
def Chart(option: dict, key: str, height: int):
    """One ECharts chart in a card; its element has class ``chart-KEY``."""
    with solara.Card(margin=0, classes=["chart-card"]):
        solara.FigureEcharts(
            option=option,
            attributes={"style": f"height: {height}px;", "class": f"chart-{key}"},
            responsive=True,
        )


@solara.component
def LevelPanel(a: ar.Appraisal, slug: str):
    """How much one level of the current arrangement carries: the report's table and findings."""
    Prose("<h3>How much one level of the current arrangement carries</h3>")
    if a.levels is None:
        solara.Text(
            a.levels_problem or levels.PREDATES, classes=["appraisal-no-levels"], style=NOTE
        )
        return
    rows = levels.level_rows(a.levels, a.current)
    if rows.empty:
        solara.Text(
            f"{title(a.current)}'s own values were held at their point values (one level), "
            "so no level can be left out.",
            classes=["appraisal-no-levels"],
            style=NOTE,
        )
        return
    for sentence in levels.level_sentences(a.levels, a.current, a.parameter):
        solara.Text(sentence, classes=["appraisal-levels-finding"], style=NOTE)
    found = a.levels
    solara.HTML(
        tag="table",
        unsafe_innerHTML=levels.levels_html(rows),
        classes=["kpi-table", "appraisal-table", "levels-table"],
        style="width: 100%; font-size: 12px;",
    )
    solara.FileDownload(
        lambda: levels.levels_csv(found),
        filename=f"{slug}-levels.csv",
        label="Download table (CSV)",
        mime_type="text/csv",
    )
    solara.Text(
        f"Each level is one draw of {title(a.current)}'s own uncertain values, with its own "
        "warm-up, shared by a block of draws. Expected net benefit over keeping it at each "
        "level and over all of them (£m; + is better), then with the level that moves the "
        "option most left out (\u2013: none moves it), and the option's place among all "
        "choices with that level left out for every choice. The CSV adds what each level drew.",
        style=NOTE,
    )


@solara.component
def AppraisalView(a: ar.Appraisal):
    """Every part of one appraisal, in the order of its committee report."""
    slug = ar.file_slug(a.name)
    measures = a.measures
    tornado_kpi = solara.use_reactive(NET_BENEFIT if NET_BENEFIT in measures else measures[0])

    Heading(a.name)
    solara.Text(
        f"{a.shown}: {len(a.options)} options compared with keeping {title(a.current)}. "
        "Differences are option minus current arrangement, run pair by run pair (the same "
        "people's luck); ranges are the 5th to 95th percentile over draws and replications.",
        classes=["appraisal-summary"],
        style=NOTE,
    )

    Prose("<h3>Ranking on net benefit</h3>")
    solara.Text(ar.best_sentence(a), classes=["appraisal-best"], style=NOTE)
    ranked = ar.ranking_rows(a)
    Table(ranked, ["ranking-table"], f"{slug}-ranking.csv")
    solara.Text(
        "Net benefit: minus the council's spend over the horizon, discounted, and any other "
        "costs the appraisal counts (the NHS cost of delayed discharges in the canonical one); "
        "higher is better. Chance of being the best choice: the share of draws in which it has "
        "the highest net benefit.",
        style=NOTE,
    )

    LevelPanel(a, slug)

    Prose("<h3>Differences from the current arrangement</h3>")
    with solara.ColumnsResponsive(default=12, xlarge=6):
        for kpi in measures:
            rows = a.tables["differences"]
            rows = rows[(rows["kpi"] == kpi) & (rows["option"] != a.current)]
            scale, unit = ar.chart_scale(kpi)
            with solara.Column(style={"padding": "0"}):
                Chart(
                    charts.range_option(
                        label(kpi),
                        [title(o) for o in rows["option"]],
                        (rows["mean_difference"] * scale).tolist(),
                        (rows["low"] * scale).tolist(),
                        (rows["high"] * scale).tolist(),
                        unit=unit,
                        note=ar.better_words(kpi),
                    ),
                    f"difference-{ar.file_slug(kpi)}",
                    100 + 34 * len(rows),
                )
    Table(
        ar.difference_rows(a),
        ["differences-table"],
        f"{slug}-differences.csv",
        lambda: ar.raw_csv(a, "differences"),
    )

    Prose("<h3>Tornado: which uncertain values move the answer</h3>")
    solara.Select(
        "Tornado of",
        values=[label(k) for k in measures],
        value=label(tornado_kpi.value),
        on_value=lambda chosen: tornado_kpi.set(next(k for k in measures if label(k) == chosen)),
    )
    torn = ar.tornado_rows(a, tornado_kpi.value)
    if torn.empty:
        solara.Text("No uncertain value was drawn for this measure.", style=NOTE)
    else:
        scale, unit = ar.chart_scale(tornado_kpi.value)
        Chart(
            charts.tornado_option(
                f"Tornado: {label(tornado_kpi.value)}",
                torn["name"].tolist(),
                (torn["at_low"] * scale).tolist(),
                (torn["at_high"] * scale).tolist(),
                unit=unit,
            ),
            "tornado",
            120 + 34 * len(torn),
        )
    solara.Text(
        f"The {ar.TORNADO_TOP} widest swings: each option's expected difference with one "
        "uncertain value at its 10th and at its 90th percentile, from a smooth fit over the "
        "draws (the others averaged over).",
        style=NOTE,
    )
    solara.FileDownload(
        lambda: ar.raw_csv(a, "tornado"),
        filename=f"{slug}-tornado.csv",
        label="Download tornado table (CSV)",
        mime_type="text/csv",
    )

    Prose("<h3>Thresholds</h3>")
    thresholds = ar.threshold_rows(a)
    if thresholds.empty:
        solara.Text("No expected difference changes sign within the drawn ranges.", style=NOTE)
    else:
        Table(
            thresholds,
            ["thresholds-table"],
            f"{slug}-thresholds.csv",
            lambda: ar.raw_csv(a, "thresholds"),
        )
        solara.Text(
            "Where a smooth fit of an option's expected difference crosses zero once, with a "
            "fit the value explains beyond chance (p < 0.01).",
            style=NOTE,
        )

    Prose("<h3>What is worth knowing before deciding (EVPI, EVPPI)</h3>")
    solara.Text(ar.evpi_sentence(a), classes=["appraisal-evpi"], style=NOTE)
    evppi = ar.evppi_rows(a)
    if not evppi.empty:
        values = a.tables["evppi"].sort_values("evppi", ascending=False)
        Chart(
            charts.bar_option(
                "Expected value of partial perfect information (net benefit)",
                evppi["Uncertain value"].tolist(),
                (values["evppi"] * 1e-6).tolist(),
                unit="£ million over the horizon, discounted",
            ),
            "evppi",
            80 + 24 * len(evppi),
        )
        Table(evppi, ["evppi-table"], f"{slug}-evppi.csv", lambda: ar.raw_csv(a, "evppi"))

    Prose("<h3>The committee report</h3>")
    if a.report_html is None:
        solara.Text(
            "This folder has no report.html (the committed example keeps report.md only); "
            "`carepath appraise` writes it beside these tables.",
            classes=["appraisal-no-report"],
            style=NOTE,
        )
    else:
        report = a.report_html
        solara.FileDownload(
            lambda: report.encode("utf-8"),
            filename=f"{slug}-report.html",
            label="Download the committee report (HTML)",
            mime_type="text/html",
        )
        # Shown in a frame with no scripts and no access to the page: the report is
        # self-contained (its charts are inline SVG), so nothing is fetched.
        solara.Details(
            "Read the committee report here",
            children=[
                solara.HTML(
                    tag="div",
                    unsafe_innerHTML=(
                        "<iframe class='appraisal-report' sandbox title='Committee report' "
                        "style='width:100%;height:80vh;border:1px solid #ddd' "
                        f'srcdoc="{escape(report, quote=True)}"></iframe>'
                    ),
                )
            ],
        )


@solara.component
def AppraisalPage():
    """The appraisal page: a folder to open in the sidebar, the appraisal in the main area."""
    root = solara.use_memo(results.root_folder, [])
    appraisal = solara.use_reactive(None)
    error = solara.use_reactive(None)
    router = solara.use_router()
    initial = os.environ.get(ar.APPRAISAL_ENV, "")
    text = solara.use_reactive(results.relative(root, initial) if initial else "")
    # The query this page last showed (None before the first): a different one came from
    # outside (a link, a reload, the back button) and is opened.
    shown_query = solara.use_ref(None)

    def open_folder(folder: str, push: bool = True) -> None:
        try:
            found = ar.load(folder, root)
        except StoreError as exc:  # one line, paths relative to the root
            appraisal.set(None)
            error.set(f"Cannot open this folder: {exc}")
            return
        except Exception as exc:  # a bug: its text and trace stay in the log
            logger.exception("opening appraisal folder %r failed", folder)
            appraisal.set(None)
            error.set(f"Cannot open this folder: it could not be read ({failure(exc)})")
            return
        error.set(None)
        appraisal.set(found)
        text.set(found.shown)
        query = urlencode({"folder": found.shown})
        if push and query != shown_query.current:
            shown_query.current = query
            router.push(f"{router.path}?{query}")

    def follow_address() -> None:
        search = (router.search or "").lstrip("?")
        if shown_query.current is not None and search == shown_query.current:
            return
        first = shown_query.current is None
        shown_query.current = search
        folder = folder_from_query(search)
        if folder is not None:
            open_folder(folder, push=False)
        elif first and initial:
            # `carepath dashboard --appraisal DIR` when the address names no folder: a reload
            # opens it again anyway (a push while the page first loads would be lost).
            open_folder(initial, push=False)

    solara.use_effect(follow_address, [router.search])
    found = solara.use_memo(lambda: ar.find_appraisals(root), [root])

    solara.Title("carepath: appraisal")
    with solara.Sidebar(), solara.Card("Appraisal", margin=0):
        solara.InputText("Appraisal folder", value=text, on_value=text.set, continuous_update=True)
        if found:
            solara.Select("…or one found here", values=found, value=None, on_value=text.set)
        solara.Button(
            "Open",
            icon_name="mdi-folder-open",
            color="#1f4e79",
            on_click=lambda: open_folder(text.value),
        )
    if error.value:
        solara.Error(error.value, classes=["appraisal-error"])
    if appraisal.value is None:
        Prose(
            "<h2>Options appraisal</h2><p>Open the folder <code>carepath appraise</code> wrote "
            "(<code>OUT</code> or <code>OUT/appraisal</code>) to see the options ranked, their "
            "differences, the tornado, the thresholds and EVPPI. "
            f"<code>{escape('experiments/expected/appraisal')}</code> holds the canonical one.</p>"
        )
        return
    with Guarded(message="Cannot show this appraisal").key(str(appraisal.value.folder)):
        AppraisalView(appraisal.value)
