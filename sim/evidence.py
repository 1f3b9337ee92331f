"""How far to trust a preset's value: its evidence grade and the distribution of its size.

Every value of every organisational model (``presets.toml``) carries a grade, saying what kind
of evidence its size rests on, and, unless it is a switch or the in-house service's own value,
a distribution that says how unsure that size is. The distribution is centred on the value the
point runs use: it is the mode of a triangular distribution and the median (and mean) of a
uniform one, so sampling never moves the point estimate.

The module is part of ``sim`` rather than ``experiments`` because the presets loader checks the
distributions as it reads them; an experiment that draws Latin-hypercube samples turns each
unit-interval draw into a value with ``Distribution.ppf`` (the inverse of the cumulative
distribution function, from ``scipy.stats``).
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

import numpy as np
from numpy.typing import ArrayLike

# The grades in order of strength. "baseline" is not evidence: it marks a value the option
# leaves as the in-house service has it, so it shares the in-house value's uncertainty.
GRADES = {
    "published": "a source gives this number for this option",
    "analogous": "a source gives a number, or states the value, for a comparable setting",
    "assumption": "the size is the modellers'; a source gives at most its direction",
    "none": "no source gives even the direction; the modellers' judgement alone",
    "baseline": "as in the in-house service: the option does not act on this mechanism",
}
SHAPES = {
    "triangular": "low, mode (the value) and high: most weight near the value",
    "uniform": "low to high, centred on the value: every size in the range equally likely",
}


@dataclass(frozen=True)
class Distribution:
    """The uncertain size of one value.

    Attributes:
        shape: ``"triangular"`` (mode at ``point``) or ``"uniform"`` (centred on ``point``).
        low: the smallest size considered.
        high: the largest size considered.
        point: the value the point runs use: the mode of a triangular distribution, the
            median of a uniform one.

    Raises:
        ValueError: (one line) if the shape is unknown, the bounds are not finite with
            ``low < high``, the point lies outside them, or a uniform range is not centred
            on the point.
    """

    shape: str
    low: float
    high: float
    point: float

    def __post_init__(self) -> None:
        if self.shape not in SHAPES:
            raise ValueError(f"shape {self.shape!r} is unknown; allowed: {', '.join(SHAPES)}")
        bounds = (self.low, self.high, self.point)
        if not all(_is_number(x) and math.isfinite(x) for x in bounds):
            raise ValueError("low, high and the value must be finite numbers")
        if not self.low < self.high:
            raise ValueError(f"low {self.low} must be below high {self.high}")
        if not self.low <= self.point <= self.high:
            raise ValueError(f"[{self.low}, {self.high}] does not contain the value {self.point}")
        centre = (self.low + self.high) / 2
        if self.shape == "uniform" and not math.isclose(
            centre, self.point, rel_tol=1e-9, abs_tol=1e-12 * (self.high - self.low)
        ):
            raise ValueError(
                f"a uniform range must be centred on the value {self.point} "
                f"(its centre is {centre:g})"
            )

    def frozen(self) -> Any:
        """The ``scipy.stats`` frozen distribution (``cdf``, ``ppf``, ``rvs``, ``median``)."""
        from scipy import stats  # scipy is slow to import; only sampling needs it

        width = self.high - self.low
        if self.shape == "triangular":
            return stats.triang(c=(self.point - self.low) / width, loc=self.low, scale=width)
        return stats.uniform(loc=self.low, scale=width)

    def ppf(self, u: ArrayLike) -> Any:
        """The size at quantile ``u``: turns a unit-interval draw into a value.

        Args:
            u: a number or an array of numbers in [0, 1] (a Latin-hypercube column).

        Returns:
            A float for a number, an array of the same shape for an array.

        Raises:
            ValueError: if a quantile is outside [0, 1] or not a number.
        """
        q = np.asarray(u, dtype=float)
        if not np.all((q >= 0.0) & (q <= 1.0)):  # also refuses NaN
            raise ValueError(f"quantiles must lie in [0, 1]; got {u!r}")
        values = np.clip(self.frozen().ppf(q), self.low, self.high)
        return float(values) if values.ndim == 0 else values

    def describe(self) -> str:
        """A short reading such as ``triangular 0.2 to 0.35, mode 0.25``."""
        where = "mode" if self.shape == "triangular" else "centre"
        return f"{self.shape} {_num(self.low)} to {_num(self.high)}, {where} {_num(self.point)}"


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


def _num(x: float) -> str:
    if float(x).is_integer():
        return f"{int(x):,}" if abs(x) >= 1000 else str(int(x))
    return f"{x:g}"
