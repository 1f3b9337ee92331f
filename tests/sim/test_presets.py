import math

import pytest
from carepath.sim.evidence import GRADES
from carepath.sim.presets import (
    BASELINE,
    MECHANISM_NOTES,
    MECHANISMS,
    ORGANISATIONAL_MODELS,
    PRESETS,
    PRESETS_FILE,
    SOURCES,
    VARIANTS,
    PresetsError,
    field_bounds,
    load_presets,
    preset_values,
)
from carepath.sim.scenario import build_scenario

# A small presets file that loads; each test breaks one thing in it.
MECHANISM = """
[mechanisms."workforce.admin_share"]
title = "Administration"
unit = "share of paid time"
code = "SocialWorker.daily_pathway_hours"
evidence = "Pilots promise less bureaucracy (003)."
uncertainty = "All sizes are assumptions."
sensitivity_range = [0.2, 0.5]

[mechanisms."approval.council_checks_assessments"]
title = "Council checks"
unit = "yes / no"
code = "Commissioner.check_assessments"
evidence = "The council must check (001)."
uncertainty = "The size is set elsewhere."
"""
SOURCES_TABLE = """
[sources]
"001" = "Birmingham"
"003" = "Social work practice pilots"
"assumption" = "ours"
"""
PRESET = """
[presets.in_house]
title = "Base"
summary = "The baseline."
sources = ["001"]
evidence = "What the articles say."
uncertainty = "What they do not."

[presets.in_house.parameters."workforce.admin_share"]
value = 0.35
grade = "none"
source = "assumption"
reason = "Typical."
distribution = { shape = "uniform", low = 0.25, high = 0.45 }

[presets.in_house.parameters."approval.council_checks_assessments"]
value = false
grade = "baseline"
source = "001"
reason = "Internal."
"""
OTHER = """
[presets.practice]
title = "Practice"
summary = "Less paperwork, checked by the council."
sources = ["003"]
evidence = "A press release."
uncertainty = "No results."

[presets.practice.parameters]
"workforce.admin_share" = { value = 0.25, grade = "assumption", source = "003", reason = "Less bureaucracy.", distribution = { shape = "triangular", low = 0.2, high = 0.35 } }
"approval.council_checks_assessments" = { value = true, grade = "published", source = "001", reason = "Must check." }

[presets.enterprise]
title = "Enterprise"
summary = "Same paperwork, checked by the council."
sources = ["001"]
evidence = "A plan."
uncertainty = "No results."

[presets.enterprise.parameters]
"workforce.admin_share" = { value = 0.35, grade = "baseline", source = "001", reason = "Same work." }
"approval.council_checks_assessments" = { value = true, grade = "published", source = "001", reason = "Must check." }
"""
VARIANT = """
[presets.practice_no_benefit]
variant_of = "practice"
title = "Practice, no benefit"
summary = "Paperwork as in-house, checks kept."
sources = ["003"]
evidence = "No controlled result."
uncertainty = "A bracket."

[presets.practice_no_benefit.parameters]
"workforce.admin_share" = { value = 0.35, grade = "baseline", source = "assumption", reason = "No gain." }
"""
GOOD = SOURCES_TABLE + MECHANISM + PRESET
FULL = GOOD + OTHER + VARIANT


def _load(tmp_path, text):
    path = tmp_path / "presets.toml"
    path.write_text(text, encoding="utf-8")
    return load_presets(path)


def _refused(tmp_path, text) -> list[str]:
    with pytest.raises(PresetsError) as caught:
        _load(tmp_path, text)
    lines = str(caught.value).splitlines()
    assert all(line.startswith(f"{tmp_path / 'presets.toml'}: ") for line in lines), lines
    return [line.split(": ", 1)[1] for line in lines]


def test_the_shipped_presets_document_every_mechanism_they_set():
    assert tuple(MECHANISM_NOTES) == MECHANISMS
    assert BASELINE in ORGANISATIONAL_MODELS
    for name, preset in PRESETS.items():
        assert tuple(p.path for p in preset.parameters) == MECHANISMS, name
        assert preset.evidence.strip() and preset.uncertainty.strip(), name
        for p in preset.parameters:
            assert p.reason.strip() and p.source in SOURCES, (name, p.path)
    for path, note in MECHANISM_NOTES.items():
        assert note.path == path
        assert all((note.title, note.unit, note.code, note.evidence, note.uncertainty)), path
        switch = isinstance(preset_values("in_house")[path], bool | str)
        assert (note.sensitivity_range is None) == switch, path


