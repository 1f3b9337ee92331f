"""The core pathway shared by the two reference implementations: parameters, rules and KPIs.

The reference models (``naive_mesa`` and ``simpy_model``) differ only in their engine: one
wakes every resident every day, the other runs each person as a SimPy process. Both read
their numbers from the same validated ``Scenario`` as the real model, through ``CoreParams``,
and take every decision (triage, eligibility, choice of service, re-ablement success, hazards)
from the functions here, so that a difference in their results comes from the engine or from
what the core leaves out, not from two codings of the same rule.

What the core pathway includes: community contacts and repeat contacts, emergency admissions
by discharge pathway, discharge to assess, triage, the assessment queue (hospital first) served
by social workers' hours, withdrawal while waiting, eligibility and the choice of support,
approval by sign-off or weekly panel, re-ablement places with a maximum wait and bridging to
long-term care, home-care hours and care-home places (hospital first, first come first served),
deaths, leaving long-term care, and hospital admissions of long-term clients.

What it leaves out (the real model has them): workforce turnover, vacancies, agency cover and
morale (the core uses a fixed headcount at the expected steady state), caseload limits,
annual reviews, council checks and rework, budget rationing of eligibility, package holds of
exactly ``package_hold_days``, ASCOF follow-up, costs and the ledger.
"""

from __future__ import annotations

import math
import random
from dataclasses import dataclass
from statistics import median
from typing import Any

from carepath.sim.scenario import FACS_THRESHOLDS, Scenario

DAYS_PER_YEAR = 365.0


