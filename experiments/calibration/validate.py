"""``carepath validate``: the baseline against published figures, with replications.

Runs the default scenario (in_house preset, with the calibrated values) ``replications`` times
and compares each target's replication mean and 95% interval with the published figure scaled to
the council. Fit targets and stationarity conditions decide the verdict; out-of-sample checks are
reported as they come out, in a table of their own.
"""

from __future__ import annotations

import math
import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pandas as pd
from carepath.experiments.calibration import TARGETS_FILE, CalibrationError, load
from carepath.experiments.calibration.balance import CONDITIONS, Row, unflatten
from carepath.experiments.calibration.fit import replication_tasks, run_tasks, score, sha256
from carepath.experiments.calibration.model import WINDOW_DAYS
from carepath.sim.measure.reporters import LONG_TERM_CLIENT_SERIES
from carepath.sim.tomlfile import read_toml

REPORT_FILE = Path("docs") / "validation.md"
SERIES = (
    "waiting_for_assessment",
    "reviews_waiting",
    *LONG_TERM_CLIENT_SERIES,
    "delayed_discharges",
)
SECTIONS = (
    ("fit", "Fit targets (used by `carepath calibrate`)"),
    ("stationarity", "Stationarity (used by `carepath calibrate`)"),
    ("check", "Out-of-sample checks (not fitted)"),
)


@dataclass
class Validation:
    """What ``validate`` found."""

    rows: list[Row]
    series: pd.DataFrame
    scenario: dict[str, Any]
    replications: int
    years: float
    seed: int
    warmup: int
    failed_runs: list[str]
    seconds: float
    calibrated: dict[str, Any]
    targets_file: Path
    overrides: dict[str, Any]

    @property
    def passed(self) -> bool:
        """True when every fit target and stationarity condition is within tolerance."""
        return not self.failed_runs and all(r.within for r in self.rows if r.kind != "check")

    def section(self, kind: str) -> list[Row]:
        """The rows of one kind: fit, stationarity or check."""
        return [r for r in self.rows if r.kind == kind]


def validate(
    *,
    replications: int = 10,
    years: float = 5.0,
    seed: int = 2,
    workers: int | None = None,
    scheduler: str | None = None,
    targets_file: str | Path | None = None,
    overrides: Mapping[str, Any] | None = None,
) -> Validation:
    """Run the baseline with replications and score it against the targets.

    Args:
        replications: runs, with replication seeds ``SeedSequence(seed).spawn``.
        years: simulated years of each run (warm-up: the scenario's default).
        seed: root seed of the replications (calibration's default is 1, so the default 2 gives
            validation random numbers the fit never saw).
        workers: local processes (1: in this process).
        scheduler: a Dask scheduler address instead of local processes.
        targets_file: the targets (default: ``targets.toml`` of this package).
        overrides: dotted scenario paths and values applied on top of the baseline.

    Raises:
        CalibrationError: for an impossible setting or targets file.
        ScenarioError: for an invalid override.
    """
    from carepath.sim.scenario import CALIBRATED_FILE, build_scenario

    problems = []
    if replications < 1:
        problems.append(f"--replications: must be at least 1 (got {replications})")
    if not 0 < years <= 50:
        problems.append(f"--years: must be above 0 and at most 50 (got {years:g})")
    if problems:
        raise CalibrationError("\n".join(problems))
    targets_path = Path(targets_file) if targets_file else TARGETS_FILE
    targets = list(load(targets_path).targets)
    extra = dict(overrides or {})
    scenario = build_scenario(preset="in_house", overrides={**extra, "run.years": years})
    data = scenario.model_dump(mode="json")
    adults = float(sum(scenario.population.band_sizes()))

    started = time.monotonic()
    tasks = replication_tasks(
        data, arm=0, label="baseline", replications=replications, seed=seed, timeseries=SERIES
    )
    outcomes = sorted(run_tasks(tasks, workers, scheduler), key=lambda o: o.row["replication"])
    ok = [o for o in outcomes if o.ok]
    failed = [f"replication {o.row['replication']}: {o.row['error']}" for o in outcomes if not o.ok]
    rows = score([unflatten(o.row) for o in ok], targets, adults) if ok else []
    kept = [o.series for o in ok if o.series is not None]
    series = pd.concat(kept, ignore_index=True) if kept else pd.DataFrame(columns=["day", *SERIES])
    return Validation(
        rows=rows,
        series=series,
        scenario=data,
        replications=replications,
        years=years,
        seed=seed,
        warmup=scenario.run.warmup,
        failed_runs=failed,
        seconds=time.monotonic() - started,
        calibrated=_calibrated_record(CALIBRATED_FILE),
        targets_file=targets_path,
        overrides=extra,
    )


