import math

import pytest
from carepath.sim import PRESETS, Scenario, ScenarioError, build_scenario, load_scenario
from carepath.sim.scenario import FACS_THRESHOLDS
from hypothesis import given, settings
from hypothesis import strategies as st


def test_defaults_describe_a_typical_council():
    scenario = load_scenario()
    assert scenario.population.total == 250_000
    assert scenario.organisation.preset == "in_house"
    adults = sum(scenario.population.band_sizes())
    assert 190_000 < adults < 210_000


def test_toml_file_is_layered_over_the_preset(tmp_path):
    path = tmp_path / "council.toml"
    path.write_text(
        '[organisation]\npreset = "social_enterprise"\n[workforce]\nadmin_share = 0.2\n'
    )
    scenario = load_scenario(path)
    assert scenario.organisation.preset == "social_enterprise"
    assert scenario.approval.council_checks_assessments is True  # from the preset
    assert scenario.workforce.admin_share == 0.2  # the user's value wins over the preset's


def test_overrides_apply_last():
    scenario = build_scenario(
        {"workforce": {"admin_share": 0.2}}, overrides={"workforce.admin_share": 0.3}
    )
    assert scenario.workforce.admin_share == 0.3


@pytest.mark.parametrize(
    ("data", "field", "hint"),
    [
        ({"workforce": {"establishment_fte": -3}}, "workforce.establishment_fte", "greater than 0"),
        ({"workforce": {"estab": 1}}, "workforce.estab", "allowed: establishment_fte"),
        ({"eligibility": {"threshold": "lenient"}}, "eligibility.threshold", "'substantial'"),
        ({"organisation": {"preset": "nationalised"}}, "organisation.preset", "in_house"),
        ({"hospital": {"pathway_shares": [0.5, 0.5, 0.5, 0.5]}}, "hospital", "add up to 1"),
        ({"run": {"years": 1, "warmup_days": 400}}, "run", "shorter than the run"),
        ({"reablement": {"places": "many"}}, "reablement.places", "integer"),
        (
            {"commissioning": {"pressure_tolerance": 0.3, "full_rationing_overspend": 0.2}},
            "commissioning",
            "greater than pressure_tolerance",
        ),
    ],
)
def test_invalid_values_name_the_field_and_what_is_allowed(data, field, hint):
    with pytest.raises(ScenarioError) as caught:
        build_scenario(data)
    message = str(caught.value)
    assert field in message
    assert hint in message
    assert all(line.strip() for line in message.splitlines())


def test_unknown_override_path_lists_allowed_fields():
    with pytest.raises(ScenarioError, match=r"allowed: .*admin_share"):
        build_scenario(overrides={"workforce.admin_sahre": 0.3})


def test_malformed_and_missing_files(tmp_path):
    bad = tmp_path / "bad.toml"
    bad.write_text("[workforce\nadmin_share = 0.3")
    with pytest.raises(ScenarioError, match="not a valid TOML file"):
        load_scenario(bad)
    with pytest.raises(ScenarioError, match="no such scenario file"):
        load_scenario(tmp_path / "absent.toml")


def test_every_preset_builds_a_valid_scenario():
    for name in PRESETS:
        assert build_scenario(preset=name).organisation.preset == name


# Property-based: any value for any numeric field either validates or raises ScenarioError
# naming that field; nothing else escapes.
NUMERIC_FIELDS = [
    ("workforce", "establishment_fte"),
    ("workforce", "admin_share"),
    ("workforce", "max_caseload"),
    ("reablement", "places"),
    ("home_care", "price_per_hour"),
    ("demand", "informal_carer_share"),
    ("hospital", "length_of_stay_mean_days"),
    ("run", "years"),
    ("population", "total"),
    ("approval", "panel_interval_days"),
]
ANY_VALUE = st.one_of(
    st.floats(allow_nan=True, allow_infinity=True),
    st.integers(min_value=-(10**12), max_value=10**12),
    st.text(max_size=8),
    st.booleans(),
    st.none(),
    st.lists(st.integers(), max_size=2),
)


@settings(max_examples=150, deadline=None)
@given(field=st.sampled_from(NUMERIC_FIELDS), value=ANY_VALUE)
def test_any_value_validates_or_fails_cleanly(field, value):
    section, name = field
    try:
        scenario = build_scenario({section: {name: value}})
    except ScenarioError as error:
        assert f"{section}.{name}" in str(error) or section in str(error)
        assert "Traceback" not in str(error)
    else:
        stored = getattr(getattr(scenario, section), name)
        assert isinstance(stored, int | float)
        assert math.isfinite(stored)


def test_eligibility_bands_are_ordered():
    values = list(FACS_THRESHOLDS.values())
    assert values == sorted(values)
    assert Scenario().eligibility.threshold_need == FACS_THRESHOLDS["substantial"]
