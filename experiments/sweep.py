"""Plan an experiment, run it into its store, and re-run it from its manifest."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from carepath.experiments.design import Arm, resolve_arms
from carepath.experiments.executors import check_scheduler, run_dask, run_local, run_serial
from carepath.experiments.runs import (
    RunOutcome,
    RunTask,
    check_model_trusted,
    load_model_class,
    make_tasks,
    probe_outputs,
)
from carepath.experiments.spec import Experiment, ExperimentError, parse_experiment, read_experiment
from carepath.experiments.store import (
    ALTERED,
    DAMAGED,
    FORMAT,
    MISSING,
    STATUS_CHANGED,
    Audit,
    ExperimentStore,
    audit,
    environment,
    factor_types,
    plan_fingerprint,
)

Progress = Callable[[RunOutcome, int, int], None]


@dataclass
class Plan:
    """An experiment ready to run: its arms, tasks and the manifest's fixed part."""

    experiment: Experiment
    arms: list[tuple[Arm, dict[str, Any]]]
    tasks: list[RunTask]
    manifest: dict[str, Any] = field(default_factory=dict)


def plan_experiment(
    experiment: Experiment, text: str, source: str, *, trust_model: bool = False
) -> Plan:
    """Resolve every arm and number every run.

    Args:
        experiment: the validated experiment file.
        text: its text, kept in the manifest.
        source: its path.
        trust_model: allow a model other than carepath's own (its module is imported).

    Raises:
        ExperimentError: for an untrusted model, any invalid factor level, arm or scenario file.
    """
    check_model_trusted(experiment.model, trust=trust_model)
    arms = resolve_arms(experiment, Path(source).parent)
    check_outputs(experiment, arms[0][1])
    tasks = make_tasks(experiment, arms)
    spec = experiment.model_dump(mode="json")
    arm_records = [
        {"arm": a.index, "label": a.label, "values": a.values, "scenario": s} for a, s in arms
    ]
    manifest = {
        "format": FORMAT,
        "experiment": {"name": experiment.name, "file": source, "text": text, "spec": spec},
        "fingerprint": plan_fingerprint(spec, arm_records),
        "seed": experiment.seed,
        "replications": experiment.replications,
        "seeding": "replication k of every arm: numpy SeedSequence(seed).spawn(k + 1)[k]",
        "model": experiment.model,
        "baseline": experiment.baseline or arms[0][0].label,
        "arms": arm_records,
        "factor_types": {
            path: str(kind) for path, kind in factor_types([a.values for a, _ in arms]).items()
        },
        "runs_planned": len(tasks),
        "environment": environment(),
    }
    return Plan(experiment, arms, tasks, manifest)


def check_outputs(experiment: Experiment, scenario: dict[str, Any]) -> None:
    """Check that the model imports and reports every KPI and series the experiment keeps.

    Raises:
        ExperimentError: naming the unknown output and listing the known ones.
    """
    try:
        load_model_class(experiment.model)
    except ImportError as exc:
        raise ExperimentError(f"model: cannot import {experiment.model!r} ({exc})") from None
    outputs = experiment.outputs
    if outputs.kpis == "all" and not outputs.timeseries:
        return
    try:
        kpis, series = probe_outputs(experiment.model, scenario)
    except Exception as exc:
        raise ExperimentError(f"model: {experiment.model} fails on a short run ({exc})") from None
    problems = []
    if outputs.kpis != "all":
        problems += [
            f"outputs.kpis: unknown KPI {k!r}; allowed: {', '.join(kpis)}"
            for k in outputs.kpis
            if k not in kpis
        ]
    problems += [
        f"outputs.timeseries: unknown series {s!r}; allowed: {', '.join(series)}"
        for s in outputs.timeseries
        if s not in series
    ]
    if problems:
        raise ExperimentError("\n".join(problems))


def load_plan(path: str | Path, *, trust_model: bool = False) -> Plan:
    """Read, validate and plan an experiment file (``trust_model``: see ``plan_experiment``)."""
    experiment, text = read_experiment(path)
    try:
        return plan_experiment(experiment, text, str(path), trust_model=trust_model)
    except ExperimentError as exc:
        lines = (f"{path}: {line}" for line in str(exc).splitlines())
        raise ExperimentError("\n".join(lines)) from None


def plan_from_manifest(manifest: dict[str, Any], *, trust_model: bool = False) -> Plan:
    """The plan recorded in a manifest: its arms' scenarios exactly as they ran.

    Args:
        manifest: from ``read_manifest`` (checked there).
        trust_model: allow a model other than carepath's own; a shared manifest is someone
            else's input, and reproducing imports the model it names.

    Raises:
        ExperimentError: for an untrusted model.
    """
    experiment = parse_experiment(manifest["experiment"]["spec"])
    # The spec's model is the one the runs import; the top-level copy is what a reader sees.
    for model in dict.fromkeys((manifest["model"], experiment.model)):
        check_model_trusted(model, trust=trust_model, where="manifest model")
    arms = [(Arm(a["arm"], a["label"], a["values"]), a["scenario"]) for a in manifest["arms"]]
    return Plan(experiment, arms, make_tasks(experiment, arms), manifest)


def execute_all(
    tasks: Iterable[RunTask], *, workers: int | None = None, scheduler: str | None = None
) -> Iterator[RunOutcome]:
    """Run tasks serially (``workers=1``), in local processes, or on a Dask cluster."""
    if scheduler:
        return run_dask(tasks, scheduler)
    count = workers or default_workers()
    return run_serial(tasks) if count == 1 else run_local(tasks, count)


