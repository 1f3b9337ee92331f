"""``carepath calibrate``: fit the baseline's free behavioural parameters to published figures.

The optimiser is optuna's TPE sampler, seeded. Each candidate is run ``replications`` times with
the replication seeds every candidate shares (common random numbers), so candidates are compared
on the same people with the same luck. The loss is the sum of squared tolerance-normalised errors
of the replication means of the ``use = "fit"`` targets, plus the stationarity conditions of
``experiments.calibration.balance``.

Candidates are asked in batches of ``batch`` and told in trial order once the whole batch has
run, so the result depends on the seed and settings only, never on the number of workers or the
order runs finish in.
"""

from __future__ import annotations

import hashlib
import json
import math
import time
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from carepath.experiments.calibration import TARGETS_FILE, CalibrationError, Target, load
from carepath.experiments.calibration.balance import (
    Row,
    condition_rows,
    loss,
    target_rows,
    unflatten,
)
from carepath.experiments.calibration.model import MODEL
from carepath.experiments.calibration.parameters import (
    PARAMETERS_FILE,
    FreeParameter,
    default_values,
    load_parameters,
)
from carepath.experiments.runs import RunOutcome, RunTask

# The loss of a candidate whose runs failed or whose values the schema refuses.
FAILED_LOSS = 1e6
HEADER = """\
# Fitted by `carepath calibrate`: do not edit by hand, run it again instead.
# sim.scenario.build_scenario layers [parameters] between the schema defaults and the preset;
# [provenance] records how they were obtained. `carepath validate` checks them.
"""


@dataclass(frozen=True)
class Settings:
    """How to calibrate; every field is recorded in the calibrated file."""

    trials: int = 60
    replications: int = 4
    years: float = 3.0
    seed: int = 1
    batch: int = 4
    startup_trials: int = 10
    workers: int | None = None
    scheduler: str | None = None
    timeout_minutes: float | None = None

    def check(self) -> None:
        """Raises CalibrationError naming an impossible setting."""
        problems = []
        for name in ("trials", "replications", "batch"):
            if getattr(self, name) < 1:
                problems.append(f"--{name}: must be at least 1 (got {getattr(self, name)})")
        if self.startup_trials < 1:
            problems.append(f"startup_trials: must be at least 1 (got {self.startup_trials})")
        if not 0 < self.years <= 50:
            problems.append(f"--years: must be above 0 and at most 50 (got {self.years:g})")
        if self.timeout_minutes is not None and self.timeout_minutes <= 0:
            problems.append(f"--timeout: must be positive minutes (got {self.timeout_minutes:g})")
        if problems:
            raise CalibrationError("\n".join(problems))


@dataclass
class Trial:
    """One candidate: its values, its runs' scores and its loss."""

    number: int
    values: dict[str, float]
    loss: float
    rows: list[Row] = field(default_factory=list)
    failed: int = 0
    error: str | None = None


@dataclass
class Calibration:
    """What ``calibrate`` found."""

    settings: Settings
    parameters: list[FreeParameter]
    defaults: dict[str, float]
    trials: list[Trial]
    seconds: float
    stopped_early: bool
    targets_file: Path
    parameters_file: Path
    start_file: Path | None = None
    start_values: dict[str, float] | None = None

    @property
    def best(self) -> Trial:
        """The trial with the lowest loss (the first of equals)."""
        return min(self.trials, key=lambda t: (t.loss, t.number))

    @property
    def start(self) -> Trial:
        """Trial 0: the schema defaults."""
        return self.trials[0]


Progress = Callable[[int, int, float, float], None]


