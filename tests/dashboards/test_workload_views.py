"""The live page's waiting-list age profile and caseloads per worker, read from a small model."""

from __future__ import annotations

from types import SimpleNamespace

import numpy as np
import pytest
from carepath.dashboards import caseloads, charts, indicators, levers, list_ages, live
from carepath.dashboards.simulation import Simulation
from carepath.sim.mechanisms.waiting_list import AGE_MARKS
from carepath.sim.mechanisms.waiting_list import list_ages as count_ages

DAYS = 150  # a two-year run's warm-up is a year: all of this is warm-up


@pytest.fixture(scope="module")
def followed():
    """A two-year run followed as the live page follows it, a month per update."""
    sim = Simulation({live.RUN: levers.make_model("in_house", {"years": 2}, 5)}, with_workload=True)
    while sim.day < DAYS:
        sim.advance(30)
    return sim


def test_the_profile_is_the_run_s_own_count_as_shares(followed):
    model = followed.models[live.RUN]
    waiting, over = count_ages(model.team.community_list(), model.now)
    assert waiting > 0
    assert list_ages.shares(model) == [round(100.0 * n / waiting, 1) for n in over]


def test_an_empty_list_has_no_shares_rather_than_zero():
    nobody = SimpleNamespace(team=SimpleNamespace(community_list=lambda: []), now=30.0)
    assert list_ages.shares(nobody) == [None] * len(AGE_MARKS)


def test_every_week_is_charted_in_the_warm_up_whatever_the_days_per_update(followed):
    snap = followed.snapshot()
    model = followed.models[live.RUN]
    assert snap.day == 150 and snap.day < snap.warmup
    # The run itself samples the list only after the warm-up: the page reads it on its own.
    assert model.tally.list_samples == 0
    profile = snap.runs[live.RUN].list_ages
    assert list(profile) == ["over 1 month", "over 3 months", "over 6 months", "over 12 months"]
    rows = np.array([profile[name] for name in profile], dtype=float)
    assert rows.shape == (4, len(snap.days)) and snap.days[-1] == 150  # 150 is not a week's day
    # Every week has a profile, no gaps, though the page was updated only every 30 days.
    assert not np.isnan(rows).any()
    assert ((rows >= 0) & (rows <= 100)).all()
    # Waited over 3 months is among those over 1 month, and so on: the lines never cross.
    assert (np.diff(rows, axis=0) <= 0).all()
    assert rows[:, 0].tolist() == [0.0] * 4, "day 0's list (the synthetic start) joined today"
    assert rows[0, -1] > 0, "by day 150 some people have waited over a month"
    assert rows[:, -1].tolist() == list_ages.shares(model)


def test_following_the_list_changes_nothing_the_run_records(followed):
    plain = levers.make_model("in_house", {"years": 2}, 5)
    for _ in range(followed.day):
        plain.step()
    model = followed.models[live.RUN]
    for name, values in plain.datacollector.model_vars.items():
        assert model.datacollector.model_vars[name] == values, name
    assert model.tally.waits.frame().equals(plain.tally.waits.frame())


def test_a_new_run_starts_a_new_history(followed):
    sim = Simulation({live.RUN: levers.make_model("in_house", {"years": 2}, 5)}, with_workload=True)
    sim.advance(35)
    sim.replace({live.RUN: levers.make_model("in_house", {"years": 2}, 6)})
    assert list(sim.list_ages[live.RUN].weeks) == [0]
    assert Simulation({"a": followed.models[live.RUN]}).snapshot().runs["a"].list_ages == {}


def test_caseloads_are_every_worker_in_post_employed_and_agency_apart(followed):
    model = followed.models[live.RUN]
    loads = caseloads.caseloads(model)
    workers = model.team.workers.values()
    assert len(loads.employed) == sum(not w.agency for w in workers)
    assert len(loads.agency) == sum(w.agency for w in workers)
    assert len(loads.everyone) == model.team.headcount
    assert np.mean(loads.everyone) == pytest.approx(model.team.mean_caseload())
    assert (loads.manageable, loads.most) == (10.0, 20)
    bars = caseloads.histogram(loads)
    assert bars.width == 1 and bars.labels == [str(n) for n in range(21)]
    assert sum(bars.employed) == len(loads.employed) and sum(bars.agency) == len(loads.agency)
    assert followed.snapshot().runs[live.RUN].caseloads == loads


def test_the_spread_is_read_from_workers_own_caseloads():
    loads = caseloads.Caseloads(employed=(0, 2, 9, 4, 7), agency=(3, 12), manageable=10, most=20)
    assert caseloads.spread_text(loads) == ("min 0, median 4, 90th percentile 12, max 12 cases")
    assert caseloads.percentile([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], 0.9) == 9
    empty = caseloads.Caseloads((), (), 10, 20)
    assert caseloads.spread_text(empty) == "no social workers in post"
    assert sum(caseloads.histogram(empty).employed) == 0


def test_caseloads_beyond_thirty_bars_share_wider_bins():
    # A leaver's cases handed to one colleague can take them far past the cap.
    loads = caseloads.Caseloads(employed=(0, 5, 95), agency=(61,), manageable=10, most=20)
    bars = caseloads.histogram(loads)
    assert bars.width == 4 and len(bars.labels) <= caseloads.MOST_BARS
    assert bars.labels[:2] == ["0-3", "4-7"] and bars.labels[-1] == "92-95"
    assert bars.employed[0] == bars.employed[1] == bars.employed[-1] == 1
    assert bars.agency[15] == 1  # 61 cases: the bin 60-63
    assert bars.label_of(10) == "8-11" and bars.label_of(20) == "20-23"


def test_the_live_page_draws_each_beside_the_series_it_explains(followed):
    options = live.chart_options(followed.snapshot())
    keys = list(options)
    # Two to a row: the list's size beside its age, the mean caseload beside their spread.
    assert keys[:2] == ["waiting", "list_ages"] and keys[-2:] == ["caseload", "caseloads"]
    assert sorted(keys) == sorted([*(c.key for c in indicators.CHARTS), "list_ages", "caseloads"])
    ages = options["list_ages"]
    assert ages["title"] == {
        "text": "Waiting list: time waited so far",
        "subtext": "% of people waiting at home",
        "left": 8,
        "textStyle": {"fontSize": 14},
    }
    assert [s["name"] for s in ages["series"]][:2] == ["over 1 month (%)", "over 3 months (%)"]
    assert ages["yAxis"]["axisLabel"]["formatter"] == "{value}%"
    assert "markArea" in ages["series"][0], "the warm-up is shaded"
    spread = options["caseloads"]
    assert spread["title"]["subtext"].startswith("workers in post\nmin ")
    assert [s["name"] for s in spread["series"]] == ["employed", "agency"]
    assert all(s["stack"] == "all" for s in spread["series"])
    marks = spread["series"][0]["markLine"]["data"]
    assert marks == [
        {"name": "manageable: 10", "xAxis": "10"},
        {"name": "no new cases: 20", "xAxis": "20"},
    ]
    assert "named long-term caseloads" in live.CHART_NOTES["caseloads"]


def test_a_histogram_makes_room_for_its_axis_name_and_legend():
    option = charts.histogram_option("t", "workers", "open cases", ["0", "1"], {"a": [1, 2]})
    assert option["grid"]["bottom"] == 32 + charts.LEGEND_ROW
    assert option["xAxis"]["name"] == "open cases"
    assert "markLine" not in option["series"][0]
