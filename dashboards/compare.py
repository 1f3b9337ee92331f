"""Compare: two to four organisational models run side by side on the same seeds."""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import csv
import io
from html import escape

import solara
from carepath.dashboards import address, charts, indicators, pairing
from carepath.dashboards.controls import SeedInput
from carepath.dashboards.levers import make_model, parse_seed, preset_title
from carepath.dashboards.simulation import Simulation, Snapshot
from carepath.dashboards.widgets import (
    DEFAULT_SPEED,
    ChartGrid,
    Heading,
    RunControls,
    WarmupNote,
    restart_simulation,
    use_play_loop,
    use_simulation,
)
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import ScenarioError

DEFAULT_PRESETS = ("in_house", "social_enterprise", "care_trust_plus")
DEFAULT_SEED = "1"
YEARS = (1, 2, 3, 5, 10)
DEFAULT_YEARS = 5
REPLICATIONS = (1, 3, 5, 10)
# Five paired runs per model by default: enough for a 95% interval (t with 4 degrees of
# freedom) to tell a clear difference from luck, while three models run in the background
# in a few minutes (measured in the README's dashboard section).
DEFAULT_RUNS = 5


def build(
    presets: list[str], seed: int, years: int, replications: int = DEFAULT_RUNS
) -> Simulation:
    """``replications`` runs per preset, run ``k`` of each on seed ``seed + k``, keyed by title.

    Runs with the same ``k`` share their random numbers, so the models can be compared run
    by run (``pairing``).

    Raises:
        ScenarioError: for fewer than two or more than four presets, or an invalid value.
    """
    build_check(presets, replications)
    return Simulation(
        {
            pairing.run_label(preset_title(p), rep, replications): make_model(
                p, {"years": years}, seed + rep
            )
            for p in presets
            for rep in range(replications)
        }
    )


def _cells(snapshot: Snapshot, kpi: indicators.LiveKpi) -> list[tuple[str, str, str, str]]:
    """Per model: its title, its value (the mean of its runs), the difference and its tone."""
    by_model = pairing.groups(snapshot)
    titles = list(by_model)
    base = [view.kpis[kpi.key] for view in by_model[titles[0]]]
    cells = []
    for i, title in enumerate(titles):
        values = [view.kpis[kpi.key] for view in by_model[title]]
        value = indicators.format_kpi(kpi, pairing.mean(values))
        if not i:
            text, tone = "baseline", ""
        elif len(values) == 1:
            text, tone = indicators.difference(kpi, values[0], base[0])
        else:
            text, tone = pairing.describe(kpi, pairing.paired(kpi, values, base))
        cells.append((title, value, text, tone))
    return cells


def table_rows(snapshot: Snapshot) -> list[dict[str, str]]:
    """The KPI table as plain rows, for the page and its CSV: one row per KPI.

    Each row has the KPI, its unit, which way is better, what it measures, and per model its
    value (the mean of its runs) and, after the baseline, the difference from it (with several
    runs: the paired difference, its 95% interval and the verdict).
    """
    rows = []
    for kpi in indicators.KPIS:
        row = {
            "KPI": kpi.label,
            "unit": kpi.entry.unit,
            "better": kpi.entry.better.value,
            "definition": kpi.definition + (f" Caveat: {kpi.caveat}." if kpi.caveat else ""),
        }
        cells = _cells(snapshot, kpi)
        for i, (title, value, text, _) in enumerate(cells):
            row[title] = value
            if i:
                row[f"{title}: difference from {cells[0][0]}"] = text
        rows.append(row)
    return rows


def table_csv(snapshot: Snapshot) -> str:
    """The KPI table as CSV text (values as printed on the page, units in their own column)."""
    out = io.StringIO()
    rows = table_rows(snapshot)
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