@dataclass(frozen=True, slots=True)
class CoreParams:
    """Every number the reference models need, derived from a scenario once."""

    days: int
    warmup: int
    population: int
    band_sizes: tuple[float, ...]
    community_per_resident_day: tuple[float, ...]
    admissions_per_resident_day: tuple[float, ...]
    pathway_shares: tuple[float, ...]
    need_by_pathway: tuple[float, ...]
    los_mean: float
    los_sd: float
    need_mean: float
    need_concentration: float
    deterioration_per_day: float
    carer_share: float
    self_funder_share: tuple[float, ...]
    signpost_below: float
    low_level_below: float
    withdraw_per_day: float
    recontact_share: float
    recontact_mean_days: float
    death_per_day: tuple[float, ...]
    need_effect: float
    care_home_multiplier: float
    leave_per_day: float
    client_admissions_per_day: float
    need_rise_on_admission: float
    self_funder_arrangement_days: float
    package_hold_days: float
    social_workers: int
    worker_hours_per_day: float
    assessment_hours_mean: float
    min_assessment_days: float
    threshold_need: float
    care_home_need: float
    care_home_need_with_carer: float
    reablement_max_need: float
    reablement_offer_share: float
    resolve_share: float
    discharge_to_assess_share: float
    sign_off_days: float
    panel_interval: float
    panel_weekly_cost: float
    home_care_price: float
    residential_weekly: float
    nursing_weekly: float
    nursing_need: float
    reablement_places: int
    reablement_mean_days: float
    reablement_max_days: float
    success_at_zero_need: float
    success_at_full_need: float
    reablement_need_reduction: float
    reablement_max_wait: float
    reablement_max_wait_hospital: float
    home_care_hours: float
    hours_at_zero_need: float
    hours_per_need: float
    carer_package_factor: float
    care_home_places: int
    initial_care_home_occupancy: float
    initial_home_care_utilisation: float
    initial_home_care_need: float
    initial_care_home_need: float
    initial_home_care_bands: tuple[float, ...]
    initial_care_home_bands: tuple[float, ...]

    @classmethod
    def from_scenario(cls, sc: Scenario) -> CoreParams:
        """Read the core pathway's parameters from a validated scenario."""
        wf, org = sc.workforce, sc.organisation
        discount = 1.0 - org.purchasing_discount
        hc = sc.home_care
        price = hc.price_per_hour * discount
        posts = max(1, round(wf.establishment_fte * (1.0 - org.savings_target_share)))
        # Fixed headcount at the steady state of the real workforce: vacancies not covered by
        # agency staff are missing; new starters (their first 180 days) work at reduced pace.
        present = posts * (1.0 - wf.initial_vacancy_rate * (1.0 - wf.agency_cover_share))
        starters = min(1.0, wf.annual_turnover * 180.0 / DAYS_PER_YEAR)
        productivity = (1.0 - starters * (1.0 - wf.new_starter_productivity)) * (
            0.85 + 0.25 * wf.base_morale
        )
        practice = sc.practice
        resolve = practice.community_resolution_share + practice.creative_support_share
        if practice.strengths_based:
            resolve += practice.strengths_community_uplift
        return cls(
            days=round(sc.run.years * DAYS_PER_YEAR),
            warmup=sc.run.warmup,
            population=sc.population.total,
            band_sizes=sc.population.band_sizes(),
            community_per_resident_day=tuple(
                r / DAYS_PER_YEAR for r in sc.demand.requests_per_person_year.as_tuple()
            ),
            admissions_per_resident_day=tuple(
                r / DAYS_PER_YEAR for r in sc.hospital.admissions_per_person_year.as_tuple()
            ),
            pathway_shares=tuple(sc.hospital.pathway_shares),
            need_by_pathway=tuple(sc.hospital.need_by_pathway),
            los_mean=sc.hospital.length_of_stay_mean_days,
            los_sd=sc.hospital.length_of_stay_sd_days,
            need_mean=sc.demand.need_at_contact.mean,
            need_concentration=sc.demand.need_at_contact.concentration,
            deterioration_per_day=sc.demand.deterioration_per_year / DAYS_PER_YEAR,
            carer_share=sc.demand.informal_carer_share,
            self_funder_share=sc.demand.self_funder_share.as_tuple(),
            signpost_below=sc.demand.signpost_below_need,
            low_level_below=sc.demand.low_level_below_need,
            withdraw_per_day=sc.demand.withdraw_per_year_waiting / DAYS_PER_YEAR,
            recontact_share=sc.demand.recontact_share,
            recontact_mean_days=sc.demand.recontact_mean_days,
            death_per_day=tuple(h / DAYS_PER_YEAR for h in sc.mortality.annual_hazard.as_tuple()),
            need_effect=sc.mortality.need_effect,
            care_home_multiplier=sc.mortality.care_home_multiplier,
            leave_per_day=sc.mortality.leave_long_term_care_per_year / DAYS_PER_YEAR,
            client_admissions_per_day=sc.hospital.client_admissions_per_year / DAYS_PER_YEAR,
            need_rise_on_admission=sc.hospital.need_rise_on_admission,
            self_funder_arrangement_days=sc.hospital.self_funder_arrangement_days,
            package_hold_days=sc.hospital.package_hold_days,
            social_workers=max(1, round(present)),
            worker_hours_per_day=wf.working_hours_per_day
            * (1.0 - wf.admin_share)
            * wf.pathway_time_share
            * productivity,
            assessment_hours_mean=sc.assessment.hours_mean
            * (1.0 + (practice.strengths_extra_hours_share if practice.strengths_based else 0.0)),
            min_assessment_days=sc.assessment.min_elapsed_days,
            threshold_need=FACS_THRESHOLDS[sc.eligibility.threshold],
            care_home_need=sc.eligibility.care_home_need,
            care_home_need_with_carer=sc.eligibility.care_home_need_with_carer,
            reablement_max_need=sc.eligibility.reablement_max_need,
            reablement_offer_share=sc.eligibility.reablement_offer_share,
            resolve_share=resolve,
            discharge_to_assess_share=sc.integration.discharge_to_assess_share,
            sign_off_days=sc.approval.sign_off_days,
            panel_interval=sc.approval.panel_interval_days,
            panel_weekly_cost=sc.approval.panel_weekly_cost,
            home_care_price=price,
            residential_weekly=sc.care_homes.residential_per_week * discount,
            nursing_weekly=sc.care_homes.nursing_per_week * discount,
            nursing_need=sc.care_homes.nursing_need,
            reablement_places=sc.reablement.places,
            reablement_mean_days=sc.reablement.duration_mean_days,
            reablement_max_days=sc.reablement.max_days,
            success_at_zero_need=sc.reablement.success_at_zero_need,
            success_at_full_need=sc.reablement.success_at_full_need,
            reablement_need_reduction=sc.reablement.need_reduction,
            reablement_max_wait=sc.reablement.max_wait_days,
            reablement_max_wait_hospital=sc.reablement.max_wait_days_in_hospital,
            home_care_hours=hc.capacity_hours_per_week
            * (price / hc.reference_price_per_hour) ** hc.supply_elasticity,
            hours_at_zero_need=hc.hours_at_zero_need,
            hours_per_need=hc.hours_per_need,
            carer_package_factor=1.0 - practice.strengths_package_reduction
            if practice.strengths_based
            else 1.0,
            care_home_places=sc.care_homes.places,
            initial_care_home_occupancy=sc.initial.care_home_occupancy,
            initial_home_care_utilisation=sc.initial.home_care_utilisation,
            initial_home_care_need=sc.initial.home_care_need_mean,
            initial_care_home_need=sc.initial.care_home_need_mean,
            initial_home_care_bands=sc.initial.home_care_bands.as_tuple(),
            initial_care_home_bands=sc.initial.care_home_bands.as_tuple(),
        )

    @property
    def community_per_day(self) -> tuple[float, ...]:
        """Expected community contacts a day, by age band."""
        return tuple(
            n * r for n, r in zip(self.band_sizes, self.community_per_resident_day, strict=True)
        )

    @property
    def admissions_per_day(self) -> tuple[float, ...]:
        """Expected emergency admissions a day of people not known to care, by age band."""
        return tuple(
            n * r for n, r in zip(self.band_sizes, self.admissions_per_resident_day, strict=True)
        )


