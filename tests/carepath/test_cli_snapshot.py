"""`carepath run --save-snapshot / --from-snapshot`: a warm-up saved once, options forked from it."""

from __future__ import annotations

import pytest

from carepath.cli import main

SMALL = ["--population", "50000", "--years", "1", "--warmup", "120", "--seed", "4", "--quiet"]
CHANGE = ["--set", "change.enabled=true", "--set", "change.staff_leaving_share=0.1"]
FILES = ("summary.json", "timeseries.parquet", "events.parquet")


def test_an_option_run_from_a_saved_warm_up_writes_the_files_of_its_unbroken_run(tmp_path):
    snapshot = tmp_path / "warm.snapshot"
    argv = ["run", *SMALL, *CHANGE]
    assert main([*argv, "--preset", "social_enterprise", "--save-snapshot", str(snapshot)]) == 0
    assert snapshot.exists()
    forked, unbroken = tmp_path / "forked", tmp_path / "unbroken"
    trust = [*argv, "--preset", "care_trust_plus"]
    assert main([*trust, "--from-snapshot", str(snapshot), "--out", str(forked)]) == 0
    assert main([*trust, "--out", str(unbroken)]) == 0
    for name in FILES:
        assert (forked / name).read_bytes() == (unbroken / name).read_bytes(), name


@pytest.mark.parametrize(
    ("extra", "expected"),
    [
        (["--snapshot-at", "10"], "--snapshot-at: give --save-snapshot PATH too"),
        (["--save-snapshot", "{tmp}/a.snapshot"], "--save-snapshot: give --snapshot-at DAY"),
        (
            ["--save-snapshot", "{tmp}/a.snapshot", "--snapshot-at", "900"],
            "--snapshot-at: day 900 is outside the run still to come (days 0 to 365)",
        ),
        (["--save-snapshot", "{tmp}", "--snapshot-at", "9"], "is a folder or inside a file"),
        (["--from-snapshot", "{tmp}/missing.snapshot"], "cannot read"),
        (["--from-snapshot", "{tmp}/not.snapshot"], "not a carepath snapshot"),
    ],
)
def test_bad_snapshot_options_are_one_line_and_status_2(extra, expected, tmp_path, capsys):
    (tmp_path / "not.snapshot").write_text("hello\n")
    argv = ["run", *SMALL, *[e.replace("{tmp}", str(tmp_path)) for e in extra]]
    assert main([*argv, "--out", str(tmp_path / "never")]) == 2
    err = capsys.readouterr().err
    assert expected in err and "Traceback" not in err
    assert len(err.strip().splitlines()) == 1 and err.startswith("carepath: error: ")
    assert not (tmp_path / "never").exists() and not (tmp_path / "a.snapshot").exists()


def test_a_snapshot_of_another_warm_up_is_refused(tmp_path, capsys):
    snapshot = tmp_path / "warm.snapshot"
    assert main(["run", *SMALL, "--save-snapshot", str(snapshot), "--snapshot-at", "30"]) == 0
    other = ["run", *SMALL, "--set", "reablement.places=20", "--from-snapshot", str(snapshot)]
    assert main(other) == 2
    assert "made for another scenario" in capsys.readouterr().err
