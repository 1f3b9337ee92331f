"""Scoring replicated runs: targets, stationarity conditions, and the calibration loss.

Calibration fits targets *and* keeps the baseline stationary: a team that cannot keep up with
its assessments and reviews gives KPIs that depend on run length (the queue grows all run long)
so matching the figures at one run length means nothing. Two conditions say the lists are held
where they are, each on the ``balance`` section that ``CalibrationModel`` adds to the summary:

- ``assessment_queue_trend``: people waiting for an assessment, mean of the last window after
  warm-up minus the mean of the first window (a year each in runs of three years or more);
  within ``max(10 people, 20% of the first window's mean)`` of zero.
- ``review_queue_trend``: the same for reviews of long-term clients waiting for a worker.

How long the lists are is a fit target (ADASS counts of people waiting for an assessment and
of reviews overdue), so a list that is flat only because it is empty, or full, does not pass.

Every row, target or condition, carries a tolerance half-width; the loss is the sum of squared
errors in those units, ``((mean - expected) / half_width) ** 2``, over fit targets and
conditions, so a value at the edge of its tolerance costs 1.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, Literal

from carepath.experiments.analysis import t_interval
from carepath.experiments.calibration import Target

Kind = Literal["fit", "check", "stationarity"]
# The error charged for a target no run could measure (a NaN mean): far outside tolerance.
MISSING_ERROR = 10.0


@dataclass(frozen=True)
class Condition:
    """A stationarity condition on the ``balance`` summary, expected to be zero."""

    name: str
    kpi: str
    unit: str
    floor: float
    relative: float = 0.0
    level: str | None = None
    description: str = ""

    def half_width(self, level: float) -> float:
        """Accepted distance from zero, given the mean of the level it is relative to."""
        if self.level is None or not math.isfinite(level):
            return self.floor
        return max(self.floor, self.relative * abs(level))


CONDITIONS: tuple[Condition, ...] = (
    Condition(
        name="assessment_queue_trend",
        kpi="balance.waiting_trend",
        unit="people waiting for assessment: last window mean - first window mean",
        floor=10.0,
        relative=0.2,
        level="balance.waiting_first_mean",
        description="The assessment queue does not trend after warm-up.",
    ),
    Condition(
        name="review_queue_trend",
        kpi="balance.reviews_waiting_trend",
        unit="reviews waiting: last window mean - first window mean",
        floor=10.0,
        relative=0.2,
        level="balance.reviews_waiting_first_mean",
        description="The review queue does not trend after warm-up.",
    ),
)


@dataclass(frozen=True)
class Row:
    """One line of a validation or calibration table."""

    kind: Kind
    name: str
    unit: str
    expected: float
    low: float
    high: float
    mean: float
    ci_low: float
    ci_high: float
    n: int
    within: bool
    source: str = ""
    note: str = ""

    @property
    def half_width(self) -> float:
        """Half the tolerance interval."""
        return (self.high - self.low) / 2.0

    @property
    def error(self) -> float:
        """Distance of the mean from the expected value, in tolerance half-widths."""
        if not math.isfinite(self.mean):
            return MISSING_ERROR
        return (self.mean - self.expected) / self.half_width


def unflatten(row: Mapping[str, Any]) -> dict[str, Any]:
    """A run row's ``section.key`` columns as a nested summary (for ``Target.measure``)."""
    nested: dict[str, Any] = {}
    for key, value in row.items():
        if "." not in key:
            continue
        node = nested
        *sections, leaf = key.split(".")
        for part in sections:
            node = node.setdefault(part, {})
        node[leaf] = value
    return nested


def target_rows(
    targets: Sequence[Target], summaries: Sequence[Mapping[str, Any]], adults: float
) -> list[Row]:
    """Each target against the replications: mean, 95% interval, tolerance and verdict."""
    rows = []
    for target in targets:
        values = [target.measure(s) for s in summaries]
        mean, ci_low, ci_high = t_interval(values)
        low, high = target.bounds(adults)
        rows.append(
            Row(
                kind=target.use,
                name=target.name,
                unit=target.unit,
                expected=target.expected(adults),
                low=low,
                high=high,
                mean=mean,
                ci_low=ci_low,
                ci_high=ci_high,
                n=sum(math.isfinite(v) for v in values),
                within=target.within(mean, adults),
                source=target.source,
                note=target.note,
            )
        )
    return rows


def condition_rows(summaries: Sequence[Mapping[str, Any]]) -> list[Row]:
    """Each stationarity condition against the replications."""
    from carepath.experiments.calibration import kpi_value

    rows = []
    for condition in CONDITIONS:
        values = [_number(kpi_value(s, condition.kpi)) for s in summaries]
        mean, ci_low, ci_high = t_interval(values)
        level = (
            t_interval([_number(kpi_value(s, condition.level)) for s in summaries])[0]
            if condition.level
            else math.nan
        )
        half = condition.half_width(level)
        rows.append(
            Row(
                kind="stationarity",
                name=condition.name,
                unit=condition.unit,
                expected=0.0,
                low=-half,
                high=half,
                mean=mean,
                ci_low=ci_low,
                ci_high=ci_high,
                n=sum(math.isfinite(v) for v in values),
                within=math.isfinite(mean) and abs(mean) <= half,
                source="carepath stationarity condition",
                note=condition.description,
            )
        )
    return rows


def loss(rows: Sequence[Row]) -> float:
    """Sum of squared tolerance-normalised errors of fit targets and stationarity conditions."""
    return float(sum(row.error**2 for row in rows if row.kind != "check"))


def _number(value: Any) -> float:
    if value is None or isinstance(value, bool) or not isinstance(value, int | float):
        return math.nan
    return float(value)
