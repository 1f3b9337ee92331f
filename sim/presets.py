"""Organisational models as data: each preset is a set of documented mechanism parameters.

The presets live in ``presets.toml`` beside this module, each value beside its reason and
source, and each mechanism parameter beside its documentation (what it measures, where the code
uses it, the evidence and the uncertainty). Nothing in the model branches on a preset's name: a
preset only sets parameter values that mechanisms read. ``carepath.docs`` writes
``docs/organisational_models.md`` from this data.

Every value also carries an evidence grade and, unless it is a switch or the in-house service's
own, a distribution of its size (``sim/evidence.py``): a later experiment can sample each
option's uncertain values, and the docs count honestly how many rest on a published number.
A *variant* (``variant_of = "NAME"``) brackets an organisational model: it sets only the values
it changes, each with its reason, and is selected like any preset (``--preset NAME``).

Loading checks the file: every preset sets every documented mechanism and nothing else, every
value has a reason, a source listed in ``[sources]``, a grade and (where it needs one) a
distribution inside the mechanism's sensitivity range and the scenario field's bounds, and each
preset has its evidence and uncertainty. A problem stops the import with ``PresetsError``, one
line per problem naming the entry.
"""

from __future__ import annotations

import dataclasses
import math
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from carepath.sim.evidence import GRADES, SHAPES, Distribution
from carepath.sim.scenario import Scenario
from carepath.sim.tomlfile import read_toml

PRESETS_FILE = Path(__file__).with_name("presets.toml")
# The reference every other model is compared with; "baseline"-graded values are its values.
BASELINE = "in_house"
# The source key of a value no article or figure informs.
MODELLERS = "assumption"


class PresetsError(ValueError):
    """``presets.toml`` is incomplete or inconsistent; one line per problem, naming the entry."""


