"""The appraisal page's level panel: how much one level of the current arrangement carries."""

from __future__ import annotations

import csv
import io
from pathlib import Path

import ipyvuetify as v
import pandas as pd
import pytest
from carepath.dashboards import appraisal_levels as levels
from carepath.dashboards import appraisal_results as ar

from tests.dashboards.helpers import button, field_labelled, htmls, render_page, texts, widgets

EXAMPLE = Path(__file__).resolve().parents[2] / "experiments" / "expected" / "appraisal"
SECTION = "## How much one level of the current arrangement carries"


@pytest.fixture
def root(appraisal_root: Path) -> Path:
    """A root folder holding a copy of the committed example as ``OUT/appraisal``."""
    return appraisal_root


def _report_section() -> tuple[str, list[list[str]]]:
    """The committed report's level section: its text, and its first table's rows as cells."""
    text = (EXAMPLE / "report.md").read_text(encoding="utf-8")
    section = text.partition(SECTION)[2].split("\n## ")[0]
    table = section.partition("\n| Option |")[2].partition("\n\n")[0]
    header = "| Option |" + table.splitlines()[0]
    lines = [header, *table.splitlines()[2:]]
    return section, [[c.strip() for c in line.strip("|").split("|")] for line in lines]


def test_the_canonical_table_is_the_report_s(root):
    a = ar.load("out", root)
    assert a.levels is not None and a.levels_problem is None
    assert len(a.levels) == 12 * 10  # twelve options at ten levels
    rows = levels.level_rows(a.levels, a.current)
    _, report = _report_section()
    shown = rows.drop(columns=["option"])
    assert shown.columns.tolist() == report[0]
    assert shown.astype(str).to_numpy().tolist() == report[1:]
    gp = rows.set_index("option").loc["gp_integrated"]
    assert (gp["Level 3"], gp["All levels"], gp["Level left out"], gp["Without it"]) == (
        "+12.6",
        "+7.3",
        "3",
        "+6.7",
    )
    assert gp["Place \u2192 without it"] == "1st \u2192 1st"


def test_the_canonical_findings_are_the_report_s(root):
    a = ar.load("out", root)
    first, second = levels.level_sentences(a.levels, a.current, a.parameter)
    assert first == (
        "Leaving out any one level, Social workers attached to GP practices keeps the highest "
        "expected net benefit."
    )
    assert second.startswith("Level 3 carries most for 7 options. Without it, Arm's length")
    section, _ = _report_section()
    assert f"{first} {second}" in section


def test_the_download_keeps_the_numbers_and_what_each_level_drew(root):
    a = ar.load("out", root)
    rows = list(csv.DictReader(io.StringIO(levels.levels_csv(a.levels))))
    assert len(rows) == 120
    row = rows[3]  # social enterprise at level 3
    assert (row["option"], row["option_title"], row["level"]) == (
        "social_enterprise",
        "Social enterprise",
        "3",
    )
    assert float(row["at_level"]) == pytest.approx(3178438.08, abs=0.01)
    assert float(row["council:provision.in_house.home_care_cost_factor"]) == pytest.approx(
        1.4921331, abs=1e-7
    )


def test_a_folder_without_levels_csv_says_it_predates_it(root):
    (root / "out" / "appraisal" / "levels.csv").unlink()
    a = ar.load("out", root)
    assert a.levels is None and a.levels_problem is None
    assert ar.ranking_rows(a).iloc[0]["option"] == "gp_integrated"  # the rest still reads
    rc = render_page("/appraisal")
    field_labelled(rc, "Appraisal folder").v_model = "out"
    button(rc, "Open").click()
    assert levels.PREDATES in texts(rc) and "\n" not in levels.PREDATES
    assert not any("Level left out" in h for h in htmls(rc))
    assert "Ranking on net benefit" in " ".join(htmls(rc))
    rc.close()


def test_a_damaged_levels_csv_is_one_line_and_the_rest_shows(root):
    (root / "out" / "appraisal" / "levels.csv").write_text("option,level\nsocial_enterprise,0\n")
    a = ar.load("out", root)
    assert a.levels is None
    assert a.levels_problem == "out/appraisal/levels.csv: not a level table (no column 'draws')"
    assert not ar.ranking_rows(a).empty


def test_the_page_shows_the_panel_with_its_download(root):
    rc = render_page("/appraisal")
    field_labelled(rc, "Appraisal folder").v_model = "out"
    button(rc, "Open").click()
    [table] = [h for h in htmls(rc) if "Level left out" in h]
    assert "<th rowspan='2'>Place \u2192 without it</th>" in table
    # The ten levels under one heading, headed by their numbers.
    assert "<th colspan='10' class='levels-group'>At each level" in table
    assert table.count("<th class='level-number'>") == 10
    assert "<th class='kpi-name'>Social workers attached to GP practices</th>" in table
    assert "Leaving out any one level, Social workers attached to GP practices" in " ".join(
        texts(rc)
    )
    downloads = [b for b in widgets(rc, v.Btn) if "Download table (CSV)" in b.children]
    assert len(downloads) == 5  # ranking, levels, differences, thresholds, EVPPI
    rc.close()


def _effects(values: dict[str, list[float]]) -> pd.DataFrame:
    """levels.csv's level columns for options given their net benefit at each level."""
    rows = []
    for option, at in values.items():
        for level, value in enumerate(at):
            others = [x for i, x in enumerate(at) if i != level]
            mean = sum(at) / len(at)
            without = sum(others) / len(others) if others else float("nan")
            rows.append(
                {
                    "option": option,
                    "level": level,
                    "draws": 5,
                    "expected_net_benefit": mean,
                    "at_level": value,
                    "without_level": without,
                    "shift": without - mean,
                }
            )
    return pd.DataFrame(rows)


def test_a_level_that_decides_the_best_choice_is_named():
    # a leads only through level 0; without it b is best and a no better than keeping in-house.
    effects = _effects({"a": [9e6, 0.0, 0.0], "b": [1e6, 1e6, 1e6]})
    first, second = levels.level_sentences(effects, "in_house")
    assert first == (
        "Without level 0 alone, b would have the highest expected net benefit instead of a."
    )
    assert second.startswith("Level 0 carries most for a. Without it, a (+£3.00m \u2192 +£0)")
    assert "would no longer beat keeping Council in-house (reformed)" in second
    assert "places change: b 2nd \u2192 1st" in second
    rows = levels.level_rows(effects, "in_house").set_index("option")
    assert rows.loc["a", "Level left out"] == "0" and rows.loc["b", "Level left out"] == "\u2013"


def test_one_level_leaves_nothing_to_leave_out():
    effects = _effects({"a": [2e6], "b": [1e6]})
    assert levels.level_rows(effects, "in_house").empty
    assert levels.level_sentences(effects, "in_house") == []
