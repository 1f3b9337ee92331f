"""Experiment files: what to run, validated before anything runs.

An experiment file is TOML::

    name = "staffing"
    seed = 2026
    replications = 10
    baseline = "in_house"             # an arm label (default: the first arm)

    [scenario]                        # the base scenario every arm starts from
    file = "my_council.toml"          # optional, relative to this file
    preset = "in_house"
    years = 5
    warmup_days = 365
    set = { "workforce.establishment_fte" = 80 }

    [design]                          # factorial | latin_hypercube | list | morris | sobol
    kind = "factorial"
    factors = { "organisation.preset" = ["in_house", "mutual"] }

    [outputs]
    kpis = ["assessment.wait_median_days"]   # or "all"
    timeseries = ["waiting_for_assessment"]
    timeseries_every_days = 7
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable
from pathlib import Path
from typing import Annotated, Any, Literal

from carepath.sim.scenario import describe_errors
from carepath.sim.tomlfile import read_toml_text
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

DEFAULT_MODEL = "carepath.sim.model:CarePathwayModel"
# The most runs one experiment may plan: every run is a task, a manifest entry and a part, so
# a design past this is a typo (samples or replications), refused before anything is built.
MAX_RUNS = 1_000_000
Level = str | int | float | bool


class ExperimentError(ValueError):
    """An experiment that cannot be run: one line per problem, naming the field."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Range(_Strict):
    """A continuous factor sampled between ``low`` and ``high``."""

    low: float
    high: float
    integer: bool = Field(False, description="round sampled values to whole numbers")

    @model_validator(mode="after")
    def _ordered(self) -> Range:
        if not self.low < self.high:
            raise ValueError(f"low ({self.low}) must be below high ({self.high})")
        return self


class ArmSpec(_Strict):
    """One arm of an explicit list design."""

    label: Annotated[str, Field(min_length=1)]
    set: dict[str, Any] = Field(default_factory=dict, description="scenario path = value")


class BaseScenario(_Strict):
    """The scenario every arm starts from."""

    file: str | None = Field(None, description="scenario TOML, relative to the experiment file")
    preset: str | None = None
    years: Annotated[float, Field(gt=0, le=100)] | None = None
    warmup_days: Annotated[int, Field(ge=0)] | None = None
    set: dict[str, Any] = Field(default_factory=dict)


DesignKind = Literal["factorial", "latin_hypercube", "list", "morris", "sobol"]


class Design(_Strict):
    """How the arms are chosen."""

    kind: DesignKind = "factorial"
    factors: dict[str, list[Level] | Range] = Field(default_factory=dict)
    arms: list[ArmSpec] = Field(default_factory=list)
    samples: Annotated[int, Field(ge=1, le=100_000)] | None = Field(
        None, description="latin_hypercube: arms; sobol: base sample size (a power of 2)"
    )
    trajectories: Annotated[int, Field(ge=2, le=1000)] = 10
    levels: Annotated[int, Field(ge=2, le=20)] = 4
    second_order: bool = False
    analyse: list[str] = Field(
        default_factory=list, description="KPIs for sensitivity indices (default: all kept)"
    )

    @model_validator(mode="after")
    def _consistent(self) -> Design:
        kind = self.kind
        if kind == "list":
            if not self.arms:
                raise ValueError("a list design needs [[design.arms]] entries")
            if self.factors:
                raise ValueError("a list design takes arms, not factors")
            labels = [a.label for a in self.arms]
            if len(set(labels)) != len(labels):
                raise ValueError("arm labels must be unique")
            return self
        if self.arms:
            raise ValueError(f"design.arms is only for kind = 'list', not {kind!r}")
        if not self.factors:
            raise ValueError(f"a {kind} design needs at least one factor in design.factors")
        for path, factor in self.factors.items():
            if kind == "factorial" and not isinstance(factor, list):
                raise ValueError(f"factor {path!r}: a factorial design takes a list of levels")
            if isinstance(factor, list) and not factor:
                raise ValueError(f"factor {path!r}: needs at least one level")
            if kind in ("morris", "sobol") and not isinstance(factor, Range):
                raise ValueError(
                    f"factor {path!r}: {kind} needs a range {{ low = ..., high = ... }}"
                )
        if kind == "latin_hypercube" and self.samples is None:
            raise ValueError("a latin_hypercube design needs samples = N")
        if kind == "sobol" and (self.samples is None or self.samples & (self.samples - 1)):
            raise ValueError("a sobol design needs samples = a power of 2 (e.g. 64)")
        return self


