"""The KPI catalogue: every number the run summary reports, in words a council planner reads.

Keys are the run summary's flattened ``section.key`` names (as ``carepath kpis`` lists them and
experiment files keep them). Each entry says what the number is, its unit, which way is better,
whether it is a headline KPI, and how to print it. The command line, the experiment report and
the dashboards all read their labels, units and formats from here.
"""

from __future__ import annotations

import difflib
import math
from dataclasses import dataclass
from enum import StrEnum
from typing import Any, Literal

DASH = "\u2013"  # printed for a value that does not exist (no one measured, a division by zero)


class Better(StrEnum):
    """Which way a KPI should move for people and the council."""

    LOWER = "lower"
    HIGHER = "higher"
    NEITHER = "neither"


@dataclass(frozen=True)
class NumberFormat:
    """How to print a KPI's value.

    Attributes:
        kind: ``number`` (thousands separators), ``share`` (a fraction printed as a percentage),
            ``money`` (pounds; millions as ``£m``) or ``text`` (printed as it is).
        decimals: decimal places of a number or of a percentage.
    """

    kind: Literal["number", "share", "money", "text"]
    decimals: int = 0

    def render(self, value: Any, *, signed: bool = False) -> str:
        """``value`` as text; ``signed`` prints a difference (``+1.2 pp`` for a share)."""
        if value is None:
            return DASH
        if self.kind == "text":
            return str(value)
        number = float(value)
        if not math.isfinite(number):
            return DASH
        if self.kind == "share":
            text = _fixed(number * 100.0, self.decimals)
            return f"{_sign(text, signed)} pp" if signed else f"{text}%"
        if self.kind == "money":
            magnitude = abs(number)
            text = f"£{magnitude / 1e6:,.2f}m" if magnitude >= 1e6 else f"£{magnitude:,.0f}"
            negative = number < 0 and text.strip("£m,.0") != ""
            return ("-" if negative else "+" if signed else "") + text
        return _sign(_fixed(number, self.decimals, commas=True), signed)


def _fixed(number: float, decimals: int, *, commas: bool = False) -> str:
    text = f"{number:,.{decimals}f}" if commas else f"{number:.{decimals}f}"
    # A tiny negative rounds to "-0.0": print it as zero, which is what it is at this precision.
    return text[1:] if text.startswith("-") and not text.strip("-0.,") else text


def _sign(text: str, signed: bool) -> str:
    return text if not signed or text.startswith("-") else f"+{text}"


COUNT = NumberFormat("number", 0)
ONE_DECIMAL = NumberFormat("number", 1)
TWO_DECIMALS = NumberFormat("number", 2)
PERCENT = NumberFormat("share", 1)
MONEY = NumberFormat("money")
TEXT = NumberFormat("text")


@dataclass(frozen=True)
class Kpi:
    """One KPI of the run summary.

    Attributes:
        key: flattened summary name, ``section.key`` (``assessment.wait_median_days``).
        label: what a council planner would call it.
        unit: what the number counts (``days``, ``people``, ``£ a year``, ``share`` ...).
        definition: one sentence saying exactly how it is measured.
        better: which way is better (``lower``, ``higher`` or ``neither``).
        headline: shown by default (the ``carepath run`` table, reports, the explorer).
        number_format: how to print its value.
        only_when: the runs that report it, when not every run does (``None``: every run).
    """

    key: str
    label: str
    unit: str
    definition: str
    better: Better = Better.NEITHER
    headline: bool = False
    number_format: NumberFormat = ONE_DECIMAL
    only_when: str | None = None

    @property
    def section(self) -> str:
        """The summary section the KPI belongs to (``assessment``)."""
        return self.key.partition(".")[0]

    @property
    def area(self) -> str:
        """The section's name for people (``Assessment and waiting``)."""
        return AREAS.get(self.section, self.section.replace("_", " ").capitalize())

    @property
    def numeric(self) -> bool:
        """False for a KPI reported as text (an eligibility band), which experiments cannot keep."""
        return self.number_format.kind != "text"

    @property
    def title(self) -> str:
        """Label and unit, as a chart or table heading: ``Median wait for assessment (days)``."""
        if not self.unit:
            return self.label
        # A label ending in a bracket of its own (ASCOF 2D) takes the unit after a comma.
        return (
            f"{self.label}, {self.unit}"
            if self.label.endswith(")")
            else f"{self.label} ({self.unit})"
        )

    def format(self, value: Any, *, signed: bool = False) -> str:
        """``value`` printed in this KPI's format (a dash when there is none)."""
        return self.number_format.render(value, signed=signed)


class UnknownKpiError(KeyError):
    """A KPI key that the catalogue does not hold."""

    def __str__(self) -> str:
        return str(self.args[0])


