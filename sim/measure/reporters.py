"""Daily reporters: what Mesa's DataCollector records each simulated day (the time series)."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from carepath.sim.mechanisms import trends
from carepath.sim.spending import COMPONENTS
from carepath.sim.states import EXIT_STATES, State

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel


def _state_count(state: State) -> Callable[[CarePathwayModel], int]:
    def reporter(model: CarePathwayModel) -> int:
        return model.state_counts[state]

    reporter.__name__ = state.label
    return reporter


def _spend(component: str) -> Callable[[CarePathwayModel], float]:
    def reporter(model: CarePathwayModel) -> float:
        return model.ledger.accounts[component].settle(model.time)

    return reporter


# The daily counts of people in long-term support, one per setting: their sum is the
# long-term caseload (ASC-FR's long-term support).
LONG_TERM_CLIENT_SERIES = (
    "home_care_clients",
    "direct_payment_clients",
    "supported_living_clients",
    "care_home_residents",
)

DAILY_REPORTERS: dict[str, Callable[[CarePathwayModel], float]] = {
    "waiting_for_assessment": _state_count(State.AWAITING_ASSESSMENT),
    "in_assessment": _state_count(State.IN_ASSESSMENT),
    "awaiting_approval": _state_count(State.AWAITING_APPROVAL),
    "awaiting_reablement": _state_count(State.AWAITING_REABLEMENT),
    "in_reablement": _state_count(State.IN_REABLEMENT),
    "awaiting_home_care": _state_count(State.AWAITING_HOME_CARE),
    "home_care_clients": _state_count(State.HOME_CARE),
    "awaiting_direct_payment": _state_count(State.AWAITING_DIRECT_PAYMENT),
    "direct_payment_clients": _state_count(State.DIRECT_PAYMENT),
    "awaiting_supported_living": _state_count(State.AWAITING_SUPPORTED_LIVING),
    "supported_living_clients": _state_count(State.SUPPORTED_LIVING),
    "awaiting_care_home": _state_count(State.AWAITING_CARE_HOME),
    "care_home_residents": _state_count(State.CARE_HOME),
    "in_hospital": lambda m: m.hospital.in_beds,
    "delayed_discharges": lambda m: m.hospital.delayed_now,
    "delayed_awaiting_long_term_care": lambda m: m.hospital.delayed_awaiting_long_term_care(),
    "delayed_bed_days_to_date": lambda m: m.hospital.delayed_bed_days.settle(m.time),
    "home_care_hours_in_use": lambda m: m.home_care.in_use,
    "reablement_places_in_use": lambda m: m.reablement.in_use,
    "care_home_places_in_use": lambda m: m.care_homes.in_use,
    "supported_living_places_in_use": lambda m: m.supported_living.in_use,
    "requests_to_date": lambda m: len(m.tally.contacts),
    "episodes_to_date": lambda m: m.entries,
    "exits_to_date": lambda m: sum(m.state_counts[s] for s in EXIT_STATES),
    "reviews_waiting": lambda m: m.team.reviews_waiting,
    "social_workers": lambda m: m.team.headcount,
    "agency_workers": lambda m: sum(w.agency for w in m.team.workers.values()),
    "vacancies": lambda m: m.team.vacancy_count,
    "leavers_to_date": lambda m: m.team.leavers,
    "caseload_mean": lambda m: m.team.mean_caseload(),
    "morale_mean": lambda m: m.team.mean_morale(),
    "pathway_hours_to_date": lambda m: m.team.hours_delivered,
    "council_checks_waiting": lambda m: m.commissioner.checks_waiting,
    "eligibility_threshold": lambda m: m.commissioner.threshold_need,
    "spend_to_date": lambda m: m.ledger.total(m.time),
    "budget_to_date": lambda m: trends.budget_to_date(
        m.config.commissioning, m.config.trends, m.time
    ),
    **{f"spend_{c}_to_date": _spend(c) for c in COMPONENTS},
}