class Outputs(_Strict):
    """What each run keeps."""

    kpis: list[str] | Literal["all"] = "all"
    timeseries: list[str] = Field(default_factory=list)
    timeseries_every_days: Annotated[int, Field(ge=1, le=365)] = 7


class Experiment(_Strict):
    """A whole experiment file."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    description: str = ""
    seed: Annotated[int, Field(ge=0, lt=2**63)]
    replications: Annotated[int, Field(ge=1, le=10_000)] = 1
    baseline: str | None = Field(None, description="label of the arm others are compared with")
    model: Annotated[str, Field(pattern=r"^[A-Za-z_][\w.]*:[A-Za-z_]\w*$")] = DEFAULT_MODEL
    scenario: BaseScenario = Field(default_factory=BaseScenario)
    design: Design
    outputs: Outputs = Field(default_factory=Outputs)


def level_text(value: Any) -> str:
    """How a factor level reads in an arm label (``60.0`` reads ``60``)."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value)


def arm_count(design: Design) -> int:
    """How many arms a design makes, counted without sampling them."""
    k = len(design.factors)
    if design.kind == "list":
        return len(design.arms)
    if design.kind == "factorial":
        return math.prod(len(levels) for levels in design.factors.values())
    if design.kind == "latin_hypercube":
        return design.samples or 1
    if design.kind == "morris":
        return design.trajectories * (k + 1)
    return (design.samples or 1) * (2 * k + 2 if design.second_order else k + 2)


def _plan_problems(experiment: Experiment) -> list[str]:
    design = experiment.design
    problems = []
    if design.kind == "factorial":
        # Arms are named by their levels, and the report finds arms by name: two levels
        # that read alike ([60, 60], or [1, "1", 1.0]) would make two arms with one name.
        for path, levels in design.factors.items():
            texts = [level_text(level) for level in levels]
            repeated = sorted({t for t in texts if texts.count(t) > 1})
            if repeated:
                problems.append(
                    f"design.factors.{path}: levels must differ; "
                    f"{', '.join(map(repr, repeated))} appears more than once"
                )
    arms = arm_count(design)
    runs = arms * experiment.replications
    if runs > MAX_RUNS:
        problems.append(
            f"design: {arms:,} arms × {experiment.replications:,} replications = {runs:,} runs; "
            f"an experiment may plan at most {MAX_RUNS:,} runs"
        )
    return problems


def parse_experiment(data: dict[str, Any]) -> Experiment:
    """Validate a parsed experiment file.

    Raises:
        ExperimentError: one line per invalid field.
    """
    try:
        experiment = Experiment.model_validate(data)
    except ValidationError as exc:
        raise ExperimentError(describe_errors(exc, Experiment)) from None
    problems = _plan_problems(experiment)
    if problems:
        raise ExperimentError("\n".join(problems))
    return experiment


def read_experiment(path: str | Path) -> tuple[Experiment, str]:
    """Read and validate an experiment file; returns it and its text.

    The name defaults to the file's stem.

    Raises:
        ExperimentError: if the file is missing, is not TOML, or holds invalid values.
    """
    return read_named_file(path, what="experiment", error=ExperimentError, parse=parse_experiment)


def read_named_file[T](
    path: str | Path, *, what: str, error: type[ValueError], parse: Callable[[dict], T]
) -> tuple[T, str]:
    """Read a TOML file of kind ``what`` and ``parse`` it; returns the result and the text.

    Its ``name`` defaults to the file's stem; each line of ``error`` is prefixed with the path.
    """
    path = Path(path)
    data, text = read_toml_text(path, what=what, error=error)
    data.setdefault("name", re.sub(r"[^A-Za-z0-9_.-]", "_", path.stem) or what)
    try:
        return parse(data), text
    except error as exc:
        lines = (f"{path}: {line}" for line in str(exc).splitlines())
        raise error("\n".join(lines)) from None
