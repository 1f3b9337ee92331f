"""National benchmark lines: calibration targets scaled to the council, on the charts they fit."""

from __future__ import annotations

import pytest
from carepath.dashboards import benchmarks, charts
from carepath.dashboards.levers import make_model, preset_levers
from carepath.experiments.calibration import load

from tests.dashboards.helpers import charts as page_charts
from tests.dashboards.helpers import render_page


def _model(**changes):
    levers = preset_levers("in_house")
    return make_model("in_house", {**levers, **changes}, 1)


def test_lines_are_the_targets_scaled_to_the_council():
    model = _model()
    adults = float(sum(model.config.population.band_sizes()))
    targets = {t.name: t for t in load().targets}
    lines = benchmarks.benchmark_lines(model)
    # Only charts a target measures: the waiting list and delayed discharges.
    assert set(lines) == {"waiting", "delayed"}
    [(name, waiting)] = lines["waiting"].items()
    # ADASS's 249,589 people waiting in England, per adult, times this council's adults.
    assert waiting == pytest.approx(
        249_589 / targets["delayed_discharges"].england_adults * adults, abs=0.1
    )
    assert name == "England, scaled (ADASS Autumn Survey 2023)"
    [(name, delayed)] = lines["delayed"].items()
    # 13,000 patients a night in England, scaled, as bed-days a week.
    expected = targets["delayed_discharges"].expected(adults) * 7
    assert delayed == pytest.approx(expected, abs=0.1)
    assert name == "England, all delays, scaled (NHS England, Sept 2025)"


def test_a_chart_draws_its_benchmark_dashed_and_named():
    option = charts.line_option(
        "People waiting",
        "people",
        [0, 7],
        {"for assessment": [10.0, 12.0]},
        horizon=364,
        benchmarks={"England, scaled (ADASS)": 1109.3},
    )
    line = option["series"][-1]
    assert line["name"] == "England, scaled (ADASS)"
    assert line["lineStyle"]["type"] == "dashed"
    assert line["data"] == [[0, 1109.3], [52.0, 1109.3]]  # across the whole run


def test_the_live_page_draws_benchmarks_on_the_charts_that_have_one():
    rc = render_page("/")
    options = page_charts(rc)
    named = {
        title: [s["name"] for s in o.get("series", []) if ", scaled (" in s.get("name", "")]
        for title, o in options.items()
    }
    assert len(named["People waiting"]) == 1
    assert len(named["Delayed hospital discharges"]) == 1
    assert sum(len(v) for v in named.values()) == 2  # no line where no target measures it
    rc.close()
