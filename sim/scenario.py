"""The scenario schema: every input of a run, validated, with defaults for a typical council.

Defaults describe a typical English council of 250,000 people, scaled from the national
figures in ``shared/reference/england_figures.md`` (England: about 45 million adults).
Where a default is a behavioural assumption rather than a published figure, its description
says so; ``carepath calibrate`` fits some of those to published figures and writes the fitted
values, with a record of how they were obtained, to ``sim/calibrated.toml``.

Scenarios are built in layers: schema defaults, then the calibrated values
(``sim/calibrated.toml``), then the organisational preset's parameters, then the user's
scenario file, then explicit overrides (``--set path=value``). Absolute figures that grow with
the council (staff, places, hours, money) are then sized to ``population.total``, per head,
unless the user gave them (``sim/sizing.py``).
"""

from __future__ import annotations

import copy
import functools
import math
import tomllib
from pathlib import Path
from typing import Annotated, Any, Literal, NamedTuple

from carepath.sim.sizing import PER_HEAD, PER_HEAD_NOTE, fixed_paths, resize
from carepath.sim.tomlfile import read_toml
from pydantic import (
    BaseModel,
    ConfigDict,
    Field,
    ValidationError,
    ValidationInfo,
    field_validator,
    model_validator,
)

Share = Annotated[float, Field(ge=0.0, le=1.0)]
# The mean of a Beta distribution of need. Not closer to 0 or 1 than this: mean x concentration
# (and 1 - mean) must stay a positive normal number, or numpy refuses the draw mid-run.
BetaMean = Annotated[float, Field(ge=1e-6, le=1.0 - 1e-6)]
PositiveFloat = Annotated[float, Field(gt=0.0, allow_inf_nan=False)]
NonNegativeFloat = Annotated[float, Field(ge=0.0, allow_inf_nan=False)]
# An effect in an exponent, exp(effect x d) with |d| <= 1: past about 709 the hazard overflows.
# 100 already multiplies a hazard by e^100 (about 10^43); the limit keeps it finite.
EXP_EFFECT_MAX = 100.0
ExpEffect = Annotated[float, Field(ge=0.0, le=EXP_EFFECT_MAX, allow_inf_nan=False)]
LOGNORMAL_SPREAD_MAX = 1e6
PATHWAY_HOURS_MIN = 1e-6  # a week, per worker: about 4 ms
WEEKDAYS_A_YEAR = 365.25 * 5 / 7  # a five-day week's working days before leave (260.9)
DURATION_MAX = 1e9  # days or hours: the limit of every field named *_days, *_hours, hours_mean

AGE_BANDS = ("adults_18_64", "aged_65_84", "aged_85_plus")
FACS_THRESHOLDS: dict[str, float] = {
    # Need score (0 = none, 1 = total dependence) at which a band starts. The Care Act 2014
    # national threshold sits near FACS "substantial"; Birmingham's "super-critical" plan
    # (seed 001) sits above "critical".
    "low": 0.15,
    "moderate": 0.3,
    "substantial": 0.45,
    "critical": 0.6,
    "super_critical": 0.72,
}
EligibilityBand = Literal["low", "moderate", "substantial", "critical", "super_critical"]
# Said by the description of every parameter `carepath calibrate` fits.
FITTED = "Fitted by `carepath calibrate` (sim/calibrated.toml); this default is where it starts."


class Section(BaseModel):
    """Base of every scenario section: unknown fields are errors, values are immutable."""

    model_config = ConfigDict(extra="forbid", frozen=True, validate_default=True)

    @field_validator("*", mode="before")
    @classmethod
    def _no_bool_for_numbers(cls, value: Any, info: ValidationInfo) -> Any:
        # pydantic reads true as 1 and false as 0 for a number: `run.years = true` would run a
        # year. A number field takes numbers only.
        if info.field_name is not None and _is_bool_for_number(
            value, cls.model_fields[info.field_name].annotation
        ):
            raise ValueError("must be a number, not true or false")
        return value

    @field_validator("*")
    @classmethod
    def _finite_durations(cls, value: Any, info: ValidationInfo) -> Any:
        # Durations feed random draws (an exponential or lognormal up to ~40 times the mean)
        # and the calendar, which files a timer under int(time): a mean near 1e308 draws
        # infinity and the run fails. A limit far beyond any run (at most 50 years) keeps
        # every draw finite; a longer one means "never" all the same.
        name = info.field_name or ""
        timed = name.endswith(("_days", "_hours")) or name == "hours_mean"
        if timed and isinstance(value, float) and value > DURATION_MAX:
            raise ValueError(
                f"must be at most {DURATION_MAX:.0e} (beyond any run; larger durations overflow)"
            )
        return value


def _is_bool_for_number(value: Any, annotation: Any) -> bool:
    numbers = (int, float)
    if isinstance(value, bool):
        return annotation in numbers or (
            getattr(annotation, "__args__", None) is not None
            and bool(set(annotation.__args__) & set(numbers))
            and bool not in annotation.__args__
        )
    if isinstance(value, list | tuple) and getattr(annotation, "__origin__", None) is tuple:
        return any(isinstance(v, bool) for v in value)
    return False


class BandValues(Section):
    """A value for each adult age band."""

    adults_18_64: NonNegativeFloat
    aged_65_84: NonNegativeFloat
    aged_85_plus: NonNegativeFloat

    def as_tuple(self) -> tuple[float, float, float]:
        """Values in the order of ``AGE_BANDS``."""
        return (self.adults_18_64, self.aged_65_84, self.aged_85_plus)


WARMUP_DAYS_MAX = 5 * 365


class RunSettings(Section):
    """How long to run and with which seed."""

    years: Annotated[float, Field(gt=0, le=50, description="Simulated years.")] = 10.0
    warmup_days: Annotated[
        int | None,
        Field(
            ge=0,
            le=3650,
            description=(
                "Days left out of the KPI summary; default: half the run, at most five years "
                "(the synthetic initial state takes about five years to settle)."
            ),
        ),
    ] = None
    seed: Annotated[
        int | None,
        Field(
            ge=0,
            lt=2**63,
            description=(
                "Root of all random streams. None: each run draws fresh entropy (as Mesa models "
                "do) and records the seed it drew in its summary, so it can be repeated."
            ),
        ),
    ] = None

    @field_validator("years")
    @classmethod
    def _at_least_a_day(cls, years: float) -> float:
        # The model steps whole days (round(years * 365)): under one day it would simulate one
        # day, or none, and report the fraction asked for. Refused rather than rounded up, so
        # the years a summary reports are the years simulated, to the nearest day.
        if years * 365 < 1:
            raise ValueError(f"must be at least one day, 1/365 = {1 / 365:.5f} years")
        return years

    @model_validator(mode="after")
    def _warmup_inside_run(self) -> RunSettings:
        if self.warmup_days is not None and self.warmup_days >= self.years * 365:
            raise ValueError(
                f"warmup_days ({self.warmup_days}) must be shorter than the run ({self.years} years)"
            )
        return self

    @property
    def warmup(self) -> int:
        """The warm-up in days actually used."""
        if self.warmup_days is not None:
            return self.warmup_days
        # From the synthetic day-0 state (a caseload, a waiting list, no reviews overdue) care
        # homes refill, overdue reviews build up and the waiting list grows for about five
        # years before the lists hold (docs/validation.md), so that much is left out.
        return min(WARMUP_DAYS_MAX, int(self.years * 365) // 2)


Residents = Annotated[int, Field(ge=1_000, le=20_000_000)]


class Population(Section):
    """The council's resident population (a generator of contacts, not a set of agents)."""

    total: Residents = Field(250_000, description="Residents of the council, all ages.")
    provision: Literal["per_head", "absolute"] = Field(
        "per_head",
        description=(
            "per_head: the fields marked 'Per head' that the scenario does not give are scaled "
            "by total / sized_for (the same staff, places, home-care hours and budget per "
            "resident); absolute: every value is used as it stands."
        ),
    )
    sized_for: Residents = Field(
        250_000,
        description=(
            "Residents the per-head fields' values are written for: 250,000 for the defaults, "
            "calibrated values and presets. A resolved scenario holds its own total here, so "
            "building it again changes nothing; a scenario file that gives sized_for has its "
            "per-head figures scaled too."
        ),
    )
    age_shares: BandValues = Field(
        default=BandValues(
            # ONS mid-year estimates, England: about 61% aged 18-64, 17% 65-84, 2.4% 85+.
            adults_18_64=0.608,
            aged_65_84=0.168,
            aged_85_plus=0.024,
        ),
        description=(
            "Share of residents in each adult age band (ONS mid-year estimates for England); the "
            "rest are children."
        ),
    )

    @model_validator(mode="after")
    def _shares_fit(self) -> Population:
        if sum(self.age_shares.as_tuple()) > 1.0 + 1e-9:
            raise ValueError("age_shares must add up to at most 1 (the rest are children)")
        if sum(self.age_shares.as_tuple()) == 0.0:  # rates per adult would divide by zero
            raise ValueError("age_shares must have at least one band above 0 (no adults)")
        return self

    def band_sizes(self) -> tuple[float, float, float]:
        """People in each adult age band."""
        return tuple(self.total * s for s in self.age_shares.as_tuple())  # type: ignore[return-value]


class NeedDistribution(Section):
    """A Beta distribution of the need score (0-1), given by its mean and concentration."""

    mean: BetaMean
    concentration: Annotated[float, Field(gt=0.5, le=200.0)]


class Demand(Section):
    """Contacts from the community and the traits of the people who make them."""

    requests_per_person_year: BandValues = Field(
        default=BandValues(adults_18_64=0.01116, aged_65_84=0.06402, aged_85_plus=0.19885),
        description=(
            "Community requests for support per resident per year. England: 2.09M requests "
            "for 45M adults (ASC-FR 2023-24), 71% from people 65+, about 4 in 5 from the "
            "community; the hospital supplies the rest, and self-funders whose savings ran "
            "down and young people from children's services (routes.*) about 3%, so the "
            "rates sized before those routes existed (0.0115, 0.066, 0.205) are 3% lower."
        ),
    )
    need_at_contact: NeedDistribution = Field(
        default=NeedDistribution(mean=0.3, concentration=5.0),
        description=(
            "Beta distribution (mean, concentration) of the need score of a first contact from the "
            "community, for the baseline client group (physical support); other groups shift the "
            "mean (clients.*.need_shift). Assumption."
        ),
    )
    informal_carer_share: Share = Field(0.5, description="Assumption: half have a carer.")
    self_funder_share: BandValues = Field(
        default=BandValues(adults_18_64=0.05, aged_65_84=0.25, aged_85_plus=0.3),
        description="Share who would pay for their own care (assumption from self-funder studies).",
    )
    deterioration_per_year: PositiveFloat = Field(
        0.06, description="Mean rise in need score a year (individual rates vary, gamma shape 2)."
    )
    deterioration_by_age: BandValues = Field(
        default=BandValues(adults_18_64=0.3, aged_65_84=1.0, aged_85_plus=1.3),
        description=(
            "Multiplies a rising need's drift by age band (assumption): frailty speeds up with "
            "age, while a working-age adult's physical disability is mostly stable. With one "
            "rate at every age, long-lived younger clients drifted into care homes at ten times "
            "England's rate (ASCOF 2A)."
        ),
    )
    signpost_below_need: Share = Field(
        0.2,
        description=(
            "Triage: below this need a contact is given information and advice (assumption). "
            + FITTED
        ),
    )
    low_level_below_need: Share = Field(
        0.33,
        description=(
            "Triage: below this need a contact gets low-level support and closes (assumption). "
            + FITTED
        ),
    )
    withdraw_per_year_waiting: NonNegativeFloat = Field(
        0.5, description="Hazard of giving up while waiting for an assessment (per year)."
    )
    recontact_share: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.29,
        description=(
            "Chance that someone who left without long-term care asks again: 1 / (1 - share) "
            "requests per person, 1.4 in England (ASC-FR 2018-19)."
        ),
    )
    recontact_mean_days: PositiveFloat = Field(
        180.0, description="Mean time before such a repeat request."
    )

    @model_validator(mode="after")
    def _triage_order(self) -> Demand:
        if self.low_level_below_need < self.signpost_below_need:
            raise ValueError("low_level_below_need must be at least signpost_below_need")
        return self


