"""The waiting lists: who is on them at the start, how people leave them, how time is split."""

import pandas as pd
from carepath.sim import CarePathwayModel
from carepath.sim.person import ServiceUser
from carepath.sim.states import State
from carepath.sim.workforce import REVIEW


def people(model: CarePathwayModel) -> list[ServiceUser]:
    return list(model.agents_by_type[ServiceUser])


def brute_force_reviews_waiting(model: CarePathwayModel) -> int:
    # Entries whose ticket moved on are skipped by the team, so they are not waiting.
    return sum(1 for person, ticket in model.team.queues[REVIEW] if ticket == person.ticket)


def test_a_run_starts_with_englands_waiting_list_of_people_who_passed_triage():
    model = CarePathwayModel(rng=3, years=0.1)
    adults = sum(model.config.population.band_sizes())
    waiting = [p for p in people(model) if p.state is State.AWAITING_ASSESSMENT]
    expected = round(model.config.initial.waiting_for_assessment_per_1000_adults * adults / 1000)
    assert len(waiting) == expected > 0
    assert min(p.need for p in waiting) >= model.config.demand.low_level_below_need
    assert model.datacollector.get_model_vars_dataframe()["waiting_for_assessment"].iloc[0] == (
        expected
    )

    empty = CarePathwayModel(
        scenario={"initial": {"waiting_for_assessment_per_1000_adults": 0}}, rng=3, years=0.1
    )
    assert not any(p.state is State.AWAITING_ASSESSMENT for p in people(empty))


def test_people_on_the_waiting_list_die_and_are_admitted_to_hospital():
    results = CarePathwayModel(
        scenario={"demand": {"withdraw_per_year_waiting": 0.0}}, rng=5, years=1
    ).run()
    events = results.events
    left = events[events["from_state"] == State.AWAITING_ASSESSMENT.label]
    causes = set(left["cause"])
    assert "death" in causes
    assert "emergency_admission" in causes
    assert "gave_up_waiting" not in causes  # withdrawal was switched off


def test_someone_admitted_from_the_waiting_list_does_not_give_up_in_hospital():
    # People give up waiting within hours here, so a leftover timer would fire in hospital.
    model = CarePathwayModel(
        scenario={"demand": {"withdraw_per_year_waiting": 2000.0}}, rng=8, years=0.1
    )
    person = next(p for p in people(model) if p.state is State.AWAITING_ASSESSMENT)
    person.be_admitted()
    assert person.state is State.IN_HOSPITAL
    for _ in range(2):
        model.step()
    assert person.state is State.IN_HOSPITAL  # not withdrawn, nor waiting to be
    assert person.deferred_exit is None
    events = model.log.to_frame()
    assert "gave_up_waiting" in set(events["cause"])  # others on the list did give up


def test_the_count_of_reviews_waiting_is_the_reviews_the_team_would_pick_up():
    model = CarePathwayModel(scenario={"assessment": {"review_time_share": 0.03}}, rng=2, years=1.5)
    counts = []
    while model.running:
        model.step()
        if int(model.time) % 30 == 0:
            counts.append((model.team.reviews_waiting, brute_force_reviews_waiting(model)))
    assert any(own > 50 for own, _ in counts)  # a backlog built up
    assert all(own == brute for own, brute in counts)


def test_a_larger_review_share_clears_reviews_at_the_cost_of_assessments():
    def lists(share: float) -> pd.Series:
        summary = (
            CarePathwayModel(scenario={"assessment": {"review_time_share": share}}, rng=4, years=2)
            .run()
            .summary["assessment"]
        )
        return pd.Series(summary)

    low, high = lists(0.03), lists(0.35)
    assert high["reviews_waiting_mean"] < low["reviews_waiting_mean"]
    assert high["people_waiting_mean"] > low["people_waiting_mean"]
    assert 0.0 <= high["reviews_waiting_share_of_clients"] < low["reviews_waiting_share_of_clients"]
