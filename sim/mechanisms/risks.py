"""Competing risks of a known person: death, leaving council-funded care, hospital admission.

Each is a hazard (events a year); the person draws the time to each and puts only the first on
the calendar. The ASCOF 2B follow-up draws from the same hazards, so both read them from here.
"""

from __future__ import annotations

import math

from carepath.sim.scenario import ClientGroup, Hospital, Mortality


def death_hazard(
    mortality: Mortality, band: int, need: float, *, in_care_home: bool, group: ClientGroup
) -> float:
    """Deaths a year for someone of age ``band``, ``need`` and client group; higher in a care home."""
    hazard = (
        mortality.annual_hazard.as_tuple()[band]
        * math.exp(mortality.need_effect * (need - 0.5))
        * group.mortality_factor
    )
    if in_care_home:
        hazard *= mortality.care_home_multiplier
    return hazard


def leave_hazard(mortality: Mortality, group: ClientGroup, *, in_care_home: bool) -> float:
    """Leaving council-funded long-term care a year other than by death; rarer from a care home."""
    hazard = mortality.leave_long_term_care_per_year * group.leave_factor
    if in_care_home:
        hazard *= mortality.care_home_leave_factor
    return hazard


def admission_hazard(hospital: Hospital, need: float, group: ClientGroup) -> float:
    """Emergency admissions a year of a known client: more with higher need and by group."""
    return hospital.client_admissions_per_year * (0.5 + need) * group.hospital_factor
