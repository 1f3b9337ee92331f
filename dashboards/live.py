"""Live run: one council under one organisational model, run day by day in the page."""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

from typing import Any

import solara
from carepath.dashboards import address, caseloads, charts, indicators, list_ages
from carepath.dashboards.controls import LeverForm, PresetSelect, SeedInput
from carepath.dashboards.levers import (
    DEFAULT_PRESET,
    make_model,
    parse_seed,
    preset_levers,
    preset_title,
)
from carepath.dashboards.simulation import Simulation, Snapshot
from carepath.dashboards.upload import TextFileUpload
from carepath.dashboards.widgets import (
    DEFAULT_SPEED,
    CardRow,
    ChartGrid,
    Heading,
    KpiCard,
    RunControls,
    WarmupNote,
    restart_simulation,
    use_play_loop,
    use_simulation,
)
from carepath.sim.scenario import ScenarioError

RUN = "run"
DEFAULT_SEED = "1"


def _first_simulation() -> Simulation:
    model = make_model(DEFAULT_PRESET, preset_levers(DEFAULT_PRESET), int(DEFAULT_SEED))
    return Simulation({RUN: model}, with_flows=True, with_workload=True)


# The charts' order, two to a row on a wide screen: the list's size beside its age profile,
# and the mean caseload beside how caseloads are spread.
LAYOUT = (
    "waiting",
    "list_ages",
    "wait",
    "delayed",
    "reablement",
    "long_term",
    "spend",
    "client_time",
    "caseload",
    "caseloads",
)


def chart_options(snapshot: Snapshot) -> dict[str, dict[str, Any]]:
    """The run's charts by key, in the order drawn (``LAYOUT``, then any other series)."""
    view = snapshot.runs[RUN]
    options: dict[str, dict[str, Any]] = {
        chart.key: charts.line_option(
            chart.title,
            chart.unit,
            snapshot.days,
            view.lines[chart.key],
            horizon=snapshot.horizon,
            warmup=snapshot.warmup,
            benchmarks=snapshot.benchmarks.get(chart.key),
        )
        for chart in indicators.CHARTS
    }
    if view.list_ages:
        options["list_ages"] = charts.line_option(
            list_ages.TITLE,
            list_ages.UNIT,
            snapshot.days,
            view.list_ages,
            horizon=snapshot.horizon,
            warmup=snapshot.warmup,
        )
    if view.caseloads is not None:
        options["caseloads"] = caseload_option(view.caseloads)
    order = [key for key in LAYOUT if key in options]
    order += [key for key in options if key not in LAYOUT]
    return {key: options[key] for key in order}


def caseload_option(loads: caseloads.Caseloads) -> dict[str, Any]:
    """The histogram of caseloads now, employed and agency stacked, the team's limits marked."""
    bars = caseloads.histogram(loads)
    return charts.histogram_option(
        caseloads.TITLE,
        caseloads.UNIT,
        "open cases",
        bars.labels,
        {"employed": bars.employed, "agency": bars.agency},
        note=caseloads.spread_text(loads),
        marks={
            f"manageable: {loads.manageable:g}": bars.label_of(loads.manageable),
            f"no new cases: {loads.most}": bars.label_of(loads.most),
        },
    )


# Notes under the charts that need one to be read right.
CHART_NOTES = {"list_ages": list_ages.NOTE, "caseloads": caseloads.NOTE}


@solara.component
def LiveView(snapshot: Snapshot):
    """KPI cards, the pathway flows and the time-series charts of one run."""
    view = snapshot.runs[RUN]
    WarmupNote(snapshot)
    with CardRow():
        for kpi in indicators.KPIS:
            KpiCard(
                kpi.label,
                indicators.format_kpi(kpi, view.kpis[kpi.key]),
                definition=kpi.definition,
                direction=kpi.direction,
                note="; ".join(n for n in (view.notes.get(kpi.key, ""), kpi.caveat) if n),
                warmup=snapshot.day < snapshot.warmup,
            )
    with solara.Card(margin=0, classes=["chart-card"]):
        solara.FigureEcharts(
            option=charts.sankey_option(view.flows, "Where people have gone (moves since day 1)"),
            attributes={"style": "height: 560px;", "class": "chart-flows"},
            responsive=True,
        )
    ChartGrid(chart_options(snapshot), notes=CHART_NOTES)


