"""Parameter draws: a Latin hypercube over the options' uncertain values.

Each option's value of a mechanism is drawn from its own distribution (``sim/presets.toml``),
one Latin-hypercube column per option and mechanism, and applied through
``Distribution.ppf``. The current arrangement keeps its preset's values in every draw.

Why the current arrangement is not drawn: the change event (``scenario.change``) warms every
run up under the current preset's own values (``model.warmup_of`` reads them from the
presets), so a drawn current level could only start on the change day, and the current
arrangement would then itself "change" on that day (leavers, a dip in productivity) and differ
from the warm-up every option forks from. Keeping it at its value means every option's
distribution reads as it was written, relative to that value: an option's gap from the
current arrangement is drawn from the option's own distribution, never from two independent
levels whose difference could be anything (the arbitrary gaps h1 flagged). A value graded
``baseline`` (the option leaves the mechanism as in-house) takes the in-house value, exactly
as the current arrangement does, so it adds no column and no difference. Sampling the current
level as well (shifting every option by the same draw) needs the warm-up to take a drawn
current arrangement, a change to ``sim``; until then the in-house level's own uncertainty is
outside the appraisal's intervals, and the report says so.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from carepath.sim.evidence import Distribution
from carepath.sim.presets import PRESETS

# Keeps the Latin hypercube apart from the runs' own streams, which also derive from the seed.
_DRAW_STREAM = 0xA9F5


@dataclass(frozen=True)
class Column:
    """One uncertain value: an option's value of one mechanism.

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


def uncertain_columns(options: list[str], current: str) -> list[Column]:
    """The options' uncertain values, in option order then mechanism order.

    The current arrangement, and any value graded ``baseline``, is held at its value (see the
    module's docstring).
    """
    columns = []
    for option in options:
        if option == current:
            continue
        for p in PRESETS[option].parameters:
            if p.distribution is not None and p.grade != "baseline":
                columns.append(Column(option, p.path, p.grade, p.distribution))
    return columns


def unit_draws(columns: list[Column], draws: int, seed: int) -> np.ndarray:
    """A seeded Latin hypercube on the unit cube: one row per draw, one column per value."""
    from scipy.stats import qmc

    rng = np.random.default_rng([seed, _DRAW_STREAM])
    if not columns:
        return np.empty((draws, 0))
    return qmc.LatinHypercube(d=len(columns), rng=rng).random(draws)


def draw_values(columns: list[Column], unit: np.ndarray) -> np.ndarray:
    """The values: each column's quantiles through its distribution's ``ppf``."""
    values = np.empty_like(unit)
    for j, column in enumerate(columns):
        values[:, j] = column.distribution.ppf(unit[:, j])
    return values


def option_values(
    columns: list[Column], values: np.ndarray, draw: int, option: str
) -> dict[str, float]:
    """The scenario overrides of ``option`` in ``draw`` (its drawn values, by path)."""
    return {c.path: float(values[draw, j]) for j, c in enumerate(columns) if c.option == option}