class Person:
    """A person known to social care, with the traits the pathway rules read."""

    __slots__ = (
        "assessed",
        "band",
        "d2a",
        "had_reablement",
        "has_carer",
        "hospital_route",
        "need0",
        "rate",
        "self_funder",
        "t0",
        "u_offer",
        "u_reable",
        "u_resolve",
    )

    def __init__(self, rng: random.Random, p: CoreParams, band: int, need: float, now: float):
        self.band = band
        self.need0 = need
        self.t0 = now
        self.rate = rng.gammavariate(2.0, p.deterioration_per_day / 2.0)
        self.has_carer = rng.random() < p.carer_share
        self.self_funder = rng.random() < p.self_funder_share[band]
        self.u_resolve = rng.random()
        self.u_offer = rng.random()
        self.u_reable = rng.random()
        self.d2a = rng.random() < p.discharge_to_assess_share
        self.hospital_route = False
        self.assessed = False
        self.had_reablement = False

    def need(self, now: float) -> float:
        """Need score now: it rises steadily from the last reset."""
        return min(1.0, self.need0 + self.rate * (now - self.t0))

    def set_need(self, value: float, now: float) -> None:
        """Reset the need score from ``now`` on."""
        self.need0 = min(1.0, max(0.0, value))
        self.t0 = now


# -- random variates (parameterised as the real model's are) ---------------------------------
def beta(rng: random.Random, mean: float, concentration: float) -> float:
    """A Beta variate with the given mean and concentration."""
    return rng.betavariate(mean * concentration, (1.0 - mean) * concentration)


def lognormal(rng: random.Random, mean: float, sd: float) -> float:
    """A lognormal variate with the given arithmetic mean and standard deviation."""
    sigma2 = math.log1p((sd / mean) ** 2)
    return rng.lognormvariate(math.log(mean) - sigma2 / 2.0, math.sqrt(sigma2))


def waiting_time(rng: random.Random, rate_per_day: float) -> float:
    """Time to the next event of a Poisson process (``inf`` for a zero rate)."""
    return rng.expovariate(rate_per_day) if rate_per_day > 0 else math.inf


def choose(rng: random.Random, weights: tuple[float, ...]) -> int:
    """An index drawn with the given weights."""
    u = rng.random() * sum(weights)
    for i, w in enumerate(weights):
        u -= w
        if u < 0:
            return i
    return len(weights) - 1


# -- the pathway's rules --------------------------------------------------------------------
def pathway_of(p: CoreParams, u: float) -> int:
    """Discharge pathway 0-3 from a uniform variate."""
    cumulative = 0.0
    for i, share in enumerate(p.pathway_shares):
        cumulative += share
        if u < cumulative:
            return i
    return len(p.pathway_shares) - 1


def triage(p: CoreParams, need: float) -> str:
    """Front door: ``signposted``, ``low_level_support`` or ``assess``."""
    if need < p.signpost_below:
        return "signposted"
    if need < p.low_level_below:
        return "low_level_support"
    return "assess"


def needs_care_home(p: CoreParams, person: Person, need: float) -> bool:
    """Need beyond what home care can meet (higher with an informal carer)."""
    return need >= (p.care_home_need_with_carer if person.has_carer else p.care_home_need)


