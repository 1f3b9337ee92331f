"""The organisation's own costs: set-up when it is created, and council checking officers.

A new organisation outside the council (a social enterprise, a mutual, a practice) spends on IT,
legal and transfer work when it is set up (seeds 000, 001); the council keeps officers to check
the assessments it no longer makes itself (seed 001: it has no power to outsource resource
allocation).
"""

from __future__ import annotations

from carepath.sim.scenario import Approval, Organisation, Workforce


def setup_cost_per_day(organisation: Organisation) -> float:
    """The set-up cost, spread evenly over the set-up period."""
    return organisation.setup_cost / organisation.setup_days


def checking_cost_per_day(approval: Approval, workforce: Workforce) -> float:
    """Pay of the council's checking officers a day (zero when the council does not check)."""
    if not approval.council_checks_assessments:
        return 0.0
    return approval.checker_fte * workforce.hourly_cost * workforce.working_hours_per_day


def temporary_checking_cost_per_day(fte: float, workforce: Workforce) -> float:
    """Pay a day of ``fte`` temporary checking officers, engaged through an agency."""
    return (
        fte
        * workforce.hourly_cost
        * workforce.working_hours_per_day
        * (1.0 + workforce.agency_premium)
    )
