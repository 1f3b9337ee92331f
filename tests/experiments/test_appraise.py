"""``carepath appraise``: the file, the draws, the paired analysis, resume and the report."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from carepath.experiments.appraise.analysis import (
    COST_PV,
    NET_BENEFIT,
    difference_table,
    discount_factors,
    level_values,
    paired_differences,
    ranking,
    run_measures,
    verdict,
    yearly_spend,
)
from carepath.experiments.appraise.draws import acts_in_warmup, uncertain_columns
from carepath.experiments.appraise.plan import load_appraisal
from carepath.experiments.appraise.report import build_appraisal_report
from carepath.experiments.appraise.spec import AppraisalError, parse_appraisal
from carepath.experiments.store import StoreError, read_runs, read_timeseries
from carepath.experiments.sweep import sweep
from carepath.sim.presets import ORGANISATIONAL_MODELS, PRESETS

from carepath.cli import main
from tests.sim.mechanisms.council import SMALL_COUNCIL

COUNCIL = {k: v for k, v in SMALL_COUNCIL.items() if not k.startswith("run.")}


def _write(folder: Path, **changes) -> Path:
    lines = [
        'name = "tiny"',
        f"seed = {changes.pop('seed', 7)}",
        'options = ["in_house", "social_work_practice"]',
        "draws = 3",
        f"current_levels = {changes.pop('current_levels', 2)}",
        "replications = 1",
        "horizon_years = 1",
        "warmup_days = 180",
        "[scenario.set]",
        *(f'"{k}" = {v!r}' for k, v in COUNCIL.items()),
    ]
    path = folder / "tiny.toml"
    path.write_text("\n".join(lines) + "\n")
    return path


@pytest.fixture(scope="module")
def finished(tmp_path_factory) -> tuple[Path, object]:
    folder = tmp_path_factory.mktemp("appraise")
    planned = load_appraisal(_write(folder))
    out = folder / "out"
    report = sweep(planned.plan, out, workers=1)
    assert report.failed == 0
    return out, planned


def test_bad_fields_are_refused_in_one_line_naming_them():
    with pytest.raises(AppraisalError, match=r"options: unknown preset 'nope'; allowed: in_house"):
        parse_appraisal({"seed": 1, "name": "x", "options": ["nope"]})
    with pytest.raises(AppraisalError, match=r"scenario.set: run.years is set by the appraisal"):
        parse_appraisal({"seed": 1, "name": "x", "scenario": {"set": {"run.years": 3}}})
    with pytest.raises(AppraisalError, match=r"scenario.set: workforce.admin_share is an option"):
        parse_appraisal(
            {"seed": 1, "name": "x", "scenario": {"set": {"workforce.admin_share": 0.3}}}
        )
    with pytest.raises(AppraisalError, match=r"kpis: unknown KPI 'x.y'"):
        parse_appraisal({"seed": 1, "name": "x", "kpis": ["x.y"]})
    with pytest.raises(AppraisalError, match=r"discount_rate"):
        parse_appraisal({"seed": 1, "name": "x", "discount_rate": -0.1})


@pytest.mark.parametrize(
    ("path", "entry", "message"),
    [
        ("workforce.admin_share", {"low": 0.2, "high": 0.4}, "set by the appraisal or by the"),
        ("change.current", {"low": 0, "high": 1}, "set by the appraisal or by the options"),
        ("approval.nope", {"low": 0, "high": 1}, "not a number in the scenario"),
        ("clients.mental_health.request_share", {"low": 0, "high": 1}, "not a number in the"),
        ("eligibility.threshold", {"low": 0, "high": 1}, "not a number in the scenario"),
        ("approval.checker_fte", {"low": 3, "high": 1}, "low 3 must be below high 1"),
        ("change.staff_leaving_share", {"low": 0, "high": 2}, "inside the field's limits 0 to 1"),
        ("approval.checker_fte", {"low": 1, "high": 3, "shape": "normal"}, "triangular"),
    ],
)
def test_bad_uncertain_council_values_are_refused_naming_them(path, entry, message):
    with pytest.raises(AppraisalError, match=rf"uncertain.*{message}") as caught:
        parse_appraisal({"seed": 1, "name": "x", "uncertain": {path: entry}})
    assert len(str(caught.value).splitlines()) == 1


def test_a_council_value_drawn_before_the_change_needs_levels(tmp_path):
    entry = {"workforce.agency_premium": {"low": 0.2, "high": 0.8}}
    with pytest.raises(
        AppraisalError, match=r"uncertain.workforce.agency_premium: acts in the warm"
    ):
        parse_appraisal({"seed": 1, "name": "x", "current_levels": 0, "uncertain": entry})
    # A council value whose distribution misses the council's own value is refused on planning.
    path = _write(tmp_path)
    text = path.read_text().replace('"approval.checker_fte" = 0.4\n', "")
    path.write_text(
        text.replace(
            "[scenario.set]",
            '[uncertain."approval.checker_fte"]\nlow = 3\nhigh = 5\n[scenario.set]',
        )
    )
    with pytest.raises(
        AppraisalError,
        match=r"uncertain.approval.checker_fte: \[3, 5\] does not hold the council's value 0.4;",
    ):
        load_appraisal(path)


def test_an_option_may_take_over_part_of_the_service(tmp_path):
    from carepath.experiments.appraise.report import scope_note

    path = _write(tmp_path)
    path.write_text(
        path.read_text().replace(
            "[scenario.set]",
            '[scope.social_work_practice]\ngroups = ["learning_disability"]\nshare = 0.5\n'
            "[scenario.set]",
        )
    )
    planned = load_appraisal(path)
    arm = planned.plan.arms[planned.arm_of[(0, "social_work_practice")]][0]
    assert arm.values["change.scope.groups"] == ["learning_disability"]
    assert arm.values["change.scope.share"] == 0.5
    level = planned.plan.arms[planned.arm_of[(0, "in_house")]][0]
    assert not any(k.startswith("change.scope") for k in level.values)
    note = scope_note(planned, "social_work_practice")
    assert note == " (taking over learning disability, 50% of their cases only)"
    with pytest.raises(AppraisalError, match=r"^scope.in_house: not an option of this appraisal"):
        parse_appraisal({"seed": 1, "name": "x", "scope": {"in_house": {"share": 0.5}}})
    with pytest.raises(AppraisalError, match=r"scope.outsourced.groups.*unknown client group"):
        parse_appraisal(
            {
                "seed": 1,
                "name": "x",
                "scope": {"outsourced": {"groups": ["elderly"]}},
            }
        )


def test_council_values_are_drawn_with_the_levels_or_in_every_draw(tmp_path):
    path = _write(tmp_path)
    text = path.read_text().replace('"approval.checker_fte" = 0.4\n', "")
    path.write_text(
        text.replace(
            "[scenario.set]",
            '[uncertain."workforce.agency_premium"]\nlow = 0.3\nhigh = 0.7\n'
            '[uncertain."approval.checker_fte"]\nlow = 0.2\nhigh = 1\n'
            '[uncertain."change.staff_leaving_share"]\nshape = "uniform"\nlow = 0\nhigh = 0.2\n'
            "[scenario.set]",
        )
    )
    planned = load_appraisal(path)
    names = [c.name for c in planned.columns]
    premium = planned.values[:, names.index("council:workforce.agency_premium")]
    checkers = planned.values[:, names.index("council:approval.checker_fte")]
    leaving = planned.values[:, names.index("council:change.staff_leaving_share")]
    # The agency premium acts in the warm-up: one value per level (draws 0 and 1 share level 0).
    assert premium[0] == premium[1] != premium[2]
    # In-house checks nothing, so the officers act after the change only: a value every draw.
    assert len(set(checkers)) == 3 and ((checkers >= 0.2) & (checkers <= 1)).all()
    assert len(set(leaving)) == 3 and ((leaving >= 0) & (leaving <= 0.2)).all()
    for draw in range(3):
        arm = planned.plan.arms[planned.arm_of[(draw, "social_work_practice")]][0]
        assert arm.values["workforce.agency_premium"] == premium[draw]
        assert arm.values["approval.checker_fte"] == checkers[draw]
        assert arm.values["change.staff_leaving_share"] == leaving[draw]
        level = planned.plan.arms[planned.arm_of[(draw, "in_house")]][0]
        assert level.values["workforce.agency_premium"] == premium[draw]
        assert "approval.checker_fte" not in level.values
        assert "change.staff_leaving_share" not in level.values
    # What each level drew: the values acting in the warm-up, not those drawn every draw.
    drawn = level_values(planned)
    assert "council:workforce.agency_premium" in drawn.columns
    assert "council:approval.checker_fte" not in drawn.columns
    assert list(drawn["council:workforce.agency_premium"]) == sorted(
        set(premium), key=list(premium).index
    )


def test_the_command_exits_2_with_the_field_named(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text('seed = 1\ncurrent = "council"\n')
    assert main(["appraise", str(path), "--out", str(tmp_path / "out")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "current: unknown preset 'council'" in err[0]
    assert not (tmp_path / "out").exists()


def test_draws_cover_each_uncertain_value_and_hold_baseline_values():
    options = ["in_house", "social_enterprise"]
    columns = uncertain_columns(options, "in_house")
    drawn = {c.path for c in columns}
    enterprise = {p.path: p for p in PRESETS["social_enterprise"].parameters}
    # The current arrangement adds no column; a baseline-graded value (admin share) is held.
    assert all(c.option == "social_enterprise" for c in columns)
    assert enterprise["workforce.admin_share"].grade == "baseline"
    assert "workforce.admin_share" not in drawn
    assert drawn == {
        p for p, v in enterprise.items() if v.distribution is not None and v.grade != "baseline"
    }


def test_latin_hypercube_is_seeded_stratified_and_inside_each_distribution(tmp_path):
    planned = load_appraisal(_write(tmp_path))
    again = load_appraisal(_write(tmp_path))
    assert np.array_equal(planned.values, again.values)
    # One draw in each third of every option column's unit interval.
    own = [j for j, c in enumerate(planned.columns) if c.option != "in_house"]
    strata = np.sort(np.floor(planned.unit[:, own] * 3), axis=0)
    assert (strata == np.arange(3)[:, None]).all()
    for j, column in enumerate(planned.columns):
        d = column.distribution
        assert ((planned.values[:, j] >= d.low) & (planned.values[:, j] <= d.high)).all()
    # Each draw's option arm carries that draw's values, moved by the current arrangement's
    # level (two levels: draws 0 and 1 share the first).
    names = [c.name for c in planned.columns]
    mine, theirs = (
        names.index(f"{o}:workforce.admin_share") for o in ("social_work_practice", "in_house")
    )
    arm = planned.plan.arms[planned.arm_of[(1, "social_work_practice")]][0]
    shift = planned.values[1, theirs] - PRESETS["in_house"].parameters[0].value
    assert PRESETS["in_house"].parameters[0].path == "workforce.admin_share"
    assert arm.values["workforce.admin_share"] == pytest.approx(planned.values[1, mine] + shift)
    level = planned.plan.arms[planned.arm_of[(1, "in_house")]][0]
    assert level.values["workforce.admin_share"] == planned.values[1, theirs]
    assert arm.values["change.current_values"] == level.values["change.current_values"]
    assert [planned.arm_of[(d, "in_house")] for d in range(3)] == [0, 0, 3]
    assert len(planned.plan.tasks) == 2 + 3


def test_the_current_arrangement_is_drawn_at_levels_each_shared_by_a_block_of_draws(tmp_path):
    from carepath.experiments.appraise.draws import level_of, make_draws
    from carepath.sim.mechanisms.change import is_change
    from carepath.sim.model import resolve_scenario, warmup_of

    drawn = make_draws(["in_house", "social_enterprise"], "in_house", 10, 4, seed=3)
    assert [level_of(d, 10, 4) for d in range(10)] == [0, 0, 0, 1, 1, 2, 2, 2, 3, 3]
    current = [j for j, c in enumerate(drawn.columns) if c.option == "in_house"]
    assert {drawn.columns[j].path for j in current} == {
        p.path for p in PRESETS["in_house"].parameters if p.distribution is not None
    }
    # One value per level, stratified over the levels.
    assert len(np.unique(drawn.unit[:, current[0]])) == 4
    levels = np.unique(drawn.unit[:, current], axis=0)
    assert (np.sort(np.floor(levels * 4), axis=0) == np.arange(4)[:, None]).all()
    # A value the enterprise holds at in-house's (admin share, graded baseline) follows the level.
    from carepath.experiments.appraise.draws import current_values, option_values

    for draw in (0, 9):
        level = current_values(drawn, draw, "in_house")
        values = option_values(drawn, draw, "social_enterprise", "in_house")
        assert values["workforce.admin_share"] == level["workforce.admin_share"]
    # Held at its values (levels 0): no current columns, one arm, the options unshifted.
    planned = load_appraisal(_write(tmp_path, current_levels=0))
    assert all(c.option != "in_house" for c in planned.columns)
    assert {planned.arm_of[(d, "in_house")] for d in range(3)} == {0}
    arm = planned.plan.arms[planned.arm_of[(2, "social_work_practice")]][0]
    assert arm.values["workforce.admin_share"] == pytest.approx(planned.values[2, 0])
    assert "change.current_values" not in arm.values
    # The level's own arm is no change at all: its warm-up and its option are one arrangement.
    drawn_plan = load_appraisal(_write(tmp_path))
    level = drawn_plan.plan.arms[drawn_plan.arm_of[(1, "in_house")]][0]
    scenario = resolve_scenario(
        {"change": {"enabled": True, "current_values": level.values["change.current_values"]}},
        None,
        {},
    )
    data = scenario.model_dump()
    for path, value in level.values.items():
        if path.count(".") == 1 and not path.startswith(("organisation.preset", "change.")):
            section, name = path.split(".")
            data[section][name] = value
    option = resolve_scenario(data, None, {})
    assert not is_change(warmup_of(option), option)


def test_discounting_follows_the_green_book_and_the_years_after_the_change():
    assert discount_factors(3, 0.035) == pytest.approx([1.0, 1 / 1.035, 1 / 1.035**2])
    # Spend of £1 a day from day 0: each year after a 10-day warm-up is £365.
    days = np.arange(0, 10 + 2 * 365 + 1, 5.0)
    series = pd.DataFrame({"run_id": 0, "day": days, "spend_to_date": days})
    assert yearly_spend(series, 10, 2).to_numpy().tolist() == [[365.0, 365.0]]
    with pytest.raises(ValueError, match="no value on day 7"):
        yearly_spend(series, 7, 1)


def test_an_option_identical_to_the_current_arrangement_shows_no_difference(finished):
    out, planned = finished
    a = planned.appraisal
    measures = run_measures(read_runs(out), read_timeseries(out), a)
    pairs = paired_differences(measures, planned)
    table = difference_table(pairs, ["in_house", "social_work_practice"], [*a.kpis, COST_PV])
    same = table[table["option"] == "in_house"]
    assert len(same) == len(a.kpis) + 1
    assert (same[["mean_difference", "low", "high", "p_better", "p_worse"]] == 0).all().all()
    # The real option does differ (the comparison is not trivially zero everywhere).
    other = table[table["option"] == "social_work_practice"]
    assert (other["mean_difference"].abs() > 0).any()
    # Over a one-year horizon the discounted cost is that year's spend, set-up included: the
    # spend series' marks fall exactly on the measured period's ends.
    assert np.allclose(measures[COST_PV], measures["cost.total_per_year"], rtol=1e-12)


def test_report_is_self_contained_with_tables_and_a_summary(finished):
    out, planned = finished
    path = build_appraisal_report(out, planned)
    page = path.read_text()
    assert page.count("<svg") >= 2
    assert "<script" not in page and 'src="http' not in page and 'href="http' not in page
    assert "Summary for the committee" in page and "Social work practice" in page
    for name in (
        "ranking.csv",
        "differences.csv",
        "evppi.csv",
        "tornado.csv",
        "thresholds.csv",
        "levels.csv",
        "pairs.csv",
    ):
        assert (path.parent / name).exists()
    diffs = pd.read_csv(path.parent / "differences.csv")
    assert set(diffs["kpi"]) >= {NET_BENEFIT, COST_PV}
    # Every draw is at one level of the current arrangement, for every option; the level's
    # drawn values sit beside it, and the report says what one level carries.
    levels = pd.read_csv(path.parent / "levels.csv")
    a = planned.appraisal
    assert set(levels["option"]) == {"social_work_practice"}
    assert levels["draws"].sum() == a.draws and set(levels["level"]) == {0, 1}
    assert "in_house:workforce.admin_share" in levels.columns
    assert "How much one level of the current arrangement carries" in page
    assert "How much one level" in (path.parent / "report.md").read_text()


def test_leaving_out_an_outlying_level_shows_it_decides_the_ranking(tmp_path):
    from carepath.experiments.appraise.analysis import (
        best_without_each_level,
        level_effects,
        level_values,
        most_influential_levels,
    )
    from carepath.experiments.appraise.report import level_section

    path = _write(tmp_path, current_levels=3)
    path.write_text(path.read_text().replace("draws = 3", "draws = 6"))
    planned = load_appraisal(path)
    # Draws 0-1 are level 0, 2-3 level 1, 4-5 level 2; level 0 is an outlier (£m).
    nb = [-100.0, -120.0, 2.0, 4.0, 1.0, 5.0]
    pairs = pd.DataFrame(
        {
            "draw": range(6),
            "option": "social_work_practice",
            "replication": 0,
            NET_BENEFIT: [v * 1e6 for v in nb],
        }
    )
    effects = level_effects(pairs, planned).set_index("level")
    assert effects["draws"].tolist() == [2, 2, 2]
    assert effects["expected_net_benefit"].iloc[0] == pytest.approx(np.mean(nb) * 1e6)
    assert effects["at_level"].tolist() == pytest.approx([-110e6, 3e6, 3e6])
    # Without the outlier the option beats the current arrangement; without either other
    # level it is worse still.
    assert effects["without_level"].tolist() == pytest.approx([3e6, -53.5e6, -53.5e6])
    top = most_influential_levels(effects.reset_index(), "in_house").iloc[0]
    assert top["level"] == 0 and top["without_level"] == pytest.approx(3e6)
    assert (top["rank"], top["rank_without_level"]) == (2, 1)
    best = best_without_each_level(effects.reset_index(), "in_house")
    assert best.to_dict() == {0: "social_work_practice", 1: "in_house", 2: "in_house"}
    lines, table, described = level_section(
        planned, effects.reset_index(), ranking(pairs, "in_house", ["social_work_practice"])
    )
    assert (
        "Without level 0 alone, Social work practice would have the highest expected net "
        "benefit instead of keeping Council in-house (reformed)." in lines[1]
    )
    assert "Level 0 carries most for Social work practice" in lines[1]
    assert "Social work practice (-£34.67m → +£3.00m) would beat keeping" in lines[1]
    row = table.iloc[0]
    assert (row["Level 0"], row["All levels"], row["Level left out"], row["Without it"]) == (
        "-110.0",
        "-34.7",
        "0",
        "+3.0",
    )
    assert row["Place → without it"] == "2nd → 1st"
    # What each level drew: the level's first draw, one value per level.
    drawn = level_values(planned)
    j = next(i for i, c in enumerate(planned.columns) if c.option == "in_house")
    name = planned.columns[j].name
    assert drawn[name].tolist() == [planned.values[d, j] for d in (0, 2, 4)]
    assert described["Draws"].tolist() == [2, 2, 2]
    # Without levels every draw is one level, and nothing can be left out.
    flat = load_appraisal(_write(tmp_path, current_levels=0))
    first = pairs[pairs["draw"] < 3]
    one = level_effects(first, flat)
    assert one["level"].tolist() == [0] and one["without_level"].isna().all()
    assert level_section(flat, one, ranking(first, "in_house", ["social_work_practice"]))[1].empty


def test_a_killed_appraisal_resumes_to_the_same_results(tmp_path, finished):
    whole, _ = finished
    planned = load_appraisal(_write(tmp_path))
    out = tmp_path / "out"

    def die(outcome, done, total):
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        sweep(planned.plan, out, workers=1, progress=die)
    resumed = sweep(planned.plan, out, workers=1)
    assert resumed.skipped == 2 and resumed.ok == 3
    columns = ["run_id", "checksum"]
    assert read_runs(out)[columns].equals(read_runs(whole)[columns])
    # A different appraisal (another seed draws other values) is refused in that folder.
    other = load_appraisal(_write(tmp_path, seed=8))
    with pytest.raises(StoreError, match="holds a different experiment"):
        sweep(other.plan, out, workers=1)


def test_a_fork_from_a_kept_warm_up_is_the_run_made_without_one():
    from carepath.experiments.appraise import forking
    from carepath.sim import CarePathwayModel, build_scenario

    def scenario(preset: str):
        overrides = COUNCIL | {
            "run.years": 1.5,
            "run.warmup_days": 180,
            "change.enabled": True,
            "change.staff_leaving_share": 0.1,
        }
        return build_scenario(preset=preset, overrides=overrides)

    forking.clear()

    def seed():  # a fresh SeedSequence each time, as the runner makes one per run
        return np.random.SeedSequence(5).spawn(1)[0]

    first = forking.forked_model(scenario("outsourced"), seed())
    assert first.steps == 180  # warmed up to the eve of the change, and kept
    assert len(forking._WARMED) == 1
    fork = forking.forked_model(scenario("social_work_practice"), seed())
    assert len(forking._WARMED) == 1  # taken from the kept warm-up, not made again
    assert fork.steps == 180 and fork.option.organisation.preset == "social_work_practice"
    plain = CarePathwayModel(scenario=scenario("social_work_practice"), rng=seed()).run()
    assert fork.run().summary == plain.summary
    # Another seed is another warm-up: made afresh, not taken from the kept one.
    other = forking.forked_model(scenario("social_work_practice"), np.random.SeedSequence(6))
    assert other.steps == 180 and len(forking._WARMED) == 2
    forking.clear()


def test_the_stored_runs_checksum_as_runs_without_forking(finished):
    import dataclasses

    from carepath.experiments.appraise.forking import MODEL
    from carepath.experiments.runs import execute
    from carepath.experiments.spec import DEFAULT_MODEL

    out, planned = finished
    assert planned.plan.experiment.model == MODEL
    stored = read_runs(out).set_index("run_id")["checksum"]
    for task in planned.plan.tasks[1:3]:  # forked in the sweep from task 0's warm-up
        plain = execute(dataclasses.replace(task, model=DEFAULT_MODEL))
        assert plain.row["checksum"] == stored[task.run_id]


def test_an_option_with_costs_but_no_benefits_is_worse_on_cost_and_alike_on_waits(
    tmp_path, monkeypatch
):
    # An option that pays set-up and an overhead but acts on nothing else: every mechanism
    # of ways of working is graded baseline, held at the in-house value in every draw.
    import dataclasses

    from carepath.sim import presets
    from carepath.sim.evidence import Distribution

    costs = {
        "organisation.setup_cost": (300_000.0, Distribution("triangular", 1e5, 7e5, 3e5)),
        "organisation.overhead_share": (0.08, Distribution("triangular", 0.03, 0.15, 0.08)),
    }
    params = []
    for p in presets.PRESETS["in_house"].parameters:
        if p.path in costs:
            value, dist = costs[p.path]
            p = dataclasses.replace(p, value=value, grade="assumption", distribution=dist)
        else:
            p = dataclasses.replace(p, grade="baseline")
        params.append(p)
    option = dataclasses.replace(
        presets.PRESETS["in_house"], name="costs_only", parameters=tuple(params)
    )
    monkeypatch.setitem(presets.PRESETS, "costs_only", option)
    path = _write(tmp_path)
    path.write_text(
        path.read_text()
        .replace('["in_house", "social_work_practice"]', '["costs_only"]')
        .replace("replications = 1", "replications = 2")
    )
    planned = load_appraisal(path)
    own = [c.path for c in planned.columns if c.option == "costs_only"]
    assert sorted(own) == sorted(costs)
    # In-house's own values are drawn too, and the option's baseline values follow them.
    assert any(c.option == "in_house" for c in planned.columns)
    sweep(planned.plan, tmp_path / "out", workers=1)
    out = tmp_path / "out"
    measures = run_measures(read_runs(out), read_timeseries(out), planned.appraisal)
    pairs = paired_differences(measures, planned)
    waits = ["assessment.wait_median_days_community", "assessment.people_waiting_mean"]
    table = difference_table(pairs, ["costs_only"], [COST_PV, *waits]).set_index("kpi")
    assert table.loc[COST_PV, "p_worse"] == 1.0
    assert table.loc[COST_PV, "low"] > 0
    # Paying more for the same outcomes is never the better choice.
    ranked = ranking(pairs, "in_house", ["costs_only"]).set_index("option")
    assert ranked.loc["in_house", "p_best"] == 1.0
    assert ranked.loc["costs_only", "expected_net_benefit"] < 0
    # Overheads and set-up are money only, and the runs share their luck: waits are the same.
    for kpi in waits:
        row = table.loc[kpi]
        assert verdict(row["p_better"], row["p_worse"]) == "no difference"
        assert row["low"] == row["high"] == 0.0


def test_a_dask_cluster_gives_the_serial_results(tmp_path, finished):
    from distributed import LocalCluster

    whole, _ = finished
    planned = load_appraisal(_write(tmp_path))
    # One worker in this process: the machine's limits, and still the Dask code path.
    with LocalCluster(
        n_workers=1,
        threads_per_worker=1,
        processes=False,
        protocol="tcp",
        dashboard_address=None,
    ) as cluster:
        report = sweep(planned.plan, tmp_path / "dask", scheduler=cluster.scheduler_address)
    assert report.ok == len(planned.plan.tasks)
    pd.testing.assert_frame_equal(read_runs(tmp_path / "dask"), read_runs(whole))


def test_the_command_writes_the_report_resumes_and_refuses_another_plan(tmp_path, capsys):
    path = _write(tmp_path)
    out = tmp_path / "out"
    assert main(["appraise", str(path), "--out", str(out), "--workers", "1", "--quiet"]) == 0
    assert (out / "appraisal" / "report.html").exists()
    assert main(["appraise", str(path), "--out", str(out), "--workers", "1"]) == 0
    assert "5 already done" in capsys.readouterr().out
    path.write_text(path.read_text().replace("draws = 3", "draws = 4"))
    assert main(["appraise", str(path), "--out", str(out), "--workers", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "holds a different experiment" in err[0]


def test_a_failed_run_leaves_out_its_pairs_and_nothing_else(finished):
    from carepath.experiments.appraise.analysis import sensitivity

    out, planned = finished
    a = planned.appraisal
    measures = run_measures(read_runs(out), read_timeseries(out), a)
    whole = paired_differences(measures, planned)
    lost_arm = planned.arm_of[(1, "social_work_practice")]
    pairs = paired_differences(measures[measures["arm"] != lost_arm], planned)
    assert len(pairs) == len(whole) - 1
    assert not ((pairs["draw"] == 1) & (pairs["option"] == "social_work_practice")).any()
    found = sensitivity(pairs, planned, [*a.kpis, NET_BENEFIT])
    assert np.isfinite(found.evppi["evppi"]).all()
    # A level's own run failing leaves out every pair of the draws at that level, and only them.
    left = paired_differences(measures[measures["arm"] != 0], planned)
    assert set(left["draw"]) == {2}


def test_the_shipped_appraisal_plans_thirteen_options_by_a_hundred_draws():
    planned = load_appraisal(Path(__file__).parents[2] / "experiments" / "appraisal.toml")
    a = planned.appraisal
    assert len(a.options) == 13 and a.draws == 100 and a.discount_rate == 0.035
    # Every option the presets offer councils (the bracketing variants aside) is appraised.
    assert set(a.options) == set(ORGANISATIONAL_MODELS)
    # The current arrangement once per level, and each of the twelve other options in every draw.
    assert a.current_levels == planned.current_levels == 10
    assert len(planned.plan.tasks) == 10 + 12 * 100
    assert planned.plan.experiment.scenario.years == 10


def test_a_providers_terms_are_drawn_at_levels_only_if_the_current_arrangement_buys_from_it():
    # In-house today runs re-ablement itself and buys the rest from independent providers.
    assert acts_in_warmup("provision.in_house.home_care_cost_factor", "in_house")
    assert acts_in_warmup("provision.independent.care_home_cost_factor", "in_house")
    assert not acts_in_warmup("provision.social_enterprise.home_care_cost_factor", "in_house")
    # Blackburn's council, once its re-ablement is with an enterprise, buys from one.
    current = "provision_social_enterprise"
    assert acts_in_warmup("provision.social_enterprise.home_care_cost_factor", current)
    assert not acts_in_warmup("change.transition_days", "in_house")
    assert acts_in_warmup("workforce.admin_share", "in_house")
    # In-house makes its own assessments: the council's checks act only after a change.
    assert not acts_in_warmup("approval.checker_fte", "in_house")
    assert acts_in_warmup("approval.checker_fte", "social_enterprise")
    # So an appraisal with no levels may still draw a provider's terms the council does not use.
    data = {
        "name": "terms",
        "seed": 1,
        "current_levels": 0,
        "uncertain": {
            "provision.social_enterprise.home_care_cost_factor": {"low": 1.0, "high": 1.5}
        },
    }
    assert parse_appraisal(data).current_levels == 0
    with pytest.raises(AppraisalError, match="acts in the warm-up"):
        parse_appraisal(
            data
            | {"uncertain": {"provision.in_house.home_care_cost_factor": {"low": 1.2, "high": 1.9}}}
        )
