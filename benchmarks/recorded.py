"""The recorded headline and today's figures beside it, with a check that it is not stale.

``benchmarks/results/headline.json`` holds the headline figures that ``RESULTS.md`` reports,
written by ``python -m benchmarks --record``: for each population and run length, the median
CPU seconds, events, CPU microseconds per event and peak memory of repeated runs of the real
model, with the git commit they were measured at (and whether the tree was clean), the date,
the machine and the load average of every run.

Every headline run of the suite (``--quick`` included) is set beside the recorded figures of
the same population and length, with their ratio. The recorded figures go stale when the model
changes, so the comparison also asks git whether ``sim/`` differs from the recorded commit
(``git diff --quiet <commit> -- sim``, working tree included) and says so plainly: then a ratio
far from 1 may be the model, not the machine. A changed event count says the same thing
without git: same seed, same scenario, same model, same events.
"""

from __future__ import annotations

import json
import math
import statistics
import subprocess
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parent.parent
HEADLINE_FILE = REPO / "benchmarks" / "results" / "headline.json"
SCHEMA = 1
# What a benchmark measures: the model and the benchmark code (not the results it writes).
MEASURED_PATHS = ("sim", "benchmarks", ":(exclude)benchmarks/results")

Git = Callable[[list[str]], subprocess.CompletedProcess[str]]


def run_git(args: list[str]) -> subprocess.CompletedProcess[str]:
    """Run ``git ARGS`` in the repository; never raises for a failing command."""
    try:
        return subprocess.run(["git", *args], cwd=REPO, capture_output=True, text=True, check=False)
    except OSError as error:  # no git on this machine: treated like a failing command
        return subprocess.CompletedProcess(["git", *args], 127, "", str(error))


def git_state(git: Git | None = None) -> dict[str, Any]:
    """The commit checked out and what differs from it.

    Args:
        git: runs one git command (default ``run_git``; replaceable in tests).

    Returns:
        ``commit`` (None outside a git checkout), ``tree_clean`` (no change anywhere, untracked
        files included) and ``measured_changes``: the changed paths under ``sim/`` and
        ``benchmarks/`` (results excluded), which are what a measurement depends on.
    """
    git = git or run_git  # looked up at call time, so that tests can replace it
    head = git(["rev-parse", "HEAD"])
    if head.returncode != 0:
        return {"commit": None, "tree_clean": None, "measured_changes": None}
    everything = git(["status", "--porcelain"])
    measured = git(["status", "--porcelain", "--", *MEASURED_PATHS])
    return {
        "commit": head.stdout.strip(),
        "tree_clean": everything.returncode == 0 and not everything.stdout.strip(),
        "measured_changes": [line[3:] for line in measured.stdout.splitlines() if line.strip()],
    }


def sim_changed_since(commit: str, git: Git | None = None) -> bool | None:
    """Whether ``sim/`` today (working tree included) differs from ``sim/`` at ``commit``.

    Returns:
        True or False, or None when git cannot tell (no git, or a commit this clone lacks).
    """
    git = git or run_git
    done = git(["diff", "--quiet", commit, "--", "sim"])
    # git diff --quiet: 0 the same, 1 different, anything else an error (e.g. unknown commit)
    return {0: False, 1: True}.get(done.returncode)


# -- summarising runs --------------------------------------------------------------------------
def events(row: dict[str, Any]) -> int:
    """Events of one run of the real model: pathway transitions plus timers fired."""
    return int(row["transitions"] + row.get("timers_fired", 0))


def summarise(rows: Iterable[dict[str, Any]]) -> list[dict[str, Any]]:
    """Medians of repeated runs of the real model, one entry per population and run length."""
    groups: dict[tuple[int, float], list[dict[str, Any]]] = {}
    for row in rows:
        groups.setdefault((int(row["population"]), float(row["years"])), []).append(row)
    out = []
    for (population, years), runs in sorted(groups.items()):
        cpu = [r["cpu_s"] for r in runs]
        counted = [events(r) for r in runs]
        out.append(
            {
                "population": population,
                "years": years,
                "runs": len(runs),
                "cpu_s": statistics.median(cpu),
                "cpu_s_each": [round(c, 3) for c in cpu],
                "wall_s": statistics.median(r["wall_s"] for r in runs),
                "events": int(statistics.median(counted)),
                "events_each": counted,
                "us_per_event": statistics.median(
                    1e6 * r["cpu_s"] / e for r, e in zip(runs, counted, strict=True)
                ),
                "peak_mb": statistics.median(r["rss_peak_kb"] / 1024 for r in runs),
                "added_mb": statistics.median(
                    (r["rss_peak_kb"] - r["rss_import_kb"]) / 1024 for r in runs
                ),
                # the one-minute load average before and after each run
                "load_each": [
                    [round(r["load_before"], 2), round(r["load_after"], 2)] for r in runs
                ],
            }
        )
    return out


