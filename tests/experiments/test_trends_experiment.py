"""The trends experiment loads, and each arm adds the pressure or the money its label names."""

from __future__ import annotations

from pathlib import Path

from carepath.experiments.sweep import load_plan
from carepath.sim import build_scenario

ROOT = Path(__file__).resolve().parents[2]


def test_each_arm_adds_what_its_label_names_and_the_baseline_has_no_trends():
    plan = load_plan(ROOT / "experiments" / "trends.toml")
    arms = {arm.label: build_scenario(scenario) for arm, scenario in plan.arms}
    assert plan.experiment.baseline == "no_trends"
    base = arms["no_trends"]
    assert base.trends == build_scenario().trends
    assert base.funding == build_scenario().funding
    growth = arms["demand_growth"].trends.demand_growth_per_year.as_tuple()
    assert growth == (0.009, 0.013, 0.027)
    assert arms["demand_growth"].trends.budget_change_per_year == 0.0
    assert arms["growth_and_cut"].trends.budget_change_per_year == -0.012
    assert arms["growth_cut_nhs_reablement"].funding.nhs_reablement_per_year == 1_330_000.0
    assert arms["growth_cut_nhs_reablement"].funding.pool_nhs_per_year == 0.0
    assert arms["growth_cut_nhs_pool"].funding.pool_nhs_per_year == 5_000_000.0
