"""Reports: intervals, paired differences, charts, warm-up and sensitivity indices."""

from __future__ import annotations

import pandas as pd
import pytest
from carepath.experiments.report import ReportError, build_report
from carepath.experiments.sweep import load_plan, sweep

from carepath.cli import main


@pytest.fixture(scope="module")
def swept(tmp_path_factory):
    folder = tmp_path_factory.mktemp("report")
    path = folder / "tiny.toml"
    from tests.experiments.conftest import TINY

    path.write_text(
        TINY.format(replications=3, model="carepath.sim.model:CarePathwayModel", ftes="[60]")
    )
    sweep(load_plan(path), folder / "out", workers=1)
    return folder / "out"


def test_report_has_intervals_differences_charts_and_warmup(swept):
    report = build_report(swept)
    text = report.read_text()
    assert "# Experiment `tiny`" in text
    assert "2 arms × 3 replications = 6 runs; 6 succeeded, 0 failed" in text
    # Each KPI under its label and unit, with its key, definition and better direction.
    assert "### Median wait for assessment (days)\n\n`assessment.wait_median_days`: " in text
    assert "Lower is better." in text
    assert "### Council spend (£ a year)" in text and "| in_house | 3 | £" in text
    assert "| in_house | 3 |" in text and "(baseline)" in text
    assert "## How many replications?" in text and "## Warm-up (MSER-5)" in text
    for name in ("kpis_by_arm", "differences", "series_waiting_for_assessment"):
        png = swept / "charts" / f"{name}.png"
        assert png.read_bytes()[:8] == b"\x89PNG\r\n\x1a\n" and png.stat().st_size > 5000
    table = pd.read_csv(swept / "kpis_by_arm.csv")
    row = table[(table["arm_label"] == "outsourced") & (table["kpi"] == "cost.total_per_year")]
    assert row["ci_low"].iloc[0] <= row["mean"].iloc[0] <= row["ci_high"].iloc[0]
    assert pd.notna(row["diff_low"].iloc[0])


def test_report_refuses_unknown_kpis_and_arms(swept, capsys):
    with pytest.raises(ReportError, match="--kpis: unknown KPI 'nope'; allowed: "):
        build_report(swept, kpis=["nope"])
    assert main(["report", str(swept), "--baseline", "mutual"]) == 2
    assert "--baseline: no arm 'mutual'; allowed: in_house, outsourced" in capsys.readouterr().err
    assert main(["report", str(swept.parent / "nothing")]) == 2
    assert "not an experiment folder" in capsys.readouterr().err


def test_morris_screening_ranks_the_factors(tmp_path):
    path = tmp_path / "morris.toml"
    path.write_text(
        """
name = "screen"
seed = 3
[scenario]
years = 0.1
warmup_days = 0
[design]
kind = "morris"
trajectories = 3
analyse = ["assessment.people_waiting_mean"]
[design.factors]
"workforce.establishment_fte" = { low = 30, high = 90 }
"mortality.need_effect" = { low = 0.5, high = 1.5 }
[outputs]
kpis = ["assessment.people_waiting_mean", "cost.total_per_year"]
"""
    )
    sweep(load_plan(path), tmp_path / "out", workers=2)
    text = build_report(tmp_path / "out").read_text()
    assert "## Sensitivity (morris)" in text
    ranked = [line for line in text.splitlines() if line.startswith("| 1 | ")]
    # Fewer staff means longer queues: staffing must dominate the waiting list.
    assert ranked and ranked[0].startswith("| 1 | workforce.establishment_fte |")
    assert (tmp_path / "out" / "charts" / "sensitivity_assessment.people_waiting_mean.png").exists()
