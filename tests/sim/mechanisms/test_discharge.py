"""Hospital discharge: discharge to assess, and referral before medical fitness."""

from tests.sim.mechanisms.council import SEEDS, count, run_full_council


def delayed_bed_days(results) -> float:
    return results.summary["hospital"]["delayed_bed_days_per_year"]


def test_integrated_discharge_lowers_delayed_bed_days():
    separate = run_full_council({"integration.discharge_to_assess_share": 0.0})
    integrated = run_full_council(
        {"integration.discharge_to_assess_share": 0.9, "integration.early_referral_days": 3}
    )
    assert (
        integrated["hospital"]["delayed_bed_days_per_year"]
        < separate["hospital"]["delayed_bed_days_per_year"]
    )


def test_discharge_to_assess_sends_patients_home_to_reablement_and_cuts_delayed_bed_days(council):
    for seed in SEEDS:
        assess_first = council({"integration.discharge_to_assess_share": 0.0}, seed=seed)
        home_first = council({"integration.discharge_to_assess_share": 0.9}, seed=seed)
        assert count(assess_first, "discharge_to_assess") == 0
        assert count(home_first, "discharge_to_assess") > 0
        assert delayed_bed_days(home_first) < delayed_bed_days(assess_first)


def test_early_referral_starts_assessments_before_fitness_and_cuts_delayed_bed_days(council):
    for seed in SEEDS:
        at_fitness = council(seed=seed)  # early_referral_days 0 (in_house)
        early = council({"integration.early_referral_days": 3.0}, seed=seed)
        assert count(at_fitness, "early_referral") == 0
        assert count(early, "early_referral") > 0
        assert delayed_bed_days(early) < delayed_bed_days(at_fitness)
