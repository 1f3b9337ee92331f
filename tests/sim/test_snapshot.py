"""Snapshots: a run saved, loaded and carried on is the run never stopped, byte for byte."""

from __future__ import annotations

import json
import os
from pathlib import Path

import pandas as pd
import pytest
from carepath.sim import CarePathwayModel
from carepath.sim import snapshot as snap
from carepath.sim.measure.summary import RunResults
from carepath.sim.snapshot import SnapshotError, load_snapshot, read_header, save_snapshot

from tests.sim.mechanisms.council import small_council

SEED = 5
DAY = 200  # after the warm-up (180 days), with people in every state and timers pending


def assert_same(a: RunResults, b: RunResults) -> None:
    """The three outputs are equal exactly: KPIs, daily series and every event row."""
    assert json.dumps(a.summary, sort_keys=True, default=str) == json.dumps(
        b.summary, sort_keys=True, default=str
    )
    pd.testing.assert_frame_equal(a.timeseries, b.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(a.events, b.events, check_exact=True)


@pytest.fixture(scope="module")
def scenario():
    # The social enterprise: council checks, rework and a set-up cost have state to carry.
    return small_council(preset="social_enterprise")


@pytest.fixture(scope="module")
def unbroken(scenario) -> RunResults:
    return CarePathwayModel(scenario=scenario, rng=SEED).run()


@pytest.fixture(scope="module")
def saved(scenario, tmp_path_factory) -> Path:
    model = CarePathwayModel(scenario=scenario, rng=SEED)
    model.run(until=DAY)
    return save_snapshot(model, tmp_path_factory.mktemp("snap") / "warm.snapshot")


def test_a_run_loaded_from_a_snapshot_finishes_as_the_unbroken_run(saved, unbroken):
    model = load_snapshot(saved)
    assert model.steps == DAY and model.now == DAY
    assert_same(model.run(), unbroken)
    assert len(unbroken.events) > 1000 and unbroken.timeseries.index[-1] == 730


def test_saving_leaves_the_running_model_as_it_was(scenario, unbroken, tmp_path):
    model = CarePathwayModel(scenario=scenario, rng=SEED)
    model.run(until=DAY)
    save_snapshot(model, tmp_path / "a.snapshot")
    assert_same(model.run(), unbroken)


def test_two_loads_of_one_snapshot_share_no_state(saved, unbroken):
    first, second = load_snapshot(saved), load_snapshot(saved)
    first.run(until=DAY + 150)  # one fork moves ahead while the other waits
    assert second.steps == DAY
    assert_same(second.run(), unbroken)
    assert_same(first.run(), unbroken)


def test_a_snapshot_taken_on_day_zero_and_on_the_last_day_carry_on_too(
    scenario, unbroken, tmp_path
):
    model = CarePathwayModel(scenario=scenario, rng=SEED)
    save_snapshot(model, tmp_path / "day0.snapshot")
    assert_same(load_snapshot(tmp_path / "day0.snapshot").run(), unbroken)
    model.run()
    save_snapshot(model, tmp_path / "end.snapshot")
    assert_same(load_snapshot(tmp_path / "end.snapshot").results(), unbroken)


def test_the_header_records_format_code_scenario_and_day(saved, scenario):
    header = read_header(saved)
    assert header["format"] == snap.FORMAT and header["version"] == snap.FORMAT_VERSION
    assert header["code"] == snap.code_identity()
    assert header["scenario"] == snap.scenario_identity(scenario)
    assert header["day"] == DAY and header["seed"] == str(SEED)


def _rewrite_header(source: Path, target: Path, **changes) -> Path:
    header, payload = source.read_bytes().split(b"\n", 1)
    fields = json.loads(header) | changes
    target.write_bytes(json.dumps(fields).encode() + b"\n" + payload)
    return target


def test_a_snapshot_from_other_code_or_format_is_refused_in_one_line(saved, tmp_path):
    code = snap.code_identity() | {"source": "0123456789abcdef"}
    stale = _rewrite_header(saved, tmp_path / "stale.snapshot", code=code)
    with pytest.raises(SnapshotError, match=r"made by other code: source 0123456789abcdef") as e:
        load_snapshot(stale)
    assert "\n" not in str(e.value)
    old = _rewrite_header(saved, tmp_path / "old.snapshot", version=0)
    with pytest.raises(SnapshotError, match=r"format version 0, this carepath reads version 1"):
        load_snapshot(old)
    other = tmp_path / "other.snapshot"
    other.write_bytes(b"PAR1 not a snapshot")
    with pytest.raises(SnapshotError, match=r"not a carepath snapshot"):
        load_snapshot(other)
    with pytest.raises(SnapshotError, match=r"cannot read"):
        load_snapshot(tmp_path / "missing.snapshot")


def test_a_snapshot_of_another_scenario_is_refused(saved, scenario):
    other = small_council({"reablement.places": 18}, preset="social_enterprise")
    with pytest.raises(SnapshotError, match=r"made for another scenario"):
        load_snapshot(saved, scenario=other)
    assert load_snapshot(saved, scenario=scenario).steps == DAY


def test_a_failed_write_leaves_the_old_file_whole_and_no_temporary_file(
    saved, tmp_path, monkeypatch
):
    target = tmp_path / "kept.snapshot"
    target.write_bytes(saved.read_bytes())
    model = load_snapshot(saved)
    model.run(until=DAY + 10)

    def full_disk(fd: int) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "fsync", full_disk)
    with pytest.raises(OSError, match="No space left"):
        save_snapshot(model, target)
    assert target.read_bytes() == saved.read_bytes()
    assert sorted(p.name for p in tmp_path.iterdir()) == ["kept.snapshot"]


