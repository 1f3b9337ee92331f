"""Social workers attached to GP practices: earlier referral, fewer emergency admissions.

Two effects, both off unless ``Integration`` turns them on. A GP who works beside a social
worker refers someone who is starting to struggle rather than after a crisis, so a share of
first community requests reach social work at a lower need (some of them then close at the
front door). And clients living at home whose practices have an attached social worker are
admitted to hospital as an emergency less often: the practice and the social worker act on a
problem before it becomes an admission. Care-home residents are left out: the attached worker
follows people at home.

Neither effect changes the number of requests: that GPs find unmet need, and so add requests,
is left out (a bias in the option's favour, said in ``sim/presets.toml``).
"""

from __future__ import annotations

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Integration


def refers_earlier(integration: Integration) -> bool:
    """Whether attached practices refer some first requests at a lower need."""
    return integration.gp_referral_share > 0.0 and integration.gp_need_reduction > 0.0


def referral_need(integration: Integration, need: float, stream: Stream) -> float:
    """The need at which a first community request reaches social work.

    Draws one uniform from ``stream`` per request when the mechanism is on, none when it is
    off, so runs without attachment keep every other stream's draws.
    """
    if not refers_earlier(integration):
        return need
    if stream.chance(integration.gp_referral_share):
        return max(0.0, need - integration.gp_need_reduction)
    return need


def admission_factor(integration: Integration, *, in_care_home: bool) -> float:
    """Multiplies a known client's emergency-admission hazard (1 without attachment)."""
    if in_care_home:
        return 1.0
    return 1.0 - integration.gp_admission_reduction
