"""Experiment files: bad ones are refused with one clear line per problem."""

from __future__ import annotations

import pytest
from carepath.experiments.spec import ExperimentError, read_experiment
from carepath.experiments.sweep import load_plan

from carepath.cli import main

GOOD = """
seed = 1
[design]
factors = { "organisation.preset" = ["in_house", "outsourced"] }
"""


def test_a_minimal_file_is_valid_and_named_after_itself(tmp_path):
    path = tmp_path / "my-study.toml"
    path.write_text(GOOD)
    experiment, text = read_experiment(path)
    assert experiment.name == "my-study" and experiment.replications == 1 and text == GOOD


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (
            "seed = 1\n[design]\nfactors = {}\n",
            "design: a factorial design needs at least one factor",
        ),
        ("replications = 0\n" + GOOD, "replications: Input should be greater than or equal to 1"),
        (GOOD.replace("seed = 1", "seed = -1"), "seed: Input should be greater than or equal"),
        ("colour = 'red'\n" + GOOD, "colour: unknown field; allowed: name, description, seed"),
        (
            GOOD.replace("[design]", "[design]\nkind = 'bayesian'"),
            "design.kind: Input should be 'factorial', 'latin_hypercube', 'list', 'morris' or 'sobol'",
        ),
        (
            "seed = 1\n[design]\nkind = 'sobol'\nsamples = 10\n"
            "factors = { 'reablement.places' = { low = 50, high = 90 } }\n",
            "a power of 2",
        ),
        (
            "seed = 1\n[design]\nkind = 'morris'\nfactors = { 'reablement.places' = [50, 90] }\n",
            "morris needs a range",
        ),
        (
            "seed = 1\n[design]\nkind = 'latin_hypercube'\nsamples = 4\n"
            "factors = { 'reablement.places' = { low = 90, high = 50 } }\n",
            "low (90.0) must be below high (50.0)",
        ),
        ("seed = 1\n[design]\nkind = 'list'\n", "a list design needs [[design.arms]]"),
        ("seed = [1\n", "not a valid TOML file"),
    ],
)
def test_malformed_files_name_the_field(tmp_path, text, expected):
    path = tmp_path / "bad.toml"
    path.write_text(text)
    with pytest.raises(ExperimentError) as caught:
        read_experiment(path)
    assert expected in str(caught.value)
    assert all(line.startswith(f"{path}: ") for line in str(caught.value).splitlines())


@pytest.mark.parametrize(
    ("design", "expected"),
    [
        (
            "factors = { 'organisation.preset' = ['in_house', 'coop'] }",
            "organisation.preset: unknown preset 'coop'; allowed: in_house",
        ),
        (
            "factors = { 'workforce.staff' = [1, 2] }",
            "workforce.staff: unknown field 'staff' in workforce; allowed:",
        ),
        (
            "factors = { 'reablement.places' = [-5] }",
            "reablement.places: Input should be greater than or equal to 0",
        ),
    ],
)
def test_bad_factor_levels_are_refused_before_anything_runs(tmp_path, design, expected):
    path = tmp_path / "bad.toml"
    path.write_text(f"seed = 1\n[design]\n{design}\n")
    with pytest.raises(ExperimentError, match=expected.replace("(", r"\(").replace(")", r"\)")):
        load_plan(path)


def test_unknown_outputs_baseline_and_model_are_refused(tmp_path):
    path = tmp_path / "bad.toml"
    path.write_text("baseline = 'council'\n" + GOOD)
    with pytest.raises(ExperimentError) as caught:
        load_plan(path)
    assert "baseline: no arm is labelled 'council'; arms: in_house, outsourced" in str(caught.value)
    path.write_text(GOOD + "[outputs]\nkpis = ['assessment.wait']\ntimeseries = ['queue']\n")
    with pytest.raises(ExperimentError) as caught:
        load_plan(path)
    lines = str(caught.value).splitlines()
    assert "outputs.kpis: unknown KPI 'assessment.wait'; allowed: demand." in lines[0]
    assert "outputs.timeseries: unknown series 'queue'; allowed: waiting_for_assessment" in lines[1]
    path.write_text("model = 'nowhere.module:Model'\n" + GOOD)
    with pytest.raises(ExperimentError, match=r"model: cannot import 'nowhere\.module:Model'"):
        load_plan(path, trust_model=True)


def test_the_cli_prints_one_line_per_problem_and_exits_2(tmp_path, capsys):
    path = tmp_path / "bad.toml"
    path.write_text("seed = 'x'\nreplications = 0\n[design]\nfactors = {}\n")
    assert main(["sweep", str(path), "--out", str(tmp_path / "out")]) == 2
    lines = capsys.readouterr().err.strip().splitlines()
    assert len(lines) == 3 and all(line.startswith("carepath: error: ") for line in lines)
    assert not (tmp_path / "out").exists()
    assert main(["sweep", str(tmp_path / "missing.toml")]) == 2
    assert "no such experiment file" in capsys.readouterr().err
