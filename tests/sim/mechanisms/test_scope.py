"""A scoped change: the option takes over a client group or a share of cases, the rest stay."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.engine.streams import make_streams
from carepath.sim.measure.summary import RunResults
from carepath.sim.mechanisms import scope
from carepath.sim.mechanisms.workforce import pay_per_day
from carepath.sim.scenario import GROUPS, ScenarioError, Scope
from carepath.sim.states import State

from tests.sim.mechanisms.council import SEEDS, SMALL_COUNCIL, mean_over, small_council

DAY = SMALL_COUNCIL["run.warmup_days"] + 1  # the default change day
ON = {"change.enabled": True}
HALF = ON | {"change.scope.share": 0.5}
LD = GROUPS.index("learning_disability")


def assert_same(a: RunResults, b: RunResults) -> None:
    assert json.dumps(a.summary, sort_keys=True, default=str) == json.dumps(
        b.summary, sort_keys=True, default=str
    )
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)


# -- the rules, with their parameters passed in ------------------------------------------------
def test_who_is_in_scope_follows_the_groups_and_the_share_by_a_fixed_draw():
    ids = range(20_000)
    everyone = [scope.in_scope(0, i, None, 1.0, 0.3) for i in ids]
    assert all(everyone)
    assert not any(scope.in_scope(0, i, None, 0.0, 0.3) for i in ids)
    assert not any(scope.in_scope(0, i, frozenset({LD}), 1.0, 0.3) for i in ids)
    assert all(scope.in_scope(LD, i, frozenset({LD}), 1.0, 0.3) for i in ids)
    # A share of people, evenly spread over arrivals: close in every stretch, not only overall.
    half = np.array([scope.in_scope(0, i, None, 0.3, 0.7) for i in ids])
    assert abs(half.mean() - 0.3) < 1e-3
    assert abs(half[:500].mean() - 0.3) < 0.01
    # Another seed's offset puts other people in scope; the same seed always the same ones.
    other = np.array([scope.in_scope(0, i, None, 0.3, 0.2) for i in ids])
    assert (half != other).mean() > 0.2
    assert scope.scope_offset(12345) == scope.scope_offset(12345) != scope.scope_offset(12346)
    assert 0.0 <= scope.scope_offset(np.random.SeedSequence(4)) < 1.0
    assert scope.scoped_groups(Scope()) is None
    assert scope.scoped_groups(Scope(groups=("mental_health",))) == {GROUPS.index("mental_health")}


def test_the_work_in_scope_is_the_scoped_groups_hours_times_the_share():
    hours = [60.0, 0.0, 20.0, 10.0, 10.0, 0.0]
    assert scope.scoped_work_share(hours, None, 0.5, [1.0] * 6) == 0.5
    assert scope.scoped_work_share(hours, frozenset({LD}), 1.0, [1.0] * 6) == pytest.approx(0.1)
    assert scope.scoped_work_share(hours, frozenset({2, 3}), 0.5, [1.0] * 6) == pytest.approx(0.15)
    # No work done yet: the mix of new requests instead.
    assert scope.scoped_work_share([0.0] * 6, frozenset({LD}), 1.0, [3, 0, 0, 1, 0, 0]) == 0.25


def test_each_team_holds_its_share_of_the_establishment_and_of_the_checking_officers():
    option = small_council(preset="outsourced")
    team = scope.team_settings(option, 0.25, 0.4)
    assert team.workforce.establishment_fte == 16 * 0.25
    assert team.approval.checker_fte == pytest.approx(option.approval.checker_fte * 0.4)
    assert team.workforce.admin_share == option.workforce.admin_share == 0.37
    assert team.organisation == option.organisation


def test_a_share_of_the_permanent_staff_move_chosen_at_random():
    stream = make_streams(3)["workforce"]
    workers = list(range(40))
    assert scope.movers(workers, 0.0, stream) == [] and stream._uni_i == 0
    assert scope.movers(workers, 1.0, stream) == workers and stream._uni_i == 0
    moved = scope.movers(workers, 0.25, stream)
    assert len(moved) == 10 and moved == sorted(moved) and moved != workers[:10]


def test_bad_scopes_are_refused_in_one_line():
    with pytest.raises(
        ScenarioError, match=r"^change.scope.groups: unknown client group 'elderly'"
    ):
        small_council(ON | {"change.scope.groups": ["elderly"]})
    with pytest.raises(ScenarioError, match=r"^change.scope.share: .*less than or equal to 1"):
        small_council(ON | {"change.scope.share": 1.5})
    with pytest.raises(ScenarioError, match=r"^change: a scope .* needs enabled = true"):
        small_council({"change.scope.share": 0.5})


def waiting_in_scope(model: CarePathwayModel) -> int:
    """People in scope waiting for an assessment, counted one by one."""
    teams = model.scope
    return sum(
        1
        for p in model.agents
        if getattr(p, "state", None) is State.AWAITING_ASSESSMENT and teams.covers(p)
    )


# -- in a run ---------------------------------------------------------------------------------
def test_a_scope_of_no_cases_is_no_change(council):
    nobody = small_council(ON | {"change.scope.share": 0.0}, preset="social_enterprise")
    model = CarePathwayModel(scenario=nobody, rng=1)
    assert_same(model.run(), council())
    assert model.scope is None and model.changed_at == DAY


def test_a_scope_of_every_group_and_case_is_the_whole_service_change():
    whole = small_council(ON, preset="outsourced")
    every = small_council(
        ON | {"change.scope.groups": list(GROUPS), "change.scope.share": 1.0}, preset="outsourced"
    )
    assert_same(
        CarePathwayModel(scenario=every, rng=1).run(), CarePathwayModel(scenario=whole, rng=1).run()
    )
    # Nearly all of it: the split service behaves much as the whole one does.
    nearly = small_council(ON | {"change.scope.share": 0.97}, preset="outsourced")
    split = CarePathwayModel(scenario=nearly, rng=1).run().summary
    one = CarePathwayModel(scenario=whole, rng=1).run().summary
    assert split["scope"]["staff_share"] == pytest.approx(0.97)
    assert split["assessment"]["people_waiting_mean"] == pytest.approx(
        one["assessment"]["people_waiting_mean"], rel=0.25
    )
    assert split["cost"]["by_component_per_year"]["contract_margin"] == pytest.approx(
        one["cost"]["by_component_per_year"]["contract_margin"], rel=0.1
    )


def test_the_change_day_splits_staff_posts_cases_and_queues_by_scope():
    scenario = small_council(
        ON | {"change.scope.groups": ["physical_support"], "change.scope.share": 0.6},
        preset="outsourced",
    )
    model = CarePathwayModel(scenario=scenario, rng=2)
    model.run(until=DAY - 1)
    hours = list(model.team.hours_by_group)
    permanent = model.team.permanent_staff()
    model.run(until=DAY)
    teams = model.scope
    expected = 0.6 * hours[GROUPS.index("physical_support")] / sum(hours)
    assert teams.staff_share == pytest.approx(expected) and 0.2 < expected < 0.6
    assert teams.option.posts == round(16 * expected * (1 - 0.08))
    assert teams.rest.posts == round(16 * (1 - expected))
    assert teams.option.permanent_staff() == round(expected * permanent)
    assert teams.option.permanent_staff() + teams.rest.permanent_staff() == permanent
    # Every open case and queued piece of work is with the team that holds the person's case.
    for team in teams.teams:
        for worker in team.workers.values():
            assert worker.team is team
            assert all(teams.team_of(p) is team for p in worker.cases.values())
        for queue in team.queues:
            assert all(teams.team_of(p) is team for p, t in queue if t == p.ticket)
    assert teams.waiting_in_scope == waiting_in_scope(model)
    model.run()
    assert teams.waiting_in_scope == waiting_in_scope(model)


def test_each_team_works_and_is_paid_under_its_own_arrangement():
    scenario = small_council(HALF, preset="outsourced")
    model = CarePathwayModel(scenario=scenario, rng=1)
    model.run(until=DAY + 100)
    teams = model.scope
    option, rest = teams.option, teams.rest
    assert option.config.workforce.admin_share == 0.37
    assert rest.config.workforce.admin_share == 0.35
    assert model.config.organisation.preset == "in_house"  # the council's own settings stay
    # The margin and overhead fall on the contractor's staff only.
    margin = sum(
        pay_per_day(option.config.workforce, option.config.organisation, agency=w.agency)[3]
        for w in option.workers.values()
    )
    assert model.ledger.accounts["contract_margin"].rate == pytest.approx(margin)
    assert margin > 0
    # People in scope are decided under the option's values, the rest under the council's.
    people = [a for a in model.agents if hasattr(a, "traits")]
    inside = [p for p in people if teams.covers(p)]
    assert 0.4 < len(inside) / len(people) < 0.6
    assert all(model.arrangement(p).approval.rework_share == 0.12 for p in inside)
    assert all(
        model.arrangement(p).approval.rework_share == 0.05 for p in people if p not in inside
    )
    # The council checks the contractor's assessments only, with officers in proportion.
    assert model.commissioner.checks_done > 0
    assert all(
        teams.covers(p)
        for p, _ in [*model.commissioner.hospital_checks, *model.commissioner.community_checks]
    )
    officers = model.ledger.accounts["council_checking"].rate
    whole = CarePathwayModel(scenario=small_council(ON, preset="outsourced"), rng=1)
    whole.run(until=DAY + 100)
    assert officers == pytest.approx(0.5 * whole.ledger.accounts["council_checking"].rate)
    # Set-up grows with the staff moved.
    results = model.run()
    assert results.summary["cost"]["one_off_setup_total"] == pytest.approx(
        0.5 * scenario.organisation.setup_cost
    )
    # Each team's staff cost, counted daily, adds up to the ledger's staff components.
    spend = results.summary["cost"]["by_component_per_year"]
    staff = sum(spend[c] for c in ("social_work_staff", "agency_premium", "contract_margin"))
    staff += spend["organisation_overhead"]
    split = results.summary["scope"]
    both = split["staff_cost_per_year_in_scope"] + split["staff_cost_per_year_rest"]
    assert both == pytest.approx(staff, rel=0.02)
    # A contractor's worker costs more: its overhead and margin.
    per_worker = {
        side: split[f"staff_cost_per_year_{side}"] / split[f"social_workers_mean_{side}"]
        for side in ("in_scope", "rest")
    }
    assert per_worker["in_scope"] > per_worker["rest"]


def test_a_scoped_option_changes_the_waits_of_people_in_scope_more_than_of_the_rest():
    def waits(admin_share: float, seed: int) -> dict:
        # Half the people of every group in scope; the option's admin share contrasted.
        settings = {"change.scope.share": 0.5, "workforce.admin_share": admin_share}
        scenario = small_council(ON | settings, preset="social_work_practice")
        return CarePathwayModel(scenario=scenario, rng=seed).run().summary["scope"]

    def effect(key: str) -> float:
        return mean_over(waits(0.5, s)[key] - waits(0.25, s)[key] for s in SEEDS)

    inside = effect("wait_median_days_community_in_scope")
    rest = effect("wait_median_days_community_rest")
    assert inside > 10.0
    assert inside > 3 * abs(rest)
    assert effect("people_waiting_mean_in_scope") > 3 * abs(effect("people_waiting_mean_rest"))


def test_only_the_options_team_dips_leaves_at_transfer_and_fades():
    settings = {
        "change.transition_days": 60.0,
        "change.transition_productivity": 0.6,
        "change.staff_leaving_share": 1.0,
        "change.fade_per_year": 0.5,
    }
    model = CarePathwayModel(
        scenario=small_council(HALF | settings, preset="social_work_practice"), rng=3
    )
    model.run(until=DAY - 1)
    leavers = model.team.leavers
    model.run(until=DAY)
    teams = model.scope
    assert teams.option.productivity == model.productivity == 0.6
    assert teams.rest.productivity == 1.0
    assert teams.option.permanent_staff() == 0 and teams.rest.permanent_staff() > 4
    assert teams.option.leavers > 0 and teams.rest.leavers == leavers
    model.run(until=DAY + 361)
    assert teams.option.productivity == 1.0
    assert teams.option.config.organisation.autonomy == pytest.approx(0.15 * 0.5 ** (360 / 365))
    assert teams.rest.config.organisation.autonomy == 0.0


def test_a_larger_staff_share_shortens_waits_in_scope_and_lengthens_the_rest():
    def split(staff_share: float, seed: int) -> dict:
        scenario = small_council(
            HALF | {"change.scope.staff_share": staff_share}, preset="social_enterprise"
        )
        return CarePathwayModel(scenario=scenario, rng=seed).run().summary["scope"]

    generous = [split(0.7, s) for s in SEEDS]
    lean = [split(0.3, s) for s in SEEDS]
    assert generous[0]["staff_share"] == 0.7
    assert generous[0]["work_share"] == lean[0]["work_share"] == 0.5
    assert generous[0]["funded_posts_in_scope"] == round(16 * 0.7 * (1 - 0.04)) == 11
    assert generous[0]["funded_posts_rest"] == round(16 * 0.3) == 5
    key = "people_waiting_mean_{}"
    assert mean_over(g[key.format("in_scope")] for g in generous) < mean_over(
        x[key.format("in_scope")] for x in lean
    )
    assert mean_over(g[key.format("rest")] for g in generous) > mean_over(
        x[key.format("rest")] for x in lean
    )
