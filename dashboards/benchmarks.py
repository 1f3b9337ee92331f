"""National benchmark lines for the live charts: calibration targets scaled to the council shown.

A line is drawn only on a chart whose series a calibration target measures
(``experiments/calibration/targets.toml``), scaled to the council's adults as ``carepath
validate`` scales it, converted to the chart's unit, and named with its source, so a planner
can see where the run sits against England without reading it as a target the run must hit.
"""

from __future__ import annotations

import functools
from dataclasses import dataclass

from carepath.sim.model import CarePathwayModel

DAYS_PER_WEEK = 7


@dataclass(frozen=True)
class BenchmarkLine:
    """Which target a chart's benchmark line comes from, and how it becomes the chart's unit.

    Attributes:
        chart: the chart's key (``indicators.CHARTS``).
        target: the calibration target's name.
        per_council: multiply by the council's adults over 1,000 (a target per 1,000 adults
            that the chart draws as a count).
        factor: then multiply by this (patients a night -> bed-days a week).
        what: the line's name before its source (``England, scaled``).
    """

    chart: str
    target: str
    per_council: bool
    factor: float
    what: str


LINES: tuple[BenchmarkLine, ...] = (
    BenchmarkLine(
        "waiting",
        "people_waiting_for_assessment_per_1000_adults",
        per_council=True,
        factor=1.0,
        what="England, scaled",
    ),
    # England counts delays for every reason; the model has only social care's, so it should
    # sit below this line (the target's own note says so).
    BenchmarkLine(
        "delayed",
        "delayed_discharges",
        per_council=False,
        factor=DAYS_PER_WEEK,
        what="England, all delays, scaled",
    ),
)


@functools.cache
def _targets() -> dict[str, object]:
    from carepath.experiments.calibration import load

    return {t.name: t for t in load().targets}


def short_source(source: str) -> str:
    """A source short enough for a legend: ``NHS England, Sept 2025`` (no notes, no "via")."""
    return source.split(":")[0].split(" [")[0].split(", via")[0].split(" (")[0].strip()


@functools.cache
def _lines(adults: float) -> dict[str, dict[str, float]]:
    targets = _targets()
    found: dict[str, dict[str, float]] = {}
    for line in LINES:
        target = targets.get(line.target)
        if target is None:  # a target renamed or dropped: no line rather than a wrong one
            continue
        value = target.expected(adults) * (adults / 1000.0 if line.per_council else 1.0)
        name = f"{line.what} ({short_source(target.source)})"
        found.setdefault(line.chart, {})[name] = round(value * line.factor, 1)
    return found


def benchmark_lines(model: CarePathwayModel) -> dict[str, dict[str, float]]:
    """Chart key -> {line name with its source: value in the chart's unit} for ``model``'s council."""
    return _lines(float(sum(model.config.population.band_sizes())))
