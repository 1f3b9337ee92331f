"""``carepath report``: a Markdown report with intervals, paired differences and charts."""

from __future__ import annotations

import math
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pandas as pd
from carepath.experiments.analysis import (
    arm_table,
    kpi_columns,
    replications_needed,
    t_interval,
    warmup_table,
)
from carepath.experiments.sensitivity import SensitivityError, indices
from carepath.experiments.spec import parse_experiment
from carepath.experiments.store import read_manifest, read_runs, read_timeseries, write_atomic
from carepath.sim.measure import kpis as catalogue

# Panels in the KPI charts: every headline KPI fits (six rows of three).
MAX_CHART_KPIS = 18


class ReportError(ValueError):
    """The report cannot be made (for example an unknown KPI or baseline)."""


def _interval(low: float, high: float, kpi: str, *, signed: bool = False) -> str:
    if not (math.isfinite(low) and math.isfinite(high)):
        return catalogue.DASH
    entry = catalogue.describe(kpi)
    return f"{entry.format(low, signed=signed)} to {entry.format(high, signed=signed)}"


def choose_kpis(runs: pd.DataFrame, factors: list[str], wanted: list[str] | None) -> list[str]:
    """The KPIs a report shows: those asked for, else the headline ones the runs have.

    Raises:
        ReportError: naming an unknown KPI and listing the known ones.
    """
    known = kpi_columns(runs, factors)
    if wanted:
        unknown = [k for k in wanted if k not in known]
        if unknown:
            raise ReportError(f"--kpis: unknown KPI {unknown[0]!r}; allowed: {', '.join(known)}")
        return list(wanted)
    return catalogue.headline(known) or known[:MAX_CHART_KPIS]


def build_report(
    folder: str | Path,
    *,
    kpis: list[str] | None = None,
    baseline: str | None = None,
    precision: float = 0.05,
    level: float = 0.95,
) -> Path:
    """Write ``report.md``, ``kpis_by_arm.csv``, ``runs.csv`` and ``charts/*.png`` into the folder.

    Args:
        folder: an experiment folder written by ``carepath sweep``.
        kpis: KPIs to report (default: the headline KPIs the experiment kept).
        baseline: arm label differences are taken from (default: the experiment's).
        precision: relative half-width the replication helper aims for (0.05 = ±5%).
        level: confidence level.

    Returns:
        The path of ``report.md``.

    Raises:
        StoreError, ReportError: for a folder that is not an experiment, an unknown KPI or arm.
    """
    from carepath.experiments import charts  # matplotlib loads only when a report is made

    folder = Path(folder)
    manifest = read_manifest(folder)
    experiment = parse_experiment(manifest["experiment"]["spec"])
    runs = read_runs(folder)
    factors = list(manifest["factor_types"])
    labels = {a["arm"]: a["label"] for a in manifest["arms"]}
    baseline = baseline or manifest["baseline"]
    if baseline not in labels.values():
        raise ReportError(f"--baseline: no arm {baseline!r}; allowed: {', '.join(labels.values())}")
    ok = runs[runs["status"] == "ok"]
    if ok.empty:
        raise ReportError(f"{folder}: no successful runs to report yet")
    chosen = choose_kpis(runs, factors, kpis)
    table = arm_table(runs, kpi_columns(runs, factors), baseline, level)
    sections = [_header(manifest, runs, baseline, level)]
    with tempfile.TemporaryDirectory(dir=folder, prefix=".report-") as staging:
        staged = Path(staging)
        pictures = []
        shown = chosen[:MAX_CHART_KPIS]
        pictures.append(charts.kpis_by_arm(table, shown, staged / "kpis_by_arm.png"))
        if len(labels) > 1:
            pictures.append(charts.kpis_by_arm(table, shown, staged / "differences.png", diff=True))
        sections.append(_results(table, chosen, baseline, level))
        sections.append(_charts_section(pictures))
        sections.append(_replications(ok, chosen, precision, level))
        series_section, series_pictures = _warmup(folder, manifest, labels, staged)
        sections.append(series_section)
        pictures += series_pictures
        if experiment.design.kind in ("morris", "sobol"):
            text, extra = _sensitivity(experiment, runs, chosen, staged)
            sections.append(text)
            pictures += extra
        sections.append(_failures(runs))
        sections.append(
            "## Reproduce\n\n"
            f"`carepath reproduce {folder}` re-runs every run from `manifest.json` and checks "
            "each result against its recorded checksum.\n"
        )
        (folder / "charts").mkdir(exist_ok=True)
        for picture in pictures:
            os.replace(picture, folder / "charts" / picture.name)
        # CSV for other tools (R, Stata, a spreadsheet); %.17g round-trips every float exactly.
        table.to_csv(staged / "kpis_by_arm.csv", index=False, float_format="%.17g")
        runs.to_csv(staged / "runs.csv", index=False, float_format="%.17g")
        for name in ("kpis_by_arm.csv", "runs.csv"):
            shutil.move(staged / name, folder / name)
    report = folder / "report.md"
    write_atomic(report, "\n".join(sections).encode())
    return report


