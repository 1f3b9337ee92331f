"""Levers, indicators and the session simulation, without a page."""

from __future__ import annotations

import threading
from types import SimpleNamespace

import pytest
from carepath.dashboards import charts, indicators, levers, widgets
from carepath.dashboards.simulation import Simulation
from carepath.sim.measure.summary import client_facing_share, working_hours
from carepath.sim.scenario import ScenarioError


def test_every_preset_gives_a_value_for_every_lever():
    for preset in ("in_house", "social_enterprise", "care_trust_plus"):
        values = levers.preset_levers(preset)
        assert set(values) == {lever.name for lever in levers.MAIN_LEVERS}
    assert levers.preset_levers("social_enterprise")["council_checks"] is True
    assert levers.preset_levers("in_house")["council_checks"] is False


@pytest.mark.parametrize("text", ["", "abc", "1.5", "-1", str(2**63)])
def test_bad_seeds_are_refused(text):
    with pytest.raises(ScenarioError, match="seed"):
        levers.parse_seed(text)


def test_good_seed_and_bad_values_of_levers():
    assert levers.parse_seed(" 42 ") == 42
    with pytest.raises(ScenarioError, match="unknown lever"):
        levers.make_model("in_house", {"speed": 3}, 1)
    with pytest.raises(ScenarioError, match="reablement"):
        levers.make_model("in_house", {"reablement_places": -5}, 1)
    with pytest.raises(ScenarioError, match="preset"):
        levers.make_model("nonesuch", {}, 1)


def test_charts_stay_small_over_five_years():
    days = indicators.week_days(SimpleNamespace(steps=5 * 365))
    assert len(days) <= 265
    assert days[0] == 0 and days[-1] == 5 * 365


@pytest.fixture(scope="module")
def year_run():
    model = levers.make_model("in_house", {"years": 1}, 5)
    for _ in range(120):
        model.step()
    return model


def test_every_chart_line_has_a_point_per_sampled_day(year_run):
    days = indicators.week_days(year_run)
    for chart in indicators.CHARTS:
        for name, line in chart.lines.items():
            values = line(year_run, days)
            assert len(values) == len(days), (chart.key, name)
    option = charts.line_option("t", "u", days.tolist(), {"a": [1.0] * len(days)})
    assert option["series"][0]["data"][-1] == [round(120 / 7, 3), 1.0]


def test_time_axis_reads_in_years_and_months():
    assert [charts.elapsed(d) for d in (0, 91, 364, 365 + 91, 3640)] == [
        "0m",
        "3m",
        "1y",
        "1y 3m",
        "10y",
    ]
    # Labels a year apart on long runs land on whole years for ten years.
    axis = charts.time_axis(3650)
    assert [axis[k * 52] for k in range(11)] == ["0m", *(f"{k}y" for k in range(1, 11))]
    assert charts.label_every(3650) == 52 and charts.label_every(365) == 13
    option = charts.line_option("Spend", "£ million", [0, 7], {"spend": [0.0, 1.5]}, horizon=365)
    assert option["series"][0]["name"] == "spend (£m)"
    assert option["yAxis"]["axisLabel"]["formatter"] == "£{value}m"
    assert option["toolbox"]["feature"]["saveAsImage"]["name"] == "spend"
    assert "markArea" not in option["series"][0]  # no warm-up given, none drawn


def test_kpis_are_numbers(year_run):
    for kpi in indicators.KPIS:
        text = indicators.format_kpi(kpi, kpi.value(year_run))
        assert text and text != "\u2013", kpi.key


def test_kpi_cards_use_the_catalogue_s_labels_formats_and_directions(year_run):
    by_key = {kpi.key: kpi for kpi in indicators.KPIS}
    wait, share = by_key["wait"], by_key["client_time"]
    assert wait.label == "Median wait for assessment, last 13 weeks"
    assert indicators.format_kpi(wait, 12.34) == "12.3 days"
    assert indicators.format_kpi(share, 0.6512) == "65.1%"
    assert indicators.difference(wait, 14.0, 10.0) == ("+4.0 (+40%)", "bad")
    assert indicators.difference(share, 0.66, 0.65) == ("+1.0 pp (+2%)", "good")
    assert indicators.difference(by_key["long_term"], 110.0, 100.0)[1] == ""  # neither way
    assert indicators.difference(wait, float("nan"), 10.0) == ("", "")


