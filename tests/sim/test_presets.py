import pytest
from carepath.sim.presets import (
    MECHANISM_NOTES,
    MECHANISMS,
    PRESETS,
    PRESETS_FILE,
    SOURCES,
    PresetsError,
    load_presets,
    preset_values,
)

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
[presets.base]
title = "Base"
summary = "The baseline."
sources = ["001"]
evidence = "What the articles say."
uncertainty = "What they do not."

[presets.base.parameters]
"workforce.admin_share" = { value = 0.35, source = "assumption", reason = "Typical." }
"approval.council_checks_assessments" = { value = false, source = "001", reason = "Internal." }
"""
GOOD = SOURCES_TABLE + MECHANISM + PRESET


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
    assert "in_house" in PRESETS
    for name, preset in PRESETS.items():
        assert tuple(p.path for p in preset.parameters) == MECHANISMS, name
        assert preset.evidence.strip() and preset.uncertainty.strip(), name
        for p in preset.parameters:
            assert p.reason.strip() and p.source in SOURCES, (name, p.path)
    for path, note in MECHANISM_NOTES.items():
        assert note.path == path
        assert all((note.title, note.unit, note.code, note.evidence, note.uncertainty)), path
        switch = isinstance(preset_values("in_house")[path], bool)
        assert (note.sensitivity_range is None) == switch, path


def test_a_small_file_loads_in_file_order(tmp_path):
    sources, notes, presets = _load(tmp_path, GOOD)
    assert list(sources) == ["001", "003", "assumption"]
    assert list(notes) == ["workforce.admin_share", "approval.council_checks_assessments"]
    assert notes["workforce.admin_share"].sensitivity_range == (0.2, 0.5)
    assert notes["approval.council_checks_assessments"].sensitivity_range is None
    base = presets["base"]
    assert (base.title, base.sources, base.evidence) == ("Base", ("001",), "What the articles say.")
    assert [(p.path, p.value) for p in base.parameters] == [
        ("workforce.admin_share", 0.35),
        ("approval.council_checks_assessments", False),
    ]


def test_a_value_without_a_mechanism_note_is_refused_naming_the_entry(tmp_path):
    text = GOOD.replace('[mechanisms."approval.council_checks_assessments"]', "[mechanisms.x]")
    problems = _refused(tmp_path, text)
    assert (
        'presets.base.parameters."approval.council_checks_assessments": no note for this '
        'mechanism; add [mechanisms."approval.council_checks_assessments"] '
        "(title, unit, code, evidence, uncertainty)"
    ) in problems
    assert "presets.base.parameters: no value for x" in problems


def test_a_preset_without_evidence_or_uncertainty_is_refused(tmp_path):
    text = GOOD.replace('evidence = "What the articles say."\n', "").replace(
        'uncertainty = "What they do not."', 'uncertainty = "  "'
    )
    assert _refused(tmp_path, text) == [
        "presets.base: evidence is missing (a non-empty string)",
        "presets.base: uncertainty is missing (a non-empty string)",
    ]


@pytest.mark.parametrize(
    ("old", "new", "problem"),
    [
        (
            'source = "assumption", reason = "Typical."',
            'source = "999", reason = "Typical."',
            "presets.base.parameters.\"workforce.admin_share\": source '999' is not in [sources]",
        ),
        (
            'sources = ["001"]',
            'sources = ["004"]',
            "presets.base: source '004' is not in [sources]",
        ),
        (
            "value = 0.35",
            "value = 0.55",
            'presets.base.parameters."workforce.admin_share": value 0.55 is outside the '
            "mechanism's sensitivity_range [0.2, 0.5]",
        ),
        (
            ', reason = "Typical."',
            "",
            'presets.base.parameters."workforce.admin_share": reason is missing',
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


def test_missing_tables_and_broken_toml_are_refused(tmp_path):
    assert _refused(tmp_path, SOURCES_TABLE + PRESET)[0].startswith("mechanisms: missing")
    assert "presets: missing" in _refused(tmp_path, SOURCES_TABLE + MECHANISM)[0]
    with pytest.raises(PresetsError, match=r"presets\.toml: not a valid TOML file"):
        _load(tmp_path, GOOD + "\n[broken\n")


def test_the_default_file_is_the_one_beside_the_module():
    assert PRESETS_FILE.name == "presets.toml"
    assert load_presets()[2].keys() == PRESETS.keys()