def calibrate(
    settings: Settings,
    *,
    targets_file: str | Path | None = None,
    parameters_file: str | Path | None = None,
    bounds: Mapping[str, tuple[float, float]] | None = None,
    start_file: str | Path | None = None,
    progress: Progress | None = None,
) -> Calibration:
    """Fit the free parameters of the baseline.

    Args:
        settings: trials, replications, run length, seed, batch and executor.
        targets_file: the targets (default: ``targets.toml`` of this package).
        parameters_file: the free parameters (default: ``parameters.toml``).
        bounds: ``{path: (low, high)}`` replacing bounds of the parameters file.
        start_file: an earlier calibrated file whose values are tried first after the
            defaults (trial 1), so a re-fit after a model change starts from the last fit.
        progress: called after each batch with trials done, trials planned, best loss so far
            and seconds elapsed.

    Raises:
        CalibrationError: for impossible settings, targets or parameters.
    """
    import optuna

    settings.check()
    targets_path = Path(targets_file) if targets_file else TARGETS_FILE
    parameters_path = Path(parameters_file) if parameters_file else PARAMETERS_FILE
    targets = list(load(targets_path).targets)
    if not any(t.use == "fit" for t in targets):
        raise CalibrationError(f"{targets_path}: no target with use = 'fit' to calibrate to")
    parameters = load_parameters(parameters_path, bounds)
    defaults = default_values(parameters)
    start = start_values(Path(start_file), parameters) if start_file else None
    adults = _adults()

    optuna.logging.set_verbosity(optuna.logging.WARNING)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", optuna.exceptions.ExperimentalWarning)
        sampler = optuna.samplers.TPESampler(
            seed=settings.seed,
            multivariate=True,
            constant_liar=True,
            n_startup_trials=settings.startup_trials,
        )
    study = optuna.create_study(direction="minimize", sampler=sampler)
    # Trial 0 is the schema defaults, so the result is never worse than where it started.
    study.enqueue_trial(defaults)
    if start is not None:
        study.enqueue_trial(start)

    started = time.monotonic()
    trials: list[Trial] = []
    stopped_early = False
    while len(trials) < settings.trials:
        if (
            settings.timeout_minutes is not None
            and trials
            and time.monotonic() - started > settings.timeout_minutes * 60.0
        ):
            stopped_early = True
            break
        size = min(settings.batch, settings.trials - len(trials))
        asked = [study.ask() for _ in range(size)]
        candidates = [(t.number, _suggest(t, parameters)) for t in asked]
        scored = score_candidates(candidates, targets, adults, settings)
        for asked_trial, trial in zip(asked, scored, strict=True):
            study.tell(asked_trial, trial.loss)
            trials.append(trial)
        if progress is not None:
            best = min(t.loss for t in trials)
            progress(len(trials), settings.trials, best, time.monotonic() - started)
    return Calibration(
        settings=settings,
        parameters=parameters,
        defaults=defaults,
        trials=trials,
        seconds=time.monotonic() - started,
        stopped_early=stopped_early,
        targets_file=targets_path,
        parameters_file=parameters_path,
        start_file=Path(start_file) if start_file else None,
        start_values=start,
    )


def start_values(path: Path, parameters: Sequence[FreeParameter]) -> dict[str, float]:
    """The values of an earlier calibrated file, for the free parameters, on their grid.

    A parameter the file does not hold starts at its default.

    Raises:
        CalibrationError: when the file cannot be read, has no ``[parameters]`` table, or
            holds a value that is not a number or lies outside the parameter's bounds.
    """
    from carepath.sim.tomlfile import read_toml

    data = read_toml(path, what="calibrated", error=CalibrationError)
    given = data.get("parameters")
    if not isinstance(given, dict):
        raise CalibrationError(f"{path}: no [parameters] table of fitted values to start from")
    values = default_values(parameters)
    for p in parameters:
        if p.path not in given:
            continue
        value = given[p.path]
        if isinstance(value, bool) or not isinstance(value, int | float):
            raise CalibrationError(f"{path}: parameters.{p.path} must be a number, not {value!r}")
        if not p.low <= value <= p.high:
            raise CalibrationError(
                f"{path}: parameters.{p.path} = {value:g} is outside its bounds "
                f"{p.low:g} to {p.high:g}"
            )
        values[p.path] = p.snap(float(value))
    return values


def _suggest(trial: Any, parameters: Sequence[FreeParameter]) -> dict[str, float]:
    # Snapping removes float noise of the grid (0.30000000000000004), so the values written to
    # the calibrated file are exactly the values that were run.
    return {
        p.path: p.snap(trial.suggest_float(p.path, p.low, p.upper, step=p.step)) for p in parameters
    }


def candidate_scenario(values: Mapping[str, float], years: float) -> dict[str, Any]:
    """The baseline (schema defaults, in_house, no calibrated values) with ``values`` set.

    Raises:
        ScenarioError: if the schema refuses a combination of values.
    """
    from carepath.sim.scenario import build_scenario

    overrides = {**values, "run.years": years}
    scenario = build_scenario(preset="in_house", overrides=overrides, calibrated=False)
    return scenario.model_dump(mode="json")