def assessment_outcome(p: CoreParams, person: Person, need: float) -> str:
    """``no_service``, ``self_funded``, ``community_support``, ``reablement`` or ``package``."""
    if need < p.threshold_need:
        return "no_service"
    if person.self_funder:
        return "self_funded"
    care_home = needs_care_home(p, person, need)
    if person.u_resolve < p.resolve_share and not care_home:
        return "community_support"
    if (
        not person.had_reablement
        and need <= p.reablement_max_need
        and not care_home
        and (person.hospital_route or person.u_offer < p.reablement_offer_share)
    ):
        return "reablement"
    return "package"


def package_for(p: CoreParams, person: Person, need: float) -> tuple[str, float]:
    """``("care_home", 1)`` or ``("home_care", hours a week)``."""
    if needs_care_home(p, person, need):
        return ("care_home", 1.0)
    hours = p.hours_at_zero_need + p.hours_per_need * need
    return ("home_care", hours * p.carer_package_factor if person.has_carer else hours)


def approval_delay(p: CoreParams, package: tuple[str, float], need: float, now: float) -> float:
    """Days until a package is approved: sign-off, or the next weekly panel if it is costly."""
    name, units = package
    if name == "home_care":
        weekly = p.home_care_price * units
    else:
        weekly = p.nursing_weekly if need >= p.nursing_need else p.residential_weekly
    if weekly > p.panel_weekly_cost:
        return (math.floor(now / p.panel_interval) + 1) * p.panel_interval - now
    return p.sign_off_days


def reablement_succeeds(p: CoreParams, person: Person, need: float) -> bool:
    """Whether re-ablement leaves the person independent."""
    chance = p.success_at_zero_need + (p.success_at_full_need - p.success_at_zero_need) * need
    return person.u_reable < chance


def death_rate(p: CoreParams, person: Person, need: float, *, care_home: bool) -> float:
    """Death hazard a day."""
    rate = p.death_per_day[person.band] * math.exp(p.need_effect * (need - 0.5))
    return rate * p.care_home_multiplier if care_home else rate


def admission_rate(p: CoreParams, need: float) -> float:
    """Hospital admission hazard a day of a long-term client."""
    return p.client_admissions_per_day * (0.5 + need)


# -- what both reference models report ------------------------------------------------------
class Kpis:
    """The outcomes compared across implementations, recorded as they happen."""

    def __init__(self, p: CoreParams) -> None:
        self.p = p
        self.contacts: list[float] = []
        self.waits: list[tuple[float, float, bool]] = []  # (time, days waited, from hospital)
        self.reablement_done: list[float] = []
        self.long_term: list[int] = []  # clients at the end of each day (index = day)
        self.transitions = 0

    def summary(self) -> dict[str, Any]:
        """The four comparison KPIs after the warm-up, named as in the real model's summary."""
        start, end = float(self.p.warmup), float(self.p.days)
        years = (end - start) / DAYS_PER_YEAR
        waits = [(w, urgent) for t, w, urgent in self.waits if t >= start]
        daily = self.long_term[self.p.warmup :]
        hospital = [w for w, urgent in waits if urgent]
        community = [w for w, urgent in waits if not urgent]
        return {
            "requests_per_year": sum(1 for t in self.contacts if t >= start) / years,
            "wait_median_days": median(w for w, _ in waits) if waits else math.nan,
            "wait_median_days_hospital": median(hospital) if hospital else math.nan,
            "wait_median_days_community": median(community) if community else math.nan,
            "assessments_started_per_year": len(waits) / years,
            "reablement_completed_per_year": sum(1 for t in self.reablement_done if t >= start)
            / years,
            "long_term_clients_mean": sum(daily) / len(daily) if daily else math.nan,
            "transitions": self.transitions,
        }


def real_model_kpis(summary: dict[str, Any]) -> dict[str, float]:
    """The same four KPIs from the real model's ``RunResults.summary``."""
    return {
        "requests_per_year": summary["demand"]["requests_per_year"],
        "wait_median_days": summary["assessment"]["wait_median_days"],
        "reablement_completed_per_year": summary["reablement"]["completed_per_year"],
        "long_term_clients_mean": summary["long_term_care"]["clients_mean"],
        "wait_median_days_hospital": summary["assessment"]["wait_median_days_hospital"],
        "wait_median_days_community": summary["assessment"]["wait_median_days_community"],
        "assessments_started_per_year": summary["assessment"]["assessments_started_per_year"],
    }
