"""Assessment and eligibility: how long an assessment takes and what it decides.

Strengths-based practice (Barnet, seed 004) acts here in three ways: assessments take longer,
because the social worker looks for what the person, family and community can do; more
people's needs are met that way instead of by a paid package; and the home-care packages planned
for people with a carer are smaller, the carer taking on some of the care. Creative support (the social work
practice pilots, seed 003) likewise resolves more needs in the community.
"""

from __future__ import annotations

from enum import Enum, auto

from carepath.sim.engine.streams import Stream
from carepath.sim.mechanisms import groups
from carepath.sim.scenario import Assessment, ClientGroup, Eligibility, HomeCare, Practice


class Outcome(Enum):
    """What an assessment decides."""

    NOT_ELIGIBLE = auto()
    SELF_FUNDER = auto()  # eligible, but pays for their own care
    MET_IN_COMMUNITY = auto()  # needs met by family, friends and community resources
    REABLEMENT = auto()
    LONG_TERM_PACKAGE = auto()


def assessment_hours(assessment: Assessment, practice: Practice, stream: Stream) -> float:
    """Social-worker hours of one assessment (lognormal, longer under strengths-based practice)."""
    hours = stream.lognormal(assessment.hours_mean, 0.4 * assessment.hours_mean)
    if practice.strengths_based:
        hours *= 1.0 + practice.strengths_extra_hours_share
    return hours


def community_resolution_share(practice: Practice) -> float:
    """Chance that an eligible person's needs are met without a paid package."""
    resolve = practice.community_resolution_share + practice.creative_support_share
    if practice.strengths_based:
        resolve += practice.strengths_community_uplift
    return resolve


def needs_care_home(
    eligibility: Eligibility, need: float, *, has_carer: bool, group: ClientGroup
) -> bool:
    """Whether ``need`` calls for a care home (a carer at home, or the group, raises the bar)."""
    return need >= groups.care_home_need(eligibility, group, has_carer=has_carer)


def offer_reablement(
    eligibility: Eligibility,
    need: float,
    *,
    had_reablement: bool,
    hospital_route: bool,
    u_offer: float,
    care_home: bool,
    group: ClientGroup,
) -> bool:
    """Whether re-ablement is offered: once an episode, below a need, mostly after hospital.

    England offers re-ablement mainly on discharge and to people who can regain function; a
    group's factor scales the offer on both routes (after hospital it starts from certainty).
    """
    if had_reablement or need > eligibility.reablement_max_need or care_home:
        return False
    if hospital_route:
        return u_offer < min(1.0, group.reablement_factor)
    return u_offer < groups.reablement_offer_share(eligibility, group)


def decide(
    eligibility: Eligibility,
    practice: Practice,
    need: float,
    threshold_need: float,
    *,
    self_funder: bool,
    has_carer: bool,
    had_reablement: bool,
    hospital_route: bool,
    u_resolve: float,
    u_offer: float,
    group: ClientGroup,
) -> Outcome:
    """The assessment's decision for a person whose need is found to be ``need``.

    ``threshold_need`` is today's eligibility threshold (the commissioner may ration above the
    policy band). ``u_resolve`` and ``u_offer`` are the person's latent uniforms, so the same
    person meets the same luck under every organisational model.
    """
    if need < threshold_need:
        return Outcome.NOT_ELIGIBLE
    if self_funder:
        return Outcome.SELF_FUNDER
    care_home = needs_care_home(eligibility, need, has_carer=has_carer, group=group)
    if u_resolve < community_resolution_share(practice) and not care_home:
        return Outcome.MET_IN_COMMUNITY
    if offer_reablement(
        eligibility,
        need,
        had_reablement=had_reablement,
        hospital_route=hospital_route,
        u_offer=u_offer,
        care_home=care_home,
        group=group,
    ):
        return Outcome.REABLEMENT
    return Outcome.LONG_TERM_PACKAGE


def package_hours(
    home_care: HomeCare, practice: Practice, need: float, *, has_carer: bool
) -> float:
    """Weekly home-care hours planned for ``need``; strengths-based practice shares care with carers."""
    hours = home_care.hours_at_zero_need + home_care.hours_per_need * need
    if practice.strengths_based and has_carer:
        hours *= 1.0 - practice.strengths_package_reduction
    return hours