def headline_record(
    rows: list[dict[str, Any]],
    *,
    machine: dict[str, Any],
    git_before: dict[str, Any],
    git_after: dict[str, Any],
    measured: str,
) -> dict[str, Any]:
    """The content of ``headline.json`` for the runs ``rows``.

    The tree counts as clean only if it was clean both before and after the runs and the commit
    did not move in between (others commit in the same tree).
    """
    same_commit = git_before.get("commit") == git_after.get("commit")
    return {
        "schema": SCHEMA,
        "measured": measured,
        "commit": git_before.get("commit"),
        "commit_moved_during_runs": not same_commit,
        "tree_clean": bool(git_before.get("tree_clean") and git_after.get("tree_clean"))
        and same_commit,
        "measured_changes": sorted(
            set(git_before.get("measured_changes") or [])
            | set(git_after.get("measured_changes") or [])
        ),
        "scenario": "default council scaled to the population (benchmarks/scaling.py), seed 1",
        "machine": {
            key: machine.get(key)
            for key in ("cpu", "cores", "memory_gb", "python", "platform", "packages")
        },
        "load_at_start": list(machine.get("load_at_start") or []),
        "load_at_end": list(machine.get("load_at_end") or []),
        "headline": summarise(rows),
    }


def load_recorded(path: Path = HEADLINE_FILE) -> dict[str, Any] | None:
    """The recorded headline, or None if the file is missing."""
    try:
        return json.loads(path.read_text())
    except FileNotFoundError:
        return None


# -- today against the record --------------------------------------------------------------------
def _ratio(today: float, recorded: float) -> float:
    return today / recorded if recorded else math.nan


def against_recorded(
    rows: list[dict[str, Any]],
    recorded: dict[str, Any] | None,
    *,
    machine: dict[str, Any] | None = None,
    git: Git | None = None,
) -> dict[str, Any]:
    """Today's headline runs beside the recorded ones of the same population and length.

    Args:
        rows: today's runs of the real model (``benchmarks.runner`` output).
        recorded: the content of ``headline.json`` (None: nothing recorded).
        machine: today's machine (``harness.machine_info()``), to say if it is another one.
        git: runs one git command (default ``run_git``; replaceable in tests).

    Returns:
        ``rows`` (today's medians, the recorded ones and ratios today / recorded), ``unmatched``
        (today's sizes with nothing recorded), ``sim_changed`` (True, False or None) and
        ``notes``: plain sentences on staleness and comparability.
    """
    if recorded is None:
        return {
            "rows": [],
            "unmatched": [],
            "sim_changed": None,
            "notes": [f"No recorded headline ({HEADLINE_FILE.name}): nothing to compare with."],
        }
    by_size = {(int(r["population"]), float(r["years"])): r for r in recorded["headline"]}
    table, unmatched = [], []
    for today in summarise(rows):
        old = by_size.get((today["population"], today["years"]))
        if old is None:
            unmatched.append((today["population"], today["years"]))
            continue
        table.append(
            {
                "population": today["population"],
                "years": today["years"],
                "runs": today["runs"],
                "cpu_s": today["cpu_s"],
                "recorded_cpu_s": old["cpu_s"],
                "cpu_ratio": _ratio(today["cpu_s"], old["cpu_s"]),
                "events": today["events"],
                "recorded_events": old["events"],
                "events_ratio": _ratio(today["events"], old["events"]),
                "us_per_event": today["us_per_event"],
                "recorded_us_per_event": old["us_per_event"],
                "us_per_event_ratio": _ratio(today["us_per_event"], old["us_per_event"]),
                "peak_mb": today["peak_mb"],
                "recorded_peak_mb": old["peak_mb"],
                "peak_ratio": _ratio(today["peak_mb"], old["peak_mb"]),
                "load": max(max(pair) for pair in today["load_each"]),
                "recorded_load": max(max(pair) for pair in old["load_each"]),
            }
        )
    commit = recorded.get("commit")
    changed = sim_changed_since(commit, git) if commit else None
    return {
        "rows": table,
        "unmatched": unmatched,
        "commit": commit,
        "measured": recorded.get("measured"),
        "sim_changed": changed,
        "notes": _notes(recorded, changed, table, machine),
    }