def default_workers() -> int:
    """The CPUs this process may use."""
    return len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count() or 1


@dataclass
class SweepReport:
    """What a sweep did."""

    planned: int
    skipped: int
    ok: int = 0
    failed: int = 0
    notes: list[str] = field(default_factory=list)


def sweep(
    plan: Plan,
    out: str | Path,
    *,
    workers: int | None = None,
    scheduler: str | None = None,
    retry_failed: bool = False,
    progress: Progress | None = None,
    on_start: Callable[[int, int, list[str]], None] | None = None,
) -> SweepReport:
    """Run every run not yet in ``out``, writing each as it finishes.

    Args:
        plan: from ``load_plan``.
        out: the experiment folder (created, or resumed if it holds this experiment).
        workers: local processes (1 runs in this process); default: every CPU.
        scheduler: address of a Dask distributed scheduler; overrides ``workers``.
        retry_failed: run again the runs recorded as failed.
        progress: called after each run with the outcome, runs done and runs to do.
        on_start: called once with the runs to do, the runs already done, and notes for the
            user (a changed environment; damaged runs set aside to run again).
    """
    if scheduler:
        check_scheduler(scheduler)  # before the folder is made: a typo leaves nothing behind
    store, notes = ExperimentStore.open(out, plan.manifest)
    try:
        done = store.finished()
        keep = {"ok"} if retry_failed else {"ok", "failed"}
        todo = [t for t in plan.tasks if done.get(t.run_id) not in keep]
        report = SweepReport(planned=len(plan.tasks), skipped=len(plan.tasks) - len(todo))
        report.notes = notes
        if on_start:
            on_start(len(todo), report.skipped, notes)
        for count, outcome in enumerate(execute_all(todo, workers=workers, scheduler=scheduler)):
            store.record(outcome)
            if outcome.ok:
                report.ok += 1
            else:
                report.failed += 1
            if progress:
                progress(outcome, count + 1, len(todo))
        return report
    finally:
        store.close()


@dataclass
class Check:
    """One run re-made and compared with its record in the manifest."""

    run_id: int
    arm_label: str
    replication: int
    recorded: str | None
    reproduced: str | None
    # "match", "differs", "failed now", "was failed", "not recorded", and for a store that is
    # not whole: "missing", "status changed", "stored result altered", "damaged".
    verdict: str


_STORE_VERDICTS = {
    MISSING: "missing",
    STATUS_CHANGED: "status changed",
    ALTERED: "stored result altered",
    DAMAGED: "damaged",
}


def reproduce(
    folder: str | Path,
    *,
    runs: Iterable[int] | None = None,
    workers: int | None = None,
    scheduler: str | None = None,
    progress: Progress | None = None,
    trust_model: bool = False,
    checked: Audit | None = None,
) -> list[Check]:
    """Re-run the manifest's runs and compare each with the checksum the manifest records.

    The manifest, not the parts on disk, says which runs there are: a run whose part is
    missing, altered or has changed status is re-made and named as such. Parts that are no
    run of the manifest are in ``audit(folder).problems``.

    Args:
        folder: an experiment folder.
        runs: run numbers to re-make (default: every run the manifest records as ok).
        workers: local processes (1 runs in this process); default: every CPU.
        scheduler: address of a Dask distributed scheduler; overrides ``workers``.
        progress: called after each re-made run.
        trust_model: allow a model other than carepath's own (see ``plan_from_manifest``).
        checked: the folder's audit, if the caller already made it.

    Raises:
        StoreError: if the folder's manifest is damaged.
        ExperimentError: for an untrusted model, a run number outside the experiment, or a
            scheduler that does not answer.
    """
    checked = checked or audit(folder)
    manifest = checked.manifest
    plan = plan_from_manifest(manifest, trust_model=trust_model)
    recorded = {int(k): v for k, v in manifest["runs"].items()}
    if runs is None:
        wanted = {k for k, v in recorded.items() if v["status"] == "ok"}
    else:
        wanted = set(runs)
        outside = sorted(r for r in wanted if not 0 <= r < len(plan.tasks))
        if outside:
            raise ExperimentError(
                f"runs: {outside[0]} is not a run of this experiment (runs 0-{len(plan.tasks) - 1})"
            )
    if scheduler:
        check_scheduler(scheduler)
    tasks = [t for t in plan.tasks if t.run_id in wanted]
    checks = []
    outcomes = execute_all(tasks, workers=workers, scheduler=scheduler)
    for count, outcome in enumerate(outcomes):
        entry = recorded.get(outcome.run_id)
        problem = checked.problem_of(outcome.run_id)
        now = outcome.row.get("checksum")
        if entry is None:
            verdict = "not recorded"
        elif problem is not None and problem.kind in _STORE_VERDICTS:
            verdict = _STORE_VERDICTS[problem.kind]
        elif entry["status"] != "ok":
            verdict = "was failed"
        elif not outcome.ok:
            verdict = "failed now"
        else:
            verdict = "match" if now == entry.get("checksum") else "differs"
        checks.append(
            Check(
                outcome.run_id,
                outcome.row["arm_label"],
                outcome.row["replication"],
                entry.get("checksum") if entry else None,
                now,
                verdict,
            )
        )
        if progress:
            progress(outcome, count + 1, len(tasks))
    return sorted(checks, key=lambda c: c.run_id)
