"""Organisational change as an event: warm up under the current arrangement, switch on a day."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.engine.streams import make_streams
from carepath.sim.measure.summary import RunResults
from carepath.sim.mechanisms import change
from carepath.sim.model import warmup_of
from carepath.sim.presets import preset_values
from carepath.sim.scenario import Change, RunSettings, ScenarioError

from tests.sim.mechanisms.council import SMALL_COUNCIL, small_council

DAY = SMALL_COUNCIL["run.warmup_days"] + 1  # the default change day: after the warm-up
ON = {"change.enabled": True}


def summary_text(results: RunResults) -> str:
    return json.dumps(results.summary, sort_keys=True, default=str)


def assert_same(a: RunResults, b: RunResults) -> None:
    assert summary_text(a) == summary_text(b)
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)


# -- the rules, with their parameters passed in ------------------------------------------------
def test_the_change_day_is_the_first_day_after_the_warm_up_unless_set():
    assert change.change_day(Change(), RunSettings(years=2, warmup_days=180)) == 181
    assert change.change_day(Change(day=400), RunSettings(years=2, warmup_days=180)) == 400
    assert change.change_day(Change(), RunSettings(years=10)) == 1826
    assert change.change_day(Change(), RunSettings(years=2, warmup_days=0)) == 1


def test_the_warm_up_runs_the_current_arrangement_with_the_rest_of_the_scenario():
    option = small_council(ON | {"organisation.setup_days": 200}, preset="outsourced")
    warm = warmup_of(option)
    assert warm.organisation.preset == "in_house"
    for path, value in preset_values("in_house").items():
        section, field = path.split(".")
        assert getattr(getattr(warm, section), field) == value
    # What no preset sets stays the scenario's own.
    assert warm.organisation.setup_days == 200
    assert warm.population == option.population and warm.change == option.change
    assert change.is_change(warm, option)
    same = small_council(ON)
    assert not change.is_change(warmup_of(same), same)


def test_a_current_arrangement_that_leaves_an_option_parameter_unset_is_refused():
    option = small_council(ON, preset="outsourced")
    partial = preset_values("in_house")
    del partial["organisation.contract_margin"]
    with pytest.raises(
        ScenarioError,
        match=r"^change.current: preset 'in_house' does not set organisation.contract_margin",
    ):
        change.warmup_scenario(option, partial, preset_values("outsourced"))


def test_one_warm_up_serves_every_option_but_not_another_current_arrangement():
    def identity(scenario):
        return change.warmup_identity(scenario, warmup_of(scenario))

    enterprise = small_council(ON, preset="social_enterprise")
    trust = small_council(
        ON | {"change.staff_leaving_share": 0.2, "change.fade_per_year": 0.3},
        preset="care_trust_plus",
    )
    assert identity(enterprise) == identity(trust)
    assert identity(enterprise) != identity(
        small_council(ON | {"change.current": "outsourced"}, preset="social_enterprise")
    )
    assert identity(enterprise) != identity(
        small_council(ON | {"reablement.places": 18}, preset="social_enterprise")
    )
    # Set-up paid from day 0 is part of the warm-up, so it ties the warm-up to the option.
    early = {"change.setup_on_change_day": False}
    assert identity(small_council(ON | early, preset="social_enterprise")) != identity(
        small_council(ON | early, preset="care_trust_plus")
    )


def test_staff_leave_at_transfer_with_the_chance_set_and_no_draw_when_none_do():
    streams = make_streams(11)
    stream = streams["workforce"]
    workers = list(range(4000))
    before = stream.generator.bit_generator.state
    assert change.transfer_leavers(workers, 0.0, stream) == []
    assert stream.generator.bit_generator.state == before and stream._uni_i == 0
    assert change.transfer_leavers(workers, 1.0, stream) == workers
    leavers = change.transfer_leavers(workers, 0.3, stream)
    sd = np.sqrt(4000 * 0.3 * 0.7)
    assert abs(len(leavers) - 1200) < 4 * sd
    assert leavers == sorted(leavers)


def test_productivity_dips_for_the_transition_only():
    settings = Change(transition_days=90.0, transition_productivity=0.7)
    assert change.productivity(0.0, settings) == 0.7
    assert change.productivity(89.9, settings) == 0.7
    assert change.productivity(90.0, settings) == 1.0
    assert change.productivity(0.0, Change()) == 1.0


def test_effects_fade_by_the_share_set_each_year_and_only_ways_of_working_fade():
    assert change.faded(0.35, 0.25, 0.0, 0.5) == 0.25
    assert change.faded(0.35, 0.25, 365.0, 0.5) == pytest.approx(0.30)
    assert change.faded(0.0, 0.15, 730.0, 0.5) == pytest.approx(0.15 / 4)
    assert change.faded(0.0, 0.15, 730.0, 0.0) == 0.15
    assert change.faded(0.0, 0.15, 1.0, 1.0) == 0.0
    option = small_council(ON | {"change.fade_per_year": 0.5}, preset="outsourced")
    warm = warmup_of(option)
    faded = change.faded_scenario(warm, option, 365.0)
    assert faded.workforce.admin_share == pytest.approx((0.35 + 0.37) / 2)
    assert faded.organisation.terms_risk == pytest.approx(0.05)
    # Contract and structure stay.
    assert faded.organisation.contract_margin == option.organisation.contract_margin == 0.08
    assert faded.organisation.savings_target_share == 0.08
    assert faded.approval.council_checks_assessments
    no_fade = small_council(ON, preset="outsourced")
    assert change.faded_scenario(warm, no_fade, 100.0) is no_fade


def test_drawn_current_values_replace_the_presets_own_in_the_warm_up_only():
    drawn = {"workforce.admin_share": 0.3, "integration.early_referral_days": 0.5}
    option = small_council(ON | {"change.current_values": drawn}, preset="social_work_practice")
    warm = warmup_of(option)
    assert warm.workforce.admin_share == 0.3 and warm.integration.early_referral_days == 0.5
    assert warm.approval.rework_share == preset_values("in_house")["approval.rework_share"]
    assert (
        option.workforce.admin_share
        == preset_values("social_work_practice")["workforce.admin_share"]
    )
    # Another draw of the current arrangement is another warm-up.
    plain = small_council(ON, preset="social_work_practice")
    assert change.warmup_identity(option, warm) != change.warmup_identity(plain, warmup_of(plain))


def test_drawn_current_values_must_be_numbers_the_preset_sets_and_valid():
    with pytest.raises(
        ScenarioError, match=r"^change.current_values: workforce.pay is not a number preset"
    ):
        small_council({"change.current_values": {"workforce.pay": 1.0}})
    with pytest.raises(
        ScenarioError,
        match=r"^change.current_values: approval.council_checks_assessments is not a number",
    ):
        small_council({"change.current_values": {"approval.council_checks_assessments": 1.0}})
    bad = small_council(ON | {"change.current_values": {"workforce.admin_share": 1.5}})
    with pytest.raises(ScenarioError, match=r"^change.current_values: workforce.admin_share: "):
        warmup_of(bad)


def test_bad_change_settings_are_refused_in_one_line():
    with pytest.raises(ScenarioError, match=r"^change.day: .*less than or equal to 18250"):
        small_council(ON | {"change.day": 20_000})
    with pytest.raises(ScenarioError, match=r"^change.current: unknown preset 'council'"):
        small_council({"change.current": "council"})
    with pytest.raises(ScenarioError, match=r"^change.transition_productivity: .*greater than 0"):
        small_council({"change.transition_productivity": 0.0})


# -- in a run ---------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def in_house() -> RunResults:
    return CarePathwayModel(scenario=small_council(), rng=3).run()


def test_switching_to_the_same_arrangement_changes_nothing_at_all(in_house):
    model = CarePathwayModel(scenario=small_council(ON), rng=3)
    assert model.change_day == DAY
    assert_same(model.run(), in_house)
    assert model.changed_at == DAY and model.change_day is None


def test_a_switch_changes_the_run_from_the_change_day_only(in_house):
    results = CarePathwayModel(scenario=small_council(ON, preset="social_enterprise"), rng=3).run()
    ts, base = results.timeseries, in_house.timeseries
    pd.testing.assert_frame_equal(ts.loc[: DAY - 1], base.loc[: DAY - 1], check_exact=True)
    early = results.events["time"] < DAY
    pd.testing.assert_frame_equal(
        results.events[early],
        in_house.events[in_house.events["time"] < DAY],
        check_exact=True,
    )
    assert not ts.loc[DAY:].equals(base.loc[DAY:])
    # The enterprise's council checks and overhead are paid from the change day on.
    for component in ("council_checking", "organisation_overhead"):
        spent = ts[f"spend_{component}_to_date"]
        assert spent.loc[DAY - 1] == 0.0 and spent.iloc[-1] > 0.0
    assert results.summary["run"]["preset"] == "social_enterprise"


def test_staff_who_do_not_transfer_leave_on_the_change_day():
    scenario = small_council(ON | {"change.staff_leaving_share": 1.0}, preset="care_trust_plus")
    ts = CarePathwayModel(scenario=scenario, rng=3).run().timeseries
    permanent = ts["social_workers"] - ts["agency_workers"]
    left = ts["leavers_to_date"].loc[DAY] - ts["leavers_to_date"].loc[DAY - 1]
    assert left == permanent.loc[DAY - 1] > 10
    assert permanent.loc[DAY] == 0
    # Their posts are recruited to again.
    assert permanent.iloc[-1] > 10


def test_the_set_up_cost_is_spent_from_the_change_day():
    scenario = small_council(
        ON | {"organisation.setup_days": 100, "change.day": 300}, preset="social_enterprise"
    )
    results = CarePathwayModel(scenario=scenario, rng=3).run()
    spent = results.timeseries["spend_setup_to_date"]
    cost = scenario.organisation.setup_cost
    assert cost > 0
    assert spent.loc[299] == 0.0
    assert spent.loc[350] == pytest.approx(cost / 2)
    assert spent.loc[400] == pytest.approx(cost) == spent.iloc[-1]
    assert results.summary["cost"]["one_off_setup_total"] == pytest.approx(cost)
    # Off: paid from day 0, inside the warm-up, as without a change.
    early = small_council(
        ON | {"organisation.setup_days": 100, "change.setup_on_change_day": False},
        preset="social_enterprise",
    )
    spent = CarePathwayModel(scenario=early, rng=3).run().timeseries["spend_setup_to_date"]
    assert spent.loc[100] == pytest.approx(cost)


def test_the_transition_lowers_casework_hours_for_its_length():
    settings = {"change.transition_days": 60.0, "change.transition_productivity": 0.6}
    model = CarePathwayModel(
        scenario=small_council(ON | settings, preset="nhs_shared_service"), rng=3
    )
    model.run(until=DAY + 10)
    worker = next(iter(model.team.workers.values()))
    dipped = worker.daily_pathway_hours()
    assert model.productivity == 0.6
    model.run(until=DAY + 61)
    assert model.productivity == 1.0
    assert dipped == pytest.approx(0.6 * worker.daily_pathway_hours(), rel=0.2)  # morale moves
    # The dip lengthens the assessment waits against the same switch without one.
    plain = CarePathwayModel(scenario=small_council(ON, preset="nhs_shared_service"), rng=3)
    plain.run(until=DAY + 61)
    waiting = "waiting_for_assessment"
    assert (
        model.results().timeseries[waiting].iloc[-1] > plain.results().timeseries[waiting].iloc[-1]
    )


def test_a_switch_back_in_house_ends_council_checks_and_their_cost():
    back = small_council(ON | {"change.current": "social_enterprise"})
    model = CarePathwayModel(scenario=back, rng=3)
    assert model.config.approval.council_checks_assessments
    model.run(until=DAY - 1)
    checking = model.ledger.accounts["council_checking"]
    assert checking.rate > 0
    model.run(until=DAY)
    assert not model.config.approval.council_checks_assessments
    assert checking.rate == pytest.approx(0.0, abs=1e-9)
    assert model.commissioner.checks_waiting == 0


def test_a_savings_target_cuts_posts_on_the_change_day():
    model = CarePathwayModel(scenario=small_council(ON, preset="outsourced"), rng=3)
    assert model.team.posts == 16
    model.run(until=DAY)
    assert model.team.posts == round(16 * (1 - 0.08)) == 15
    assert model.team.permanent_staff() + len(model.team.vacancies) <= 16
    model.run()
    assert model.team.permanent_staff() + len(model.team.vacancies) == 15


def test_faded_effects_move_back_towards_the_current_arrangement():
    fade = {"change.fade_per_year": 0.5}
    model = CarePathwayModel(
        scenario=small_council(ON | fade, preset="social_work_practice"), rng=3
    )
    model.run(until=DAY + 1)
    assert model.config.organisation.autonomy == 0.15
    model.run(until=DAY + 361)  # the monthly step on day DAY + 360
    assert model.config.organisation.autonomy == pytest.approx(0.15 * 0.5 ** (360 / 365))
    assert model.config.organisation.overhead_share == 0.08
