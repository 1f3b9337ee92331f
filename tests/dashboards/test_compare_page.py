"""The compare page: presets side by side on one seed, differences from the first."""

from __future__ import annotations

import csv
import io

import carepath.dashboards.compare
import ipyvuetify as v
from carepath.dashboards import compare, indicators
from carepath.dashboards.levers import make_model, preset_title
from carepath.sim.measure.reporters import LONG_TERM_CLIENT_SERIES
from solara.widgets import HTML

from tests.dashboards.helpers import (
    button,
    charts,
    choose_speed,
    location,
    render_page,
    text_with,
    widgets,
)


def _kpi_table(rc) -> str:
    [table] = [w for w in widgets(rc, HTML) if "kpi-table" in w.attributes.get("class", "")]
    return table.unsafe_innerHTML


def test_three_presets_run_together_on_the_same_seed(monkeypatch):
    built = []

    def recording(preset, chosen, seed):
        built.append(make_model(preset, chosen, seed))
        return built[-1]

    monkeypatch.setattr(carepath.dashboards.compare, "make_model", recording)
    rc = render_page("/compare?models=in_house,social_enterprise,care_trust_plus&runs=1")
    assert [m.config.organisation.preset for m in built] == [
        "in_house",
        "social_enterprise",
        "care_trust_plus",
    ]
    assert len({m.seed for m in built}) == 1
    button(rc, "Step").click()
    assert {m.steps for m in built} == {7}
    assert text_with(rc, "run-day").startswith("Day 7 of 1,825")
    options = charts(rc)
    waiting = options["People waiting for assessment"]
    titles = ["Council in-house (reformed)", "Social enterprise", "Care trust plus"]
    # A line per model, then England's waiting list scaled to the council, with its source.
    assert [s["name"] for s in waiting["series"]] == [
        *(f"{t} (people)" for t in titles),
        "England, scaled (ADASS Autumn Survey 2023)",
    ]
    # Long-term care is every setting, not the first line; spend has its budget line.
    long_term = options["People in long-term care (all settings)"]
    total = sum(built[0].datacollector.model_vars[n][7] for n in LONG_TERM_CLIENT_SERIES)
    assert long_term["series"][0]["data"][-1][1] == total
    spend = options["Spend against budget (to date)"]
    assert [s["name"] for s in spend["series"]][-1].startswith("budget")
    html = _kpi_table(rc)
    assert "baseline" in html and "People waiting for assessment, today" in html
    assert " people<div" in html and "%<div" in html  # counts with units, shares as %
    assert "lower is better" in html and "title='Read today" in html
    assert "assessments started only: read it with the waiting list" in html
    assert "warm-up: not results yet" in html  # day 7 of 5 years
    rc.close()


def test_the_table_s_csv_has_units_directions_and_differences():
    sim = compare.build(["in_house", "outsourced"], 1, 1)
    sim.advance(7)
    rows = list(csv.DictReader(io.StringIO(compare.table_csv(sim.snapshot()))))
    assert [r["KPI"] for r in rows] == [k.label for k in indicators.KPIS]
    assert rows[0]["unit"] == "people" and rows[0]["better"] == "lower"
    base, other = preset_title("in_house"), preset_title("outsourced")
    assert rows[0][base].endswith(" people")
    assert f"{other}: difference from {base}" in rows[0]


def test_the_default_is_five_paired_runs_per_model(monkeypatch):
    built = []

    def recording(preset, chosen, seed):
        built.append(make_model(preset, chosen, seed))
        return built[-1]

    monkeypatch.setattr(carepath.dashboards.compare, "make_model", recording)
    rc = render_page("/compare")
    # Built once (not the defaults, then again): run k of every model on seed 1 + k.
    assert [(m.config.organisation.preset, m.seed) for m in built] == [
        (p, 1 + k) for p in compare.DEFAULT_PRESETS for k in range(compare.DEFAULT_RUNS)
    ]
    assert compare.DEFAULT_RUNS == 5
    [runs] = [s for s in widgets(rc, v.Select) if s.label == "Runs per model (seeds)"]
    assert runs.v_model == 5
    # The default is left out of the address; another number is written into it.
    runs.v_model = 1
    assert location(rc).endswith("&runs=1")
    rc.close()


