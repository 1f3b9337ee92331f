"""Assessment and eligibility: social-worker hours, the threshold, and what meets a need."""

from tests.sim.mechanisms.council import (
    SEEDS,
    count,
    hours_per_home_care_client,
    mean_days_in,
    mean_over,
)

STRENGTHS = {"practice.strengths_based": True}


def started(results) -> float:
    return results.summary["assessment"]["assessments_started_per_year"]


def community_wait(results) -> float:
    return results.summary["assessment"]["wait_median_days_community"]


def test_longer_assessments_lengthen_the_wait(council):
    for seed in SEEDS:
        quick = council(seed=seed)  # assessment.hours_mean 12.5 (calibrated)
        slow = council({"assessment.hours_mean": 15.0}, seed=seed)
        assert mean_days_in(slow, "in_assessment") > mean_days_in(quick, "in_assessment")
        assert started(slow) < started(quick)
        assert community_wait(slow) > community_wait(quick)


def test_a_higher_eligibility_threshold_turns_more_people_away_and_shrinks_long_term_care(
    council,
):
    for seed in SEEDS:
        substantial = council({"eligibility.threshold": "substantial"}, seed=seed)
        critical = council({"eligibility.threshold": "critical"}, seed=seed)
        assert count(critical, "not_eligible") > count(substantial, "not_eligible")
        assert count(critical, "approved") < count(substantial, "approved")
        clients = "clients_mean"
        assert (
            critical.summary["long_term_care"][clients]
            < substantial.summary["long_term_care"][clients]
        )


def test_strengths_based_practice_lengthens_assessments_shrinks_packages_and_resolves_more_in_the_community(
    council,
):
    for seed in SEEDS:
        usual = council({"practice.strengths_based": False}, seed=seed)
        strengths = council(STRENGTHS, seed=seed)
        # longer conversations (strengths_extra_hours_share)
        assert mean_days_in(strengths, "in_assessment") > mean_days_in(usual, "in_assessment")
        assert started(strengths) < started(usual)
        # smaller packages where a carer shares the support (strengths_package_reduction)
        assert hours_per_home_care_client(strengths) < hours_per_home_care_client(usual)
        # more needs met by family and community (strengths_community_uplift)
        met = "met_by_family_and_community"
        assert count(strengths, met) > count(usual, met)


def test_strengths_extra_hours_lengthen_assessments(council):
    for seed in SEEDS:
        short = council(STRENGTHS, seed=seed)  # strengths_extra_hours_share 0.2
        long = council(STRENGTHS | {"practice.strengths_extra_hours_share": 0.6}, seed=seed)
        assert mean_days_in(long, "in_assessment") > mean_days_in(short, "in_assessment")
        assert started(long) < started(short)
        assert community_wait(long) > community_wait(short)


def test_strengths_package_reduction_shrinks_packages_only_for_people_with_carers(council):
    for seed in SEEDS:
        full = council(STRENGTHS, seed=seed)  # strengths_package_reduction 0.1
        shared = council(STRENGTHS | {"practice.strengths_package_reduction": 0.4}, seed=seed)
        assert hours_per_home_care_client(shared) < 0.9 * hours_per_home_care_client(full)
    # Nobody has a carer: the reduction has nothing to apply to.
    no_carers = STRENGTHS | {"demand.informal_carer_share": 0.0}
    full = council(no_carers)
    shared = council(no_carers | {"practice.strengths_package_reduction": 0.4})
    assert hours_per_home_care_client(shared) == hours_per_home_care_client(full)


def test_strengths_community_uplift_meets_more_needs_through_family_and_community(council):
    met = "met_by_family_and_community"
    for seed in SEEDS:
        usual = council(STRENGTHS, seed=seed)  # strengths_community_uplift 0.1
        uplift = council(STRENGTHS | {"practice.strengths_community_uplift": 0.3}, seed=seed)
        assert count(uplift, met) > count(usual, met)
        assert count(uplift, "approved") < count(usual, "approved")


def test_strengths_settings_do_nothing_without_strengths_based_practice(council):
    settings = {
        "practice.strengths_extra_hours_share": 0.6,
        "practice.strengths_package_reduction": 0.4,
        "practice.strengths_community_uplift": 0.3,
    }
    usual = council({"practice.strengths_based": False})
    ignored = council({"practice.strengths_based": False} | settings)
    assert ignored.summary["assessment"] == usual.summary["assessment"]
    assert ignored.summary["long_term_care"] == usual.summary["long_term_care"]
    assert ignored.events.equals(usual.events)


def test_creative_support_meets_more_needs_through_family_and_community(council):
    met = "met_by_family_and_community"
    for seed in SEEDS:
        none = council(seed=seed)  # creative_support_share 0 (in_house)
        creative = council({"practice.creative_support_share": 0.1}, seed=seed)
        assert count(creative, met) > count(none, met)
        assert count(creative, "eligible") < count(none, "eligible")
        assert count(creative, "approved") < count(none, "approved")
    # Fewer funded packages follow: fewer long-term clients on average over the seeds.
    clients = "clients_mean"
    assert mean_over(
        council({"practice.creative_support_share": 0.1}, seed=s).summary["long_term_care"][clients]
        for s in SEEDS
    ) < mean_over(council(seed=s).summary["long_term_care"][clients] for s in SEEDS)