# -- forking options from one warm-up -----------------------------------------------------------
CHANGE = {"change.enabled": True, "change.staff_leaving_share": 0.2, "change.transition_days": 60.0}


def first_contacts(model: CarePathwayModel) -> pd.DataFrame:
    """Who asked the council for the first time, when (community requests and admissions)."""
    contacts = model.tally.contacts.frame()
    first = contacts[(contacts["repeat"] == 0) & (contacts["route"] == 0)]
    return first[["time", "hospital", "band", "group"]].reset_index(drop=True)


def test_options_forked_from_the_eve_of_the_change_are_their_unbroken_runs(tmp_path):
    enterprise = small_council(CHANGE, preset="social_enterprise")
    trust = small_council(CHANGE, preset="care_trust_plus")
    warm = CarePathwayModel(scenario=enterprise, rng=SEED)
    warm.run(until=warm.change_day - 1)
    path = save_snapshot(warm, tmp_path / "eve.snapshot")
    forks = {}
    for scenario in (trust, enterprise):
        model = load_snapshot(path, scenario=scenario)
        results = model.run()
        assert_same(results, CarePathwayModel(scenario=scenario, rng=SEED).run())
        forks[scenario.organisation.preset] = (results, model)
    (a, model_a), (b, model_b) = forks.values()
    assert a.summary["run"]["preset"] == "care_trust_plus"
    assert b.summary["run"]["preset"] == "social_enterprise"
    # Common random numbers: the same people ask for help on the same days in both options...
    pd.testing.assert_frame_equal(first_contacts(model_a), first_contacts(model_b))
    # ...and what happens to them differs.
    assert a.summary["cost"]["total_per_year"] != b.summary["cost"]["total_per_year"]


def test_options_that_differ_in_what_the_warm_up_never_reads_fork_from_one_warm_up(tmp_path):
    # In-house checks nothing and buys nothing from a social enterprise: the council's checking
    # settings and an enterprise's terms are read only after the change.
    def option(checkers: float, factor: float, preset: str = "provision_social_enterprise"):
        return small_council(
            CHANGE
            | {
                "approval.checker_fte": checkers,
                "approval.extra_checkers_per_overshoot": checkers / 4,
                "provision.social_enterprise.home_care_cost_factor": factor,
            },
            preset=preset,
        )

    blackburn, other = option(0.4, 1.25), option(0.9, 1.4)
    assert snap.scenario_identity(blackburn) == snap.scenario_identity(other)
    # A value the warm-up reads still parts them.
    busier = small_council(CHANGE | {"workforce.agency_premium": 0.6}, preset="social_enterprise")
    assert snap.scenario_identity(busier) != snap.scenario_identity(
        option(0.4, 1.25, "social_enterprise")
    )
    warm = CarePathwayModel(scenario=blackburn, rng=SEED)
    warm.run(until=warm.change_day - 1)
    path = save_snapshot(warm, tmp_path / "eve.snapshot")
    for scenario in (other, option(0.9, 1.4, "social_enterprise")):
        forked = load_snapshot(path, scenario=scenario).run()
        assert_same(forked, CarePathwayModel(scenario=scenario, rng=SEED).run())


def test_a_fork_is_refused_once_its_change_day_has_passed(tmp_path):
    scenario = small_council(CHANGE, preset="social_enterprise")
    model = CarePathwayModel(scenario=scenario, rng=SEED)
    model.run(until=model.change_day + 5)
    path = save_snapshot(model, tmp_path / "late.snapshot")
    with pytest.raises(SnapshotError, match=r"changed arrangement on day 181; it carries on"):
        load_snapshot(path, scenario=small_council(CHANGE, preset="care_trust_plus"))
    # Under its own scenario it carries on as the unbroken run.
    unbroken = CarePathwayModel(scenario=scenario, rng=SEED).run()
    assert_same(load_snapshot(path, scenario=scenario).run(), unbroken)
    # A fork whose change would come before the snapshot's day is refused too.
    early = CarePathwayModel(scenario=scenario, rng=SEED)
    early.run(until=100)
    path = save_snapshot(early, tmp_path / "early.snapshot")
    later = small_council(CHANGE | {"change.day": 50}, preset="care_trust_plus")
    with pytest.raises(SnapshotError, match=r"the change on day 50 must come after day 100"):
        load_snapshot(path, scenario=later)


def test_scoped_options_forked_from_one_warm_up_are_their_unbroken_runs(tmp_path):
    # One warm-up serves the whole-service option and options that take over part of it.
    whole = small_council(CHANGE, preset="social_work_practice")
    scoped = [
        small_council(
            CHANGE | {"change.scope.groups": ["learning_disability", "mental_health"]},
            preset="social_work_practice",
        ),
        small_council(
            CHANGE | {"change.scope.share": 0.4, "change.fade_per_year": 0.5},
            preset="outsourced",
        ),
    ]
    warm = CarePathwayModel(scenario=whole, rng=SEED)
    warm.run(until=warm.change_day - 1)
    path = save_snapshot(warm, tmp_path / "eve.snapshot")
    for scenario in scoped:
        model = load_snapshot(path, scenario=scenario)
        results = model.run()
        assert model.scope is not None and "scope" in results.summary
        assert_same(results, CarePathwayModel(scenario=scenario, rng=SEED).run())
    # A snapshot taken after the split carries the two teams on as the unbroken run.
    split = CarePathwayModel(scenario=scoped[1], rng=SEED)
    split.run(until=split.change_day + 30)
    later = save_snapshot(split, tmp_path / "split.snapshot")
    assert_same(load_snapshot(later).run(), CarePathwayModel(scenario=scoped[1], rng=SEED).run())