@dataclass(frozen=True)
class PresetParameter:
    """One mechanism parameter of a preset: its value, why, and where that comes from.

    Attributes:
        path: the dotted scenario path.
        value: the value the point runs use.
        reason: why this value.
        source: the key in ``[sources]`` it comes from (``"assumption"``: none does).
        grade: the kind of evidence for its size (a key of ``evidence.GRADES``).
        distribution: how unsure its size is, centred on ``value``; None for a switch or a
            value fixed by what the in-house service is. A "baseline"-graded value has the
            in-house value's distribution, so a sampler should give both the same draw.
    """

    path: str
    value: Any
    reason: str
    source: str
    grade: str
    distribution: Distribution | None

    @property
    def switch(self) -> bool:
        """A choice (on or off, or who provides a service), not a size: it has no distribution."""
        return isinstance(self.value, bool | str)


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
        variant_of: for a variant that brackets a model, the model's name (its values are the
            model's except those the variant sets); None for an organisational model.
    """

    name: str
    title: str
    summary: str
    sources: tuple[str, ...]
    parameters: tuple[PresetParameter, ...]
    evidence: str
    uncertainty: str
    variant_of: str | None = None


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
_PRESET_KEYS = {*_PRESET_TEXTS, "sources", "parameters", "variant_of"}
_PARAMETER_REQUIRED = {"value", "reason", "source", "grade"}
_PARAMETER_KEYS = {*_PARAMETER_REQUIRED, "distribution"}
_DISTRIBUTION_KEYS = {"shape", "low", "high"}


def _quoted(path: str) -> str:
    """A dotted parameter path as it is written as a TOML key (``"a.b"``)."""
    return f'"{path}"'


def _is_number(x: Any) -> bool:
    return isinstance(x, int | float) and not isinstance(x, bool)


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
    numbers = isinstance(raw, list) and len(raw) == 2 and all(_is_number(x) for x in raw)
    if not numbers or not all(math.isfinite(x) for x in raw) or raw[0] > raw[1]:
        problems.append(f"{entry}: sensitivity_range must be [low, high] with low <= high")
        return None
    return (float(raw[0]), float(raw[1]))


def scenario_field(path: str) -> Any | None:
    """The pydantic ``FieldInfo`` of a dotted scenario path, or None if it is not a field."""
    model: Any = Scenario
    *sections, name = path.split(".")
    for section in sections:
        info = getattr(model, "model_fields", {}).get(section)
        if info is None:
            return None
        model = info.annotation
    return getattr(model, "model_fields", {}).get(name)


def field_bounds(path: str) -> tuple[float, bool, float, bool] | None:
    """The bounds the scenario schema puts on a field, read from its pydantic constraints.

    Args:
        path: a dotted scenario path such as ``"workforce.admin_share"``.

    Returns:
        ``(low, low_included, high, high_included)`` (infinite where the schema sets no
        bound), or None if the path is not a scenario field.
    """
    info = scenario_field(path)
    if info is None:
        return None
    low, low_in, high, high_in = -math.inf, True, math.inf, True
    for rule in info.metadata:
        for attr, is_low, included in (("ge", 1, 1), ("gt", 1, 0), ("le", 0, 1), ("lt", 0, 0)):
            bound = getattr(rule, attr, None)
            if bound is None:
                continue
            if is_low:
                low, low_in = float(bound), bool(included)
            else:
                high, high_in = float(bound), bool(included)
    return low, low_in, high, high_in


def _bounds_text(bounds: tuple[float, bool, float, bool]) -> str:
    low, low_in, high, high_in = bounds
    return f"{'[' if low_in else '('}{low:g}, {high:g}{']' if high_in else ')'}"


def _distribution(
    where: str, raw: Any, value: Any, note: MechanismNote, problems: list[str]
) -> Distribution | None:
    entry = f"{where}.distribution"
    if not isinstance(raw, dict):
        problems.append(f'{entry}: must be {{ shape = "triangular", low = ..., high = ... }}')
        return None
    _unknown(entry, raw, _DISTRIBUTION_KEYS, problems)
    for key in sorted(_DISTRIBUTION_KEYS - set(raw)):
        problems.append(f"{entry}: {key} is missing; shapes: {', '.join(SHAPES)}")
    if _DISTRIBUTION_KEYS - set(raw):
        return None
    if not _is_number(raw["low"]) or not _is_number(raw["high"]) or not _is_number(value):
        problems.append(f"{entry}: low, high and the value must be numbers")
        return None
    try:
        dist = Distribution(str(raw["shape"]), float(raw["low"]), float(raw["high"]), value)
    except ValueError as err:
        problems.append(f"{entry}: {err}")
        return None
    span = note.sensitivity_range
    if span is not None and not span[0] <= dist.low <= dist.high <= span[1]:
        problems.append(
            f"{entry}: [{dist.low:g}, {dist.high:g}] goes beyond the mechanism's "
            f"sensitivity_range {list(span)}"
        )
    bounds = field_bounds(note.path)
    if bounds is None:
        problems.append(f"{entry}: {note.path} is not a scenario field")
        return dist
    low, low_in, high, high_in = bounds
    below = dist.low < low or (dist.low == low and not low_in)
    above = dist.high > high or (dist.high == high and not high_in)
    if below or above:
        problems.append(
            f"{entry}: [{dist.low:g}, {dist.high:g}] goes beyond the scenario field's bounds "
            f"{_bounds_text(bounds)}"
        )
    return dist


def _parameter(
    where: str, spec: Any, note: MechanismNote, sources: dict[str, str], problems: list[str]
) -> PresetParameter | None:
    if not isinstance(spec, dict):
        problems.append(
            f"{where}: must be {{ value = ..., grade = ..., source = ..., reason = ..., "
            "distribution = ... }}"
        )
        return None
    _unknown(where, spec, _PARAMETER_KEYS, problems)
    for key in sorted(_PARAMETER_REQUIRED - set(spec)):
        problems.append(f"{where}: {key} is missing")
    source, grade, value = spec.get("source"), spec.get("grade"), spec.get("value")
    if "source" in spec and source not in sources:
        problems.append(f"{where}: source {source!r} is not in [sources]")
    if "grade" in spec and grade not in GRADES:
        problems.append(f"{where}: grade {grade!r} is unknown; allowed: {', '.join(GRADES)}")
    if grade in ("published", "analogous") and source == MODELLERS:
        problems.append(
            f"{where}: a {grade} value must cite the source that gives it, not {MODELLERS!r}"
        )
    if grade == "none" and source not in (MODELLERS, None):
        problems.append(
            f"{where}: graded none but cites {source!r}; cite {MODELLERS!r} or grade it by "
            "what the source gives"
        )
    span = note.sensitivity_range
    if span is not None and _is_number(value) and not span[0] <= value <= span[1]:
        problems.append(
            f"{where}: value {value} is outside the mechanism's sensitivity_range {list(span)}"
        )
    switch = span is None
    raw = spec.get("distribution")
    dist = None
    if raw is not None and switch:
        problems.append(f"{where}: a switch has no distribution; remove it")
    elif raw is not None and grade == "baseline":
        problems.append(
            f"{where}: a baseline value takes the {BASELINE} value's distribution; remove it"
        )
    elif raw is not None:
        dist = _distribution(where, raw, value, note, problems)
    elif not switch and grade in GRADES and grade != "baseline":
        problems.append(
            f"{where}: distribution is missing; a {grade} value needs "
            f'{{ shape = "triangular", low = ..., high = ... }} (shapes: {", ".join(SHAPES)})'
        )
    return PresetParameter(
        path=note.path,
        value=value,
        reason=str(spec.get("reason", "")),
        source=str(source or ""),
        grade=str(grade or ""),
        distribution=dist,
    )


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
    """A preset as its table gives it: a variant has only the values it changes."""
    entry = f"presets.{name}"
    if not isinstance(body, dict):
        problems.append(f"{entry}: must be a table")
        return None
    _unknown(entry, body, _PRESET_KEYS, problems)
    _texts(entry, body, _PRESET_TEXTS, problems)
    variant_of = body.get("variant_of")
    if variant_of is not None and not isinstance(variant_of, str):
        problems.append(f"{entry}: variant_of must be the name of a preset")
        variant_of = None
    cited = body.get("sources")
    if not isinstance(cited, list) or not cited or not all(isinstance(k, str) for k in cited):
        problems.append(f"{entry}: sources must be a list of keys of [sources]")
        cited = []
    for key in cited:
        if key not in sources:
            problems.append(f"{entry}: source {key!r} is not in [sources]")
    given = body.get("parameters")
    if not isinstance(given, dict):
        what = "the values it changes" if variant_of else "a value for every mechanism"
        problems.append(f"{entry}.parameters: missing; {what}")
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
        param = _parameter(where, spec, mechanisms[path], sources, problems)
        if param is not None:
            params[path] = param
    missing = [path for path in mechanisms if path not in given]
    if missing and variant_of is None:
        problems.append(f"{entry}.parameters: no value for {', '.join(missing)}")
    if variant_of is not None and not given:
        problems.append(f"{entry}.parameters: a variant must change at least one value")
    return Preset(
        name=name,
        title=str(body.get("title", "")),
        summary=str(body.get("summary", "")),
        sources=tuple(cited),
        # In the order of [mechanisms], so that every preset lists its values alike.
        parameters=tuple(params[path] for path in mechanisms if path in params),
        evidence=str(body.get("evidence", "")),
        uncertainty=str(body.get("uncertainty", "")),
        variant_of=variant_of,
    )


def _with_base(variant: Preset, presets: dict[str, Preset], problems: list[str]) -> Preset:
    """A variant with the values it does not change taken from its model."""
    entry = f"presets.{variant.name}"
    base = presets.get(str(variant.variant_of))
    if base is None or base.variant_of is not None:
        models = [name for name, p in presets.items() if p.variant_of is None]
        problems.append(
            f"{entry}: variant_of {variant.variant_of!r} is not an organisational model; "
            f"allowed: {', '.join(models)}"
        )
        return variant
    changed = {p.path: p for p in variant.parameters}
    for path, p in changed.items():
        before = next((b for b in base.parameters if b.path == path), None)
        if before is not None and before.value == p.value:
            problems.append(
                f"{entry}.parameters.{_quoted(path)}: value {p.value} is {base.name}'s own; "
                "a variant sets only what it changes"
            )
    params = tuple(changed.get(p.path, p) for p in base.parameters)
    return dataclasses.replace(variant, parameters=params)


def _share_baseline(preset: Preset, baseline: Preset, problems: list[str]) -> Preset:
    """Give each "baseline"-graded value the in-house value's distribution."""
    own = {p.path: p for p in baseline.parameters}
    params = []
    for p in preset.parameters:
        if p.grade == "baseline" and p.path in own and preset.name != baseline.name:
            if p.value != own[p.path].value:
                problems.append(
                    f"presets.{preset.name}.parameters.{_quoted(p.path)}: graded baseline but "
                    f"{p.value} is not the {baseline.name} value {own[p.path].value}"
                )
            p = dataclasses.replace(p, distribution=own[p.path].distribution)
        params.append(p)
    return dataclasses.replace(preset, parameters=tuple(params))


