"""Services and prices: what the council pays, and how much care providers offer at that price."""

import pytest

from tests.sim.mechanisms.council import (
    NOISY_SEEDS,
    SEEDS,
    component,
    hours_per_home_care_client,
    mean_over,
    measured_mean,
    series_mean,
)

# Markets where the small council's home care, or its care homes, are full: queues form.
TIGHT = {"home_care.capacity_hours_per_week": 1_600.0, "initial.home_care_utilisation": 0.97}
FEW_HOMES = {"care_homes.places": 110, "initial.care_home_occupancy": 1.0}
DISCOUNT = 0.15


def home_care_price(results) -> float:
    """Spend a year per weekly hour in use (packages held open in hospital are not paid).

    Both over the measured period: spend is, and hours in use move over a run.
    """
    return component(results, "home_care") / measured_mean(results, "home_care_hours_in_use")


def care_home_price(results) -> float:
    return component(results, "care_home") / measured_mean(results, "care_home_places_in_use")


def test_a_purchasing_discount_lowers_unit_prices(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # purchasing_discount 0 (in_house)
        cheaper = council({"organisation.purchasing_discount": 0.1}, seed=seed)
        assert home_care_price(cheaper) / home_care_price(usual) == pytest.approx(0.9, abs=0.03)
        assert care_home_price(cheaper) / care_home_price(usual) == pytest.approx(0.9, abs=0.03)


def test_a_purchasing_discount_shrinks_home_care_supply_in_a_tight_market(council):
    offered = TIGHT["home_care.capacity_hours_per_week"] * (1 - DISCOUNT) ** 0.6  # elasticity
    waiting = {"usual": [], "discount": []}
    for seed in NOISY_SEEDS:
        usual = council(TIGHT, seed=seed)
        cheaper = council(TIGHT | {"organisation.purchasing_discount": DISCOUNT}, seed=seed)
        assert cheaper.timeseries["home_care_hours_in_use"].max() <= offered + 1e-6
        assert usual.timeseries["home_care_hours_in_use"].max() > offered
        assert series_mean(cheaper, "home_care_hours_in_use") < series_mean(
            usual, "home_care_hours_in_use"
        )
        waiting["usual"].append(series_mean(usual, "awaiting_home_care"))
        waiting["discount"].append(series_mean(cheaper, "awaiting_home_care"))
    assert mean_over(waiting["discount"]) > mean_over(waiting["usual"])


def test_supply_elasticity_decides_how_much_home_care_a_discount_loses(council):
    discounted = TIGHT | {"organisation.purchasing_discount": DISCOUNT}
    for seed in SEEDS:
        fixed = council(discounted | {"home_care.supply_elasticity": 0.0}, seed=seed)
        elastic = council(discounted | {"home_care.supply_elasticity": 1.5}, seed=seed)
        assert series_mean(elastic, "home_care_hours_in_use") < series_mean(
            fixed, "home_care_hours_in_use"
        )
        assert series_mean(elastic, "awaiting_home_care") > series_mean(fixed, "awaiting_home_care")
    # At the reference price the elasticity has nothing to act on.
    at_reference = council(TIGHT)
    elastic = council(TIGHT | {"home_care.supply_elasticity": 1.5})
    assert elastic.timeseries.equals(at_reference.timeseries)


def test_more_home_care_hours_shorten_the_home_care_queue(council):
    for seed in SEEDS:
        tight = council(TIGHT, seed=seed)
        more = council(TIGHT | {"home_care.capacity_hours_per_week": 5_000.0}, seed=seed)
        assert series_mean(more, "home_care_hours_in_use") > series_mean(
            tight, "home_care_hours_in_use"
        )
        assert series_mean(more, "awaiting_home_care") < series_mean(tight, "awaiting_home_care")
        delayed = "delayed_awaiting_long_term_care_mean"
        assert more.summary["hospital"][delayed] < tight.summary["hospital"][delayed]


def test_more_care_home_places_shorten_the_care_home_queue(council):
    for seed in NOISY_SEEDS:
        tight = council(FEW_HOMES, seed=seed)
        more = council(FEW_HOMES | {"care_homes.places": 150}, seed=seed)
        assert series_mean(more, "care_home_residents") > series_mean(tight, "care_home_residents")
        assert series_mean(more, "awaiting_care_home") < series_mean(tight, "awaiting_care_home")


def test_more_hours_per_need_make_larger_packages(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # hours_per_need 16
        larger = council({"home_care.hours_per_need": 24.0}, seed=seed)
        assert hours_per_home_care_client(larger) > 1.2 * hours_per_home_care_client(usual)