def _calibrated_record(path: Path) -> dict[str, Any]:
    # The report only describes the file; a missing or unreadable one leaves nothing to describe.
    try:
        raw = read_toml(path, what="calibrated", error=CalibrationError)
    except CalibrationError:
        return {}
    return {"path": path, **raw}


# -- formatting -------------------------------------------------------------------------------
def fmt(value: float) -> str:
    """A number with as many digits as its size needs."""
    if value is None or not math.isfinite(value):
        return "n/a"
    size = abs(value)
    if size >= 1000:
        return f"{value:,.0f}"
    if size >= 100:
        return f"{value:.1f}"
    if size >= 1:
        return f"{value:.2f}"
    return f"{value:.3f}"


def interval(row: Row) -> str:
    """``mean [low, high]`` of a row."""
    if not math.isfinite(row.ci_low):
        return fmt(row.mean)
    return f"{fmt(row.mean)} [{fmt(row.ci_low)}, {fmt(row.ci_high)}]"


def tolerance(row: Row) -> str:
    """The accepted interval of a row."""
    return f"{fmt(row.low)} to {fmt(row.high)}"


def verdict(row: Row) -> str:
    """``yes`` or ``NO``."""
    return "yes" if row.within else "NO"


# -- the report -------------------------------------------------------------------------------
def write_report(result: Validation, path: str | Path = REPORT_FILE) -> Path:
    """Write the validation report (Markdown) and its charts (PNG, in a folder beside it)."""
    from carepath.experiments.store import environment, write_atomic

    path = Path(path)
    charts = path.with_suffix("")
    charts.mkdir(parents=True, exist_ok=True)
    pictures = [
        targets_chart(result.rows, charts / "targets.png"),
        queues_chart(result, charts / "queues.png"),
    ]
    git = environment().get("git") or {}
    from carepath.sim.scenario import CALIBRATED_FILE

    fitted = (
        "calibrated values from `sim/calibrated.toml`"
        if CALIBRATED_FILE.exists()
        else "no calibrated values: `sim/calibrated.toml` is absent, so schema defaults"
    )
    lines = [
        "# Validation: the baseline against published England figures",
        "",
        f"Generated by `carepath validate` on {_now()} (git commit "
        f"`{git.get('commit', 'unknown')[:12]}`{', with local changes' if git.get('dirty') else ''})"
        ". Do not edit by hand: run `carepath validate` again.",
        "",
        f"The default scenario (a council of {result.scenario['population']['total']:,} people, "
        f"in_house preset, {fitted}) was run "
        f"{result.replications} times for {result.years:g} years (replication seeds "
        f"`SeedSequence({result.seed}).spawn`, warm-up {result.warmup} days, KPIs measured after "
        f"it) in {result.seconds:.0f} s. Each published figure is scaled to the council "
        "(`experiments/calibration/targets.toml` says how, with its source and tolerance). "
        "*Simulated* is the mean over replications with its 95% t-interval; a target is *within* "
        "when the mean lies inside its tolerance.",
        "",
    ]
    if result.overrides:
        changed = ", ".join(f"`{k} = {v}`" for k, v in result.overrides.items())
        lines += [f"Overrides on the baseline: {changed}.", ""]
    lines += [f"**Verdict: {_verdict_text(result)}**", ""]
    for kind, title in SECTIONS:
        rows = result.section(kind)
        if not rows:
            continue
        lines += [f"## {title}", "", *_markdown_table(rows), ""]
        if kind == "stationarity":
            lines += [_stationarity_text(), "", _levels_text(result), ""]
        misses = [r for r in rows if not r.within]
        if kind == "check" and misses:
            lines += ["Checks outside their tolerance, and what the targets file says of them:", ""]
            lines += [f"- `{r.name}`: {r.note or '(no note in the targets file)'}" for r in misses]
            lines += [""]
    if result.failed_runs:
        lines += ["## Failed runs", "", *[f"- {f}" for f in result.failed_runs], ""]
    lines += _calibration_section(result)
    lines += ["## Sources", ""]
    lines += [f"- `{r.name}`: {r.source}." for r in result.rows if r.kind != "stationarity"]
    lines += [""]
    lines += ["## Charts", ""]
    for picture in pictures:
        lines += [f"![{picture.stem}]({charts.name}/{picture.name})", ""]
    lines += [
        "`targets.png`: each target's error in tolerance half-widths (the mean's distance from "
        "the published figure divided by the tolerance); inside the shaded band is within. "
        "`queues.png`: people waiting for an assessment, reviews waiting, and long-term clients, "
        "mean over replications with a 95% band; the dashed line ends the warm-up and the shaded "
        "windows are the ones the stationarity conditions compare.",
        "",
        f"Targets file: `{_relative(result.targets_file)}` ({sha256(result.targets_file)}).",
        "",
    ]
    write_atomic(path, "\n".join(lines).encode("utf-8"))
    return path


