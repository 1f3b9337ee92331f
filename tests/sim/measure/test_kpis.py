"""The KPI catalogue: it matches what a run reports, and prints values as readers want them."""

from __future__ import annotations

import math

import pytest
from carepath.experiments.runs import flatten_kpis
from carepath.sim import CarePathwayModel
from carepath.sim.measure import kpis
from carepath.sim.measure.summary import client_facing_share, working_hours


@pytest.fixture(scope="module")
def run() -> CarePathwayModel:
    # A council small enough to run in well under a second, long enough for every tally.
    model = CarePathwayModel(
        years=0.1, rng=3, scenario={"run": {"warmup_days": 0}, "population": {"total": 60_000}}
    )
    model.run()
    return model


@pytest.fixture(scope="module")
def summary(run) -> dict:
    return run.results().summary


def _leaves(node: dict, prefix: str = "") -> dict:
    found = {}
    for key, value in node.items():
        path = f"{prefix}.{key}" if prefix else key
        found.update(_leaves(value, path) if isinstance(value, dict) else {path: value})
    return found


EVERY_RUN = {key for key, kpi in kpis.CATALOGUE.items() if kpi.only_when is None}


def test_catalogue_holds_exactly_the_kpis_a_run_reports(summary):
    reported = {k: v for k, v in _leaves(summary).items() if not k.startswith("run.")}
    missing = sorted(set(reported) - set(kpis.CATALOGUE))
    stale = sorted(EVERY_RUN - set(reported))
    assert not missing, f"KPIs the summary reports but the catalogue lacks: {missing}"
    assert not stale, f"catalogue entries no run reports: {stale}"


def test_numeric_entries_are_the_kpis_experiments_can_keep(summary):
    numeric = {key for key in EVERY_RUN if kpis.CATALOGUE[key].numeric}
    assert numeric == set(flatten_kpis(summary))


def test_a_scoped_change_reports_its_entries_too():
    scenario = {
        "run": {"warmup_days": 10},
        "population": {"total": 60_000},
        "change": {"enabled": True, "scope": {"share": 0.5}},
        "organisation": {"preset": "social_work_practice"},
    }
    summary = CarePathwayModel(years=0.2, rng=3, scenario=scenario).run().summary
    reported = {k for k in _leaves(summary) if not k.startswith("run.")}
    scoped = {key for key, kpi in kpis.CATALOGUE.items() if kpi.only_when == kpis._SCOPED}
    assert scoped and all(key.startswith("scope.") for key in scoped)
    assert reported == EVERY_RUN | scoped
    assert summary["run"]["scoped_option"] == "social_work_practice"


def test_provision_other_than_todays_reports_its_entries_too():
    scenario = {"population": {"total": 60_000}, "provision": {"home_care": "in_house"}}
    summary = CarePathwayModel(years=0.2, rng=3, scenario=scenario).run().summary
    reported = {k for k in _leaves(summary) if not k.startswith("run.")}
    provided = {key for key, kpi in kpis.CATALOGUE.items() if kpi.only_when == kpis._PROVIDED}
    assert provided and all(key.startswith("provision.") for key in provided)
    assert reported == EVERY_RUN | provided
    conditional = {key for key, kpi in kpis.CATALOGUE.items() if kpi.only_when is not None}
    prioritised = {k for k, kpi in kpis.CATALOGUE.items() if kpi.only_when == kpis._PRIORITISED}
    scoped = {k for k in kpis.CATALOGUE if k.startswith("scope.")}
    nhs = {k for k in kpis.CATALOGUE if k.startswith("nhs.")}
    assert conditional == provided | scoped | prioritised | nhs


def test_a_prioritised_waiting_list_reports_the_wait_of_each_priority():
    scenario = {"population": {"total": 60_000}, "waiting_list": {"prioritise": True}}
    summary = CarePathwayModel(years=0.2, rng=3, scenario=scenario).run().summary
    reported = {k for k in _leaves(summary) if not k.startswith("run.")}
    prioritised = {k for k, kpi in kpis.CATALOGUE.items() if kpi.only_when == kpis._PRIORITISED}
    assert prioritised == {
        f"assessment.wait_median_days_{band}" for band in ("urgent", "high", "routine")
    }
    assert reported == EVERY_RUN | prioritised


