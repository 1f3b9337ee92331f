"""One run of an experiment: its task, its seed, and what it returns.

``execute`` is the only function a worker process or a Dask worker calls, so the same task
gives the same row wherever it runs.
"""

from __future__ import annotations

import hashlib
import importlib
import json
import math
import time
import traceback
from dataclasses import dataclass, field
from typing import Any

import numpy as np
import pandas as pd
from carepath.experiments.design import Arm
from carepath.experiments.spec import Experiment, ExperimentError

ID_COLUMNS = ("run_id", "arm", "arm_label", "replication", "status", "error")


@dataclass(frozen=True)
class RunTask:
    """Everything a worker needs to make one run; small and picklable."""

    run_id: int
    arm: int
    arm_label: str
    replication: int
    factors: dict[str, Any]
    scenario: dict[str, Any]
    seed: int
    model: str
    kpis: tuple[str, ...] | None
    timeseries: tuple[str, ...] = ()
    every: int = 7


@dataclass
class RunOutcome:
    """A finished run: its row for ``runs.parquet`` and its kept time series."""

    row: dict[str, Any]
    series: pd.DataFrame | None = None
    seconds: float = 0.0
    traceback: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)

    @property
    def run_id(self) -> int:
        """The run's number within the experiment."""
        return int(self.row["run_id"])

    @property
    def ok(self) -> bool:
        """True when the run finished without an error."""
        return self.row["status"] == "ok"


def replication_seed(seed: int, replication: int) -> np.random.SeedSequence:
    """Replication ``k``'s seed: child ``k`` of ``SeedSequence(seed).spawn(...)``.

    Every arm's replication ``k`` uses it, so arms meet the same people with the same luck
    (common random numbers) and can be compared pairwise.
    """
    return np.random.SeedSequence(seed).spawn(replication + 1)[replication]


def make_tasks(experiment: Experiment, arms: list[tuple[Arm, dict[str, Any]]]) -> list[RunTask]:
    """One task per arm and replication, numbered replication-major so early runs span arms."""
    outputs = experiment.outputs
    kpis = None if outputs.kpis == "all" else tuple(outputs.kpis)
    tasks = []
    for replication in range(experiment.replications):
        for arm, scenario in arms:
            tasks.append(
                RunTask(
                    run_id=replication * len(arms) + arm.index,
                    arm=arm.index,
                    arm_label=arm.label,
                    replication=replication,
                    factors=dict(arm.values),
                    scenario=scenario,
                    seed=experiment.seed,
                    model=experiment.model,
                    kpis=kpis,
                    timeseries=tuple(outputs.timeseries),
                    every=outputs.timeseries_every_days,
                )
            )
    return tasks


# Top-level packages of carepath before it had one namespace; manifests written then name them.
_LEGACY_PACKAGES = ("sim", "experiments", "dashboards")


def canonical_model_spec(spec: str) -> str:
    """``module:Class`` with a pre-namespace module (``sim.model``) moved under ``carepath``."""
    module_name, sep, name = spec.partition(":")
    if module_name.partition(".")[0] in _LEGACY_PACKAGES:
        module_name = f"carepath.{module_name}"
    return f"{module_name}{sep}{name}"


# The model classes carepath ships. Naming a model makes ``sweep`` and ``reproduce`` import its
# module, which runs its code: a manifest shared with results is someone else's input, so any
# other model needs the user's explicit trust (``--trust-model``).
TRUSTED_MODELS = frozenset(
    {
        "carepath.sim.model:CarePathwayModel",
        "carepath.experiments.calibration.model:CalibrationModel",
        # appraisals: CarePathwayModel's runs, forked from a warm-up kept in the worker
        "carepath.experiments.appraise.forking:forked_model",
    }
)


class UntrustedModelError(ExperimentError):
    """A model outside carepath's own, named without the user's trust (exit status 2)."""


def check_model_trusted(spec: str, *, trust: bool = False, where: str = "model") -> None:
    """Refuse to import a model that is not carepath's own unless the user trusts it.

    Args:
        spec: ``module:Class`` as an experiment file or manifest names it.
        trust: the user said to trust this model (``--trust-model``).
        where: the field to name in the message.

    Raises:
        UntrustedModelError: for any other model without ``trust``.
    """
    if trust or canonical_model_spec(spec) in TRUSTED_MODELS:
        return
    raise UntrustedModelError(
        f"{where}: {spec!r} is not one of carepath's models "
        f"({', '.join(sorted(TRUSTED_MODELS))}); importing it runs its code, so pass "
        "--trust-model if you trust where it came from"
    )


def load_model_class(spec: str) -> type:
    """Import ``module:Class`` (a pre-namespace name such as ``sim.model:...`` is accepted).

    Raises:
        ImportError: if the module or class does not exist.
    """
    module_name, _, name = canonical_model_spec(spec).partition(":")
    module = importlib.import_module(module_name)
    try:
        return getattr(module, name)
    except AttributeError:
        raise ImportError(f"module {module_name!r} has no attribute {name!r}") from None


