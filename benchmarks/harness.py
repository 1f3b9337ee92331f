"""The benchmark suite: headline runs, side-by-side timing, KPI agreement, scaling, profiles.

Every measurement runs in a fresh child process (``benchmarks.runner``) with one thread, so
each has its own peak memory and none inherits another's heap. The machine is shared, so the
load average is recorded before and after every run, and ratios between implementations are
taken on CPU seconds, which another process on the other core disturbs far less than wall time.
"""

from __future__ import annotations

import json
import math
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

from benchmarks import recorded

REPO = Path(__file__).resolve().parent.parent
BIRMINGHAM = 1_100_000
DEFAULT_COUNCIL = 250_000
QUICK_YEARS = 1.0
# Repeats of each recorded headline run: the record is their median.
RECORD_REPS = 3
PACKAGES = ("mesa", "simpy", "numpy", "pandas", "pydantic", "pyinstrument", "matplotlib")


@dataclass
class Plan:
    """What one invocation of the suite measures."""

    headline_sizes: tuple[int, ...] = (DEFAULT_COUNCIL, BIRMINGHAM)
    years: float = 10.0
    reps: int = 2
    compare_sizes: tuple[int, ...] = (DEFAULT_COUNCIL, BIRMINGHAM)
    naive_runs: tuple[tuple[int, float], ...] = ((50_000, 1.0), (DEFAULT_COUNCIL, 0.25))
    kpi_population: int = 50_000
    kpi_years: float = 4.0
    kpi_reps: tuple[int, int, int] = (8, 8, 3)  # ours, SimPy, naive
    scaling_sizes: tuple[int, ...] = (50_000, 100_000, 250_000, 500_000, 1_100_000, 2_000_000)
    profile_runs: tuple[tuple[int, float], ...] = ((DEFAULT_COUNCIL, 10.0), (BIRMINGHAM, 10.0))
    # Forked runs (``benchmarks/forks.py``): population, forks timed, years after the change.
    fork_run: tuple[int, int, float] = (DEFAULT_COUNCIL, 6, 5.0)
    parts: tuple[str, ...] = ("headline", "compare", "kpis", "scaling", "fork")
    out: Path = field(default_factory=lambda: REPO / "benchmarks" / "results")

    @classmethod
    def quick(cls) -> Plan:
        """A few minutes: one year, small naive runs, few replications."""
        return cls(
            years=QUICK_YEARS,
            reps=1,
            naive_runs=((20_000, 0.5),),
            kpi_population=20_000,
            kpi_years=2.0,
            kpi_reps=(3, 3, 1),
            scaling_sizes=(25_000, 50_000, 100_000, 250_000),
            profile_runs=((DEFAULT_COUNCIL, 1.0),),
            fork_run=(50_000, 2, 1.0),
        )


# -- running children ---------------------------------------------------------------------------
def run_child(
    impl: str,
    population: int,
    years: float,
    *,
    scenario: str = "default",
    seed: int = 1,
    days: float | None = None,
) -> dict[str, Any]:
    """One measurement in a fresh Python process; returns what it printed."""
    args = [impl, str(population), str(years), "--scenario", scenario, "--seed", str(seed)]
    if days is not None:
        args += ["--days", str(days)]
    return run_module("benchmarks.runner", args)


