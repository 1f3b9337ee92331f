"""Solara pieces shared by the pages: the play loop, run controls, cards, headings."""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from html import escape
from typing import Any

import solara
import solara.lab
from carepath.dashboards import charts
from carepath.dashboards.simulation import Simulation, Snapshot
from carepath.sim.model import CarePathwayModel
from carepath.sim.scenario import ScenarioError

logger = logging.getLogger(__name__)

# Days simulated per screen update: small steps to watch, big ones to get to the end.
SPEEDS: dict[str, int] = {"day": 1, "week": 7, "month": 30, "quarter": 91}
DEFAULT_SPEED = "week"
ACCENT = "#1f4e79"
# Shortest time between updates, so that clicks and other sessions are served between them.
MIN_UPDATE_SECONDS = 0.1
# The classes solara.Markdown puts on its text, so that Prose looks the same.
MARKDOWN_CLASSES = ["solara-markdown", "rendered_html", "jp-RenderedHTMLCommon"]


def failure(exc: BaseException) -> str:
    """What a page says about an unexpected exception: its kind only, never its text or trace.

    The text of an arbitrary exception may hold the server's file paths or data; the server's
    log has it, with the traceback (log it with ``logger.exception`` where it is caught).
    """
    return f"{type(exc).__name__}; the server's log has the details"


def use_simulation(
    build: Callable[[], Simulation],
) -> tuple[Simulation, solara.Reactive[Snapshot]]:
    """This session's simulation (built once per page) and the snapshot the page draws."""
    sim = solara.use_memo(build, [])
    first = solara.use_memo(sim.snapshot, [])
    return sim, solara.use_reactive(first)


def restart_simulation(
    sim: Simulation,
    snapshot: solara.Reactive[Snapshot],
    playing: solara.Reactive[bool],
    error: solara.Reactive[str | None],
    build: Callable[[], dict[str, CarePathwayModel]],
) -> None:
    """Replace ``sim``'s models with those ``build`` makes and show day 0, paused.

    An invalid setting (``ScenarioError``) leaves the running models as they are and puts
    the reason in ``error``.
    """
    try:
        models = build()
    except ScenarioError as exc:
        error.set(f"Not applied: {exc}")
        return
    except Exception as exc:  # a bug, not a bad setting: the page says so and carries on
        logger.exception("building the model failed")
        error.set(f"Not applied: the model could not be built ({failure(exc)})")
        return
    error.set(None)
    playing.set(False)
    sim.replace(models)
    try:
        snapshot.set(sim.snapshot())
    except Exception as exc:
        logger.exception("reading the new model failed")
        error.set(f"The run cannot be shown ({failure(exc)})")


def use_play_loop(
    sim: Simulation,
    snapshot: solara.Reactive[Snapshot],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    error: solara.Reactive[str | None],
) -> None:
    """While ``playing``, step ``sim`` in a worker thread and publish a snapshot each batch."""
    task_ref = solara.use_ref(None)

    def loop() -> None:
        task = task_ref.current
        generation = sim.generation
        try:
            while playing.value and task is not None and task.is_current():
                started = time.monotonic()
                stepped = sim.advance(SPEEDS.get(speed.value, 7), generation)
                if stepped:
                    snapshot.set(sim.snapshot())
                if not stepped or sim.finished:
                    if generation == sim.generation:
                        playing.set(False)
                    return
                time.sleep(max(MIN_UPDATE_SECONDS - (time.monotonic() - started), 0.01))
        except Exception as exc:  # the page says what went wrong instead of dying
            logger.exception("simulation step failed")
            error.set(f"The run stopped on day {sim.day:,}: the model failed ({failure(exc)})")
            playing.set(False)

    task_ref.current = solara.lab.use_task(  # type: ignore[assignment]
        loop, dependencies=[playing.value], prefer_threaded=True, raise_error=False
    )


