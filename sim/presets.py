"""Organisational models as data: each preset is a set of documented mechanism parameters.

The presets live in ``presets.toml`` beside this module, each value beside its reason and
source, and each mechanism parameter beside its documentation (what it measures, where the code
uses it, the evidence and the uncertainty). Nothing in the model branches on a preset's name: a
preset only sets parameter values that mechanisms read. ``carepath.docs`` writes
``docs/organisational_models.md`` from this data.

Loading checks the file: every preset sets every documented mechanism and nothing else, every
value has a reason and a source listed in ``[sources]``, and each preset has its evidence and
uncertainty. A problem stops the import with ``PresetsError``, one line per problem naming the
entry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.sim.tomlfile import read_toml

PRESETS_FILE = Path(__file__).with_name("presets.toml")


class PresetsError(ValueError):
    """``presets.toml`` is incomplete or inconsistent; one line per problem, naming the entry."""


@dataclass(frozen=True)
class PresetParameter:
    """One mechanism parameter of a preset: its value, why, and where that comes from."""

    path: str
    value: Any
    reason: str
    source: str


@dataclass(frozen=True)
class Preset:
    """An organisational model.

    Attributes:
        name: the key that selects it (``--preset NAME``).
        title: a short name for readers.
        summary: what changes, in a sentence.
        sources: the articles it rests on (keys of ``SOURCES``).
        parameters: a value for every mechanism, in the order of ``MECHANISMS``.
        evidence: what the sources say about this model as a whole.
        uncertainty: what is not known, and how far to trust its values.
    """

    name: str
    title: str
    summary: str
    sources: tuple[str, ...]
    parameters: tuple[PresetParameter, ...]
    evidence: str
    uncertainty: str


@dataclass(frozen=True)
class MechanismNote:
    """The documentation of one mechanism parameter that presets set.

    Attributes:
        path: the dotted scenario path.
        title: a short name.
        unit: what the value measures.
        code: where and how the model uses it (module and function).
        evidence: what the seed articles and reference figures say.
        uncertainty: what is not known about its size.
        sensitivity_range: a range for sensitivity analysis (the modellers' judgement), or
            None for a switch.
    """

    path: str
    title: str
    unit: str
    code: str
    evidence: str
    uncertainty: str
    sensitivity_range: tuple[float, float] | None


_MECHANISM_TEXTS = ("title", "unit", "code", "evidence", "uncertainty")
_MECHANISM_KEYS = {*_MECHANISM_TEXTS, "sensitivity_range"}
_PRESET_TEXTS = ("title", "summary", "evidence", "uncertainty")
_PRESET_KEYS = {*_PRESET_TEXTS, "sources", "parameters"}
_PARAMETER_KEYS = {"value", "reason", "source"}


def _quoted(path: str) -> str:
    """A dotted parameter path as it is written as a TOML key (``"a.b"``)."""
    return f'"{path}"'


def _texts(entry: str, body: dict[str, Any], keys: tuple[str, ...], problems: list[str]) -> None:
    for key in keys:
        if not isinstance(body.get(key), str) or not body[key].strip():
            problems.append(f"{entry}: {key} is missing (a non-empty string)")


def _unknown(entry: str, body: dict[str, Any], allowed: set[str], problems: list[str]) -> None:
    for key in sorted(set(body) - allowed):
        problems.append(f"{entry}: unknown key {key!r}; allowed: {', '.join(sorted(allowed))}")


def _range(entry: str, raw: Any, problems: list[str]) -> tuple[float, float] | None:
    if raw is None:
        return None
    numbers = isinstance(raw, list) and len(raw) == 2
    numbers = numbers and all(isinstance(x, int | float) and not isinstance(x, bool) for x in raw)
    if not numbers or not all(math.isfinite(x) for x in raw) or raw[0] > raw[1]:
        problems.append(f"{entry}: sensitivity_range must be [low, high] with low <= high")
        return None
    return (float(raw[0]), float(raw[1]))


def _mechanisms(raw: Any, problems: list[str]) -> dict[str, MechanismNote]:
    if not isinstance(raw, dict) or not raw:
        problems.append('mechanisms: missing; add a [mechanisms."PATH"] table per parameter')
        return {}
    notes: dict[str, MechanismNote] = {}
    for path, body in raw.items():
        entry = f"mechanisms.{_quoted(path)}"
        if not isinstance(body, dict):
            problems.append(f"{entry}: must be a table")
            continue
        _unknown(entry, body, _MECHANISM_KEYS, problems)
        _texts(entry, body, _MECHANISM_TEXTS, problems)
        span = _range(entry, body.get("sensitivity_range"), problems)
        texts = {key: str(body.get(key, "")) for key in _MECHANISM_TEXTS}
        notes[path] = MechanismNote(path=path, sensitivity_range=span, **texts)
    return notes


def _preset(
    name: str,
    body: Any,
    mechanisms: dict[str, MechanismNote],
    sources: dict[str, str],
    problems: list[str],
) -> Preset | None:
    entry = f"presets.{name}"
    if not isinstance(body, dict):
        problems.append(f"{entry}: must be a table")
        return None
    _unknown(entry, body, _PRESET_KEYS, problems)
    _texts(entry, body, _PRESET_TEXTS, problems)
    cited = body.get("sources")
    if not isinstance(cited, list) or not cited or not all(isinstance(k, str) for k in cited):
        problems.append(f"{entry}: sources must be a list of keys of [sources]")
        cited = []
    for key in cited:
        if key not in sources:
            problems.append(f"{entry}: source {key!r} is not in [sources]")
    given = body.get("parameters")
    if not isinstance(given, dict):
        problems.append(f"{entry}.parameters: missing; a value for every mechanism")
        given = {}
    params: dict[str, PresetParameter] = {}
    for path, spec in given.items():
        where = f"{entry}.parameters.{_quoted(path)}"
        if path not in mechanisms:
            problems.append(
                f"{where}: no note for this mechanism; add [mechanisms.{_quoted(path)}] "
                "(title, unit, code, evidence, uncertainty)"
            )
            continue
        if not isinstance(spec, dict):
            problems.append(f"{where}: must be {{ value = ..., reason = ..., source = ... }}")
            continue
        _unknown(where, spec, _PARAMETER_KEYS, problems)
        for key in sorted(_PARAMETER_KEYS - set(spec)):
            problems.append(f"{where}: {key} is missing")
        if "source" in spec and spec["source"] not in sources:
            problems.append(f"{where}: source {spec['source']!r} is not in [sources]")
        span = mechanisms[path].sensitivity_range
        value = spec.get("value")
        numeric = isinstance(value, int | float) and not isinstance(value, bool)
        if span is not None and numeric and not span[0] <= value <= span[1]:
            problems.append(
                f"{where}: value {value} is outside the mechanism's sensitivity_range {list(span)}"
            )
        params[path] = PresetParameter(
            path, value, str(spec.get("reason", "")), str(spec.get("source", ""))
        )
    missing = [path for path in mechanisms if path not in given]
    if missing:
        problems.append(f"{entry}.parameters: no value for {', '.join(missing)}")
    return Preset(
        name=name,
        title=str(body.get("title", "")),
        summary=str(body.get("summary", "")),
        sources=tuple(cited),
        # In the order of [mechanisms], so that every preset lists its values alike.
        parameters=tuple(params[path] for path in mechanisms if path in params),
        evidence=str(body.get("evidence", "")),
        uncertainty=str(body.get("uncertainty", "")),
    )


def load_presets(
    path: str | Path = PRESETS_FILE,
) -> tuple[dict[str, str], dict[str, MechanismNote], dict[str, Preset]]:
    """Read and check a presets file.

    Args:
        path: the TOML file (default: ``presets.toml`` beside this module).

    Returns:
        The sources (key: description), the mechanism notes (dotted path: note) and the
        presets (name: preset), each in file order.

    Raises:
        PresetsError: naming the file and, one line each, every entry that is missing,
            unknown or inconsistent.
    """
    path = Path(path)
    raw = read_toml(path, what="presets", error=PresetsError)
    problems: list[str] = []
    sources = raw.get("sources")
    if not isinstance(sources, dict) or not all(isinstance(v, str) for v in sources.values()):
        problems.append("sources: missing; a table of key = description")
        sources = {}
    mechanisms = _mechanisms(raw.get("mechanisms"), problems)
    presets: dict[str, Preset] = {}
    bodies = raw.get("presets")
    if not isinstance(bodies, dict) or not bodies:
        problems.append("presets: missing; add a [presets.NAME] table per organisational model")
        bodies = {}
    for name, body in bodies.items():
        preset = _preset(name, body, mechanisms, sources, problems)
        if preset is not None:
            presets[name] = preset
    _unknown("top level", raw, {"sources", "mechanisms", "presets"}, problems)
    if problems:
        raise PresetsError("\n".join(f"{path}: {problem}" for problem in problems))
    return sources, mechanisms, presets


SOURCES, MECHANISM_NOTES, PRESETS = load_presets()
MECHANISMS: tuple[str, ...] = tuple(MECHANISM_NOTES)


def preset_values(name: str) -> dict[str, Any]:
    """The dotted-path parameter values of preset ``name``."""
    return {p.path: p.value for p in PRESETS[name].parameters}