def test_live_client_facing_share_is_the_summary_s_formula(year_run):
    # Over the last 13 weeks, the card and the summary's function must agree.
    series = year_run.datacollector.get_model_vars_dataframe()
    workforce = year_run.config.workforce
    start, end = year_run.steps - indicators.RECENT_DAYS, year_run.steps
    hours = series["pathway_hours_to_date"]
    paid = working_hours(float(series["social_workers"].iloc[start + 1 : end + 1].sum()), workforce)
    share = client_facing_share(float(hours.iloc[end] - hours.iloc[start]), paid, workforce)
    card = {kpi.key: kpi for kpi in indicators.KPIS}["client_time"].value(year_run)
    assert card == pytest.approx(share, abs=0.0005)  # the card rounds to 0.1 of a percent


def test_flows_are_acyclic_and_count_every_move(year_run):
    edges = indicators.flows(year_run)
    order = {indicators.stage_label(s): i for i, s in enumerate(indicators.STAGE_ORDER)}
    order[indicators.RETURNS] = len(order)
    assert all(order[src] < order[dst] for src, dst, _ in edges)
    assert sum(n for _, _, n in edges) > 1000


def test_simulation_steps_together_and_snapshots_plain_data():
    sim = Simulation(
        {p: levers.make_model(p, {"years": 1}, 3) for p in ("in_house", "outsourced")},
        with_flows=True,
    )
    assert sim.advance(10) == 10
    assert sim.advance(1000) == 365 - 10
    assert sim.finished and sim.advance(5) == 0
    snap = sim.snapshot()
    assert snap.day == 365 and snap.finished
    assert set(snap.runs) == {"in_house", "outsourced"}
    assert snap.runs["in_house"].flows


def test_replace_stops_a_loop_started_on_the_old_models():
    sim = Simulation({"a": levers.make_model("in_house", {"years": 1}, 3)})
    old = sim.generation
    sim.replace({"a": levers.make_model("in_house", {"years": 1}, 4)})
    assert sim.advance(5, generation=old) == 0
    assert sim.advance(5, generation=sim.generation) == 5


def test_advance_is_serialised_by_the_lock():
    sim = Simulation({"a": levers.make_model("in_house", {"years": 1}, 3)})
    threads = [threading.Thread(target=sim.advance, args=(20,)) for _ in range(3)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sim.day == 60


def test_a_long_legend_wraps_and_the_chart_makes_room_for_it():
    names = [f"Organisational model number {i} (people)" for i in range(4)]
    assert charts.legend_rows(names[:1]) == 1 and charts.legend_rows(names) == 4
    option = charts.line_option("t", "people", [0], {n: [1.0] for n in names})
    assert option["legend"]["type"] == "plain"
    assert option["grid"]["bottom"] == 12 + 4 * charts.LEGEND_ROW


def test_the_warm_up_is_what_the_run_summary_leaves_out():
    sim = Simulation({"a": levers.make_model("in_house", {"years": 2}, 3)})
    sim.advance(7)
    snap = sim.snapshot()
    assert snap.warmup == sim.models["a"].config.run.warmup == 365  # half of two years
    assert "Warm-up until 1y" in widgets.warmup_text(snap.day, snap.warmup)
    assert "Past the warm-up (the first 1y" in widgets.warmup_text(400, snap.warmup)


def test_flow_labels_give_counts_and_small_stages_are_named_on_hover():
    edges = [
        ("contact", "in hospital", 900),
        ("contact", "signposted", 100),
        ("in hospital", "died", 9),
    ]
    option = charts.sankey_option(edges, "Flows")
    nodes = {n["name"]: n for n in option["series"][0]["data"]}
    assert nodes["contact"]["label"] == {"show": True, "formatter": "contact: 1,000"}
    assert nodes["in hospital"]["label"]["formatter"] == "in hospital: 900"
    assert nodes["died"]["label"]["show"] is False and nodes["died"]["emphasis"]["label"]["show"]
