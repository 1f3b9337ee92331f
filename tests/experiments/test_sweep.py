"""Sweeps: the same rows whatever runs them, failures recorded, and resumption."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest
from carepath.experiments.store import StoreError, read_manifest, read_runs, read_timeseries
from carepath.experiments.sweep import load_plan, sweep

ROOT = Path(__file__).resolve().parents[2]


def _content(folder: Path) -> tuple[pd.DataFrame, pd.DataFrame]:
    return read_runs(folder), read_timeseries(folder)


def test_serial_local_workers_and_dask_cluster_give_identical_results(write_experiment, tmp_path):
    plan = load_plan(write_experiment())
    serial, local, cluster = tmp_path / "serial", tmp_path / "local", tmp_path / "dask"
    assert sweep(plan, serial, workers=1).ok == 8
    assert sweep(plan, local, workers=2).ok == 8

    from distributed import LocalCluster

    with LocalCluster(
        n_workers=2, threads_per_worker=1, processes=True, dashboard_address=None
    ) as lc:
        assert sweep(plan, cluster, scheduler=lc.scheduler_address).ok == 8

    runs, series = _content(serial)
    assert len(runs) == 8 and runs["checksum"].str.startswith("sha256:").all()
    for other in (local, cluster):
        other_runs, other_series = _content(other)
        pd.testing.assert_frame_equal(runs, other_runs)
        pd.testing.assert_frame_equal(series, other_series)


def test_arms_share_random_numbers_within_a_replication(write_experiment, tmp_path):
    plan = load_plan(write_experiment())
    sweep(plan, tmp_path / "out", workers=1)
    runs = read_runs(tmp_path / "out")
    # The same new people arrive in every arm of a replication, while replications differ.
    # (Repeat requests depend on the arm: who leaves the waiting list, and when, does.)
    runs["new_requests"] = runs["demand.requests_per_year"] * (
        1.0 - runs["demand.share_repeat_requests"]
    )
    first = runs[runs["replication"] == 0]["new_requests"].round(6)
    second = runs[runs["replication"] == 1]["new_requests"].round(6)
    assert first.nunique() == 1 and second.nunique() == 1
    assert first.iloc[0] != second.iloc[0]


def test_a_run_that_raises_is_recorded_and_the_others_complete(write_experiment, tmp_path):
    path = write_experiment(model="tests.experiments.models:RaisingModel", ftes="[60, 61]")
    report = sweep(load_plan(path, trust_model=True), tmp_path / "out", workers=2)
    assert (report.ok, report.failed) == (4, 4)
    runs = read_runs(tmp_path / "out")
    failed = runs[runs["status"] == "failed"]
    assert set(failed["workforce.establishment_fte"]) == {61}
    assert failed["error"].str.contains("RuntimeError: deliberate failure").all()
    assert runs.loc[runs["status"] == "ok", "cost.total_per_year"].gt(0).all()
    manifest = read_manifest(tmp_path / "out")
    entry = manifest["runs"][str(int(failed["run_id"].iloc[0]))]
    assert "deliberate failure" in entry["traceback"]
    assert manifest["progress"] == {"planned": 8, "ok": 4, "failed": 4}


def test_a_run_that_kills_its_worker_is_recorded_and_the_others_complete(
    write_experiment, tmp_path
):
    path = write_experiment(model="tests.experiments.models:DyingModel", ftes="[60, 61]")
    report = sweep(load_plan(path, trust_model=True), tmp_path / "out", workers=2)
    assert (report.ok, report.failed) == (4, 4)
    runs = read_runs(tmp_path / "out")
    assert runs["run_id"].tolist() == list(range(8))
    failed = runs[runs["status"] == "failed"]
    assert set(failed["workforce.establishment_fte"]) == {61}
    assert failed["error"].str.startswith("WorkerDied").all()


def test_retry_failed_reruns_only_the_failures(write_experiment, tmp_path):
    path = write_experiment(model="tests.experiments.models:RaisingModel", ftes="[60, 61]")
    plan = load_plan(path, trust_model=True)
    sweep(plan, tmp_path / "out", workers=1)
    again = sweep(plan, tmp_path / "out", workers=1)
    assert (again.skipped, again.ok, again.failed) == (8, 0, 0)
    retried = sweep(plan, tmp_path / "out", workers=1, retry_failed=True)
    assert (retried.skipped, retried.failed) == (4, 4)


def test_killed_sweep_resumes_without_losing_or_repeating_runs(write_experiment, tmp_path):
    path = write_experiment(replications=4, model="tests.experiments.models:SlowModel")
    out = tmp_path / "out"
    log = tmp_path / "started.log"
    env = {**os.environ, "CAREPATH_TEST_RUN_LOG": str(log), "PYTHONPATH": str(ROOT)}
    command = [sys.executable, "-m", "carepath.cli", "sweep", str(path), "--out", str(out)]
    command.append("--trust-model")  # the test model is not one of carepath's own
    sweep_process = subprocess.Popen(
        [*command, "--workers", "2", "--quiet"], env=env, cwd=ROOT, start_new_session=True
    )
    parts = out / "runs.parquet"
    deadline = time.monotonic() + 120
    while len(list(parts.glob("run-*.parquet"))) < 4:
        assert sweep_process.poll() is None, "the sweep ended before it could be killed"
        assert time.monotonic() < deadline, "the sweep made no progress"
        time.sleep(0.05)
    os.killpg(sweep_process.pid, signal.SIGKILL)  # the sweep and its workers, mid-run
    sweep_process.wait()
    before = {p.name: p.stat().st_mtime_ns for p in parts.glob("run-*.parquet")}
    assert 4 <= len(before) < 16

    log.write_text("")
    finished = subprocess.run(
        [*command, "--workers", "1", "--quiet"], env=env, cwd=ROOT, capture_output=True, text=True
    )
    assert finished.returncode == 0, finished.stderr
    runs = read_runs(out)
    assert runs["run_id"].tolist() == list(range(16))  # nothing lost, nothing twice
    assert (runs["status"] == "ok").all()
    after = {p.name: p.stat().st_mtime_ns for p in parts.glob("run-*.parquet")}
    assert {name: after[name] for name in before} == before  # finished runs untouched
    # Only the rest re-ran (the sweep's short check of the model's outputs aside).
    started = [line for line in log.read_text().splitlines() if line.endswith(" 0.1")]
    assert len(started) == 16 - len(before)
    assert not list(out.rglob(".*.tmp"))

    # And the resumed folder holds exactly what an uninterrupted sweep gives.
    whole = tmp_path / "whole"
    sweep(load_plan(path, trust_model=True), whole, workers=2)
    pd.testing.assert_frame_equal(read_runs(whole), runs)
    assert read_manifest(out)["progress"] == {"planned": 16, "ok": 16, "failed": 0}


def test_a_changed_experiment_is_refused_in_the_same_folder(write_experiment, tmp_path):
    sweep(load_plan(write_experiment(replications=1)), tmp_path / "out", workers=1)
    changed = load_plan(write_experiment(replications=1, ftes="[60, 90]"))
    with pytest.raises(StoreError, match="holds a different experiment"):
        sweep(changed, tmp_path / "out", workers=1)


def test_a_folder_with_other_files_is_refused(write_experiment, tmp_path):
    out = tmp_path / "out"
    out.mkdir()
    (out / "thesis.docx").write_text("precious")
    with pytest.raises(StoreError, match="not a carepath experiment"):
        sweep(load_plan(write_experiment()), out, workers=1)
    assert (out / "thesis.docx").read_text() == "precious"


def test_two_sweeps_cannot_write_one_folder(write_experiment, tmp_path):
    from carepath.experiments.store import ExperimentStore

    plan = load_plan(write_experiment(replications=1))
    store, _ = ExperimentStore.open(tmp_path / "out", plan.manifest)
    try:
        with pytest.raises(StoreError, match="another sweep"):
            sweep(plan, tmp_path / "out", workers=1)
    finally:
        store.close()
