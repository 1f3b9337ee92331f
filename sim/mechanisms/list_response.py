"""The council's response to a long waiting list: extra agency staff to bring it down.

A council whose list has grown past what it holds reasonable does not wait for it to shrink:
it buys locum and external assessment capacity, and lets it go when the list is back. Each
week the team estimates the wait a person joining the list now can expect (Little's law: the
people waiting over the assessments started a day in the last four weeks) and engages agency
social workers, beyond its establishment, in proportion to how far that wait overshoots the
target, up to a cap. They cost the agency rate and start after the agency's lead time.

This is what holds a real list away from the knife-edge of a fixed team at saturation: the
capacity that clears the list grows with it, so a few posts more or less move waits smoothly
and show up as money spent on agency staff, not only as weeks of waiting.
"""

from __future__ import annotations

from collections import deque

from carepath.sim.scenario import WaitingList

# Weeks of assessments started over which the team judges its pace.
PACE_WEEKS = 4


def responds(settings: WaitingList) -> bool:
    """Whether the council engages extra staff for its list at all."""
    return settings.extra_staff_per_overshoot > 0.0 and settings.max_extra_staff_share > 0.0


def expected_wait_days(waiting: int, started_per_day: float) -> float:
    """The wait someone joining the list now can expect: the list over its pace (Little's law).

    A list that nobody is taken from has no finite wait; an empty one has none.
    """
    if waiting <= 0:
        return 0.0
    if started_per_day <= 0.0:
        return float("inf")
    return waiting / started_per_day


def extra_staff(settings: WaitingList, expected_wait: float, posts: int) -> int:
    """Agency workers to have beyond the establishment of ``posts`` for this expected wait."""
    overshoot = expected_wait / settings.target_wait_days - 1.0
    if overshoot <= 0.0:
        return 0
    share = min(settings.max_extra_staff_share, settings.extra_staff_per_overshoot * overshoot)
    return round(share * posts)


class Pace:
    """Assessments started a day, over the last ``PACE_WEEKS`` weekly counts."""

    def __init__(self) -> None:
        self._weeks: deque[int] = deque(maxlen=PACE_WEEKS)
        self._last = 0

    def record_week(self, started_so_far: int) -> float:
        """Take the running count of assessments started; return the pace a day."""
        self._weeks.append(started_so_far - self._last)
        self._last = started_so_far
        return sum(self._weeks) / (7.0 * len(self._weeks))