def test_a_run_with_nhs_money_reports_its_entries_too():
    scenario = {
        "run": {"warmup_days": 10},
        "population": {"total": 60_000},
        "funding": {"nhs_reablement_per_year": 400_000.0, "pool_nhs_per_year": 500_000.0},
    }
    summary = CarePathwayModel(years=0.2, rng=3, scenario=scenario).run().summary
    reported = {k for k in _leaves(summary) if not k.startswith("run.")}
    nhs = {key for key in kpis.CATALOGUE if key.startswith("nhs.")}
    assert reported == EVERY_RUN | nhs
    assert nhs and all(kpis.CATALOGUE[key].only_when is not None for key in nhs)
    assert summary["nhs"]["reablement_grant_places"] == 15  # £400,000 at £490 a week


def test_every_entry_is_complete_and_labels_are_unique():
    labels = [kpi.label for kpi in kpis.CATALOGUE.values()]
    assert len(set(labels)) == len(labels)
    for key, kpi in kpis.CATALOGUE.items():
        assert kpi.key == key and kpi.section in kpis.AREAS, key
        assert kpi.unit and kpi.label and kpi.label != key, key
        assert kpi.definition.endswith(".") and len(kpi.definition) > 30, key
        assert kpi.better in kpis.Better, key


def test_headline_kpis_cover_every_area_a_planner_asks_about():
    areas = {kpis.lookup(key).section for key in kpis.HEADLINE}
    assert {"assessment", "hospital", "reablement", "cost", "workforce"} <= areas
    assert kpis.headline(["cost.total_per_year", "nope", "demand.requests_per_year"]) == [
        "demand.requests_per_year",
        "cost.total_per_year",
    ]


@pytest.mark.parametrize(
    ("key", "value", "signed", "text"),
    [
        ("reablement.ascof_2d", 0.8123, False, "81.2%"),
        ("reablement.ascof_2d", 0.0123, True, "+1.2 pp"),
        ("reablement.ascof_2d", -0.0004, True, "+0.0 pp"),
        ("cost.total_per_year", 90_099_116.1, False, "£90.10m"),
        ("cost.total_per_year", -12_345.6, True, "-£12,346"),
        ("cost.per_long_term_client_per_year", 27_266.7, False, "£27,267"),
        ("demand.requests_per_year", 7287.4, False, "7,287"),
        ("assessment.wait_median_days", -2.25, True, "-2.2"),
        ("assessment.wait_median_days", None, False, "\u2013"),
        ("assessment.wait_median_days", math.nan, True, "\u2013"),
        ("commissioning.eligibility_threshold_end", "critical", False, "critical"),
    ],
)
def test_format_value(key, value, signed, text):
    assert kpis.format_value(key, value, signed=signed) == text


def test_unknown_keys_are_refused_with_the_nearest_names():
    with pytest.raises(kpis.UnknownKpiError, match=r"unknown KPI 'assessment\.wait_median'; "):
        kpis.lookup("assessment.wait_median")
    with pytest.raises(kpis.UnknownKpiError, match=r"did you mean assessment\.wait_median_days"):
        kpis.format_value("assessment.wait_median", 3.0)
    plain = kpis.describe("custom.metric")
    assert plain.label == "custom.metric" and plain.format(1234.56) == "1,234.6"


def test_the_summary_s_client_facing_share_comes_from_the_shared_function(run, summary):
    series = run.datacollector.get_model_vars_dataframe()
    workforce = run.config.workforce
    years = run.time / 365.0
    hours = series["pathway_hours_to_date"]
    pathway_per_year = float(hours.iloc[-1] - hours.iloc[0]) / years
    paid = working_hours(float(series["social_workers"].mean()), workforce) * 365.0
    shared = client_facing_share(pathway_per_year, paid, workforce)
    assert summary["workforce"]["client_facing_share"] == shared  # the same arithmetic
    other = (1.0 - workforce.admin_share) * (1.0 - workforce.pathway_time_share)
    assert client_facing_share(0.25 * paid, paid, workforce) == pytest.approx(0.25 + other)
    assert math.isnan(client_facing_share(0.0, 0.0, workforce))