class Mortality(Section):
    """Death hazards of people known to social care."""

    annual_hazard: BandValues = Field(
        default=BandValues(adults_18_64=0.03, aged_65_84=0.09, aged_85_plus=0.2),
        description=(
            "Death hazard a year at need 0.5. Sized so that long-term clients turn over at about "
            "27% a year, as in England (858,720 served in 2023-24, 629,050 at year end)."
        ),
    )
    need_effect: ExpEffect = Field(
        3.0, description="Hazard multiplies by exp(need_effect * (need - 0.5))."
    )
    care_home_multiplier: PositiveFloat = Field(
        1.2,
        description=(
            "Death hazard multiplier in a care home, beyond what need holds (assumption; "
            "pinned by the Bupa stays of residents who died, Forder and Fernandez 2011). " + FITTED
        ),
    )
    leave_long_term_care_per_year: NonNegativeFloat = Field(
        0.18,
        description=(
            "Hazard of leaving council-funded long-term care other than by death or NHS "
            "continuing healthcare (routes.continuing_healthcare_*): moving away, becoming "
            "self-funding, support ending; assumption. " + FITTED
        ),
    )
    care_home_leave_factor: Annotated[float, Field(ge=0.0, le=1.0, allow_inf_nan=False)] = Field(
        0.2,
        description=(
            "Multiplies that hazard for care-home residents, who rarely move away or stop "
            "needing care; assumption (no published rate of leaving a home other than by death "
            "was found), so care-home stays end mostly by death as in Forder and Fernandez "
            "(2011)."
        ),
    )


class Hospital(Section):
    """The acute trust: admissions, length of stay, discharge pathways and delays."""

    admissions_per_person_year: BandValues = Field(
        default=BandValues(adults_18_64=0.0055, aged_65_84=0.055, aged_85_plus=0.16),
        description=(
            "Emergency admissions per resident per year of people not yet known to social care "
            "(assumption sized so that about 1 in 5 requests come from hospital)."
        ),
    )
    pathway_shares: tuple[Share, Share, Share, Share] = Field(
        (0.55, 0.40, 0.04, 0.01),
        description="Discharge pathways 0-3 (DHSC 2020: P0 >= 50%, P1 <= 45%, P2 <= 4%, P3 <= 1%).",
    )
    # Open at both ends: each is a beta distribution's mean, whose shapes must be positive.
    need_by_pathway: tuple[BetaMean, BetaMean, BetaMean] = Field(
        (0.45, 0.55, 0.85), description="Mean need score of patients discharged on pathways 1-3."
    )
    length_of_stay_mean_days: PositiveFloat = Field(
        9.0, description="Mean days from admission to medical fitness (lognormal; assumption)."
    )
    length_of_stay_sd_days: PositiveFloat = Field(
        8.0, description="Standard deviation of that time (assumption)."
    )
    # At most one admission a day on average: each admission of a known client is an event of
    # its own that redraws the next, so a rate of 3e307 (accepted before) made a 3-day run take
    # seconds and a 10-year one never end (found by the scenario fuzz campaign).
    client_admissions_per_year: Annotated[float, Field(ge=0.0, le=365.0, allow_inf_nan=False)] = (
        Field(0.45, description="Admission hazard of people receiving long-term care (per year).")
    )
    need_rise_on_admission: Share = Field(
        0.06, description="Need added when a known client is admitted (assumption)."
    )
    package_hold_days: NonNegativeFloat = Field(
        7.0, description="Days a home-care package is held open while its client is in hospital."
    )
    self_funder_arrangement_days: NonNegativeFloat = Field(
        5.0,
        description=(
            "Mean days a self-funder takes to arrange their own care once medically fit "
            "(exponential; assumption)."
        ),
    )
    bed_night_cost: NonNegativeFloat = Field(
        395.0, description="Delayed night, King's Fund 2022/23."
    )

    @model_validator(mode="after")
    def _pathways_sum(self) -> Hospital:
        if not math.isclose(sum(self.pathway_shares), 1.0, abs_tol=1e-6):
            raise ValueError("pathway_shares must add up to 1")
        # The lognormal's sigma² = log(1 + (sd / mean)²) overflows for ratios near 1e154;
        # a ratio of a million already puts nearly every stay within minutes of zero.
        if self.length_of_stay_sd_days > LOGNORMAL_SPREAD_MAX * self.length_of_stay_mean_days:
            raise ValueError(
                "length_of_stay_sd_days / length_of_stay_mean_days must be at most "
                f"{LOGNORMAL_SPREAD_MAX:,.0f} (the lognormal's arithmetic must stay finite); got "
                f"{self.length_of_stay_sd_days:g} / {self.length_of_stay_mean_days:g}"
            )
        return self


class Workforce(Section):
    """The provider's social workers."""

    establishment_fte: Annotated[float, Field(gt=0, le=20_000)] = Field(
        80.0,
        description=(
            "Funded social-worker posts. England: 16,200 employed + 1,900 agency for 45M adults "
            "(Skills for Care 2023) is about 80 per 200,000 adults. " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    hours_per_week: Annotated[float, Field(gt=0, le=60)] = Field(
        37.0, description="Contracted weekly hours of a social worker (NJC 37-hour week)."
    )
    annual_leave_days: Annotated[float, Field(ge=0, le=60)] = Field(
        26.5,
        description=(
            "Days of annual leave a year: the NJC minimum is 25 days under five years' service "
            "and 28 after (midpoint; https://slcc.co.uk/?p=30449)."
        ),
    )
    bank_holidays: Annotated[float, Field(ge=0, le=20)] = Field(
        8.0, description="Public holidays a year (NJC: 8)."
    )
    sickness_days: Annotated[float, Field(ge=0, le=60)] = Field(
        10.7,
        description=(
            "Days of sickness absence a year: 10.7 for local-authority adult-services staff "
            "in 2019-20 (https://healthcareandprotection.com/33645-2 [secondary]; no figure "
            "for social workers alone was found)."
        ),
    )
    training_days: Annotated[float, Field(ge=0, le=60)] = Field(
        5.0,
        description=(
            "Days of training a year (assumption: Social Work England sets no number of CPD days)."
        ),
    )
    admin_share: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.35, description="Share of working time on administration and bureaucracy (assumption)."
    )
    pathway_time_share: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        0.6,
        description=(
            "Share of client time that goes to this pathway (assessments, reviews); the rest is "
            "safeguarding, mental capacity and other statutory work not modelled (assumption). "
            + FITTED
        ),
    )
    hourly_cost: NonNegativeFloat = Field(54.0, description="PSSRU 2025 unit cost, £/hour.")
    agency_premium: NonNegativeFloat = Field(0.5, description="Agency staff cost this much more.")
    annual_turnover: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.145, description="Leaving hazard at neutral morale (Skills for Care 2023: 14.5%)."
    )
    initial_vacancy_rate: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.105, description="Vacant share of posts on day 0 (Skills for Care 2023: 10.5%)."
    )
    recruitment_mean_days: PositiveFloat = Field(
        260.0,
        description=(
            "Mean time to fill a post; the default is vacancy rate / turnover (10.5%/14.5% a "
            "year). " + FITTED
        ),
    )
    agency_cover_share: Share = Field(
        1.0,
        description=(
            "Share of vacancies covered by an agency locum. England's councils had about 1,900 "
            "agency social workers and about 1,900 vacancies (10.5% of some 18,100 posts; Skills "
            "for Care, Sept 2023): cover is close to complete."
        ),
    )
    agency_start_days: NonNegativeFloat = Field(
        14.0, description="Days before an agency locum starts in a vacated post."
    )
    max_caseload: Annotated[int, Field(ge=1, le=500)] = Field(
        20,
        description=(
            "Cases in progress (allocated, not yet in service or closed) a worker can hold "
            "before taking no new ones."
        ),
    )
    manageable_caseload: Annotated[float, Field(gt=0, le=500)] = Field(
        10.0, description="Cases in progress above which morale falls."
    )
    base_morale: Share = Field(
        0.6,
        description=(
            "Morale (0-1) with a manageable caseload and no organisational change; leaving hazard "
            "is annual_turnover at this morale."
        ),
    )
    morale_effect_on_turnover: ExpEffect = Field(
        3.0, description="Leaving hazard multiplies by exp(effect * (base_morale - morale))."
    )
    caseload_effect_on_morale: NonNegativeFloat = Field(
        0.3,
        description=(
            "Fall in target morale per unit of overload (caseload / manageable caseload − 1)."
        ),
    )
    typical_backlog_per_worker: PositiveFloat = Field(
        25.0,
        description=(
            "People waiting for an assessment plus overdue reviews per social worker in post "
            "in England, at which the team's backlog neither lifts nor lowers morale: (249,589 "
            "waiting + 210,106 reviews overdue, ADASS 2023) / about 18,000 council adult social "
            "workers (Skills for Care 2023)."
        ),
    )
    backlog_effect_on_morale: NonNegativeFloat = Field(
        0.05,
        description=(
            "Morale falls by this much for each doubling of the team's backlog per worker above "
            "typical, and rises by as much for each halving (at most three). An assumption: "
            "staff surveys name waiting lists among the pressures that drive leaving, but give "
            "no size."
        ),
    )
    new_starter_productivity: Annotated[float, Field(gt=0, le=1)] = Field(
        0.7, description="Productivity of a permanent recruit in their first 180 days."
    )

    @property
    def working_share(self) -> float:
        """Share of weekdays a worker is at work: not on leave, a holiday, sick or training."""
        absent = self.annual_leave_days + self.bank_holidays + self.sickness_days
        return (WEEKDAYS_A_YEAR - absent - self.training_days) / WEEKDAYS_A_YEAR

    @property
    def working_hours_per_day(self) -> float:
        """Hours a calendar day a worker in post is at work, averaged over the year.

        PSSRU's unit costs are per working hour, so pay is this times ``hourly_cost``.
        """
        return self.hours_per_week / 7.0 * self.working_share

    @model_validator(mode="after")
    def _some_pathway_time(self) -> Workforce:
        # Work is paced by hours / a worker's pathway hours a day: a product of tiny shares
        # underflows to 0 and the division fails.
        absent = self.annual_leave_days + self.bank_holidays + self.sickness_days
        if absent + self.training_days > WEEKDAYS_A_YEAR - 1.0:
            raise ValueError(
                "annual_leave_days + bank_holidays + sickness_days + training_days must leave "
                f"at least one working day of the {WEEKDAYS_A_YEAR:g} weekdays a year"
            )
        least = (
            self.hours_per_week
            * self.working_share
            * (1.0 - self.admin_share)
            * self.pathway_time_share
            * self.new_starter_productivity
            * 0.85  # the lowest morale factor of workforce.SocialWorker.daily_pathway_hours
        )
        if least < PATHWAY_HOURS_MIN:
            raise ValueError(
                "hours_per_week x working_share x (1 - admin_share) x pathway_time_share x "
                "new_starter_productivity, a worker's hours a week for the pathway, must be at "
                f"least {PATHWAY_HOURS_MIN:g} (time divided by it must stay finite); got {least:g}"
            )
        return self


