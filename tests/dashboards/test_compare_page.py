"""The compare page: presets side by side on one seed, differences from the first."""

from __future__ import annotations

import carepath.dashboards.compare
import ipyvuetify as v
from carepath.dashboards.levers import make_model
from solara.widgets import HTML

from tests.dashboards.helpers import button, charts, render_page, text_with, widgets


def _kpi_table(rc) -> str:
    [table] = [w for w in widgets(rc, HTML) if "kpi-table" in w.attributes.get("class", "")]
    return table.unsafe_innerHTML


def test_three_presets_run_together_on_the_same_seed(monkeypatch):
    built = []

    def recording(preset, chosen, seed):
        built.append(make_model(preset, chosen, seed))
        return built[-1]

    monkeypatch.setattr(carepath.dashboards.compare, "make_model", recording)
    rc = render_page("/compare")
    assert [m.config.organisation.preset for m in built] == [
        "in_house",
        "social_enterprise",
        "care_trust_plus",
    ]
    assert len({m.seed for m in built}) == 1
    button(rc, "Step").click()
    assert {m.steps for m in built} == {7}
    assert text_with(rc, "run-day").startswith("Day 7 of 1,825")
    waiting = charts(rc)["People waiting"]
    assert [s["name"] for s in waiting["series"]] == [
        "Council in-house (reformed)",
        "Social enterprise",
        "Care trust plus",
    ]
    html = _kpi_table(rc)
    assert "baseline" in html and "People waiting for assessment, today" in html
    assert " people<div" in html and "%<div" in html  # counts with units, shares as %
    rc.close()


def test_fewer_than_two_presets_are_refused_with_a_message():
    rc = render_page("/compare")
    [chooser] = [s for s in widgets(rc, v.Select) if s.label.startswith("Organisational models")]
    chooser.v_model = ["Social enterprise"]
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "two to four" in str(errors[0].children)
    # The run on screen is still the previous three models.
    assert len(charts(rc)["People waiting"]["series"]) == 3
    rc.close()
