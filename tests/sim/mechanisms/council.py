"""A small council for mechanism tests, and helpers that read what a run reports.

Every scenario field that scales with the council (population, staff, places, budget,
checking officers) is set to a fifth of the default 250,000-person council's, so a run of two
years takes about half a second. Arms of a comparison share a seed (common random numbers):
the same people arrive with the same latent luck, and only the mechanism differs.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from carepath.sim import CarePathwayModel, build_scenario
from carepath.sim.measure.summary import RunResults
from carepath.sim.scenario import Scenario

SMALL_COUNCIL: dict[str, Any] = {
    "population.total": 50_000,
    "workforce.establishment_fte": 16,
    "reablement.places": 17,
    "home_care.capacity_hours_per_week": 6_000.0,
    "care_homes.places": 250,
    "supported_living.places": 36,
    "commissioning.annual_budget": 20_860_000.0,
    "approval.checker_fte": 0.4,
    "run.years": 2,
    "run.warmup_days": 180,
}
# Paired seeds: each comparison runs both arms on each of these; a third where one is noisy.
SEEDS = (1, 2)
NOISY_SEEDS = (1, 2, 3)
# The first mechanism tests ran the default 250,000-person council for three years on seed 4.
FULL_YEARS = 3
FULL_SEED = 4


def small_council(
    overrides: dict[str, Any] | None = None, *, preset: str | None = None
) -> Scenario:
    """The small council's scenario with ``overrides`` (dotted scenario paths)."""
    return build_scenario(preset=preset, overrides=SMALL_COUNCIL | (overrides or {}))


def run_council(
    overrides: dict[str, Any] | None = None, *, seed: int = 1, preset: str | None = None
) -> RunResults:
    """Run the small council with ``overrides`` (dotted scenario paths) on ``seed``."""
    return CarePathwayModel(scenario=small_council(overrides, preset=preset), rng=seed).run()


def run_full_council(overrides: dict[str, Any] | None = None) -> dict[str, Any]:
    """The summary of the default council run for ``FULL_YEARS`` on ``FULL_SEED``."""
    scenario = build_scenario(overrides={"run.years": FULL_YEARS} | (overrides or {}))
    return CarePathwayModel(scenario=scenario, rng=FULL_SEED).run().summary


def count(results: RunResults, cause: str) -> int:
    """Transitions in the event log with this ``cause``."""
    return int((results.events["cause"] == cause).sum())


def mean_days_in(results: RunResults, state: str) -> float:
    """Mean days from entering ``state`` to the person's next transition (completed stays)."""
    events = results.events
    following = events.groupby("person_id", sort=False)["time"].shift(-1)
    stays = following[events["to_state"] == state] - events.loc[events["to_state"] == state, "time"]
    return float(stays.dropna().mean())


def hours_per_home_care_client(results: RunResults) -> float:
    """Mean weekly home-care hours in use per home-care client over the run."""
    series = results.timeseries
    return float(series["home_care_hours_in_use"].mean() / series["home_care_clients"].mean())


def component(results: RunResults, name: str) -> float:
    """Spending a year on one cost component, after the warm-up."""
    return results.summary["cost"]["by_component_per_year"][name]


def mean_over(values: Iterable[float]) -> float:
    """The mean of paired-seed values."""
    values = list(values)
    return sum(values) / len(values)


def series_mean(results: RunResults, column: str) -> float:
    """Mean of a daily series over the whole run."""
    return float(results.timeseries[column].mean())


def measured_mean(results: RunResults, column: str) -> float:
    """Mean of a daily series over the measured period (after the warm-up), as KPIs are."""
    series = results.timeseries[column]
    return float(series[series.index >= results.summary["run"]["warmup_days"]].mean())
