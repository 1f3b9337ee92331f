"""Parameter draws: Latin hypercubes over the options' and the current arrangement's values.

Each option's value of a mechanism is drawn from its own distribution (``sim/presets.toml``),
one Latin-hypercube column per option and mechanism, and applied through
``Distribution.ppf``.

The current arrangement's own uncertain values are drawn too, but at fewer levels (a nested
design): every run warms up under the current arrangement (``scenario.change``), so each level
of the current arrangement needs its own warm-up, while every option draw that shares a level
forks from the same one. Draw ``d`` uses level ``d * levels // draws`` (blocks of consecutive
draws), and the plan orders runs level by level, so a worker meets each warm-up once.

How the two are combined: an option's distribution is written relative to the current
arrangement's value (the practice's administration share is "less than in-house"), so a level
of the current arrangement shifts every option's value of that mechanism by the same amount
(its draw minus its point value), and a value an option holds at the current arrangement's
(graded ``baseline`` when that is in-house) takes the level's value itself. Drawing the two independently instead would make an option's
gap from the current arrangement the difference of two unrelated levels, which could be
anything. A shifted value is kept inside the scenario field's limits (a share in [0, 1), days at 0 or
more), which is rarely needed.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from functools import cache

import numpy as np
from carepath.sim.evidence import Distribution
from carepath.sim.mechanisms import change
from carepath.sim.presets import PRESETS, field_bounds
from carepath.sim.scenario import Scenario, build_scenario

# The owner of the council's own uncertain values (an appraisal's [uncertain] table).
COUNCIL = "council"
# Keeps the Latin hypercubes apart from the runs' own streams, which also derive from the seed.
_DRAW_STREAM = 0xA9F5
_LEVEL_STREAM = 0xA9F6


@dataclass(frozen=True)
class Column:
    """One uncertain value: an option's (or the current arrangement's) value of one mechanism.

    Attributes:
        option: the preset.
        path: the dotted scenario path of the mechanism.
        grade: the evidence grade of the option's value.
        distribution: its distribution (centred on the value point runs use).
    """

    option: str
    path: str
    grade: str
    distribution: Distribution

    @property
    def name(self) -> str:
        """``option:path``, the column's name in tables."""
        return f"{self.option}:{self.path}"


def _drawn(option: str) -> list[Column]:
    return [
        Column(option, p.path, p.grade, p.distribution)
        for p in PRESETS[option].parameters
        if p.distribution is not None and p.grade != "baseline"
    ]


def uncertain_columns(options: list[str], current: str) -> list[Column]:
    """The options' own uncertain values, in option order then mechanism order.

    The current arrangement's are ``current_columns``; a value graded ``baseline`` adds no
    column (it follows the current arrangement's level).
    """
    return [c for option in options if option != current for c in _drawn(option)]


def current_columns(current: str, levels: int) -> list[Column]:
    """The current arrangement's uncertain values (none when ``levels`` is 0)."""
    return _drawn(current) if levels else []


def acts_in_warmup(path: str, current: str) -> bool:
    """Whether a council value changes the warm-up (so it is drawn at levels, not every draw).

    The change event's own settings act from the change day only; so do the council's checks
    of assessments (``approval.*``) when the current arrangement makes its own assessments,
    and a kind of provider's terms (``provision.social_enterprise.*``) when it buys nothing from
    that kind (``change.inert_in``, which also keeps them out of the warm-up's identity, so the
    options still fork from one warm-up). Those are the options' uncertainty, drawn with the
    options' values in every draw.
    """
    if path.startswith("change."):
        return False
    return not change.inert_in(path, _current_scenario(current))


@cache
def _current_scenario(current: str) -> Scenario:
    return build_scenario(preset=current)


def level_of(draw: int, draws: int, levels: int) -> int:
    """The current arrangement's level that draw ``draw`` uses (0 when it is not drawn)."""
    return draw * levels // draws if levels else 0


