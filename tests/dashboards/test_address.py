"""The live run's scenario as a page address and as a TOML scenario file, read back exactly."""

from __future__ import annotations

import tomllib

import pytest
from carepath.dashboards import address, levers
from carepath.sim.scenario import ScenarioError, build_scenario


@pytest.fixture
def changed() -> dict:
    chosen = levers.preset_levers("care_trust_plus")
    return {**chosen, "funded_posts": 130, "strengths_based": True, "discharge_to_assess": 0.55}


def test_the_address_names_only_what_differs_from_the_preset(changed):
    query = address.to_query("care_trust_plus", changed, "9")
    assert query == (
        "preset=care_trust_plus&seed=9&funded_posts=130&strengths_based=true"
        "&discharge_to_assess=0.55"
    )
    assert address.from_query(query) == ("care_trust_plus", changed, "9")
    assert address.from_query("") == ("in_house", levers.preset_levers("in_house"), "1")


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("preset=nonesuch", "address: preset: unknown preset 'nonesuch'; allowed: in_house"),
        ("colour=red", "address: unknown setting 'colour'; allowed: preset, seed"),
        ("seed=1&seed=2", "address: seed is given twice"),
        ("funded_posts=many", "funded_posts: 'many' is not a number"),
        ("funded_posts=12.5", "funded_posts: '12.5' is not a whole number"),
        ("council_checks=maybe", "council_checks: 'maybe' is not true or false"),
        ("eligibility_threshold=high", "eligibility_threshold: 'high' is not allowed; allowed:"),
        ("seed=-3", "seed: must be from 0"),
    ],
)
def test_a_bad_address_is_one_line_naming_the_setting(query, message):
    with pytest.raises(ScenarioError) as caught:
        address.from_query(query)
    assert str(caught.value).startswith(message)
    assert "\n" not in str(caught.value)


def test_the_toml_file_is_a_scenario_file_carepath_runs(changed):
    text = address.to_toml("care_trust_plus", changed, "9")
    scenario = build_scenario(tomllib.loads(text))
    assert scenario.organisation.preset == "care_trust_plus" and scenario.run.seed == 9
    assert scenario.workforce.establishment_fte == 130
    assert scenario.practice.strengths_based is True
    assert scenario.integration.discharge_to_assess_share == 0.55
    assert address.from_toml(text) == ("care_trust_plus", changed, "9")
    assert address.from_toml(text.encode()) == ("care_trust_plus", changed, "9")


def test_a_toml_file_may_leave_levers_to_its_preset():
    preset, chosen, seed = address.from_toml('[organisation]\npreset = "outsourced"\n')
    assert (preset, chosen, seed) == ("outsourced", levers.preset_levers("outsourced"), "1")


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("[population]\ntotal = 5000\n", "population.total: the live run cannot show this field"),
        ("[organisation]\npreset = 3\n", "organisation.preset: unknown preset 3"),
        ("[run]\nseed = true\n", "run.seed: must be a whole number, not true or false"),
        ("[practice]\nstrengths_based = 2\n", "strengths_based: '2' is not true or false"),
        ("not toml at all", "scenario file: not a valid TOML file"),
    ],
)
def test_a_bad_toml_file_is_one_line_naming_the_field(text, message):
    with pytest.raises(ScenarioError) as caught:
        address.from_toml(text)
    assert str(caught.value).startswith(message)


def test_the_compare_address_round_trips_and_refuses_bad_values():
    query = address.to_compare_query(["outsourced", "in_house"], "4", 10, 3)
    assert query == "models=outsourced%2Cin_house&seed=4&years=10&runs=3"
    assert address.from_compare_query(query, (1, 5, 10), (1, 3)) == (
        ["outsourced", "in_house"],
        "4",
        10,
        3,
    )
    assert "runs" not in address.to_compare_query(["in_house"], "4", 10)  # one run: implied
    # The page's default number of runs is implied, and read back when the address omits it.
    assert "runs" not in address.to_compare_query(["in_house"], "4", 10, 5, default_runs=5)
    assert address.to_compare_query(["in_house"], "4", 10, 1, default_runs=5).endswith("runs=1")
    assert address.from_compare_query("models=in_house", (5,), (1, 5), default_runs=5)[3] == 5
    with pytest.raises(ScenarioError, match="years must be one of 1, 5, 10, not '7'"):
        address.from_compare_query("models=in_house&years=7", (1, 5, 10))
    with pytest.raises(ScenarioError, match="runs must be one of 1, 3, not '4'"):
        address.from_compare_query("models=in_house&runs=4", (5,), (1, 3))
    with pytest.raises(ScenarioError, match="unknown setting 'preset'"):
        address.from_compare_query("preset=in_house", (1, 5, 10))
