"""The bracketing experiments: each variant runs beside its model, paired with the canonical runs.

``org_models_brackets.toml`` brackets the canonical models; ``org_models_more.toml`` runs the
options added for issue 19 (Swindon's, seed 000) beside theirs. Between them every variant runs
once, right after its model.
"""

from __future__ import annotations

from pathlib import Path

import pytest
from carepath.experiments.sweep import load_plan
from carepath.sim.presets import BASELINE, MECHANISMS, PRESETS, VARIANTS, preset_values

ROOT = Path(__file__).resolve().parents[2]
BRACKETING = ("org_models_brackets", "org_models_more")


@pytest.fixture(scope="module")
def plans():
    return {name: load_plan(ROOT / "experiments" / f"{name}.toml") for name in BRACKETING}


@pytest.fixture(scope="module")
def canonical():
    return load_plan(ROOT / "experiments" / "org_models.toml")


def _get(scenario: dict, path: str):
    for key in path.split("."):
        scenario = scenario[key]
    return scenario


def _labels(plan) -> list[str]:
    return [arm.label for arm, _ in plan.arms]


def test_every_variant_runs_once_right_after_its_model(plans):
    seen = []
    for plan in plans.values():
        labels = _labels(plan)
        assert labels[0] == plan.experiment.baseline == BASELINE
        for name in (label for label in labels if label in VARIANTS):
            assert labels[labels.index(name) - 1] == PRESETS[name].variant_of
            seen.append(name)
    assert sorted(seen) == sorted(VARIANTS)


def test_a_variant_arm_differs_from_its_model_only_where_the_variant_says(plans):
    for plan in plans.values():
        scenarios = {arm.label: scenario for arm, scenario in plan.arms}
        for name in (label for label in scenarios if label in VARIANTS):
            model = PRESETS[name].variant_of
            changed = {p for p in MECHANISMS if preset_values(name)[p] != preset_values(model)[p]}
            assert changed
            for path in MECHANISMS:
                mine, theirs = _get(scenarios[name], path), _get(scenarios[model], path)
                assert (mine != theirs) == (path in changed), (name, path)
                assert mine == preset_values(name)[path], (name, path)


def test_the_models_repeat_the_canonical_runs(plans, canonical):
    # Same seed, scenario and replications: the shared arms are the canonical experiment's runs.
    canonical_arms = set(_labels(canonical))
    assert set(_labels(plans["org_models_brackets"])) - set(VARIANTS) <= canonical_arms
    theirs = {(t.arm_label, t.replication): t for t in canonical.tasks}
    for plan in plans.values():
        assert plan.experiment.seed == canonical.experiment.seed
        assert plan.experiment.replications == canonical.experiment.replications
        shared = [t for t in plan.tasks if (t.arm_label, t.replication) in theirs]
        assert {t.arm_label for t in shared} == set(_labels(plan)) & canonical_arms
        assert BASELINE in {t.arm_label for t in shared}
        for task in shared:
            other = theirs[(task.arm_label, task.replication)]
            assert (task.scenario, task.seed, task.model) == (
                other.scenario,
                other.seed,
                other.model,
            )