@solara.component
def ScenarioFiles(preset: str, levers: dict[str, Any], seed: str, on_scenario, error: str | None):
    """Download the scenario as a TOML scenario file, or upload one to run it."""
    with solara.Row(gap="8px", style={"flex-wrap": "wrap", "align-items": "center"}):
        solara.FileDownload(
            lambda: address.to_toml(preset, levers, seed),
            filename=f"carepath-{preset}-seed-{seed.strip() or 'none'}.toml",
            label="Download scenario (TOML)",
            mime_type="application/toml",
        )
        TextFileUpload("Upload scenario (TOML)", on_scenario, accept=".toml,text/plain")
    if error:
        solara.Error(error, classes=["upload-error"])


@solara.component
def LivePage():
    """The live-run page: controls in the sidebar, the run's picture in the main area.

    The scenario (preset, levers, seed) is kept in the page's address, so a reload or a
    shared link shows the same run from day 0.
    """
    sim, snapshot = use_simulation(_first_simulation)
    preset = solara.use_reactive(DEFAULT_PRESET)
    levers = solara.use_reactive(solara.use_memo(lambda: preset_levers(DEFAULT_PRESET), []))
    seed_text = solara.use_reactive(DEFAULT_SEED)
    seed_error = solara.use_reactive(None)
    upload_error = solara.use_reactive(None)
    error = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    use_play_loop(sim, snapshot, playing, speed, error)
    router = solara.use_router()
    # The query this page last showed: an address that differs came from outside (a link,
    # a reload, the back button) and is applied; the page's own pushes are not.
    shown_query = solara.use_ref("")

    def restart(new_preset: str, new_levers: dict[str, Any], new_seed: str) -> None:
        """Build the model the controls describe and start again at day 0, if it is valid."""
        try:
            seed = parse_seed(new_seed)
        except ScenarioError as exc:
            seed_error.set(str(exc))
            return
        seed_error.set(None)
        restart_simulation(
            sim, snapshot, playing, error, lambda: {RUN: make_model(new_preset, new_levers, seed)}
        )
        if error.value is None:
            query = address.to_query(new_preset, new_levers, new_seed)
            if query != shown_query.current:
                shown_query.current = query
                router.push(f"{router.path}?{query}")

    def apply(new_preset: str, new_levers: dict[str, Any], new_seed: str) -> None:
        preset.set(new_preset)
        levers.set(new_levers)
        seed_text.set(new_seed)
        restart(new_preset, new_levers, new_seed)

    def follow_address() -> None:
        search = router.search or ""
        if not search or search == shown_query.current:
            return
        shown_query.current = search
        try:
            apply(*address.from_query(search))
        except ScenarioError as exc:
            error.set(f"The address was not applied: {exc}")

    solara.use_effect(follow_address, [router.search])

    def on_upload(name: str, text: str | None) -> None:
        if text is None:
            upload_error.set(f"{name} not applied: larger than a scenario file can be")
            return
        try:
            scenario = address.from_toml(text)
        except ScenarioError as exc:
            upload_error.set(f"{name} not applied: {exc}")
            return
        upload_error.set(None)
        apply(*scenario)

    def on_preset(name: str) -> None:
        preset.set(name)
        levers.set(preset_levers(name))
        restart(name, levers.value, seed_text.value)

    def on_lever(name: str, value: Any) -> None:
        levers.set({**levers.value, name: value})
        restart(preset.value, levers.value, seed_text.value)

    def on_seed(text: str) -> None:
        seed_text.set(text)
        restart(preset.value, levers.value, text)

    solara.Title("carepath: live run")
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            RunControls(
                sim,
                snapshot,
                playing,
                speed,
                on_reset=lambda: restart(preset.value, levers.value, seed_text.value),
            )
        with solara.Card("Scenario", margin=0):
            PresetSelect(preset.value, on_preset)
            SeedInput(seed_text.value, on_seed, seed_error.value)
            LeverForm(levers.value, on_lever)
            solara.Text(
                "Changing a setting starts the run again from day 0. The page's address keeps "
                "the scenario: bookmark or share it to see the same run.",
                style={"font-size": "12px", "color": "#555"},
            )
        with solara.Card("Keep and share", margin=0):
            ScenarioFiles(
                preset.value, levers.value, seed_text.value, on_upload, upload_error.value
            )
    Heading(f"Live run: {preset_title(preset.value)}")
    if error.value:
        solara.Error(error.value)
    LiveView(snapshot.value)