class Assessment(Section):
    """Social-worker time needed for assessments and reviews."""

    hours_mean: PositiveFloat = Field(
        12.0,
        description="Worker hours per assessment, visits and write-up (assumption). " + FITTED,
    )
    min_elapsed_days: NonNegativeFloat = Field(
        3.0,
        description="Calendar days an assessment takes at least (visits, information from others).",
    )
    review_hours: PositiveFloat = Field(
        4.0, description="Worker hours per review of a long-term client (assumption)."
    )
    review_time_share: Share = Field(
        0.15,
        description=(
            "Share of the team's pathway hours planned for reviews of long-term clients: while "
            "both lists have people on them, reviews get this share and community assessments "
            "the rest (0 = reviews only when nobody waits for an assessment; assumption). " + FITTED
        ),
    )
    review_interval_days: Annotated[float, Field(ge=30, le=3650)] = Field(
        365.0,
        description=(
            "Planned days between reviews of a long-term client (Care Act guidance: at least "
            "every 12 months; many councils fall behind). " + FITTED
        ),
    )


class WaitingList(Section):
    """How the community waiting list for assessment is ordered (``sim/mechanisms/waiting_list.py``)."""

    prioritise: bool = Field(
        False,
        description=(
            "Triage community requests into urgent, high and routine priority by need and take "
            "them in that order, routine cases aging upwards; off: one first-come first-served "
            "list. Most councils prioritise by risk (ADASS surveys); a choice of the scenario."
        ),
    )
    urgent_need: Share = Field(
        0.72,
        description=(
            "Need at or above which a request is urgent (assumption: the FACS 'super-critical' "
            "score, 0.72; no published triage threshold maps onto the model's need score)."
        ),
    )
    high_need: Share = Field(
        0.6,
        description=(
            "Need at or above which a request is high priority (assumption: the FACS "
            "'critical' score, 0.6)."
        ),
    )
    aged_high_days: Annotated[float, Field(gt=0.0, le=3650.0)] = Field(
        182.0,
        description=(
            "Days of waiting after which a routine case is reviewed up to high priority "
            "(assumption: six months; councils' 'waiting well' policies differ and none "
            "publishes a rule the model could take)."
        ),
    )
    aged_urgent_days: Annotated[float | None, Field(gt=0.0, le=3650.0)] = Field(
        None,
        description=(
            "Days of waiting after which any case becomes urgent; empty: never by age alone "
            "(assumption)."
        ),
    )
    review_days: Annotated[float, Field(ge=1, le=91)] = Field(
        7.0,
        description=(
            "Days between reviews of the list, when rising need and age move people up "
            "(assumption: weekly, as a duty worker would)."
        ),
    )
    # The council's response to a long list (sim/mechanisms/queue_response.py); off here.
    target_wait_days: Annotated[float, Field(gt=0.0, le=365.0)] = Field(
        28.0,
        description=(
            "Wait for an assessment the council holds reasonable: beyond it, it engages extra "
            "staff (sourced: Leicestershire County Council took 28 days, "
            "https://democracy.leics.gov.uk/mgAi.aspx?ID=73109; the Ombudsman deems four to "
            "six weeks reasonable, https://www.communitycare.co.uk/2021/07/16/"
            "7000-waiting-six-months-social-care-assessments/)."
        ),
    )
    extra_staff_per_overshoot: Annotated[float, Field(ge=0.0, le=2.0)] = Field(
        0.0,
        description=(
            "Agency social workers engaged beyond the establishment, as a share of funded "
            "posts, for each 100% by which the expected wait exceeds target_wait_days; 0: none "
            "(assumption: councils buy locum and external assessment capacity to clear lists, "
            "as Lincolnshire's FOI request asks of them, "
            "https://www.lincolnshire.gov.uk/directory-record/76024/adult-social-care-waiting-lists; "
            "no source gives how much)."
        ),
    )
    max_extra_staff_share: Annotated[float, Field(ge=0.0, le=1.0)] = Field(
        0.2,
        description=(
            "Most extra agency staff the council engages for its list, as a share of funded "
            "posts (assumption: what a budget and the agency market allow; no source)."
        ),
    )

    @model_validator(mode="after")
    def _bands_in_order(self) -> WaitingList:
        if self.high_need > self.urgent_need:
            raise ValueError(
                f"high_need ({self.high_need}) must not be above urgent_need ({self.urgent_need})"
            )
        if self.aged_urgent_days is not None and self.aged_urgent_days < self.aged_high_days:
            raise ValueError(
                f"aged_urgent_days ({self.aged_urgent_days}) must not be below aged_high_days "
                f"({self.aged_high_days})"
            )
        return self


class Practice(Section):
    """The practice approach of the social workers."""

    strengths_based: bool = Field(
        False, description="Barnet's strengths-based approach (seed 004)."
    )
    strengths_extra_hours_share: NonNegativeFloat = Field(
        0.2, description="Longer conversations: extra assessment time (assumption)."
    )
    strengths_community_uplift: Share = Field(
        0.1, description="Extra chance that family/community resources meet an eligible need."
    )
    strengths_package_reduction: Share = Field(
        0.1, description="Smaller packages when a carer shares the support (assumption)."
    )
    community_resolution_share: Share = Field(
        0.08,
        description=(
            "Chance that an eligible need is met without a funded package (family, community, "
            "equipment; assumption). " + FITTED
        ),
    )
    creative_support_share: Share = Field(
        0.0, description="Extra resolution from flexible, creative use of resources (SWP, 003)."
    )


class Eligibility(Section):
    """Eligibility and the choice of service after assessment."""

    threshold: EligibilityBand = Field(
        "substantial",
        description=(
            "FACS band from which needs are eligible; need scores: low 0.15, moderate 0.3, "
            "substantial 0.45, critical 0.6, super_critical 0.72 (Birmingham's plan, 001)."
        ),
    )
    care_home_need: Share = Field(0.75, description="Need above which a care home is needed.")
    care_home_need_with_carer: Share = Field(
        0.88,
        description="Need above which a care home is needed when an informal carer is present.",
    )
    reablement_max_need: Share = Field(
        0.72, description="Highest need at which re-ablement is offered."
    )
    reablement_offer_share: Share = Field(
        0.7,
        description=(
            "Share of eligible community clients below that need offered re-ablement "
            "(assumption). " + FITTED
        ),
    )

    @property
    def threshold_need(self) -> float:
        """Need score at which the eligibility band starts."""
        return FACS_THRESHOLDS[self.threshold]


class Approval(Section):
    """How care packages are signed off by the council."""

    council_checks_assessments: bool = Field(
        False,
        description=(
            "The council checks every assessment before resources are allocated: required when "
            "assessment is outside the council (seed 001, Ed Mitchell)."
        ),
    )
    checker_fte: NonNegativeFloat = Field(
        2.0,
        description="Council officers checking assessments. " + PER_HEAD_NOTE,
        json_schema_extra=PER_HEAD,
    )
    check_hours: PositiveFloat = Field(
        1.5, description="Council officer hours to check one assessment (assumption)."
    )
    rework_share: Share = Field(0.05, description="Share of decisions sent back for more work.")
    rework_hours: PositiveFloat = Field(
        3.0, description="Social-worker hours to answer a returned decision (assumption)."
    )
    sign_off_days: NonNegativeFloat = Field(2.0, description="Team-manager sign-off time.")
    panel_interval_days: Annotated[float, Field(ge=1, le=90)] = Field(
        7.0, description="Days between funding panels."
    )
    panel_weekly_cost: NonNegativeFloat = Field(
        700.0, description="Packages above this weekly cost wait for the funding panel."
    )
    # The council's response when its checks fall behind (sim/mechanisms/queue_response.py).
    target_check_days: Annotated[float, Field(gt=0.0, le=365.0)] = Field(
        7.0,
        description=(
            "Wait for a check the council holds reasonable: beyond it, it engages temporary "
            "checking officers (assumption: a week; no source describes councils' checking "
            "queues)."
        ),
    )
    extra_checkers_per_overshoot: Annotated[float, Field(ge=0.0, le=5.0)] = Field(
        0.5,
        description=(
            "Temporary checking officers engaged through an agency, as a share of checker_fte, "
            "for each 100% by which the expected wait for a check exceeds target_check_days; "
            "0: none, the checks queue however long (assumption: a council whose checks hold "
            "patients in hospital beds acts, as councils buy capacity to clear their waiting "
            "lists; no source gives how much)."
        ),
    )
    max_extra_checker_share: Annotated[float, Field(ge=0.0, le=10.0)] = Field(
        1.0,
        description=(
            "Most temporary checking officers, as a share of checker_fte (assumption: the "
            "council at most doubles its checking)."
        ),
    )


