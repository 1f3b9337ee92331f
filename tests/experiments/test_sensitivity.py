"""Sensitivity indices recover a known response (no simulation needed)."""

from __future__ import annotations

import pandas as pd
import pytest
from carepath.experiments.design import design_arms
from carepath.experiments.sensitivity import SensitivityError, indices
from carepath.experiments.spec import parse_experiment


def _experiment(kind: str, **design):
    factors = {
        "workforce.establishment_fte": {"low": 40, "high": 120},
        "workforce.admin_share": {"low": 0.2, "high": 0.4},
        "reablement.places": {"low": 50, "high": 150},
    }
    return parse_experiment(
        {"name": "s", "seed": 4, "design": {"kind": kind, "factors": factors, **design}}
    )


def _runs(experiment, replications: int = 2) -> pd.DataFrame:
    # A known response: staff matter most, admin share a little, re-ablement places not at all.
    rows = []
    for arm in design_arms(experiment):
        v = arm.values
        value = -2.0 * v["workforce.establishment_fte"] + 100.0 * v["workforce.admin_share"]
        for k in range(replications):
            rows.append(
                {"arm": arm.index, "replication": k, "status": "ok", "wait": value + 0.01 * k}
            )
    return pd.DataFrame(rows)


@pytest.mark.parametrize(
    ("kind", "design", "column"),
    [("morris", {"trajectories": 8}, "mu_star"), ("sobol", {"samples": 64}, "ST")],
)
def test_indices_rank_the_influential_factor_first(kind, design, column):
    experiment = _experiment(kind, **design)
    table = indices(experiment, _runs(experiment), "wait")
    assert table["factor"].tolist()[:2] == ["workforce.establishment_fte", "workforce.admin_share"]
    assert table.set_index("factor").loc["reablement.places", column] == pytest.approx(0, abs=0.02)


def test_missing_runs_are_named():
    experiment = _experiment("morris", trajectories=4)
    runs = _runs(experiment)
    runs.loc[runs["arm"] == 3, "status"] = "failed"
    with pytest.raises(SensitivityError, match="wait: no value for sample"):
        indices(experiment, runs, "wait")
