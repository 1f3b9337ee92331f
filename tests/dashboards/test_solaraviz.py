"""carepath in Mesa's SolaraViz: the page renders, and its Reset builds the model it shows."""

from __future__ import annotations

import inspect

import ipywidgets
import pandas as pd
import solara
from carepath.dashboards import solaraviz
from carepath.dashboards.levers import preset_levers
from carepath.sim.measure import kpis
from carepath.sim.model import LEVERS
from mesa.visualization.solara_viz import _check_model_params
from solara.widgets import HTML

from tests.dashboards.helpers import button, select, slider, widgets


def _render(model: solara.Reactive | None = None) -> object:
    # SolaraViz puts its controls in the app's sidebar, which AppLayout provides.
    page = solara.AppLayout(children=[solaraviz.Page(model=model)])
    _, rc = solara.render(page, handle_error=False)
    return rc


def test_page_renders_controls_kpis_and_plots():
    rc = _render()
    assert select(rc, "Organisational model (preset)").v_model == "in_house"
    assert slider(rc, "Funded social-worker posts").v_model == 80
    for label in ("Reset", "Step"):
        button(rc, label)
    assert "People waiting for assessment, today" in _kpi_table(rc)
    # The three make_plot_component plots, drawn by matplotlib as images.
    assert [w.format for w in widgets(rc, ipywidgets.Image)] == ["png"] * 3
    rc.close()


def _kpi_table(rc) -> str:
    [table] = [w for w in widgets(rc, HTML) if "kpi-table" in w.attributes.get("class", "")]
    return table.unsafe_innerHTML


def test_every_parameter_is_a_constructor_keyword():
    keywords = inspect.signature(solaraviz.CarePathwaySolaraModel.__init__).parameters
    keyword_only = {n for n, p in keywords.items() if p.kind is p.KEYWORD_ONLY}
    assert set(solaraviz.model_params) <= keyword_only
    # The keywords are carepath's levers plus preset and seed: nothing Mesa would refuse.
    assert keyword_only == {"preset", "rng", *LEVERS}
    _check_model_params(solaraviz.new_model(), solaraviz.model_params)


def test_inputs_start_at_the_default_presets_values():
    start = preset_levers("in_house")
    for name in set(solaraviz.model_params) & set(LEVERS):
        assert solaraviz.model_params[name]["value"] == start[name], name


def test_reset_builds_a_model_with_the_changed_setting():
    model = solara.reactive(solaraviz.new_model())
    rc = _render(model)
    slider(rc, "Funded social-worker posts").v_model = 120
    select(rc, "Eligibility threshold").v_model = "critical"
    button(rc, "Reset").click()
    rebuilt = model.value
    assert type(rebuilt) is solaraviz.CarePathwaySolaraModel
    assert rebuilt.config.workforce.establishment_fte == 120
    assert rebuilt.config.eligibility.threshold == "critical"
    rc.close()


def test_a_preset_keeps_its_own_levers_after_reset():
    model = solara.reactive(solaraviz.new_model())
    rc = _render(model)
    select(rc, "Organisational model (preset)").v_model = "care_trust_plus"
    button(rc, "Reset").click()
    config = model.value.config
    assert config.organisation.preset == "care_trust_plus"
    expected = preset_levers("care_trust_plus")
    assert config.integration.discharge_to_assess_share == expected["discharge_to_assess"]
    assert expected["discharge_to_assess"] != preset_levers("in_house")["discharge_to_assess"]
    rc.close()


def test_the_same_seed_repeats_a_run_and_another_differs():
    def series(**params) -> pd.DataFrame:
        model = solaraviz.CarePathwaySolaraModel(**params)
        for _ in range(20):
            model.step()
        return model.datacollector.get_model_vars_dataframe()

    first = series(years=1)
    pd.testing.assert_frame_equal(series(years=1), first)
    assert not series(years=1, rng="2").equals(first)


def test_kpi_table_shows_values_with_their_units():
    model = solaraviz.new_model()
    for _ in range(30):
        model.step()
    _, rc = solara.render(solaraviz.KpiTable(model), handle_error=False)
    table = _kpi_table(rc)
    assert "<caption>Day 30</caption>" in table
    for key in solaraviz.KPI_KEYS:
        kpi = next(k for k in solaraviz.indicators.KPIS if k.key == key)
        value = kpi.entry.format(kpi.value(model))
        assert f"{kpi.label}</th><td>{value}</td><td>{kpi.entry.unit}</td>" in table
        assert kpi.entry.unit
    assert kpis.lookup("assessment.wait_median_days").unit in table
    rc.close()