def test_an_address_is_built_once():
    assert compare._first_settings("models=in_house,outsourced&seed=2&years=1&runs=1") == (
        (["in_house", "outsourced"], "2", 1, 1),
        True,
    )
    # No address, or one the page will refuse with its message: the defaults.
    defaults = (list(compare.DEFAULT_PRESETS), "1", compare.DEFAULT_YEARS, compare.DEFAULT_RUNS)
    assert compare._first_settings("") == (defaults, False)
    assert compare._first_settings("models=in_house") == (defaults, False)


def test_fewer_than_two_presets_are_refused_with_a_message():
    rc = render_page("/compare?models=in_house,social_enterprise,care_trust_plus&runs=1")
    [chooser] = [s for s in widgets(rc, v.Select) if s.label.startswith("Organisational models")]
    chooser.v_model = ["Social enterprise"]
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "two to four" in str(errors[0].children)
    # The run on screen is still the previous three models.
    series = charts(rc)["People waiting for assessment"]["series"]
    assert len([s for s in series if "England" not in s["name"]]) == 3
    rc.close()


def test_the_address_sets_the_models_seed_and_years(monkeypatch):
    built = []

    def recording(preset, chosen, seed):
        built.append(make_model(preset, chosen, seed))
        return built[-1]

    monkeypatch.setattr(carepath.dashboards.compare, "make_model", recording)
    rc = render_page("/compare?models=outsourced,in_house&seed=4&years=1&runs=1")
    assert [m.config.organisation.preset for m in built[-2:]] == ["outsourced", "in_house"]
    assert {m.seed for m in built[-2:]} == {4}
    assert text_with(rc, "run-day").startswith("Day 0 of 365")
    [years] = [s for s in widgets(rc, v.Select) if s.label == "Years to simulate"]
    years.v_model = 2
    assert location(rc) == "/compare?models=outsourced%2Cin_house&seed=4&years=2&runs=1"
    rc.close()


def test_a_bad_compare_address_is_one_message():
    rc = render_page("/compare?models=in_house,nonesuch")
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "address: models: unknown preset 'nonesuch'" in str(errors[0].children)
    series = charts(rc)["People waiting for assessment"]["series"]
    assert len([s for s in series if "England" not in s["name"]]) == 3  # the default run
    rc.close()


def test_several_runs_per_model_give_intervals_and_verdicts(monkeypatch):
    built = []

    def recording(preset, chosen, seed):
        built.append(make_model(preset, chosen, seed))
        return built[-1]

    monkeypatch.setattr(carepath.dashboards.compare, "make_model", recording)
    rc = render_page("/compare?models=in_house,outsourced&seed=4&years=1&runs=3")
    runs = built[-6:]
    # Run k of each model on seed 4 + k: the same luck run by run.
    assert [(m.config.organisation.preset, m.seed) for m in runs] == [
        ("in_house", 4),
        ("in_house", 5),
        ("in_house", 6),
        ("outsourced", 4),
        ("outsourced", 5),
        ("outsourced", 6),
    ]
    choose_speed(rc, "quarter")
    button(rc, "Step").click()
    html = _kpi_table(rc)
    assert html.count("<th>") == 2  # a column per model (not per run) after the corner
    verdicts = ("]: better", "]: worse", "]: no clear difference", "]: different")
    assert sum(html.count(v) for v in verdicts) == len(indicators.KPIS)
    # Charts draw each model's mean over its runs.
    series = charts(rc)["People waiting for assessment"]["series"]
    assert len([s for s in series if "England" not in s["name"]]) == 2
    rc.close()