# Section headings, in the order the run summary has them.
AREAS: dict[str, str] = {
    "demand": "Demand",
    "assessment": "Assessment and waiting",
    "outcomes": "Where people went",
    "hospital": "Hospital",
    "reablement": "Re-ablement",
    "long_term_care": "Long-term care",
    "cost": "Cost",
    "workforce": "Workforce",
    "commissioning": "Commissioning",
    "provision": "Who provides care",
    "nhs": "NHS funding",
    "scope": "Scope of the change",
}

_LOWER, _HIGHER = Better.LOWER, Better.HIGHER
_PRIORITISED = "runs with a prioritised waiting list (waiting_list.prioritise)"

_ENTRIES: tuple[Kpi, ...] = (
    # -- demand ------------------------------------------------------------------------------
    Kpi(
        "demand.requests_per_year",
        "Requests for support",
        "requests a year",
        "Requests for adult social care a year, from the community and from hospital; someone "
        "asking twice counts twice, as in ASC-FR.",
        headline=True,
        number_format=COUNT,
    ),
    Kpi(
        "demand.requests_per_1000_adults",
        "Requests for support per 1,000 adults",
        "per 1,000 adults a year",
        "Requests for support a year per 1,000 adults living in the council's area.",
    ),
    Kpi(
        "demand.share_from_hospital",
        "Requests from hospital",
        "share of requests",
        "Share of requests that came from a hospital ward rather than the community.",
        number_format=PERCENT,
    ),
    Kpi(
        "demand.share_aged_65_plus",
        "Requests from people aged 65+",
        "share of requests",
        "Share of requests made by or for people aged 65 and over.",
        number_format=PERCENT,
    ),
    Kpi(
        "demand.share_repeat_requests",
        "Repeat requests",
        "share of requests",
        "Share of community requests from people who had asked before and came back when "
        "their needs grew.",
        number_format=PERCENT,
    ),
    Kpi(
        "demand.share_from_hospital_aged_18_64",
        "Requests from hospital, aged 18-64",
        "share of requests",
        "Share of requests from people aged 18 to 64 that came from a hospital ward.",
        number_format=PERCENT,
    ),
    Kpi(
        "demand.share_from_hospital_aged_65_plus",
        "Requests from hospital, aged 65+",
        "share of requests",
        "Share of requests from people aged 65 and over that came from a hospital ward.",
        number_format=PERCENT,
    ),
    Kpi(
        "demand.requests_per_client",
        "Requests per person asking",
        "requests per person",
        "Requests in the last 12 months divided by the number of different people making them "
        "(ASC-FR's ratio).",
        number_format=TWO_DECIMALS,
    ),
    Kpi(
        "demand.funds_depleted_per_year",
        "Requests from self-funders whose savings ran down",
        "requests a year",
        "Requests a year from people who had arranged and paid for their own care until their "
        "savings fell to the upper capital limit (ASC-FR route 'self-funder with depleted "
        "funds').",
        number_format=COUNT,
    ),
    Kpi(
        "demand.transitions_per_year",
        "Young people moving from children's services",
        "people a year",
        "Young people a year with a learning disability arriving from children's services, "
        "known and due an adult assessment.",
        number_format=COUNT,
    ),
    # -- assessment and waiting --------------------------------------------------------------
    Kpi(
        "assessment.wait_median_days",
        "Median wait for assessment",
        "days",
        "Median days from joining the queue to a social worker starting the assessment, over "
        "assessments started in the measured period.",
        _LOWER,
        headline=True,
    ),
    Kpi(
        "assessment.wait_p90_days",
        "Long wait for assessment (90th percentile)",
        "days",
        "Days within which nine in ten assessments started, counted from joining the queue.",
        _LOWER,
        headline=True,
    ),
    Kpi(
        "assessment.wait_median_days_hospital",
        "Median wait for assessment in hospital",
        "days",
        "Median wait for assessment of people who were in a hospital bed when it started.",
        _LOWER,
    ),
    Kpi(
        "assessment.wait_median_days_community",
        "Median wait for assessment at home",
        "days",
        "Median wait for assessment of people who were waiting at home when it started.",
        _LOWER,
    ),
    *(
        Kpi(
            f"assessment.wait_median_days_{name}",
            f"Median wait for assessment at home, {name} priority",
            "days",
            f"Median wait of people assessed from the community list at {name} priority (the "
            "band they had reached when the assessment started), over assessments started in "
            "the measured period.",
            _LOWER,
            only_when=_PRIORITISED,
        )
        for name in ("urgent", "high", "routine")
    ),
    *(
        Kpi(
            f"assessment.waiting_over_{months}_month{'s' if months > 1 else ''}_share",
            f"People waiting at home over {months} month{'s' if months > 1 else ''}",
            "share of the list",
            f"Share of the people waiting at home for an assessment who had waited more than "
            f"{months} month{'s' if months > 1 else ''}, over the list sampled weekly in the "
            "measured period.",
            _LOWER,
            number_format=PERCENT,
        )
        for months in (1, 3, 6, 12)
    ),
    Kpi(
        "assessment.assessments_started_per_year",
        "Assessments started",
        "assessments a year",
        "Assessments social workers started a year, from hospital and from the community.",
        number_format=COUNT,
    ),
    Kpi(
        "assessment.people_waiting_mean",
        "People waiting for assessment",
        "people",
        "People waiting for an assessment on an average day of the measured period.",
        _LOWER,
        headline=True,
        number_format=COUNT,
    ),
    Kpi(
        "assessment.people_waiting_end",
        "People waiting for assessment at the end",
        "people",
        "People waiting for an assessment on the last day of the run.",
        _LOWER,
        number_format=COUNT,
    ),
    Kpi(
        "assessment.people_waiting_per_1000_adults",
        "People waiting for assessment per 1,000 adults",
        "per 1,000 adults",
        "People waiting for an assessment on an average day, per 1,000 adults in the area.",
        _LOWER,
        number_format=TWO_DECIMALS,
    ),
    Kpi(
        "assessment.reviews_waiting_mean",
        "Reviews waiting",
        "people",
        "People in long-term care whose review is due but not yet done, on an average day.",
        _LOWER,
        number_format=COUNT,
    ),
    Kpi(
        "assessment.reviews_waiting_share_of_clients",
        "Reviews waiting, share of clients",
        "share of long-term clients",
        "Reviews waiting on an average day as a share of the people in long-term care.",
        _LOWER,
        number_format=PERCENT,
    ),
    Kpi(
        "assessment.approval_wait_mean_days",
        "Mean wait for package approval",
        "days",
        "Mean days from a social worker proposing a care package to its approval, over "
        "packages approved in the measured period.",
        _LOWER,
    ),
    Kpi(
        "assessment.referral_to_service_median_days",
        "Median time from request to service",
        "days",
        "Median days from a request for support to the first service of that episode starting.",
        _LOWER,
        headline=True,
    ),
    Kpi(
        "assessment.referral_to_service_mean_days",
        "Mean time from request to service",
        "days",
        "Mean days from a request for support to the first service of that episode starting.",
        _LOWER,
    ),
    Kpi(
        "assessment.referral_to_service_p90_days",
        "Long time from request to service (90th percentile)",
        "days",
        "Days within which nine in ten first services started, counted from the request.",
        _LOWER,
    ),
    # -- hospital ----------------------------------------------------------------------------
    Kpi(
        "hospital.admissions_to_date",
        "Emergency hospital admissions, whole run",
        "admissions",
        "Emergency admissions the model's hospital took since day 0 (warm-up included), of "
        "residents not known to social care and of service users.",
        number_format=COUNT,
    ),
    Kpi(
        "hospital.delayed_bed_days_per_year",
        "Delayed discharge bed-days",
        "bed-days a year",
        "Days a year that medically fit patients spent in a hospital bed waiting for social care.",
        _LOWER,
        headline=True,
        number_format=COUNT,
    ),
    Kpi(
        "hospital.delayed_discharge_cost_per_year",
        "Cost of delayed discharges",
        "£ a year",
        "Delayed discharge bed-days a year priced at the hospital's cost of a bed-night (an "
        "NHS cost, not part of council spend).",
        _LOWER,
        headline=True,
        number_format=MONEY,
    ),
    Kpi(
        "hospital.delayed_patients_mean",
        "Patients delayed in hospital",
        "people",
        "Medically fit patients waiting in hospital for social care on an average day.",
        _LOWER,
    ),
    Kpi(
        "hospital.delayed_awaiting_long_term_care_mean",
        "Patients delayed waiting for long-term care",
        "people",
        "Delayed patients waiting for home care or a care-home place, on an average day.",
        _LOWER,
    ),
    # -- re-ablement -------------------------------------------------------------------------
    Kpi(
        "reablement.completed_per_year",
        "Re-ablement episodes completed",
        "episodes a year",
        "Re-ablement episodes (up to six weeks of help to regain independence) completed a year.",
        number_format=COUNT,
    ),
    Kpi(
        "reablement.ascof_2d",
        "Independent after re-ablement (ASCOF 2D)",
        "share of episodes",
        "Share of completed re-ablement episodes after which the person needed no long-term "
        "support.",
        _HIGHER,
        headline=True,
        number_format=PERCENT,
    ),
    Kpi(
        "reablement.share_aged_65_plus",
        "Re-ablement for people aged 65+",
        "share of episodes",
        "Share of completed re-ablement episodes that were for people aged 65 and over.",
        number_format=PERCENT,
    ),
    Kpi(
        "reablement.ascof_2b",
        "At home 91 days after hospital re-ablement (ASCOF 2B)",
        "share of people",
        "Share of people discharged from hospital into re-ablement who were still at home 91 "
        "days later (not readmitted, in a care home or dead).",
        _HIGHER,
        headline=True,
        number_format=PERCENT,
    ),
    Kpi(
        "reablement.ascof_2b_cohort",
        "People followed for ASCOF 2B",
        "people",
        "People discharged from hospital into re-ablement whose 91-day follow-up ended in the "
        "measured period.",
        number_format=COUNT,
    ),
    Kpi(
        "reablement.utilisation_mean",
        "Re-ablement places in use",
        "share of places",
        "Share of the re-ablement team's places in use on an average day.",
        number_format=PERCENT,
    ),
    # -- long-term care ----------------------------------------------------------------------
    Kpi(
        "long_term_care.clients_mean",
        "People in long-term care",
        "people",
        "People in council-funded long-term support on an average day: home care, a direct "
        "payment, supported living or a care home (ASC-FR's long-term support).",
        headline=True,
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.clients_end",
        "People in long-term care at the end",
        "people",
        "People in council-funded long-term support on the last day of the run.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.home_care_clients_mean",
        "People receiving home care",
        "people",
        "People receiving council-arranged home care on an average day.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.direct_payment_clients_mean",
        "People with a direct payment",
        "people",
        "People whose long-term support is a direct payment (they arrange their own care), on an "
        "average day.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.supported_living_clients_mean",
        "People in supported living",
        "people",
        "People the council supports in supported living (a tenancy with support), on an "
        "average day.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.community_clients_mean",
        "People in long-term support in the community",
        "people",
        "People in home care, with a direct payment or in supported living, on an average day.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.direct_payment_share_of_community",
        "Community clients with a direct payment (ASCOF 1C)",
        "share of community clients",
        "Share of the people in long-term support in the community whose support is a direct "
        "payment, on an average day.",
        number_format=PERCENT,
    ),
    Kpi(
        "long_term_care.share_aged_18_64",
        "Long-term clients aged 18-64",
        "share of long-term clients",
        "Share of the client-days in long-term support in the measured period that were of "
        "people aged 18 to 64.",
        number_format=PERCENT,
    ),
    Kpi(
        "long_term_care.weekly_spend_per_client_aged_18_64",
        "Weekly spend per long-term client aged 18-64",
        "£ a week",
        "The council's spend on long-term support (home care, direct payments, supported "
        "living, care homes) for people aged 18 to 64, per client a week.",
        number_format=MONEY,
    ),
    Kpi(
        "long_term_care.spend_share_aged_18_64",
        "Long-term support spend on people aged 18-64",
        "share of long-term support spend",
        "Share of the council's spend on long-term support (home care, direct payments, "
        "supported living, care homes) that went on people aged 18 to 64.",
        number_format=PERCENT,
    ),
    Kpi(
        "long_term_care.nhs_continuing_healthcare_per_year",
        "Clients moving to NHS continuing healthcare",
        "people a year",
        "Long-term clients a year found eligible for NHS continuing healthcare, whose care the "
        "NHS funds from then on.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.care_home_residents_mean",
        "Care-home residents",
        "people",
        "People the council supports in a residential or nursing home on an average day.",
        number_format=COUNT,
    ),
    Kpi(
        "long_term_care.care_home_admissions_65_plus_per_100k",
        "Care-home admissions, aged 65+ (ASCOF 2A)",
        "per 100,000 aged 65+ a year",
        "Permanent admissions to residential and nursing care of people aged 65 and over, a "
        "year per 100,000 residents of that age.",
        _LOWER,
        headline=True,
    ),
    Kpi(
        "long_term_care.care_home_admissions_18_64_per_100k",
        "Care-home admissions, aged 18-64 (ASCOF 2A)",
        "per 100,000 aged 18-64 a year",
        "Permanent admissions to residential and nursing care of people aged 18 to 64, a year "
        "per 100,000 residents of that age.",
        _LOWER,
    ),
    Kpi(
        "long_term_care.care_home_share_of_clients",
        "Care-home share of long-term clients",
        "share of people in long-term care",
        "Share of the people in long-term care on an average day who live in a residential or "
        "nursing home the council supports.",
        number_format=PERCENT,
    ),
    Kpi(
        "long_term_care.care_home_stay_mean_days",
        "Care-home stay of residents who died, mean",
        "days",
        "Mean length of the council-funded care-home stays that ended in death after the "
        "warm-up, from admission or from the council taking over a self-funder's fees (the "
        "measure of Forder and Fernandez 2011); residents already in a home at day 0 are left "
        "out.",
    ),
    Kpi(
        "long_term_care.care_home_stay_median_days",
        "Care-home stay of residents who died, median",
        "days",
        "Median length of the same stays.",
    ),
    Kpi(
        "long_term_care.care_home_stays_ended_other_than_by_death_share",
        "Care-home stays ending other than by death",
        "share of stays ended",
        "Share of the council-funded care-home stays ended after the warm-up by leaving council "
        "funding or moving to NHS continuing healthcare rather than by death.",
        number_format=PERCENT,
    ),
    Kpi(
        "long_term_care.long_term_clients_per_1000_adults",
        "People in long-term care per 1,000 adults",
        "per 1,000 adults",
        "People in long-term care on an average day, per 1,000 adults in the area.",
    ),
    # -- cost --------------------------------------------------------------------------------
    Kpi(
        "cost.total_per_year",
        "Council spend",
        "£ a year",
        "Council spend a year on social work, overheads, contract margin, set-up, checking and "
        "care services in the measured period.",
        _LOWER,
        headline=True,
        number_format=MONEY,
    ),
    Kpi(
        "cost.per_long_term_client_per_year",
        "Spend per person in long-term care",
        "£ a year",
        "Council spend a year divided by the number of people in long-term care on an average day.",
        _LOWER,
        headline=True,
        number_format=MONEY,
    ),
    Kpi(
        "cost.one_off_setup_total",
        "One-off set-up cost",
        "£",
        "Set-up and transition cost of the organisational change, whole run (warm-up included).",
        _LOWER,
        number_format=MONEY,
    ),
    Kpi(
        "cost.budget_per_year",
        "Budget",
        "£ a year",
        "The council's adult social care budget for a year.",
        number_format=MONEY,
    ),
    Kpi(
        "cost.spend_to_budget",
        "Spend against budget",
        "share of budget",
        "Council spend a year as a share of the budget (over 100% is an overspend).",
        _LOWER,
        headline=True,
        number_format=PERCENT,
    ),
    # -- workforce ---------------------------------------------------------------------------
    Kpi(
        "workforce.social_workers_mean",
        "Social workers in post",
        "people",
        "Social workers in post on an average day, agency staff included.",
        _HIGHER,
    ),
    Kpi(
        "workforce.funded_posts",
        "Funded social-worker posts",
        "posts",
        "Permanent social-worker posts the organisation is funded for.",
        number_format=COUNT,
    ),
    Kpi(
        "workforce.client_facing_share",
        "Client-facing time",
        "share of working hours",
        "Share of social workers' working hours (net of leave, holidays, sickness and training) "
        "spent on assessments, reviews and other work with or for clients rather than "
        "administration.",
        _HIGHER,
        headline=True,
        number_format=PERCENT,
    ),
    Kpi(
        "workforce.caseload_mean",
        "Cases per social worker",
        "open cases",
        "Open cases held by a social worker in post, on an average day.",
        _LOWER,
        headline=True,
    ),
    Kpi(
        "workforce.morale_mean",
        "Staff morale",
        "score 0-1",
        "Mean morale of social workers in post on an average day (0 lowest, 1 highest).",
        _HIGHER,
        number_format=TWO_DECIMALS,
    ),
    Kpi(
        "workforce.turnover_rate",
        "Staff turnover",
        "share of permanent staff a year",
        "Permanent social workers leaving a year as a share of the permanent staff in post.",
        _LOWER,
        headline=True,
        number_format=PERCENT,
    ),
    Kpi(
        "workforce.vacancy_rate",
        "Vacancy rate",
        "share of funded posts",
        "Funded posts without a permanent social worker on an average day (locum cover "
        "counts as vacant), as a share of funded posts.",
        _LOWER,
        headline=True,
        number_format=PERCENT,
    ),
    Kpi(
        "workforce.agency_share",
        "Agency staff",
        "share of social workers",
        "Agency (locum) social workers as a share of all social workers in post, on an "
        "average day.",
        _LOWER,
        number_format=PERCENT,
    ),
    # -- commissioning -----------------------------------------------------------------------
    Kpi(
        "commissioning.eligibility_threshold_end",
        "Eligibility threshold at the end",
        "FACS band",
        "The eligibility band (low, moderate, substantial, critical, super-critical) in force "
        "on the last day of the run.",
        number_format=TEXT,
    ),
    Kpi(
        "commissioning.eligibility_need_mean",
        "Need needed for eligibility",
        "need score 0-1",
        "Need score a person had to reach to be eligible for council-funded support, on an "
        "average day.",
        number_format=TWO_DECIMALS,
    ),
    Kpi(
        "commissioning.threshold_changes",
        "Changes of eligibility threshold",
        "changes",
        "Times the commissioner tightened or relaxed eligibility under budget pressure, whole run.",
        number_format=COUNT,
    ),
    Kpi(
        "commissioning.council_checks",
        "Assessments checked by the council",
        "assessments",
        "Assessments the council's commissioners checked before approving support, whole run.",
        number_format=COUNT,
    ),
    Kpi(
        "commissioning.returned_for_rework",
        "Assessments returned for rework",
        "assessments",
        "Assessments the council's checks sent back to the social worker, whole run.",
        _LOWER,
        number_format=COUNT,
    ),
)

