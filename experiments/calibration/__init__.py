"""Calibration targets: the published England figures the default scenario should reproduce.

The figures live in ``targets.toml`` beside this module, each with its source (the line of
``shared/reference/england_figures.md`` and the publication), how it is scaled to the council,
its tolerance, and whether ``carepath calibrate`` fits it (``use = "fit"``) or ``carepath
validate`` only reports it as an out-of-sample check (``use = "check"``).

``carepath calibrate`` is in ``fit``, ``carepath validate`` in ``validate``; the free
parameters they fit are listed in ``parameters.toml`` and the stationarity conditions in
``balance``.

Three kinds of entry:

- ``[[target]]``: a KPI of the run summary (``sim.metrics.summarise``) against a figure.
- ``[[input]]``: a figure taken directly as a scenario default (a unit cost, say); not fitted.
- ``[[unmapped]]``: a figure with no comparable KPI yet, and what would be needed to use it.

Example:
    >>> from experiments.calibration import load_targets, evaluate
    >>> targets = load_targets()
    >>> rows = evaluate(targets, [summary_1, summary_2], adults=200_000)  # doctest: +SKIP
"""

from __future__ import annotations

import math
import re
import statistics
from collections.abc import Iterable, Iterator, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Literal

from carepath.sim.tomlfile import read_toml

TARGETS_FILE = Path(__file__).with_name("targets.toml")

Use = Literal["fit", "check"]
Scale = Literal["none", "per_1000_adults", "per_council_adults"]
USES: tuple[str, ...] = ("fit", "check")
SCALES: tuple[str, ...] = ("none", "per_1000_adults", "per_council_adults")
SECTIONS: tuple[str, ...] = ("england", "target", "input", "unmapped")

_KEY = re.compile(r"^[a-z0-9_]+(\.[a-z0-9_]+)*$")
_NAME = re.compile(r"^[a-z][a-z0-9_]*$")


class CalibrationError(ValueError):
    """Bad input to ``carepath calibrate`` or ``validate``: one line per problem, naming it."""


class TargetsError(CalibrationError):
    """A targets file that cannot be used: one line per problem, naming the entry and field."""


@dataclass(frozen=True)
class Tolerance:
    """How far a simulated value may sit from the target: absolute (KPI units) or relative."""

    kind: Literal["absolute", "relative"]
    value: float

    def bounds(self, expected: float) -> tuple[float, float]:
        """The interval of accepted values around ``expected``."""
        width = self.value if self.kind == "absolute" else abs(expected) * self.value
        return expected - width, expected + width

    def __str__(self) -> str:
        return f"±{self.value:g}" if self.kind == "absolute" else f"±{self.value:.0%}"


@dataclass(frozen=True, kw_only=True)
class _Figure:
    """What every published figure carries: its value, how it scales, and where it is from."""

    name: str
    published: float
    unit: str
    scale: Scale
    tolerance: Tolerance
    source: str
    reference_line: int
    quote: str
    england_adults: float
    derivation: str = ""
    note: str = ""
    url: str = ""

    def expected(self, adults: float | None = None) -> float:
        """The figure on the council's scale.

        Args:
            adults: the council's adult population (needed for ``per_council_adults``;
                default: the default scenario's).
        """
        if self.scale == "per_1000_adults":
            return self.published / self.england_adults * 1000.0
        if self.scale == "per_council_adults":
            return self.published / self.england_adults * (adults or default_adults())
        return self.published

    def bounds(self, adults: float | None = None) -> tuple[float, float]:
        """The accepted interval on the council's scale."""
        return self.tolerance.bounds(self.expected(adults))

    def within(self, value: float | None, adults: float | None = None) -> bool:
        """True when ``value`` is a number inside the accepted interval."""
        if value is None or not math.isfinite(value):
            return False
        low, high = self.bounds(adults)
        return low <= value <= high


@dataclass(frozen=True, kw_only=True)
class Target(_Figure):
    """A published figure compared with a KPI of the run summary.

    Attributes:
        kpi: dotted key in the run summary, e.g. ``"demand.share_from_hospital"``.
        per: dotted keys whose sum divides the KPI (empty: the KPI is compared as it is).
        use: ``"fit"`` (calibrated to) or ``"check"`` (out-of-sample, reported only).
    """

    kpi: str
    per: tuple[str, ...] = ()
    use: Use

    @property
    def keys(self) -> tuple[str, ...]:
        """Every summary key this target reads."""
        return (self.kpi, *self.per)

    def measure(self, summary: Mapping[str, Any]) -> float:
        """The target's quantity in one run summary (NaN when a KPI is missing or undefined).

        Raises:
            KeyError: if a key is not in the summary at all.
        """
        value = _number(kpi_value(summary, self.kpi))
        if not self.per:
            return value
        denominator = sum(_number(kpi_value(summary, key)) for key in self.per)
        return value / denominator if denominator else math.nan


