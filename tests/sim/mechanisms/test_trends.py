"""Trends over a run: demand grows by age band and the budget follows a real-terms path.

Arms share seeds (``SEEDS``); the growth arms draw more arrivals, so their streams part after
the first day and the comparisons allow for that noise.
"""

import math

import pandas as pd
import pytest
from carepath.sim import CarePathwayModel, build_scenario
from carepath.sim.measure.tallies import ROUTE_COMMUNITY, ROUTE_HOSPITAL
from carepath.sim.mechanisms import trends
from carepath.sim.scenario import ScenarioError

from tests.sim.mechanisms.council import SEEDS, mean_over, small_council

BANDS = ("adults_18_64", "aged_65_84", "aged_85_plus")


def _trends(growth: float = 0.0, budget: float = 0.0, **band_growth: float):
    values = {f"trends.demand_growth_per_year.{b}": growth for b in BANDS}
    values |= {f"trends.demand_growth_per_year.{b}": g for b, g in band_growth.items()}
    return build_scenario(overrides=values | {"trends.budget_change_per_year": budget})


def test_growth_compounds_from_day_zero():
    assert trends.growth_factor(0.1, 0.0) == 1.0
    assert trends.growth_factor(0.1, 365.0) == pytest.approx(1.1)
    assert trends.growth_factor(0.1, 730.0) == pytest.approx(1.21)
    scenario = _trends(aged_85_plus=0.2)
    rates = trends.grown_rates(scenario.trends, [1.0, 2.0, 3.0], 365.0)
    assert rates == pytest.approx([1.0, 2.0, 3.6])
    shrinking = _trends(adults_18_64=-0.1)
    assert trends.grown_rates(shrinking.trends, [1.0, 2.0, 3.0], 365.0) == pytest.approx(
        [0.9, 2.0, 3.0]
    )
    assert trends.demand_grows(scenario.trends)
    assert not trends.demand_grows(_trends().trends)


def test_the_budget_path_and_its_integral():
    scenario = _trends(budget=-0.1)
    budget = scenario.commissioning.annual_budget
    assert trends.budget_at(scenario.commissioning, scenario.trends, 365.0) == pytest.approx(
        0.9 * budget
    )
    # The integral against a fine sum of the daily budget.
    days = 730
    summed = sum(
        trends.budget_at(scenario.commissioning, scenario.trends, d + 0.5) / 365.0
        for d in range(days)
    )
    integral = trends.budget_to_date(scenario.commissioning, scenario.trends, float(days))
    assert integral == pytest.approx(summed, rel=1e-6)
    mean = trends.mean_budget(scenario.commissioning, scenario.trends, 365.0, 730.0)
    assert 0.81 * budget < mean < 0.9 * budget
    flat = _trends()
    assert trends.budget_at(flat.commissioning, flat.trends, 500.0) == budget
    assert trends.budget_to_date(flat.commissioning, flat.trends, 100.0) == budget * 100.0 / 365.0


def test_growth_above_the_limit_is_refused_naming_the_field():
    with pytest.raises(ScenarioError, match=r"demand_growth_per_year\.aged_85_plus") as refused:
        _trends(aged_85_plus=0.5)
    assert len(str(refused.value).splitlines()) == 1
    with pytest.raises(ScenarioError, match="budget_change_per_year"):
        _trends(budget=-0.5)


def _second_year_first_requests(scenario_overrides: dict, seed: int) -> pd.DataFrame:
    """First requests (not repeats) in the second year, by route (columns) and age band (rows)."""
    model = CarePathwayModel(scenario=small_council(scenario_overrides), rng=seed)
    model.run()
    contacts = model.tally.contacts.frame()
    first = contacts[(contacts["repeat"] == 0) & (contacts["time"] >= 365.0)]
    first = first[first["route"].isin([ROUTE_COMMUNITY, ROUTE_HOSPITAL])]
    return first.groupby(["band", "route"]).size().unstack(fill_value=0)


def _year_two_factor(growth: float) -> float:
    # The mean of (1 + g)^t over t from 1 to 2 years: the integral of the growth factor.
    return ((1 + growth) ** 2 - (1 + growth)) / math.log1p(growth)