# Where an episode ends (outcomes.exits_per_year.* and outcomes.exit_shares.*): the summary
# names them after the pathway's exit states.
_EXITS: dict[str, tuple[str, str, Better]] = {
    "signposted": ("signposted", "given information and signposted elsewhere", Better.NEITHER),
    "low_level_support": (
        "low-level support",
        "given low-level help (equipment, advice) at the front door",
        Better.NEITHER,
    ),
    "no_service": ("not eligible", "assessed and found not eligible", Better.NEITHER),
    "community_support": (
        "family and community",
        "assessed and supported by family and community instead of services",
        Better.NEITHER,
    ),
    "self_funded": ("self-funders", "assessed and arranging their own care", Better.NEITHER),
    "independent": ("independent", "independent again after re-ablement", Better.HIGHER),
    "withdrawn": ("withdrew", "gave up waiting for an assessment", Better.LOWER),
    "moved_on": ("moved on", "left council-funded long-term care another way", Better.NEITHER),
    "died": ("died", "died before the episode ended", Better.NEITHER),
}

# Spend by component (cost.by_component_per_year.*), as the ledger books it.
_COMPONENTS: dict[str, tuple[str, str]] = {
    "social_work_staff": ("social work staff", "pay of the social workers in post"),
    "agency_premium": ("agency premium", "extra cost of agency staff over permanent pay"),
    "organisation_overhead": (
        "organisation overhead",
        "management and back office of the provider organisation",
    ),
    "contract_margin": ("contract margin", "the provider's margin on its contract"),
    "setup": ("set-up", "one-off set-up and transition costs falling in the period"),
    "council_checking": ("council checking", "council staff checking assessments"),
    "reablement": ("re-ablement", "the re-ablement service"),
    "home_care": ("home care", "home care hours bought from providers"),
    "direct_payment": ("direct payments", "direct payments to people who arrange their own care"),
    "supported_living": ("supported living", "supported-living places bought from providers"),
    "care_home": ("care homes", "residential and nursing care places"),
}


