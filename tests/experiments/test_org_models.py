"""The canonical experiment: its expected table, and some of its runs re-made exactly."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from carepath.experiments.analysis import arm_table
from carepath.experiments.runs import execute
from carepath.experiments.sweep import load_plan
from carepath.sim.presets import ORGANISATIONAL_MODELS

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "experiments" / "expected"


@pytest.fixture(scope="module")
def plan():
    return load_plan(ROOT / "experiments" / "org_models.toml")


@pytest.fixture(scope="module")
def expected_runs() -> pd.DataFrame:
    return pd.read_csv(EXPECTED / "org_models_runs.csv")


def test_every_organisational_model_is_an_arm(plan):
    # The options added for issue 19 (Swindon's, seed 000) run in org_models_more.toml until the
    # canonical experiment and its expected runs are re-made with them; then this is equality.
    labels = [arm.label for arm, _ in plan.arms]
    assert labels == list(ORGANISATIONAL_MODELS)[: len(labels)]
    more = load_plan(ROOT / "experiments" / "org_models_more.toml")
    assert set(ORGANISATIONAL_MODELS) <= set(labels) | {arm.label for arm, _ in more.arms}
    assert plan.experiment.replications >= 10


def test_expected_runs_cover_the_whole_experiment(plan, expected_runs):
    assert expected_runs["run_id"].tolist() == [t.run_id for t in plan.tasks]
    assert (expected_runs["status"] == "ok").all()


def test_expected_table_is_the_report_of_the_expected_runs(expected_runs):
    table = pd.read_csv(EXPECTED / "org_models_kpis.csv")
    again = arm_table(expected_runs, sorted(table["kpi"].unique()), baseline="in_house")
    merged = table.merge(again, on=["arm_label", "kpi"], suffixes=("", "_again"))
    assert len(merged) == len(table)
    for column in ("mean", "ci_low", "ci_high", "diff", "diff_low", "diff_high"):
        np.testing.assert_allclose(merged[column], merged[f"{column}_again"], rtol=1e-12)


@pytest.mark.slow
@pytest.mark.parametrize("arm_label", ["in_house", "outsourced"])
def test_runs_of_the_canonical_experiment_reproduce_exactly(plan, expected_runs, arm_label):
    task = next(t for t in plan.tasks if t.arm_label == arm_label and t.replication == 1)
    outcome = execute(task)
    assert outcome.ok, outcome.traceback
    recorded = expected_runs.set_index("run_id").loc[task.run_id]
    assert outcome.row["checksum"] == recorded["checksum"]
    for kpi in ("assessment.wait_median_days", "cost.total_per_year", "reablement.ascof_2d"):
        assert outcome.row[kpi] == recorded[kpi]  # digit for digit, not approximately
