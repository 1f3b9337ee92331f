"""Appraisal files: which options to weigh against the current arrangement, and how.

An appraisal file is TOML::

    name = "appraisal"
    seed = 2026
    current = "in_house"              # the arrangement the council has now (a preset)
    options = ["social_enterprise", "outsourced"]   # default: the seven organisational models
    draws = 100                       # Latin-hypercube draws of the options' uncertain values
    current_levels = 10               # draws of the current arrangement's (0: held at its values)
    replications = 1                  # common-random-number replications per draw
    horizon_years = 5                 # years appraised after the change
    warmup_days = 1825                # years before the change, under the current arrangement
    discount_rate = 0.035             # HM Treasury Green Book
    fork_warmup = true                # fork options from one warm-up (same results, faster)
    kpis = ["assessment.wait_median_days_community"]   # default: DEFAULT_KPIS

    [scenario]                        # the council every option is appraised on
    file = "my_council.toml"          # optional, relative to this file
    set = { "population.total" = 50000 }

    [scope.social_work_practice]      # an option that takes over part of the service
    groups = ["learning_disability", "mental_health"]   # and/or share = 0.5

    [uncertain]                       # council values no preset sets, drawn too
    "approval.checker_fte" = { title = "Council checking officers", low = 1, high = 4 }

    [decision]                        # the net benefit EVPPI and the ranking weigh
    count_nhs_delay_cost = true       # add the NHS cost of delayed discharges to council spend
    value_per_person_waiting_day = 0  # £ a day a person waits for assessment (no source)
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, Literal

from carepath.experiments.appraise.draws import acts_in_warmup
from carepath.experiments.spec import ExperimentError, read_named_file
from carepath.sim.measure.kpis import CATALOGUE, Better
from carepath.sim.presets import (
    MECHANISMS,
    ORGANISATIONAL_MODELS,
    PRESETS,
    field_bounds,
    scenario_field,
)
from carepath.sim.scenario import Scope, describe_errors
from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

# HM Treasury Green Book: the social time preference rate for the first 30 years.
GREEN_BOOK_RATE = 0.035
DEFAULT_KPIS = (
    "assessment.wait_median_days_community",
    "assessment.people_waiting_mean",
    "hospital.delayed_bed_days_per_year",
    "workforce.turnover_rate",
    "cost.total_per_year",
)
# Scenario paths the appraisal sets itself: the option, the change event and the run's length.
OWNED_PATHS = (
    "organisation.preset",
    "change.enabled",
    "change.current",
    "run.years",
    "run.warmup_days",
    "run.seed",
)


class AppraisalError(ExperimentError):
    """An appraisal that cannot be made: one line per problem, naming the field (exit 2)."""


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class Council(_Strict):
    """The council every option is appraised on."""

    file: str | None = Field(None, description="scenario TOML, relative to the appraisal file")
    set: dict[str, Any] = Field(default_factory=dict, description="scenario path = value")


class Decision(_Strict):
    """What the net benefit counts, in pounds over the horizon (discounted).

    Net benefit of an option = −(council spend) − (NHS cost of delayed discharges, if counted)
    − value_per_person_waiting_day × person-days waiting for assessment. Council spend includes
    set-up and transition; the delayed-discharge cost is priced by the scenario's
    ``hospital.bed_night_cost`` (King's Fund). No source values a day's wait for assessment, so
    it is 0 unless the committee sets it.
    """

    count_nhs_delay_cost: bool = True
    value_per_person_waiting_day: Annotated[float, Field(ge=0, le=10_000)] = 0.0


class Uncertain(_Strict):
    """A council value no preset sets whose size is uncertain, drawn in every appraisal.

    The distribution's ``value`` (the mode of a triangular one, the centre of a uniform one)
    is the council scenario's own value unless given.
    """

    title: str = Field("", description="what a councillor would call it (default: its path)")
    shape: Literal["triangular", "uniform"] = "triangular"
    low: float
    high: float
    value: float | None = None


# Paths an [uncertain] table may not draw: what the appraisal or the options set, or what
# decides the run's identity rather than a size.
_NOT_DRAWN = ("change.enabled", "change.current", "change.current_values", "change.day")


class Appraisal(_Strict):
    """A whole appraisal file."""

    name: Annotated[str, Field(pattern=r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")]
    description: str = ""
    seed: Annotated[int, Field(ge=0, lt=2**63)]
    current: str = "in_house"
    options: list[str] = Field(default_factory=lambda: list(ORGANISATIONAL_MODELS))
    draws: Annotated[int, Field(ge=1, le=10_000)] = 100
    current_levels: Annotated[int, Field(ge=0, le=10_000)] = Field(
        10,
        description="draws of the current arrangement's own uncertain values, each shared by "
        "a block of the option draws and each with its own warm-up (at most `draws`); 0 holds "
        "them at the preset's values",
    )
    replications: Annotated[int, Field(ge=1, le=1_000)] = 1
    horizon_years: Annotated[int, Field(ge=1, le=30)] = 5
    warmup_days: Annotated[int, Field(ge=0, le=3650)] = 1825
    discount_rate: Annotated[float, Field(ge=0, le=0.2)] = GREEN_BOOK_RATE
    kpis: list[str] = Field(default_factory=lambda: list(DEFAULT_KPIS))
    fork_warmup: bool = Field(
        True,
        description="run each replication's warm-up once per worker and fork every option "
        "from it (same results, about half the time); off: every run makes its own warm-up",
    )
    scenario: Council = Field(default_factory=Council)
    decision: Decision = Field(default_factory=Decision)
    scope: dict[str, Scope] = Field(
        default_factory=dict,
        description="the part of the service an option takes over, by option (client groups, "
        "a share of cases, the staff who move: change.scope); default: the whole service",
    )
    uncertain: dict[str, Uncertain] = Field(
        default_factory=dict,
        description="council values no preset sets, by scenario path, drawn like the options' "
        "(those of the change event, change.*, in every draw; the rest with the current "
        "arrangement's levels, as they act in the warm-up)",
    )

    @model_validator(mode="after")
    def _known(self) -> Appraisal:
        allowed = ", ".join(PRESETS)
        if self.current not in PRESETS:
            raise ValueError(f"current: unknown preset {self.current!r}; allowed: {allowed}")
        if not self.options:
            raise ValueError("options: needs at least one preset")
        for option in self.options:
            if option not in PRESETS:
                raise ValueError(f"options: unknown preset {option!r}; allowed: {allowed}")
        if len(set(self.options)) != len(self.options):
            raise ValueError("options: each preset may appear once")
        for key in self.kpis:
            kpi = CATALOGUE.get(key)
            if kpi is None or not kpi.numeric:
                raise ValueError(f"kpis: unknown KPI {key!r}; see `carepath kpis`")
            if kpi.better is Better.NEITHER:
                raise ValueError(f"kpis: {key!r} has no better direction to appraise")
        for path in self.scenario.set:
            if path in OWNED_PATHS:
                raise ValueError(
                    f"scenario.set: {path} is set by the appraisal (use current, options, "
                    "horizon_years, warmup_days or seed)"
                )
            if path in MECHANISMS:
                raise ValueError(
                    f"scenario.set: {path} is an option's value, drawn from its distribution; "
                    "edit sim/presets.toml or appraise a variant instead"
                )
        for option in self.scope:
            if option not in self.options or option == self.current:
                raise ValueError(
                    f"scope.{option}: not an option of this appraisal (the current "
                    "arrangement keeps the rest of the service, so it has no scope)"
                )
        for path, entry in self.uncertain.items():
            where = f"uncertain.{path}"
            if path in OWNED_PATHS or path in _NOT_DRAWN or path in MECHANISMS:
                raise ValueError(
                    f"{where}: set by the appraisal or by the options; allowed: a number of "
                    "the council's scenario that no preset sets"
                )
            info = scenario_field(path)
            if info is None or info.annotation not in (float, int):
                raise ValueError(f"{where}: not a number in the scenario (see docs/ODD.md)")
            bounds = field_bounds(path)
            if path in self.scenario.set:
                raise ValueError(f"{where}: also in scenario.set; give it in one place")
            low, low_in, high, high_in = bounds
            if not entry.low < entry.high:
                raise ValueError(f"{where}: low {entry.low:g} must be below high {entry.high:g}")
            if (
                entry.low < low
                or (entry.low == low and not low_in)
                or entry.high > high
                or (entry.high == high and not high_in)
            ):
                raise ValueError(
                    f"{where}: [{entry.low:g}, {entry.high:g}] must lie inside the field's "
                    f"limits {low:g} to {high:g}"
                )
            if self.current_levels == 0 and acts_in_warmup(path, self.current):
                raise ValueError(
                    f"{where}: acts in the warm-up, so it is drawn at the current "
                    "arrangement's levels; set current_levels to 1 or more"
                )
        return self

    @property
    def years(self) -> float:
        """The run's length: the warm-up and the horizon."""
        return self.warmup_days / 365 + self.horizon_years


def parse_appraisal(data: dict[str, Any]) -> Appraisal:
    """Validate a parsed appraisal file.

    Raises:
        AppraisalError: one line per invalid field.
    """
    try:
        return Appraisal.model_validate(data)
    except ValidationError as exc:
        text = describe_errors(exc, Appraisal)
        # A validator's own message already names its field; pydantic prefixes "Value error".
        raise AppraisalError(text.replace("Value error, ", "")) from None


def read_appraisal(path: str | Path) -> tuple[Appraisal, str]:
    """Read and validate an appraisal file; returns it and its text (name: the file's stem).

    Raises:
        AppraisalError: if the file is missing, is not TOML, or holds invalid values.
    """
    return read_named_file(path, what="appraisal", error=AppraisalError, parse=parse_appraisal)
