"""Compare's replications: paired differences, their intervals and the verdict per KPI."""

from __future__ import annotations

import math

import pytest
from carepath.dashboards import indicators, pairing
from carepath.dashboards.simulation import RunView, Snapshot

KPIS = {kpi.key: kpi for kpi in indicators.KPIS}


@pytest.mark.parametrize(
    ("key", "values", "base", "verdict"),
    [
        ("waiting", [110.0, 121.0, 130.0], [100.0, 110.0, 120.0], pairing.WORSE),  # lower is better
        ("client_time", [0.70, 0.72, 0.71], [0.60, 0.61, 0.62], pairing.BETTER),
        ("waiting", [100.0, 90.0, 125.0], [100.0, 110.0, 110.0], pairing.UNCLEAR),
        ("long_term", [110.0, 111.0, 112.0], [100.0, 100.0, 100.0], pairing.DIFFERENT),
    ],
)
def test_a_verdict_needs_the_whole_interval_on_one_side(key, values, base, verdict):
    difference = pairing.paired(KPIS[key], values, base)
    assert difference.verdict == verdict
    assert difference.low <= difference.mean <= difference.high


def test_one_run_gives_no_interval_and_says_so():
    difference = pairing.paired(KPIS["waiting"], [110.0], [100.0])
    assert difference.mean == 10.0 and math.isnan(difference.low) and difference.verdict == ""
    assert pairing.describe(KPIS["waiting"], difference) == ("one run: no interval", "")


def test_a_difference_reads_with_its_interval_and_verdict():
    difference = pairing.Difference(12.0, 3.0, 21.0, pairing.WORSE)
    assert pairing.describe(KPIS["waiting"], difference) == ("+12 [+3, +21]: worse", "bad")
    share = pairing.Difference(0.05, 0.01, 0.09, pairing.BETTER)
    assert pairing.describe(KPIS["client_time"], share) == (
        "+5.0 pp [+1.0 pp, +9.0 pp]: better",
        "good",
    )


def test_runs_group_by_model_and_lines_average_over_runs():
    view = lambda v: RunView(lines={"c": {"a": [v, None]}}, kpis={})  # noqa: E731
    runs = {
        pairing.run_label("A", 0, 2): view(1.0),
        pairing.run_label("A", 1, 2): view(3.0),
        pairing.run_label("B", 0, 2): view(5.0),
        pairing.run_label("B", 1, 2): view(7.0),
    }
    snapshot = Snapshot(7, 365, [0, 7], runs)
    grouped = pairing.groups(snapshot)
    assert list(grouped) == ["A", "B"] and len(grouped["A"]) == 2
    assert pairing.mean_line([v.lines["c"]["a"] for v in grouped["B"]]) == [6.0, None]
    assert pairing.run_label("A", 0, 1) == "A"  # one run: the model's title alone
