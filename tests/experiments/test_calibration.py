"""carepath calibrate and validate: tiny runs (a few weeks, one or two replications)."""

from __future__ import annotations

import math
import re
import tomllib
from pathlib import Path

import carepath.sim.scenario
import pytest
from carepath.experiments.calibration import TARGETS_FILE, CalibrationError
from carepath.experiments.calibration.balance import (
    CONDITIONS,
    Row,
    condition_rows,
    loss,
    unflatten,
)
from carepath.experiments.calibration.fit import (
    FAILED_LOSS,
    Settings,
    calibrate,
    dumps_toml,
    sha256,
    write_calibrated,
)
from carepath.experiments.calibration.model import CalibrationModel
from carepath.experiments.calibration.parameters import (
    FreeParameter,
    check_parameters,
    default_values,
    load_parameters,
    parse_bound,
)
from carepath.sim.model import CarePathwayModel
from carepath.sim.presets import MECHANISMS
from carepath.sim.scenario import ScenarioError, build_scenario

from carepath.cli import main

TINY = Settings(trials=2, replications=1, years=0.2, batch=2, workers=1, seed=3)


@pytest.fixture(autouse=True)
def no_real_calibration(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Every test sees no calibrated file unless it writes one; the real one is never touched."""
    path = tmp_path / "calibrated.toml"
    monkeypatch.setattr(carepath.sim.scenario, "CALIBRATED_FILE", path)
    return path


def _targets_file(tmp_path: Path, **published: float) -> Path:
    """The real targets with every fit tolerance made huge; ``published`` moves figures far off."""
    raw = tomllib.loads(TARGETS_FILE.read_text(encoding="utf-8"))
    for target in raw["target"]:
        if target["use"] == "fit":
            target["tolerance"] = {"absolute": 1e12}
        if target["name"] in published:
            target["published"] = published[target["name"]]
            target["tolerance"] = {"absolute": 0.01}
    path = tmp_path / "targets.toml"
    path.write_text(dumps_toml(raw), encoding="utf-8")
    return path


# -- the calibrated layer of the scenario -----------------------------------------------------
def test_build_scenario_layers_the_calibrated_file(no_real_calibration: Path):
    assert build_scenario().assessment.hours_mean == 12.0  # no file: schema defaults
    no_real_calibration.write_text(
        "[parameters]\n"
        '"assessment.hours_mean" = 9.5\n'
        '"workforce.admin_share" = 0.5\n'  # a preset mechanism: the preset sets it over this
        "[provenance]\n"
        'date = "today"\n',
        encoding="utf-8",
    )
    assert build_scenario().assessment.hours_mean == 9.5
    assert build_scenario(preset="outsourced").assessment.hours_mean == 9.5
    assert build_scenario().workforce.admin_share == 0.35  # in_house's own value wins
    assert build_scenario({"assessment": {"hours_mean": 11.0}}).assessment.hours_mean == 11.0
    assert build_scenario(overrides={"assessment.hours_mean": 7.0}).assessment.hours_mean == 7.0
    assert build_scenario(calibrated=False).assessment.hours_mean == 12.0
    assert CarePathwayModel(years=0.01).config.assessment.hours_mean == 9.5


def test_a_broken_calibrated_file_is_a_scenario_error(no_real_calibration: Path):
    no_real_calibration.write_text("[parameters\n", encoding="utf-8")
    with pytest.raises(ScenarioError, match="not a valid TOML file"):
        build_scenario()
    no_real_calibration.write_text('[parameters]\n"assessment.nonsense" = 1\n', encoding="utf-8")
    with pytest.raises(ScenarioError, match=r"assessment\.nonsense: unknown field"):
        build_scenario()


# -- free parameters --------------------------------------------------------------------------
def test_the_free_parameters_are_behavioural_not_presets_or_inputs():
    from carepath.experiments.calibration import load

    parameters = load_parameters()
    paths = {p.path for p in parameters}
    assert len(paths) == len(parameters) >= 5
    assert not paths & set(MECHANISMS)
    assert not paths & {figure.parameter for figure in load().inputs}
    assert {"assessment.hours_mean", "assessment.review_time_share"} <= paths  # the lists
    defaults = default_values(parameters)
    for p in parameters:
        assert p.low <= defaults[p.path] <= p.high, p.path


def test_fitted_parameters_say_so_in_their_description():
    from carepath.docs import _field_description

    for p in load_parameters():
        assert "carepath calibrate" in _field_description(p.path), p.path


@pytest.mark.parametrize(
    ("parameter", "message"),
    [
        (FreeParameter("assessment.hours_mean", 20, 10, 0.1, "x"), "low (20) must be below high"),
        (FreeParameter("assessment.hours_mean", 0, 10, 0.1, "x"), "bound 0 is not a valid value"),
        (FreeParameter("workforce.admin_share", 0.1, 0.5, 0.01, "x"), "a preset mechanism"),
        (FreeParameter("workforce.hourly_cost", 40, 60, 1, "x"), "a published input"),
        (FreeParameter("assessment.nonsense", 1, 2, 0.1, "x"), "not a valid value"),
        (FreeParameter("assessment.hours_mean", 6, 8, 5, "x"), "step (5) must be positive"),
    ],
)
def test_impossible_parameters_are_refused_naming_the_field(parameter, message):
    with pytest.raises(CalibrationError, match=re.escape(message)) as error:
        check_parameters([parameter])
    assert str(error.value).startswith(parameter.path)


def test_snap_keeps_values_on_the_grid_and_inside_the_bounds():
    p = FreeParameter("demand.signpost_below_need", 0.1, 0.28, 0.005, "x")
    assert p.snap(0.30000000000000004) == 0.28
    assert p.snap(0.2024) == 0.2
    assert p.snap(-1) == 0.1
    assert p.upper == 0.28


def test_bound_option_is_parsed_or_refused():
    assert parse_bound("assessment.hours_mean=8..14") == ("assessment.hours_mean", (8.0, 14.0))
    with pytest.raises(CalibrationError, match=r"expected PATH=LOW\.\.HIGH"):
        parse_bound("assessment.hours_mean=8-14")


# -- scoring ----------------------------------------------------------------------------------
def test_the_calibration_model_runs_the_same_model_with_more_measurements():
    plain = CarePathwayModel(years=0.2, rng=5).run()
    extra = CalibrationModel(scenario={"run": {"years": 0.2}}, rng=5).run()
    balance = extra.summary.pop("balance")
    assert extra.summary == plain.summary
    assert extra.timeseries.equals(plain.timeseries)
    for condition in CONDITIONS:
        assert condition.kpi.removeprefix("balance.") in balance


def test_loss_is_the_sum_of_squared_normalised_errors_without_checks():
    def row(kind, mean):
        return Row(kind, "x", "u", 1.0, 0.5, 1.5, mean, math.nan, math.nan, 2, True)

    rows = [row("fit", 2.0), row("stationarity", 0.75), row("check", 100.0)]
    assert rows[0].error == pytest.approx(2.0)
    assert loss(rows) == pytest.approx(2.0**2 + 0.5**2)
    assert row("fit", math.nan).error == 10.0


def test_stationarity_tolerance_follows_the_level():
    summaries = [
        unflatten(
            {
                "balance.waiting_trend": 30.0,
                "balance.waiting_first_mean": 100.0,
                "balance.reviews_waiting_trend": 0.0,
                "balance.reviews_waiting_first_mean": 5.0,
            }
        )
    ] * 2
    rows = {r.name: r for r in condition_rows(summaries)}
    assert rows["assessment_queue_trend"].high == pytest.approx(20.0)  # 20% of 100
    assert not rows["assessment_queue_trend"].within
    assert rows["review_queue_trend"].high == pytest.approx(10.0)  # the floor
    assert rows["review_queue_trend"].within


def test_toml_writer_round_trips():
    data = {
        "parameters": {"a.b": 0.1, "c": 3},
        "provenance": {"text": 'say "hi"\n', "nan": math.nan, "flag": True, "list": [1, 2]},
        "rows": [{"x": 1.5}, {"x": -2e-7}],
    }
    back = tomllib.loads(dumps_toml(data))
    assert back["parameters"] == data["parameters"]
    assert back["provenance"]["text"] == 'say "hi"\n'
    assert math.isnan(back["provenance"]["nan"])
    assert back["rows"] == data["rows"]


# -- calibrate --------------------------------------------------------------------------------
def test_calibrate_is_reproducible_and_writes_values_with_provenance(tmp_path: Path):
    first = calibrate(TINY)
    again = calibrate(TINY)
    assert [t.values for t in first.trials] == [t.values for t in again.trials]
    assert [t.loss for t in first.trials] == [t.loss for t in again.trials]
    assert first.trials[0].values == default_values(first.parameters)  # starts at the defaults
    assert all(t.loss < FAILED_LOSS for t in first.trials)

    path = write_calibrated(first, tmp_path / "out" / "calibrated.toml", command="test")
    written = tomllib.loads(path.read_text(encoding="utf-8"))
    assert written["parameters"] == first.best.values
    prov = written["provenance"]
    for key in ("date", "git_commit", "optimiser", "best_loss", "default_loss", "trials"):
        assert key in prov, key
    assert prov["targets_sha256"] == sha256(TARGETS_FILE)
    assert prov["trials"] == 2 and prov["replications"] == 1 and prov["seed"] == 3
    assert prov["best_loss"] == pytest.approx(first.best.loss)
    names = {row["name"] for row in prov["fit"]}
    assert {c.name for c in CONDITIONS} <= names
    assert "ascof_2d" in names
    assert [p["path"] for p in prov["parameter"]] == list(first.best.values)


def test_calibrate_command_writes_the_file_it_is_given(tmp_path: Path, capsys):
    out = tmp_path / "fitted.toml"
    args = ["calibrate", "--trials", "2", "--replications", "1", "--years", "0.2"]
    args += ["--batch", "2", "--workers", "1", "--seed", "3", "--out", str(out)]
    assert main(args) == 0
    written = tomllib.loads(out.read_text(encoding="utf-8"))
    assert written["parameters"] == calibrate(TINY).best.values  # the CLI and the API agree
    assert written["provenance"]["command"].startswith("carepath ")
    assert "Fitted parameters" in capsys.readouterr().out


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--bound", "assessment.hours_mean=20..10"], "assessment.hours_mean: low (20)"),
        (
            ["--bound", "workforce.admin_share=0.1..0.5"],
            "--bound workforce.admin_share: not a free",
        ),
        (["--bound", "assessment.hours_mean=abc"], "expected PATH=LOW..HIGH"),
        (["--targets", "no/such/targets.toml"], "no such targets file"),
        (["--parameters", "no/such/parameters.toml"], "no such parameters file"),
        (["--start", "no/such/calibrated.toml"], "no such calibrated file"),
    ],
)
def test_bad_calibrate_input_is_one_line_and_exit_2(tmp_path: Path, capsys, args, message):
    out = tmp_path / "never.toml"
    assert main(["calibrate", "--trials", "1", "--out", str(out), *args]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and err[0].startswith("carepath: error: ") and message in err[0]
    assert not out.exists()


def test_a_start_file_is_tried_right_after_the_defaults_and_recorded(tmp_path: Path):
    start = tmp_path / "earlier.toml"
    start.write_text(
        '[parameters]\n"assessment.hours_mean" = 9.04\n"demand.signpost_below_need" = 0.25\n'
        '"not.a.free.parameter" = 1.0\n[provenance]\nseed = 1\n',
        encoding="utf-8",
    )
    settings = Settings(trials=3, replications=1, years=0.2, batch=3, workers=1, seed=3)
    result = calibrate(settings, start_file=start)
    expected = default_values(result.parameters) | {
        "assessment.hours_mean": 9.0,  # snapped to the parameter's grid
        "demand.signpost_below_need": 0.25,
    }
    assert result.trials[1].values == expected
    prov = tomllib.loads(
        write_calibrated(result, tmp_path / "out.toml").read_text(encoding="utf-8")
    )["provenance"]
    assert prov["start_values"] == expected
    assert prov["start_sha256"] == sha256(start)
    assert "trial 1 = the start file" in prov["optimiser"]


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ('[parameters]\n"assessment.hours_mean" = 40.0\n', "outside its bounds 8 to 16"),
        ('[parameters]\n"assessment.hours_mean" = "long"\n', "must be a number"),
        ("[provenance]\nseed = 1\n", "no [parameters] table"),
    ],
)
def test_a_bad_start_file_is_refused_before_any_run(tmp_path: Path, capsys, text, message):
    start = tmp_path / "earlier.toml"
    start.write_text(text, encoding="utf-8")
    out = tmp_path / "never.toml"
    assert main(["calibrate", "--trials", "1", "--start", str(start), "--out", str(out)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and message in err[0] and str(start) in err[0]
    assert not out.exists()


def test_bad_option_values_are_refused_by_the_parser(capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["calibrate", "--trials", "0"])
    assert exit_.value.code == 2
    assert "--trials" in capsys.readouterr().err


# -- validate ---------------------------------------------------------------------------------
def _validate(tmp_path: Path, targets: Path) -> list[str]:
    # A large establishment and no waiting list at the start keep the tiny runs' queues flat
    # (and empty), so only the targets decide.
    return [
        "validate",
        "--replications",
        "2",
        "--years",
        "0.2",
        "--workers",
        "1",
        "--targets",
        str(targets),
        "--report",
        str(tmp_path / "docs" / "validation.md"),
        "--set",
        "workforce.establishment_fte=300",
        "--set",
        "initial.waiting_for_assessment_per_1000_adults=0",
    ]


def test_validate_passes_when_every_fit_target_is_within(tmp_path: Path, capsys):
    assert main(_validate(tmp_path, _targets_file(tmp_path))) == 0
    out = capsys.readouterr().out
    assert "Fit targets" in out and "Out-of-sample checks" in out and "Stationarity" in out
    assert "PASS" in out
    report = (tmp_path / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "## Fit targets" in report and "## Out-of-sample checks" in report
    assert "**Verdict: pass" in report
    assert (tmp_path / "docs" / "validation" / "targets.png").stat().st_size > 0
    assert (tmp_path / "docs" / "validation" / "queues.png").stat().st_size > 0


def test_validate_fails_when_a_fit_target_is_outside(tmp_path: Path, capsys):
    targets = _targets_file(tmp_path, share_from_hospital=0.9)
    assert main(_validate(tmp_path, targets)) == 1
    out = capsys.readouterr().out
    assert "FAIL" in out
    report = (tmp_path / "docs" / "validation.md").read_text(encoding="utf-8")
    line = next(x for x in report.splitlines() if x.startswith("| `share_from_hospital`"))
    assert line.rstrip().endswith("| NO |")


def test_a_missed_check_never_fails_validate(tmp_path: Path, capsys):
    targets = _targets_file(tmp_path, agency_share=0.9)  # a check: reported, never failing
    assert main(_validate(tmp_path, targets)) == 0
    report = (tmp_path / "docs" / "validation.md").read_text(encoding="utf-8")
    assert "Checks outside their tolerance" in report and "`agency_share`" in report


def test_bad_validate_input_is_one_line_and_exit_2(tmp_path: Path, capsys):
    args = [*_validate(tmp_path, TARGETS_FILE)[:-1], "workforce.nonsense=3"]
    assert main(args) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "workforce.nonsense" in err[0] and "allowed:" in err[0]


def test_validation_names_the_fit_targets_changed_since_calibration():
    from carepath.experiments.calibration.validate import _changed_fit_targets

    def row(kind, name, expected, low, high):
        return Row(kind, name, "", expected, low, high, 0.0, 0.0, 0.0, 2, True)

    rows = [
        row("fit", "kept", 1.0, 0.9, 1.1),
        row("fit", "moved", 2.0, 1.5, 2.5),
        row("fit", "added", 3.0, 2.0, 4.0),
        row("check", "a_check", 5.0, 4.0, 6.0),
        row("stationarity", "trend", 0.0, -10.0, 10.0),
    ]
    fitted = [
        {"kind": "fit", "name": "kept", "expected": 1.0, "low": 0.9, "high": 1.1},
        {"kind": "fit", "name": "moved", "expected": 2.0, "low": 1.8, "high": 2.2},
        {"kind": "fit", "name": "removed", "expected": 1.0, "low": 0.0, "high": 2.0},
        {"kind": "stationarity", "name": "trend", "expected": 0.0, "low": -20.0, "high": 20.0},
    ]
    assert _changed_fit_targets(rows, fitted) == ["added", "moved", "removed"]
    assert _changed_fit_targets(rows[:1], fitted[:1]) == []
