"""The recorded headline and the quick benchmark's comparison with it (no timing asserted)."""

import re
import subprocess
from pathlib import Path

import pytest

from benchmarks import harness, recorded

RESULTS_MD = Path(recorded.__file__).with_name("RESULTS.md")
FAKE_COMMIT = "0123456789abcdef0123456789abcdef01234567"


def fake_git(sim_diff_code: int):
    """A git whose ``diff --quiet`` exits with ``sim_diff_code`` (0 same, 1 changed)."""
    calls = []

    def git(args):
        calls.append(args)
        if args[0] == "rev-parse":
            return subprocess.CompletedProcess(args, 0, FAKE_COMMIT + "\n", "")
        if args[0] == "status":
            return subprocess.CompletedProcess(args, 0, "", "")
        if args[0] == "diff":
            return subprocess.CompletedProcess(args, sim_diff_code, "", "")
        raise AssertionError(f"unexpected git call {args}")

    git.calls = calls
    return git


def runner_rows(recorded_row, cpu_factor, runs=1):
    """Rows as ``benchmarks.runner`` prints them, doing the recorded work ``cpu_factor`` x slower."""
    transitions = recorded_row["events"] // 2
    return [
        {
            "impl": "ours",
            "population": recorded_row["population"],
            "years": recorded_row["years"],
            "days": round(recorded_row["years"] * 365),
            "cpu_s": recorded_row["cpu_s"] * cpu_factor,
            "wall_s": recorded_row["wall_s"] * cpu_factor,
            "transitions": transitions,
            "timers_fired": recorded_row["events"] - transitions,
            "rss_peak_kb": recorded_row["peak_mb"] * 1024,
            "rss_import_kb": 150 * 1024,
            "load_before": 0.5,
            "load_after": 1.0,
            "person_days": recorded_row["population"] * 365,
            "collect_s": 0.0,
            "kpis": {},
        }
        for _ in range(runs)
    ]


@pytest.fixture(scope="module")
def committed():
    content = recorded.load_recorded()
    assert content is not None, f"{recorded.HEADLINE_FILE} is missing"
    return content


def test_committed_headline_says_where_and_when(committed):
    assert re.fullmatch(r"[0-9a-f]{40}", committed["commit"])
    assert isinstance(committed["tree_clean"], bool)
    assert committed["measured"]
    assert committed["machine"]["cpu"] and committed["machine"]["cores"]
    for row in committed["headline"]:
        assert row["runs"] >= 3
        assert len(row["load_each"]) == row["runs"]
        assert row["events"] > 0 and row["cpu_s"] > 0


def test_committed_headline_covers_the_quick_and_full_sizes(committed):
    sizes = {(r["population"], r["years"]) for r in committed["headline"]}
    for plan in (harness.Plan(), harness.Plan.quick()):
        for population in plan.headline_sizes:
            assert (population, plan.years) in sizes


def test_results_md_names_the_recorded_commit(committed):
    assert committed["commit"][:7] in RESULTS_MD.read_text()


def test_quick_benchmark_sets_today_beside_the_committed_record(committed, monkeypatch, tmp_path):
    by_size = {(r["population"], r["years"]): r for r in committed["headline"]}

    def child(impl, population, years, **_):
        assert impl == "ours"
        return runner_rows(by_size[(population, years)], cpu_factor=2.0)[0]

    monkeypatch.setattr(harness, "run_child", child)
    monkeypatch.setattr(recorded, "run_git", fake_git(0))
    plan = harness.Plan.quick()
    plan.parts, plan.out = ("headline",), tmp_path
    results = harness.run_suite(plan, progress=lambda _: None)

    rows = results["against_recorded"]["rows"]
    assert [(r["population"], r["years"]) for r in rows] == [
        (p, plan.years) for p in sorted(plan.headline_sizes)
    ]
    for row in rows:
        assert row["cpu_ratio"] == pytest.approx(2.0)
        assert row["us_per_event_ratio"] == pytest.approx(2.0)
        assert row["events_ratio"] == 1.0
        assert row["peak_ratio"] == pytest.approx(1.0)
    assert results["against_recorded"]["sim_changed"] is False
    text = harness.report(results)
    assert "Today against the recorded headline" in text
    assert "| 2.00 |" in text
    assert "STALE" not in text
    assert (tmp_path / "results.md").read_text().strip() == text.strip()


def test_a_commit_whose_sim_differs_is_flagged_stale(committed):
    row = committed["headline"][0]
    record = {**committed, "commit": FAKE_COMMIT}
    git = fake_git(1)
    compared = recorded.against_recorded(runner_rows(row, 1.0, runs=3), record, git=git)
    assert compared["sim_changed"] is True
    assert ["diff", "--quiet", FAKE_COMMIT, "--", "sim"] in git.calls
    text = recorded.format_against_recorded(compared)
    assert f"STALE: the recorded figures were measured at {FAKE_COMMIT[:7]}" in text
    assert compared["rows"][0]["cpu_ratio"] == pytest.approx(1.0)


def test_unchanged_sim_and_unknown_commit_are_said_plainly(committed):
    row = committed["headline"][0]
    same = recorded.against_recorded(runner_rows(row, 1.0), committed, git=fake_git(0))
    assert same["sim_changed"] is False
    assert "sim/ is unchanged since" in recorded.format_against_recorded(same)
    unknown = recorded.against_recorded(runner_rows(row, 1.0), committed, git=fake_git(128))
    assert unknown["sim_changed"] is None
    assert "Cannot tell whether sim/ changed" in recorded.format_against_recorded(unknown)


def test_changed_event_counts_and_missing_sizes_are_reported(committed):
    row = committed["headline"][0]
    today = runner_rows(row, 1.0)
    today[0]["timers_fired"] += 1
    other = runner_rows({**row, "population": 12_345}, 1.0)
    compared = recorded.against_recorded(today + other, committed, git=fake_git(0))
    assert len(compared["rows"]) == 1
    assert compared["unmatched"] == [(12_345, row["years"])]
    text = recorded.format_against_recorded(compared)
    assert "event counts differ" in text
    assert "Nothing recorded for 12,345 people" in text


def test_no_record_is_not_an_error():
    compared = recorded.against_recorded([], None)
    assert compared["rows"] == [] and "No recorded headline" in compared["notes"][0]


def test_record_is_clean_only_if_clean_throughout():
    rows = [
        {
            "population": 1000,
            "years": 1.0,
            "cpu_s": c,
            "wall_s": c,
            "transitions": 10,
            "timers_fired": 5,
            "rss_peak_kb": 2048,
            "rss_import_kb": 1024,
            "load_before": 0.1,
            "load_after": 0.2,
        }
        for c in (3.0, 1.0, 2.0)
    ]
    clean = {"commit": FAKE_COMMIT, "tree_clean": True, "measured_changes": []}
    moved = {**clean, "commit": "f" * 40}
    machine = {"cpu": "x", "cores": 2, "load_at_start": (0.1, 0.2, 0.3)}
    content = recorded.headline_record(
        rows, machine=machine, git_before=clean, git_after=clean, measured="today"
    )
    assert content["tree_clean"] is True
    (summary,) = content["headline"]
    assert summary["cpu_s"] == 2.0 and summary["events"] == 15 and summary["runs"] == 3
    assert summary["us_per_event"] == pytest.approx(2e6 / 15)
    content = recorded.headline_record(
        rows, machine=machine, git_before=clean, git_after=moved, measured="today"
    )
    assert content["tree_clean"] is False and content["commit_moved_during_runs"] is True