def test_every_shipped_value_has_a_grade_and_a_distribution_where_it_needs_one():
    baseline = {p.path: p for p in PRESETS[BASELINE].parameters}
    for name, preset in PRESETS.items():
        for p in preset.parameters:
            where = (name, p.path)
            assert p.grade in GRADES, where
            if p.switch:
                assert p.distribution is None, where
            elif p.grade == "baseline":
                # The in-house value's own uncertainty, so a sampler can give both one draw.
                assert p.value == baseline[p.path].value, where
                assert p.distribution == baseline[p.path].distribution, where
            else:
                assert p.distribution is not None, where
                assert p.distribution.point == p.value, where
            if p.grade in ("published", "analogous"):
                assert p.source != "assumption", where
            if p.grade == "none":
                assert p.source == "assumption", where


def test_shipped_distributions_lie_inside_the_sensitivity_range_and_build_valid_scenarios():
    for name, preset in PRESETS.items():
        for p in preset.parameters:
            if p.distribution is None:
                continue
            low, high = MECHANISM_NOTES[p.path].sensitivity_range
            assert low <= p.distribution.low < p.distribution.high <= high, (name, p.path)
            for end in (p.distribution.low, p.distribution.high):
                scenario = build_scenario(preset=name, overrides={p.path: end})
                section, field = p.path.split(".")
                assert getattr(getattr(scenario, section), field) == end, (name, p.path)


def test_the_in_house_reference_values_are_fixed_points():
    fixed = [p for p in PRESETS[BASELINE].parameters if p.grade == "baseline"]
    assert fixed and all(p.distribution is None for p in fixed)
    assert {p.path for p in fixed} >= {"organisation.contract_margin", "organisation.setup_cost"}


def test_a_value_cited_to_an_article_without_a_number_is_not_published():
    # The seeds and reference figures give no size for any mechanism of any option: only a
    # switch is stated (the council's duty to check an outside body's assessments, 001; who
    # provides care under Blackburn's and Suffolk's plans, 000).
    for name, preset in PRESETS.items():
        for p in preset.parameters:
            if p.grade == "published":
                assert p.switch, (name, p.path)


def test_variants_set_benefits_back_to_in_house_values_and_keep_the_rest():
    assert VARIANTS and not set(VARIANTS) & set(ORGANISATIONAL_MODELS)
    assert list(PRESETS) == [*ORGANISATIONAL_MODELS, *VARIANTS]
    assert "social_work_practice_no_benefit" in VARIANTS
    in_house = preset_values(BASELINE)
    for name in VARIANTS:
        model = PRESETS[name].variant_of
        assert model in ORGANISATIONAL_MODELS, name
        mine, theirs = preset_values(name), preset_values(model)
        changed = [path for path in MECHANISMS if mine[path] != theirs[path]]
        assert changed, name
        for path in changed:
            assert mine[path] == in_house[path], (name, path)
    practice = preset_values("social_work_practice_no_benefit")
    model = preset_values("social_work_practice")
    for benefit in ("workforce.admin_share", "organisation.autonomy"):
        assert practice[benefit] == in_house[benefit] != model[benefit]
    for cost in ("organisation.setup_cost", "organisation.overhead_share"):
        assert practice[cost] == model[cost] != in_house[cost]
    assert practice["approval.council_checks_assessments"] is True


def test_a_variant_is_selected_like_any_preset():
    scenario = build_scenario(preset="social_work_practice_no_benefit")
    assert scenario.organisation.preset == "social_work_practice_no_benefit"
    assert scenario.workforce.admin_share == 0.35
    assert (
        scenario.organisation.setup_cost
        == preset_values("social_work_practice")["organisation.setup_cost"]
    )


def test_a_small_file_loads_in_file_order(tmp_path):
    sources, notes, presets = _load(tmp_path, GOOD)
    assert list(sources) == ["001", "003", "assumption"]
    assert list(notes) == ["workforce.admin_share", "approval.council_checks_assessments"]
    assert notes["workforce.admin_share"].sensitivity_range == (0.2, 0.5)
    assert notes["approval.council_checks_assessments"].sensitivity_range is None
    base = presets["in_house"]
    assert (base.title, base.sources, base.evidence) == ("Base", ("001",), "What the articles say.")
    assert [(p.path, p.value, p.grade) for p in base.parameters] == [
        ("workforce.admin_share", 0.35, "none"),
        ("approval.council_checks_assessments", False, "baseline"),
    ]
    dist = base.parameters[0].distribution
    assert (dist.shape, dist.low, dist.high, dist.point) == ("uniform", 0.25, 0.45, 0.35)
    assert base.parameters[1].distribution is None and base.variant_of is None


def test_baseline_values_share_the_in_house_distribution_and_variants_inherit(tmp_path):
    _, _, presets = _load(tmp_path, FULL)
    assert list(presets) == ["in_house", "practice", "enterprise", "practice_no_benefit"]
    in_house = presets["in_house"].parameters[0].distribution
    assert presets["enterprise"].parameters[0].distribution is in_house
    variant = presets["practice_no_benefit"]
    assert variant.variant_of == "practice"
    admin, checks = variant.parameters
    assert (admin.value, admin.grade, admin.reason, admin.distribution) == (
        0.35,
        "baseline",
        "No gain.",
        in_house,
    )
    assert checks == presets["practice"].parameters[1]  # kept from its model
    assert presets["practice"].parameters[0].distribution.shape == "triangular"