def _outcome_entries() -> tuple[Kpi, ...]:
    per_year = (
        Kpi(
            f"outcomes.exits_per_year.{state}",
            f"Episodes ended: {name}",
            "people a year",
            f"People a year whose episode ended {meaning}.",
            better,
            number_format=COUNT,
        )
        for state, (name, meaning, better) in _EXITS.items()
    )
    shares = (
        Kpi(
            f"outcomes.exit_shares.{state}",
            f"Share of episodes ended: {name}",
            "share of ended episodes",
            f"Share of the episodes that ended in the measured period that ended {meaning}.",
            better,
            number_format=PERCENT,
        )
        for state, (name, meaning, better) in _EXITS.items()
    )
    return (*per_year, *shares)


def _component_entries() -> tuple[Kpi, ...]:
    return tuple(
        Kpi(
            f"cost.by_component_per_year.{component}",
            f"Spend on {name}",
            "£ a year",
            f"Council spend a year on {meaning}.",
            number_format=MONEY,
        )
        for component, (name, meaning) in _COMPONENTS.items()
    )


# Client groups (long_term_care.*_share_by_group.*), by primary support reason as ASC-FR names them.
_GROUP_NAMES: dict[str, str] = {
    "physical_support": "physical support",
    "sensory_support": "sensory support",
    "memory_and_cognition": "memory and cognition",
    "learning_disability": "learning disability",
    "mental_health": "mental health",
    "social_support": "social support",
}