def _notes(
    recorded: dict[str, Any],
    changed: bool | None,
    table: list[dict[str, Any]],
    machine: dict[str, Any] | None,
) -> list[str]:
    commit = recorded.get("commit")
    short = commit[:7] if commit else "an unknown commit"
    notes = []
    if changed is True:
        notes.append(
            f"STALE: the recorded figures were measured at {short}, and sim/ has changed since "
            f"(git diff --quiet {short} -- sim). A ratio far from 1 may be the model, not the "
            "machine: re-record with `python -m benchmarks --only record` and update RESULTS.md."
        )
    elif changed is False:
        notes.append(
            f"sim/ is unchanged since {short}, where the recorded figures were measured: a ratio "
            "far from 1 is the machine, its load or the benchmark code."
        )
    else:
        notes.append(
            f"Cannot tell whether sim/ changed since {short} (no git, or a commit this clone "
            "lacks): the recorded figures may be stale."
        )
    if not recorded.get("tree_clean", False):
        notes.append(
            "The recorded figures were measured on a tree with uncommitted changes"
            + (
                f" (in {', '.join(recorded['measured_changes'])})"
                if recorded.get("measured_changes")
                else " (none in sim/ or benchmarks/)"
            )
            + "."
        )
    if any(row["events"] != row["recorded_events"] for row in table):
        notes.append(
            "The event counts differ from the recorded ones: the same scenario and seed no "
            "longer do the same work, so the model (or the scenario's defaults) has changed."
        )
    elif table and changed is not False:
        # A change to sim/ that leaves every event in place (a comment, a validation rule) may
        # not matter for speed; say so rather than cry wolf, but keep the warning above.
        notes.append(
            "The event counts equal the recorded ones: the model still does the same work, so "
            "a change in sim/ since then may not matter for speed."
        )
    old_machine = recorded.get("machine") or {}
    if machine is not None and (
        machine.get("cpu") != old_machine.get("cpu")
        or machine.get("cores") != old_machine.get("cores")
    ):
        notes.append(
            f"Another machine: recorded on {old_machine.get('cpu')} with "
            f"{old_machine.get('cores')} cores, today {machine.get('cpu')} with "
            f"{machine.get('cores')}."
        )
    return notes


def format_against_recorded(compared: dict[str, Any]) -> str:
    """Markdown: the comparison table and its notes."""
    lines = []
    if compared["rows"]:
        lines.append(
            f"Recorded at {(compared.get('commit') or 'unknown')[:7]} on "
            f"{compared.get('measured')} (medians; ratio = today / recorded; load = highest "
            "one-minute load average seen around the runs):"
        )
        lines += [
            "",
            "| population | years | runs today | CPU s today | recorded | ratio "
            "| events today | recorded | us/event today | recorded | ratio "
            "| peak MB today | recorded | ratio | load today | recorded |",
            "| " + " | ".join(["---"] * 16) + " |",
        ]
        for r in compared["rows"]:
            lines.append(
                f"| {r['population']:,} | {r['years']:g} | {r['runs']} "
                f"| {r['cpu_s']:.2f} | {r['recorded_cpu_s']:.2f} | {r['cpu_ratio']:.2f} "
                f"| {r['events']:,} | {r['recorded_events']:,} "
                f"| {r['us_per_event']:.1f} | {r['recorded_us_per_event']:.1f} "
                f"| {r['us_per_event_ratio']:.2f} "
                f"| {r['peak_mb']:.0f} | {r['recorded_peak_mb']:.0f} | {r['peak_ratio']:.2f} "
                f"| {r['load']:.1f} | {r['recorded_load']:.1f} |"
            )
        lines.append("")
    for population, years in compared["unmatched"]:
        lines.append(f"Nothing recorded for {population:,} people x {years:g} years.")
    lines += [f"- {note}" for note in compared["notes"]]
    return "\n".join(lines)
