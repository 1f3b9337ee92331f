"""Competing risks of long-term clients: how care-home stays end."""

from tests.sim.mechanisms.council import NOISY_SEEDS, mean_over


def stays(results, kpi: str) -> float:
    return results.summary["long_term_care"][kpi]


def test_a_higher_care_home_death_multiplier_shortens_stays_that_end_in_death(council):
    shorter, longer = [], []
    for seed in NOISY_SEEDS:
        frail = council({"mortality.care_home_multiplier": 1.6}, seed=seed)
        sturdy = council({"mortality.care_home_multiplier": 0.6}, seed=seed)
        shorter.append(stays(frail, "care_home_stay_mean_days"))
        longer.append(stays(sturdy, "care_home_stay_mean_days"))
        assert stays(frail, "care_home_residents_mean") < stays(sturdy, "care_home_residents_mean")
    assert mean_over(shorter) < mean_over(longer)


def test_care_home_residents_leave_other_than_by_death_as_the_leave_factor_says(council):
    for seed in NOISY_SEEDS:
        never = council({"mortality.care_home_leave_factor": 0.0}, seed=seed)
        as_others = council({"mortality.care_home_leave_factor": 1.0}, seed=seed)
        other = "care_home_stays_ended_other_than_by_death_share"
        assert stays(as_others, other) > stays(never, other)
        # With no leaving, only NHS continuing healthcare ends a stay other than by death.
        ended = never.events[never.events["from_state"] == "care_home"]
        assert not (ended["cause"] == "left_council_funded_care").any()