def _verdict_text(result: Validation) -> str:
    fit = result.section("fit")
    stationary = result.section("stationarity")
    checks = result.section("check")
    parts = [
        f"{sum(r.within for r in fit)} of {len(fit)} fit targets within tolerance",
        f"{sum(r.within for r in stationary)} of {len(stationary)} stationarity conditions met",
        f"{sum(r.within for r in checks)} of {len(checks)} out-of-sample checks within tolerance",
    ]
    if result.failed_runs:
        parts.append(f"{len(result.failed_runs)} runs failed")
    return ("pass" if result.passed else "FAIL") + " — " + "; ".join(parts) + "."


def _markdown_table(rows: Sequence[Row]) -> list[str]:
    expected = "expected" if rows and rows[0].kind == "stationarity" else "published (scaled)"
    lines = [
        f"| target | what | {expected} | simulated mean [95% CI] | tolerance | within |",
        "| --- | --- | ---: | ---: | ---: | :---: |",
    ]
    for r in rows:
        lines.append(
            f"| `{r.name}` | {r.unit.replace('|', '/')} | {fmt(r.expected)} | {interval(r)} | "
            f"{tolerance(r)} | {verdict(r)} |"
        )
    return lines


def _stationarity_text() -> str:
    parts = [f"`{c.name}`: {c.description}" for c in CONDITIONS]
    return (
        "The team must keep up with its work, or the KPIs depend on the run length. Trends "
        "compare the mean of the last window after warm-up with the mean of the first "
        f"(windows of {WINDOW_DAYS:.0f} days, or half the measured period of a shorter run); "
        "their tolerance is 10 or 20% of the first window's mean, whichever is larger. "
        + " ".join(parts)
    )


def _levels_text(result: Validation) -> str:
    """The queue levels the trends are about: a flat empty queue is stationary too."""
    series = result.series
    if series.empty:
        return ""
    end = result.years * 365.0
    window = min(WINDOW_DAYS, (end - result.warmup) / 2.0)
    last = series[series["day"] > end - window]
    waiting = float(last["waiting_for_assessment"].mean())
    reviews = float(last["reviews_waiting"].mean())
    text = (
        f"Levels in the last window (mean over replications and days): {fmt(waiting)} people "
        f"waiting for an assessment, {fmt(reviews)} reviews waiting."
    )
    if waiting < 1.0:
        text += (
            " Nobody waits: the team has more capacity than the work needs. The conditions "
            "only ask that queues do not trend, and no fit target measures waiting, so the "
            "fit does not pin the team's capacity down; English councils do report waiting "
            "lists, so read waits and their sensitivity to staffing with care."
        )
    return text


def _calibration_section(result: Validation) -> list[str]:
    record = result.calibrated
    if not record:
        return [
            "## Calibrated values",
            "",
            "No `sim/calibrated.toml`: the baseline ran on the schema defaults.",
            "",
        ]
    prov = record.get("provenance", {})
    lines = [
        "## Calibrated values",
        "",
        f"From `sim/calibrated.toml`, written {prov.get('date', '?')} by `carepath calibrate` at "
        f"commit `{str(prov.get('git_commit', '?'))[:12]}`: {prov.get('optimiser', '?')}, "
        f"{prov.get('trials', '?')} trials of {prov.get('replications', '?')} replications × "
        f"{prov.get('years', '?')} years (seed {prov.get('seed', '?')}); loss "
        f"{fmt(prov.get('best_loss', math.nan))} (schema defaults: "
        f"{fmt(prov.get('default_loss', math.nan))}).",
        "",
        "| parameter | schema default | fitted | bounds |",
        "| --- | ---: | ---: | ---: |",
    ]
    for p in prov.get("parameter", []):
        lines.append(
            f"| `{p['path']}` | {p['default']:g} | {p['value']:g} | {p['low']:g} to {p['high']:g} |"
        )
    targets_sum = prov.get("targets_sha256")
    if targets_sum and targets_sum != sha256(result.targets_file):
        changed = _changed_fit_targets(result.rows, prov.get("fit", []))
        note = (
            "its fit targets differ: " + ", ".join(f"`{n}`" for n in changed)
            if changed
            else "though not its fit targets (only checks, inputs or notes)"
        )
        lines += ["", f"Note: the targets file has changed since calibration, {note}."]
    return [*lines, ""]


