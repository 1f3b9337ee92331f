"""Input controls: the preset, the levers and the seed."""

# Solara components are named like classes (PascalCase), as in Solara and Mesa.

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import solara
from carepath.dashboards.levers import MAIN_LEVERS, Lever, preset_title
from carepath.sim.presets import PRESETS


@solara.component
def PresetSelect(value: str, on_value: Callable[[str], None], label: str = "Organisational model"):
    """Choose one preset, shown by its title."""
    titles = {preset_title(name): name for name in PRESETS}
    solara.Select(
        label,
        values=list(titles),
        value=preset_title(value),
        on_value=lambda title: on_value(titles[title]),
    )
    solara.Text(PRESETS[value].summary, style={"font-size": "12px", "color": "#555"})


@solara.component
def LeverInput(lever: Lever, value: Any, on_value: Callable[[Any], None]):
    """The control of one lever, widened if the preset's value lies outside its usual range."""
    if lever.kind == "bool":
        solara.Switch(label=lever.label, value=bool(value), on_value=on_value)
    elif lever.kind == "choice":
        solara.Select(lever.label, values=list(lever.choices), value=value, on_value=on_value)
    elif lever.kind == "float":
        solara.SliderFloat(
            f"{lever.label}: {value:.0%}",
            value=float(value),
            min=min(lever.low, value),
            max=max(lever.high, value),
            step=lever.step,
            on_value=on_value,
        )
    else:
        solara.SliderInt(
            f"{lever.label}: {int(value):,}",
            value=int(value),
            min=int(min(lever.low, value)),
            max=int(max(lever.high, value)),
            step=int(lever.step),
            on_value=on_value,
        )
    if lever.hint:
        solara.Text(lever.hint, style={"font-size": "12px", "color": "#555", "display": "block"})


@solara.component
def LeverForm(values: dict[str, Any], on_change: Callable[[str, Any], None]):
    """One control per main lever."""
    for lever in MAIN_LEVERS:
        LeverInput(lever, values[lever.name], lambda v, name=lever.name: on_change(name, v))


@solara.component
def SeedInput(value: str, on_value: Callable[[str], None], error: str | None = None):
    """The random seed, typed; a bad one is shown in red and not used."""
    solara.InputText(
        "Seed (same seed, same people)",
        value=value,
        on_value=on_value,
        error=bool(error),
        message=error,
    )
