"""The council's response to long queues: temporary staff while a queue's wait overshoots.

A council whose queue has grown past what it holds reasonable does not wait for it to shrink:
it buys locum and external capacity, and lets it go when the queue is back. Two queues have
this response:

- the waiting list for assessment: agency social workers beyond the establishment
  (``waiting_list.extra_staff_per_overshoot``, ``SocialWorkTeam``);
- the council's checks of assessments made outside it: temporary checking officers beyond
  ``approval.checker_fte`` (``approval.extra_checkers_per_overshoot``, ``Commissioner``).

Each week the expected wait of someone joining the queue is estimated by Little's law (the
people in it over the pace at which it was taken from in the last four weeks), and the extra
staff are set in proportion to how far that wait overshoots the target, up to a cap. This is
what holds a real queue away from the knife-edge of fixed capacity at saturation: the capacity
that clears it grows with it, so a little more or less capacity moves waits smoothly and shows
up as money spent on temporary staff, not only as weeks of waiting.
"""

from __future__ import annotations

from collections import deque

from carepath.sim.scenario import Approval, WaitingList

# Weeks of work taken from a queue over which its pace is judged.
PACE_WEEKS = 4


def expected_wait_days(waiting: int, taken_per_day: float) -> float:
    """The wait someone joining a queue now can expect: its length over its pace (Little's law).

    A queue that nobody is taken from has no finite wait; an empty one has none.
    """
    if waiting <= 0:
        return 0.0
    if taken_per_day <= 0.0:
        return float("inf")
    return waiting / taken_per_day


def extra_share(
    expected_wait: float, target_days: float, per_overshoot: float, max_share: float
) -> float:
    """Extra staff as a share of the usual: ``per_overshoot`` for each 100% over the target."""
    overshoot = expected_wait / target_days - 1.0
    if overshoot <= 0.0:
        return 0.0
    return min(max_share, per_overshoot * overshoot)


def list_responds(settings: WaitingList) -> bool:
    """Whether the council engages extra social workers for its waiting list at all."""
    return settings.extra_staff_per_overshoot > 0.0 and settings.max_extra_staff_share > 0.0


def extra_staff(settings: WaitingList, expected_wait: float, posts: int) -> int:
    """Agency workers to have beyond an establishment of ``posts`` for this expected wait."""
    share = extra_share(
        expected_wait,
        settings.target_wait_days,
        settings.extra_staff_per_overshoot,
        settings.max_extra_staff_share,
    )
    return round(share * posts)


def checks_respond(settings: Approval) -> bool:
    """Whether the council engages extra checking officers when its checks fall behind."""
    return (
        settings.council_checks_assessments
        and settings.extra_checkers_per_overshoot > 0.0
        and settings.max_extra_checker_share > 0.0
    )


def extra_checkers(settings: Approval, expected_wait: float) -> float:
    """Temporary checking officers (FTE) beyond ``checker_fte`` for this expected wait."""
    share = extra_share(
        expected_wait,
        settings.target_check_days,
        settings.extra_checkers_per_overshoot,
        settings.max_extra_checker_share,
    )
    return share * settings.checker_fte


class Pace:
    """Work taken from a queue a day, over the last ``PACE_WEEKS`` weekly counts.

    Args:
        taken_so_far: the running count of work taken when the pace starts being judged.
    """

    def __init__(self, taken_so_far: int = 0) -> None:
        self._weeks: deque[int] = deque(maxlen=PACE_WEEKS)
        self._last = taken_so_far

    def record_week(self, taken_so_far: int) -> float:
        """Take the running count of work taken; return the pace a day."""
        self._weeks.append(taken_so_far - self._last)
        self._last = taken_so_far
        return sum(self._weeks) / (7.0 * len(self._weeks))
