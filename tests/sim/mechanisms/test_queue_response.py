"""The council's response to long queues: temporary staff while a queue's wait overshoots."""

from __future__ import annotations

import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.mechanisms import queue_response as lr
from carepath.sim.scenario import Approval, WaitingList

from tests.sim.mechanisms.council import SEEDS, component, small_council

RESPONDING = {"waiting_list.extra_staff_per_overshoot": 0.1}


def test_the_expected_wait_is_the_list_over_its_pace():
    assert lr.expected_wait_days(120, 4.0) == 30.0
    assert lr.expected_wait_days(0, 0.0) == 0.0
    assert lr.expected_wait_days(5, 0.0) == float("inf")


def test_extra_staff_grow_with_the_overshoot_up_to_the_cap():
    settings = WaitingList(
        target_wait_days=28, extra_staff_per_overshoot=0.1, max_extra_staff_share=0.2
    )
    assert lr.extra_staff(settings, 28.0, posts=80) == 0
    assert lr.extra_staff(settings, 20.0, posts=80) == 0
    assert lr.extra_staff(settings, 56.0, posts=80) == 8  # 100% over: a tenth of the posts
    assert lr.extra_staff(settings, 84.0, posts=80) == 16
    assert lr.extra_staff(settings, 1000.0, posts=80) == 16  # capped at a fifth
    assert lr.extra_staff(settings, float("inf"), posts=80) == 16
    assert not lr.list_responds(WaitingList())
    assert lr.list_responds(settings)


def test_the_pace_is_the_mean_of_the_last_four_weeks():
    pace = lr.Pace()
    assert pace.record_week(70) == pytest.approx(10.0)
    assert pace.record_week(70 + 140) == pytest.approx(15.0)
    for week in range(2, 6):
        pace.record_week(210 + 28 * (week - 1))
    assert pace.record_week(210 + 28 * 5) == pytest.approx(4.0)  # only the last four count


def test_staff_are_engaged_after_the_agency_lead_time_and_let_go_when_the_list_is_short():
    scenario = small_council(RESPONDING | {"workforce.agency_start_days": 5.0})
    model = CarePathwayModel(scenario=scenario, rng=1)
    team = model.team
    posts, before = team.posts, team.headcount
    team.assessments_started = 7 * 3  # three a day over the first week
    team._respond_to_list(waiting=3 * 28 * 3)  # a 84-day expected wait: 200% over target
    want = round(0.2 * posts)
    assert team.headcount == before and team._list_staff_due == want
    model.run(until=6)  # the agency's lead time, before the team's first weekly review
    assert len(team.list_staff) == want
    assert all(w.agency and w.unique_id in team.workers for w in team.list_staff)
    team._respond_to_list(waiting=0)
    assert team.list_staff == [] and team._list_staff_due == 0
    assert team.headcount <= before + 2  # vacancy locums may have come and gone meanwhile


def test_a_responding_council_holds_a_shorter_list_with_more_agency_staff(council):
    for seed in SEEDS:
        usual = council(seed=seed)
        responding = council({"waiting_list.extra_staff_per_overshoot": 0.1}, seed=seed)
        waiting = "people_waiting_mean"
        assert (
            responding.summary["assessment"][waiting] < 0.9 * usual.summary["assessment"][waiting]
        )
        agency = responding.summary["workforce"]["agency_share"]
        assert agency > usual.summary["workforce"]["agency_share"] + 0.01


def test_a_council_whose_list_is_within_target_engages_nobody(council):
    # With a target no expected wait reaches, the response never acts: the run is unchanged.
    generous = {"waiting_list.target_wait_days": 365.0}
    usual = council(generous, seed=1)
    responding = council(generous | RESPONDING, seed=1)
    assert responding.summary == usual.summary


def test_temporary_checkers_are_a_share_of_the_officers_and_only_where_the_council_checks():
    checks = Approval(
        council_checks_assessments=True,
        checker_fte=2.0,
        target_check_days=7.0,
        extra_checkers_per_overshoot=0.5,
        max_extra_checker_share=1.0,
    )
    assert lr.checks_respond(checks)
    assert not lr.checks_respond(Approval())  # in-house: no checks, nothing to respond to
    assert not lr.checks_respond(checks.model_copy(update={"extra_checkers_per_overshoot": 0.0}))
    assert lr.extra_checkers(checks, 7.0) == 0.0
    assert lr.extra_checkers(checks, 14.0) == pytest.approx(1.0)  # 100% over: half as many
    assert lr.extra_checkers(checks, 70.0) == pytest.approx(2.0)  # at most as many again


# Officers too few for the enterprise's assessments, so checks fall behind.
FEW_CHECKERS = {"approval.checker_fte": 0.25}


def test_temporary_checkers_take_patients_out_of_beds_and_cost_the_council(council):
    for seed in SEEDS:
        queued = council(
            FEW_CHECKERS | {"approval.extra_checkers_per_overshoot": 0.0},
            seed=seed,
            preset="social_enterprise",
        )
        responding = council(FEW_CHECKERS, seed=seed, preset="social_enterprise")
        delayed = "delayed_bed_days_per_year"
        assert responding.summary["hospital"][delayed] < 0.8 * queued.summary["hospital"][delayed]
        assert component(responding, "council_checking") > 1.2 * component(
            queued, "council_checking"
        )


def test_checks_within_their_target_engage_nobody(council):
    # With a target no expected wait for a check reaches, the response never acts.
    generous = FEW_CHECKERS | {"approval.target_check_days": 365.0}
    off = council(
        generous | {"approval.max_extra_checker_share": 0.0}, seed=1, preset="social_enterprise"
    )
    on = council(generous, seed=1, preset="social_enterprise")
    assert on.summary == off.summary
