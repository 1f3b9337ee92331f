"""The live-run page, rendered with ``solara.render``: controls change the model, steps the charts."""

from __future__ import annotations

import re
import time

import carepath.dashboards.live
import ipyvuetify as v
import pytest
from carepath.dashboards import address, indicators, levers
from carepath.dashboards.upload import TextFileWidget
from carepath.sim.presets import PRESETS

from tests.dashboards.helpers import (
    button,
    charts,
    choose_speed,
    field_labelled,
    htmls,
    location,
    render_page,
    select,
    slider,
    text_with,
    texts,
    widgets,
)


@pytest.fixture
def built(monkeypatch: pytest.MonkeyPatch) -> list:
    """Every model the page builds, in order."""
    models = []

    def recording(preset, chosen, seed):
        model = levers.make_model(preset, chosen, seed)
        models.append(model)
        return model

    monkeypatch.setattr(carepath.dashboards.live, "make_model", recording)
    return models


def test_page_shows_controls_kpis_and_charts(built):
    rc = render_page("/")
    for label in ("Play", "Step", "Reset"):
        button(rc, label)
    assert text_with(rc, "run-day").startswith("Day 0 of 3,650")
    titles = charts(rc)
    assert "People waiting" in titles
    assert "Where people have gone (moves since day 1)" in titles
    assert "Waiting list: time waited so far" in titles
    assert "Caseloads per worker, today" in titles
    assert len(titles) == 11
    assert "named long-term caseloads" in text_with(rc, "chart-note-caseloads")
    assert "warm-up included" in text_with(rc, "chart-note-list_ages")
    cards = [h for h in htmls(rc) if "kpi-label" in h]
    assert len(cards) == len(indicators.KPIS)
    waiting = next(c for c in cards if "People waiting for assessment, today" in c)
    # The number with its unit, which way is better, and the definition as the tooltip.
    assert re.search(r"kpi-value'>[\d,]+ people<", waiting)
    assert "lower is better" in waiting
    assert (
        "title='Read today as the run goes; the run summary&#x27;s KPI: People waiting" in waiting
    )
    # Day 0 of a 10-year run is in its 5-year warm-up: every card says it is not a result yet.
    assert all("warm-up: not a result yet" in c for c in cards)
    staff = next(c for c in cards if "Social workers in post" in c)
    assert "of 80 funded posts" in staff
    assert built[0].config.organisation.preset == "in_house"
    rc.close()


def test_step_advances_the_model_and_updates_the_charts(built):
    rc = render_page("/")
    before = charts(rc)["People waiting"]["series"][0]["data"]
    choose_speed(rc, "month")
    button(rc, "Step").click()
    assert built[-1].steps == 30
    assert text_with(rc, "run-day").startswith("Day 30 of 3,650")
    after = charts(rc)["People waiting"]["series"][0]["data"]
    assert len(after) > len(before)
    # x is the week's index on a time axis labelled in years and months, to the horizon.
    assert after[-1][0] == pytest.approx(30 / 7, abs=1e-3)
    option = charts(rc)["People waiting"]
    axis = option["xAxis"]["data"]
    assert len(axis) == 3650 // 7 + 2 and axis[52] == "1y" and axis[-1] == "10y"
    assert option["series"][0]["name"] == "for assessment (people)"
    [[start, end]] = option["series"][0]["markArea"]["data"]
    assert start["xAxis"] == 0 and end["xAxis"] == pytest.approx(5 * 365 / 7, abs=1e-3)
    sankey = charts(rc)["Where people have gone (moves since day 1)"]["series"][0]
    assert sankey["links"], "the flow picture shows moves after a step"
    # The list's age profile has a point a week in the warm-up, not only where the page updated.
    ages = charts(rc)["Waiting list: time waited so far"]["series"]
    assert [x for x, _ in ages[0]["data"]] == [0, 1, 2, 3, 4, pytest.approx(30 / 7, abs=1e-3)]
    assert all(v is not None for s in ages for _, v in s["data"])
    spread = charts(rc)["Caseloads per worker, today"]
    in_post = sum(sum(s["data"]) for s in spread["series"])
    assert in_post == built[-1].team.headcount
    rc.close()