def _group_entries() -> tuple[Kpi, ...]:
    clients = (
        Kpi(
            f"long_term_care.clients_share_by_group.{group}",
            f"Long-term clients: {name}",
            "share of long-term clients",
            f"Share of the client-days in long-term support in the measured period of people "
            f"whose primary support reason is {name}.",
            number_format=PERCENT,
        )
        for group, name in _GROUP_NAMES.items()
    )
    spend = (
        Kpi(
            f"long_term_care.spend_share_by_group.{group}",
            f"Long-term support spend: {name}",
            "share of long-term support spend",
            f"Share of the council's spend on long-term support in the measured period that went "
            f"on people whose primary support reason is {name}.",
            number_format=PERCENT,
        )
        for group, name in _GROUP_NAMES.items()
    )
    return (*clients, *spend)


# A scoped change (change.scope): the option's team and the current arrangement's, apart.
_SCOPED = "runs with a scoped organisational change (change.scope), from the change day on"
_SIDES = {
    "in_scope": ("in scope", "people whose cases the option took over (change.scope)"),
    "rest": ("rest", "people whose cases the current arrangement kept"),
}
_TEAMS = {
    "in_scope": ("option's team", "the option's team, which holds the cases in scope"),
    "rest": ("current team", "the current arrangement's team, which holds the rest"),
}


