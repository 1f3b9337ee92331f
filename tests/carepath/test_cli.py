import json
import os
import re
import subprocess
import sys
from pathlib import Path

import pandas as pd
import pytest

from carepath.cli import main


def test_run_writes_three_files_and_prints_kpis(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", "--preset", "social_enterprise", "--years", "1", "--out", str(out)]) == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "events.parquet",
        "summary.json",
        "timeseries.parquet",
    ]
    summary = json.loads((out / "summary.json").read_text())
    assert summary["run"]["preset"] == "social_enterprise"
    assert summary["scenario"]["approval"]["council_checks_assessments"] is True
    events = pd.read_parquet(out / "events.parquet")
    assert list(events.columns) == ["person_id", "time", "from_state", "to_state", "cause", "cost"]
    assert len(pd.read_parquet(out / "timeseries.parquet")) == 366
    printed = capsys.readouterr().out
    assert "Median wait for assessment" in printed and "social_enterprise" in printed


def test_outputs_are_byte_identical_for_the_same_seed(tmp_path):
    for name in ("a", "b"):
        assert (
            main(["run", "--years", "0.5", "--seed", "3", "--quiet", "--out", str(tmp_path / name)])
            == 0
        )
    for file in ("summary.json", "timeseries.parquet", "events.parquet"):
        assert (tmp_path / "a" / file).read_bytes() == (tmp_path / "b" / file).read_bytes()


def test_presets_lists_seven_models_with_sources(capsys):
    assert main(["presets"]) == 0
    listing = capsys.readouterr().out
    for name in (
        "in_house",
        "social_enterprise",
        "social_work_practice",
        "care_trust_plus",
        "nhs_shared_service",
        "public_service_mutual",
        "outsourced",
    ):
        assert name in listing
    assert main(["presets", "social_work_practice"]) == 0
    detail = capsys.readouterr().out
    assert "bureaucratic burden" in detail and "[003]" in detail
    assert "assumption" in detail and "triangular" in detail  # grade and distribution
    assert main(["presets", "social_work_practice_no_benefit"]) == 0
    variant = capsys.readouterr().out
    assert "A variant that brackets social_work_practice" in variant and "baseline" in variant


def test_a_preset_shows_every_source_key_even_those_rich_would_read_as_markup(capsys):
    assert main(["presets", "gp_integrated"]) == 0
    detail = capsys.readouterr().out
    assert "[runcorn]" in detail and "[assumption]" in detail and "[icp2012]" in detail


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (
            ["run", "--preset", "nationalised"],
            "organisation.preset: unknown preset 'nationalised'; allowed: in_house",
        ),
        (["run", "--years", "-2"], "run.years"),
        (["run", "--set", "workforce.admin_share=2"], "workforce.admin_share"),
        (["run", "--set", "workforce.nonsense=1"], "allowed:"),
        (["run", "--set", "novalue"], "expected PATH=VALUE"),
        (["presets", "nationalised"], "allowed: in_house"),
    ],
)
def test_bad_input_is_one_clean_line_and_status_2(argv, expected, capsys, tmp_path):
    out = tmp_path / "never"
    assert main([*argv, *(["--out", str(out)] if argv[0] == "run" else [])]) == 2
    err = capsys.readouterr().err
    assert expected in err
    assert "Traceback" not in err
    assert all(line.startswith("carepath: error: ") for line in err.strip().splitlines())
    assert not out.exists()


