"""The community waiting list's age profile as the live page follows it, week by week.

A run measures the profile only in its measured period (``Tally.sample_list_ages``), and
only as a sum over the weeks sampled, which the run's summary reports. The page wants each
week's profile, the warm-up included, without changing what a run records: it reads the
model's list itself with the same function (``waiting_list.list_ages``) and keeps the weeks
it has seen here.
"""

from __future__ import annotations

from collections.abc import Sequence

from carepath.sim.mechanisms.waiting_list import AGE_MARKS, list_ages
from carepath.sim.model import CarePathwayModel

WEEK = 7
TITLE = "Waiting list: time waited so far"
UNIT = "% of people waiting at home"
NOTE = (
    "Each week, of the people waiting at home for an assessment (not those in a hospital "
    "bed), the share who had waited over 1, 3, 6 and 12 months. Read from the list by this "
    "page, warm-up included; a run's summary pools the weeks of its measured period (the KPIs "
    "'People waiting at home over ...')."
)


def line_names() -> tuple[str, ...]:
    """A line per age mark: ``over 1 month``, ``over 3 months``, ..."""
    return tuple(f"over {months} month{'s' if months > 1 else ''}" for months, _ in AGE_MARKS)


def shares(model: CarePathwayModel) -> list[float | None]:
    """The list's age profile now: % of the people on it past each of ``AGE_MARKS``.

    None for every mark when nobody is waiting: a share of no one is no number, not 0%.
    """
    waiting, over = list_ages(model.team.community_list(), model.now)
    if not waiting:
        return [None] * len(AGE_MARKS)
    return [round(100.0 * count / waiting, 1) for count in over]


class ListAgeHistory:
    """The list's age profile of one model on every week's day the page has seen it.

    Args:
        model: the model followed; its profile today is taken at once.
    """

    def __init__(self, model: CarePathwayModel) -> None:
        self.model = model
        self.weeks: dict[int, list[float | None]] = {}
        self.record()

    def record(self) -> None:
        """Keep today's profile if today is a week's day (the days the charts sample)."""
        day = self.model.steps
        if day % WEEK == 0 and day not in self.weeks:
            self.weeks[day] = shares(self.model)

    def lines(self, days: Sequence[int]) -> dict[str, list[float | None]]:
        """A line per age mark over ``days``; a day the page did not see is a gap (None).

        The last of ``days`` may fall between weeks (the run's latest day): it is read now.
        """
        today = self.model.steps
        gap = [None] * len(AGE_MARKS)
        rows = [
            self.weeks.get(day) or (shares(self.model) if day == today else gap) for day in days
        ]
        return {name: [row[i] for row in rows] for i, name in enumerate(line_names())}
