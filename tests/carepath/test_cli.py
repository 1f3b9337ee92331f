import json
import subprocess
import sys

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
