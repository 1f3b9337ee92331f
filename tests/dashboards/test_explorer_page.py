"""The results explorer: an experiment folder's KPI table, intervals and filters."""

from __future__ import annotations

import ipyvuetify as v
import pytest
from carepath.dashboards import results
from solara.widgets import HTML

from tests.dashboards.helpers import button, charts, field_labelled, render_page, widgets


@pytest.fixture(autouse=True)
def _root(monkeypatch: pytest.MonkeyPatch, tmp_path_factory: pytest.TempPathFactory) -> None:
    # The explorer opens folders inside its root only: here, pytest's temporary folders.
    monkeypatch.setenv(results.ROOT_ENV, str(tmp_path_factory.getbasetemp()))


def _open(rc, folder) -> None:
    field = field_labelled(rc, "Experiment folder")
    field.v_model = str(folder)
    button(rc, "Open").click()


def test_load_summarises_each_arm_with_intervals(experiment_dir):
    experiment = results.load(experiment_dir)
    assert experiment.factors == ["organisation.preset", "practice.strengths_based"]
    assert "assessment.wait_median_days" in experiment.kpis
    table = results.summary(experiment.runs, ["assessment.wait_median_days"])
    assert len(table) == 4
    first = table.iloc[0]
    assert first["ci_low"] < first["mean"] < first["ci_high"]
    assert table.iloc[1]["diff"] == pytest.approx(5.0, abs=2.5)
    html = results.table_html(table, "assessment.wait_median_days")
    assert html.count("<tr>") == 5 and "[+" in html  # differences carry their sign
    assert experiment.headline == [
        "assessment.wait_median_days",
        "hospital.delayed_bed_days_per_year",
        "cost.total_per_year",
    ]


def test_filter_keeps_matching_runs(experiment_dir):
    experiment = results.load(experiment_dir)
    kept = results.filtered(experiment, {"organisation.preset": ["social_enterprise"]})
    assert set(kept["organisation.preset"]) == {"social_enterprise"}
    assert len(kept) == 8


def test_page_opens_a_folder_and_filters_by_factor(experiment_dir):
    rc = render_page("/explorer")
    _open(rc, experiment_dir)
    options = charts(rc)
    # Charts are titled with the catalogue's labels and units, not the programme's names.
    assert set(options) == {
        "Median wait for assessment",
        "Delayed discharge bed-days",
        "Council spend",
    }
    spend = options["Council spend"]
    # Pounds in millions on the axis; arms named in words, not as factor=value keys.
    assert spend["title"]["subtext"].startswith("£ million a year: ")
    assert spend["xAxis"]["axisLabel"]["formatter"] == "£{value}m"
    assert spend["yAxis"]["data"][3] == "Social enterprise; Strengths-based practice: yes"
    assert 70 < spend["series"][0]["data"][0][2] < 80
    [table] = [
        w
        for w in widgets(rc, HTML)
        if "arm-table" in w.attributes.get("class", "") and "£" in w.unsafe_innerHTML
    ]
    assert (
        "<td data-label='mean'>£75." in table.unsafe_innerHTML and "[+£" in table.unsafe_innerHTML
    )
    [preset_filter] = [s for s in widgets(rc, v.Select) if s.label == "Organisational model"]
    assert preset_filter.items == ["Council in-house (reformed)", "Social enterprise"]
    preset_filter.v_model = ["Council in-house (reformed)"]
    assert len(charts(rc)["Council spend"]["yAxis"]["data"]) == 2
    [kpi_choice] = [s for s in widgets(rc, v.Select) if s.label == "KPIs"]
    kpi_choice.v_model = ["Council spend"]
    assert set(charts(rc)) == {"Council spend"}
    rc.close()


def test_a_folder_that_is_not_an_experiment_is_refused(tmp_path):
    rc = render_page("/explorer")
    _open(rc, tmp_path)
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "Cannot open this folder" in str(errors[0].children)
    assert charts(rc) == {}
    rc.close()


def test_intervals_stay_within_what_a_kpi_can_be(experiment_dir):
    experiment = results.load(experiment_dir)
    runs = experiment.runs.copy()
    # A rate near zero with a wide spread: a t-interval would reach below zero.
    runs["workforce.turnover_rate"] = 0.3 * (runs["replication"] % 2)
    table = results.summary(runs, ["workforce.turnover_rate", "cost.total_per_year"])
    turnover = table[table["kpi"] == "workforce.turnover_rate"]
    assert (turnover["ci_low"] >= 0).all() and turnover["cut"].any()
    assert not table[table["kpi"] == "cost.total_per_year"]["cut"].any()
    assert "* interval cut at 0.0%" in results.table_html(table, "workforce.turnover_rate")
    assert results.bounds("demand.share_from_hospital") == (0.0, 1.0)
    assert results.bounds("cost.spend_to_budget")[1] == float("inf")  # an overspend passes 1
    csv_text = results.table_csv(table, results.arm_names(experiment))
    assert csv_text.splitlines()[0].startswith("arm_name,arm_label,kpi_label,unit,kpi")


def test_an_interval_of_equal_runs_says_so(experiment_dir):
    runs = results.load(experiment_dir).runs.assign(**{"workforce.turnover_rate": 0.1})
    table = results.summary(runs, ["workforce.turnover_rate"])
    assert "[10.0%, 10.0%] (all runs equal)" in results.table_html(table, "workforce.turnover_rate")
