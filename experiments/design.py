"""From an experiment's design to its arms, each with a fully resolved scenario."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np
from carepath.experiments.spec import Experiment, ExperimentError, Range, level_text
from carepath.sim.scenario import ScenarioError, build_scenario
from carepath.sim.tomlfile import read_toml

PRESET_PATH = "organisation.preset"
# Keeps design sampling apart from the runs' own streams, which also derive from ``seed``.
_DESIGN_STREAM = 0x0DE5


@dataclass(frozen=True)
class Arm:
    """One combination of factor values; every replication of it shares these inputs."""

    index: int
    label: str
    values: dict[str, Any] = field(default_factory=dict)


def design_arms(experiment: Experiment) -> list[Arm]:
    """The arms of the experiment, in a fixed order."""
    design = experiment.design
    if design.kind == "list":
        return [Arm(i, a.label, dict(a.set)) for i, a in enumerate(design.arms)]
    paths = list(design.factors)
    if design.kind == "factorial":
        levels = [design.factors[p] for p in paths]
        rows = [dict(zip(paths, combo, strict=True)) for combo in itertools.product(*levels)]
        # Labels name only what varies; a factor with one level is a setting, not a contrast.
        varying = [p for p in paths if len(design.factors[p]) > 1] or paths
        return [Arm(i, _label(row, varying), row) for i, row in enumerate(rows)]
    unit = sensitivity_sample(experiment)
    rows = [_scale(paths, [design.factors[p] for p in paths], u) for u in unit]
    width = max(3, len(str(len(rows) - 1)))
    return [Arm(i, f"sample {i:0{width}d}", row) for i, row in enumerate(rows)]


def salib_problem(experiment: Experiment) -> dict[str, Any]:
    """SALib's problem definition: the factors on the unit interval (scaled afterwards)."""
    names = list(experiment.design.factors)
    return {"num_vars": len(names), "names": names, "bounds": [[0.0, 1.0]] * len(names)}


def sensitivity_sample(experiment: Experiment) -> np.ndarray:
    """Sample points in the unit cube, one row per arm, reproducible from the seed."""
    design = experiment.design
    rng = np.random.default_rng([experiment.seed, _DESIGN_STREAM])
    problem = salib_problem(experiment)
    if design.kind == "latin_hypercube":
        from scipy.stats import qmc

        sampler = qmc.LatinHypercube(d=problem["num_vars"], rng=rng)
        return sampler.random(design.samples or 1)
    if design.kind == "morris":
        from SALib.sample import morris

        return morris.sample(problem, design.trajectories, num_levels=design.levels, seed=rng)
    from SALib.sample import sobol

    return sobol.sample(problem, design.samples, calc_second_order=design.second_order, seed=rng)


def _scale(paths: list[str], factors: list[Any], unit: np.ndarray) -> dict[str, Any]:
    row: dict[str, Any] = {}
    for path, factor, u in zip(paths, factors, unit, strict=True):
        if isinstance(factor, Range):
            value = factor.low + float(u) * (factor.high - factor.low)
            row[path] = round(value) if factor.integer else value
        else:  # a categorical factor in a Latin hypercube: equal strata per level
            row[path] = factor[min(int(u * len(factor)), len(factor) - 1)]
    return row


def _label(row: dict[str, Any], paths: list[str]) -> str:
    if len(paths) == 1:
        return _text(row[paths[0]])
    shorts = [p.rsplit(".", 1)[-1] for p in paths]
    names = shorts if len(set(shorts)) == len(shorts) else paths
    return ", ".join(f"{n}={_text(row[p])}" for n, p in zip(names, paths, strict=True))


def _text(value: Any) -> str:
    return level_text(value)


def base_data(experiment: Experiment, folder: Path) -> dict[str, Any]:
    """The base scenario as a nested dict: the scenario file (if any) read from ``folder``."""
    source = experiment.scenario.file
    if source is None:
        return {}
    path = (folder / source).resolve()
    try:
        return read_toml(path, what="scenario", error=ExperimentError)
    except ExperimentError as exc:
        raise ExperimentError(f"scenario.file: {exc}") from None


def resolve_arm(experiment: Experiment, base: dict[str, Any], arm: Arm) -> dict[str, Any]:
    """The arm's complete scenario (JSON-ready), validated.

    Raises:
        ExperimentError: naming the arm and every invalid field.
    """
    spec = experiment.scenario
    overrides = dict(spec.set)
    if spec.years is not None:
        overrides["run.years"] = spec.years
    if spec.warmup_days is not None:
        overrides["run.warmup_days"] = spec.warmup_days
    overrides.update(arm.values)
    preset = overrides.pop(PRESET_PATH, spec.preset)
    try:
        scenario = build_scenario(base, preset=preset, overrides=overrides)
    except ScenarioError as exc:
        lines = (f"arm {arm.label!r}: {line}" for line in str(exc).splitlines())
        raise ExperimentError("\n".join(lines)) from None
    return scenario.model_dump(mode="json")


def resolve_arms(experiment: Experiment, folder: Path) -> list[tuple[Arm, dict[str, Any]]]:
    """Every arm with its resolved scenario; all problems reported at once.

    Raises:
        ExperimentError: for a bad scenario file, a bad factor value or an unknown baseline.
    """
    base = base_data(experiment, folder)
    arms = design_arms(experiment)
    resolved, problems = [], []
    for arm in arms:
        try:
            resolved.append((arm, resolve_arm(experiment, base, arm)))
        except ExperimentError as exc:
            problems.extend(str(exc).splitlines())
    labels = [a.label for a in arms]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:  # the report tells arms apart by label
        problems.append(f"design: arms must have distinct labels; repeated: {repeated[0]!r}")
    if experiment.baseline is not None and experiment.baseline not in labels:
        shown = ", ".join(labels[:8]) + (", ..." if len(labels) > 8 else "")
        problems.append(f"baseline: no arm is labelled {experiment.baseline!r}; arms: {shown}")
    if problems:
        # A factor with a bad level fails in every arm that uses it: say it once.
        raise ExperimentError("\n".join(_dedupe(problems)))
    return resolved


def _dedupe(problems: list[str]) -> list[str]:
    seen: set[str] = set()
    out = []
    for line in problems:
        key = line.split(": ", 1)[-1] if line.startswith("arm ") else line
        if key not in seen:
            seen.add(key)
            out.append(line)
    return out


def run_count(experiment: Experiment) -> int:
    """How many runs the experiment makes (arms × replications)."""
    return len(design_arms(experiment)) * experiment.replications