def _changed_fit_targets(rows: Sequence[Row], fitted: Sequence[dict]) -> list[str]:
    """Names of fit targets added, removed or moved since the calibration.

    Conditions are left out: their tolerance follows the queue level of each run.
    """
    now = {r.name: (r.expected, r.low, r.high) for r in rows if r.kind == "fit"}
    then = {
        f["name"]: (f["expected"], f["low"], f["high"]) for f in fitted if f.get("kind") == "fit"
    }
    return sorted(
        name
        for name in now.keys() | then.keys()
        if name not in now
        or name not in then
        or not all(
            math.isclose(a, b, rel_tol=1e-9) for a, b in zip(now[name], then[name], strict=True)
        )
    )


def _relative(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


# -- charts -----------------------------------------------------------------------------------
_COLOURS = {"fit": "#1f5f8b", "stationarity": "#7a4f9a", "check": "#c46a1b"}


def targets_chart(rows: Sequence[Row], path: Path) -> Path:
    """Each row's error in tolerance half-widths with its 95% interval; the band is within."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    ordered = [r for kind, _ in SECTIONS for r in rows if r.kind == kind]
    fig, ax = plt.subplots(figsize=(8.5, 0.34 * len(ordered) + 1.4))
    ax.axvspan(-1, 1, color="#d9ead3", zorder=0)
    ax.axvline(0, color="grey", linewidth=0.8)
    limit = 4.0
    for y, row in enumerate(reversed(ordered)):
        half = row.half_width
        centre = _clip(row.error, limit)
        low = _clip((row.ci_low - row.expected) / half, limit)
        high = _clip((row.ci_high - row.expected) / half, limit)
        colour = _COLOURS[row.kind]
        if math.isfinite(low) and math.isfinite(high):
            ax.plot([low, high], [y, y], color=colour, linewidth=1.5)
        ax.plot(centre, y, "o" if row.within else "X", color=colour, markersize=6)
    ax.set_yticks(range(len(ordered)), [r.name for r in reversed(ordered)], fontsize=8)
    ax.set_xlim(-limit - 0.3, limit + 0.3)
    ax.set_xlabel("(simulated - published) / tolerance half-width; clipped at ±4")
    handles = [
        plt.Line2D([], [], color=c, marker="o", linestyle="", label=k) for k, c in _COLOURS.items()
    ]
    ax.legend(handles=handles, fontsize=8, loc="lower right")
    ax.set_title("Targets: mean and 95% interval over replications (shaded: within)", fontsize=10)
    ax.grid(axis="x", alpha=0.3)
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path


def _clip(value: float, limit: float) -> float:
    return max(-limit, min(limit, value)) if math.isfinite(value) else math.nan


def queues_chart(result: Validation, path: Path) -> Path:
    """People waiting for assessment, reviews waiting and long-term clients over time."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from carepath.experiments.charts import daily_band

    series = result.series.copy()
    series["long_term_clients"] = series[list(LONG_TERM_CLIENT_SERIES)].sum(axis=1)
    names = ("waiting_for_assessment", "reviews_waiting", "long_term_clients")
    fig, axes = plt.subplots(1, len(names), figsize=(14, 3.8))
    end = result.years * 365.0
    window = min(WINDOW_DAYS, (end - result.warmup) / 2.0)
    for ax, name in zip(axes, names, strict=True):
        years, mean, half = daily_band(series, name)
        ax.plot(years, mean.to_numpy(), color="#1f5f8b", linewidth=1.2)
        ax.fill_between(years, mean - half, mean + half, color="#1f5f8b", alpha=0.2, linewidth=0)
        ax.axvline(result.warmup / 365.0, color="grey", linestyle="--", linewidth=0.8)
        ax.axvspan(result.warmup / 365.0, (result.warmup + window) / 365.0, color="grey", alpha=0.1)
        ax.axvspan((end - window) / 365.0, end / 365.0, color="grey", alpha=0.1)
        ax.set_title(name.replace("_", " "), fontsize=10)
        ax.set_xlabel("simulated years")
        ax.set_ylim(bottom=0)
        ax.grid(alpha=0.3)
    fig.suptitle(
        f"Baseline, {result.replications} replications: mean and 95% band "
        "(dashed: end of warm-up; shaded: compared windows)",
        fontsize=10,
    )
    fig.tight_layout()
    fig.savefig(path, dpi=110)
    plt.close(fig)
    return path
