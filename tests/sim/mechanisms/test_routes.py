"""Other routes into and out of council funding: depleted savings, NHS funding, transitions.

These tests read the run's tallies (who asked, by which route and client group) as well as its
results, so they keep the model: ``run`` caches each (scenario, seed) arm of this module.
"""

import json
from typing import Any

import pandas as pd
import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.measure.summary import RunResults
from carepath.sim.measure.tallies import ROUTE_FUNDS_DEPLETED, ROUTE_TRANSITION
from carepath.sim.scenario import GROUPS
from carepath.sim.states import EXIT_STATES

from tests.sim.mechanisms.council import SEEDS, count, small_council

EXITS = {s.label for s in EXIT_STATES}


class Recording(CarePathwayModel):
    """The model, noting which former self-funders already lived in a care home they paid for."""

    def __init__(self, **kwargs: Any) -> None:
        self.placed_privately: dict[int, float] = {}  # person -> when their savings ran down
        self._newest = None
        super().__init__(**kwargs)

    def register_person(self, person) -> None:
        super().register_person(person)
        self._newest = person

    def _funds_depleted(self, person_id: int, traits) -> None:
        super()._funds_depleted(person_id, traits)
        if self._newest.placed_privately:
            self.placed_privately[person_id] = self.now


_RUNS: dict[tuple[str, int], tuple[Recording, RunResults]] = {}


def run(overrides: dict[str, Any] | None = None, seed: int = 1) -> tuple[Recording, RunResults]:
    """The small council with ``overrides`` on ``seed``: the model after its run, and results."""
    key = (json.dumps(overrides or {}, sort_keys=True), seed)
    if key not in _RUNS:
        model = Recording(scenario=small_council(overrides), rng=seed)
        _RUNS[key] = (model, model.run())
    return _RUNS[key]


def demand(results: RunResults, kpi: str) -> float:
    return results.summary["demand"][kpi]


def nhs_funded(results: RunResults) -> float:
    return results.summary["long_term_care"]["nhs_continuing_healthcare_per_year"]


def moves_into_care_homes(events: pd.DataFrame) -> pd.Series:
    return (events["from_state"] == "awaiting_care_home") & (events["to_state"] == "care_home")


def care_home_moves_in_episode(events: pd.DataFrame, person_id: int, start: float) -> int:
    """Moves into a care home in the episode of ``person_id`` that began at ``start``."""
    rows = events[(events["person_id"] == person_id) & (events["time"] >= start)]
    ended = rows.index[rows["to_state"].isin(EXITS)]
    if len(ended):
        rows = rows.loc[: ended[0]]
    return int(moves_into_care_homes(rows).sum())


def test_self_funders_whose_savings_run_down_turn_to_the_council():
    share = "routes.self_funder_depletion_share"
    for seed in SEEDS:
        never_model, never = run({share: 0.0}, seed)
        always_model, always = run({share: 1.0}, seed)
        assert demand(never, "funds_depleted_per_year") == 0.0
        assert count(never, "funds_depleted") == 0
        assert demand(always, "funds_depleted_per_year") > 20.0  # ~16 a year at the default 0.25
        assert count(always, "funds_depleted") > 50
        # Former self-funders, known to the council: no triage, straight to an assessment.
        events = always.events
        arrived = events[events["cause"] == "funds_depleted"]
        assert (arrived["from_state"] == "contact").all()
        assert (arrived["to_state"] == "awaiting_assessment").all()
        self_funded = set(events.loc[events["to_state"] == "self_funded", "person_id"])
        assert set(arrived["person_id"]) <= self_funded
        contacts = always_model.tally.contacts.frame()
        assert (contacts["route"] == ROUTE_FUNDS_DEPLETED).sum() == len(arrived)

        # ASCOF 2A counts moves into a home, not a change of who pays for one: someone already
        # in a home they paid for is not admitted again when the council takes over the fees.
        assert never_model.placed_privately == {}
        assert (
            len(never_model.tally.care_home_admissions) == moves_into_care_homes(never.events).sum()
        )
        taken_over = sum(
            care_home_moves_in_episode(events, person, start)
            for person, start in always_model.placed_privately.items()
        )
        assert taken_over > 0
        moves = int(moves_into_care_homes(events).sum())
        assert len(always_model.tally.care_home_admissions) == moves - taken_over
    # A shorter time to the capital limit brings them back sooner, within the run.
    quick = {share: 1.0, "routes.depletion_mean_days": 180.0}
    for seed in SEEDS:
        slow = run({share: 1.0}, seed)[1]  # depletion_mean_days 730
        assert demand(run(quick, seed)[1], "funds_depleted_per_year") > 1.5 * demand(
            slow, "funds_depleted_per_year"
        )