def _header(manifest: dict[str, Any], runs: pd.DataFrame, baseline: str, level: float) -> str:
    exp = manifest["experiment"]
    spec = exp["spec"]
    scenario = manifest["arms"][0]["scenario"]["run"]
    statuses = runs["status"].value_counts().to_dict()
    env = manifest["environment"]
    git = env.get("git") or {}
    commit = (
        f"{git['commit'][:12]}{' (modified)' if git.get('dirty') else ''}"
        if git.get("commit")
        else "unknown (not run from a git checkout)"
    )
    lines = [
        f"# Experiment `{exp['name']}`",
        "",
        *([spec["description"], ""] if spec.get("description") else []),
        f"- Design: {spec['design']['kind']}, {len(manifest['arms'])} arms × "
        f"{manifest['replications']} replications = {manifest['runs_planned']} runs; "
        f"{statuses.get('ok', 0)} succeeded, {statuses.get('failed', 0)} failed, "
        f"{manifest['runs_planned'] - len(runs)} not run yet.",
        f"- Each run: {scenario['years']:g} simulated years; KPIs measured after "
        + (
            f"a {scenario['warmup_days']}-day warm-up."
            if scenario["warmup_days"] is not None
            else "the automatic warm-up (a quarter of the run, at most 365 days)."
        ),
        f"- Seeds: experiment seed {manifest['seed']}; {manifest['seeding']} "
        "(common random numbers: differences are paired by replication).",
        f"- Baseline arm: **{baseline}**. Intervals are {level:.0%} Student-t intervals "
        "over replications.",
        f"- Code: carepath {env['packages'].get('carepath', '?')}, commit {commit}, "
        f"Python {env['python']}, mesa {env['packages'].get('mesa', '?')}.",
        "",
    ]
    return "\n".join(lines)


def _results(table: pd.DataFrame, kpis: list[str], baseline: str, level: float) -> str:
    out = ["## Results by arm", ""]
    out.append(
        f"Mean and {level:.0%} interval per arm; the difference from **{baseline}** pairs "
        "replications that share random numbers. Every KPI is in `kpis_by_arm.csv`, every run in "
        "`runs.csv`."
    )
    out.append(
        "Differences of a share are in percentage points (pp). Which way is better is the "
        "KPI catalogue's view (`carepath.sim.measure.kpis`)."
    )
    for kpi in kpis:
        entry = catalogue.describe(kpi)
        rows = table[table["kpi"] == kpi]
        out += ["", f"### {entry.title}", "", f"`{kpi}`: {entry.definition}{_direction(entry)}"]
        out += ["", "| arm | n | mean | 95% CI | Δ vs baseline | 95% CI of Δ |"]
        out.append("|---|---:|---:|---:|---:|---:|")
        for r in rows.itertuples():
            diff = "(baseline)" if r.arm_label == baseline else entry.format(r.diff, signed=True)
            out.append(
                f"| {r.arm_label} | {r.n} | {entry.format(r.mean)} "
                f"| {_interval(r.ci_low, r.ci_high, kpi)} | {diff} "
                f"| {_interval(r.diff_low, r.diff_high, kpi, signed=True)} |"
            )
    return "\n".join(out) + "\n"


def _direction(entry: catalogue.Kpi) -> str:
    if entry.better is catalogue.Better.NEITHER:
        return ""
    return f" {entry.better.capitalize()} is better."


def _charts_section(pictures: list[Path]) -> str:
    out = ["## Charts", ""]
    out += [f"![{p.stem.replace('_', ' ')}](charts/{p.name})" for p in pictures[:2]]
    return "\n\n".join(out) + "\n"


