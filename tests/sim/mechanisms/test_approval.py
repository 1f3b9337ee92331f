"""Approval: council checks of assessments made outside the council, rework, and the panel."""

import pytest

from tests.sim.mechanisms.council import SEEDS, mean_over, run_full_council


def test_council_checking_every_assessment_lengthens_referral_to_service():
    internal = run_full_council({"approval.council_checks_assessments": False})
    checked = run_full_council({"approval.council_checks_assessments": True})
    assert (
        checked["assessment"]["approval_wait_mean_days"]
        > internal["assessment"]["approval_wait_mean_days"]
    )
    assert checked["commissioning"]["council_checks"] > 0
    assert checked["cost"]["by_component_per_year"]["council_checking"] > 0
    # Checking adds under a day to referral-to-service; with a waiting list of months, how the
    # list moves decides that time, so the whole journey is compared where nobody waits.
    ample = {"workforce.establishment_fte": 150}

    def referral_to_service(checks: bool) -> float:
        summary = run_full_council({"approval.council_checks_assessments": checks} | ample)
        return summary["assessment"]["referral_to_service_mean_days"]

    assert referral_to_service(True) > referral_to_service(False)


def test_short_of_checking_officers_the_council_checks_people_in_hospital_first():
    from carepath.sim import CarePathwayModel

    from tests.sim.mechanisms.council import small_council

    # Three quarters of the small council's 0.4 officers: checks pile up.
    # No temporary officers (queue_response): the queue itself is what is tested.
    scenario = small_council(
        {"approval.checker_fte": 0.3, "approval.extra_checkers_per_overshoot": 0.0},
        preset="social_enterprise",
    )
    model = CarePathwayModel(scenario=scenario, rng=1)
    model.run()
    queues = model.commissioner
    assert len(queues.community_checks) > 20
    assert len(queues.hospital_checks) <= 2
    assert all(person.in_hospital for person, _ in queues.hospital_checks)


def test_an_officer_with_fewer_hours_a_day_than_a_check_takes_still_finishes_checks():
    from carepath.sim import CarePathwayModel

    from tests.sim.mechanisms.council import small_council

    # 0.25 officers give about an hour a day; a check takes 1.5 hours.
    scenario = small_council(
        {"approval.checker_fte": 0.25, "approval.extra_checkers_per_overshoot": 0.0},
        preset="social_enterprise",
    )
    hours = scenario.approval.checker_fte * scenario.workforce.working_hours_per_day
    assert hours < scenario.approval.check_hours
    model = CarePathwayModel(scenario=scenario, rng=1)
    results = model.run()
    days = scenario.run.years * 365
    # Busy all run, so every hour given goes into checks (one check at most is in progress).
    done = results.summary["commissioning"]["council_checks"]
    assert done == pytest.approx(days * hours / scenario.approval.check_hours, rel=0.02)


def approval_wait(results) -> float:
    return results.summary["assessment"]["approval_wait_mean_days"]


def test_more_rework_returns_more_packages_and_lengthens_approval(council):
    pairs = [
        (council(seed=s), council({"approval.rework_share": 0.3}, seed=s)) for s in SEEDS
    ]  # rework_share 0.05 (in_house) against 0.3
    for usual, more in pairs:
        reworks = "returned_for_rework"
        assert more.summary["commissioning"][reworks] > 2 * usual.summary["commissioning"][reworks]
        assert approval_wait(more) > approval_wait(usual)
    # Rework takes social-worker hours too, so referral to service is longer on average.
    journey = "referral_to_service_mean_days"
    assert mean_over(m.summary["assessment"][journey] for _, m in pairs) > mean_over(
        u.summary["assessment"][journey] for u, _ in pairs
    )


def test_a_lower_panel_threshold_sends_more_packages_to_the_weekly_panel(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # panel_weekly_cost 700: only costly packages go to panel
        most = council({"approval.panel_weekly_cost": 100.0}, seed=seed)
        # the panel sits weekly; a manager signs off in sign_off_days (2)
        assert approval_wait(most) > approval_wait(usual) + 0.5
