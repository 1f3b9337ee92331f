"""Reproduce: re-made runs are checked against their recorded checksums."""

from __future__ import annotations

import carepath.sim.model
import pyarrow.parquet as pq
import pytest
from carepath.experiments.store import RUNS, part_name
from carepath.experiments.sweep import load_plan, reproduce, sweep

from carepath.cli import main


@pytest.fixture
def swept(write_experiment, tmp_path):
    sweep(load_plan(write_experiment(replications=1)), tmp_path / "out", workers=1)
    return tmp_path / "out"


def test_an_unchanged_model_reproduces_every_run_exactly(swept, capsys):
    checks = reproduce(swept, workers=1)
    assert [c.verdict for c in checks] == ["match"] * 4
    assert main(["reproduce", str(swept), "--workers", "2", "--runs", "0-1,3"]) == 0
    assert "3 of 3 runs reproduced exactly" in capsys.readouterr().out


def test_a_changed_model_is_detected(swept, monkeypatch, capsys):
    original = carepath.sim.model.CarePathwayModel.daily_price
    monkeypatch.setattr(
        carepath.sim.model.CarePathwayModel,
        "daily_price",
        lambda self, *args, **kwargs: original(self, *args, **kwargs) * 1.01,
    )
    checks = reproduce(swept, workers=1)
    assert {c.verdict for c in checks} == {"differs"}
    assert main(["reproduce", str(swept), "--workers", "1"]) == 1
    assert "0 of 4 runs reproduced exactly" in capsys.readouterr().out


def test_an_altered_stored_result_is_detected(swept):
    part = swept / RUNS / part_name(2)
    table = pq.read_table(part).to_pandas()
    table["cost.total_per_year"] *= 1.000001
    pq.write_table(pq.read_table(part).from_pandas(table, preserve_index=False), part)
    verdicts = {c.run_id: c.verdict for c in reproduce(swept, workers=1)}
    assert verdicts == {0: "match", 1: "match", 2: "stored result altered", 3: "match"}


def test_run_numbers_are_checked_against_the_manifest_before_anything_runs(swept, capsys):
    for runs, message in (
        ("3,99", "--runs: '99' goes past the last run, 3 (the experiment has runs 0-3)"),
        ("0-99999999999", "--runs: '0-99999999999' goes past the last run, 3"),
        ("3-2", "--runs: '3-2' runs backwards; write 2-3"),
        ("x-1", "--runs: 'x-1' is not a run number or range like 0-9"),
        (",", "--runs: ',' names no run"),
    ):
        assert main(["reproduce", str(swept), "--workers", "1", "--runs", runs]) == 2
        err = capsys.readouterr().err
        assert message in err and len(err.strip().splitlines()) == 1, err