def _replications(ok: pd.DataFrame, kpis: list[str], precision: float, level: float) -> str:
    out = [
        "## How many replications?",
        "",
        f"Replications each arm needs for a {level:.0%} interval within ±{precision:.0%} of the "
        "mean, estimated from the spread seen so far (the widest arm decides).",
        "",
        "| KPI | replications now | widest half-width now | needed |",
        "|---|---:|---:|---:|",
    ]
    for kpi in kpis:
        needed, worst, now = [], 0.0, 0
        for _, frame in ok.groupby("arm"):
            values = frame[kpi].to_numpy(dtype=float)
            now = max(now, int(pd.notna(values).sum()))
            n = replications_needed(values, relative=precision, level=level)
            needed.append(n)
            mean, low, high = t_interval(values, level)
            if math.isfinite(low) and mean:
                worst = max(worst, (high - low) / 2 / abs(mean))
        shown = "–" if any(n is None for n in needed) or not needed else str(max(needed))
        out.append(f"| {catalogue.describe(kpi).label} | {now} | ±{worst:.1%} | {shown} |")
    out.append(
        "\nA relative precision means little for a KPI whose mean is near zero (a median wait "
        "of a day or two, say): judge those by the absolute half-width in the tables above."
    )
    return "\n".join(out) + "\n"


def _warmup(folder: Path, manifest: dict[str, Any], labels: dict[int, str], staged: Path):
    from carepath.experiments import charts

    series = read_timeseries(folder)
    out = ["## Warm-up (MSER-5)", ""]
    if series is None:
        out.append(
            "No time series were kept; list some in `[outputs] timeseries` to get a warm-up "
            "suggestion and charts with bands."
        )
        return "\n".join(out) + "\n", []
    names = [c for c in series.columns if c not in ("run_id", "arm", "replication", "day")]
    levels = [n for n in names if not n.endswith("_to_date")]
    configured = manifest["arms"][0]["scenario"]["run"]["warmup_days"]
    table = warmup_table(series, levels)
    pictures = [
        charts.series_bands(series, n, labels, staged / f"series_{n}.png", configured)
        for n in names
    ]
    if not table.empty:
        suggested = table["warmup_days"].max()
        out.append(
            f"MSER-5 on each arm's mean series suggests deleting the first **{suggested:.0f} "
            f"days** (the largest over arms and series); the experiment used {configured} days."
        )
        limit = float(series["day"].max()) / 2
        capped = sorted(set(table.loc[table["warmup_days"] >= limit * 0.95, "series"]))
        if capped:
            out.append(
                f"\nMSER-5 searches only the first half of a run; it reached that limit for "
                f"{', '.join(capped)}. Such a series has not settled: it is still trending, "
                "and KPIs built on it depend on the run length."
            )
        out += [
            "",
            "| series | largest over arms (days) | median over arms (days) |",
            "|---|---:|---:|",
        ]
        for name, frame in table.groupby("series", sort=False):
            out.append(
                f"| {name} | {frame['warmup_days'].max():.0f} | {frame['warmup_days'].median():.0f} |"
            )
    out += ["", *[f"![{p.stem}](charts/{p.name})" for p in pictures]]
    return "\n".join(out) + "\n", pictures


def _sensitivity(experiment, runs: pd.DataFrame, kpis: list[str], staged: Path):
    from carepath.experiments import charts

    targets = experiment.design.analyse or kpis
    out = [f"## Sensitivity ({experiment.design.kind})", ""]
    pictures = []
    for kpi in targets:
        try:
            frame = indices(experiment, runs, kpi)
        except SensitivityError as exc:
            out += [f"- {exc}", ""]
            continue
        heading = f"### {catalogue.describe(kpi).title} (`{kpi}`)"
        out += [heading, "", "| rank | " + " | ".join(frame.columns) + " |"]
        out.append("|---:|" + "---|" * len(frame.columns))
        for rank, row in enumerate(frame.itertuples(index=False), start=1):
            cells = [row[0], *(f"{v:.4g}" for v in row[1:])]
            out.append(f"| {rank} | " + " | ".join(str(c) for c in cells) + " |")
        picture = charts.sensitivity_bars(frame, kpi, staged / f"sensitivity_{kpi}.png")
        pictures.append(picture)
        out += ["", f"![sensitivity of {kpi}](charts/{picture.name})", ""]
    return "\n".join(out) + "\n", pictures


def _failures(runs: pd.DataFrame) -> str:
    failed = runs[runs["status"] != "ok"]
    if failed.empty:
        return "## Failed runs\n\nNone.\n"
    out = ["## Failed runs", "", "| run | arm | replication | error |", "|---:|---|---:|---|"]
    for r in failed.itertuples():
        out.append(f"| {r.run_id} | {r.arm_label} | {r.replication} | {r.error} |")
    out.append("\nRe-run them with `carepath sweep FILE --out DIR --retry-failed`.")
    return "\n".join(out) + "\n"
