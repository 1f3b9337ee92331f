"""Workforce: staff time, morale and leaving, funded posts, and what staff cost."""

import pytest
from carepath.sim import CarePathwayModel, build_scenario

from tests.sim.mechanisms.council import (
    FULL_SEED,
    FULL_YEARS,
    NOISY_SEEDS,
    SEEDS,
    component,
    mean_over,
    run_full_council,
    small_council,
)

# Enough social workers that a few dozen leave in two years: turnover is then measurable.
LARGE_TEAM = {"workforce.establishment_fte": 48}


def test_fewer_social_workers_lengthen_assessment_waits():
    staffed = run_full_council({"workforce.establishment_fte": 90})
    short = run_full_council({"workforce.establishment_fte": 60})
    assert (
        short["assessment"]["wait_median_days_community"]
        > staffed["assessment"]["wait_median_days_community"]
    )
    assert short["assessment"]["people_waiting_mean"] > staffed["assessment"]["people_waiting_mean"]


def test_a_longer_backlog_lowers_morale_and_raises_turnover():
    def workforce(waiting_per_1000_adults: float) -> dict:
        scenario = build_scenario(
            overrides={
                "run.years": FULL_YEARS,
                "run.warmup_days": 0,
                "initial.waiting_for_assessment_per_1000_adults": waiting_per_1000_adults,
                "workforce.backlog_effect_on_morale": 0.15,
            }
        )
        return CarePathwayModel(scenario=scenario, rng=FULL_SEED).run().summary["workforce"]

    short, long = workforce(0.0), workforce(25.0)
    assert long["morale_mean"] < short["morale_mean"] - 0.05
    assert long["turnover_rate"] > short["turnover_rate"]


def assessment(results, kpi: str) -> float:
    return results.summary["assessment"][kpi]


def workforce(results, kpi: str) -> float:
    return results.summary["workforce"][kpi]


def test_less_admin_gives_more_client_time_and_shorter_waits(council):
    for seed in SEEDS:
        heavy = council({"workforce.admin_share": 0.45}, seed=seed)
        light = council({"workforce.admin_share": 0.25}, seed=seed)
        assert workforce(light, "client_facing_share") > workforce(heavy, "client_facing_share")
        assert assessment(light, "assessments_started_per_year") > assessment(
            heavy, "assessments_started_per_year"
        )
        assert assessment(light, "wait_median_days_community") < assessment(
            heavy, "wait_median_days_community"
        )


def morale_and_turnover(council, overrides: dict) -> tuple[list[float], list[float]]:
    runs = [council(LARGE_TEAM | overrides, seed=s) for s in NOISY_SEEDS]
    return [workforce(r, "morale_mean") for r in runs], [
        workforce(r, "turnover_rate") for r in runs
    ]


def test_autonomy_raises_morale_and_lowers_turnover(council):
    morale, turnover = morale_and_turnover(council, {"organisation.autonomy": 0.0})
    morale_up, turnover_down = morale_and_turnover(council, {"organisation.autonomy": 0.2})
    assert all(up > base + 0.1 for up, base in zip(morale_up, morale, strict=True))
    assert mean_over(turnover_down) < mean_over(turnover)


def test_risk_to_terms_lowers_morale_and_raises_turnover(council):
    morale, turnover = morale_and_turnover(council, {"organisation.terms_risk": 0.0})
    morale_down, turnover_up = morale_and_turnover(council, {"organisation.terms_risk": 0.2})
    assert all(down < base - 0.1 for down, base in zip(morale_down, morale, strict=True))
    assert mean_over(turnover_up) > mean_over(turnover)


def test_a_savings_target_funds_fewer_posts_and_lengthens_waits(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # savings_target_share 0 (in_house), 16 posts
        cut = council({"organisation.savings_target_share": 0.2}, seed=seed)
        assert workforce(usual, "funded_posts") == 16
        assert workforce(cut, "funded_posts") == round(16 * 0.8)
        assert workforce(cut, "social_workers_mean") < workforce(usual, "social_workers_mean")
        assert component(cut, "social_work_staff") < component(usual, "social_work_staff")
        assert assessment(cut, "wait_median_days_community") > assessment(
            usual, "wait_median_days_community"
        )
        assert assessment(cut, "people_waiting_mean") > assessment(usual, "people_waiting_mean")


def staff_cost(results) -> float:
    return component(results, "social_work_staff") + component(results, "agency_premium")


@pytest.mark.parametrize("overhead_share", [0.06, -0.05])
def test_overhead_is_its_share_of_staff_cost(council, overhead_share):
    assert component(council(), "organisation_overhead") == 0.0  # in_house: none
    results = council({"organisation.overhead_share": overhead_share})
    assert component(results, "organisation_overhead") == pytest.approx(
        overhead_share * staff_cost(results), rel=1e-9
    )


def test_the_contract_margin_is_its_share_of_staff_cost_and_overhead(council):
    assert component(council(), "contract_margin") == 0.0  # in_house: no contract
    results = council({"organisation.contract_margin": 0.08, "organisation.overhead_share": 0.05})
    overhead = component(results, "organisation_overhead")
    assert overhead > 0
    assert component(results, "contract_margin") == pytest.approx(
        0.08 * (staff_cost(results) + overhead), rel=1e-9
    )


def test_agency_cover_keeps_posts_staffed_and_waits_shorter(council):
    for seed in SEEDS:
        covered = council(seed=seed)  # agency_cover_share 1
        uncovered = council({"workforce.agency_cover_share": 0.0}, seed=seed)
        assert workforce(covered, "agency_share") > 0
        assert workforce(uncovered, "agency_share") == 0
        assert component(uncovered, "agency_premium") == 0
        assert workforce(uncovered, "social_workers_mean") < workforce(
            covered, "social_workers_mean"
        )
        assert assessment(uncovered, "people_waiting_mean") > assessment(
            covered, "people_waiting_mean"
        )


def test_the_agency_premium_is_paid_on_agency_staff_only(council):
    usual = council()  # agency_premium 0.5
    dearer = council({"workforce.agency_premium": 1.0})
    assert component(usual, "agency_premium") > 0
    assert component(dearer, "agency_premium") == pytest.approx(
        2 * component(usual, "agency_premium"), rel=1e-9
    )
    assert component(dearer, "social_work_staff") == component(usual, "social_work_staff")


def test_absence_takes_working_time_lengthens_waits_and_is_paid_per_working_hour(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # 26.5 + 8 + 10.7 + 5 days away: 81% of weekdays at work
        sick = council({"workforce.sickness_days": 40.0}, seed=seed)
        assert assessment(sick, "people_waiting_mean") > assessment(usual, "people_waiting_mean")
        assert assessment(sick, "wait_median_days_community") > assessment(
            usual, "wait_median_days_community"
        )
    # PSSRU's unit cost is per working hour: a worker in post costs hourly_cost x working hours.
    for results, overrides in ((usual, {}), (sick, {"workforce.sickness_days": 40.0})):
        wf = small_council(overrides).workforce
        weekdays = 365.25 * 5 / 7
        away = wf.annual_leave_days + wf.bank_holidays + wf.sickness_days + wf.training_days
        a_year = wf.hourly_cost * wf.hours_per_week / 7.0 * (weekdays - away) / weekdays * 365.0
        in_post = results.summary["workforce"]["social_workers_mean"]
        assert component(results, "social_work_staff") == pytest.approx(a_year * in_post, rel=0.02)