@solara.component
def KpiTable(snapshot: Snapshot):
    """KPIs per model, with the difference from the first model under each value.

    Each KPI's name carries its unit and which way is better; resting the pointer on it shows
    what it measures.
    """
    titles = list(pairing.groups(snapshot))
    header = "".join(f"<th>{escape(title)}</th>" for title in titles)
    # Readings taken in the warm-up are not results: the corner cell says so.
    corner = (
        "<th class='kpi-warmup-tag'>warm-up: not results yet</th>"
        if snapshot.day < snapshot.warmup
        else "<th></th>"
    )
    rows = []
    for kpi in indicators.KPIS:
        cells = []
        for title, value, text, tone in _cells(snapshot, kpi):
            colour = {"good": "#2e7d32", "bad": "#c62828"}.get(tone, "#777")
            cells.append(
                f"<td data-label='{escape(title, quote=True)}'>{escape(value)}"
                f"<div class='kpi-difference' style='font-size:12px;color:{colour}'>"
                f"{escape(text)}</div></td>"
            )
        name = (
            f"<th class='kpi-name' title='{escape(kpi.definition, quote=True)}'>"
            f"{escape(kpi.label)}<div class='kpi-unit'>{escape(kpi.entry.unit)} \u00b7 "
            f"{escape(kpi.direction)}</div>"
            + (f"<div class='kpi-unit kpi-caveat'>{escape(kpi.caveat)}</div>" if kpi.caveat else "")
            + "</th>"
        )
        rows.append(f"<tr>{name}{''.join(cells)}</tr>")
    solara.HTML(
        tag="table",
        unsafe_innerHTML=f"<thead><tr>{corner}{header}</tr></thead><tbody>{''.join(rows)}</tbody>",
        classes=["kpi-table"],
        style="width: 100%; border-spacing: 12px 6px;",
    )


def compare_lines(key: str, snapshot: Snapshot) -> tuple[str, dict[str, list[float | None]]]:
    """The title and the lines of chart ``key`` with one line per model (the mean of its runs).

    A chart of several lines in the live page becomes, per model, the line its title is about:
    long-term care sums its four settings, and spend keeps the budget as a line of its own
    (one per model only if their budgets differ).
    """
    by_model = pairing.groups(snapshot)

    def line(title: str, pick) -> list[float | None]:
        return pairing.mean_line([pick(view.lines[key]) for view in by_model[title]])

    if key == "long_term":
        return "People in long-term care (all settings)", {
            title: line(title, lambda lines: _sum(lines.values())) for title in by_model
        }
    if key == "spend":
        lines = {title: line(title, lambda lines: lines["spend"]) for title in by_model}
        budgets = {title: line(title, lambda lines: lines["budget"]) for title in by_model}
        if len({tuple(b) for b in budgets.values()}) == 1:
            lines["budget"] = next(iter(budgets.values()))
        else:
            lines.update({f"{title}: budget": b for title, b in budgets.items()})
        return "Spend against budget (to date)", lines
    chart = next(c for c in indicators.CHARTS if c.key == key)
    first = next(iter(chart.lines))
    title = chart.title if len(chart.lines) == 1 else f"{chart.title} {first}"
    return title, {name: line(name, lambda lines: lines[first]) for name in by_model}


def _sum(lines) -> list[float | None]:
    """Point-by-point sum of equally long lines (a missing point is missing in the sum)."""
    return [
        None if any(v is None for v in values) else round(sum(values), 3)
        for values in zip(*lines, strict=True)
    ]


def _first_settings(search: str) -> tuple[tuple[list[str], str, int, int], bool]:
    """The settings an address names and True, or the defaults and False (none, or invalid).

    An invalid address is left for the page to refuse with its message.
    """
    defaults = (list(DEFAULT_PRESETS), DEFAULT_SEED, DEFAULT_YEARS, DEFAULT_RUNS)
    if not search:
        return defaults, False
    try:
        chosen, text, n_years, n_runs = address.from_compare_query(
            search, YEARS, REPLICATIONS, DEFAULT_RUNS
        )
        build_check(chosen, n_runs)
    except ScenarioError:
        return defaults, False
    return (chosen, text, n_years, n_runs), True


def build_check(presets: list[str], replications: int) -> None:
    """Refuse what ``build`` refuses, before any model is built.

    Raises:
        ScenarioError: for fewer than two or more than four presets, or runs not offered.
    """
    if not 2 <= len(presets) <= 4:
        raise ScenarioError(f"choose two to four organisational models, not {len(presets)}")
    if replications not in REPLICATIONS:
        raise ScenarioError(
            f"runs per model: one of {', '.join(map(str, REPLICATIONS))}, not {replications}"
        )