@dataclass(frozen=True)
class Draws:
    """The draws of an appraisal.

    Attributes:
        columns: the options' columns, then the current arrangement's.
        unit: draws × columns on the unit cube; a current column repeats its level's value.
        values: the drawn values, same shape (an option's before any shift).
        levels: how many levels of the current arrangement (0: held at its values).
        current: the current arrangement's preset.
    """

    columns: list[Column]
    unit: np.ndarray
    values: np.ndarray
    levels: int
    current: str = ""


def _hypercube(rows: int, width: int, seed: int, stream: int) -> np.ndarray:
    from scipy.stats import qmc

    if not width:
        return np.empty((rows, 0))
    rng = np.random.default_rng([seed, stream])
    return qmc.LatinHypercube(d=width, rng=rng).random(rows)


def unit_draws(columns: list[Column], draws: int, seed: int) -> np.ndarray:
    """A seeded Latin hypercube on the unit cube: one row per draw, one column per value."""
    return _hypercube(draws, len(columns), seed, _DRAW_STREAM)


def draw_values(columns: list[Column], unit: np.ndarray) -> np.ndarray:
    """The values: each column's quantiles through its distribution's ``ppf``."""
    values = np.empty_like(unit)
    for j, column in enumerate(columns):
        values[:, j] = column.distribution.ppf(unit[:, j])
    return values


def make_draws(
    options: list[str],
    current: str,
    draws: int,
    levels: int,
    seed: int,
    council: list[Column] | None = None,
) -> Draws:
    """Draw the options' values (``draws`` rows) and the current arrangement's (``levels``).

    ``council``: the council's own uncertain values; those of the change event are drawn
    with the options', the rest with the current arrangement's levels.
    """
    levels = min(levels, draws)
    council = council or []
    early = [c for c in council if acts_in_warmup(c.path, current)]
    own = uncertain_columns(options, current) + [c for c in council if c not in early]
    mine = current_columns(current, levels) + early
    unit = unit_draws(own, draws, seed)
    if mine:
        at = _hypercube(levels, len(mine), seed, _LEVEL_STREAM)
        rows = [level_of(d, draws, levels) for d in range(draws)]
        unit = np.hstack([unit, at[rows]])
    columns = own + mine
    return Draws(columns, unit, draw_values(columns, unit), levels if mine else 0, current)


def _inside_field(path: str, value: float) -> float:
    bounds = field_bounds(path)
    if bounds is None:
        return value
    low, low_in, high, high_in = bounds
    low = low if low_in else math.nextafter(low, math.inf)
    high = high if high_in else math.nextafter(high, -math.inf)
    return min(max(value, low), high)


def current_values(drawn: Draws, draw: int, current: str) -> dict[str, float]:
    """The current arrangement's values in ``draw`` (its level's), by path."""
    return {
        c.path: float(drawn.values[draw, j])
        for j, c in enumerate(drawn.columns)
        if c.option == current
    }


def council_values(drawn: Draws, draw: int, *, warmup_only: bool = False) -> dict[str, float]:
    """The council's own drawn values in ``draw``, by path (``warmup_only``: those at levels)."""
    return {
        c.path: float(drawn.values[draw, j])
        for j, c in enumerate(drawn.columns)
        if c.option == COUNCIL and (not warmup_only or acts_in_warmup(c.path, drawn.current))
    }


def option_values(drawn: Draws, draw: int, option: str, current: str) -> dict[str, float]:
    """The scenario overrides of ``option`` in ``draw``: its values, shifted by the level's.

    For the current arrangement itself: its level's values.
    """
    level = current_values(drawn, draw, current)
    if option == current:
        return level
    points = {p.path: p.value for p in PRESETS[current].parameters}
    out = {}
    for j, c in enumerate(drawn.columns):
        if c.option == option:
            shift = level[c.path] - points[c.path] if c.path in level else 0.0
            out[c.path] = _inside_field(c.path, float(drawn.values[draw, j]) + shift)
    for p in PRESETS[option].parameters:
        # A value the option holds at the current arrangement's (graded baseline) follows it.
        if p.path in level and p.path not in out and p.value == points[p.path]:
            out[p.path] = level[p.path]
    return out
