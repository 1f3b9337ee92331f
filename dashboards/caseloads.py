"""Caseloads per social worker now: how the team's open cases are spread across its workers.

The run records only the team's mean caseload (reporter ``caseload_mean``); a mean hides the
worker holding twice the manageable number. The page reads each worker's open cases from the
model itself, so what a run records is unchanged.
"""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import dataclass

from carepath.sim.model import CarePathwayModel

TITLE = "Caseloads per worker, today"
UNIT = "workers in post"
NOTE = (
    "Open cases held by each social worker in post, employed and agency apart. A caseload "
    "here counts the cases a worker has open for an assessment, a review or rework; named "
    "long-term caseloads (clients a worker keeps after their package starts) are not "
    "modelled yet."
)
MOST_BARS = 30  # wider bins beyond this, so the bars stay readable on a phone


@dataclass(frozen=True)
class Caseloads:
    """Open cases of each worker in post, employed and agency apart, with the team's limits.

    Attributes:
        employed: each permanent worker's open cases.
        agency: each agency locum's open cases.
        manageable: cases above which a worker's morale falls (``manageable_caseload``).
        most: cases at which a worker takes no new ones (``max_caseload``).
    """

    employed: tuple[int, ...]
    agency: tuple[int, ...]
    manageable: float
    most: int

    @property
    def everyone(self) -> list[int]:
        """Every worker's open cases, sorted."""
        return sorted(self.employed + self.agency)


def caseloads(model: CarePathwayModel) -> Caseloads:
    """Each worker's open cases now (``SocialWorker.cases``), from ``model.team.workers``."""
    workers = model.team.workers.values()
    wf = model.config.workforce
    return Caseloads(
        employed=tuple(len(w.cases) for w in workers if not w.agency),
        agency=tuple(len(w.cases) for w in workers if w.agency),
        manageable=wf.manageable_caseload,
        most=wf.max_caseload,
    )


def percentile(sorted_values: Sequence[int], share: float) -> float:
    """The ``share`` quantile of sorted values, by the nearest rank (a caseload a worker has)."""
    rank = max(1, math.ceil(share * len(sorted_values)))
    return float(sorted_values[rank - 1])


def spread_text(loads: Caseloads) -> str:
    """``min 2, median 9, 90th percentile 14, max 21 cases``, or that no one is in post."""
    values = loads.everyone
    if not values:
        return "no social workers in post"
    return (
        f"min {values[0]}, median {percentile(values, 0.5):g}, "
        f"90th percentile {percentile(values, 0.9):g}, max {values[-1]} cases"
    )


@dataclass(frozen=True)
class Histogram:
    """Workers per bin of open cases, employed and agency apart.

    Attributes:
        width: cases a bin spans (1 unless that would make too many bars).
        labels: each bin's label: ``7``, or ``6-7`` for a bin wider than a case.
        employed: permanent workers in each bin.
        agency: agency locums in each bin.
    """

    width: int
    labels: list[str]
    employed: list[int]
    agency: list[int]

    def label_of(self, cases: float) -> str:
        """The label of the bin that holds a caseload of ``cases``."""
        return self.labels[min(int(cases) // self.width, len(self.labels) - 1)]


def histogram(loads: Caseloads) -> Histogram:
    """The caseloads' histogram, from 0 to the largest of the cap and any worker's caseload.

    Cases handed over by a leaver can take a worker past the cap. A bin is a case wide, or
    wider when that would be more than ``MOST_BARS`` bars.
    """
    top = max([loads.most, *loads.employed, *loads.agency])
    width = math.ceil((top + 1) / MOST_BARS)
    count = top // width + 1
    labels = [
        str(low) if width == 1 else f"{low}-{low + width - 1}"
        for low in range(0, count * width, width)
    ]

    def tally(values: tuple[int, ...]) -> list[int]:
        counts = [0] * count
        for value in values:
            counts[value // width] += 1
        return counts

    return Histogram(width, labels, tally(loads.employed), tally(loads.agency))