def load_presets(
    path: str | Path = PRESETS_FILE,
) -> tuple[dict[str, str], dict[str, MechanismNote], dict[str, Preset]]:
    """Read and check a presets file.

    Args:
        path: the TOML file (default: ``presets.toml`` beside this module).

    Returns:
        The sources (key: description), the mechanism notes (dotted path: note) and the
        presets (name: preset; a variant with every value, its model's where it changes
        none), each in file order.

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
    if bodies and (BASELINE not in presets or presets[BASELINE].variant_of is not None):
        problems.append(
            f"presets.{BASELINE}: missing; the baseline every other model is compared with"
        )
    for name, preset in presets.items():
        if preset.variant_of is not None:
            presets[name] = _with_base(preset, presets, problems)
    if BASELINE in presets:
        for name, preset in presets.items():
            presets[name] = _share_baseline(preset, presets[BASELINE], problems)
    _unknown("top level", raw, {"sources", "mechanisms", "presets"}, problems)
    if problems:
        raise PresetsError("\n".join(f"{path}: {problem}" for problem in problems))
    return sources, mechanisms, presets


SOURCES, MECHANISM_NOTES, PRESETS = load_presets()
MECHANISMS: tuple[str, ...] = tuple(MECHANISM_NOTES)
# The organisational models, and the variants that bracket them (both selectable by name).
ORGANISATIONAL_MODELS: tuple[str, ...] = tuple(n for n, p in PRESETS.items() if not p.variant_of)
VARIANTS: tuple[str, ...] = tuple(n for n, p in PRESETS.items() if p.variant_of)


def preset_values(name: str) -> dict[str, Any]:
    """The dotted-path parameter values of preset ``name``."""
    return {p.path: p.value for p in PRESETS[name].parameters}