class Reablement(Section):
    """Short-term support to maximise independence (ST-Max)."""

    places: Annotated[int, Field(ge=0, le=100_000)] = Field(
        85,
        description=(
            "Concurrent places. England: 251,255 episodes a year (ASC-FR 2022-23), about 1,100 "
            "for 200,000 adults; at about 4 weeks each, about 85 places. " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    duration_mean_days: PositiveFloat = Field(
        28.0, description="Mean length of a re-ablement episode (lognormal, sd 40% of the mean)."
    )
    max_days: PositiveFloat = Field(42.0, description="Longest re-ablement episode (six weeks).")
    success_at_zero_need: Share = Field(
        0.98,
        description=(
            "Chance re-ablement ends with the person independent at need 0 (linear in need; "
            "assumption)."
        ),
    )
    success_at_full_need: Share = Field(
        0.5,
        description=(
            "Chance that re-ablement leaves a person at need 1 independent (assumption). " + FITTED
        ),
    )
    need_reduction: Share = Field(
        0.15, description="Fall in need after successful re-ablement (assumption)."
    )
    max_wait_days: NonNegativeFloat = Field(
        21.0,
        description="Waiting longer than this for a place, long-term care is proposed instead.",
    )
    max_wait_days_in_hospital: NonNegativeFloat = Field(
        3.0,
        description=(
            "A medically fit patient without a place after this many days goes by another "
            "route (assessment, then home care or a care home)."
        ),
    )
    cost_per_week: NonNegativeFloat = Field(
        490.0, description="ASC-FR 2023-24: £0.53bn over about 251k episodes of ~4.3 weeks."
    )


class HomeCare(Section):
    """Commissioned home care: a market with limited capacity."""

    capacity_hours_per_week: Annotated[float, Field(ge=0, le=1e8)] = Field(
        30_000.0,
        description=(
            "Home-care hours a week providers offer at the reference price (assumption). "
            + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    price_per_hour: NonNegativeFloat = Field(24.10, description="Council average fee 2025-26.")
    reference_price_per_hour: PositiveFloat = Field(
        24.10, description="Price at which providers offer capacity_hours_per_week."
    )
    supply_elasticity: NonNegativeFloat = Field(
        0.6, description="Capacity scales with (price / reference price) ** elasticity."
    )
    hours_at_zero_need: NonNegativeFloat = Field(
        2.0,
        description=(
            "Weekly package hours = hours_at_zero_need + hours_per_need × need (assumption)."
        ),
    )
    hours_per_need: NonNegativeFloat = Field(
        16.0, description="See hours_at_zero_need (assumption)."
    )

    @model_validator(mode="after")
    def _packages_have_hours(self) -> HomeCare:
        # Packages of no hours never fill the day-0 caseload: setting it up would loop for ever.
        if self.hours_at_zero_need == 0.0 and self.hours_per_need == 0.0:
            raise ValueError(
                "hours_at_zero_need and hours_per_need are both 0: packages would have no "
                "hours; at least one must be above 0"
            )
        return self


class CareHomes(Section):
    """Residential and nursing places the council can buy."""

    places: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        1_250,
        description="Care-home places the council can buy (assumption). " + PER_HEAD_NOTE,
        json_schema_extra=PER_HEAD,
    )
    residential_per_week: NonNegativeFloat = Field(720.0, description="Laing fair price 2021/22.")
    nursing_per_week: NonNegativeFloat = Field(
        900.0, description="Weekly price of a nursing place (assumption)."
    )
    nursing_need: Share = Field(
        0.88, description="Need from which a resident needs, and is charged for, nursing."
    )


ProviderKind = Literal["in_house", "social_enterprise", "independent"]
# Who delivers a service; the council commissions and pays for it in every case (seeds 000,
# 002: Blackburn kept care management and outsourced provision; Suffolk outsourced all).
_KIND_NOTE = (
    "One of in_house (the council's own staff), social_enterprise (a staff-owned or "
    "community enterprise under contract) or independent (private and voluntary providers)."
)
_HANDBACK_SOURCE = (
    "ADASS budget surveys: home-care contracts handed back affected 2,679 people in six months "
    "of 2017-18 (LaingBuisson News, https://www.laingbuissonnews.com/care-markets-content/"
    "adass-survey-reveals-fragility-of-social-care-market/) and 3,464 in six months of 2018-19 "
    "(LGC, https://www.lgcplus.com/services/health-and-care/fears-for-domiciliary-market-as-"
    "number-hit-by-closures-doubles/7029484.article), of about 333,000 people with "
    "council-funded home care (King's Fund, Home care in England 2018, after Wittenberg and Hu "
    "2015): about 0.016 to 0.021 of packages a year (derived from those figures)"
)


class ProviderTerms(Section):
    """How one kind of provider differs: unit cost, capacity response and hand-backs."""

    home_care_cost_factor: PositiveFloat = Field(
        1.0, description="Cost of an hour of home care relative to the independent sector's fee."
    )
    care_home_cost_factor: PositiveFloat = Field(
        1.0, description="Cost of a care-home week relative to the independent sector's fee."
    )
    supply_response: Share = Field(
        1.0,
        description=(
            "Share of home_care.supply_elasticity with which the home-care hours this provider "
            "offers follow the fee (0: set by the council whatever the price)."
        ),
    )
    handback_per_year: Annotated[float, Field(ge=0.0, le=12.0, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "Home-care packages the provider hands back, a year per package: the person "
            "re-joins the home-care queue and loses their carers."
        ),
    )


class InHouseTerms(ProviderTerms):
    """The council's own provision: dearer per unit, capacity set by the council."""

    home_care_cost_factor: PositiveFloat = Field(
        1.53,
        description=(
            "Assumption, from a published care-home ratio: DH memorandum to the Health "
            "Committee 2002 (https://www.publications.parliament.uk/pa/cm200102/cmselect/"
            "cmhealth/1210/1210m25.htm, Table 4.6.1, 2000-01 with overheads) gives £426 a week "
            "in council homes against £279 in independent ones (1.53); for home care the same "
            "source gives no split and the sector comparison says only that in-house prices "
            "were 'much higher than independent sector standard prices' for home care "
            "(https://www.taylorfrancis.com/books/9781351762632/chapters/10.4324/"
            "9781315194967-44), so the care-home ratio is taken."
        ),
    )
    care_home_cost_factor: PositiveFloat = Field(
        1.53,
        description=(
            "Sourced: £426 against £279 a week for residents aged 65+ in council and "
            "independent residential homes, 2000-01 with overheads (DH memorandum to the Health "
            "Committee 2002, Table 4.6.1, https://www.publications.parliament.uk/pa/cm200102/"
            "cmselect/cmhealth/1210/1210m25.htm)."
        ),
    )
    supply_response: Share = Field(
        0.0,
        description=(
            "Assumption: the council employs its own carers to a set establishment, so its "
            "hours do not follow a fee (0)."
        ),
    )
    handback_per_year: Annotated[float, Field(ge=0.0, le=12.0, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "Assumption: the council does not hand packages back to itself (0); its own "
            "staffing gaps are in supply_response and the establishment."
        ),
    )


class SocialEnterpriseTerms(ProviderTerms):
    """A social enterprise under contract: between in-house and independent on every term."""

    home_care_cost_factor: PositiveFloat = Field(
        1.25,
        description=(
            "Assumption (no published figure found): staff transfer on council terms (TUPE) "
            "but overheads fall, so about halfway between independent (1) and in-house (1.53)."
        ),
    )
    care_home_cost_factor: PositiveFloat = Field(
        1.25, description="Assumption (no published figure found): as home_care_cost_factor."
    )
    supply_response: Share = Field(
        0.5,
        description=(
            "Assumption: a contracted enterprise can grow or shrink with the fee, less freely "
            "than the open market (half the elasticity)."
        ),
    )
    handback_per_year: Annotated[float, Field(ge=0.0, le=12.0, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "Assumption: 0 to match independent providers' default (see there); set it "
            "between 0 and the independent sector's rate to model hand-backs."
        ),
    )


class IndependentTerms(ProviderTerms):
    """Private and voluntary providers: the market the default model buys from."""

    home_care_cost_factor: PositiveFloat = Field(
        1.0,
        description=(
            "The basis of the prices: home_care.price_per_hour and care_homes.*_per_week are "
            "fees paid to the independent sector (1)."
        ),
    )
    care_home_cost_factor: PositiveFloat = Field(
        1.0, description="The basis of care_homes.*_per_week (1)."
    )
    supply_response: Share = Field(
        1.0, description="The whole of home_care.supply_elasticity, as the default model has."
    )
    handback_per_year: Annotated[float, Field(ge=0.0, le=12.0, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "0 keeps the calibrated model, which has no hand-backs; a published rate is about "
            "0.02 (" + _HANDBACK_SOURCE + "); set it in every option alike."
        ),
    )


class Provision(Section):
    """Who provides home care, re-ablement and care homes, and on what terms.

    The council commissions and pays in every case; the provider sets the unit cost, whether
    capacity follows the fee, and whether packages are handed back (``sim.mechanisms.provision``).
    """

    home_care: ProviderKind = Field(
        "independent", description="Who provides home care. " + _KIND_NOTE
    )
    reablement: ProviderKind = Field(
        "in_house",
        description=(
            "Who provides re-ablement (reablement.cost_per_week is the council's own cost; "
            "places stay reablement.places whoever provides them). " + _KIND_NOTE
        ),
    )
    care_homes: ProviderKind = Field(
        "independent",
        description=(
            "Who provides care homes (places stay care_homes.places whoever provides them). "
            + _KIND_NOTE
        ),
    )
    in_house: InHouseTerms = InHouseTerms()
    social_enterprise: SocialEnterpriseTerms = SocialEnterpriseTerms()
    independent: IndependentTerms = IndependentTerms()

    def terms(self, kind: ProviderKind) -> ProviderTerms:
        """The terms of providers of ``kind``."""
        return getattr(self, kind)


class Commissioning(Section):
    """The council's budget holder."""

    annual_budget: NonNegativeFloat = Field(
        104_300_000.0,
        description=(
            "Council budget for the modelled pathway, £ a year: England's gross spend on "
            "long-term support and re-ablement (ASC-FR 2023-24 Table 1a: £21.40bn + £0.53bn for "
            "45M adults) for the default council's 200,000 adults, £97.5M, plus about £6.8M for "
            "its 80 social-work posts at the PSSRU unit cost per working hour (derived). England's councils overspent "
            "a little in 2023-24, so a council spending at England's average is near its "
            "budget. " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    tighten_under_pressure: bool = Field(
        True,
        description="Whether the commissioner raises the eligibility threshold when overspent.",
    )
    pressure_tolerance: NonNegativeFloat = Field(
        0.05, description="Overspend share above which the threshold starts to rise."
    )
    full_rationing_overspend: PositiveFloat = Field(
        0.2,
        description=(
            "Overspend share at which the threshold reaches max_threshold; in between it rises "
            "in proportion (a stricter reading of eligibility, not whole-band steps)."
        ),
    )
    budget_review_days: Annotated[float, Field(ge=7, le=365)] = Field(
        91.0, description="How often spending is compared with the budget (quarterly)."
    )
    max_threshold: EligibilityBand = Field(
        "critical", description="The tightest band the council will ration to."
    )

    @model_validator(mode="after")
    def _rationing_range(self) -> Commissioning:
        if self.full_rationing_overspend <= self.pressure_tolerance:
            raise ValueError("full_rationing_overspend must be greater than pressure_tolerance")
        return self


GrowthRate = Annotated[float, Field(ge=-0.2, le=0.2, allow_inf_nan=False)]


class GrowthBands(BandValues):
    """A growth rate a year for each adult age band, -0.2 to 0.2 (0: no change)."""

    adults_18_64: GrowthRate = 0.0
    aged_65_84: GrowthRate = 0.0
    aged_85_plus: GrowthRate = 0.0


class Trends(Section):
    """Rising demand and a budget path over a run (sim/mechanisms/trends.py); off at 0."""

    demand_growth_per_year: GrowthBands = Field(
        default=GrowthBands(),
        description=(
            "Growth a year of each band's requests and hospital admissions, compounding from "
            "day 0, while staff, places and the budget stay as given. 0 (off) is the default: "
            "experiments/trends.toml ships the projected growth (ONS 2022-based national "
            "population projections as GAD's bulletin reports them, "
            "https://www.gov.uk/government/publications/2022-based-population-projections-a-gad"
            "-technical-bulletin/2022-based-population-projections-a-gad-technical-bulletin: UK "
            "85+ 1.7M in 2022 to 3.3M in 2047, 2.7% a year; pensionable age +13.8% and working "
            "age +9.4% over 2022-32, 1.3% and 0.9% a year; derived, UK not England, and the "
            "pensionable-age figure stands in for 65-84). -0.2 to 0.2 a year."
        ),
    )
    budget_change_per_year: Annotated[float, Field(ge=-0.2, le=0.2)] = Field(
        0.0,
        description=(
            "Real-terms change a year of commissioning.annual_budget, compounding from day 0 "
            "and applied at each budget review. 0 (a flat real budget) is a choice, not a "
            "forecast: councils' adult social care spending fell 8% in real terms from 2009-10 "
            "to 2016-17, about -1.2% a year (IFS BN200, "
            "http://election2017.ifs.org.uk/article/public-spending-on-adult-social-care-in-"
            "england; derived), and could have been 3.2% above 2009-10 by 2019-20 with the new "
            "social care funds (same source); a range of about -1.5% to +1.5% a year is an "
            "assumption."
        ),
    )


class Funding(Section):
    """NHS money for social care: a re-ablement grant and a pooled budget (mechanisms/funding.py)."""

    nhs_reablement_per_year: NonNegativeFloat = Field(
        0.0,
        description=(
            "Ring-fenced NHS re-ablement funding, £ a year: buys re-ablement places beyond "
            "reablement.places at reablement.cost_per_week, paid by the NHS, not the council. "
            "0 (off) is the default. England got £70M in 2010/11, £150M in 2011/12 and £300M a "
            "year from 2012/13 (seed 003, DH 2010); £300M for England's 56.5M people (ONS "
            "Census 2021) is £1.33M for 250,000 (derived). " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    pool_nhs_per_year: NonNegativeFloat = Field(
        0.0,
        description=(
            "The NHS's contribution to a pooled budget (care trusts, Health and Wellbeing Boards; "
            "seeds 002, 003), £ a year. The pool pays for re-ablement and home care that start "
            "as a patient leaves hospital; budget pressure is judged on council and pool "
            "together. 0 (off) is the default; the seeds give no pool size, so any value is an "
            "assumption. " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )


class Integration(Section):
    """Joint working with the NHS: at hospital discharge, and with GP practices."""

    discharge_to_assess_share: Share = Field(
        0.3, description="Share of pathway 1-2 discharges sent home with re-ablement first."
    )
    early_referral_days: NonNegativeFloat = Field(
        0.0, description="Days before medical fitness that hospital referrals reach social work."
    )
    # Social workers attached to GP practices (sim/mechanisms/gp_attachment.py); all off here.
    gp_referral_share: Share = Field(
        0.0,
        description=(
            "Share of first community requests referred by a GP practice with an attached social "
            "worker (assumption: no source gives the share of requests GPs make)."
        ),
    )
    gp_referral_lead_days: Annotated[float, Field(ge=0.0, le=730.0, allow_inf_nan=False)] = Field(
        0.0,
        description=(
            "Days before they would otherwise have asked that such a request reaches social "
            "work, at the need the person had then; someone closed at the door still asks when "
            "they would have (assumption: attachment studies report earlier referral, no size)."
        ),
    )
    gp_admission_reduction: Share = Field(
        0.0,
        description=(
            "Proportional fall in the emergency-admission hazard of clients living at home "
            "(not in a care home) when their practices have attached social workers "
            "(assumption: one GP reported 22%, the integrated care pilots found none)."
        ),
    )


class Organisation(Section):
    """The organisational model: which preset, and the mechanisms that only it sets."""

    preset: str = Field(
        "in_house", description="Organisational model (see docs/organisational_models.md)."
    )
    autonomy: Share = Field(0.0, description="Morale gain from professional autonomy.")
    terms_risk: Share = Field(0.0, description="Morale loss from risk to terms and conditions.")
    overhead_share: Annotated[float, Field(ge=-0.5, le=1.0)] = Field(
        0.0, description="Back-office and contract overhead as a share of staff cost (+/-)."
    )
    setup_cost: NonNegativeFloat = Field(
        0.0,
        description="One-off set-up cost (IT, legal), £. " + PER_HEAD_NOTE,
        json_schema_extra=PER_HEAD,
    )
    setup_days: Annotated[float, Field(ge=1, le=3650)] = Field(
        365.0, description="Days over which the set-up cost is spent."
    )
    contract_margin: Annotated[float, Field(ge=0.0, le=0.5)] = Field(
        0.0, description="A provider's margin on staff cost and overhead."
    )
    savings_target_share: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0, description="Share of the social-work establishment cut to meet a savings target."
    )
    purchasing_discount: Annotated[float, Field(ge=0.0, lt=1.0)] = Field(
        0.0, description="Price reduction from market power when buying care."
    )


class Scope(Section):
    """Which part of the service the option takes over (``sim/mechanisms/scope.py``).

    A social work practice serves "a specified group of adults" (seed 003), not the whole
    council; Swindon and Birmingham moved whole services (seeds 000, 001). With a scope, the
    option's own team (its own establishment, workforce, organisation, approval and practice
    values, turnover and morale) holds and works the cases in scope from the change day; the
    current arrangement's team keeps the rest, with the current arrangement's values. The
    council's own settings (budget, eligibility, the care market, and so any purchasing
    discount) stay the current arrangement's. The default, every group and every case, is the
    whole service.
    """

    groups: tuple[str, ...] = Field(
        (),
        description=(
            "Client groups (primary support reason: physical_support, sensory_support, "
            "memory_and_cognition, learning_disability, mental_health, social_support) whose "
            "cases the option takes over; empty: every group. A choice of the scenario, not "
            "an estimate."
        ),
    )
    share: Share = Field(
        1.0,
        description=(
            "Share of the people in those groups whose cases the option takes over, existing "
            "clients and new requests alike: each person is in or out for the whole run, by a "
            "fixed draw from their id and the seed (the same people under every option). 1: "
            "all of them; 0: nobody, which is no change. A choice of the scenario."
        ),
    )
    staff_share: Annotated[float | None, Field(ge=0.0, le=1.0)] = Field(
        None,
        description=(
            "Share of the establishment (posts, and the permanent staff in them) that moves "
            "to the option's team on the change day; the current arrangement's team keeps the "
            "rest. Default (empty): derived, the share of the work in scope (the social-work "
            "hours the team gave before the change to people of the scoped groups, times "
            "`share`), so staff follow the work. The option's set-up cost is scaled by this "
            "share (an assumption: IT, legal and transfer work grow with the staff moved; with "
            "change.setup_on_change_day off it is paid in full from day 0); the "
            "council's checking officers by the share of the work (derived: it checks the "
            "scoped team's assessments only). A value set is an assumption (for example a practice "
            "staffed more or less generously than the work it takes over). Not used when the "
            "scope is the whole service."
        ),
    )

    @field_validator("groups")
    @classmethod
    def _known_groups(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        unknown = [g for g in value if g not in GROUPS]
        if unknown:
            raise ValueError(f"unknown client group {unknown[0]!r}; allowed: {', '.join(GROUPS)}")
        if len(set(value)) != len(value):
            raise ValueError("a client group is named twice")
        return value

    @property
    def whole(self) -> bool:
        """The whole service: every group, every case."""
        return self.share >= 1.0 and (not self.groups or set(self.groups) == set(GROUPS))

    @property
    def nobody(self) -> bool:
        """No case is in scope: the option takes nothing over."""
        return self.share <= 0.0


class Change(Section):
    """Organisational change as an event on a change day (``sim/mechanisms/change.py``).

    Off (the default), the option (``organisation.preset``) applies from day 0. On, the run
    warms up under the ``current`` arrangement and switches to the option on ``day``: some
    staff leave rather than transfer, productivity dips for a while, the set-up cost is spent
    from that day, and the option's effects on ways of working may fade. The seeds report no
    figures for any of these; every default here is neutral (no dip, no leavers, no fade) and
    a value set is an assumption.
    """

    enabled: bool = Field(
        False,
        description=(
            "Warm up under `current` and switch to organisation.preset on `day`; off: the "
            "option applies from day 0, with no transition."
        ),
    )
    current: str = Field(
        "in_house",
        description=(
            "The arrangement before the change, a preset (see docs/organisational_models.md); "
            "its parameters replace the option's until the change day."
        ),
    )
    day: Annotated[int | None, Field(ge=1, le=18_250)] = Field(
        None,
        description=(
            "First day under the new arrangement (the change comes at the start of that day, "
            "before its arrivals); default: the first day after the warm-up (run.warmup + 1), "
            "so the KPIs measure the change and the years after it. A day after the end of the "
            "run: the run ends before the change."
        ),
    )
    current_values: dict[str, float] = Field(
        default_factory=dict,
        description=(
            "Values that replace the `current` preset's own before the change, by dotted path "
            "(each a number the preset sets): what the current arrangement's uncertain values "
            "are taken to be, as an appraisal draws them. Empty: the preset's values."
        ),
    )
    staff_leaving_share: Share = Field(
        0.0,
        description=(
            "Share of permanent social workers who leave at transfer rather than move to the "
            "new organisation (their posts fall vacant and are recruited to). Assumption: the "
            "seeds give no figure; 0 means everyone transfers."
        ),
    )
    transition_days: NonNegativeFloat = Field(
        0.0,
        description=(
            "Days after the change during which social workers give less time to casework "
            "(new systems, processes, management). Assumption: no figure in the seeds."
        ),
    )
    transition_productivity: Annotated[float, Field(gt=0.0, le=1.0)] = Field(
        1.0,
        description=(
            "Share of their usual pathway hours social workers give during the transition. "
            "Assumption: no figure in the seeds; 1 means no dip."
        ),
    )
    setup_on_change_day: bool = Field(
        True,
        description=(
            "Spend organisation.setup_cost from the change day, over organisation.setup_days; "
            "off: from day 0, as when no change is modelled (the warm-up then absorbs it)."
        ),
    )
    fade_per_year: Share = Field(
        0.0,
        description=(
            "Share of the option's remaining effect on ways of working (admin share, autonomy, "
            "terms risk, rework, creative support, discharge to assess, early referral) lost "
            "each year, as novelty wears off and they return towards the current arrangement's "
            "values; contracts and structure (overhead, margin, savings, purchasing, checks) do "
            "not fade. 0: no fading. Assumption: no figure in the seeds."
        ),
    )
    scope: Scope = Scope()

    @model_validator(mode="after")
    def _scope_needs_a_change(self) -> Change:
        # Without a change day the option runs the whole service from day 0: a scope would be
        # silently ignored.
        if not self.enabled and not self.scope.whole:
            raise ValueError(
                "a scope (scope.groups, scope.share) other than the whole service needs "
                "enabled = true: the option takes its part over on the change day"
            )
        return self


GROUPS = (
    "physical_support",
    "sensory_support",
    "memory_and_cognition",
    "learning_disability",
    "mental_health",
    "social_support",
)
"""Client groups by primary support reason, as ASC-FR reports them (their order in outputs)."""


class ClientGroup(Section):
    """What sets one client group apart: who asks, how need moves, what support fits.

    The values and their sources are data (``sim/client_groups.toml``); factors are relative
    to the model's baseline client (physical support), whose rates are set elsewhere in the
    scenario (``demand``, ``mortality``, ``hospital``, ``eligibility``).
    """

    request_share: BandValues = Field(
        description=(
            "Weight of this group among the age band's new contacts (community and hospital), "
            "relative to the other groups' (the defaults are shares adding up to 1)."
        )
    )
    need_shift: Annotated[float, Field(ge=-0.5, le=0.5, allow_inf_nan=False)] = Field(
        description=(
            "Added to demand.need_at_contact.mean for this group's first contacts from the "
            "community (the mean kept inside the Beta distribution's limits)."
        )
    )
    drift_factor: Annotated[float, Field(ge=-10.0, le=10.0, allow_inf_nan=False)] = Field(
        description=(
            "Need drift a year as a multiple of demand.deterioration_per_year: 1 rises as the "
            "baseline, near 0 is stable, below 0 recovers between crises (episodic)."
        )
    )
    hospital_factor: Annotated[float, Field(ge=0.0, le=20.0, allow_inf_nan=False)] = Field(
        description=(
            "Emergency admissions relative to the baseline, for known clients and for new "
            "patients referred on discharge."
        )
    )
    mortality_factor: Annotated[float, Field(gt=0.0, le=20.0, allow_inf_nan=False)] = Field(
        description="Death hazard relative to a baseline client of the same age and need."
    )
    leave_factor: Annotated[float, Field(ge=0.0, le=20.0, allow_inf_nan=False)] = Field(
        description=(
            "Hazard of leaving council-funded care other than by death, relative to "
            "mortality.leave_long_term_care_per_year."
        )
    )
    self_funder_factor: Annotated[float, Field(ge=0.0, le=20.0, allow_inf_nan=False)] = Field(
        description="Chance of paying for one's own care relative to demand.self_funder_share."
    )
    care_home_offset: Annotated[float, Field(ge=-1.0, le=1.0, allow_inf_nan=False)] = Field(
        description=(
            "Added to the need at which a care home is proposed (eligibility.care_home_need and "
            "care_home_need_with_carer): above 0, community settings hold people longer."
        )
    )
    reablement_factor: Annotated[float, Field(ge=0.0, le=20.0, allow_inf_nan=False)] = Field(
        description="Multiplies eligibility.reablement_offer_share (the result capped at 1)."
    )
    supported_living_share: Share = Field(
        description="Share of this group's community packages that are supported living."
    )
    direct_payment_share: Share = Field(
        description="Share of its other community packages taken as a direct payment."
    )


class ClientGroups(Section):
    """The six client groups; within each age band their request weights are normalised."""

    physical_support: ClientGroup
    sensory_support: ClientGroup
    memory_and_cognition: ClientGroup
    learning_disability: ClientGroup
    mental_health: ClientGroup
    social_support: ClientGroup

    @model_validator(mode="after")
    def _someone_asks(self) -> ClientGroups:
        for band, name in enumerate(AGE_BANDS):
            total = sum(group.request_share.as_tuple()[band] for group in self.as_tuple())
            if total <= 0.0:
                raise ValueError(
                    f"request_share.{name} is 0 for every group; at least one must be above 0"
                )
        return self

    def as_tuple(self) -> tuple[ClientGroup, ...]:
        """The groups in the order of ``GROUPS``."""
        return tuple(getattr(self, name) for name in GROUPS)


def contact_need_mean(demand: Demand, group: ClientGroup) -> float:
    """Mean need of a group's first contacts: the baseline's shifted, inside (0, 1)."""
    return min(1.0 - 1e-6, max(1e-6, demand.need_at_contact.mean + group.need_shift))


def _default_client_groups() -> ClientGroups:
    from carepath.sim.client_groups import client_group_values

    return ClientGroups.model_validate(client_group_values())


def _service_default(path: str) -> Any:
    from carepath.sim.client_groups import service_value

    return service_value(path)


class SupportedLiving(Section):
    """Supported living: a tenancy with support, mostly for working-age adults."""

    places: Annotated[int, Field(ge=0, le=1_000_000)] = Field(
        default_factory=lambda: _service_default("supported_living.places"),
        description=(
            "Supported-living places the council can buy (sim/client_groups.toml). " + PER_HEAD_NOTE
        ),
        json_schema_extra=PER_HEAD,
    )
    price_per_week: NonNegativeFloat = Field(
        default_factory=lambda: _service_default("supported_living.price_per_week"),
        description="Weekly price of a supported-living place (sim/client_groups.toml).",
    )

    max_wait_days: NonNegativeFloat = Field(
        90.0,
        description=(
            "Waiting longer than this for a place, the person is supported at home (home care "
            "or a direct payment) instead (assumption: families hold on for a while)."
        ),
    )
    max_wait_days_in_hospital: NonNegativeFloat = Field(
        3.0,
        description="A medically fit patient without a place after this many days goes home with home care.",
    )


class DirectPayments(Section):
    """Direct payments: the person is paid the cost of their care and arranges it themselves."""

    price_per_hour: NonNegativeFloat = Field(
        default_factory=lambda: _service_default("direct_payments.price_per_hour"),
        description="Direct payment per planned hour of care (sim/client_groups.toml).",
    )
    setup_days: NonNegativeFloat = Field(
        28.0,
        description=(
            "Mean days from approval to the first payment while the person finds and employs "
            "care (exponential; assumption)."
        ),
    )


class Routes(Section):
    """Routes into and out of council funding other than a request from the community."""

    self_funder_depletion_share: Share = Field(
        0.25,
        description=(
            "Share of self-funders who later turn to the council when their savings fall to the "
            "upper capital limit (£23,250). About a quarter of self-funders ultimately fall back "
            "on state funding (LGIU survey via Community Care, 2013-14 [secondary])."
        ),
    )
    depletion_mean_days: PositiveFloat = Field(
        730.0,
        description=(
            "Mean time from arranging one's own care to the savings falling to the limit "
            "(exponential; assumption: capital above the limit of a few tens of thousands of "
            "pounds at care costs of £25,000-£50,000 a year)."
        ),
    )
    continuing_healthcare_need: Share = Field(
        0.9,
        description=(
            "Need above which a long-term client may become eligible for NHS continuing "
            "healthcare, a primary health need the NHS funds (assumption; 1 turns it off)."
        ),
    )
    # At most one a day: each is a competing risk redrawn with the others.
    continuing_healthcare_per_year: Annotated[
        float, Field(ge=0.0, le=365.0, allow_inf_nan=False)
    ] = Field(
        0.3,
        description=(
            "Hazard a year that a client at or above that need becomes eligible and leaves "
            "council funding (assumption; England had 52,096 people eligible at 31 March 2024, "
            "about 1.2 per 1,000 adults, Nuffield Trust [secondary]; 10,791 were found eligible "
            "on the standard route in 2023-24, DHSC). " + FITTED
        ),
    )
    # At most one young person a year per ten adults: more would be a council of children.
    transitions_per_100k_adults: Annotated[
        float, Field(ge=0.0, le=10_000.0, allow_inf_nan=False)
    ] = Field(
        8.0,
        description=(
            "Young people a year moving from children's services with a learning disability, "
            "per 100,000 adults, arriving known and assessed as adults (derived: 135,205 18-64 "
            "learning-disability clients in 2023-24 over 47 years of age is about 6.4 per "
            "100,000 adults a year, and younger cohorts are larger)."
        ),
    )


class Initial(Section):
    """The caseload already in long-term care, and the waiting list, when the run starts."""

    care_home_occupancy: Share = Field(0.95, description="Share of care-home places filled.")
    home_care_utilisation: Share = Field(0.85, description="Share of home-care hours in use.")
    supported_living_occupancy: Share = Field(
        0.95, description="Share of supported-living places filled."
    )
    home_care_need_mean: BetaMean = Field(
        0.6,
        description=(
            "Mean need of the initial home-care caseload (Beta, concentration 8; assumption)."
        ),
    )
    care_home_need_mean: BetaMean = Field(
        0.86,
        description=(
            "Mean need of the initial care-home residents (Beta, concentration 10; assumption)."
        ),
    )
    home_care_bands: BandValues = Field(
        default=BandValues(adults_18_64=0.3, aged_65_84=0.45, aged_85_plus=0.25),
        description="Age-band mix of the initial home-care caseload (assumption).",
    )
    care_home_bands: BandValues = Field(
        default=BandValues(adults_18_64=0.1, aged_65_84=0.45, aged_85_plus=0.45),
        description="Age-band mix of the initial care-home residents (assumption).",
    )
    waiting_for_assessment_per_1000_adults: NonNegativeFloat = Field(
        5.5,
        description=(
            "People already waiting for an assessment at day 0, per 1,000 adults, so that a "
            "run starts with a waiting list like England's rather than an empty one. England: "
            "249,589 waiting for 45M adults (ADASS Autumn Survey, August 2023 [secondary])."
        ),
    )


# The resource budget of one run, checked before anything is allocated (see
# ``Scenario.resource_estimate``). Measured: each person created at day 0 costs about 3 KB
# and 45 µs of set-up, so a million people is about 3 GB and 45 s before the first day; a
# council of 20 million residents (the largest population allowed) with England's caseload
# per head needs about 400,000. Each contact costs about 110 µs of running and leaves an event
# row or two (28 bytes each) and, while in care, an agent (measured on a 2-million council
# over 3 years: 290,000 contacts, 32 s, 290 MB more than a short run). 20 million contacts (a
# 20-million council for about 20 years) is some 40 minutes and a few GB.
MAX_PEOPLE_AT_START = 1_000_000
MAX_CONTACTS_PER_RUN = 20_000_000
HOME_CARE_OFFER_MAX = 1e8  # the limit of home_care.capacity_hours_per_week


class ResourceEstimate(NamedTuple):
    """The expected size of a run (see ``Scenario.resource_estimate``)."""

    people_at_start: float
    contacts: float


class Scenario(Section):
    """Everything a run needs, validated."""

    name: str = Field(
        "Typical English council (250,000 people)", description="Scenario name, shown in outputs."
    )
    run: RunSettings = RunSettings()
    population: Population = Population()
    demand: Demand = Demand()
    mortality: Mortality = Mortality()
    hospital: Hospital = Hospital()
    workforce: Workforce = Workforce()
    assessment: Assessment = Assessment()
    waiting_list: WaitingList = WaitingList()
    practice: Practice = Practice()
    eligibility: Eligibility = Eligibility()
    approval: Approval = Approval()
    reablement: Reablement = Reablement()
    home_care: HomeCare = HomeCare()
    care_homes: CareHomes = CareHomes()
    provision: Provision = Provision()
    supported_living: SupportedLiving = SupportedLiving()
    direct_payments: DirectPayments = DirectPayments()
    clients: ClientGroups = Field(default_factory=_default_client_groups)
    routes: Routes = Routes()
    commissioning: Commissioning = Commissioning()
    trends: Trends = Trends()
    funding: Funding = Funding()
    integration: Integration = Integration()
    organisation: Organisation = Organisation()
    change: Change = Change()
    initial: Initial = Initial()

    @model_validator(mode="after")
    def _known_preset(self) -> Scenario:
        from carepath.sim.presets import PRESETS  # presets validate against this schema

        if self.organisation.preset not in PRESETS:
            raise ValueError(
                f"unknown preset {self.organisation.preset!r}; allowed: {', '.join(PRESETS)}"
            )
        return self

    @model_validator(mode="after")
    def _known_current_arrangement(self) -> Scenario:
        from carepath.sim.presets import PRESETS

        current = self.change.current
        if current not in PRESETS:
            raise ValueError(
                f"change.current: unknown preset {current!r}; allowed: {', '.join(PRESETS)}"
            )
        numbers = [
            p.path
            for p in PRESETS[current].parameters
            if not isinstance(p.value, bool) and isinstance(p.value, int | float)
        ]
        for path in self.change.current_values:
            if path not in numbers:
                raise ValueError(
                    f"change.current_values: {path} is not a number preset {current!r} sets; "
                    f"allowed: {', '.join(numbers)}"
                )
        return self

    @model_validator(mode="after")
    def _runnable(self) -> Scenario:
        # Checks across sections, each a value the fields' own limits let through but the run
        # could not survive (a division by zero, an overflow, an endless loop, memory).
        # Each admission of a known client is an event that redraws the next: at most one a
        # day on average for the group admitted most (as hospital.client_admissions_per_year).
        most = max(g.hospital_factor for g in self.clients.as_tuple())
        if self.hospital.client_admissions_per_year * most > 365.0:
            raise ValueError(
                "hospital.client_admissions_per_year x the largest clients.*.hospital_factor "
                f"must be at most 365 a year (got {self.hospital.client_admissions_per_year:g} "
                f"x {most:g})"
            )
        community = [
            size * rate
            for size, rate in zip(
                self.population.band_sizes(),
                self.demand.requests_per_person_year.as_tuple(),
                strict=True,
            )
        ]
        if self.initial.waiting_for_assessment_per_1000_adults > 0 and sum(community) == 0:
            raise ValueError(
                "initial.waiting_for_assessment_per_1000_adults: the day-0 waiting list is drawn "
                "in proportion to community requests, and population.age_shares x "
                "demand.requests_per_person_year is 0 in every band; set a rate above 0 or "
                "the waiting list to 0"
            )
        offer = self.home_care_offer()
        if not offer <= HOME_CARE_OFFER_MAX:
            raise ValueError(
                "home_care.capacity_hours_per_week x (price_per_hour x (1 - organisation."
                "purchasing_discount) / reference_price_per_hour) ** (supply_elasticity x the "
                "home-care provider's provision.*.supply_response), the "
                f"hours on offer, must be at most {HOME_CARE_OFFER_MAX:,.0f} a week (got {offer:g})"
            )
        if offer * self.initial.home_care_utilisation > 0 and self._mean_package_hours() == 0:
            raise ValueError(
                "practice.strengths_package_reduction = 1 with demand.informal_carer_share = 1 "
                "leaves every home-care package with no hours, so the day-0 caseload "
                "(initial.home_care_utilisation) could never fill; lower one of them"
            )
        need = self.resource_estimate()
        if not need.people_at_start <= MAX_PEOPLE_AT_START:
            raise ValueError(
                f"about {need.people_at_start:,.0f} people at day 0 (care_homes.places x "
                "initial.care_home_occupancy, supported_living.places x its occupancy, clients "
                "at home with home care or clients.*.direct_payment_share a payment, filling home_care."
                "capacity_hours_per_week x initial.home_care_utilisation, initial."
                "waiting_for_assessment_per_1000_adults); the budget is at most "
                f"{MAX_PEOPLE_AT_START:,} (about 3 GB)"
            )
        if not need.contacts <= MAX_CONTACTS_PER_RUN:
            raise ValueError(
                f"about {need.contacts:,.0f} contacts expected over the run (population x "
                "(demand.requests_per_person_year / (1 - demand.recontact_share) + "
                "hospital.admissions_per_person_year) x run.years); the budget is at most "
                f"{MAX_CONTACTS_PER_RUN:,}"
            )
        return self

    def home_care_offer(self) -> float:
        """Home-care hours a week providers offer at the council's price (``inf`` on overflow).

        The same arithmetic as the model's home-care capacity, done here so that a run is
        refused before it starts rather than failing with an OverflowError.
        """
        hc = self.home_care
        price = hc.price_per_hour * (1.0 - self.organisation.purchasing_discount)
        response = self.provision.terms(self.provision.home_care).supply_response
        try:
            scale = (price / hc.reference_price_per_hour) ** (hc.supply_elasticity * response)
        except OverflowError:
            return math.inf
        return hc.capacity_hours_per_week * scale

    def _mean_package_hours(self) -> float:
        hc = self.home_care
        hours = hc.hours_at_zero_need + hc.hours_per_need * self.initial.home_care_need_mean
        if self.practice.strengths_based:  # only people with a carer get smaller packages
            hours *= 1.0 - self.demand.informal_carer_share * (
                self.practice.strengths_package_reduction
            )
        return hours

    def resource_estimate(self) -> ResourceEstimate:
        """What the run will create: people at day 0 and contacts over the run (expected).

        People at day 0 are the care-home residents, the home-care clients that fill the
        initial utilisation at the mean package size, and the waiting list; contacts are
        community requests (with repeats, at most 1 / (1 - recontact_share) a person) and
        hospital admissions a year, times the years. Each is checked against its budget
        (``MAX_PEOPLE_AT_START``, ``MAX_CONTACTS_PER_RUN``) before anything is allocated.
        """
        sizes = self.population.band_sizes()
        residents = round(self.care_homes.places * self.initial.care_home_occupancy)
        target = self.home_care_offer() * self.initial.home_care_utilisation
        package = self._mean_package_hours()
        clients = target / package if package > 0 else (math.inf if target > 0 else 0.0)
        # The day-0 caseload at home is filled to the home-care hours; the direct payments
        # drawn on the way come on top, a share ``paid`` of everyone drawn.
        paid = self.initial_direct_payment_share()
        clients = clients / (1.0 - paid) if paid < 1.0 else (math.inf if clients > 0 else 0.0)
        living = round(self.supported_living.places * self.initial.supported_living_occupancy)
        waiting = self.initial.waiting_for_assessment_per_1000_adults * sum(sizes) / 1000.0
        requests = self.demand.requests_per_person_year.as_tuple()
        admissions = self.hospital.admissions_per_person_year.as_tuple()
        repeats = 1.0 - self.demand.recontact_share
        a_year = (
            sum(
                n * r / repeats + n * a for n, r, a in zip(sizes, requests, admissions, strict=True)
            )
            + self.routes.transitions_per_100k_adults * sum(sizes) / 1e5
        )
        contacts = a_year * self.run.years
        growth = self.trends.demand_growth_per_year.as_tuple()
        if any(growth):  # each band's years of demand, compounded (sim/mechanisms/trends.py)
            years = [
                math.expm1(self.run.years * math.log1p(g)) / math.log1p(g) if g else self.run.years
                for g in growth
            ]
            contacts += sum(
                (n * r / repeats + n * a) * (y - self.run.years)
                for n, r, a, y in zip(sizes, requests, admissions, years, strict=True)
            )
        return ResourceEstimate(residents + living + clients + waiting, contacts)

    def initial_direct_payment_share(self) -> float:
        """Share of the day-0 clients at home (not in supported living) with a direct payment."""
        from carepath.sim.mechanisms.groups import stock_weights

        need = self.initial.home_care_need_mean
        not_living = tuple(1.0 - g.supported_living_share for g in self.clients.as_tuple())
        paid = total = 0.0
        for band, share in enumerate(self.initial.home_care_bands.as_tuple()):
            weights = stock_weights(
                self.clients,
                self.mortality,
                band,
                need,
                in_care_home=False,
                setting_share=not_living,
            )
            if sum(weights) <= 0.0:
                continue
            for w, group in zip(weights, self.clients.as_tuple(), strict=True):
                paid += share * w / sum(weights) * group.direct_payment_share
                total += share * w / sum(weights)
        return paid / total if total > 0 else 0.0


class ScenarioError(ValueError):
    """A scenario that cannot be run: the message is one line per problem, naming the field."""


def describe_errors(exc: ValidationError, root: type[BaseModel] | None = None) -> str:
    """One line per validation problem, naming the field path and what is allowed.

    Args:
        exc: pydantic's error.
        root: the schema validated (the scenario by default), used to list allowed fields.
    """
    return "\n".join(_describe(e, root or Scenario) for e in exc.errors())


def _describe(error: Any, root: type[BaseModel]) -> str:
    path = ".".join(str(p) for p in error["loc"]) or "scenario"
    kind = error["type"]
    if kind == "extra_forbidden":
        allowed = ", ".join(_allowed_fields(root, error["loc"]))
        return f"{path}: unknown field; allowed: {allowed}"
    message = error["msg"].removeprefix("Value error, ")
    if kind.startswith("missing"):
        return f"{path}: {message.lower()}"
    if not error["loc"]:  # a check across sections: its message names the fields
        return message
    if kind == "less_than_equal" and path in LIMIT_REASONS:
        message = f"{message} ({LIMIT_REASONS[path]})"
    if isinstance(error.get("input"), dict):  # a check across a section's fields: no echo
        return f"{path}: {message}"
    return f"{path}: {message} (got {error.get('input')!r})"


# Why a limit is where it is, said with the message when a value is above it.
LIMIT_REASONS = {
    "mortality.need_effect": "exp(need_effect x (need - 0.5)) must stay finite",
    "workforce.morale_effect_on_turnover": "exp(effect x (base_morale - morale)) must stay finite",
}


def _allowed_fields(model: type[BaseModel], loc: tuple[Any, ...]) -> list[str]:
    for part in loc[:-1]:
        field = model.model_fields.get(str(part))
        annotation = field.annotation if field else None
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            break
        model = annotation
    return list(model.model_fields)


def set_path(tree: dict[str, Any], path: str, value: Any) -> None:
    """Set ``value`` at a dotted ``path`` in a nested dict, creating sections as needed.

    Raises:
        ScenarioError: if the path names no field of the scenario schema.
    """
    model: type[BaseModel] = Scenario
    parts = path.split(".")
    node = tree
    for depth, part in enumerate(parts):
        if part not in model.model_fields:
            where = ".".join(parts[:depth]) or "scenario"
            raise ScenarioError(
                f"{path}: unknown field {part!r} in {where}; allowed: {', '.join(model.model_fields)}"
            )
        if depth == len(parts) - 1:
            node[part] = value
            return
        annotation = model.model_fields[part].annotation
        if not (isinstance(annotation, type) and issubclass(annotation, BaseModel)):
            raise ScenarioError(f"{path}: {'.'.join(parts[: depth + 1])} is a value, not a section")
        model = annotation
        child = node.setdefault(part, {})
        if not isinstance(child, dict):
            raise ScenarioError(f"{path}: {'.'.join(parts[: depth + 1])} must be a table")
        node = child


def deep_merge(base: dict[str, Any], update: dict[str, Any]) -> dict[str, Any]:
    """A copy of ``base`` with ``update`` merged in, section by section."""
    merged = dict(base)
    for key, value in update.items():
        if isinstance(value, dict) and isinstance(merged.get(key), dict):
            merged[key] = deep_merge(merged[key], value)
        else:
            merged[key] = value
    return merged


# Fitted values of behavioural parameters, written by `carepath calibrate`.
CALIBRATED_FILE = Path(__file__).with_name("calibrated.toml")


def calibrated_values(path: str | Path | None = None) -> dict[str, Any]:
    """The fitted values of a calibrated file's ``[parameters]`` table, by dotted path.

    Args:
        path: the file (default ``CALIBRATED_FILE``); a missing file means no fitted values.

    Raises:
        ScenarioError: if the file is not TOML or its ``[parameters]`` is not a table.
    """
    path = Path(path) if path is not None else CALIBRATED_FILE
    if not path.exists():  # not calibrated yet: the schema defaults stand
        return {}
    values = read_toml(path, what="calibrated", error=ScenarioError).get("parameters", {})
    if not isinstance(values, dict):
        raise ScenarioError(f"{path}: parameters: must be a table of dotted paths and values")
    return values


@functools.cache
def _defaults() -> dict[str, Any]:
    return Scenario().model_dump(mode="python")


def _default_tree() -> dict[str, Any]:
    """The schema defaults as a nested dict, a fresh copy (layers are set into it in place)."""
    return copy.deepcopy(_defaults())


def build_scenario(
    data: dict[str, Any] | None = None,
    *,
    preset: str | None = None,
    overrides: dict[str, Any] | None = None,
    calibrated: bool = True,
) -> Scenario:
    """Build a validated scenario from layers.

    Args:
        data: the user's scenario as a nested dict (for example a parsed TOML file).
        preset: organisational model. The preset is read from every layer, the last one
            winning: ``organisation.preset`` in ``data``, then in ``overrides``, then this.
        overrides: dotted paths and values applied last (``{"workforce.admin_share": 0.3}``);
            a path into a table (``population.age_shares.aged_85_plus``) sets that one value.
        calibrated: layer the fitted values of ``CALIBRATED_FILE`` (False: schema defaults
            only, as ``carepath calibrate`` starts from).

    Returns:
        The validated scenario: schema defaults, then the calibrated values, then the preset's
        parameters, then ``data``, then ``overrides``; then, with ``population.provision =
        "per_head"``, the fields marked per head that ``data`` and ``overrides`` do not give
        are scaled by ``population.total / population.sized_for`` (``sim/sizing.py``).

    Raises:
        ScenarioError: naming every invalid field and what is allowed.
    """
    from carepath.sim.presets import PRESETS, preset_values

    # The user's layers first, overrides set into a copy of the file's tree, so that the
    # preset can be read from all of them (file, then overrides, then ``preset``) before the
    # preset's own layer is put beneath them.
    user = copy.deepcopy(dict(data or {}))
    for path, value in (overrides or {}).items():
        set_path(user, path, value)
    if not isinstance(user.get("organisation", {}), dict):
        raise ScenarioError("organisation: must be a table")
    chosen = preset if preset is not None else user.get("organisation", {}).get("preset")
    chosen = "in_house" if chosen is None else chosen
    if not isinstance(chosen, str) or chosen not in PRESETS:
        raise ScenarioError(
            f"organisation.preset: unknown preset {chosen!r}; allowed: {', '.join(PRESETS)}"
        )
    # Every layer is merged over the complete defaults, so a partial table (one age band of
    # population.age_shares, say) keeps the lower layers' values for the rest.
    layered = _default_tree()
    for path, value in (calibrated_values() if calibrated else {}).items():
        set_path(layered, path, value)
    for path, value in preset_values(chosen).items():
        set_path(layered, path, value)
    layered = deep_merge(layered, user)
    set_path(layered, "organisation.preset", chosen)
    resize(layered, Scenario, fixed=fixed_paths(Scenario, data or {}, overrides or {}))
    try:
        return Scenario.model_validate(layered)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(exc)) from None


def parse_assignment(text: str) -> tuple[str, Any]:
    """``PATH=VALUE`` (as ``--set`` takes it) to ``(PATH, value)``, the value read as TOML.

    A value that is not TOML is kept as text (a bare word such as a band name).

    Raises:
        ScenarioError: when there is no ``=`` or no path.
    """
    path, sep, raw = text.partition("=")
    if not sep or not path.strip():
        raise ScenarioError(
            f"--set {text!r}: expected PATH=VALUE, e.g. workforce.establishment_fte=60"
        )
    try:
        value = tomllib.loads(f"v = {raw.strip()}")["v"]
    except tomllib.TOMLDecodeError:
        value = raw.strip()
    return path.strip(), value


def load_scenario(
    path: str | Path | None = None,
    *,
    preset: str | None = None,
    overrides: dict[str, Any] | None = None,
) -> Scenario:
    """Load a scenario TOML file (or the defaults when ``path`` is None) and validate it.

    Raises:
        ScenarioError: if the file is missing, is not TOML, or holds invalid values.
    """
    data: dict[str, Any] = {}
    if path is not None:
        data = read_toml(Path(path), what="scenario", error=ScenarioError)
    return build_scenario(data, preset=preset, overrides=overrides)