@dataclass(frozen=True, kw_only=True)
class InputFigure(_Figure):
    """A published figure used directly as the default of a scenario parameter."""

    parameter: str


@dataclass(frozen=True)
class Unmapped:
    """A published figure the summary has no comparable KPI for yet."""

    name: str
    unit: str
    source: str
    reference_line: int
    quote: str
    reason: str
    published: float | None = None


@dataclass(frozen=True)
class Calibration:
    """Everything in a targets file."""

    england_adults: float
    targets: tuple[Target, ...]
    inputs: tuple[InputFigure, ...]
    unmapped: tuple[Unmapped, ...]


@dataclass(frozen=True)
class Evaluation:
    """One target against the runs: their values, mean, and whether the mean is in tolerance."""

    target: Target
    values: tuple[float, ...]
    mean: float
    sd: float
    expected: float
    low: float
    high: float
    within: bool


# -- loading ----------------------------------------------------------------------------------
_COMMON = {
    "name": "the entry's identifier (lower_snake_case)",
    "published": "the figure as published, a number",
    "unit": "what the figure counts",
    "scale": f"one of {', '.join(SCALES)}",
    "tolerance": "{ absolute = X } or { relative = X }, X > 0",
    "source": "the publication the figure comes from",
    "reference_line": "its line number in england_figures.md",
    "quote": "a piece of that line",
}
_OPTIONAL = {
    "derivation": "how published was computed",
    "note": "caveats",
    "url": "where a figure that is not in england_figures.md was read (instead of reference_line)",
}
_TARGET = {
    **_COMMON,
    "kpi": "a dotted key of the run summary",
    "use": "fit or check",
}
_TARGET_OPTIONAL = {**_OPTIONAL, "per": "a dotted key, or a list of them, dividing the KPI"}
_INPUT = {**_COMMON, "parameter": "the dotted scenario field the figure sets"}
_UNMAPPED = {
    "name": _COMMON["name"],
    "unit": _COMMON["unit"],
    "source": _COMMON["source"],
    "reference_line": _COMMON["reference_line"],
    "quote": _COMMON["quote"],
    "reason": "why it cannot be compared yet, and the KPI that would allow it",
}
_ENGLAND = {
    "adults": "England's adult population",
    "source": _COMMON["source"],
    "reference_line": _COMMON["reference_line"],
    "quote": _COMMON["quote"],
}


class _Entry:
    """Reads the fields of one table, collecting a one-line problem for each bad field."""

    def __init__(self, label: str, raw: Any, problems: list[str]) -> None:
        self.label = label
        self.raw = raw if isinstance(raw, dict) else {}
        self.problems = problems
        if not isinstance(raw, dict):
            problems.append(f"{label}: must be a table")

    def check_keys(self, required: Mapping[str, str], optional: Mapping[str, str]) -> None:
        allowed = [*required, *optional]
        for key in self.raw:
            if key not in allowed:
                self.problems.append(
                    f"{self.label}: {key}: unknown field; allowed: {', '.join(allowed)}"
                )

    def _missing(self, key: str, what: str) -> None:
        self.problems.append(f"{self.label}: {key}: missing ({what})")

    def text(self, key: str, what: str, *, required: bool = True) -> str:
        value = self.raw.get(key)
        if value is None:
            if required:
                self._missing(key, what)
            return ""
        if not isinstance(value, str) or not value.strip():
            self.problems.append(f"{self.label}: {key}: must be non-empty text (got {value!r})")
            return ""
        return value.strip()

    def number(self, key: str, what: str, *, required: bool = True) -> float | None:
        value = self.raw.get(key)
        if value is None:
            if required:
                self._missing(key, what)
            return None
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.problems.append(f"{self.label}: {key}: must be a number (got {value!r})")
            return None
        if not math.isfinite(value):
            self.problems.append(f"{self.label}: {key}: must be finite (got {value!r})")
            return None
        return float(value)

    def line(self) -> int:
        value = self.raw.get("reference_line")
        if "url" in self.raw:
            # A figure from outside the shared reference is cited by its address instead.
            if value is not None:
                self.problems.append(f"{self.label}: reference_line: give it or url, not both")
            return 0
        if value is None:
            self._missing("reference_line", _COMMON["reference_line"])
            return 0
        if isinstance(value, bool) or not isinstance(value, int) or value < 1:
            self.problems.append(
                f"{self.label}: reference_line: must be a line number >= 1 (got {value!r})"
            )
            return 0
        return value

    def choice(self, key: str, allowed: Sequence[str]) -> str:
        value = self.raw.get(key)
        if value is None:
            self._missing(key, f"one of {', '.join(allowed)}")
            return allowed[0]
        if value not in allowed:
            self.problems.append(
                f"{self.label}: {key}: must be one of {', '.join(allowed)} (got {value!r})"
            )
            return allowed[0]
        return value

    def key_path(self, key: str, what: str) -> str:
        value = self.text(key, what)
        if value and not _KEY.match(value):
            self.problems.append(
                f"{self.label}: {key}: must be a dotted key such as demand.share_from_hospital "
                f"(got {value!r})"
            )
        return value

    def key_paths(self, key: str) -> tuple[str, ...]:
        value = self.raw.get(key)
        if value is None:
            return ()
        values = [value] if isinstance(value, str) else value
        if (
            not isinstance(values, list)
            or not values
            or not all(isinstance(v, str) and _KEY.match(v) for v in values)
        ):
            self.problems.append(
                f"{self.label}: {key}: must be a dotted key or a non-empty list of them "
                f"(got {value!r})"
            )
            return ()
        return tuple(values)

    def tolerance(self) -> Tolerance:
        value = self.raw.get("tolerance")
        fallback = Tolerance("absolute", 0.0)
        if value is None:
            self._missing("tolerance", _COMMON["tolerance"])
            return fallback
        if (
            not isinstance(value, dict)
            or len(value) != 1
            or next(iter(value)) not in ("absolute", "relative")
        ):
            self.problems.append(
                f"{self.label}: tolerance: give exactly one of absolute or relative, "
                f"e.g. {{ relative = 0.1 }} (got {value!r})"
            )
            return fallback
        kind, width = next(iter(value.items()))
        if (
            isinstance(width, bool)
            or not isinstance(width, int | float)
            or not math.isfinite(width)
            or width <= 0
        ):
            self.problems.append(
                f"{self.label}: tolerance: {kind} must be a positive number (got {width!r})"
            )
            return fallback
        if kind == "relative" and width >= 1:
            self.problems.append(
                f"{self.label}: tolerance: relative must be a share below 1 (got {width!r})"
            )
            return fallback
        return Tolerance(kind, float(width))


