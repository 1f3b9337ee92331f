"""Approval of care packages: council checking, rework, the funding panel, sign-off.

When assessment is done outside the council (a social enterprise, a practice, a mutual, an
outsourced supplier), the council must still check each assessment before it commits money
(seed 001: it has no power to outsource resource allocation). Checking officers have limited
hours, so checks queue; people waiting in a hospital bed are checked first, as social work
teams assess them first (an assumption: no source describes how councils order checks). Some decisions are sent back for more work; costly packages wait for
the next funding panel; the rest are signed off by a manager.
"""

from __future__ import annotations

from enum import Enum, auto

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Approval, Workforce

# The settings of the council's checks of assessments made outside it: nothing reads them in
# a run whose council checks nothing (an in-house warm-up, ``change.warmup_identity``).
CHECK_FIELDS = (
    "checker_fte",
    "check_hours",
    "target_check_days",
    "extra_checkers_per_overshoot",
    "max_extra_checker_share",
)


class Decision(Enum):
    """What happens to a proposed package once any council check is done."""

    REWORK = auto()  # back to the social worker for more work
    PANEL = auto()  # costly: waits for the next funding panel
    SIGN_OFF = auto()  # a manager signs it off after ``sign_off_days``


def checking_hours_per_day(approval: Approval, workforce: Workforce) -> float:
    """Hours the council's checking officers give to checks each day."""
    return approval.checker_fte * workforce.working_hours_per_day


def decide(approval: Approval, stream: Stream, weekly_cost: float) -> Decision:
    """The route of a proposed package costing ``weekly_cost`` a week (one draw from ``stream``)."""
    if stream.chance(approval.rework_share):
        return Decision.REWORK
    if weekly_cost > approval.panel_weekly_cost:
        return Decision.PANEL
    return Decision.SIGN_OFF
