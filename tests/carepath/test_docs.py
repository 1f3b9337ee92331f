import dataclasses
import re
import tomllib

import pytest
from carepath.sim.client_groups import load_table
from carepath.sim.evidence import GRADES
from carepath.sim.presets import (
    MECHANISM_NOTES,
    MECHANISMS,
    ORGANISATIONAL_MODELS,
    PRESETS,
    VARIANTS,
)

import carepath
import carepath.docs as docs
from carepath.docs import (
    CLIENT_GROUPS_DOC,
    ODD_FILE,
    ORG_MODELS_FILE,
    REPO,
    DocsError,
    client_groups_markdown,
    organisational_models_markdown,
    parameters_markdown,
    render_odd,
)


def _with_value(name: str, path: str, value) -> dict:
    """A copy of the presets with one parameter of one preset changed."""
    preset = PRESETS[name]
    params = tuple(
        dataclasses.replace(p, value=value) if p.path == path else p for p in preset.parameters
    )
    return {**PRESETS, name: dataclasses.replace(preset, parameters=params)}


def _grid_row(text: str, path: str) -> list[str]:
    section = text.split("## Mechanism parameters by preset", 1)[1]
    line = next(line for line in section.splitlines() if line.startswith(f"| `{path}` |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_organisational_models_doc_matches_the_presets():
    written = ORG_MODELS_FILE.read_text(encoding="utf-8")
    assert written == organisational_models_markdown(), (
        "docs/organisational_models.md disagrees with sim/presets.toml; "
        "run: python -m carepath.docs"
    )


def test_odd_generated_tables_match_the_scenario_and_targets():
    written = ODD_FILE.read_text(encoding="utf-8")
    assert written == render_odd(written), (
        "docs/ODD.md is out of date; run: python -m carepath.docs"
    )


def test_client_groups_doc_matches_the_data():
    written = CLIENT_GROUPS_DOC.read_text(encoding="utf-8")
    assert written == client_groups_markdown(), (
        "docs/client_groups.md disagrees with sim/client_groups.toml; run: python -m carepath.docs"
    )


def _regraded(path: str, grade: str):
    """The client-groups table with one value's evidence grade changed."""
    table = load_table()
    entry = dataclasses.replace(table.entries[path], grade=grade)
    return dataclasses.replace(table, entries={**table.entries, path: entry})


def _grade_line(text: str, label: str) -> str:
    return next(line for line in text.splitlines() if line.startswith(f"- {label}:"))


def test_evidence_counts_come_from_the_grades():
    text = client_groups_markdown()
    before = _grade_line(text, "learning disability support")
    assert "1 derived" in before
    changed = client_groups_markdown(
        _regraded("clients.learning_disability.supported_living_share", "assumption")
    )
    after = _grade_line(changed, "learning disability support")
    assert "derived" not in after and after != before
    # A published value anywhere is counted, and every group's line still adds up.
    table = load_table()
    published = client_groups_markdown(_regraded("clients.mental_health.drift_factor", "published"))
    assert "1 published" in _grade_line(published, "mental health support")
    total = _grade_line(text, f"all {len(table.entries)} values").split(":", 1)[1]
    counts = re.findall(r"(\d+) \w+", total)
    assert sum(map(int, counts)) == len(table.entries)
    # A field every group grades assumption is named; one with a published value is not.
    assert "`drift_factor`" in text.split("## Sources")[0].split("## Evidence grades")[1]
    assert "`drift_factor`" not in published.split("## Sources")[0].split("## Evidence grades")[1]


def test_every_group_value_and_source_is_in_the_doc():
    table = load_table()
    text = client_groups_markdown(table)
    for path in table.entries:
        assert f"| `{path}` |" in text
    for body in table.sources.values():
        if body.get("url"):
            assert f"]({body['url']})" in text
    for title, _ in table.titles.values():
        assert f"### {title} (" in text


def test_a_group_missing_a_value_is_refused():
    table = load_table()
    entries = dict(table.entries)
    del entries["clients.sensory_support.drift_factor"]
    with pytest.raises(DocsError, match=r"clients.sensory_support: no drift_factor"):
        client_groups_markdown(dataclasses.replace(table, entries=entries))


def test_check_command_passes_on_the_repository(capsys):
    assert docs.main(["--check"]) == 0
    assert capsys.readouterr().err == ""


def test_every_organisational_model_value_appears_in_the_grid():
    text = organisational_models_markdown()
    names = list(ORGANISATIONAL_MODELS)
    for path in MECHANISMS:
        row = _grid_row(text, path)
        for name, cell in zip(names, row[2:], strict=True):
            value = {p.path: p.value for p in PRESETS[name].parameters}[path]
            assert cell.strip("*") == docs.fmt(value), (name, path)


def test_changing_a_preset_value_changes_the_generated_tables():
    changed = organisational_models_markdown(
        _with_value("social_enterprise", "workforce.admin_share", 0.41)
    )
    assert changed != organisational_models_markdown()
    row = _grid_row(changed, "workforce.admin_share")
    assert row[2 + list(PRESETS).index("social_enterprise")] == "**0.41**"
    assert "| `workforce.admin_share` | 0.41 | 0.35 |" in changed  # the preset's own table
    assert changed != ORG_MODELS_FILE.read_text(encoding="utf-8")


def test_changing_a_reason_or_source_changes_the_generated_tables():
    preset = PRESETS["outsourced"]
    params = tuple(
        dataclasses.replace(p, reason="A new reason.", source="001")
        if p.path == "organisation.contract_margin"
        else p
        for p in preset.parameters
    )
    changed = organisational_models_markdown(
        {**PRESETS, "outsourced": dataclasses.replace(preset, parameters=params)}
    )
    assert (
        "| `organisation.contract_margin` | 0.08 | 0 | `none` | uniform 0.02 to 0.14, centre 0.08 "
        "| `001` | A new reason. |"
    ) in changed


def test_check_fails_when_the_file_disagrees(tmp_path, monkeypatch, capsys):
    stale = tmp_path / "organisational_models.md"
    stale.write_text(organisational_models_markdown().replace("0.37", "0.36"), encoding="utf-8")
    monkeypatch.setattr(docs, "ORG_MODELS_FILE", stale)
    monkeypatch.setattr(docs, "ODD_FILE", tmp_path / "absent_ODD.md")
    monkeypatch.setattr(docs, "CLIENT_GROUPS_DOC", tmp_path / "client_groups.md")
    (tmp_path / "client_groups.md").write_text(client_groups_markdown(), encoding="utf-8")
    assert docs.main(["--check"]) == 1
    assert "is out of date; run: python -m carepath.docs" in capsys.readouterr().err
    assert docs.main([]) == 0  # regenerates
    assert stale.read_text(encoding="utf-8") == organisational_models_markdown()
    assert docs.main(["--check"]) == 0


def test_a_preset_without_notes_is_refused():
    new = dataclasses.replace(PRESETS["in_house"], name="new_model", uncertainty="")
    with pytest.raises(
        DocsError, match=r"preset 'new_model': no uncertainty; add it to \[presets.new_model\]"
    ):
        organisational_models_markdown({**PRESETS, "new_model": new})


def test_a_mechanism_without_notes_is_refused():
    notes = {path: note for path, note in MECHANISM_NOTES.items() if path != MECHANISMS[-1]}
    with pytest.raises(DocsError, match=rf'add \[mechanisms."{MECHANISMS[-1]}"\]'):
        organisational_models_markdown(mechanisms=notes)


def test_notes_come_from_the_presets_file():
    note = dataclasses.replace(MECHANISM_NOTES["organisation.setup_cost"], evidence="New words.")
    text = organisational_models_markdown(
        mechanisms={**MECHANISM_NOTES, "organisation.setup_cost": note}
    )
    assert "- **Evidence.** New words." in text
    preset = dataclasses.replace(PRESETS["outsourced"], evidence="Other words.")
    assert "- **Evidence.** Other words." in organisational_models_markdown(
        {**PRESETS, "outsourced": preset}
    )


def test_a_preset_citing_an_unknown_source_is_refused():
    presets = _with_value("in_house", "workforce.admin_share", 0.35)
    preset = presets["in_house"]
    params = (dataclasses.replace(preset.parameters[0], source="999"), *preset.parameters[1:])
    with pytest.raises(DocsError, match="source '999' is not in"):
        organisational_models_markdown(
            {**presets, "in_house": dataclasses.replace(preset, parameters=params)}
        )


def test_every_mechanism_and_preset_is_documented():
    assert set(MECHANISM_NOTES) == set(MECHANISMS)
    text = organisational_models_markdown()
    for path in MECHANISMS:
        assert f"### `{path}`" in text
    for name in PRESETS:
        assert f"### `{name}`" in text


def test_every_scenario_parameter_is_described():
    table = parameters_markdown()  # raises DocsError naming a field without a description
    assert "`workforce.admin_share`" in table
    assert "`initial.care_home_bands`" in table


def test_a_parameter_without_a_description_is_refused(monkeypatch):
    fields = docs._scenario_fields()
    section, path, value, _ = fields[3]
    fields[3] = (section, path, value, None)
    monkeypatch.setattr(docs, "_scenario_fields", lambda: fields)
    with pytest.raises(DocsError, match=rf"{path}: no description; add Field\(description=...\)"):
        parameters_markdown()


def test_odd_markers_must_be_present():
    with pytest.raises(DocsError, match="markers for the 'parameters' block are missing"):
        render_odd("# ODD\nno markers here\n")


def test_citation_names_the_package_version_and_licence():
    project = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    # One version number: the package's; pyproject reads it, the citation must repeat it.
    assert "version" not in project and project["dynamic"] == ["version"]
    citation = (REPO / "CITATION.cff").read_text(encoding="utf-8")
    assert re.search(r'^cff-version: "?1\.2\.0"?$', citation, re.MULTILINE)
    version = re.escape(carepath.__version__)
    assert re.search(rf'^version: "?{version}"?$', citation, re.MULTILINE)
    assert re.search(r"^license: MIT$", citation, re.MULTILINE)
    assert "carepath contributors" in citation
    for key in ("message:", "title:", "authors:", "type: software"):
        assert key in citation


def test_the_repository_is_a_checkout_and_a_bare_folder_is_not(tmp_path):
    assert docs.is_checkout(REPO)
    assert not docs.is_checkout(tmp_path)  # as site-packages: no docs/ beside the package
    (tmp_path / "docs").mkdir()
    assert not docs.is_checkout(tmp_path)
    (tmp_path / "pyproject.toml").write_text("", encoding="utf-8")
    assert docs.is_checkout(tmp_path)


def test_outside_a_checkout_it_prints_instead_of_writing(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(docs, "REPO", tmp_path)
    assert docs.main([]) == 0
    out, err = capsys.readouterr()
    assert list(tmp_path.iterdir()) == []  # nothing written beside the package
    assert err.count("\n") == 1 and "not a repository checkout; printing" in err
    assert "<!-- carepath.docs: organisational_models.md -->" in out
    assert organisational_models_markdown() in out
    assert "<!-- carepath.docs: ODD.md -->" in out and parameters_markdown() in out
    assert docs.main(["--check"]) == 2
    assert "no docs to check" in capsys.readouterr().err


def test_out_writes_a_folder_that_check_then_accepts(tmp_path, monkeypatch, capsys):
    monkeypatch.setattr(docs, "REPO", tmp_path / "site-packages")
    out = tmp_path / "written"
    assert docs.main(["--out", str(out), "--check"]) == 1
    assert docs.main(["--out", str(out)]) == 0
    assert (out / "organisational_models.md").read_text(encoding="utf-8") == (
        organisational_models_markdown()
    )
    assert (out / "client_groups.md").read_text(encoding="utf-8") == client_groups_markdown()
    odd = (out / "ODD.md").read_text(encoding="utf-8")
    assert odd == render_odd(odd) and parameters_markdown() in odd
    assert docs.main(["--out", str(out), "--check"]) == 0
    (out / "ODD.md").write_text(odd.replace("| `name` |", "| `nom` |"), encoding="utf-8")
    capsys.readouterr()
    assert docs.main(["--out", str(out), "--check"]) == 1
    assert f"ODD.md is out of date; run: python -m carepath.docs --out {out}" in (
        capsys.readouterr().err
    )


def _preset_row(text: str, name: str, path: str) -> list[str]:
    section = text.split(f"### `{name}`:", 1)[1].split("\n### ", 1)[0]
    line = next(line for line in section.splitlines() if line.startswith(f"| `{path}` |"))
    return [cell.strip() for cell in line.strip("|").split("|")]


def test_every_value_shows_its_grade_and_distribution():
    text = organisational_models_markdown()
    for name in ORGANISATIONAL_MODELS:
        for p in PRESETS[name].parameters:
            row = _preset_row(text, name, p.path)
            assert row[3] == f"`{p.grade}`", (name, p.path)
            if p.distribution is None:
                assert row[4] == "-", (name, p.path)
            else:
                assert row[4].startswith(
                    f"{p.distribution.shape} {docs.fmt(p.distribution.low)} to "
                    f"{docs.fmt(p.distribution.high)}"
                ), (name, p.path)


def test_grades_are_counted_from_the_grades_not_the_source_keys():
    text = organisational_models_markdown()
    header = "| preset | " + " | ".join(f"`{g}`" for g in GRADES) + " | with a distribution |"
    assert header in text
    for name, preset in PRESETS.items():
        counts = [str(sum(p.grade == g for p in preset.parameters)) for g in GRADES]
        with_dist = str(sum(p.distribution is not None for p in preset.parameters))
        assert f"| `{name}` | " + " | ".join([*counts, with_dist]) + " |" in text, name
    # A value cited to an article that gives no size counts as an assumption, whatever it cites.
    practice = PRESETS["social_work_practice"]
    assert all(p.source != "assumption" for p in practice.parameters)
    assert sum(p.grade == "assumption" for p in practice.parameters) > 0
    counts = text.split(header, 1)[1].split("\n\n", 1)[0]
    row = next(
        line for line in counts.splitlines() if line.startswith("| `social_work_practice` |")
    )
    cells = dict(zip(GRADES, row.strip("|").split("|")[1:], strict=False))
    assert int(cells["assumption"]) >= 5


def test_changing_a_grade_changes_the_counts_and_the_preset_table():
    preset = PRESETS["social_work_practice"]
    params = tuple(
        dataclasses.replace(p, grade="analogous") if p.path == "organisation.autonomy" else p
        for p in preset.parameters
    )
    changed = organisational_models_markdown(
        {**PRESETS, "social_work_practice": dataclasses.replace(preset, parameters=params)}
    )
    assert _preset_row(changed, "social_work_practice", "organisation.autonomy")[3] == "`analogous`"
    before = organisational_models_markdown()
    assert before.count("| `social_work_practice` | 1 | 0 |") == 1
    assert changed.count("| `social_work_practice` | 1 | 1 |") == 1


def test_an_unknown_grade_is_refused():
    presets = _with_value("in_house", "workforce.admin_share", 0.35)
    preset = presets["in_house"]
    params = (dataclasses.replace(preset.parameters[0], grade="sourced"), *preset.parameters[1:])
    with pytest.raises(DocsError, match="has grade 'sourced'; allowed: published"):
        organisational_models_markdown(
            {**presets, "in_house": dataclasses.replace(preset, parameters=params)}
        )


def test_variants_are_listed_with_what_they_bracket_and_change():
    text = organisational_models_markdown()
    section = text.split("## Variants that bracket the models", 1)[1].split("\n## ", 1)[0]
    for name in VARIANTS:
        model = PRESETS[name].variant_of
        line = next(line for line in section.splitlines() if line.startswith(f"| `{name}` |"))
        assert f"| `{model}` |" in line
        mine = {p.path: p.value for p in PRESETS[name].parameters}
        for p in PRESETS[model].parameters:
            change = f"`{p.path}` {docs.fmt(p.value)} → {docs.fmt(mine[p.path])}"
            assert (change in line) == (p.value != mine[p.path]), (name, p.path)
        # The variant's own section lists only what it changes.
        own = text.split(f"### `{name}`:", 1)[1].split("\n### ", 1)[0].split("\n## ", 1)[0]
        assert f"- **Brackets** `{model}`" in own
        listed = [line for line in own.splitlines() if line.startswith("| `")]
        assert len(listed) == sum(p.value != mine[p.path] for p in PRESETS[model].parameters)
    # The organisational models' overview and grid leave the variants out.
    glance = text.split("## The presets at a glance", 1)[1].split("\n## ", 1)[0]
    assert not any(f"`{name}`" in glance for name in VARIANTS)
