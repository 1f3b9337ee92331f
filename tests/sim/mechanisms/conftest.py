"""The shared small council, and which test shows each parameter's mechanism.

``MECHANISM_TESTS`` maps a dotted scenario path to the test that moves it and checks that its
outcome moves the way its mechanism says. ``test_coverage.py`` fails if a parameter that a
preset or a constructor lever sets has no entry, or if an entry names a test that does not
exist or does not mention the parameter.
"""

from __future__ import annotations

from typing import Any

import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.measure.summary import RunResults

from tests.sim.mechanisms.council import small_council

MECHANISM_TESTS: dict[str, str] = {
    # front door and triage
    "demand.low_level_below_need": "test_front_door.py::test_a_higher_low_level_threshold_closes_more_contacts_at_the_door",
    "demand.signpost_below_need": "test_front_door.py::test_a_higher_signposting_threshold_signposts_contacts_who_had_low_level_support",
    # hospital discharge
    "integration.discharge_to_assess_share": "test_discharge.py::test_discharge_to_assess_sends_patients_home_to_reablement_and_cuts_delayed_bed_days",
    "integration.early_referral_days": "test_discharge.py::test_early_referral_starts_assessments_before_fitness_and_cuts_delayed_bed_days",
    # social workers attached to GP practices
    "integration.gp_referral_share": "test_gp_attachment.py::test_earlier_gp_referral_brings_the_same_people_sooner",
    "integration.gp_referral_lead_days": "test_gp_attachment.py::test_earlier_gp_referral_brings_the_same_people_sooner",
    "integration.gp_admission_reduction": "test_gp_attachment.py::test_gp_attachment_admits_known_clients_at_home_less_often",
    # assessment and eligibility
    "assessment.hours_mean": "test_assessment.py::test_longer_assessments_lengthen_the_wait",
    # the community waiting list
    "waiting_list.prioritise": "test_waiting_list.py::test_a_prioritised_list_sees_urgent_cases_sooner_and_routine_cases_later",
    "waiting_list.aged_high_days": "test_waiting_list.py::test_aging_into_high_priority_cuts_the_longest_waits",
    "waiting_list.extra_staff_per_overshoot": "test_queue_response.py::test_a_responding_council_holds_a_shorter_list_with_more_agency_staff",
    "waiting_list.target_wait_days": "test_queue_response.py::test_a_council_whose_list_is_within_target_engages_nobody",
    "waiting_list.max_extra_staff_share": "test_queue_response.py::test_extra_staff_grow_with_the_overshoot_up_to_the_cap",
    "approval.extra_checkers_per_overshoot": "test_queue_response.py::test_temporary_checkers_take_patients_out_of_beds_and_cost_the_council",
    "approval.target_check_days": "test_queue_response.py::test_checks_within_their_target_engage_nobody",
    "approval.max_extra_checker_share": "test_queue_response.py::test_checks_within_their_target_engage_nobody",
    "eligibility.threshold": "test_assessment.py::test_a_higher_eligibility_threshold_turns_more_people_away_and_shrinks_long_term_care",
    "practice.strengths_based": "test_assessment.py::test_strengths_based_practice_lengthens_assessments_shrinks_packages_and_resolves_more_in_the_community",
    "practice.strengths_extra_hours_share": "test_assessment.py::test_strengths_extra_hours_lengthen_assessments",
    "practice.strengths_package_reduction": "test_assessment.py::test_strengths_package_reduction_shrinks_packages_only_for_people_with_carers",
    "practice.strengths_community_uplift": "test_assessment.py::test_strengths_community_uplift_meets_more_needs_through_family_and_community",
    "practice.creative_support_share": "test_assessment.py::test_creative_support_meets_more_needs_through_family_and_community",
    # approval
    "approval.council_checks_assessments": "test_approval.py::test_council_checking_every_assessment_lengthens_referral_to_service",
    "approval.rework_share": "test_approval.py::test_more_rework_returns_more_packages_and_lengthens_approval",
    "approval.panel_weekly_cost": "test_approval.py::test_a_lower_panel_threshold_sends_more_packages_to_the_weekly_panel",
    # re-ablement
    "reablement.places": "test_reablement.py::test_more_reablement_capacity_lowers_long_term_care_entries",
    # services and prices
    "organisation.purchasing_discount": "test_prices.py::test_a_purchasing_discount_lowers_unit_prices",
    "home_care.supply_elasticity": "test_prices.py::test_supply_elasticity_decides_how_much_home_care_a_discount_loses",
    "home_care.capacity_hours_per_week": "test_prices.py::test_more_home_care_hours_shorten_the_home_care_queue",
    "care_homes.places": "test_prices.py::test_more_care_home_places_shorten_the_care_home_queue",
    "home_care.hours_per_need": "test_prices.py::test_more_hours_per_need_make_larger_packages",
    # who provides care (the provider side of an organisational model)
    "provision.home_care": "test_provision.py::test_in_house_home_care_costs_more_an_hour_and_does_not_shrink_with_a_discount",
    "provision.care_homes": "test_provision.py::test_care_homes_and_reablement_cost_what_their_provider_charges",
    "provision.reablement": "test_provision.py::test_care_homes_and_reablement_cost_what_their_provider_charges",
    "provision.in_house.home_care_cost_factor": "test_provision.py::test_in_house_home_care_costs_more_an_hour_and_does_not_shrink_with_a_discount",
    "provision.in_house.supply_response": "test_provision.py::test_in_house_home_care_costs_more_an_hour_and_does_not_shrink_with_a_discount",
    "provision.independent.handback_per_year": "test_provision.py::test_handbacks_requeue_people_who_then_wait_for_new_carers",
    # workforce
    "workforce.establishment_fte": "test_workforce.py::test_fewer_social_workers_lengthen_assessment_waits",
    "workforce.admin_share": "test_workforce.py::test_less_admin_gives_more_client_time_and_shorter_waits",
    "workforce.sickness_days": "test_workforce.py::test_absence_takes_working_time_lengthens_waits_and_is_paid_per_working_hour",
    # how care-home stays end
    "mortality.care_home_multiplier": "test_risks.py::test_a_higher_care_home_death_multiplier_shortens_stays_that_end_in_death",
    "mortality.care_home_leave_factor": "test_risks.py::test_care_home_residents_leave_other_than_by_death_as_the_leave_factor_says",
    "workforce.backlog_effect_on_morale": "test_workforce.py::test_a_longer_backlog_lowers_morale_and_raises_turnover",
    "workforce.agency_cover_share": "test_workforce.py::test_agency_cover_keeps_posts_staffed_and_waits_shorter",
    "workforce.agency_premium": "test_workforce.py::test_the_agency_premium_is_paid_on_agency_staff_only",
    "organisation.autonomy": "test_workforce.py::test_autonomy_raises_morale_and_lowers_turnover",
    "organisation.terms_risk": "test_workforce.py::test_risk_to_terms_lowers_morale_and_raises_turnover",
    "organisation.savings_target_share": "test_workforce.py::test_a_savings_target_funds_fewer_posts_and_lengthens_waits",
    "organisation.overhead_share": "test_workforce.py::test_overhead_is_its_share_of_staff_cost",
    "organisation.contract_margin": "test_workforce.py::test_the_contract_margin_is_its_share_of_staff_cost_and_overhead",
    # commissioning
    "commissioning.annual_budget": "test_commissioning.py::test_a_tight_budget_turns_eligible_people_away_in_a_run",
    "commissioning.tighten_under_pressure": "test_commissioning.py::test_no_rationing_when_switched_off_or_at_the_policy_ceiling",
    "commissioning.max_threshold": "test_commissioning.py::test_no_rationing_when_switched_off_or_at_the_policy_ceiling",
    # trends over a run
    "trends.demand_growth_per_year.aged_85_plus": "test_trends.py::test_growth_in_one_band_raises_only_that_band_s_requests",
    "trends.budget_change_per_year": "test_trends.py::test_a_budget_cut_tightens_rationing",
    # NHS money: the re-ablement grant and a pooled budget
    "funding.nhs_reablement_per_year": "test_funding.py::test_the_nhs_grant_adds_reablement_the_council_does_not_pay_for",
    "funding.pool_nhs_per_year": "test_funding.py::test_a_pooled_budget_eases_rationing_by_the_nhs_share",
    # organisational change
    "organisation.setup_cost": "test_organisation.py::test_the_setup_cost_is_spread_over_the_setup_days",
    "organisation.setup_days": "test_organisation.py::test_the_setup_cost_is_spread_over_the_setup_days",
    # the scope of a change: the part of the service the option takes over
    "change.scope.groups": "test_scope.py::test_the_change_day_splits_staff_posts_cases_and_queues_by_scope",
    "change.scope.share": "test_scope.py::test_a_scoped_option_changes_the_waits_of_people_in_scope_more_than_of_the_rest",
    "change.scope.staff_share": "test_scope.py::test_a_larger_staff_share_shortens_waits_in_scope_and_lengthens_the_rest",
    # client groups (the largest group, physical support, unless a field is another's)
    "clients.physical_support.request_share": "test_groups.py::test_a_larger_request_share_makes_a_group_more_of_the_clients_and_spending",
    "clients.learning_disability.request_share": "test_groups.py::test_a_larger_request_share_makes_a_group_more_of_the_clients_and_spending",
    "clients.physical_support.need_shift": "test_groups.py::test_a_higher_need_shift_sends_fewer_contacts_away_at_the_door",
    "clients.physical_support.drift_factor": "test_groups.py::test_a_higher_drift_factor_brings_care_homes_sooner",
    "demand.deterioration_by_age": "test_groups.py::test_faster_deterioration_with_age_brings_more_care_home_admissions_in_that_band",
    "clients.physical_support.hospital_factor": "test_groups.py::test_a_higher_hospital_factor_admits_known_clients_more_often",
    "clients.physical_support.mortality_factor": "test_groups.py::test_a_higher_mortality_factor_means_more_deaths",
    "clients.physical_support.leave_factor": "test_groups.py::test_a_higher_leave_factor_moves_more_people_on",
    "clients.physical_support.self_funder_factor": "test_groups.py::test_a_higher_self_funder_factor_means_more_self_funders",
    "clients.physical_support.care_home_offset": "test_groups.py::test_a_higher_care_home_offset_admits_fewer_to_care_homes",
    "clients.physical_support.reablement_factor": "test_groups.py::test_a_lower_reablement_factor_offers_and_completes_less_reablement",
    "clients.learning_disability.supported_living_share": "test_groups.py::test_a_larger_supported_living_share_puts_more_people_in_supported_living",
    "clients.physical_support.direct_payment_share": "test_groups.py::test_a_larger_direct_payment_share_gives_more_direct_payments",
    # supported living and direct payments
    "supported_living.places": "test_groups.py::test_more_supported_living_places_send_fewer_people_home_instead",
    "supported_living.max_wait_days": "test_groups.py::test_supported_living_waits_end_at_their_limits",
    "supported_living.max_wait_days_in_hospital": "test_groups.py::test_supported_living_waits_end_at_their_limits",
    "supported_living.price_per_week": "test_groups.py::test_supported_living_and_direct_payment_prices_set_their_spend",
    "direct_payments.price_per_hour": "test_groups.py::test_supported_living_and_direct_payment_prices_set_their_spend",
    "direct_payments.setup_days": "test_groups.py::test_a_longer_direct_payment_setup_keeps_more_people_waiting_for_one",
    # other routes into and out of council funding
    "routes.self_funder_depletion_share": "test_routes.py::test_self_funders_whose_savings_run_down_turn_to_the_council",
    "routes.depletion_mean_days": "test_routes.py::test_self_funders_whose_savings_run_down_turn_to_the_council",
    "routes.continuing_healthcare_per_year": "test_routes.py::test_nhs_continuing_healthcare_takes_high_need_clients_out_of_council_funding",
    "routes.continuing_healthcare_need": "test_routes.py::test_nhs_continuing_healthcare_takes_high_need_clients_out_of_council_funding",
    "routes.transitions_per_100k_adults": "test_routes.py::test_young_people_from_childrens_services_arrive_known_with_a_learning_disability",
}


@pytest.fixture(scope="session")
def mechanism_tests() -> dict[str, str]:
    """Parameter path -> ``file::test`` that shows its mechanism."""
    return MECHANISM_TESTS


@pytest.fixture(scope="session")
def council():
    """Run the small council (``run_council``), once per distinct resolved scenario and seed.

    Shared by every mechanism test, so an arm that several comparisons use (the baseline above
    all, however its overrides spell it) runs once. Tests must only read the results.
    """
    cache: dict[tuple[str, int], RunResults] = {}

    def run(
        overrides: dict[str, Any] | None = None, *, seed: int = 1, preset: str | None = None
    ) -> RunResults:
        scenario = small_council(overrides, preset=preset)
        key = (scenario.model_dump_json(), seed)
        if key not in cache:
            cache[key] = CarePathwayModel(scenario=scenario, rng=seed).run()
        return cache[key]

    return run
