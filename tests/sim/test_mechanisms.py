"""Cause and effect on the same seed: each lever moves its outcome the way its mechanism says."""

from carepath.sim import CarePathwayModel, build_scenario

YEARS = 3
SEED = 4


def run(**levers):
    return CarePathwayModel(years=YEARS, rng=SEED, **levers).run().summary


def test_council_checking_every_assessment_lengthens_referral_to_service():
    internal = run(council_checks=False)
    checked = run(council_checks=True)
    assert (
        checked["assessment"]["approval_wait_mean_days"]
        > internal["assessment"]["approval_wait_mean_days"]
    )
    assert checked["commissioning"]["council_checks"] > 0
    assert checked["cost"]["by_component_per_year"]["council_checking"] > 0
    # Checking adds under a day to referral-to-service; with a waiting list of months, how the
    # list moves decides that time, so the whole journey is compared where nobody waits.
    ample = {"social_workers": 150}
    assert (
        run(council_checks=True, **ample)["assessment"]["referral_to_service_mean_days"]
        > run(council_checks=False, **ample)["assessment"]["referral_to_service_mean_days"]
    )


def test_fewer_social_workers_lengthen_assessment_waits():
    staffed = run(social_workers=90)
    short = run(social_workers=60)
    assert (
        short["assessment"]["wait_median_days_community"]
        > staffed["assessment"]["wait_median_days_community"]
    )
    assert short["assessment"]["people_waiting_mean"] > staffed["assessment"]["people_waiting_mean"]


def test_more_reablement_capacity_lowers_long_term_care_entries():
    few = CarePathwayModel(years=YEARS, rng=SEED, reablement_places=40)
    many = CarePathwayModel(years=YEARS, rng=SEED, reablement_places=160)
    few_results, many_results = few.run(), many.run()

    def long_term_entries(results):
        events = results.events
        started = events[events["to_state"].isin(["home_care", "care_home"])]
        return int(
            (started["cause"] != "initial_caseload").sum() - (started["cause"] == "reviewed").sum()
        )

    assert long_term_entries(many_results) < long_term_entries(few_results)
    assert (
        many_results.summary["reablement"]["completed_per_year"]
        > few_results.summary["reablement"]["completed_per_year"]
    )


def test_integrated_discharge_lowers_delayed_bed_days():
    separate = run(discharge_to_assess=0.0)
    integrated = (
        CarePathwayModel(
            years=YEARS,
            rng=SEED,
            scenario={"integration": {"discharge_to_assess_share": 0.9, "early_referral_days": 3}},
        )
        .run()
        .summary
    )
    assert (
        integrated["hospital"]["delayed_bed_days_per_year"]
        < separate["hospital"]["delayed_bed_days_per_year"]
    )


def test_a_longer_backlog_lowers_morale_and_raises_turnover():
    def workforce(waiting_per_1000_adults: float) -> dict:
        scenario = build_scenario(
            overrides={
                "run.years": YEARS,
                "run.warmup_days": 0,
                "initial.waiting_for_assessment_per_1000_adults": waiting_per_1000_adults,
                "workforce.backlog_effect_on_morale": 0.15,
            }
        )
        return CarePathwayModel(scenario=scenario, rng=SEED).run().summary["workforce"]

    short, long = workforce(0.0), workforce(25.0)
    assert long["morale_mean"] < short["morale_mean"] - 0.05
    assert long["turnover_rate"] > short["turnover_rate"]
