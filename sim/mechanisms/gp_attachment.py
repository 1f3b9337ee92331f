"""Social workers attached to GP practices: earlier referral, fewer emergency admissions.

Two effects, both off unless ``Integration`` turns them on. A GP who works beside a social
worker refers someone who is starting to struggle rather than after a crisis: a share of first
community requests reach social work ``gp_referral_lead_days`` earlier than the person would
have asked, at the need they had then. It is the same person arriving sooner, not a person
with less need: someone closed at the front door on the early contact still asks when they
would have asked, and the practice also finds people who would have died in those days before
asking. And clients living at home whose practices have an attached social worker are admitted
to hospital as an emergency less often: the practice and the social worker act on a problem
before it becomes an admission. Care-home residents are left out: the attached worker follows
people at home.
"""

from __future__ import annotations

import math

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Integration


def refers_earlier(integration: Integration) -> bool:
    """Whether attached practices refer some first requests earlier."""
    return integration.gp_referral_share > 0.0 and integration.gp_referral_lead_days > 0.0


def referral_lead_days(integration: Integration, drift_per_day: float, stream: Stream) -> float:
    """Days before they would have asked that a first community request reaches social work.

    0 for a request that does not come through an attached practice, and for a person whose
    need is not rising (an episodic group recovering between crises): there is nothing earlier
    for the GP to see. Draws one uniform from ``stream`` per request when the mechanism is on,
    none when it is off, so runs without attachment keep every other stream's draws.
    """
    if not refers_earlier(integration):
        return 0.0
    if stream.chance(integration.gp_referral_share) and drift_per_day > 0.0:
        return integration.gp_referral_lead_days
    return 0.0


def need_earlier(need: float, drift_per_day: float, lead_days: float) -> float:
    """The need a person had ``lead_days`` before reaching ``need`` (never below 0)."""
    return max(0.0, need - drift_per_day * lead_days)


def found_before_death(death_hazard_per_year: float, lead_days: float) -> float:
    """People the practice refers, per person who would have asked, who die before they would.

    Requests are counted among those alive to make them; referring ``lead_days`` earlier also
    reaches those who die in that time: ``1 / survival - 1`` of them at a constant hazard.
    """
    return math.expm1(death_hazard_per_year * lead_days / 365.0)


def lives_to_ask(death_hazard_per_year: float, lead_days: float) -> float:
    """Chance that someone referred early is alive when they would have asked themselves."""
    return math.exp(-death_hazard_per_year * lead_days / 365.0)


def admission_factor(integration: Integration, *, in_care_home: bool) -> float:
    """Multiplies a known client's emergency-admission hazard (1 without attachment)."""
    if in_care_home:
        return 1.0
    return 1.0 - integration.gp_admission_reduction
