"""The backlog-morale sensitivity experiment loads and varies what its labels say."""

from __future__ import annotations

from pathlib import Path

from carepath.experiments.sweep import load_plan

ROOT = Path(__file__).resolve().parents[2]


def test_each_arm_sets_the_preset_and_effect_its_label_names():
    plan = load_plan(ROOT / "experiments" / "morale_backlog.toml")
    labels = [arm.label for arm, _ in plan.arms]
    assert plan.experiment.baseline in labels
    assert len(labels) == 9
    for arm, scenario in plan.arms:
        preset, effect = arm.label.split("@")
        assert scenario["organisation"]["preset"] == preset
        assert scenario["workforce"]["backlog_effect_on_morale"] == float(effect)