def test_demand_growth_raises_requests_by_about_the_compounded_factor():
    growth = 0.2
    ratios = []
    for seed in SEEDS:
        before = _second_year_first_requests({}, seed)
        grown = {f"trends.demand_growth_per_year.{b}": growth for b in BANDS}
        after = _second_year_first_requests(grown, seed)
        ratios.append(after.sum() / before.sum())  # community and hospital, all bands
    mean = sum(ratios) / len(ratios)
    expected = _year_two_factor(growth)  # 1.316
    assert mean[ROUTE_COMMUNITY] == pytest.approx(expected, abs=0.07)
    assert mean[ROUTE_HOSPITAL] == pytest.approx(expected, abs=0.07)


def test_growth_in_one_band_raises_only_that_band_s_requests():
    growth = 0.2
    old, young = [], []
    for seed in SEEDS:
        before = _second_year_first_requests({}, seed).sum(axis=1)
        after = _second_year_first_requests(
            {"trends.demand_growth_per_year.aged_85_plus": growth}, seed
        ).sum(axis=1)
        old.append(after[2] / before[2])
        young.append(after[0] / before[0])
    assert mean_over(old) == pytest.approx(_year_two_factor(growth), abs=0.1)
    # The 18-64 band does not grow: its ratio is 1 but for noise (the arrival streams part
    # once the 85+ band draws more), well below the growing band's.
    assert mean_over(young) == pytest.approx(1.0, abs=0.1)
    assert mean_over(young) < mean_over(old) - 0.15


def test_growing_demand_without_more_staff_lengthens_community_waits(council):
    grown = {f"trends.demand_growth_per_year.{b}": 0.1 for b in BANDS}

    def community_wait(overrides: dict) -> float:
        return mean_over(
            council(overrides, seed=s).summary["assessment"]["wait_median_days_community"]
            for s in SEEDS
        )

    assert community_wait(grown) > 1.2 * community_wait({})


def test_a_budget_cut_tightens_rationing(council):
    def rationing(budget_change_per_year: float) -> tuple[float, float]:
        runs = [
            council({"trends.budget_change_per_year": budget_change_per_year}, seed=s).summary
            for s in SEEDS
        ]
        need = mean_over(r["commissioning"]["eligibility_need_mean"] for r in runs)
        turned_away = mean_over(r["outcomes"]["exits_per_year"]["no_service"] for r in runs)
        return need, turned_away

    flat_need, flat_away = rationing(0.0)
    cut_need, cut_away = rationing(-0.2)
    assert cut_need > flat_need + 0.03
    assert cut_away > 1.1 * flat_away
    grown_need, _ = rationing(0.2)
    assert grown_need <= flat_need


def test_the_budget_path_is_what_the_summary_compares_spending_with(council):
    summary = council({"trends.budget_change_per_year": -0.1}, seed=SEEDS[0]).summary
    scenario = small_council({"trends.budget_change_per_year": -0.1})
    start, end = scenario.run.warmup, scenario.run.years * 365.0
    expected = trends.mean_budget(scenario.commissioning, scenario.trends, start, end)
    assert summary["cost"]["budget_per_year"] == pytest.approx(expected)
    assert summary["cost"]["budget_per_year"] < scenario.commissioning.annual_budget


class _AlwaysGrowing(CarePathwayModel):
    """The model taking the growth path every day, even when nothing grows."""

    def __init__(self, **kwargs) -> None:
        super().__init__(**kwargs)
        self._demand_grows = True


def test_zero_trends_reproduce_the_run_exactly():
    # Growth of 0 through the daily growth path gives the run that skips it, to the digit.
    scenario = small_council({"run.years": 1})
    plain = CarePathwayModel(scenario=scenario, rng=7).run()
    growing = _AlwaysGrowing(scenario=scenario, rng=7).run()
    assert growing.summary == plain.summary
    pd.testing.assert_frame_equal(growing.timeseries, plain.timeseries, check_exact=True)
    pd.testing.assert_frame_equal(growing.events, plain.events, check_exact=True)


def test_the_run_s_size_estimate_counts_the_grown_demand():
    flat = _trends().resource_estimate().contacts
    grown = _trends(growth=0.1).resource_estimate().contacts
    years = _trends().run.years
    # Every band grows alike: the estimate scales by the compounded years over the run's
    # years, all but the few young people from children's services, who do not grow.
    factor = (1.1**years - 1.0) / math.log(1.1) / years
    assert flat * factor * 0.98 < grown < flat * factor
