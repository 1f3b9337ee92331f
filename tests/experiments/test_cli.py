"""The experiment commands as a user types them."""

from __future__ import annotations

from carepath.cli import main


def test_sweep_report_then_resume(write_experiment, tmp_path, capsys):
    path = write_experiment(replications=1)
    out = tmp_path / "out"
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 0
    printed = capsys.readouterr()
    assert "4 runs ok, 0 failed, 0 already done (4 planned)" in printed.out
    assert f"Next: carepath report {out}" in printed.out
    assert main(["report", str(out)]) == 0
    assert (out / "report.md").exists()
    assert main(["sweep", str(path), "--out", str(out), "--workers", "1"]) == 0
    assert "0 runs ok, 0 failed, 4 already done" in capsys.readouterr().out


def test_failed_runs_give_exit_status_1(write_experiment, tmp_path, capsys):
    path = write_experiment(
        replications=1, model="tests.experiments.models:RaisingModel", ftes="[60, 61]"
    )
    out = str(tmp_path / "out")
    assert main(["sweep", str(path), "--out", out, "--workers", "1", "--trust-model"]) == 1
    assert "2 runs failed" in capsys.readouterr().err


def test_bad_options_are_refused(write_experiment, tmp_path, capsys):
    path = write_experiment()
    for args in (["--workers", "0"], ["--workers", "two"]):
        try:
            main(["sweep", str(path), *args])
        except SystemExit as exit_:
            assert exit_.code == 2
    assert "--workers: expected a whole number >= 1" in capsys.readouterr().err
    (tmp_path / "file").write_text("x")
    assert main(["sweep", str(path), "--out", str(tmp_path / "file"), "--workers", "1"]) == 2
    assert "exists and is not a folder" in capsys.readouterr().err


def test_kpis_lists_the_names_experiments_accept(capsys):
    assert main(["kpis"]) == 0
    out = capsys.readouterr().out
    assert "assessment.wait_median_days" in out and "waiting_for_assessment" in out
    # KPIs only some runs report are listed with the runs that do.
    assert "scope.people_waiting_mean_in_scope" in out and "scoped organisational change" in out
