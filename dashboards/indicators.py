"""What the dashboards show of a running model: weekly series, KPI values and pathway flows.

Everything here reads a model and returns plain numbers, so that a snapshot taken under the
simulation's lock can be rendered later without touching the model again.
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from carepath.sim.measure import kpis as catalogue
from carepath.sim.measure.reporters import LONG_TERM_CLIENT_SERIES
from carepath.sim.measure.summary import client_facing_share, working_hours
from carepath.sim.model import CarePathwayModel
from carepath.sim.states import State

WEEK = 7
RECENT_DAYS = 91  # KPI cards about "now" look at the last quarter


@dataclass(frozen=True)
class Chart:
    """A time-series chart: a title, a unit, and named lines computed from a model."""

    key: str
    title: str
    unit: str
    lines: dict[str, Callable[[CarePathwayModel, np.ndarray], list[float]]]


@dataclass(frozen=True)
class LiveKpi:
    """A number a running model shows now, measured as a run-summary KPI is.

    Its label, unit, format and which way is better come from the KPI catalogue entry
    ``measure``; ``when`` says over which days it is taken (the summary's are the measured
    years, a live card's are today or the last weeks).

    Attributes:
        key: the card's name in a snapshot.
        measure: the catalogue key of the KPI it is a live reading of.
        when: the days it covers, in words (``today``, ``last 13 weeks``).
        value: computes it from a model.
        note: computes a line of context for the card (``of 80 funded posts``), if any.
        caveat: how the number can mislead, said wherever it is shown.
    """

    key: str
    measure: str
    when: str
    value: Callable[[CarePathwayModel], float]
    note: Callable[[CarePathwayModel], str] | None = None
    caveat: str = ""

    @property
    def entry(self) -> catalogue.Kpi:
        """The catalogue entry of the KPI it reads."""
        return catalogue.lookup(self.measure)

    @property
    def label(self) -> str:
        """``People waiting for assessment, today``."""
        return f"{self.entry.label}, {self.when}"

    @property
    def definition(self) -> str:
        """What the card measures: a live reading, over ``when``, of a catalogue KPI."""
        return f"Read {self.when} as the run goes; the run summary's KPI: {self.entry.definition}"

    @property
    def direction(self) -> str:
        """Which way is better, in words with an arrow: ``lower is better ↓``."""
        return better_text(self.entry)


def better_text(entry: catalogue.Kpi) -> str:
    """``lower is better ↓``, ``higher is better ↑``, or ``neither way is better``."""
    return {
        catalogue.Better.LOWER: "lower is better \u2193",
        catalogue.Better.HIGHER: "higher is better \u2191",
    }.get(entry.better, "neither way is better")


def week_days(model: CarePathwayModel) -> np.ndarray:
    """Days sampled for charts: every 7th day and the latest, so 5 years stay ~260 points."""
    days = np.arange(0, model.steps + 1, WEEK)
    if days[-1] != model.steps:
        days = np.append(days, model.steps)
    return days


def _reporter(name: str, scale: float = 1.0) -> Callable[[CarePathwayModel, np.ndarray], list]:
    def line(model: CarePathwayModel, days: np.ndarray) -> list[float]:
        values = np.asarray(model.datacollector.model_vars[name], dtype=float)
        return np.round(values[days] * scale, 3).tolist()

    return line


def _per_week(name: str) -> Callable[[CarePathwayModel, np.ndarray], list]:
    """A cumulative reporter turned into an amount per week between sampled days."""

    def line(model: CarePathwayModel, days: np.ndarray) -> list[float]:
        values = np.asarray(model.datacollector.model_vars[name], dtype=float)[days]
        gaps = np.maximum(np.diff(days, prepend=0), 1)
        rate = np.diff(values, prepend=values[0]) / gaps * WEEK
        return np.round(rate, 2).tolist()

    return line


def _median_wait(model: CarePathwayModel, days: np.ndarray) -> list[float | None]:
    """Median wait of the assessments that started in each sampled week."""
    waits = model.tally.waits.frame()
    if waits.empty:
        return [None] * len(days)
    bins = np.searchsorted(days, waits["time"].to_numpy(), side="left")
    medians = waits.groupby(bins)["days"].median()
    return [None if pd.isna(v) else round(float(v), 1) for v in medians.reindex(range(len(days)))]


def _client_facing(model: CarePathwayModel, days: np.ndarray) -> list[float | None]:
    """Client-facing share of social-worker working time per week, in % (the summary's formula)."""
    wf = model.config.workforce
    hours = np.asarray(model.datacollector.model_vars["pathway_hours_to_date"], dtype=float)
    staff = np.asarray(model.datacollector.model_vars["social_workers"], dtype=float)
    shares: list[float | None] = [None]
    for start, end in itertools.pairwise(days):
        working = working_hours(float(staff[start + 1 : end + 1].sum()), wf)
        share = client_facing_share(float(hours[end] - hours[start]), working, wf)
        shares.append(None if math.isnan(share) else round(100.0 * share, 1))
    return shares


CHARTS: tuple[Chart, ...] = (
    Chart(
        "waiting",
        "People waiting",
        "people",
        {
            "for assessment": _reporter("waiting_for_assessment"),
            "for approval": _reporter("awaiting_approval"),
        },
    ),
    Chart(
        "wait",
        "Wait for assessment (median, by week started)",
        "days",
        {"median wait": _median_wait},
    ),
    Chart(
        "delayed",
        "Delayed hospital discharges",
        "bed-days a week",
        {"delayed bed-days": _per_week("delayed_bed_days_to_date")},
    ),
    Chart(
        "reablement",
        "Re-ablement",
        "people",
        {"in re-ablement": _reporter("in_reablement"), "waiting": _reporter("awaiting_reablement")},
    ),
    Chart(
        "long_term",
        "Long-term care",
        "people",
        {
            "home care": _reporter("home_care_clients"),
            "direct payment": _reporter("direct_payment_clients"),
            "supported living": _reporter("supported_living_clients"),
            "care home": _reporter("care_home_residents"),
        },
    ),
    Chart(
        "spend",
        "Spend against budget (to date)",
        "£ million",
        {"spend": _reporter("spend_to_date", 1e-6), "budget": _reporter("budget_to_date", 1e-6)},
    ),
    Chart(
        "caseload",
        "Social-worker caseload",
        "cases each",
        {"mean caseload": _reporter("caseload_mean")},
    ),
    Chart(
        "client_time", "Client-facing time", "% of working hours", {"client-facing": _client_facing}
    ),
)


def _last(name: str) -> Callable[[CarePathwayModel], float]:
    return lambda model: float(model.datacollector.model_vars[name][-1])


def _recent_wait(model: CarePathwayModel) -> float:
    waits = model.tally.waits.frame()
    recent = waits.loc[waits["time"] > model.time - RECENT_DAYS, "days"]
    return float(recent.median()) if len(recent) else float("nan")


def _spend_share(model: CarePathwayModel) -> float:
    budget = model.datacollector.model_vars["budget_to_date"][-1]
    return model.datacollector.model_vars["spend_to_date"][-1] / budget if budget else math.nan


def _recent_delayed_per_year(model: CarePathwayModel) -> float:
    """Delayed bed-days of the last 13 weeks, as a rate a year."""
    total = model.datacollector.model_vars["delayed_bed_days_to_date"]
    start = max(0, model.steps - RECENT_DAYS)
    days = model.steps - start
    return (total[-1] - total[start]) / days * 365.0 if days else math.nan


def _reablement_in_use(model: CarePathwayModel) -> float:
    places = model.config.reablement.places
    return _last("reablement_places_in_use")(model) / places if places else math.nan


def _posts_note(model: CarePathwayModel) -> str:
    """Staff in post against the funded posts the lever sets: the gap is vacant posts."""
    posts = model.config.workforce.establishment_fte
    return f"of {posts:,.0f} funded posts; {model.team.vacancy_count:,} without a permanent worker"


def _recent_client_facing(model: CarePathwayModel) -> float:
    days = np.array([max(0, model.steps - RECENT_DAYS), model.steps])
    share = _client_facing(model, days)[-1] if model.steps else None
    return math.nan if share is None else share / 100.0


KPIS: tuple[LiveKpi, ...] = (
    LiveKpi("waiting", "assessment.people_waiting_mean", "today", _last("waiting_for_assessment")),
    LiveKpi(
        "wait",
        "assessment.wait_median_days",
        "last 13 weeks",
        _recent_wait,
        caveat="assessments started only: read it with the waiting list",
    ),
    LiveKpi(
        "delayed", "hospital.delayed_bed_days_per_year", "last 13 weeks", _recent_delayed_per_year
    ),
    LiveKpi("reablement", "reablement.utilisation_mean", "today", _reablement_in_use),
    LiveKpi(
        "long_term",
        "long_term_care.clients_mean",
        "today",
        lambda m: sum(_last(name)(m) for name in LONG_TERM_CLIENT_SERIES),
    ),
    LiveKpi("spend", "cost.spend_to_budget", "to date", _spend_share),
    LiveKpi(
        "staff", "workforce.social_workers_mean", "today", _last("social_workers"), _posts_note
    ),
    LiveKpi("caseload", "workforce.caseload_mean", "today", _last("caseload_mean")),
    LiveKpi("client_time", "workforce.client_facing_share", "last 13 weeks", _recent_client_facing),
)


def format_kpi(kpi: LiveKpi, value: float | None) -> str:
    """``value`` printed for a card in the catalogue's format, or a dash when there is none.

    A count carries its unit (``16.0 days``, ``816 people``); shares and money show theirs.
    """
    entry = kpi.entry
    text = entry.format(value)
    counted = entry.number_format.kind == "number" and text != catalogue.DASH
    return f"{text} {entry.unit}" if counted else text


def difference(kpi: LiveKpi, value: float, base: float) -> tuple[str, str]:
    """``value`` against a baseline's: the signed difference as text, and its tone.

    The tone is ``good`` or ``bad`` by the catalogue's better direction, ``""`` when the KPI
    has none or the two are equal.
    """
    if value is None or base is None or math.isnan(value) or math.isnan(base):
        return "", ""
    diff = value - base
    pct = f" ({100.0 * diff / abs(base):+.0f}%)" if base else ""
    text = kpi.entry.format(diff, signed=True) + pct
    better = kpi.entry.better
    if better is catalogue.Better.NEITHER or abs(diff) < 1e-9:
        return text, ""
    return text, "good" if (diff > 0) == (better is catalogue.Better.HIGHER) else "bad"


# -- flows through the pathway ------------------------------------------------------------
# Stages in pathway order; a move to an earlier stage (a readmission, a reassessment, a
# review that changes a package) is a "return", so the drawn flows stay acyclic, as a
# Sankey diagram needs.
STAGE_ORDER: tuple[State, ...] = (
    State.CONTACT,
    State.IN_HOSPITAL,
    State.AWAITING_ASSESSMENT,
    State.IN_ASSESSMENT,
    State.AWAITING_REABLEMENT,
    State.IN_REABLEMENT,
    State.AWAITING_APPROVAL,
    State.AWAITING_HOME_CARE,
    State.HOME_CARE,
    State.AWAITING_DIRECT_PAYMENT,
    State.DIRECT_PAYMENT,
    State.AWAITING_SUPPORTED_LIVING,
    State.SUPPORTED_LIVING,
    State.AWAITING_CARE_HOME,
    State.CARE_HOME,
    *(s for s in State if s.is_exit),
)
_RANK = {state: rank for rank, state in enumerate(STAGE_ORDER)}
RETURNS = "back along the pathway"
_N = len(State)


def stage_label(state: State) -> str:
    """A state's name for people: ``awaiting_home_care`` -> ``awaiting home care``."""
    return state.label.replace("_", " ")


def flows(model: CarePathwayModel) -> list[tuple[str, str, int]]:
    """Moves between pathway stages since day 1, as ``(from, to, count)``.

    People already in long-term care on day 0 are left out: they are the starting caseload,
    not flows. Moves back to an earlier stage are drawn into one ``RETURNS`` node.
    """
    log = model.log
    after_start = np.frombuffer(log.time, dtype=np.float64) > 0
    source = np.frombuffer(log.source, dtype=np.int8)[after_start].astype(np.int64)
    target = np.frombuffer(log.target, dtype=np.int8)[after_start].astype(np.int64)
    counts = np.bincount(source * _N + target, minlength=_N * _N)
    edges: dict[tuple[str, str], int] = {}
    for code in np.flatnonzero(counts):
        src, dst = State(code // _N), State(code % _N)
        if src == dst:
            continue  # a package changed in place
        to = stage_label(dst) if _RANK[dst] > _RANK[src] else RETURNS
        key = (stage_label(src), to)
        edges[key] = edges.get(key, 0) + int(counts[code])
    return [(src, dst, n) for (src, dst), n in edges.items()]