def test_field_bounds_are_read_from_the_scenario_schema():
    assert field_bounds("workforce.admin_share") == (0.0, True, 1.0, False)
    assert field_bounds("organisation.setup_cost") == (0.0, True, math.inf, True)
    assert field_bounds("organisation.overhead_share") == (-0.5, True, 1.0, True)
    assert field_bounds("workforce.no_such_field") is None
    assert field_bounds("nowhere.admin_share") is None


def test_a_value_without_a_mechanism_note_is_refused_naming_the_entry(tmp_path):
    text = GOOD.replace('[mechanisms."approval.council_checks_assessments"]', "[mechanisms.x]")
    problems = _refused(tmp_path, text)
    assert (
        'presets.in_house.parameters."approval.council_checks_assessments": no note for this '
        'mechanism; add [mechanisms."approval.council_checks_assessments"] '
        "(title, unit, code, evidence, uncertainty)"
    ) in problems
    assert "presets.in_house.parameters: no value for x" in problems


def test_a_preset_without_evidence_or_uncertainty_is_refused(tmp_path):
    text = GOOD.replace('evidence = "What the articles say."\n', "").replace(
        'uncertainty = "What they do not."', 'uncertainty = "  "'
    )
    assert _refused(tmp_path, text) == [
        "presets.in_house: evidence is missing (a non-empty string)",
        "presets.in_house: uncertainty is missing (a non-empty string)",
    ]


ADMIN = 'presets.in_house.parameters."workforce.admin_share"'
CHECKS = 'presets.in_house.parameters."approval.council_checks_assessments"'
UNIFORM = 'distribution = { shape = "uniform", low = 0.25, high = 0.45 }'


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'source = "assumption"',
            'source = "999"',
            f"{ADMIN}: source '999' is not in [sources]",
        ),
        (
            'sources = ["001"]',
            'sources = ["004"]',
            "presets.in_house: source '004' is not in [sources]",
        ),
        (
            "value = 0.35",
            "value = 0.55",
            f"{ADMIN}: value 0.55 is outside the mechanism's sensitivity_range [0.2, 0.5]",
        ),
        ('reason = "Typical."\n', "", f"{ADMIN}: reason is missing"),
        ('grade = "none"\n', "", f"{ADMIN}: grade is missing"),
        (
            'grade = "none"',
            'grade = "sourced"',
            f"{ADMIN}: grade 'sourced' is unknown; allowed: published, analogous, assumption, "
            "none, baseline",
        ),
        (
            'grade = "none"',
            'grade = "published"',
            f"{ADMIN}: a published value must cite the source that gives it, not 'assumption'",
        ),
        (
            'grade = "none"\nsource = "assumption"',
            'grade = "none"\nsource = "003"',
            f"{ADMIN}: graded none but cites '003'; cite 'assumption' or grade it by what the "
            "source gives",
        ),
        (
            UNIFORM,
            "",
            f"{ADMIN}: distribution is missing; a none value needs "
            '{ shape = "triangular", low = ..., high = ... } (shapes: triangular, uniform)',
        ),
        (
            "high = 0.45",
            "high = 0.5",
            f"{ADMIN}.distribution: a uniform range must be centred on the value 0.35 "
            "(its centre is 0.375)",
        ),
        (
            UNIFORM,
            'distribution = { shape = "triangular", low = 0.36, high = 0.45 }',
            f"{ADMIN}.distribution: [0.36, 0.45] does not contain the value 0.35",
        ),
        (
            UNIFORM,
            'distribution = { shape = "triangular", low = 0.35, high = 0.35 }',
            f"{ADMIN}.distribution: low 0.35 must be below high 0.35",
        ),
        (
            UNIFORM,
            'distribution = { shape = "beta", low = 0.25, high = 0.45 }',
            f"{ADMIN}.distribution: shape 'beta' is unknown; allowed: triangular, uniform",
        ),
        (
            UNIFORM,
            'distribution = { shape = "triangular", low = 0.3 }',
            f"{ADMIN}.distribution: high is missing; shapes: triangular, uniform",
        ),
        (
            UNIFORM,
            'distribution = { shape = "triangular", low = 0.1, high = 0.45 }',
            f"{ADMIN}.distribution: [0.1, 0.45] goes beyond the mechanism's sensitivity_range "
            "[0.2, 0.5]",
        ),
        (
            'reason = "Internal."',
            'reason = "Internal."\n' + UNIFORM,
            f"{CHECKS}: a switch has no distribution; remove it",
        ),
        (
            "sensitivity_range = [0.2, 0.5]",
            "sensitivity_range = [0.5, 0.2]",
            'mechanisms."workforce.admin_share": sensitivity_range must be [low, high] with '
            "low <= high",
        ),
        (
            'evidence = "Pilots promise less bureaucracy (003)."',
            'evidense = "Pilots promise less bureaucracy (003)."',
            "mechanisms.\"workforce.admin_share\": unknown key 'evidense'; allowed: code, "
            "evidence, sensitivity_range, title, uncertainty, unit",
        ),
    ],
)
def test_each_inconsistency_is_one_line_naming_the_entry(tmp_path, old, new, problem):
    assert GOOD.count(old) == 1
    problems = _refused(tmp_path, GOOD.replace(old, new))
    assert problem in problems, problems