def _scope_entries() -> tuple[Kpi, ...]:
    work = Kpi(
        "scope.work_share",
        "Share of the social work in scope",
        "share of social-work hours",
        "Share of the social-work hours given before the change that went to people of the "
        "scoped client groups, times the share of their people in scope: the part of the work "
        "the option takes over.",
        number_format=PERCENT,
        only_when=_SCOPED,
    )
    staff = Kpi(
        "scope.staff_share",
        "Share of the establishment moved to the option",
        "share of posts",
        "Share of the social-work establishment and permanent staff that moved to the option's "
        "team on the change day (change.scope.staff_share, or derived from the scoped work).",
        number_format=PERCENT,
        only_when=_SCOPED,
    )
    people = tuple(
        kpi
        for side, (name, who) in _SIDES.items()
        for kpi in (
            Kpi(
                f"scope.wait_median_days_community_{side}",
                f"Median wait for assessment from the community, {name}",
                "days",
                f"Median days from request to the start of an assessment for {who}, of "
                "assessments started in the measured period after the change, community "
                "requests only.",
                _LOWER,
                only_when=_SCOPED,
            ),
            Kpi(
                f"scope.people_waiting_mean_{side}",
                f"People waiting for assessment, {name}",
                "people",
                f"Mean number of {who} waiting for an assessment on a day, over the measured "
                "days after the change.",
                _LOWER,
                number_format=COUNT,
                only_when=_SCOPED,
            ),
        )
    )
    teams = tuple(
        kpi
        for side, (name, which) in _TEAMS.items()
        for kpi in (
            Kpi(
                f"scope.social_workers_mean_{side}",
                f"Social workers in post, {name}",
                "workers",
                f"Mean social workers in post (permanent and agency) in {which}, over the "
                "measured days after the change.",
                only_when=_SCOPED,
            ),
            Kpi(
                f"scope.funded_posts_{side}",
                f"Funded posts, {name}",
                "posts",
                f"Funded social-work posts of {which} at the end of the run.",
                number_format=COUNT,
                only_when=_SCOPED,
            ),
            Kpi(
                f"scope.morale_mean_{side}",
                f"Staff morale, {name}",
                "0-1",
                f"Mean morale of the workers in post in {which}, over the measured days after "
                "the change.",
                _HIGHER,
                number_format=TWO_DECIMALS,
                only_when=_SCOPED,
            ),
            Kpi(
                f"scope.staff_cost_per_year_{side}",
                f"Spend on social work staff, {name}",
                "£ a year",
                f"Pay, agency premium, overhead and margin of the workers in post in {which}, "
                "under its own settings, from daily counts over the measured days after the "
                "change (set-up is in cost.one_off_setup_total).",
                _LOWER,
                number_format=MONEY,
                only_when=_SCOPED,
            ),
            Kpi(
                f"scope.turnover_rate_{side}",
                f"Staff turnover, {name}",
                "share of permanent staff a year",
                f"Permanent staff of {which} who left in the measured period after the change, "
                "a year, over its mean permanent staff.",
                _LOWER,
                number_format=PERCENT,
                only_when=_SCOPED,
            ),
        )
    )
    return (work, staff, *people, *teams)


