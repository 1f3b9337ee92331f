"""Compare: two to four organisational models run side by side on the same seed."""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

from html import escape

import solara
from carepath.dashboards import charts, indicators
from carepath.dashboards.controls import SeedInput
from carepath.dashboards.levers import make_model, parse_seed, preset_title
from carepath.dashboards.simulation import Simulation, Snapshot
from carepath.dashboards.widgets import (
    DEFAULT_SPEED,
    ChartGrid,
    Heading,
    RunControls,
    restart_simulation,
    use_play_loop,
    use_simulation,
)
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import ScenarioError

DEFAULT_PRESETS = ("in_house", "social_enterprise", "care_trust_plus")
DEFAULT_SEED = "1"
YEARS = (1, 2, 3, 5, 10)


def build(presets: list[str], seed: int, years: int) -> Simulation:
    """One model per preset, all on ``seed`` (common random numbers), keyed by title.

    Raises:
        ScenarioError: for fewer than two or more than four presets, or an invalid value.
    """
    if not 2 <= len(presets) <= 4:
        raise ScenarioError(f"choose two to four organisational models, not {len(presets)}")
    return Simulation({preset_title(p): make_model(p, {"years": years}, seed) for p in presets})


@solara.component
def KpiTable(snapshot: Snapshot):
    """KPIs per model, with the difference from the first model under each value."""
    labels = list(snapshot.runs)
    base = snapshot.runs[labels[0]].kpis
    header = "".join(f"<th>{escape(label)}</th>" for label in labels)
    rows = []
    for kpi in indicators.KPIS:
        cells = []
        for i, label in enumerate(labels):
            value = snapshot.runs[label].kpis[kpi.key]
            text, tone = indicators.difference(kpi, value, base[kpi.key]) if i else ("baseline", "")
            colour = {"good": "#2e7d32", "bad": "#c62828"}.get(tone, "#777")
            cells.append(
                f"<td>{indicators.format_kpi(kpi, value)}"
                f"<div style='font-size:12px;color:{colour}'>{text}</div></td>"
            )
        rows.append(
            f"<tr><th style='text-align:left'>{escape(kpi.label)}</th>{''.join(cells)}</tr>"
        )
    solara.HTML(
        tag="table",
        unsafe_innerHTML=f"<thead><tr><th></th>{header}</tr></thead><tbody>{''.join(rows)}</tbody>",
        classes=["kpi-table"],
        style="width: 100%; border-spacing: 12px 6px;",
    )


@solara.component
def ComparePage():
    """The comparison page: presets and seed in the sidebar, the table and charts in the main area."""
    presets = solara.use_reactive(list(DEFAULT_PRESETS))
    seed_text = solara.use_reactive(DEFAULT_SEED)
    years = solara.use_reactive(5)
    sim, snapshot = use_simulation(lambda: build(list(DEFAULT_PRESETS), int(DEFAULT_SEED), 5))
    error = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    use_play_loop(sim, snapshot, playing, speed, error)

    def restart(chosen: list[str], text: str, n_years: int) -> None:
        restart_simulation(
            sim, snapshot, playing, error, lambda: build(chosen, parse_seed(text), n_years).models
        )

    def on_presets(chosen: list[str]) -> None:
        # Titles in the order they were picked: the first is the baseline.
        presets.set([name for title in chosen for name in PRESETS if PRESETS[name].title == title])
        restart(presets.value, seed_text.value, years.value)

    solara.Title("carepath: compare")
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            RunControls(
                sim,
                snapshot,
                playing,
                speed,
                lambda: restart(presets.value, seed_text.value, years.value),
            )
        with solara.Card("Models to compare", margin=0):
            solara.SelectMultiple(
                "Organisational models (2 to 4; the first is the baseline)",
                values=[preset_title(p) for p in presets.value],
                all_values=[preset_title(p) for p in PRESETS],
                on_value=on_presets,
            )
            SeedInput(
                seed_text.value,
                lambda t: (seed_text.set(t), restart(presets.value, t, years.value)),
            )
            solara.Select(
                "Years to simulate",
                values=list(YEARS),
                value=years.value,
                on_value=lambda y: (years.set(y), restart(presets.value, seed_text.value, y)),
            )
            solara.Text(
                "Every model sees the same people arrive with the same luck, so differences "
                "come from the organisational model.",
                style={"font-size": "12px", "color": "#555"},
            )
    Heading("Compare organisational models")
    if error.value:
        solara.Error(error.value)
    snap = snapshot.value
    with solara.Card(margin=0):
        KpiTable(snap)
    ChartGrid(
        {
            chart.key: charts.line_option(
                chart.title,
                chart.unit,
                snap.days,
                # The chart's first line for each model, e.g. people waiting for assessment.
                {
                    label: next(iter(view.lines[chart.key].values()))
                    for label, view in snap.runs.items()
                },
            )
            for chart in indicators.CHARTS
        }
    )