def run_module(module: str, args: list[str]) -> dict[str, Any]:
    """``python -m MODULE ARGS`` in a fresh process on one core; the JSON it printed last."""
    cmd = [sys.executable, "-m", module, *args]
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join(filter(None, [str(REPO), os.environ.get("PYTHONPATH")])),
        # one core: no hidden threads in numerical libraries
        "OMP_NUM_THREADS": "1",
        "OPENBLAS_NUM_THREADS": "1",
        "MKL_NUM_THREADS": "1",
    }
    done = subprocess.run(cmd, capture_output=True, text=True, env=env, cwd=REPO, check=False)
    if done.returncode != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{done.stderr[-2000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def machine_info() -> dict[str, Any]:
    """CPU, cores, memory, Python and package versions."""
    cpu = "unknown"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    memory_gb = math.nan
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory_gb = int(line.split()[1]) / 1024**2
    except OSError:
        pass
    versions = {}
    for name in PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = None
    return {
        "cpu": cpu,
        "cores": os.cpu_count(),
        "memory_gb": round(memory_gb, 1),
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "load_at_start": os.getloadavg(),
        "started": time.strftime("%Y-%m-%d %H:%M:%S"),
    }


def _say(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# -- the parts of the suite -----------------------------------------------------------------------
def headline(plan: Plan) -> list[dict[str, Any]]:
    """The real model on the default scenario, scaled, for ``plan.years``: repeated runs."""
    rows = []
    for size in plan.headline_sizes:
        for rep in range(plan.reps):
            _say(f"headline: ours, {size:,} people, {plan.years:g} years (run {rep + 1})")
            rows.append(run_child("ours", size, plan.years))
    return rows


def record(plan: Plan) -> list[dict[str, Any]]:
    """The runs of ``headline.json``: each headline size at the plan's length and the quick one.

    The quick length is recorded too so that ``--quick`` has figures of its own to compare with.
    """
    rows = []
    reps = max(plan.reps, RECORD_REPS)
    for years in sorted({plan.years, QUICK_YEARS}):
        for size in plan.headline_sizes:
            for rep in range(reps):
                _say(f"record: ours, {size:,} people, {years:g} years (run {rep + 1} of {reps})")
                rows.append(run_child("ours", size, years))
    return rows


def compare(plan: Plan) -> dict[str, Any]:
    """Ours, SimPy and naive Mesa on the core-pathway scenario, timed side by side."""
    full: list[dict[str, Any]] = []
    for size in plan.compare_sizes:
        for impl in ("ours", "simpy"):
            _say(f"compare: {impl}, {size:,} people, {plan.years:g} years")
            full.append(run_child(impl, size, plan.years, scenario="core"))
    naive: list[dict[str, Any]] = []
    for size, years in plan.naive_runs:
        _say(f"compare: naive Mesa, {size:,} people, {years:g} years (timing sample)")
        naive.append(
            run_child("naive", size, max(years, plan.years), scenario="core", days=years * 365)
        )
    return {"runs": full, "naive_samples": naive}


def kpi_agreement(plan: Plan) -> list[dict[str, Any]]:
    """Replicated runs of the three implementations on one core-pathway scenario."""
    rows = []
    for impl, reps in zip(("ours", "simpy", "naive"), plan.kpi_reps, strict=True):
        for seed in range(1, reps + 1):
            _say(f"kpis: {impl}, {plan.kpi_population:,} people, seed {seed}")
            rows.append(
                run_child(impl, plan.kpi_population, plan.kpi_years, scenario="core", seed=seed)
            )
    return rows


def scaling(plan: Plan) -> list[dict[str, Any]]:
    """The real model's cost against population size (default scenario, scaled)."""
    rows = []
    for size in plan.scaling_sizes:
        _say(f"scaling: ours, {size:,} people, {plan.years:g} years")
        rows.append(run_child("ours", size, plan.years))
    return rows


def forks(plan: Plan) -> dict[str, Any]:
    """Runs forked from one warmed-up snapshot, as an appraisal makes them (``forks.py``)."""
    population, count, after = plan.fork_run
    _say(f"fork: {count} runs of {population:,} people, {after:g} years after a change")
    args = [str(population), "--forks", str(count), "--after-years", str(after)]
    return run_module("benchmarks.forks", args)


def profile(plan: Plan) -> list[Path]:
    """pyinstrument profiles of the real model, one text report per run."""
    written = []
    plan.out.mkdir(parents=True, exist_ok=True)
    for size, years in plan.profile_runs:
        target = plan.out / f"profile_{size}_{years:g}y.txt"
        _say(f"profile: ours, {size:,} people, {years:g} years -> {target.name}")
        script = (
            "from benchmarks.scaling import scale_scenario\n"
            "from sim import CarePathwayModel\n"
            f"CarePathwayModel(scenario=scale_scenario({size}, years={years}), rng=1).run()\n"
        )
        cmd = [sys.executable, "-m", "pyinstrument", "-r", "text", "--no-color"]
        cmd += ["-o", str(target), "-c", script]
        env = {**os.environ, "PYTHONPATH": str(REPO)}
        subprocess.run(cmd, check=True, env=env, cwd=REPO, capture_output=True)
        written.append(target)
    return written


# -- summaries --------------------------------------------------------------------------------------
def mean(values: Iterable[float]) -> float:
    """Mean of the finite values."""
    finite = [v for v in values if v is not None and math.isfinite(v)]
    return statistics.fmean(finite) if finite else math.nan


def naive_cost_per_resident_day(samples: list[dict[str, Any]]) -> float:
    """Naive Mesa CPU seconds per resident-day, from the largest timing sample."""
    biggest = max(samples, key=lambda r: r["agent_steps"])
    return biggest["cpu_s"] / biggest["agent_steps"]


def ratio_table(compared: dict[str, Any]) -> list[dict[str, Any]]:
    """Per size: CPU seconds of each implementation and our speed-up over the others."""
    runs = compared["runs"]
    per_step = naive_cost_per_resident_day(compared["naive_samples"])
    table = []
    for size in sorted({r["population"] for r in runs}):
        ours = next(r for r in runs if r["impl"] == "ours" and r["population"] == size)
        simpy = next(r for r in runs if r["impl"] == "simpy" and r["population"] == size)
        # adults are the naive model's agents: population x adult share x days
        adult_share = _adult_share()
        naive_cpu = per_step * size * adult_share * ours["days"]
        table.append(
            {
                "population": size,
                "years": ours["years"],
                "ours_cpu_s": ours["cpu_s"],
                "ours_wall_s": ours["wall_s"],
                "simpy_cpu_s": simpy["cpu_s"],
                "simpy_wall_s": simpy["wall_s"],
                "naive_cpu_s_extrapolated": naive_cpu,
                "speedup_vs_naive": naive_cpu / ours["cpu_s"],
                "speedup_vs_simpy": simpy["cpu_s"] / ours["cpu_s"],
                "ours_peak_mb": ours["rss_peak_kb"] / 1024,
                "simpy_peak_mb": simpy["rss_peak_kb"] / 1024,
            }
        )
    return table


def _adult_share() -> float:
    from carepath.sim.scenario import build_scenario

    return sum(build_scenario().population.age_shares.as_tuple())


KPI_NAMES = (
    "requests_per_year",
    "wait_median_days",
    "reablement_completed_per_year",
    "long_term_clients_mean",
    "wait_median_days_community",
    "assessments_started_per_year",
)


def kpi_table(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """Mean and standard error of each KPI per implementation, and the gap to ours in SEs."""
    by_impl: dict[str, list[dict[str, Any]]] = {}
    for row in rows:
        by_impl.setdefault(row["impl"], []).append(row["kpis"])
    table = []
    for name in KPI_NAMES:
        line: dict[str, Any] = {"kpi": name}
        stats = {}
        for impl, runs in by_impl.items():
            values = [r[name] for r in runs if r.get(name) is not None]
            m = mean(values)
            se = statistics.stdev(values) / math.sqrt(len(values)) if len(values) > 1 else math.nan
            stats[impl] = (m, se, len(values))
            line[f"{impl}_mean"] = m
            line[f"{impl}_se"] = se
        ours_m, ours_se, _ = stats.get("ours", (math.nan, math.nan, 0))
        for impl in ("simpy", "naive"):
            if impl not in stats:
                continue
            m, se, _n = stats[impl]
            spread = math.sqrt(_zero(ours_se) ** 2 + _zero(se) ** 2)
            line[f"{impl}_diff_pct"] = 100.0 * (m - ours_m) / ours_m if ours_m else math.nan
            line[f"{impl}_z"] = (m - ours_m) / spread if spread > 0 else math.nan
        table.append(line)
    return table


def _zero(value: float) -> float:
    return 0.0 if value is None or not math.isfinite(value) else value


def describe(row: dict[str, Any]) -> dict[str, Any]:
    """The headline figures of one run of the real model."""
    events = row["transitions"] + row.get("timers_fired", 0)
    return {
        "population": row["population"],
        "years": row["years"],
        "wall_s": row["wall_s"],
        "cpu_s": row["cpu_s"],
        "transitions": row["transitions"],
        "timers_fired": row.get("timers_fired", 0),
        "events_per_s": events / row["cpu_s"],
        "person_days_per_cpu_s": row["person_days"] / row["cpu_s"],
        "peak_mb": row["rss_peak_kb"] / 1024,
        "model_mb": (row["rss_peak_kb"] - row["rss_import_kb"]) / 1024,
        "collect_share": row.get("collect_s", 0.0) / row["wall_s"],
        "load": (row["load_before"], row["load_after"]),
    }


# -- writing -----------------------------------------------------------------------------------------
def write_scaling(rows: list[dict[str, Any]], out: Path) -> tuple[Path, Path | None]:
    """``scaling.csv`` and, if matplotlib is installed, ``scaling.png``."""
    described = [describe(r) for r in rows]
    csv = out / "scaling.csv"
    header = (
        "population,years,wall_s,cpu_s,transitions,timers_fired,events,events_per_cpu_s,"
        "person_days_per_cpu_s,peak_mb,model_mb,collect_share,load_before,load_after"
    )
    lines = [header]
    for d in described:
        events = d["transitions"] + d["timers_fired"]
        lines.append(
            f"{d['population']},{d['years']:g},{d['wall_s']:.3f},{d['cpu_s']:.3f},"
            f"{d['transitions']},{d['timers_fired']},{events},{d['events_per_s']:.0f},"
            f"{d['person_days_per_cpu_s']:.0f},{d['peak_mb']:.1f},{d['model_mb']:.1f},"
            f"{d['collect_share']:.4f},{d['load'][0]:.2f},{d['load'][1]:.2f}"
        )
    csv.write_text("\n".join(lines) + "\n")
    try:
        import matplotlib

        matplotlib.use("Agg")
        import matplotlib.pyplot as plt
    except ImportError:
        _say("matplotlib is not installed: scaling.png not drawn")
        return csv, None
    events = [d["transitions"] + d["timers_fired"] for d in described]
    cpu = [d["cpu_s"] for d in described]
    pops = [d["population"] / 1e6 for d in described]
    slope = sum(e * c for e, c in zip(events, cpu, strict=True)) / sum(e * e for e in events)
    fig, (left, right) = plt.subplots(1, 2, figsize=(11, 4.2))
    left.plot([e / 1e6 for e in events], cpu, "o", label="measured")
    top = max(events)
    left.plot(
        [0, top / 1e6], [0, slope * top], "-", label=f"{slope * 1e6:.1f} s per million events"
    )
    for d, e in zip(described, events, strict=True):
        left.annotate(f"{d['population'] / 1e6:g}M", (e / 1e6, d["cpu_s"]), fontsize=8)
    left.set_xlabel("events processed (millions: transitions + timers)")
    left.set_ylabel("CPU seconds")
    left.set_title(f"Run time against work ({described[0]['years']:g} simulated years)")
    left.legend()
    right.plot(pops, [d["peak_mb"] for d in described], "o-", label="peak RSS (process)")
    right.plot(pops, [d["model_mb"] for d in described], "s--", label="added by the run")
    right.set_xlabel("population (millions)")
    right.set_ylabel("MB")
    right.set_title("Peak memory against population")
    right.legend()
    fig.tight_layout()
    png = out / "scaling.png"
    fig.savefig(png, dpi=120)
    plt.close(fig)
    return csv, png


def _fmt(value: Any, digits: int = 1) -> str:
    if isinstance(value, float):
        if not math.isfinite(value):
            return "n/a"
        return f"{value:,.{digits}f}"
    if isinstance(value, int):
        return f"{value:,}"
    return str(value)


def markdown_table(rows: list[dict[str, Any]], columns: list[tuple[str, str, int]]) -> str:
    """A Markdown table of ``rows``: columns as (key, heading, decimals)."""
    head = "| " + " | ".join(h for _, h, _ in columns) + " |"
    rule = "| " + " | ".join("---" for _ in columns) + " |"
    body = ["| " + " | ".join(_fmt(row.get(k), d) for k, _, d in columns) + " |" for row in rows]
    return "\n".join([head, rule, *body])


def report(results: dict[str, Any]) -> str:
    """The suite's results as Markdown (also printed)."""
    parts = [f"# Benchmark results ({results['machine']['started']})", ""]
    m = results["machine"]
    parts += [
        f"Machine: {m['cpu']}, {m['cores']} cores, {m['memory_gb']} GB; Python {m['python']}; "
        + ", ".join(f"{k} {v}" for k, v in m["packages"].items() if v),
        f"Load average at start: {', '.join(f'{x:.2f}' for x in m['load_at_start'])}",
    ]
    if "git" in results:
        parts.append(_describe_git(results["git"]))
    parts.append("")
    if "against_recorded" in results:
        parts += [
            "## Today against the recorded headline (benchmarks/results/headline.json)",
            "",
            recorded.format_against_recorded(results["against_recorded"]),
            "",
        ]
    if "recorded_file" in results:
        parts += [f"Recorded the headline in {results['recorded_file']}.", ""]
    if "headline" in results:
        rows = [describe(r) for r in results["headline"]]
        for r in rows:
            r["load_text"] = f"{r['load'][0]:.1f}/{r['load'][1]:.1f}"
        parts += [
            "## Headline: the real model, default scenario scaled",
            "",
            markdown_table(
                rows,
                [
                    ("population", "population", 0),
                    ("years", "years", 0),
                    ("wall_s", "wall s", 1),
                    ("cpu_s", "CPU s", 1),
                    ("transitions", "transitions", 0),
                    ("timers_fired", "timers fired", 0),
                    ("events_per_s", "events / CPU s", 0),
                    ("person_days_per_cpu_s", "person-days / CPU s", 0),
                    ("peak_mb", "peak RSS MB", 0),
                    ("model_mb", "added MB", 0),
                    ("collect_share", "data collection share", 3),
                    ("load_text", "load before/after", 0),
                ],
            ),
            "",
        ]
    if "compare" in results:
        table = ratio_table(results["compare"])
        parts += [
            "## Side by side: core-pathway scenario (CPU seconds; naive Mesa extrapolated)",
            "",
            markdown_table(
                table,
                [
                    ("population", "population", 0),
                    ("years", "years", 0),
                    ("ours_cpu_s", "ours CPU s", 1),
                    ("simpy_cpu_s", "SimPy CPU s", 1),
                    ("naive_cpu_s_extrapolated", "naive Mesa CPU s (extrapolated)", 0),
                    ("speedup_vs_naive", "ours vs naive", 1),
                    ("speedup_vs_simpy", "ours vs SimPy", 2),
                    ("ours_wall_s", "ours wall s", 1),
                    ("simpy_wall_s", "SimPy wall s", 1),
                    ("ours_peak_mb", "ours peak MB", 0),
                    ("simpy_peak_mb", "SimPy peak MB", 0),
                ],
            ),
            "",
            "Naive Mesa timing samples (measured): "
            + "; ".join(
                f"{r['population']:,} people x {r['days']:g} days: {r['cpu_s']:.1f} CPU s, "
                f"{r['agent_steps']:,} agent-steps, "
                f"{1e6 * r['cpu_s'] / r['agent_steps']:.2f} us per agent-step"
                for r in results["compare"]["naive_samples"]
            ),
            "",
        ]
    if "kpis" in results:
        table = kpi_table(results["kpis"])
        n = {
            impl: sum(1 for r in results["kpis"] if r["impl"] == impl)
            for impl in ("ours", "simpy", "naive")
        }
        first = results["kpis"][0]
        parts += [
            f"## KPI agreement: core-pathway scenario, {first['population']:,} people, "
            f"{first['years']:g} years (replications: ours {n['ours']}, SimPy {n['simpy']}, "
            f"naive {n['naive']})",
            "",
            markdown_table(
                table,
                [
                    ("kpi", "KPI", 0),
                    ("ours_mean", "ours", 1),
                    ("ours_se", "± SE", 1),
                    ("simpy_mean", "SimPy", 1),
                    ("simpy_se", "± SE", 1),
                    ("simpy_diff_pct", "SimPy diff %", 1),
                    ("simpy_z", "SimPy diff / SE", 1),
                    ("naive_mean", "naive", 1),
                    ("naive_se", "± SE", 1),
                    ("naive_diff_pct", "naive diff %", 1),
                    ("naive_z", "naive diff / SE", 1),
                ],
            ),
            "",
        ]
    if "scaling" in results:
        rows = [describe(r) for r in results["scaling"]]
        for r in rows:
            r["events"] = r["transitions"] + r["timers_fired"]
            r["us_per_event"] = 1e6 * r["cpu_s"] / r["events"]
        parts += [
            "## Scaling: the real model, default scenario scaled",
            "",
            markdown_table(
                rows,
                [
                    ("population", "population", 0),
                    ("years", "years", 0),
                    ("cpu_s", "CPU s", 1),
                    ("wall_s", "wall s", 1),
                    ("events", "events", 0),
                    ("us_per_event", "CPU us per event", 1),
                    ("peak_mb", "peak RSS MB", 0),
                    ("collect_share", "data collection share", 3),
                ],
            ),
            "",
        ]
    if "fork" in results:
        f = results["fork"]
        parts += [
            "## Runs forked from a warmed-up snapshot",
            "",
            f"{f['population']:,} people, warmed up {f['warmup_days']} days under in-house "
            f"with a change configured ({f['warmup_cpu_s']:.2f} CPU s, frozen in "
            f"{f['freeze_cpu_s']:.2f} s to {f['frozen_mb']:.1f} MB); each fork unpickles it, "
            f"adopts an option, keeps only KPIs and series and runs {f['after_years']:g} years: "
            f"**{f['fork_cpu_s_median']:.2f} CPU s** a run (median of {len(f['forks'])}; "
            f"{f['fork_cpu_s_range'][0]:.2f}-{f['fork_cpu_s_range'][1]:.2f}), load "
            f"{f['load_before']:.2f}-{f['load_after']:.2f}.",
            "",
        ]
    return "\n".join(parts)


def _describe_git(state: dict[str, Any]) -> str:
    if not state.get("commit"):
        return "Commit: unknown (not a git checkout)."
    text = f"Commit: {state['commit'][:12]}, tree " + (
        "clean" if state["tree_clean"] else "with uncommitted changes"
    )
    if state.get("measured_changes"):
        text += f" (in the measured code: {', '.join(state['measured_changes'])})"
    return text + "."


def run_suite(plan: Plan, progress: Callable[[str], None] = _say) -> dict[str, Any]:
    """Run the parts of ``plan``, write the results folder, and return everything measured.

    Headline runs are set beside the recorded headline; the ``record`` part writes a new one
    (``headline.json`` in ``plan.out``) after setting its runs beside the old.
    """
    plan.out.mkdir(parents=True, exist_ok=True)
    results: dict[str, Any] = {
        "machine": machine_info(),
        "git": recorded.git_state(),
        "plan": _plan_dict(plan),
    }
    steps: dict[str, Callable[[Plan], Any]] = {
        "record": record,
        "headline": headline,
        "compare": compare,
        "kpis": kpi_agreement,
        "scaling": scaling,
        "fork": forks,
    }
    for part in plan.parts:
        if part in steps:
            results[part] = steps[part](plan)
    if "profile" in plan.parts:
        results["profiles"] = [_shown(p) for p in profile(plan)]
    results["machine"]["load_at_end"] = os.getloadavg()
    results["git_after"] = recorded.git_state()
    # Today's runs of the real model beside the committed record (whatever --out says): a
    # recording's own runs (against the record they may replace), else the headline runs.
    today = results.get("record") or results.get("headline")
    if today:
        results["against_recorded"] = recorded.against_recorded(
            today, recorded.load_recorded(), machine=results["machine"]
        )
    if "record" in results:
        target = plan.out / recorded.HEADLINE_FILE.name
        content = recorded.headline_record(
            results["record"],
            machine=results["machine"],
            git_before=results["git"],
            git_after=results["git_after"],
            measured=results["machine"]["started"],
        )
        target.write_text(json.dumps(content, indent=1) + "\n")
        results["recorded_file"] = _shown(target)
    if "scaling" in results:
        csv, png = write_scaling(results["scaling"], plan.out)
        results["scaling_files"] = [_shown(csv)] + ([_shown(png)] if png else [])
    text = report(results)
    (plan.out / "results.json").write_text(json.dumps(results, indent=1, default=str) + "\n")
    (plan.out / "results.md").write_text(text + "\n")
    progress(f"wrote {_shown(plan.out)}")
    return results


def _shown(path: Path) -> str:
    path = path.resolve()
    return str(path.relative_to(REPO)) if path.is_relative_to(REPO) else str(path)


def _plan_dict(plan: Plan) -> dict[str, Any]:
    return {k: (str(v) if isinstance(v, Path) else v) for k, v in plan.__dict__.items()}
