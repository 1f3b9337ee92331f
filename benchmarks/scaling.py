"""Scale a scenario to another population size, keeping the council's per-head provision.

The scenario itself does this (``carepath.sim.sizing``): its size-dependent fields (staff,
places, home-care hours, budget, one-off costs) are marked per head and scaled from
``population.sized_for`` to ``population.total``. This helper asks for it on any base scenario,
so the benchmarks compare the same council at several sizes.
"""

from __future__ import annotations

from typing import Any

from carepath.sim.scenario import GROUPS, Scenario, build_scenario
from carepath.sim.sizing import per_head_paths

# Dotted paths of every absolute quantity that is sized to the population, read from the
# schema's per-head markers (kept under its old name for the benchmarks' readers).
CAPACITY_FIELDS: tuple[str, ...] = per_head_paths(Scenario)


def scale_scenario(
    population: int,
    *,
    base: Scenario | None = None,
    years: float | None = None,
    preset: str | None = None,
    seed: int | None = None,
) -> Scenario:
    """The ``base`` scenario (default: the schema defaults) resized to ``population`` people.

    Every field in ``CAPACITY_FIELDS`` is multiplied by ``population / base.population.total``
    (integers rounded), so staff, places, home-care hours, budget and one-off costs per
    resident stay the same: the scenario is rebuilt with ``population.total = population`` and
    per-head provision, from the base's dump, whose figures are for its own population.

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
    overrides: dict[str, Any] = {
        "population.total": population,
        "population.provision": "per_head",
    }
    if years is not None:
        overrides["run.years"] = years
    if seed is not None:
        overrides["run.seed"] = seed
    if population != base.population.total:
        overrides["name"] = f"{base.name}, scaled to {population:,} people"
    data = base.model_dump(mode="python")
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
    # One kind of client, as in the references: every group behaves as the baseline (physical
    # support), the services added for the groups are not used, and the other routes are shut.
    **{
        f"clients.{group}.{field}": value
        for group in GROUPS
        for field, value in {
            "need_shift": 0.0,
            "drift_factor": 1.0,
            "hospital_factor": 1.0,
            "mortality_factor": 1.0,
            "leave_factor": 1.0,
            "self_funder_factor": 1.0,
            "care_home_offset": 0.0,
            "reablement_factor": 1.0,
            "supported_living_share": 0.0,
            "direct_payment_share": 0.0,
        }.items()
    },
    "demand.deterioration_by_age": {"adults_18_64": 1.0, "aged_65_84": 1.0, "aged_85_plus": 1.0},
    "routes.self_funder_depletion_share": 0.0,
    "routes.continuing_healthcare_per_year": 0.0,
    "routes.transitions_per_100k_adults": 0.0,
    "supported_living.places": 0,
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
