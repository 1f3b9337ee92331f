"""carepath in Mesa's own SolaraViz: ``solara run carepath.dashboards.solaraviz``.

For Mesa users who know SolaraViz's controls (Reset, Play, Step, the parameter sliders) and
``make_plot_component``. carepath's own pages (``carepath dashboard``) stay the richer default.
"""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

from collections.abc import Callable
from html import escape
from typing import Any

import solara
from carepath.dashboards import indicators, levers
from carepath.dashboards.levers import DEFAULT_PRESET, MAIN_LEVERS, Lever, parse_seed
from carepath.sim.measure.reporters import LONG_TERM_CLIENT_SERIES
from carepath.sim.model import CarePathwayModel
from carepath.sim.presets import PRESETS
from matplotlib.axes import Axes
from mesa.visualization import SolaraViz, make_plot_component
from mesa.visualization.utils import update_counter

DEFAULT_SEED = "1"  # as on the live page


class CarePathwaySolaraModel(CarePathwayModel):
    """``CarePathwayModel`` with the keywords SolaraViz's Reset passes, and only those.

    Reset rebuilds a model as ``type(model)(**params)``, adding Mesa's own ``scenario`` when
    the constructor takes one or takes ``**kwargs``; the base model's ``scenario`` keyword means
    a carepath scenario, so the keywords are spelled out here instead.

    Args:
        preset: organisational model (a key of ``sim.presets.PRESETS``).
        rng: seed, as a number or as the text typed in SolaraViz's seed box; a fixed default,
            so that Reset repeats a run (a Mesa model given no ``rng`` draws fresh entropy).
        funded_posts, ..., years: the levers of ``sim.model.LEVERS`` (None: the preset's).

    Raises:
        ScenarioError: for a seed that is not a whole number, or an invalid lever value.
    """

    def __init__(
        self,
        *,
        preset: str = DEFAULT_PRESET,
        rng: int | str = DEFAULT_SEED,
        funded_posts: float | None = None,
        reablement_places: int | None = None,
        eligibility_threshold: str | None = None,
        council_checks: bool | None = None,
        strengths_based: bool | None = None,
        discharge_to_assess: float | None = None,
        home_care_hours: float | None = None,
        care_home_places: int | None = None,
        years: float | None = None,
    ) -> None:
        # Every keyword but these two is a lever; locals() keeps the list in one place.
        chosen = dict(locals())
        for name in ("self", "__class__", "preset", "rng"):
            chosen.pop(name, None)
        super().__init__(preset=preset, rng=parse_seed(str(rng)), **chosen)


INPUTS = {"bool": "Checkbox", "choice": "Select", "int": "SliderInt", "float": "SliderFloat"}


def _input(lever: Lever, value: Any) -> dict[str, Any]:
    """A lever as one of SolaraViz's inputs, starting at ``value``."""
    spec = {"type": INPUTS[lever.kind], "value": value, "label": lever.label}
    if lever.kind == "choice":
        return {**spec, "values": list(lever.choices)}
    if lever.kind == "bool":
        return spec
    value = int(value) if lever.kind == "int" else float(value)
    return {**spec, "value": value, "min": lever.low, "max": lever.high, "step": lever.step}


def _model_params() -> dict[str, dict[str, Any]]:
    preset = {"type": "Select", "value": DEFAULT_PRESET, "values": list(PRESETS)}
    params: dict[str, dict[str, Any]] = {
        "preset": {**preset, "label": "Organisational model (preset)"},
        "rng": {"type": "InputText", "value": DEFAULT_SEED, "label": "Seed (same seed, same run)"},
    }
    # Mesa's inputs are independent: a select cannot move the sliders as carepath's live page
    # does. A lever that the presets set differently (council checks, discharge to assess) is
    # what makes a preset what it is, so it follows the preset here instead of a slider that
    # would quietly override it. Only levers every preset agrees on get an input.
    start = levers.preset_levers(DEFAULT_PRESET)
    others = [levers.preset_levers(name) for name in PRESETS]
    for lever in MAIN_LEVERS:
        if all(values[lever.name] == start[lever.name] for values in others):
            params[lever.name] = _input(lever, start[lever.name])
    return params


model_params = _model_params()


def _labelled(title: str, unit: str) -> Callable[[Axes], None]:
    """A plot's ``post_process``: a title and a unit, not the reporter's name."""

    def post_process(ax: Axes) -> None:
        ax.set_title(title)
        ax.set_ylabel(unit)

    return post_process


# A handful of the live page's KPI cards: each a live reading of a catalogue KPI.
KPI_KEYS = ("waiting", "wait", "delayed", "long_term", "spend", "caseload")


@solara.component
def KpiTable(model: CarePathwayModel):
    """Some KPIs of the run so far, each with its unit from the KPI catalogue."""
    update_counter.get()  # drawn again after every step, as Mesa's own plots are
    rows = "".join(
        f"<tr><th style='text-align:left'>{escape(kpi.label)}</th>"
        f"<td>{kpi.entry.format(kpi.value(model))}</td><td>{escape(kpi.entry.unit)}</td></tr>"
        for kpi in indicators.KPIS
        if kpi.key in KPI_KEYS
    )
    solara.HTML(
        tag="table",
        unsafe_innerHTML=f"<caption>Day {model.steps:,}</caption><tbody>{rows}</tbody>",
        classes=["kpi-table"],
    )


# What a Mesa user would pass as SolaraViz(components=...): the KPIs and three Mesa plots.
components = [
    (KpiTable, 0),
    make_plot_component(
        "waiting_for_assessment", post_process=_labelled("People waiting for assessment", "people")
    ),
    make_plot_component(
        "delayed_discharges", post_process=_labelled("Delayed hospital discharges", "people")
    ),
    make_plot_component(
        list(LONG_TERM_CLIENT_SERIES),
        post_process=_labelled("Long-term care", "people"),
    ),
]


def new_model() -> CarePathwaySolaraModel:
    """A model with the inputs' starting values, as Reset would build it."""
    return CarePathwaySolaraModel(**{name: p["value"] for name, p in model_params.items()})


@solara.component
def Page(model: solara.Reactive[CarePathwayModel] | None = None):
    """SolaraViz's controls and Reset on this browser session's own model, and the components.

    Args:
        model: the model to show; by default a new one for each browser session (Mesa's
            examples build one at import, which every visitor steps until someone resets it).
    """
    shown = solara.use_memo(lambda: solara.reactive(new_model()) if model is None else model, [])
    # SolaraViz would lay the components out with Solara's GridDraggable, whose script is
    # written for Vue 2 and leaves the page blank under ipyvue 3 (Mesa issue 3806): SolaraViz
    # keeps the sidebar, and the components go in a plain grid below it.
    SolaraViz(shown, components=[], model_params=model_params, name="carepath")
    with solara.GridFixed(columns=2):
        for make, _page in components:
            make(shown.value)
