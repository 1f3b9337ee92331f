"""The appraisal page: a ``carepath appraise`` result folder, ranked, named and downloadable."""

from __future__ import annotations

import argparse
import csv
import io
import json
from pathlib import Path

import ipyvuetify as v
import pytest
from carepath.dashboards import appraisal_results as ar
from carepath.dashboards import cli, results
from carepath.dashboards.appraisal import folder_from_query

from tests.dashboards.helpers import (
    button,
    charts,
    field_labelled,
    htmls,
    render_page,
    texts,
    widgets,
)

EXAMPLE = Path(__file__).resolve().parents[2] / "experiments" / "expected" / "appraisal"


@pytest.fixture
def root(appraisal_root: Path) -> Path:
    """A root folder holding a copy of the committed example as ``OUT/appraisal``."""
    return appraisal_root


def test_the_example_reads_as_its_report_does(root):
    # OUT is opened as OUT/appraisal, the folder the tables are in.
    a = ar.load("out", root)
    assert a.shown == "out/appraisal" and a.current == "in_house"
    assert len(a.options) == 12 and a.report_html is None
    # EVPI recovered from the top EVPPI and its share, as the report says: £773,027.
    assert a.evpi == pytest.approx(773026.51, rel=1e-6)
    ranked = ar.ranking_rows(a)
    first = ranked.iloc[0]
    assert first["Option"] == "Social workers attached to GP practices"
    assert first["Chance of being the best choice"] == "69%"
    current = ranked.set_index("option").loc["in_house"]
    assert current["Option"] == "Council in-house (reformed) (current arrangement)"
    se = ranked.set_index("option").loc["social_enterprise"]
    # The report's figures: cost £4.81m less (-£16.70m to +£4.85m), 41% chance of better.
    assert se["Cost over the horizon, discounted: difference"] == "-£4.81m"
    assert se["Cost: 90% range (5th to 95th percentile)"] == "-£16.70m to +£4.85m"
    assert se["Chance of better net benefit than the current arrangement"] == "41%"
    assert ar.best_sentence(a) == (
        "Expected best: Social workers attached to GP practices, +£7.31m of net benefit "
        "against keeping Council in-house (reformed). It is the best choice in 69% of the draws."
    )
    # Uncertain values by the titles the report gives them, whose value by the report's rule.
    evppi = ar.evppi_rows(a)
    assert evppi.iloc[0].tolist() == [
        "Requests from GP practices with an attached social worker",
        "£52,811",
        "7%",
    ]
    assert "Length of the transition" in evppi["Uncertain value"].tolist()
    said = ar.threshold_rows(a)["Better than the current arrangement only if"].tolist()
    assert "the council's staff who leave rather than transfer is below 0.0188" in said
    turnover = ar.difference_rows(a, "workforce.turnover_rate")
    assert turnover.iloc[0]["Expected difference"] == "+3.1 pp"  # a share's difference


def test_tornado_is_the_widest_swings_named(root):
    a = ar.load("out/appraisal", root)
    rows = ar.tornado_rows(a, "appraisal.net_benefit")
    assert len(rows) == ar.TORNADO_TOP
    swings = (rows["at_high"] - rows["at_low"]).abs().tolist()
    assert swings == sorted(swings, reverse=True)
    assert (
        rows["name"].iloc[0] == "Care trust plus: Council in-house (reformed)'s discharge to assess"
    )


def test_tables_download_with_names_beside_keys(root):
    a = ar.load("out", root)
    rows = list(csv.DictReader(io.StringIO(ar.raw_csv(a, "differences"))))
    assert len(rows) == 13 * 7  # every choice, the current arrangement's zeros too, x 7 measures
    row = rows[7]
    assert (row["option"], row["option_title"]) == ("social_enterprise", "Social enterprise")
    assert row["kpi_title"] == "Median wait for assessment at home (days)"
    assert float(row["mean_difference"]) == pytest.approx(71.7, abs=0.05)


@pytest.mark.parametrize(
    ("folder", "message"),
    [
        ("missing", "missing: no such folder"),
        (".", ".: not an appraisal result (no ranking.csv)"),
        ("/", "outside the folder the dashboards may open"),
    ],
)
def test_a_folder_that_is_not_an_appraisal_is_one_line(root, folder, message):
    with pytest.raises(results.StoreError) as caught:
        ar.load(folder, root)
    assert message in str(caught.value) and "\n" not in str(caught.value)
    assert str(root) not in str(caught.value)


