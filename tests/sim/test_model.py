import math

import mesa
import numpy as np
import pandas as pd
import pytest
from carepath.sim import PRESETS, CarePathwayModel, ScenarioError
from carepath.sim.person import ServiceUser
from carepath.sim.spending import CARE_COMPONENTS, COMPONENTS
from carepath.sim.states import ACTIVE_STATES, EXIT_STATES, State


def _check_conservation(model: CarePathwayModel) -> None:
    counts = model.state_counts
    assert counts[State.CONTACT] == 0
    assert all(c >= 0 for c in counts)
    active = sum(counts[s] for s in ACTIVE_STATES)
    exited = sum(counts[s] for s in EXIT_STATES)
    assert active + exited == model.entries
    people = model.agents_by_type[ServiceUser]
    assert len(people) == active
    by_state = pd.Series([p.state for p in people]).value_counts()
    for state, n in by_state.items():
        assert counts[state] == n
    for service in model.services.values():
        assert 0 <= service.in_use <= service.capacity + 1e-6
        assert service.waiting >= 0
    assert model.hospital.delayed_now >= 0
    assert model.hospital.in_beds == sum(p.in_hospital for p in people)


def test_everyone_is_in_exactly_one_state_every_day():
    model = CarePathwayModel(years=1, rng=3)
    while model.running:
        model.step()
        if model.steps % 7 == 0:
            _check_conservation(model)
    _check_conservation(model)


def test_money_adds_up_two_independent_ways(two_year_run):
    model, results = two_year_run
    now = model.time
    totals = model.ledger.totals(now)
    assert model.ledger.total(now) == pytest.approx(sum(totals[c] for c in COMPONENTS))
    # Care bought: the ledger's integral of rates equals the cost of every person's spells,
    # closed (on the event log) or still open.
    open_spells = sum(
        spell.rate * (now - spell.start)
        for person in model.agents_by_type[ServiceUser]
        for spell in person.spells.values()
    )
    pending = sum(p.pending_cost for p in model.agents_by_type[ServiceUser])
    logged = results.events["cost"].sum()
    care = sum(totals[c] for c in CARE_COMPONENTS)
    assert logged + open_spells + pending == pytest.approx(care, rel=1e-9)
    assert (results.events["cost"] >= 0).all()
    summary_cost = results.summary["cost"]
    assert summary_cost["total_per_year"] == pytest.approx(
        sum(summary_cost["by_component_per_year"].values())
    )


def test_event_log_has_the_documented_columns(two_year_run):
    _, results = two_year_run
    events = results.events
    assert list(events.columns) == ["person_id", "time", "from_state", "to_state", "cause", "cost"]
    assert events["time"].is_monotonic_increasing
    assert set(events["to_state"].cat.categories) >= {"awaiting_assessment", "died", "home_care"}
    first_rows = events.groupby("person_id").head(1)
    assert (first_rows["from_state"] == "contact").all()


def test_same_seed_same_results_different_seed_different():
    a = CarePathwayModel(years=1, rng=11).run()
    b = CarePathwayModel(years=1, rng=11).run()
    c = CarePathwayModel(years=1, rng=12).run()
    assert a.summary == b.summary
    pd.testing.assert_frame_equal(a.events, b.events)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries)
    assert a.summary != c.summary
    assert len(a.events) != len(c.events) or not a.events.equals(c.events)


def test_presets_on_one_seed_see_the_same_people_arrive():
    """Common random numbers: first contacts from the community do not depend on the preset."""

    def first_contacts(preset):
        model = CarePathwayModel(years=0.5, preset=preset, rng=5)
        model.run()
        frame = model.tally.contacts.frame()
        return frame[frame["repeat"] == 0][["time", "hospital", "band"]].reset_index(drop=True)

    pd.testing.assert_frame_equal(first_contacts("in_house"), first_contacts("outsourced"))


@pytest.mark.slow
@pytest.mark.parametrize("preset", list(PRESETS))
def test_each_preset_runs_two_years_with_sensible_kpis(preset):
    summary = CarePathwayModel(years=2, preset=preset, rng=2).run().summary
    assert summary["run"]["preset"] == preset

    def numbers(tree):
        for value in tree.values():
            if isinstance(value, dict):
                yield from numbers(value)
            elif isinstance(value, int | float) and not isinstance(value, bool):
                yield value

    assert all(math.isfinite(v) for v in numbers(summary))
    for share in ("ascof_2b", "ascof_2d", "utilisation_mean"):
        assert 0.0 <= summary["reablement"][share] <= 1.0
    assert 0.0 < summary["workforce"]["client_facing_share"] < 1.0
    assert 0.0 <= summary["workforce"]["vacancy_rate"] < 1.0
    assert summary["assessment"]["wait_median_days"] >= 0
    assert summary["cost"]["total_per_year"] > 0
    assert 20 < summary["demand"]["requests_per_1000_adults"] < 100
    assert sum(summary["outcomes"]["exit_shares"].values()) == pytest.approx(1.0)


def test_invalid_lever_is_a_scenario_error():
    with pytest.raises(ScenarioError, match="unknown lever; allowed: years"):
        CarePathwayModel(social_worker=3)
    with pytest.raises(ScenarioError, match=r"workforce\.establishment_fte"):
        CarePathwayModel(funded_posts=-1)
    with pytest.raises(ScenarioError, match="social_workers: renamed funded_posts"):
        CarePathwayModel(social_workers=60)


def test_works_with_mesa_batch_run():
    results = mesa.batch_run(
        CarePathwayModel,
        parameters={"preset": ["in_house", "care_trust_plus"], "years": 0.1},
        rng=[1],
        max_steps=100,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 2
    assert {r["preset"] for r in results} == {"in_house", "care_trust_plus"}
    assert all(r["Step"] == round(0.1 * 365) for r in results)  # ran to the horizon, then stopped
    assert all(r["waiting_for_assessment"] >= 0 for r in results)


def test_batch_run_iterations_without_a_seed_differ_and_levers_keep_their_values():
    results = mesa.batch_run(
        CarePathwayModel,
        parameters={"years": 0.05, "funded_posts": 40},
        rng=[None, None],
        max_steps=20,
        number_processes=1,
        display_progress=False,
    )
    assert len(results) == 2
    assert all(r["funded_posts"] == 40 for r in results)  # not overwritten by a reporter
    assert all(0 < r["social_workers"] <= 40 for r in results)  # staff in post, a reporter
    first, second = (
        {k: v for k, v in r.items() if k not in ("RunId", "iteration")} for r in results
    )
    assert first != second


def test_a_run_without_a_seed_records_the_seed_it_drew_and_repeats_from_it():
    drawn = CarePathwayModel(years=0.1)
    again = CarePathwayModel(years=0.1)
    assert drawn.seed != again.seed
    summary = drawn.run().summary
    assert summary["run"]["seed"] == drawn.seed
    repeat = CarePathwayModel(years=0.1, rng=summary["run"]["seed"]).run().summary
    assert repeat == summary


def test_run_for_and_step_drive_the_clock():
    model = CarePathwayModel(years=1, rng=1)
    model.run_for(10)
    assert model.time == 10 and model.steps == 10
    model.step()
    assert model.steps == 11
    frame = model.datacollector.get_model_vars_dataframe()
    assert len(frame) == 12  # day 0 plus eleven days


def test_seed_sequence_is_accepted_and_not_consumed():
    seq = np.random.SeedSequence(99)
    a = CarePathwayModel(years=0.3, rng=seq).run().summary
    b = CarePathwayModel(years=0.3, rng=seq).run().summary
    assert a == b
