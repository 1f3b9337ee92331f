"""The free parameters ``carepath calibrate`` fits, with their bounds, checked against the schema.

A free parameter must be a behavioural assumption of the baseline: a scenario field that is
neither a preset mechanism (presets set those over the calibrated layer, and presets are not
tuned) nor a published input (``[[input]]`` in ``targets.toml``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any

from carepath.experiments.calibration import CalibrationError, load
from carepath.sim.tomlfile import read_toml

PARAMETERS_FILE = Path(__file__).with_name("parameters.toml")
_FIELDS = {
    "path": "a dotted scenario field, e.g. assessment.hours_mean",
    "low": "the lowest value tried, a number",
    "high": "the highest value tried, a number above low",
    "step": "the sampling grid, a positive number",
    "reason": "why the value is free and what it moves",
}


@dataclass(frozen=True)
class FreeParameter:
    """A scenario field the optimiser may set, within ``[low, high]`` on a grid of ``step``."""

    path: str
    low: float
    high: float
    step: float
    reason: str

    @property
    def decimals(self) -> int:
        """Decimal places of ``step``: fitted values are rounded to them."""
        text = f"{self.step:.10f}".rstrip("0")
        return len(text.partition(".")[2])

    def snap(self, value: float) -> float:
        """``value`` on the grid: the nearest ``low + k * step`` inside the bounds, rounded."""
        k = round((value - self.low) / self.step)
        snapped = min(self.high, max(self.low, self.low + k * self.step))
        return round(snapped, self.decimals)

    @property
    def upper(self) -> float:
        """The highest grid value, which optuna needs to be ``low + k * step`` exactly."""
        k = math.floor((self.high - self.low) / self.step + 1e-9)
        return round(self.low + k * self.step, self.decimals)


def load_parameters(
    path: str | Path | None = None, bounds: Mapping[str, tuple[float, float]] | None = None
) -> list[FreeParameter]:
    """Read and check the free parameters (default: ``parameters.toml`` beside this module).

    Args:
        path: a parameters file.
        bounds: ``{path: (low, high)}`` replacing the file's bounds (from ``--bound``).

    Raises:
        CalibrationError: one line per problem, naming the parameter and the field.
    """
    path = Path(path) if path is not None else PARAMETERS_FILE
    raw = read_toml(path, what="parameters", error=CalibrationError)
    problems: list[str] = []
    unknown = [key for key in raw if key != "parameter"]
    problems += [f"{path.name}: {key}: unknown section; allowed: parameter" for key in unknown]
    entries = raw.get("parameter", [])
    if not isinstance(entries, list) or not entries:
        problems.append(f"{path.name}: parameter: give at least one [[parameter]] table")
        entries = []
    parameters = []
    for index, entry in enumerate(entries):
        parameter = _parse(entry, f"{path.name}: parameter #{index + 1}", problems)
        if parameter is not None:
            parameters.append(parameter)
    if problems:
        raise CalibrationError("\n".join(problems))
    if bounds:
        known = {p.path: p for p in parameters}
        for name, (low, high) in bounds.items():
            if name not in known:
                raise CalibrationError(
                    f"--bound {name}: not a free parameter; allowed: {', '.join(known)}"
                )
            known[name] = replace(known[name], low=low, high=high)
        parameters = list(known.values())
    check_parameters(parameters)
    return parameters


def _parse(entry: Any, label: str, problems: list[str]) -> FreeParameter | None:
    if not isinstance(entry, dict):
        problems.append(f"{label}: must be a table")
        return None
    label = f"{label} ({entry['path']})" if isinstance(entry.get("path"), str) else label
    for key in entry:
        if key not in _FIELDS:
            problems.append(f"{label}: {key}: unknown field; allowed: {', '.join(_FIELDS)}")
    values: dict[str, Any] = {}
    for key, what in _FIELDS.items():
        value = entry.get(key)
        if value is None:
            problems.append(f"{label}: {key}: missing ({what})")
        elif key in ("path", "reason"):
            if not isinstance(value, str) or not value.strip():
                problems.append(f"{label}: {key}: must be non-empty text (got {value!r})")
            values[key] = str(value).strip()
        elif isinstance(value, bool) or not isinstance(value, int | float):
            problems.append(f"{label}: {key}: must be a number (got {value!r})")
        else:
            values[key] = float(value)
    if len(values) < len(_FIELDS):
        return None
    return FreeParameter(**values)


def check_parameters(parameters: Iterable[FreeParameter]) -> None:
    """Check that each parameter may be fitted and that its bounds are possible.

    Raises:
        CalibrationError: one line per problem, naming the parameter and what is allowed.
    """
    from carepath.sim.presets import MECHANISMS
    from carepath.sim.scenario import ScenarioError, build_scenario

    inputs = {figure.parameter: figure.name for figure in load().inputs}
    problems: list[str] = []
    seen: set[str] = set()
    for p in parameters:
        if p.path in seen:
            problems.append(f"{p.path}: listed more than once")
        seen.add(p.path)
        if p.path in MECHANISMS:
            problems.append(
                f"{p.path}: a preset mechanism (sim/presets.toml); presets set it over the "
                "calibrated values, so it cannot be fitted"
            )
            continue
        if p.path in inputs:
            problems.append(
                f"{p.path}: a published input ({inputs[p.path]} in targets.toml); not fitted"
            )
            continue
        if not (math.isfinite(p.low) and math.isfinite(p.high)) or p.low >= p.high:
            problems.append(f"{p.path}: low ({p.low:g}) must be below high ({p.high:g})")
            continue
        if not 0 < p.step <= p.high - p.low:
            problems.append(
                f"{p.path}: step ({p.step:g}) must be positive and at most high - low "
                f"({p.high - p.low:g})"
            )
            continue
        for value in (p.low, p.high):
            try:
                scenario = build_scenario(overrides={p.path: value}, calibrated=False)
            except ScenarioError as exc:
                first = str(exc).splitlines()[0]
                problems.append(f"{p.path}: bound {value:g} is not a valid value ({first})")
                break
            if not isinstance(_value_at(scenario, p.path), int | float):
                problems.append(f"{p.path}: not a numeric field")
                break
    if problems:
        raise CalibrationError("\n".join(problems))


def _value_at(scenario: Any, path: str) -> Any:
    node = scenario
    for part in path.split("."):
        node = getattr(node, part)
    return node


def default_values(parameters: Iterable[FreeParameter]) -> dict[str, float]:
    """Each parameter's schema default (without calibrated values), snapped to its grid."""
    from carepath.sim.scenario import build_scenario

    scenario = build_scenario(calibrated=False)
    return {p.path: p.snap(float(_value_at(scenario, p.path))) for p in parameters}


def parse_bound(text: str) -> tuple[str, tuple[float, float]]:
    """``PATH=LOW..HIGH`` from ``--bound``.

    Raises:
        CalibrationError: naming the option and the expected form.
    """
    path, sep, rest = text.partition("=")
    low_text, dots, high_text = rest.partition("..")
    try:
        if not sep or not dots or not path.strip():
            raise ValueError
        low, high = float(low_text), float(high_text)
    except ValueError:
        raise CalibrationError(
            f"--bound {text!r}: expected PATH=LOW..HIGH, e.g. assessment.hours_mean=8..14"
        ) from None
    return path.strip(), (low, high)
