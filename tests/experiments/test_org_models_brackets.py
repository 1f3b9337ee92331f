"""The bracketing experiment: each variant runs beside its model, paired with the canonical runs."""

from __future__ import annotations

from pathlib import Path

import pytest
from carepath.experiments.sweep import load_plan
from carepath.sim.presets import BASELINE, MECHANISMS, PRESETS, VARIANTS, preset_values

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture(scope="module")
def plan():
    return load_plan(ROOT / "experiments" / "org_models_brackets.toml")


@pytest.fixture(scope="module")
def canonical():
    return load_plan(ROOT / "experiments" / "org_models.toml")


def _get(scenario: dict, path: str):
    for key in path.split("."):
        scenario = scenario[key]
    return scenario


def test_every_variant_runs_right_after_its_model(plan):
    labels = [arm.label for arm, _ in plan.arms]
    assert labels[0] == plan.experiment.baseline == BASELINE
    assert sorted(name for name in labels if name in VARIANTS) == sorted(VARIANTS)
    for name in VARIANTS:
        assert labels[labels.index(name) - 1] == PRESETS[name].variant_of


def test_a_variant_arm_differs_from_its_model_only_where_the_variant_says(plan):
    scenarios = {arm.label: scenario for arm, scenario in plan.arms}
    for name in VARIANTS:
        model = PRESETS[name].variant_of
        changed = {p for p in MECHANISMS if preset_values(name)[p] != preset_values(model)[p]}
        assert changed
        for path in MECHANISMS:
            mine, theirs = _get(scenarios[name], path), _get(scenarios[model], path)
            assert (mine != theirs) == (path in changed), (name, path)
            assert mine == preset_values(name)[path], (name, path)


def test_the_models_repeat_the_canonical_runs(plan, canonical):
    # Same seed, scenario and replications: the shared arms are the canonical experiment's runs.
    assert plan.experiment.seed == canonical.experiment.seed
    assert plan.experiment.replications == canonical.experiment.replications
    theirs = {(t.arm_label, t.replication): t for t in canonical.tasks}
    shared = [t for t in plan.tasks if (t.arm_label, t.replication) in theirs]
    assert {t.arm_label for t in shared} == {
        label for label in (arm.label for arm, _ in plan.arms) if label not in VARIANTS
    }
    for task in shared:
        other = theirs[(task.arm_label, task.replication)]
        assert (task.scenario, task.seed, task.model) == (other.scenario, other.seed, other.model)