_PROVIDED = "runs whose provision (scenario.provision) is not today's default"


def _provision_entries() -> tuple[Kpi, ...]:
    return (
        Kpi(
            "provision.home_care_handbacks_per_year",
            "Home-care packages handed back",
            "packages a year",
            "Home-care packages the provider handed back in the measured period, a year; each "
            "person re-joined the home-care queue (provision.*.handback_per_year).",
            _LOWER,
            only_when=_PROVIDED,
        ),
        Kpi(
            "provision.home_care_handback_share",
            "Share of home-care clients handed back",
            "share of clients a year",
            "Home-care packages handed back a year over the mean number of people in home care, "
            "over the measured days.",
            _LOWER,
            number_format=PERCENT,
            only_when=_PROVIDED,
        ),
        Kpi(
            "provision.home_care_cost_per_hour",
            "Home-care cost per hour",
            "£ an hour",
            "Spend on home care in the measured period over the hours in use (packages held "
            "open in hospital count but are not paid, so this is a little below the price).",
            _LOWER,
            number_format=TWO_DECIMALS,
            only_when=_PROVIDED,
        ),
        Kpi(
            "provision.home_care_hours_offered_end",
            "Home-care hours on offer",
            "hours a week",
            "Home-care hours a week the provider offers at the end of the run: the council's "
            "own staff's hours, or what a market offers at the fee (supply response).",
            _HIGHER,
            number_format=COUNT,
            only_when=_PROVIDED,
        ),
    )


