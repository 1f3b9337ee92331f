import math

import pytest
from carepath.sim import (
    PRESETS,
    CarePathwayModel,
    Scenario,
    ScenarioError,
    build_scenario,
    load_scenario,
)
from carepath.sim.scenario import FACS_THRESHOLDS, MAX_CONTACTS_PER_RUN, MAX_PEOPLE_AT_START
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


# -- issue 18: hardening -------------------------------------------------------------------
def test_the_preset_is_read_from_every_layer_the_last_winning():
    file = {"organisation": {"preset": "social_enterprise"}}
    assert build_scenario(file).organisation.preset == "social_enterprise"
    overridden = build_scenario(file, overrides={"organisation.preset": "outsourced"})
    assert overridden.organisation.preset == "outsourced"
    # The preset's own parameters are layered, not just its name recorded.
    assert overridden == build_scenario(preset="outsourced")
    chosen = build_scenario(file, preset="care_trust_plus", overrides={"organisation.preset": "x"})
    assert chosen.organisation.preset == "care_trust_plus"
    with pytest.raises(ScenarioError, match=r"^organisation.preset: unknown preset 'nope'"):
        build_scenario(overrides={"organisation.preset": "nope"})


@pytest.mark.parametrize(
    ("path", "value", "field"),
    [
        ("population.age_shares.aged_85_plus", 0.03, "age_shares"),
        ("demand.need_at_contact.mean", 0.4, "need_at_contact"),
        ("mortality.annual_hazard.aged_65_84", 0.1, "annual_hazard"),
    ],
)
def test_a_partial_override_of_a_table_merges_with_the_lower_layers(path, value, field):
    section, name, key = path.split(".")
    default = getattr(getattr(build_scenario(), section), name).model_dump()
    for scenario in (
        build_scenario(overrides={path: value}),
        build_scenario({section: {name: {key: value}}}),  # the same in a scenario file
    ):
        assert getattr(getattr(scenario, section), name).model_dump() == {**default, key: value}


def test_a_partial_override_that_breaks_a_sum_gets_the_schemas_message():
    with pytest.raises(ScenarioError) as caught:
        build_scenario(overrides={"population.age_shares.aged_85_plus": 0.5})
    assert (
        str(caught.value)
        == "population: age_shares must add up to at most 1 (the rest are children)"
    )


@pytest.mark.parametrize(
    ("overrides", "expected"),
    [
        ({"run.years": True}, "run.years: must be a number, not true or false"),
        ({"population.total": False}, "population.total: must be a number"),
        ({"hospital.pathway_shares": [True, False, False, False]}, "hospital.pathway_shares"),
        ({"run.years": 0.001}, "run.years: must be at least one day"),
    ],
)
def test_booleans_and_horizons_under_a_day_are_refused(overrides, expected):
    with pytest.raises(ScenarioError, match="^" + expected.replace(".", r"\.")):
        build_scenario(overrides=overrides)


def test_one_day_is_the_shortest_run():
    assert build_scenario(overrides={"run.years": 1 / 365}).run.years == 1 / 365


ZERO_BANDS = {"adults_18_64": 0.0, "aged_65_84": 0.0, "aged_85_plus": 0.0}


@pytest.mark.parametrize(
    ("overrides", "fields"),
    [
        ({"population.age_shares": ZERO_BANDS}, ["population", "age_shares"]),
        (
            {"demand.requests_per_person_year": ZERO_BANDS},
            ["initial.waiting_for_assessment_per_1000_adults", "demand.requests_per_person_year"],
        ),
        ({"mortality.need_effect": 10_000}, ["mortality.need_effect", "finite"]),
        ({"workforce.morale_effect_on_turnover": 1e308}, ["morale_effect_on_turnover", "finite"]),
        (
            {"hospital.length_of_stay_mean_days": 1e-300},
            ["hospital", "length_of_stay_sd_days / length_of_stay_mean_days"],
        ),
        ({"demand.requests_per_person_year.adults_18_64": 1e20}, ["contacts", "run.years"]),
        ({"initial.waiting_for_assessment_per_1000_adults": 1e308}, ["people at day 0"]),
        (
            {"home_care.hours_at_zero_need": 0, "home_care.hours_per_need": 0},
            ["home_care", "hours_at_zero_need and hours_per_need"],
        ),
        (
            {
                "practice.strengths_based": True,
                "practice.strengths_package_reduction": 1.0,
                "demand.informal_carer_share": 1.0,
            },
            ["strengths_package_reduction", "informal_carer_share"],
        ),
        (
            {"home_care.price_per_hour": 1e300, "home_care.supply_elasticity": 5.0},
            ["home_care.capacity_hours_per_week", "supply_elasticity"],
        ),
        ({"workforce.recruitment_mean_days": 1.4e308}, ["recruitment_mean_days", "at most 1e+09"]),
        ({"workforce.hours_per_week": 5e-324}, ["workforce", "pathway, must be at least"]),
        # Memory: about 7 million people, or 2 million waiting, before the first day.
        ({"home_care.capacity_hours_per_week": 1e8}, ["people at day 0", "1,000,000"]),
        ({"initial.waiting_for_assessment_per_1000_adults": 10_000}, ["people at day 0"]),
    ],
)
def test_values_the_run_cannot_survive_are_one_line_naming_the_fields(overrides, fields):
    with pytest.raises(ScenarioError) as caught:
        build_scenario(overrides=overrides)
    message = str(caught.value)
    assert "\n" not in message
    for field in fields:
        assert field in message


def test_the_default_council_is_well_inside_the_resource_budget():
    need = build_scenario().resource_estimate()
    assert 3_000 < need.people_at_start < 10_000  # about 4,500 are created at day 0
    assert 50_000 < need.contacts < 200_000  # ten years of about 12,000 a year
    largest = build_scenario(
        overrides={"population.total": 20_000_000, "run.years": 10, "care_homes.places": 100_000}
    ).resource_estimate()
    assert largest.people_at_start < MAX_PEOPLE_AT_START
    assert largest.contacts < MAX_CONTACTS_PER_RUN


def test_the_estimate_of_people_at_day_0_matches_the_model():
    model = CarePathwayModel(years=1)
    created = model.state_counts  # everyone made at day 0 is in some state
    estimate = model.config.resource_estimate().people_at_start
    assert abs(sum(created) - estimate) < 0.05 * estimate


@pytest.mark.parametrize(
    "path",
    [
        "hospital.need_by_pathway",
        "demand.need_at_contact.mean",
        "initial.care_home_need_mean",
        "initial.home_care_need_mean",
    ],
)
@pytest.mark.parametrize("mean", [1e-300, 1.0 - 1e-17])
def test_a_need_mean_too_close_to_0_or_1_for_a_beta_draw_is_refused(path, mean):
    value = (mean, 0.5, 0.5) if path == "hospital.need_by_pathway" else mean
    with pytest.raises(ScenarioError, match=path.replace(".", r"\.")):
        build_scenario(overrides={path: value})


def test_a_known_clients_admission_rate_beyond_one_a_day_is_refused():
    # For the group admitted most often (mental health, 2x the baseline by default).
    most = max(g.hospital_factor for g in build_scenario().clients.as_tuple())
    build_scenario(overrides={"hospital.client_admissions_per_year": 365.0 / most})
    for rate in (365.0 / most * 1.01, 365.0, 3e307):
        with pytest.raises(ScenarioError, match=r"hospital\.client_admissions_per_year"):
            build_scenario(overrides={"hospital.client_admissions_per_year": rate})
