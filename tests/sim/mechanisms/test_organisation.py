"""Organisational change: the one-off set-up cost of a new organisation."""

import pytest

from tests.sim.mechanisms.council import SMALL_COUNCIL


def setup_spent_by(results, day: int) -> float:
    return float(results.timeseries["spend_setup_to_date"].loc[day])


def test_the_setup_cost_is_spread_over_the_setup_days(council):
    none = council()  # setup_cost 0 (in_house)
    assert none.summary["cost"]["one_off_setup_total"] == 0.0
    assert setup_spent_by(none, 730) == 0.0

    results = council({"organisation.setup_cost": 300_000.0, "organisation.setup_days": 200})
    # An even rate from day 0 to setup_days, then nothing more.
    assert setup_spent_by(results, 50) == pytest.approx(75_000.0)
    assert setup_spent_by(results, 100) == pytest.approx(150_000.0)
    assert setup_spent_by(results, 200) == pytest.approx(300_000.0)
    assert setup_spent_by(results, 730) == pytest.approx(300_000.0)
    assert results.summary["cost"]["one_off_setup_total"] == pytest.approx(300_000.0)
    # After the warm-up (day 180) only days 180-200 of the set-up are counted.
    measured_years = (730 - SMALL_COUNCIL["run.warmup_days"]) / 365
    assert results.summary["cost"]["by_component_per_year"]["setup"] == pytest.approx(
        300_000.0 * 20 / 200 / measured_years
    )
