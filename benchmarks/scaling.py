"""Scale a scenario to another population size, keeping the council's per-head provision.

The scenario schema has ``population.total`` but nothing derives staff, capacities or budget
from it: the defaults are absolute numbers for a 250,000-person council. Demand and hospital
admissions are rates per resident, so they grow with the population by themselves; every
absolute, capacity-like field must be scaled by the same factor or a bigger city would simply
be short of everything. This module is that helper, kept in the benchmarks because the model
itself has no notion of "the same council, only bigger".
"""

from __future__ import annotations

from typing import Any

from carepath.sim.scenario import Scenario, build_scenario

# Dotted paths of every absolute quantity that is sized to the population (a per-head rate or
# a share needs no scaling). Integer fields are rounded after scaling.
CAPACITY_FIELDS: tuple[str, ...] = (
    "workforce.establishment_fte",
    "approval.checker_fte",
    "reablement.places",
    "home_care.capacity_hours_per_week",
    "care_homes.places",
    "commissioning.annual_budget",
    "organisation.setup_cost",
)
_INTEGER_FIELDS = frozenset({"reablement.places", "care_homes.places"})


def _get(tree: dict[str, Any], path: str) -> Any:
    node: Any = tree
    for part in path.split("."):
        node = node[part]
    return node


def scale_scenario(
    population: int,
    *,
    base: Scenario | None = None,
    years: float | None = None,
    preset: str | None = None,
    seed: int | None = None,
) -> Scenario:
    """The ``base`` scenario (default: the schema defaults) resized to ``population`` people.

    Every field in ``CAPACITY_FIELDS`` is multiplied by ``population / base.population.total``,
    so staff, places, home-care hours, budget and one-off costs per resident stay the same.

    Args:
        population: residents of the scaled council.
        base: the scenario to scale; the 250k default council if None.
        years: run length to set, if given.
        preset: organisational model to apply before scaling, if given.
        seed: ``run.seed`` to set, if given.

    Returns:
        A validated scenario.
    """
    base = base if base is not None else build_scenario(preset=preset)
    if preset is not None and base.organisation.preset != preset:
        base = build_scenario(base.model_dump(mode="python"), preset=preset)
    data = base.model_dump(mode="python")
    factor = population / base.population.total
    overrides: dict[str, Any] = {"population.total": population}
    for path in CAPACITY_FIELDS:
        value = _get(data, path) * factor
        overrides[path] = round(value) if path in _INTEGER_FIELDS else value
    if years is not None:
        overrides["run.years"] = years
    if seed is not None:
        overrides["run.seed"] = seed
    if population != base.population.total:
        overrides["name"] = f"{base.name}, scaled to {population:,} people"
    return build_scenario(data, preset=base.organisation.preset, overrides=overrides)


# Mechanisms of the real model that the reference implementations leave out, switched off so
# that the three implementations run the same pathway (see ``benchmarks.core``).
CORE_OVERRIDES: dict[str, Any] = {
    "commissioning.tighten_under_pressure": False,  # no budget, so no rationing
    "approval.rework_share": 0.0,  # no council questions sending work back
    "workforce.annual_turnover": 0.0,  # a fixed team: no leavers, vacancies or locums
    "workforce.initial_vacancy_rate": 0.0,
    "workforce.backlog_effect_on_morale": 0.0,  # morale (so productivity) fixed, as in the references
    "assessment.review_interval_days": 3650.0,  # no annual reviews within the run
    "initial.waiting_for_assessment_per_1000_adults": 0.0,  # the references start with no list
}


def core_scenario(
    population: int, *, years: float | None = None, seed: int | None = None
) -> Scenario:
    """The default council scaled to ``population``, with only the core pathway's mechanisms.

    This is the scenario on which the real model and the two reference implementations are
    compared and timed side by side.
    """
    scaled = scale_scenario(population, years=years, seed=seed)
    return build_scenario(
        scaled.model_dump(mode="python"),
        preset=scaled.organisation.preset,
        overrides={**CORE_OVERRIDES, "name": f"{scaled.name}, core pathway only"},
    )