def test_a_file_without_the_in_house_baseline_is_refused(tmp_path):
    text = GOOD.replace("presets.in_house", "presets.base").replace('"baseline"', '"assumption"')
    assert _refused(tmp_path, text) == [
        "presets.in_house: missing; the baseline every other model is compared with"
    ]


def test_a_distribution_beyond_the_scenario_field_is_refused(tmp_path):
    # A sensitivity range wider than the schema allows does not let a distribution past it.
    text = GOOD.replace("sensitivity_range = [0.2, 0.5]", "sensitivity_range = [0.2, 1.5]")
    text = text.replace(UNIFORM, 'distribution = { shape = "triangular", low = 0.3, high = 1.0 }')
    assert _refused(tmp_path, text) == [
        f"{ADMIN}.distribution: [0.3, 1] goes beyond the scenario field's bounds [0, 1)"
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            '"workforce.admin_share" = { value = 0.35, grade = "baseline", source = "001"',
            '"workforce.admin_share" = { value = 0.3, grade = "baseline", source = "001"',
            'presets.enterprise.parameters."workforce.admin_share": graded baseline but 0.3 is '
            "not the in_house value 0.35",
        ),
        (
            'reason = "Same work." }',
            'reason = "Same work.", distribution = { shape = "uniform", low = 0.25, high = 0.45 } }',
            'presets.enterprise.parameters."workforce.admin_share": a baseline value takes the '
            "in_house value's distribution; remove it",
        ),
        (
            'variant_of = "practice"',
            'variant_of = "nowhere"',
            "presets.practice_no_benefit: variant_of 'nowhere' is not an organisational model; "
            "allowed: in_house, practice, enterprise",
        ),
        (
            '"workforce.admin_share" = { value = 0.35, grade = "baseline", source = "assumption", '
            'reason = "No gain." }',
            '"approval.council_checks_assessments" = { value = true, grade = "published", '
            'source = "001", reason = "Same." }',
            'presets.practice_no_benefit.parameters."approval.council_checks_assessments": value '
            "True is practice's own; a variant sets only what it changes",
        ),
        (
            '"workforce.admin_share" = { value = 0.35, grade = "baseline", source = "assumption", '
            'reason = "No gain." }',
            "",
            "presets.practice_no_benefit.parameters: a variant must change at least one value",
        ),
    ],
)
def test_baseline_values_and_variants_are_checked(tmp_path, old, new, problem):
    assert FULL.count(old) == 1
    problems = _refused(tmp_path, FULL.replace(old, new))
    assert problem in problems, problems


def test_a_variant_of_a_variant_is_refused(tmp_path):
    again = VARIANT.replace("practice_no_benefit]", "again]").replace(
        "practice_no_benefit.parameters]", "again.parameters]"
    )
    again = again.replace('variant_of = "practice"', 'variant_of = "practice_no_benefit"')
    again = again.replace("value = 0.35", "value = 0.3").replace(
        'grade = "baseline", source = "assumption"', 'grade = "none", source = "assumption"'
    )
    again = again.replace(
        'reason = "No gain." }',
        'reason = "No gain.", distribution = { shape = "uniform", low = 0.25, high = 0.35 } }',
    )
    problems = _refused(tmp_path, FULL + again)
    assert (
        "presets.again: variant_of 'practice_no_benefit' is not an organisational model; "
        "allowed: in_house, practice, enterprise"
    ) in problems


def test_missing_tables_and_broken_toml_are_refused(tmp_path):
    assert _refused(tmp_path, SOURCES_TABLE + PRESET)[0].startswith("mechanisms: missing")
    assert "presets: missing" in _refused(tmp_path, SOURCES_TABLE + MECHANISM)[0]
    with pytest.raises(PresetsError, match=r"presets\.toml: not a valid TOML file"):
        _load(tmp_path, GOOD + "\n[broken\n")


def test_the_default_file_is_the_one_beside_the_module():
    assert PRESETS_FILE.name == "presets.toml"
    assert load_presets()[2].keys() == PRESETS.keys()