@solara.component
def RunControls(
    sim: Simulation,
    snapshot: solara.Reactive[Snapshot],
    playing: solara.Reactive[bool],
    speed: solara.Reactive[str],
    on_reset: Callable[[], None],
):
    """Play / pause, step, reset, speed, and how far the run has got."""
    snap = snapshot.value
    # Step runs in the click's handler, where an exception would reach the browser as a
    # traceback: it is caught and said here, under the button.
    step_error = solara.use_reactive(None)

    def step() -> None:
        try:
            sim.advance(SPEEDS.get(speed.value, 7))
            snapshot.set(sim.snapshot())
            step_error.set(None)
        except Exception as exc:
            logger.exception("simulation step failed")
            step_error.set(f"The step failed on day {sim.day:,}: the model failed ({failure(exc)})")

    def reset() -> None:
        step_error.set(None)
        on_reset()

    with solara.Row(gap="8px", style={"flex-wrap": "wrap"}):
        if playing.value:
            solara.Button(
                "Pause", icon_name="mdi-pause", color=ACCENT, on_click=lambda: playing.set(False)
            )
        else:
            solara.Button(
                "Play",
                icon_name="mdi-play",
                color=ACCENT,
                disabled=snap.finished,
                on_click=lambda: playing.set(True),
            )
        solara.Button(
            "Step",
            icon_name="mdi-step-forward",
            disabled=playing.value or snap.finished,
            on_click=step,
        )
        solara.Button("Reset", icon_name="mdi-restore", on_click=reset)
    if step_error.value:
        solara.Error(step_error.value, classes=["step-error"])
    solara.Text("Each update simulates a", style={"font-size": "12px", "color": "#666"})
    solara.ToggleButtonsSingle(value=speed, values=list(SPEEDS), dense=True)
    solara.ProgressLinear(100.0 * snap.day / max(snap.horizon, 1))
    year, day = divmod(snap.day, 365)
    where = "finished" if snap.finished else f"year {year + 1}, day {day}"
    solara.Text(f"Day {snap.day:,} of {snap.horizon:,} ({where})", classes=["run-day"])


@solara.component
def Guarded(
    children: list[Any] = [],  # noqa: B006 (Solara passes children this way)
    message: str = "This page could not be shown",
):
    """Its children, or, if drawing them raised, ``message`` and the exception's kind.

    Without it, Solara puts the exception's traceback in the page. The traceback goes to the
    server's log instead. "Try again" draws the children afresh.
    """
    exception, clear = solara.use_exception()
    # Logged once per exception, with its traceback, however often the message is drawn.
    solara.use_effect(
        lambda: logger.error("%s", message, exc_info=exception) if exception else None,
        [exception],
    )
    # Keys tell reacton the message is not the children's column drawn again.
    if exception is None:
        solara.Column(children=children, style={"padding": "0"}).key("guarded")
        return
    with solara.Column(style={"padding": "0"}).key("guard-message"):
        solara.Error(f"{message} ({failure(exception)}).", classes=["page-error"])
        solara.Button("Try again", icon_name="mdi-refresh", on_click=clear)


@solara.component
def KpiCard(
    label: str,
    value: str,
    definition: str = "",
    direction: str = "",
    note: str = "",
    tone: str = "",
    warmup: bool = False,
):
    """One headline number with its unit, what it measures and which way is better.

    Args:
        label: what the number is (``People waiting for assessment, today``).
        value: the number printed with its unit (``1,100 people``).
        definition: how it is measured; shown when the pointer rests on the card, and printed.
        direction: which way is better (``lower is better ↓``).
        note: a line of context under the number (``of 80 funded posts``).
        tone: ``good`` or ``bad`` colours the note.
        warmup: the run is still in its warm-up: the card is greyed and tagged, as its number
            is not yet a result.
    """
    colour = {"good": "#2e7d32", "bad": "#c62828"}.get(tone, "#555")
    parts = [
        "<div class='kpi-warmup-tag'>warm-up: not a result yet</div>" if warmup else "",
        f"<div class='kpi-label'>{escape(label)}</div>",
        f"<div class='kpi-value'>{escape(value)}</div>",
    ]
    if note:
        parts.append(f"<div class='kpi-note' style='color:{colour}'>{escape(note)}</div>")
    if direction:
        parts.append(f"<div class='kpi-better'>{escape(direction)}</div>")
    if definition:
        parts.append(f"<div class='kpi-definition'>{escape(definition)}</div>")
    with solara.Card(
        margin=0,
        style={"min-width": "150px", "flex": "1 1 150px"},
        classes=["kpi-card", "kpi-card--warmup"] if warmup else ["kpi-card"],
    ):
        # A title attribute is the browser's own tooltip: no script, and it works offline.
        solara.HTML(
            tag="div",
            unsafe_innerHTML=f"<div title='{escape(definition, quote=True)}'>{''.join(parts)}</div>",
        )