def test_bad_scenario_file_keeps_earlier_results(tmp_path, capsys):
    out = tmp_path / "results"
    assert main(["run", "--years", "0.3", "--quiet", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    bad = tmp_path / "bad.toml"
    bad.write_text("[workforce]\nadmin_share = 'lots'\n")
    assert main(["run", "--scenario", str(bad), "--out", str(out)]) == 2
    assert "workforce.admin_share" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir() if ".partial-" in p.name] == []


def test_refuses_a_folder_it_did_not_write(tmp_path, capsys):
    out = tmp_path / "thesis"
    out.mkdir()
    (out / "chapter1.tex").write_text("precious")
    assert main(["run", "--years", "0.3", "--out", str(out)]) == 2
    assert "did not write" in capsys.readouterr().err
    assert (out / "chapter1.tex").read_text() == "precious"


def test_console_script_exit_status_without_traceback(tmp_path):
    result = subprocess.run(
        [sys.executable, "-m", "carepath.cli", "run", "--preset", "bogus"],
        capture_output=True,
        text=True,
        check=False,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr
    assert result.stderr.strip().startswith("carepath: error: organisation.preset")


# -- issue 18: hardening -------------------------------------------------------------------
def test_set_chooses_the_preset_and_a_partial_table(tmp_path):
    out = tmp_path / "results"
    argv = ["run", "--years", "0.02", "--quiet", "--out", str(out)]
    extra = ["--set", "organisation.preset=outsourced"]
    assert main([*argv, *extra, "--set", "population.age_shares.aged_85_plus=0.03"]) == 0
    scenario = json.loads((out / "summary.json").read_text())["scenario"]
    assert scenario["organisation"]["preset"] == "outsourced"
    assert scenario["population"]["age_shares"] == {
        "adults_18_64": 0.608,
        "aged_65_84": 0.168,
        "aged_85_plus": 0.03,
    }


@pytest.mark.parametrize(
    ("argv", "expected"),
    [
        (["--set", "organisation.preset=nope"], "organisation.preset: unknown preset 'nope'"),
        (["--set", "run.years=true"], "run.years: must be a number, not true or false"),
        (["--years", "0.001"], "run.years: must be at least one day"),
        (["--set", "home_care.capacity_hours_per_week=1e8"], r"about [\d,]+ people at day 0 \("),
        (["--set", "mortality.need_effect=10000"], "mortality.need_effect"),
        (
            ["--set", "home_care.hours_at_zero_need=0", "--set", "home_care.hours_per_need=0"],
            "home_care",
        ),
    ],
)
def test_hardened_input_is_one_line_and_status_2(argv, expected, tmp_path, capsys):
    out = tmp_path / "never"
    assert main(["run", *argv, "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip()
    # Each expected message is a regular expression only where it holds a computed count.
    pattern = expected if expected.startswith("about ") else re.escape(expected)
    assert re.match(f"carepath: error: {pattern}", err), err
    assert "\n" not in err
    assert not out.exists()


def _no_run(monkeypatch):
    # Output folders are checked before the run: the model must not even be built.
    def refuse(**_kwargs):
        raise AssertionError("the run started before --out was checked")

    monkeypatch.setattr("carepath.sim.model.CarePathwayModel", refuse)


def test_out_under_a_file_or_the_working_folder_is_refused_before_the_run(
    tmp_path, monkeypatch, capsys
):
    _no_run(monkeypatch)
    (tmp_path / "notes.txt").write_text("keep")
    monkeypatch.chdir(tmp_path)
    for out, expected in [
        ("notes.txt/results", "notes.txt is a file, not a folder"),
        (".", "is the working folder or holds it"),
        ("..", "is the working folder or holds it"),
    ]:
        assert main(["run", "--years", "0.02", "--out", out]) == 2
        err = capsys.readouterr().err.strip()
        assert err == f"carepath: error: --out {out}: " + err.split(f"--out {out}: ")[1]
        assert expected in err
    assert sorted(p.name for p in tmp_path.iterdir()) == ["notes.txt"]


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes in read-only folders")
def test_out_in_a_read_only_folder_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    _no_run(monkeypatch)
    locked = tmp_path / "locked"
    locked.mkdir()
    locked.chmod(0o555)
    try:
        assert main(["run", "--years", "0.02", "--out", str(locked / "results")]) == 2
    finally:
        locked.chmod(0o755)
    assert "cannot write in" in capsys.readouterr().err
    assert list(locked.iterdir()) == []


def test_a_folder_that_cannot_be_written_is_refused_before_the_run(tmp_path, monkeypatch, capsys):
    # The same refusal where permission bits do not apply (root, a read-only file system).
    _no_run(monkeypatch)

    def read_only(*_args, **_kwargs):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr("carepath.sim.measure.outputs.tempfile.mkdtemp", read_only)
    assert main(["run", "--years", "0.02", "--out", str(tmp_path / "results")]) == 2
    err = capsys.readouterr().err.strip()
    assert (
        err
        == f"carepath: error: --out {tmp_path / 'results'}: cannot write in {tmp_path} (Permission denied)"
    )


def test_a_failed_swap_leaves_the_earlier_results_and_no_old_folder(tmp_path, monkeypatch, capsys):
    out = tmp_path / "results"
    assert main(["run", "--years", "0.02", "--quiet", "--out", str(out)]) == 0
    before = {p.name: p.read_bytes() for p in out.iterdir()}
    real_replace = os.replace

    def busy(source, target):
        if Path(source) == out:
            raise OSError(16, "Device or resource busy")
        real_replace(source, target)

    monkeypatch.setattr("carepath.sim.measure.outputs.os.replace", busy)
    assert main(["run", "--years", "0.02", "--quiet", "--out", str(out)]) == 2
    assert "results not written (Device or resource busy)" in capsys.readouterr().err
    assert {p.name: p.read_bytes() for p in out.iterdir()} == before
    assert [p.name for p in tmp_path.iterdir()] == ["results"]


def test_run_results_follow_the_umask(tmp_path):
    old = os.umask(0o022)
    try:
        assert (
            main(["run", "--years", "0.02", "--seed", "1", "--quiet", "--out", str(tmp_path / "r")])
            == 0
        )
    finally:
        os.umask(old)
    assert (tmp_path / "r").stat().st_mode & 0o777 == 0o755
