"""Re-ablement: short-term support that keeps people out of long-term care."""

from carepath.sim import CarePathwayModel, build_scenario

from tests.sim.mechanisms.council import FULL_SEED, FULL_YEARS


def test_more_reablement_capacity_lowers_long_term_care_entries():
    def model(reablement_places: int) -> CarePathwayModel:
        scenario = build_scenario(
            overrides={"run.years": FULL_YEARS, "reablement.places": reablement_places}
        )
        return CarePathwayModel(scenario=scenario, rng=FULL_SEED)

    few, many = model(40), model(160)
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
