"""Re-ablement: short-term support that keeps people out of long-term care."""

from carepath.sim import CarePathwayModel

from tests.sim.mechanisms.council import FULL_SEED, FULL_YEARS


def test_more_reablement_capacity_lowers_long_term_care_entries():
    few = CarePathwayModel(years=FULL_YEARS, rng=FULL_SEED, reablement_places=40)
    many = CarePathwayModel(years=FULL_YEARS, rng=FULL_SEED, reablement_places=160)
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
