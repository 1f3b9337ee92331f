"""Client groups: who a new contact is, how their need moves, and which setting fits them.

England's adult social care is two systems in one: older people with physical and cognitive
needs (short careers: re-ablement, home care, care homes near the end of life) and working-age
adults with learning disabilities and mental health needs (long careers in supported living and
with direct payments). The group a person belongs to (their primary support reason, drawn once
at first contact) scales the baseline client's rates; it never names a result.
"""

from __future__ import annotations

from carepath.sim.mechanisms.risks import death_hazard, leave_hazard
from carepath.sim.scenario import (
    GROUPS,
    ClientGroup,
    ClientGroups,
    Eligibility,
    Mortality,
)

SUPPORTED_LIVING = "supported_living"
DIRECT_PAYMENT = "direct_payment"
HOME_CARE = "home_care"


def group_weights(groups: ClientGroups, band: int, *, hospital: bool) -> tuple[float, ...]:
    """Weights of each group among new contacts of age ``band``.

    Patients referred on discharge come more often from groups admitted more often.
    """
    return tuple(
        g.request_share.as_tuple()[band] * (g.hospital_factor if hospital else 1.0)
        for g in groups.as_tuple()
    )


def choose(weights: tuple[float, ...], u: float) -> int:
    """The index picked by uniform ``u`` from ``weights`` (the last if they are all 0)."""
    total = sum(weights)
    if total <= 0.0:
        return len(weights) - 1
    u *= total
    for i, w in enumerate(weights):
        u -= w
        if u < 0:
            return i
    return len(weights) - 1


def care_home_need(eligibility: Eligibility, group: ClientGroup, *, has_carer: bool) -> float:
    """Need at which this person's long-term support is a care home (a carer raises it)."""
    base = eligibility.care_home_need_with_carer if has_carer else eligibility.care_home_need
    return base + group.care_home_offset


def reablement_offer_share(eligibility: Eligibility, group: ClientGroup) -> float:
    """Chance an eligible community client of this group is offered re-ablement."""
    return min(1.0, eligibility.reablement_offer_share * group.reablement_factor)


def community_setting(group: ClientGroup, u_setting: float, *, in_hospital: bool = False) -> str:
    """The community setting of a long-term package: supported living, a direct payment or home care.

    One latent uniform decides both, so the same person gets the same setting under every
    organisational model: below the supported-living share it is supported living; of the rest,
    the direct-payment share take the package as a payment. A patient waiting to leave hospital
    gets home care the council arranges: a payment takes weeks to set up, and discharge cannot
    wait for it.
    """
    living = group.supported_living_share
    if u_setting < living:
        return SUPPORTED_LIVING
    return home_setting(group, u_setting, in_hospital=in_hospital)


def home_setting(group: ClientGroup, u_setting: float, *, in_hospital: bool = False) -> str:
    """A package at home: a direct payment or home care (see ``community_setting``).

    Also the setting of someone who waited too long for supported living.
    """
    living = group.supported_living_share
    rest = (u_setting - living) / (1.0 - living) if u_setting >= living else u_setting / living
    if rest < group.direct_payment_share and not in_hospital:
        return DIRECT_PAYMENT
    return HOME_CARE


def stock_weights(
    groups: ClientGroups,
    mortality: Mortality,
    band: int,
    need: float,
    *,
    in_care_home: bool,
    setting_share: tuple[float, ...] | None = None,
) -> tuple[float, ...]:
    """Group weights of people already in long-term care at day 0, by Little's law.

    The stock of a group is its inflow times the time it stays, so a group with long careers
    (learning disability) is a far larger share of the clients than of the requests. The stay
    is taken as one over the group's exit hazards (death and leaving) at ``need``.
    """
    weights = []
    for i, g in enumerate(groups.as_tuple()):
        death = death_hazard(mortality, band, need, in_care_home=in_care_home, group=g)
        leave = leave_hazard(mortality, g, in_care_home=in_care_home)
        share = setting_share[i] if setting_share is not None else 1.0
        weights.append(g.request_share.as_tuple()[band] * share / max(death + leave, 1e-9))
    return tuple(weights)


def group_index(name: str) -> int:
    """Position of a group in ``GROUPS`` (outputs list groups in that order)."""
    return GROUPS.index(name)