def warmup_text(day: int, warmup: int) -> str:
    """Where ``day`` stands against the warm-up, for the sentence above a run's numbers."""
    ends = charts.elapsed(warmup)
    if day < warmup:
        return (
            f"Warm-up until {ends} (shaded on the charts): the model is still settling from its "
            "synthetic day-0 state, so what moves now is not the levers' effect. A run's "
            "summary (carepath run, sweeps, the results explorer) leaves the warm-up out."
        )
    return f"Past the warm-up (the first {ends}, shaded): the run's results count from there."


@solara.component
def WarmupNote(snapshot: Snapshot):
    """A line saying whether the run is still in its warm-up, which results leave out."""
    if snapshot.warmup <= 0:
        return
    solara.Text(
        warmup_text(snapshot.day, snapshot.warmup),
        classes=["warmup-note"],
        style={"font-size": "13px", "color": "#555", "display": "block", "margin": "0 0 8px"},
    )


@solara.component
def CardRow(children: list[Any] = []):  # noqa: B006 (Solara passes children this way)
    """Cards side by side, wrapping on narrow screens."""
    solara.Row(children=children, gap="8px", style={"flex-wrap": "wrap", "margin-bottom": "8px"})


def _legend_room(option: dict[str, Any]) -> int:
    """Pixels a chart grows by so that a legend of several rows leaves the plot its height."""
    bottom = option.get("grid", {}).get("bottom", 0)
    return max(0, int(bottom) - 12 - charts.LEGEND_ROW)


@solara.component
def ChartGrid(
    options: dict[str, dict[str, Any]],
    height: int = 260,
    notes: dict[str, str] | None = None,
):
    """Charts two to a row (one on narrow screens); each chart's element has class ``chart-KEY``.

    Args:
        options: chart key -> its ECharts option, in the order drawn.
        height: each chart's height in pixels, before room for a legend of several rows.
        notes: chart key -> a sentence under that chart (how to read it), in the page's text,
            so it wraps to the card's width as a chart's own text does not.
    """
    notes = notes or {}
    with solara.ColumnsResponsive(default=12, large=6, xlarge=6):
        for key, option in options.items():
            with solara.Card(margin=0, classes=["chart-card"]):
                solara.FigureEcharts(
                    option=option,
                    attributes={
                        "style": f"height: {height + _legend_room(option)}px;",
                        "class": f"chart-{key}",
                    },
                    responsive=True,
                )
                if notes.get(key):
                    solara.Text(
                        notes[key],
                        classes=["chart-note", f"chart-note-{key}"],
                        style={"font-size": "12px", "color": "#555", "display": "block"},
                    )


@solara.component
def Prose(html: str):
    """Trusted HTML text (headings, paragraphs), styled as ``solara.Markdown`` styles it.

    The pages use this, not ``solara.Markdown``: each Markdown, once shown, has the browser
    load mermaid (to draw any diagram) from Solara's asset cache. Set-up does not install
    mermaid, so that request fails with a 404, seconds later, after Solara's server has tried
    its CDN.
    """
    solara.HTML(unsafe_innerHTML=html, classes=MARKDOWN_CLASSES)


@solara.component
def Heading(text: str):
    """A page heading (``<h2>``); ``text`` is plain text."""
    Prose(f"<h2>{escape(text)}</h2>")