def _label(kind: str, index: int, raw: Any) -> str:
    name = raw.get("name") if isinstance(raw, dict) else None
    return f"{kind} {name!r}" if isinstance(name, str) and name else f"{kind} #{index + 1}"


def _figure_fields(entry: _Entry, england_adults: float) -> dict[str, Any]:
    name = entry.text("name", _COMMON["name"])
    if name and not _NAME.match(name):
        entry.problems.append(f"{entry.label}: name: must be lower_snake_case (got {name!r})")
    return {
        "name": name,
        "published": entry.number("published", _COMMON["published"]) or 0.0,
        "unit": entry.text("unit", _COMMON["unit"]),
        "scale": entry.choice("scale", SCALES),
        "tolerance": entry.tolerance(),
        "source": entry.text("source", _COMMON["source"]),
        "reference_line": entry.line(),
        "quote": entry.text("quote", _COMMON["quote"]),
        "url": entry.text("url", _OPTIONAL["url"], required=False),
        "england_adults": england_adults,
        "derivation": entry.text("derivation", "", required=False),
        "note": entry.text("note", "", required=False),
    }


def _tables(raw: dict[str, Any], key: str, problems: list[str]) -> list[Any]:
    value = raw.get(key, [])
    if not isinstance(value, list):
        problems.append(f"{key}: must be an array of tables ([[{key}]])")
        return []
    return value


def _entries(
    raw: dict[str, Any],
    kind: str,
    problems: list[str],
    required: Mapping[str, str],
    optional: Mapping[str, str],
) -> Iterator[_Entry]:
    """The ``[[kind]]`` tables of a targets file, each labelled and its keys checked."""
    for i, item in enumerate(_tables(raw, kind, problems)):
        entry = _Entry(_label(kind, i, item), item, problems)
        entry.check_keys(required, optional)
        yield entry


