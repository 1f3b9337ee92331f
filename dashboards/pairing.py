"""Compare's replications: runs of each model on the same seeds, paired, with a verdict per KPI.

Run ``k`` of every model uses seed ``seed + k``, so runs with the same ``k`` see the same people
arrive with the same luck (common random numbers). A difference from the baseline is taken run
by run, and its 95% interval over the runs says whether the difference is clear: a model is
``better`` or ``worse`` on a KPI only when the whole interval lies on one side of zero.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from carepath.dashboards import indicators
from carepath.dashboards.simulation import RunView, Snapshot
from carepath.experiments.analysis import t_interval
from carepath.sim.measure import kpis as catalogue

RUN_SEPARATOR = " \u00b7 run "
BETTER, WORSE, UNCLEAR, DIFFERENT = "better", "worse", "no clear difference", "different"


def run_label(title: str, rep: int, replications: int) -> str:
    """A run's name: the model's title, and which run when there are several."""
    return title if replications == 1 else f"{title}{RUN_SEPARATOR}{rep + 1}"


def groups(snapshot: Snapshot) -> dict[str, list[RunView]]:
    """The snapshot's runs by model title, in the order the models were chosen."""
    found: dict[str, list[RunView]] = {}
    for label, view in snapshot.runs.items():
        found.setdefault(label.split(RUN_SEPARATOR)[0], []).append(view)
    return found


def mean(values: Sequence[float | None]) -> float:
    """The mean of the finite values (NaN when there is none)."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return sum(finite) / len(finite) if finite else math.nan


def mean_line(lines: Sequence[Sequence[float | None]]) -> list[float | None]:
    """Point-by-point mean of equally long lines over the values present at each point."""
    out: list[float | None] = []
    for values in zip(*lines, strict=True):
        m = mean(values)
        out.append(None if math.isnan(m) else round(m, 3))
    return out


@dataclass(frozen=True)
class Difference:
    """A model's paired difference from the baseline on one KPI.

    Attributes:
        mean: the mean of the run-by-run differences.
        low: the 95% interval's low end (NaN with fewer than two runs).
        high: its high end.
        verdict: ``better``, ``worse``, ``no clear difference``, ``different`` (a KPI with no
            better direction) or ``""`` when one run gives no interval.
    """

    mean: float
    low: float
    high: float
    verdict: str


def paired(kpi: indicators.LiveKpi, values: Sequence[float], base: Sequence[float]) -> Difference:
    """The difference of ``values`` from ``base``, run by run, with its interval and verdict."""
    diffs = [
        v - b
        for v, b in zip(values, base, strict=True)
        if v is not None and b is not None and math.isfinite(v) and math.isfinite(b)
    ]
    centre, low, high = t_interval(diffs)
    if math.isnan(low):
        return Difference(centre, low, high, "")
    if low <= 0 <= high:
        return Difference(centre, low, high, UNCLEAR)
    if kpi.entry.better is catalogue.Better.NEITHER:
        return Difference(centre, low, high, DIFFERENT)
    up_is_good = kpi.entry.better is catalogue.Better.HIGHER
    return Difference(centre, low, high, BETTER if (low > 0) == up_is_good else WORSE)


def describe(kpi: indicators.LiveKpi, difference: Difference) -> tuple[str, str]:
    """A difference as text (``+12 [+3, +21]: worse``) and its tone (``good``, ``bad``, ``""``)."""
    fmt = kpi.entry.format
    if not difference.verdict:
        return "one run: no interval", ""
    text = (
        f"{fmt(difference.mean, signed=True)} [{fmt(difference.low, signed=True)}, "
        f"{fmt(difference.high, signed=True)}]: {difference.verdict}"
    )
    return text, {BETTER: "good", WORSE: "bad"}.get(difference.verdict, "")