@solara.component
def ComparePage():
    """The comparison page: presets and seed in the sidebar, the table and charts in the main area."""
    router = solara.use_router()
    # The first models are those the address names (a link, a reload), else the defaults:
    # building the defaults only to replace them would double the wait.
    first, from_address = solara.use_memo(lambda: _first_settings(router.search or ""), [])
    presets = solara.use_reactive(first[0])
    seed_text = solara.use_reactive(first[1])
    years = solara.use_reactive(first[2])
    runs = solara.use_reactive(first[3])
    sim, snapshot = use_simulation(lambda: build(first[0], parse_seed(first[1]), *first[2:]))
    error = solara.use_reactive(None)
    playing = solara.use_reactive(False)
    speed = solara.use_reactive(DEFAULT_SPEED)
    use_play_loop(sim, snapshot, playing, speed, error)
    # As on the live page: the query last shown; a different one came from outside.
    shown_query = solara.use_ref((router.search or "") if from_address else "")

    def restart(chosen: list[str], text: str, n_years: int, n_runs: int) -> None:
        restart_simulation(
            sim,
            snapshot,
            playing,
            error,
            lambda: build(chosen, parse_seed(text), n_years, n_runs).models,
        )
        query = address.to_compare_query(chosen, text, n_years, n_runs, DEFAULT_RUNS)
        if error.value is None and query != shown_query.current:
            shown_query.current = query
            router.push(f"{router.path}?{query}")

    def again(**changes) -> None:
        """Restart with the page's settings, some of them changed."""
        settings = {
            "chosen": presets.value,
            "text": seed_text.value,
            "n_years": years.value,
            "n_runs": runs.value,
        }
        restart(**{**settings, **changes})

    def follow_address() -> None:
        search = router.search or ""
        if not search or search == shown_query.current:
            return
        shown_query.current = search
        try:
            chosen, text, n_years, n_runs = address.from_compare_query(
                search, YEARS, REPLICATIONS, DEFAULT_RUNS
            )
        except ScenarioError as exc:
            error.set(f"The address was not applied: {exc}")
            return
        presets.set(chosen)
        seed_text.set(text)
        years.set(n_years)
        runs.set(n_runs)
        restart(chosen, text, n_years, n_runs)

    solara.use_effect(follow_address, [router.search])

    def on_presets(chosen: list[str]) -> None:
        # Titles in the order they were picked: the first is the baseline.
        presets.set([name for title in chosen for name in PRESETS if PRESETS[name].title == title])
        again()

    solara.Title("carepath: compare")
    with solara.Sidebar():
        with solara.Card("Run", margin=0):
            RunControls(sim, snapshot, playing, speed, lambda: again())
        with solara.Card("Models to compare", margin=0):
            solara.SelectMultiple(
                "Organisational models (2 to 4)",
                values=[preset_title(p) for p in presets.value],
                all_values=[preset_title(p) for p in PRESETS],
                on_value=on_presets,
            )
            SeedInput(seed_text.value, lambda t: (seed_text.set(t), again(text=t)))
            solara.Select(
                "Years to simulate",
                values=list(YEARS),
                value=years.value,
                on_value=lambda y: (years.set(y), again(n_years=y)),
            )
            solara.Select(
                "Runs per model (seeds)",
                values=list(REPLICATIONS),
                value=runs.value,
                on_value=lambda n: (runs.set(n), again(n_runs=n)),
            )
            solara.Text(
                "The first model chosen is the baseline the others are compared with. Run k of "
                "every model uses seed + k - 1: the same people arrive with the same luck, so "
                "differences are taken run by run. With one run a difference is the model's "
                "and this seed's; with several, each difference has a 95% interval and a "
                "verdict (better, worse, no clear difference). More runs take longer.",
                classes=["compare-rule"],
                style={"font-size": "12px", "color": "#555", "display": "block"},
            )
    Heading("Compare organisational models")
    if error.value:
        solara.Error(error.value)
    snap = snapshot.value
    WarmupNote(snap)
    with solara.Card(margin=0):
        KpiTable(snap)
        solara.FileDownload(
            lambda: table_csv(snap),
            filename="carepath-compare.csv",
            label="Download table (CSV)",
            mime_type="text/csv",
        )
    options = {}
    for chart in indicators.CHARTS:
        title, lines = compare_lines(chart.key, snap)
        options[chart.key] = charts.line_option(
            title,
            chart.unit,
            snap.days,
            lines,
            horizon=snap.horizon,
            warmup=snap.warmup,
            benchmarks=snap.benchmarks.get(chart.key),
        )
    ChartGrid(options)
