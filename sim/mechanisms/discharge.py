"""Hospital discharge: discharge to assess, early referral, and the route home.

Integration with the NHS acts here: a share of patients on pathways 1-2 go home into
re-ablement and are assessed there (discharge to assess), and integrated teams hear of a
patient some days before they are medically fit (early referral), so the assessment can start
while the patient is still being treated.
"""

from __future__ import annotations

from enum import Enum, auto

from carepath.sim.mechanisms.groups import care_home_need
from carepath.sim.scenario import ClientGroup, Eligibility, Integration


class Route(Enum):
    """How a medically fit patient leaves hospital."""

    BACK_TO_PLACE = auto()  # back to a care home, supported living or a direct payment kept
    RESTART_PACKAGE = auto()  # a home-care package held open restarts
    SELF_FUNDER = auto()  # arranges and pays for their own care
    DISCHARGE_TO_ASSESS = auto()  # home into re-ablement, assessed there
    ASSESS_IN_HOSPITAL = auto()  # referred for an assessment now that they are fit


def discharge_to_assess(integration: Integration, pathway: int, u_d2a: float) -> bool:
    """Whether a new patient on ``pathway`` is discharged to assess (pathways 1-2 only)."""
    return pathway in (1, 2) and u_d2a < integration.discharge_to_assess_share


def readmission_discharge_to_assess(integration: Integration, u_d2a: float) -> bool:
    """Whether a known client readmitted to hospital is discharged to assess."""
    return u_d2a < integration.discharge_to_assess_share


def readmission_pathway(eligibility: Eligibility, need: float, group: ClientGroup) -> int:
    """The discharge pathway of a known client: 3 (a care home) at care-home need, else 1."""
    return 3 if need >= care_home_need(eligibility, group, has_carer=False) else 1


def early_referral_delay(
    integration: Integration, length_of_stay: float, *, d2a: bool, self_funder: bool
) -> float | None:
    """Days after admission at which the team hears of the patient, or None (at fitness)."""
    lead = integration.early_referral_days
    if lead > 0 and not d2a and not self_funder:
        return max(0.0, length_of_stay - lead)
    return None


def discharge_route(
    eligibility: Eligibility,
    need: float,
    *,
    has_place: bool,
    held_home_care: float,
    self_funder: bool,
    d2a: bool,
    group: ClientGroup,
) -> Route:
    """The route home of a patient who has become medically fit."""
    if has_place:
        return Route.BACK_TO_PLACE
    if held_home_care > 0 and need < care_home_need(eligibility, group, has_carer=False):
        return Route.RESTART_PACKAGE
    if self_funder:
        return Route.SELF_FUNDER
    if d2a and need <= eligibility.reablement_max_need:
        return Route.DISCHARGE_TO_ASSESS
    return Route.ASSESS_IN_HOSPITAL