def probe_outputs(model: str, scenario: dict[str, Any]) -> tuple[list[str], list[str]]:
    """The KPI and time-series names a model reports, from a run of a few weeks.

    Raises:
        Exception: whatever the model raises.
    """
    short = {**scenario, "run": {**scenario.get("run", {}), "years": 0.08, "warmup_days": 0}}
    results = load_model_class(model)(scenario=short, rng=0).run()
    return list(flatten_kpis(results.summary)), [str(c) for c in results.timeseries.columns]


def flatten_kpis(summary: dict[str, Any]) -> dict[str, float]:
    """The summary's numbers as ``section.key`` columns (the ``run`` section is metadata)."""
    flat: dict[str, float] = {}

    def walk(prefix: str, node: Any) -> None:
        if isinstance(node, dict):
            for key, value in node.items():
                walk(f"{prefix}.{key}" if prefix else str(key), value)
        elif node is None:
            flat[prefix] = math.nan
        elif isinstance(node, int | float) and not isinstance(node, bool):
            flat[prefix] = float(node)

    for section, body in summary.items():
        if section != "run":
            walk(section, body)
    return flat


def checksum(factors: dict[str, Any], kpis: dict[str, float], series: pd.DataFrame | None) -> str:
    """A content checksum of a run's results, independent of file format and library versions.

    Floats enter through ``repr`` (shortest round-trip), so equal numbers give equal sums.
    """
    digest = hashlib.sha256()
    body = {
        "factors": {k: _canonical(v) for k, v in factors.items()},
        "kpis": {k: repr(float(v)) for k, v in kpis.items()},
    }
    digest.update(json.dumps(body, sort_keys=True, default=str).encode())
    if series is not None:
        digest.update(json.dumps(list(series.columns)).encode())
        digest.update(np.ascontiguousarray(series.to_numpy(dtype=np.float64)).tobytes())
    return "sha256:" + digest.hexdigest()


def _canonical(value: Any) -> Any:
    # A factor read back from Parquet may be a numpy scalar, or a float where it was an int.
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, int | float) and not isinstance(value, bool):
        return repr(float(value))
    return value


def _keep_series(task: RunTask, timeseries: pd.DataFrame) -> pd.DataFrame | None:
    if not task.timeseries:
        return None
    missing = [name for name in task.timeseries if name not in timeseries.columns]
    if missing:
        raise KeyError(
            f"outputs.timeseries: unknown series {missing[0]!r}; "
            f"allowed: {', '.join(map(str, timeseries.columns))}"
        )
    days = timeseries.index.to_numpy()
    kept = timeseries.loc[days % task.every == 0, list(task.timeseries)].astype("float64")
    kept = kept.rename_axis("day").reset_index()
    kept["day"] = kept["day"].astype("float64")
    return kept


def _select(task: RunTask, flat: dict[str, float]) -> dict[str, float]:
    if task.kpis is None:
        return flat
    missing = [k for k in task.kpis if k not in flat]
    if missing:
        raise KeyError(f"outputs.kpis: unknown KPI {missing[0]!r}; see `carepath kpis`")
    return {k: flat[k] for k in task.kpis}


def execute(task: RunTask) -> RunOutcome:
    """Make one run. Never raises: an error becomes a failed row with its message."""
    started = time.perf_counter()
    row: dict[str, Any] = {
        "run_id": task.run_id,
        "arm": task.arm,
        "arm_label": task.arm_label,
        "replication": task.replication,
        "status": "ok",
        "error": None,
        **task.factors,
    }
    try:
        model_class = load_model_class(task.model)
        model = model_class(
            scenario=task.scenario, rng=replication_seed(task.seed, task.replication)
        )
        # A run's row holds KPIs and kept series, never the event log: a model that can
        # (``CarePathwayModel.keep_only``) does not keep it.
        keep_only = getattr(model, "keep_only", None)
        if keep_only is not None:
            keep_only(events=False)
        results = model.run()
        kpis = _select(task, flatten_kpis(results.summary))
        series = _keep_series(task, results.timeseries)
    except Exception as exc:  # a failed run is a result, not a crash of the sweep
        row.update(status="failed", error=f"{type(exc).__name__}: {exc}".splitlines()[0])
        row["checksum"] = None
        return RunOutcome(
            row=row,
            seconds=time.perf_counter() - started,
            traceback="".join(traceback.format_exception(exc, limit=-8)),
        )
    row.update(kpis)
    row["checksum"] = checksum(task.factors, kpis, series)
    if series is not None:
        series.insert(0, "replication", task.replication)
        series.insert(0, "arm", task.arm)
        series.insert(0, "run_id", task.run_id)
    return RunOutcome(row=row, series=series, seconds=time.perf_counter() - started)


def worker_died(task: RunTask, reason: str) -> RunOutcome:
    """The row of a run whose worker process died under it (killed, or out of memory)."""
    row: dict[str, Any] = {
        "run_id": task.run_id,
        "arm": task.arm,
        "arm_label": task.arm_label,
        "replication": task.replication,
        "status": "failed",
        "error": f"WorkerDied: {reason}",
        **task.factors,
        "checksum": None,
    }
    return RunOutcome(row=row)