def replication_tasks(
    scenario: dict[str, Any],
    *,
    arm: int,
    label: str,
    replications: int,
    seed: int,
    timeseries: tuple[str, ...] = (),
    every: int = 7,
) -> list[RunTask]:
    """The ``replications`` runs of one scenario, with the shared replication seeds."""
    return [
        RunTask(
            run_id=arm * replications + k,
            arm=arm,
            arm_label=label,
            replication=k,
            factors={},
            scenario=scenario,
            seed=seed,
            model=MODEL,
            kpis=None,
            timeseries=timeseries,
            every=every,
        )
        for k in range(replications)
    ]


def run_tasks(
    tasks: Sequence[RunTask], settings_workers: int | None, scheduler: str | None
) -> Iterator[RunOutcome]:
    """Run tasks with the batch runner of ``experiments.sweep`` (serial, local or Dask)."""
    from carepath.experiments.sweep import execute_all

    workers = settings_workers
    if workers is not None and scheduler is None:
        workers = max(1, min(workers, len(tasks)))  # no idle processes to spawn
    return execute_all(tasks, workers=workers, scheduler=scheduler)


def score_candidates(
    candidates: Sequence[tuple[int, dict[str, float]]],
    targets: Sequence[Target],
    adults: float,
    settings: Settings,
) -> list[Trial]:
    """Run every candidate's replications together and score each, in candidate order."""
    from carepath.sim.scenario import ScenarioError

    tasks: list[RunTask] = []
    refused: dict[int, str] = {}
    for number, values in candidates:
        try:
            scenario = candidate_scenario(values, settings.years)
        except ScenarioError as exc:
            refused[number] = str(exc).splitlines()[0]
            continue
        tasks += replication_tasks(
            scenario,
            arm=number,
            label=f"trial {number}",
            replications=settings.replications,
            seed=settings.seed,
        )
    outcomes: dict[int, list[RunOutcome]] = {number: [] for number, _ in candidates}
    if tasks:
        for outcome in run_tasks(tasks, settings.workers, settings.scheduler):
            outcomes[int(outcome.row["arm"])].append(outcome)
    trials = []
    for number, values in candidates:
        if number in refused:
            trials.append(Trial(number, values, FAILED_LOSS, error=refused[number]))
            continue
        runs = sorted(outcomes[number], key=lambda o: o.row["replication"])
        failed = [o for o in runs if not o.ok]
        if failed:
            trials.append(
                Trial(number, values, FAILED_LOSS, failed=len(failed), error=failed[0].row["error"])
            )
            continue
        rows = score([unflatten(o.row) for o in runs], targets, adults)
        trials.append(Trial(number, values, loss(rows), rows))
    return trials


def score(summaries: Sequence[Mapping[str, Any]], targets: Sequence[Target], adults: float):
    """Target rows (fit and check) and stationarity rows of replicated run summaries."""
    return [*target_rows(targets, summaries, adults), *condition_rows(summaries)]


def _adults() -> float:
    from carepath.sim.scenario import build_scenario

    return float(sum(build_scenario(calibrated=False).population.band_sizes()))


# -- the calibrated file ----------------------------------------------------------------------
def sha256(path: Path) -> str:
    """The checksum of a file's bytes."""
    return "sha256:" + hashlib.sha256(path.read_bytes()).hexdigest()