def test_a_lever_rebuilds_the_model_with_its_value(built):
    rc = render_page("/")
    button(rc, "Step").click()
    slider(rc, "Funded social-worker posts").v_model = 120
    assert built[-1].config.workforce.establishment_fte == 120
    assert built[-1].steps == 0
    assert text_with(rc, "run-day").startswith("Day 0 of")
    slider(rc, "Years to simulate").v_model = 2
    assert text_with(rc, "run-day").startswith("Day 0 of 730")
    rc.close()


def test_choosing_a_preset_sets_its_levers(built):
    rc = render_page("/")
    select(rc, "Organisational model").v_model = "Social enterprise"
    model = built[-1]
    assert model.config.organisation.preset == "social_enterprise"
    assert model.config.approval.council_checks_assessments is True
    switch = next(s for s in widgets(rc, v.Switch) if s.label.startswith("Council checks"))
    assert switch.v_model is True
    assert PRESETS["social_enterprise"].summary in texts(rc)
    rc.close()


def test_an_invalid_seed_is_refused_with_a_message(built):
    rc = render_page("/")
    field = field_labelled(rc, "Seed (same seed, same people)")
    field.v_model = "twelve"
    field.fire_event("keyup.enter", {})
    assert len(built) == 1, "no model is built from a bad seed"
    field = field_labelled(rc, "Seed (same seed, same people)")
    assert field.error
    assert "not a whole number" in field.messages[0]
    field.v_model = "42"
    field.fire_event("keyup.enter", {})
    assert built[-1].seed == 42
    assert not field_labelled(rc, "Seed (same seed, same people)").error
    rc.close()


def test_play_runs_in_the_background_until_paused(built):
    rc = render_page("/")
    started = time.monotonic()
    button(rc, "Play").click()
    assert time.monotonic() - started < 1.0, "pressing play returns at once"
    deadline = time.monotonic() + 30
    while built[-1].steps < 14 and time.monotonic() < deadline:
        time.sleep(0.05)
    assert built[-1].steps >= 14
    button(rc, "Pause").click()
    time.sleep(0.5)
    stopped_at = built[-1].steps
    time.sleep(0.5)
    assert built[-1].steps == stopped_at
    assert text_with(rc, "run-day").startswith(f"Day {stopped_at:,} of")
    rc.close()


def test_two_pages_have_their_own_models(built):
    first, second = render_page("/"), render_page("/")
    button(first, "Step").click()
    assert text_with(first, "run-day").startswith("Day 7 of")
    assert text_with(second, "run-day").startswith("Day 0 of")
    assert len({id(m) for m in built}) == 2
    first.close()
    second.close()


def test_the_address_sets_the_scenario_and_follows_its_changes(built):
    rc = render_page("/?preset=social_enterprise&seed=7&funded_posts=120")
    model = built[-1]
    assert model.config.organisation.preset == "social_enterprise"
    assert model.seed == 7 and model.config.workforce.establishment_fte == 120
    assert slider(rc, "Funded social-worker posts").v_model == 120
    slider(rc, "Re-ablement places").v_model = 40
    # The page's address now names the change too, so a reload shows the same run.
    assert location(rc) == (
        "/?preset=social_enterprise&seed=7&funded_posts=120&reablement_places=40"
    )
    rc.close()


def test_a_bad_address_is_one_message_and_the_default_run(built):
    rc = render_page("/?preset=social_enterprise&colour=red")
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "unknown setting 'colour'" in str(errors[0].children)
    assert built[-1].config.organisation.preset == "in_house"
    rc.close()


def test_an_uploaded_scenario_file_runs_and_a_bad_one_is_one_message(built):
    rc = render_page("/")
    [upload] = widgets(rc, TextFileWidget)
    chosen = {**levers.preset_levers("care_trust_plus"), "funded_posts": 95}
    upload.vue_received(
        {"name": "mine.toml", "text": address.to_toml("care_trust_plus", chosen, "11")}
    )
    model = built[-1]
    assert model.config.organisation.preset == "care_trust_plus" and model.seed == 11
    assert model.config.workforce.establishment_fte == 95
    assert location(rc) == "/?preset=care_trust_plus&seed=11&funded_posts=95"
    upload.vue_received({"name": "other.toml", "text": "[population]\ntotal = 5000\n"})
    errors = [w for w in widgets(rc, v.Alert) if "upload-error" in (w.class_ or "")]
    assert "other.toml not applied: population.total: the live run cannot show" in str(
        errors[0].children
    )
    assert built[-1] is model, "a refused file builds nothing"
    rc.close()