def parse(raw: dict[str, Any], origin: str = "targets") -> Calibration:
    """Validate a parsed targets file.

    Raises:
        TargetsError: one line per problem, naming the entry and the field.
    """
    problems: list[str] = []
    for key in raw:
        if key not in SECTIONS:
            problems.append(f"{key}: unknown section; allowed: {', '.join(SECTIONS)}")
    england = _Entry("england", raw.get("england"), problems)
    england.check_keys(_ENGLAND, {})
    adults = england.number("adults", _ENGLAND["adults"])
    if adults is not None and adults <= 0:
        problems.append(f"england: adults: must be positive (got {adults:g})")
        adults = None
    england.text("source", _ENGLAND["source"])
    england.line()
    england.text("quote", _ENGLAND["quote"])
    adults = adults or 1.0

    targets = [
        Target(
            **_figure_fields(entry, adults),
            kpi=entry.key_path("kpi", _TARGET["kpi"]),
            per=entry.key_paths("per"),
            use=entry.choice("use", USES),  # type: ignore[arg-type]
        )
        for entry in _entries(raw, "target", problems, _TARGET, _TARGET_OPTIONAL)
    ]
    inputs = [
        InputFigure(
            **_figure_fields(entry, adults),
            parameter=entry.key_path("parameter", _INPUT["parameter"]),
        )
        for entry in _entries(raw, "input", problems, _INPUT, _OPTIONAL)
    ]
    unmapped = [
        Unmapped(
            name=entry.text("name", _UNMAPPED["name"]),
            unit=entry.text("unit", _UNMAPPED["unit"]),
            source=entry.text("source", _UNMAPPED["source"]),
            reference_line=entry.line(),
            quote=entry.text("quote", _UNMAPPED["quote"]),
            reason=entry.text("reason", _UNMAPPED["reason"]),
            published=entry.number("published", "", required=False),
        )
        for entry in _entries(
            raw, "unmapped", problems, _UNMAPPED, {"published": _COMMON["published"]}
        )
    ]
    seen: set[str] = set()
    for entry in (*targets, *inputs, *unmapped):
        if entry.name and entry.name in seen:
            problems.append(f"{entry.name!r}: name: used by more than one entry")
        seen.add(entry.name)
    if not targets and not problems:
        problems.append("target: no [[target]] entries")
    if problems:
        raise TargetsError("\n".join(f"{origin}: {p}" for p in problems))
    return Calibration(adults, tuple(targets), tuple(inputs), tuple(unmapped))


def load(path: str | Path | None = None) -> Calibration:
    """Load and validate a targets file (default: ``targets.toml`` beside this module).

    Raises:
        TargetsError: if the file is missing, is not TOML, or holds an invalid entry.
    """
    path = Path(path) if path is not None else TARGETS_FILE
    raw = read_toml(path, what="targets", error=TargetsError)
    return parse(raw, origin=path.name)


def load_targets(path: str | Path | None = None) -> list[Target]:
    """The ``[[target]]`` entries of a targets file, in file order.

    Raises:
        TargetsError: see ``load``.
    """
    return list(load(path).targets)


# -- using ------------------------------------------------------------------------------------
def kpi_value(summary: Mapping[str, Any], key: str) -> Any:
    """The value at dotted ``key`` of a run summary.

    Raises:
        KeyError: naming the key and the part of it that is missing.
    """
    node: Any = summary
    parts = key.split(".")
    for depth, part in enumerate(parts):
        if not isinstance(node, Mapping) or part not in node:
            where = ".".join(parts[:depth]) or "the summary"
            raise KeyError(f"{key}: no {part!r} in {where}")
        node = node[part]
    return node


def missing_kpis(targets: Iterable[Target], summary: Mapping[str, Any]) -> list[str]:
    """One line for each summary key a target reads that ``summary`` lacks."""
    problems = []
    for target in targets:
        for key in target.keys:
            try:
                kpi_value(summary, key)
            except KeyError as exc:
                problems.append(f"target {target.name!r}: {exc.args[0]}")
    return problems


def default_adults() -> float:
    """Adults in the default scenario (the council the targets are scaled to by default)."""
    from carepath.sim.scenario import build_scenario

    return float(sum(build_scenario().population.band_sizes()))


def evaluate(
    targets: Iterable[Target],
    summaries: Sequence[Mapping[str, Any]],
    *,
    adults: float | None = None,
) -> list[Evaluation]:
    """Each target against replicated runs: mean of the runs and whether it is in tolerance.

    Runs where a KPI is undefined (``None``, e.g. no re-ablement completed) are left out of
    that target's mean; a target with no defined value is not within tolerance.

    Args:
        targets: the targets to evaluate.
        summaries: run summaries (``RunResults.summary`` or ``summary.json``), one per run.
        adults: the council's adults; default: the default scenario's.

    Raises:
        KeyError: if a summary lacks a key a target reads.
    """
    adults = adults or default_adults()
    rows = []
    for target in targets:
        values = tuple(target.measure(s) for s in summaries)
        finite = [v for v in values if math.isfinite(v)]
        mean = statistics.fmean(finite) if finite else math.nan
        sd = statistics.stdev(finite) if len(finite) > 1 else math.nan
        low, high = target.bounds(adults)
        rows.append(
            Evaluation(
                target=target,
                values=values,
                mean=mean,
                sd=sd,
                expected=target.expected(adults),
                low=low,
                high=high,
                within=target.within(mean, adults),
            )
        )
    return rows


def _number(value: Any) -> float:
    if value is None:
        return math.nan
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise TypeError(f"not a number: {value!r}")
    return float(value)