def provenance(result: Calibration, command: str | None = None) -> dict[str, Any]:
    """How the fitted values were obtained: code, inputs, optimiser, settings and fit."""
    from importlib import metadata

    from carepath.experiments.store import environment

    env = environment()
    git = env.get("git") or {}
    settings = result.settings
    best = result.best
    from carepath.sim.scenario import build_scenario

    warmup = build_scenario(overrides={"run.years": settings.years}, calibrated=False).run.warmup
    record: dict[str, Any] = {
        "date": datetime.now(UTC).replace(microsecond=0).isoformat().replace("+00:00", "Z"),
        "command": command or "",
        "git_commit": git.get("commit", "unknown"),
        "git_dirty": bool(git.get("dirty", False)),
        "python": env["python"],
        "packages": {**env["packages"], "optuna": metadata.version("optuna")},
        "targets_file": _display(result.targets_file),
        "targets_sha256": sha256(result.targets_file),
        "parameters_file": _display(result.parameters_file),
        "parameters_sha256": sha256(result.parameters_file),
        **(
            {
                "start_file": _display(result.start_file),
                "start_sha256": sha256(result.start_file),
                "start_values": dict(result.start_values or {}),
            }
            if result.start_file
            else {}
        ),
        "baseline": "default scenario, in_house preset, schema defaults (no calibrated values)",
        "optimiser": (
            "optuna TPESampler (multivariate, constant liar), seeded; trial 0 = schema defaults"
            + ("; trial 1 = the start file's values" if result.start_file else "")
        ),
        "objective": (
            "sum over fit targets and stationarity conditions of "
            "((replication mean - expected) / tolerance half-width) ** 2"
        ),
        "seed": settings.seed,
        "replication_seeds": (
            "numpy SeedSequence(seed).spawn(k + 1)[k] for replication k, the same for every trial"
        ),
        "trials": len(result.trials),
        "trials_planned": settings.trials,
        "stopped_early": result.stopped_early,
        "replications": settings.replications,
        "years": settings.years,
        "warmup_days": warmup,
        "batch": settings.batch,
        "startup_trials": settings.startup_trials,
        "seconds": round(result.seconds, 1),
        "best_trial": best.number,
        "best_loss": best.loss,
        "default_loss": result.start.loss,
        "failed_trials": sum(t.loss >= FAILED_LOSS for t in result.trials),
        "parameter": [
            {
                "path": p.path,
                "value": best.values[p.path],
                "default": result.defaults[p.path],
                "low": p.low,
                "high": p.high,
                "step": p.step,
            }
            for p in result.parameters
        ],
        "fit": [
            {
                "name": row.name,
                "kind": row.kind,
                "expected": row.expected,
                "low": row.low,
                "high": row.high,
                "mean": row.mean,
                "error": row.error,
                "within": row.within,
            }
            for row in best.rows
        ],
    }
    return record


def _display(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(path)


def write_calibrated(result: Calibration, path: str | Path, command: str | None = None) -> Path:
    """Write the best trial's values and their provenance as TOML, atomically.

    Raises:
        CalibrationError: if every trial failed (nothing to write).
    """
    from carepath.experiments.store import write_atomic

    best = result.best
    if best.loss >= FAILED_LOSS:
        raise CalibrationError(
            f"every trial failed (first error: {best.error}); nothing written to {path}"
        )
    path = Path(path)
    text = (
        HEADER
        + "\n"
        + dumps_toml({"parameters": dict(best.values), "provenance": provenance(result, command)})
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    write_atomic(path, text.encode("utf-8"))
    return path


def dumps_toml(data: Mapping[str, Any]) -> str:
    """TOML for nested tables of numbers, text, booleans and arrays of tables."""
    lines: list[str] = []
    _table(lines, [], data)
    return "\n".join(lines).strip() + "\n"


def _table(lines: list[str], prefix: list[str], data: Mapping[str, Any]) -> None:
    scalars = {
        k: v for k, v in data.items() if not isinstance(v, Mapping) and not _is_table_array(v)
    }
    for key, value in scalars.items():
        lines.append(f"{_key(key)} = {_value(value)}")
    for key, value in data.items():
        if isinstance(value, Mapping):
            lines += ["", f"[{'.'.join(_key(k) for k in [*prefix, key])}]"]
            _table(lines, [*prefix, key], value)
        elif _is_table_array(value):
            for item in value:
                lines += ["", f"[[{'.'.join(_key(k) for k in [*prefix, key])}]]"]
                _table(lines, [*prefix, key], item)


def _is_table_array(value: Any) -> bool:
    return isinstance(value, list) and bool(value) and all(isinstance(v, Mapping) for v in value)


def _key(key: str) -> str:
    bare = key.replace("_", "").replace("-", "").isalnum() and key.isascii()
    return key if bare else json.dumps(key)


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if math.isnan(value):
            return "nan"
        if math.isinf(value):
            return "inf" if value > 0 else "-inf"
        return repr(value)
    if isinstance(value, str):
        return json.dumps(value, ensure_ascii=False)
    if isinstance(value, list | tuple):
        return "[" + ", ".join(_value(v) for v in value) + "]"
    raise TypeError(f"cannot write {type(value).__name__} as TOML: {value!r}")
