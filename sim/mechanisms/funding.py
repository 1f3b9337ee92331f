"""NHS money for social care: a ring-fenced re-ablement grant and a pooled budget.

The grant (seed 003: £300M a year for England from 2012/13) is spendable only on re-ablement.
It buys whole places beyond the council's own at the re-ablement price; a person takes one
of them only when the council's own places are full, so the grant adds capacity and never
pays for what the council bought already. Its spend is the NHS's, on a ledger of its own,
and so never counts in the council's budget pressure.

The pooled budget (care trusts and Health and Wellbeing Boards, seeds 002 and 003): the NHS
puts a sum a year into a pool with the council, and the pool pays for re-ablement and home
care that start as a patient leaves hospital, for as long as that spell lasts (a package
changed at a review starts a new, council-paid spell). Pooled care stays on the council's
ledger, since the two commission it jointly; at each budget review the NHS's part of it is
the pool's spend in the period up to the NHS's contribution for the period, and the
commissioner judges spending against the council's budget plus that part. NHS money the pool
did not spend does not carry over or cover other services: it is ring-fenced too.
"""

from __future__ import annotations

import math

from carepath.sim.scenario import Funding, Reablement

DAYS_PER_WEEK = 7.0
DAYS_PER_YEAR = 365.0
# What the pool pays for: help at home after a hospital stay (discharge to assess included).
POOLED_SERVICES = frozenset(("reablement", "home_care"))

COUNCIL = "council"
NHS_GRANT = "nhs_grant"
POOL = "pool"


def grant_places(funding: Funding, reablement: Reablement) -> int:
    """Re-ablement places the NHS grant keeps open all year at ``reablement.cost_per_week``."""
    if funding.nhs_reablement_per_year <= 0.0 or reablement.cost_per_week <= 0.0:
        return 0
    per_place = reablement.cost_per_week * DAYS_PER_YEAR / DAYS_PER_WEEK
    return math.floor(funding.nhs_reablement_per_year / per_place + 1e-9)


def grant_pays(own_places: float, council_in_use: float, units: float) -> bool:
    """Whether a re-ablement start takes a grant place: the council's own places are full.

    Args:
        own_places: the council's own re-ablement places.
        council_in_use: places the council pays for already (without this start).
        units: places this start takes.
    """
    return council_in_use + units > own_places + 1e-9


def pooled(funding: Funding, service: str, *, discharged: bool) -> bool:
    """Whether the pool pays for a spell of ``service`` (it starts on leaving hospital)."""
    return funding.pool_nhs_per_year > 0.0 and discharged and service in POOLED_SERVICES


def nhs_pool_share(funding: Funding, pool_spend: float, days: float) -> float:
    """The NHS's part of ``pool_spend`` over ``days``: at most its contribution for them."""
    return min(pool_spend, funding.pool_nhs_per_year * days / DAYS_PER_YEAR)


def joint_budget(budget_per_year: float, nhs_share: float, days: float) -> float:
    """The budget a review judges spending against: the council's plus the NHS's pool part."""
    return budget_per_year + nhs_share * DAYS_PER_YEAR / days
