"""Intervals, paired differences, replication counts and MSER-5."""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest
from carepath.experiments.analysis import arm_table, mser, replications_needed, t_interval
from scipy import stats


def test_t_interval_matches_scipy():
    values = [3.0, 5.0, 4.0, 6.0, 2.0]
    mean, low, high = t_interval(values)
    expected = stats.t.interval(0.95, 4, loc=4.0, scale=stats.sem(values))
    assert mean == 4.0 and low == pytest.approx(expected[0]) and high == pytest.approx(expected[1])
    assert math.isnan(t_interval([1.0])[1])


def test_paired_differences_remove_the_shared_noise():
    rng = np.random.default_rng(1)
    shared = rng.normal(100, 20, size=10)  # luck both arms share (common random numbers)
    runs = pd.DataFrame(
        {
            "run_id": range(20),
            "arm": [0] * 10 + [1] * 10,
            "arm_label": ["a"] * 10 + ["b"] * 10,
            "replication": list(range(10)) * 2,
            "status": "ok",
            "wait": np.concatenate([shared, shared + 3 + rng.normal(0, 0.5, 10)]),
        }
    )
    table = arm_table(runs, ["wait"], baseline="a").set_index("arm_label")
    b = table.loc["b"]
    assert b["diff_low"] < 3 < b["diff_high"]
    assert (b["diff_high"] - b["diff_low"]) < (b["ci_high"] - b["ci_low"]) / 10
    assert table.loc["a", "diff"] == 0.0


def test_replications_needed_meets_the_width_it_promises():
    pilot = np.random.default_rng(2).normal(50, 10, size=8)
    n = replications_needed(pilot, relative=0.05)
    s = pilot.std(ddof=1)
    assert stats.t.ppf(0.975, n - 1) * s / math.sqrt(n) <= 0.05 * pilot.mean()
    assert stats.t.ppf(0.975, n - 2) * s / math.sqrt(n - 1) > 0.05 * pilot.mean()
    assert replications_needed([1.0], relative=0.05) is None


def test_mser5_cuts_the_initial_transient():
    rng = np.random.default_rng(3)
    transient = np.linspace(0, 100, 60)
    steady = 100 + rng.normal(0, 2, 400)
    cut = mser(np.concatenate([transient, steady]))
    assert 40 <= cut <= 80 and cut % 5 == 0
    assert mser(100 + rng.normal(0, 2, 400)) < 50