_NHS_FUNDED = "runs with NHS re-ablement funding or a pooled budget (funding.*)"


def _nhs_entries() -> tuple[Kpi, ...]:
    entries = (
        (
            "reablement_grant_places",
            "Re-ablement places the NHS grant buys",
            "places",
            "Re-ablement places beyond the council's own that funding.nhs_reablement_per_year "
            "keeps open all year at reablement.cost_per_week.",
            COUNT,
        ),
        (
            "reablement_grant_per_year",
            "NHS spend on re-ablement grant places",
            "£ a year",
            "Spend a year in the measured period on people in the NHS grant's re-ablement "
            "places; the NHS pays it, so it is not in cost.total_per_year.",
            MONEY,
        ),
        (
            "pooled_care_per_year",
            "Spend from the pooled budget",
            "£ a year",
            "Spend a year in the measured period on re-ablement and home care that started as "
            "a patient left hospital, which the council and NHS pool pays for (it is in "
            "cost.total_per_year: the two commission it jointly).",
            MONEY,
        ),
        (
            "pool_nhs_share_per_year",
            "NHS part of the pooled budget's spend",
            "£ a year",
            "The NHS's part of the pool's spend a year: the pool's spend up to "
            "funding.pool_nhs_per_year, over the measured period as a whole.",
            MONEY,
        ),
        (
            "funded_per_year",
            "NHS-funded social care spend",
            "£ a year",
            "The re-ablement grant's spend plus the NHS's part of the pooled budget's spend, "
            "a year in the measured period.",
            MONEY,
        ),
    )
    return tuple(
        Kpi(f"nhs.{key}", label, unit, definition, number_format=fmt, only_when=_NHS_FUNDED)
        for key, label, unit, definition, fmt in entries
    )


def _in_summary_order(entries: tuple[Kpi, ...]) -> dict[str, Kpi]:
    order = list(AREAS)
    ranked = sorted(enumerate(entries), key=lambda pair: (order.index(pair[1].section), pair[0]))
    return {kpi.key: kpi for _, kpi in ranked}


CATALOGUE: dict[str, Kpi] = _in_summary_order(
    (
        *_ENTRIES,
        *_outcome_entries(),
        *_component_entries(),
        *_group_entries(),
        *_scope_entries(),
        *_provision_entries(),
        *_nhs_entries(),
    )
)
HEADLINE: tuple[str, ...] = tuple(key for key, kpi in CATALOGUE.items() if kpi.headline)


def lookup(key: str) -> Kpi:
    """The catalogue entry of ``key``.

    Raises:
        UnknownKpiError: naming the key and the nearest known keys.
    """
    try:
        return CATALOGUE[key]
    except KeyError:
        near = difflib.get_close_matches(key, CATALOGUE, n=3)
        hint = f"; did you mean {', '.join(near)}?" if near else "; `carepath kpis` lists them"
        raise UnknownKpiError(f"unknown KPI {key!r}{hint}") from None


def describe(key: str) -> Kpi:
    """The catalogue entry of ``key``, or a plain one for a KPI the catalogue does not hold.

    Experiments may run another model class whose summary has KPIs of its own: those are shown
    under their key, as plain numbers with no direction.
    """
    known = CATALOGUE.get(key)
    if known is not None:
        return known
    return Kpi(key, key, "", f"{key} (not in carepath's KPI catalogue).")


def headline(available: list[str] | tuple[str, ...] | None = None) -> list[str]:
    """The headline KPI keys, in catalogue order; only those in ``available`` when given."""
    if available is None:
        return list(HEADLINE)
    have = set(available)
    return [key for key in HEADLINE if key in have]


def read(summary: dict[str, Any], key: str) -> Any:
    """The value of KPI ``key`` in a nested run summary (``summary["cost"]["total_per_year"]``).

    Raises:
        UnknownKpiError: when the summary has no such KPI.
    """
    node: Any = summary
    for part in key.split("."):
        if not isinstance(node, dict) or part not in node:
            raise UnknownKpiError(f"the run summary has no KPI {key!r}")
        node = node[part]
    return node


def format_value(key: str, value: Any, *, signed: bool = False) -> str:
    """``value`` of KPI ``key`` as a reader wants it: ``12.5%``, ``£90.10m``, ``1,234``.

    Args:
        key: a catalogue key.
        value: the number (``None`` or NaN print as a dash).
        signed: print a difference: a leading ``+`` and shares in percentage points.

    Raises:
        UnknownKpiError: for a key the catalogue does not hold.
    """
    return lookup(key).format(value, signed=signed)
