"""Trends over a run: demand that grows with the population, and a budget path.

Councils act under rising demand and falling money (seed 004), yet a run's demand rates and
budget are otherwise constant. Both trends compound from day 0 of the run, the start of the
warm-up, not from an organisational change day: the pressure is the council's, whatever
option it takes, so every arm of an experiment faces the same path and the change day does
not move it. Staff, places and care-home beds do not grow with demand: that gap is the
pressure an option is judged against.
"""

from __future__ import annotations

import math
from collections.abc import Sequence

from carepath.sim.scenario import Commissioning, Trends

DAYS_PER_YEAR = 365.0


def growth_factor(rate_per_year: float, day: float) -> float:
    """``(1 + rate)`` compounded over ``day`` days: 1 on day 0, ``1 + rate`` after a year."""
    return (1.0 + rate_per_year) ** (day / DAYS_PER_YEAR)


def demand_grows(trends: Trends) -> bool:
    """Whether any band's demand grows (off: the run draws its arrivals as it always has)."""
    return any(rate != 0.0 for rate in trends.demand_growth_per_year.as_tuple())


def grown_rates(trends: Trends, base_rates: Sequence[float], day: float) -> list[float]:
    """Each band's arrival rate on ``day``: its day-0 rate times its compounded growth."""
    growth = trends.demand_growth_per_year.as_tuple()
    return [rate * growth_factor(g, day) for rate, g in zip(base_rates, growth, strict=True)]


def budget_at(commissioning: Commissioning, trends: Trends, day: float) -> float:
    """The annual budget in force on ``day`` (a budget review compares spending with it)."""
    if trends.budget_change_per_year == 0.0:
        return commissioning.annual_budget
    return commissioning.annual_budget * growth_factor(trends.budget_change_per_year, day)


def budget_to_date(commissioning: Commissioning, trends: Trends, day: float) -> float:
    """The budget summed from day 0 to ``day``: the integral of ``budget_at``."""
    budget = commissioning.annual_budget
    rate = trends.budget_change_per_year
    if rate == 0.0:
        return budget * day / DAYS_PER_YEAR
    # The integral of B (1 + r)^(t / 365) over t from 0 to day, with t in days and B a year's.
    return budget * (growth_factor(rate, day) - 1.0) / math.log1p(rate)


def mean_budget(commissioning: Commissioning, trends: Trends, start: float, end: float) -> float:
    """The mean annual budget over ``start`` to ``end`` (the measured period)."""
    if trends.budget_change_per_year == 0.0 or end <= start:
        return commissioning.annual_budget
    spent = budget_to_date(commissioning, trends, end) - budget_to_date(
        commissioning, trends, start
    )
    return spent * DAYS_PER_YEAR / (end - start)