def test_a_former_self_funder_living_in_a_care_home_does_not_give_up_waiting():
    for seed in SEEDS:
        model, results = run({"routes.self_funder_depletion_share": 1.0}, seed)
        assert model.placed_privately
        events = results.events
        gave_up = 0
        for person, start in model.placed_privately.items():
            rows = events[(events["person_id"] == person) & (events["time"] >= start)]
            exits = rows[rows["to_state"].isin(EXITS)]
            gave_up += int(len(exits) > 0 and exits["to_state"].iloc[0] == "withdrawn")
        assert gave_up == 0


def test_nhs_continuing_healthcare_takes_high_need_clients_out_of_council_funding():
    rate, need = "routes.continuing_healthcare_per_year", "routes.continuing_healthcare_need"
    for seed in SEEDS:
        none = run({rate: 0.0}, seed)[1]
        high = run({rate: 2.0}, seed)[1]  # continuing_healthcare_need 0.9
        assert nhs_funded(none) == 0.0
        assert count(none, "nhs_continuing_healthcare") == 0
        assert nhs_funded(high) > 0.0
        # They leave council funding from long-term support: the exit is moved_on.
        funded = high.events[high.events["cause"] == "nhs_continuing_healthcare"]
        assert len(funded) > 30
        assert (funded["to_state"] == "moved_on").all()
        assert (
            funded["from_state"]
            .isin(["home_care", "direct_payment", "supported_living", "care_home"])
            .all()
        )
        # A higher need threshold makes fewer eligible.
        strict = run({rate: 2.0, need: 0.98}, seed)[1]
        assert nhs_funded(strict) < 0.8 * nhs_funded(high)
        # Need never exceeds 1, so a threshold of 1 shuts the route.
        assert nhs_funded(run({rate: 2.0, need: 1.0}, seed)[1]) == 0.0


def test_young_people_from_childrens_services_arrive_known_with_a_learning_disability():
    rate = "routes.transitions_per_100k_adults"
    for seed in SEEDS:
        none = run({rate: 0.0}, seed)[1]
        many_model, many = run({rate: 100.0}, seed)
        assert demand(none, "transitions_per_year") == 0.0
        assert count(none, "transition_from_childrens_services") == 0
        adults = sum(many_model.config.population.band_sizes())
        assert demand(many, "transitions_per_year") == pytest.approx(100.0 * adults / 1e5, rel=0.35)
        contacts = many_model.tally.contacts.frame()
        young = contacts[contacts["route"] == ROUTE_TRANSITION]
        assert len(young) > 30
        # all aged 18-64 with a learning disability
        assert (young["band"] == 0).all()
        assert (young["group"] == GROUPS.index("learning_disability")).all()
        # no front-door triage: their first event is a place on the assessment list
        first = many.events.groupby("person_id").head(1).set_index("person_id")
        firsts = first.loc[young["person"].astype(int)]
        assert (firsts["cause"] == "transition_from_childrens_services").all()
        assert (firsts["to_state"] == "awaiting_assessment").all()
        assert len(firsts) == count(many, "transition_from_childrens_services")
