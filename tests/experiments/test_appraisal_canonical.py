"""The canonical appraisal (the README's headline): its tables, and some of its runs re-made."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from carepath.experiments.appraise.analysis import (
    NET_BENEFIT,
    difference_table,
    level_effects,
    level_values,
    paired_differences,
    ranking,
    sensitivity,
)
from carepath.experiments.appraise.plan import load_appraisal
from carepath.experiments.runs import execute

ROOT = Path(__file__).resolve().parents[2]
EXPECTED = ROOT / "experiments" / "expected" / "appraisal"


@pytest.fixture(scope="module")
def planned():
    return load_appraisal(ROOT / "experiments" / "appraisal.toml")


@pytest.fixture(scope="module")
def measures() -> pd.DataFrame:
    return pd.read_csv(EXPECTED / "measures.csv")


def test_expected_runs_cover_the_whole_appraisal(planned, measures):
    assert measures["run_id"].tolist() == [t.run_id for t in planned.plan.tasks]
    labels = {t.run_id: t.arm_label for t in planned.plan.tasks}
    assert measures["arm_label"].tolist() == [labels[r] for r in measures["run_id"]]


def _compare(table: pd.DataFrame, name: str, keys: list[str]) -> None:
    expected = pd.read_csv(EXPECTED / name)
    assert len(table) == len(expected), name
    table = table.sort_values(keys).reset_index(drop=True)
    expected = expected.sort_values(keys).reset_index(drop=True)
    pd.testing.assert_frame_equal(
        table[expected.columns], expected, check_dtype=False, rtol=1e-9, atol=1e-6
    )


def test_expected_tables_are_the_analysis_of_the_expected_runs(planned, measures):
    a = planned.appraisal
    pairs = paired_differences(measures, planned)
    options = [o for o in planned.options if o != a.current]
    names = [*a.kpis, "appraisal.cost_present_value", NET_BENEFIT]
    _compare(
        difference_table(pairs, [a.current, *options], names), "differences.csv", ["option", "kpi"]
    )
    _compare(ranking(pairs, a.current, options), "ranking.csv", ["option"])
    found = sensitivity(pairs, planned, [*a.kpis, NET_BENEFIT])
    _compare(found.evppi, "evppi.csv", ["parameter"])
    _compare(found.thresholds, "thresholds.csv", ["option", "value_of", "parameter", "kpi"])
    levels = level_effects(pairs, planned).merge(level_values(planned), on="level", how="left")
    _compare(levels, "levels.csv", ["option", "level"])


@pytest.mark.slow
def test_runs_of_the_canonical_appraisal_reproduce_exactly(planned, measures):
    # The first level's in-house run (which warms up) and two options of the first draw (which
    # fork from that warm-up in this process): content checksums and KPIs, digit for digit.
    recorded = measures.set_index("run_id")
    for task in planned.plan.tasks[:3]:
        outcome = execute(task)
        assert outcome.ok, outcome.traceback
        assert outcome.row["checksum"] == recorded.loc[task.run_id, "checksum"]
        for kpi in planned.appraisal.kpis:
            assert outcome.row[kpi] == recorded.loc[task.run_id, kpi]