def test_a_table_missing_a_column_is_refused(root):
    path = root / "out" / "appraisal" / "thresholds.csv"
    path.write_text("option,kpi\nin_house,cost.total_per_year\n")
    with pytest.raises(ar.NotAnAppraisalError, match=r"thresholds\.csv: not an appraisal table"):
        ar.load("out", root)


def test_a_full_run_s_report_and_pairs_are_used(root):
    folder = root / "out" / "appraisal"
    (folder / "report.html").write_text("<!DOCTYPE html><p>committee report</p>")
    # Two draws: option a wins one by 10, loses the other by 4; EVPI = mean(max) - max(mean).
    (folder / "pairs.csv").write_text(
        "draw,option,replication,appraisal.net_benefit\n0,a,0,10\n1,a,0,-4\n"
    )
    a = ar.load("out", root)
    assert a.evpi == pytest.approx((10 + 0) / 2 - 3)
    assert "committee report" in a.report_html


def test_the_address_names_the_folder():
    assert folder_from_query("?folder=out%2Fappraisal") == "out/appraisal"
    assert folder_from_query("") is None


def test_page_opens_a_folder_with_charts_tables_and_downloads(root):
    rc = render_page("/appraisal")
    field_labelled(rc, "Appraisal folder").v_model = "out"
    button(rc, "Open").click()
    options = charts(rc)
    assert "Tornado: Net benefit over the horizon, discounted (£)" in options
    assert "Expected value of partial perfect information (net benefit)" in options
    cost = options["Council spend over the horizon, discounted (£)"]
    assert cost["xAxis"]["axisLabel"]["formatter"] == "£{value}m"
    assert cost["yAxis"]["data"][0] == "Social enterprise"  # options by title, current left out
    low, *_, high = cost["series"][0]["data"][0]
    assert (round(low, 2), round(high, 2)) == (-16.70, 4.85)
    tables = " ".join(htmls(rc))
    assert "Social work practice" in tables and "-£11.83m to +£8.45m" in tables
    # A CSV of each table: ranking, levels, differences, thresholds, EVPPI (and the tornado's).
    assert len([b for b in widgets(rc, v.Btn) if "Download table (CSV)" in b.children]) == 5
    assert any("no report.html" in t for t in texts(rc))
    # Another measure's tornado.
    [choice] = [s for s in widgets(rc, v.Select) if s.label == "Tornado of"]
    choice.v_model = "Staff turnover (share of permanent staff a year)"
    assert "Tornado: Staff turnover (share of permanent staff a year)" in charts(rc)
    rc.close()


def test_page_says_in_one_line_when_a_folder_is_not_an_appraisal(root):
    rc = render_page("/appraisal")
    field_labelled(rc, "Appraisal folder").v_model = "."
    button(rc, "Open").click()
    errors = [w for w in widgets(rc, v.Alert) if w.type == "error"]
    assert errors and "not an appraisal result (no ranking.csv)" in str(errors[0].children)
    assert charts(rc) == {}
    rc.close()


def test_cli_refuses_a_folder_that_is_not_an_appraisal(root, capsys, monkeypatch):
    monkeypatch.chdir(root)
    parser = argparse.ArgumentParser()
    cli.add_arguments(parser)
    assert cli.main(parser.parse_args(["--appraisal", str(root)])) == 2
    assert "not an appraisal result" in capsys.readouterr().err
    env = cli.server_environment(appraisal=root / "out")
    assert env[ar.APPRAISAL_ENV] == str((root / "out").resolve())


def test_a_full_run_names_values_from_its_appraisal_file(root):
    # `carepath appraise` keeps the appraisal file's text in the experiment's manifest (OUT).
    text = '[uncertain."change.transition_days"]\ntitle = "How long the handover takes"\n'
    (root / "out" / "manifest.json").write_text(json.dumps({"experiment": {"text": text}}))
    (root / "out" / "appraisal" / "report.md").unlink()  # so the title cannot come from it
    a = ar.load("out", root)
    assert a.parameter("change.transition_days") == "How long the handover takes"
    assert a.name == "out"  # no report: the run's folder names it
    # A value nothing names is its path's last part in words; a mechanism keeps its title.
    assert a.parameter("change.fade_per_year") == "Fade per year"
    assert a.parameter("approval.rework_share") == "Decisions sent back for more work"
