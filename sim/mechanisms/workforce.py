"""The workforce's behaviour: working time, morale, leaving, and what staff cost.

Morale drifts towards a target set by the job: autonomy raises it (social work practices and
mutuals, seeds 003-004), risk to terms and conditions lowers it (transfer out of the council,
seed 001), and so do caseloads above a manageable size and a team backlog above England's
typical. Low morale lowers productivity and raises the chance of leaving. Staff outside the
council carry the organisation's overhead and, for a contractor, its margin.
"""

from __future__ import annotations

import math

from carepath.sim.scenario import Organisation, Workforce


def funded_posts(workforce: Workforce, organisation: Organisation) -> int:
    """Posts the organisation funds: the establishment less any savings target (at least one)."""
    return max(1, round(workforce.establishment_fte * (1.0 - organisation.savings_target_share)))


def pathway_hours_per_day(workforce: Workforce, morale: float, *, new_starter: bool) -> float:
    """Hours a day a worker gives to assessments, reviews and rework.

    Contracted hours less the admin share, the share of the rest spent on the pathway, times a
    productivity that is lower for new starters and rises with morale.
    """
    productivity = (workforce.new_starter_productivity if new_starter else 1.0) * (
        0.85 + 0.25 * morale
    )
    return (
        workforce.working_hours_per_day
        * (1.0 - workforce.admin_share)
        * workforce.pathway_time_share
        * productivity
    )


def backlog_pressure(backlog_per_worker: float, typical: float) -> float:
    """Doublings of the team's backlog per worker above England's typical (negative below it).

    The backlog (people waiting for an assessment plus overdue reviews) is nobody's caseload
    but weighs on everyone; at most three halvings count, so an empty list is not infinitely
    cheering.
    """
    return math.log2(max(backlog_per_worker, typical / 8.0) / typical)


def morale_target(
    workforce: Workforce, organisation: Organisation, caseload: int, backlog: float
) -> float:
    """What the job now feels like: the morale a worker drifts towards.

    ``caseload`` is the worker's open cases, ``backlog`` the team's ``backlog_pressure``.
    """
    overload = max(0.0, caseload / workforce.manageable_caseload - 1.0)
    return (
        workforce.base_morale
        + organisation.autonomy
        - organisation.terms_risk
        - workforce.caseload_effect_on_morale * overload
        - workforce.backlog_effect_on_morale * backlog
    )


def next_morale(morale: float, target: float, noise: float) -> float:
    """A week's drift a tenth of the way to ``target``, with a little noise, kept in 0-1."""
    morale += 0.1 * (target - morale) + 0.02 * noise
    return min(1.0, max(0.0, morale))


def weekly_leaving_chance(workforce: Workforce, morale: float) -> float:
    """Chance a permanent worker resigns this week: the annual turnover, higher at low morale."""
    hazard = workforce.annual_turnover * math.exp(
        workforce.morale_effect_on_turnover * (workforce.base_morale - morale)
    )
    return 1.0 - math.exp(-hazard * 7.0 / 365.0)


def pay_per_day(
    workforce: Workforce, organisation: Organisation, *, agency: bool
) -> tuple[float, float, float, float]:
    """A worker's cost a day: (base pay, agency premium, organisation overhead, contract margin).

    The overhead falls on pay and premium; a contractor's margin on all three.
    """
    base = workforce.hourly_cost * workforce.working_hours_per_day
    premium = base * workforce.agency_premium if agency else 0.0
    overhead = (base + premium) * organisation.overhead_share
    margin = (base + premium + overhead) * organisation.contract_margin
    return base, premium, overhead, margin
