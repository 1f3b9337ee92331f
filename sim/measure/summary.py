"""The run summary: KPIs over the measured years, from the daily series and the tallies."""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

import numpy as np
import pandas as pd
from carepath.sim.measure.tallies import ROUTE_FUNDS_DEPLETED, ROUTE_TRANSITION
from carepath.sim.mechanisms import provision as providers
from carepath.sim.mechanisms import trends, waiting_list
from carepath.sim.scenario import GROUPS
from carepath.sim.spending import COMPONENTS
from carepath.sim.states import EXIT_STATES

from carepath import __version__

if TYPE_CHECKING:
    from carepath.sim.measure.tallies import Columns, Tally
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.scenario import Workforce


@dataclass
class RunResults:
    """The three outputs of a run (``events`` is None when the run kept none: ``keep_only``)."""

    summary: dict[str, Any]
    timeseries: pd.DataFrame
    events: pd.DataFrame | None


def _percentile(values: np.ndarray, q: float) -> float:
    return float(np.percentile(values, q)) if len(values) else math.nan


def _mean(values: pd.Series) -> float:
    return float(values.mean()) if len(values) else math.nan


def _requests_per_client(contacts: pd.DataFrame, end: float) -> float:
    """Requests in the last 12 months (or the measured period) per person making them.

    ASC-FR's ratio is within a year: a person who asks twice in a year counts twice.
    """
    year = contacts[contacts["time"] > end - 365.0]
    return _share(len(year), year["person"].nunique())


def _share(numerator: float, denominator: float) -> float:
    return numerator / denominator if denominator else math.nan


def working_hours(worker_days: float, workforce: Workforce) -> float:
    """Social-worker hours at work in ``worker_days`` days in post (net of leave and absence)."""
    return worker_days * workforce.working_hours_per_day


def client_facing_share(pathway_hours: float, working: float, workforce: Workforce) -> float:
    """Share of ``working`` social-worker hours spent with or for clients.

    The run summary and the dashboards both call this, so the two always agree.

    Args:
        pathway_hours: hours the team spent on pathway work (assessments, reviews, support
            planning) in the period.
        working: hours the social workers in post were at work over the same period
            (``working_hours``).
        workforce: the scenario's workforce section. Of the time left after administration,
            the part not planned for the pathway goes to other client work (safeguarding,
            mental capacity, other statutory work), which the model counts but does not
            simulate.

    Returns:
        The share, or NaN when nobody was at work.
    """
    other = working * (1.0 - workforce.admin_share) * (1.0 - workforce.pathway_time_share)
    return _share(pathway_hours + other, working)


def _waits_by_priority(waits: pd.DataFrame) -> dict[str, float]:
    """Median community waits of each priority band of a prioritised list."""
    return {
        f"wait_median_days_{name}": _percentile(
            waits.loc[(waits["urgent"] == 0) & (waits["priority"] == band), "days"].to_numpy(), 50
        )
        for band, name in enumerate(waiting_list.PRIORITIES)
    }


def _list_ages(tally: Tally) -> dict[str, float]:
    """The community list's age profile: shares of its people past 1, 3, 6 and 12 months."""
    return {
        f"waiting_over_{months}_month{'s' if months > 1 else ''}_share": _share(
            over, tally.list_waiting
        )
        for (months, _), over in zip(waiting_list.AGE_MARKS, tally.list_over, strict=True)
    }


def summarise(model: CarePathwayModel) -> dict[str, Any]:
    """The KPIs of the run, measured after the warm-up (``run.warmup_days``)."""
    cfg = model.config
    start = float(min(cfg.run.warmup, model.time))
    end = float(model.time)
    years = max(end - start, 1e-9) / 365.0
    series = model.datacollector.get_model_vars_dataframe()
    days = np.asarray(model.datacollector._collection_steps, dtype=float)
    window = series[(days >= start) & (days <= end)]
    first, last = window.iloc[0], window.iloc[-1]

    def per_year(column: str) -> float:
        return float(last[column] - first[column]) / years

    def mean(column: str) -> float:
        return float(window[column].mean())

    def since(table: Columns) -> pd.DataFrame:
        frame = table.frame()
        return frame[frame["time"] >= start]

    tally = model.tally
    contacts = since(tally.contacts)
    waits = since(tally.waits)
    services = since(tally.first_services)
    approvals = since(tally.approvals)
    reable = since(tally.reablement)
    ascof = since(tally.ascof_2b)
    homes = since(tally.care_home_admissions)
    stays = since(tally.care_home_stays)
    stays_to_death = stays.loc[stays["died"] == 1, "days"]
    exits = since(tally.exits)
    sizes = cfg.population.band_sizes()
    adults = sum(sizes)
    over_65 = sizes[1] + sizes[2]
    exit_counts = {s.label: int((exits["state"] == int(s)).sum()) for s in EXIT_STATES}

    spend = {c: per_year(f"spend_{c}_to_date") for c in COMPONENTS}
    # The mean of the budget path over the measured period (mechanisms/trends.py).
    budget = trends.mean_budget(cfg.commissioning, cfg.trends, start, end)
    total = sum(spend.values())
    wf = cfg.workforce
    working_hours_per_year = working_hours(mean("social_workers"), wf) * 365.0
    community = (
        mean("home_care_clients")
        + mean("direct_payment_clients")
        + mean("supported_living_clients")
    )
    long_term = community + mean("care_home_residents")
    client_days, lts_spend = model.breakdown.measured()
    delayed = per_year("delayed_bed_days_to_date")
    permanent_posts = model.team.posts

    summary: dict[str, Any] = {
        "run": {
            "scenario": cfg.name,
            "preset": cfg.organisation.preset,
            "seed": model.seed if isinstance(model.seed, int) else str(model.seed),
            "years": cfg.run.years,
            "warmup_days": cfg.run.warmup,
            "days_measured": end - start,
            "carepath_version": __version__,
            "events_logged": len(model.log),
        },
        "demand": {
            "requests_per_year": len(contacts) / years,
            "requests_per_1000_adults": len(contacts) / years / adults * 1000.0,
            "share_from_hospital": _share(contacts["hospital"].sum(), len(contacts)),
            "share_aged_65_plus": _share((contacts["band"] >= 1).sum(), len(contacts)),
            "share_repeat_requests": _share(contacts["repeat"].sum(), len(contacts)),
            "share_from_hospital_aged_18_64": _share(
                (contacts["hospital"] * (contacts["band"] == 0)).sum(),
                (contacts["band"] == 0).sum(),
            ),
            "share_from_hospital_aged_65_plus": _share(
                (contacts["hospital"] * (contacts["band"] >= 1)).sum(),
                (contacts["band"] >= 1).sum(),
            ),
            "requests_per_client": _requests_per_client(contacts, end),
            "funds_depleted_per_year": int((contacts["route"] == ROUTE_FUNDS_DEPLETED).sum())
            / years,
            "transitions_per_year": int((contacts["route"] == ROUTE_TRANSITION).sum()) / years,
        },
        "assessment": {
            "wait_median_days": _percentile(waits["days"].to_numpy(), 50),
            "wait_p90_days": _percentile(waits["days"].to_numpy(), 90),
            "wait_median_days_hospital": _percentile(
                waits.loc[waits["urgent"] == 1, "days"].to_numpy(), 50
            ),
            "wait_median_days_community": _percentile(
                waits.loc[waits["urgent"] == 0, "days"].to_numpy(), 50
            ),
            **(_waits_by_priority(waits) if cfg.waiting_list.prioritise else {}),
            **_list_ages(tally),
            "assessments_started_per_year": len(waits) / years,
            "people_waiting_mean": mean("waiting_for_assessment"),
            "people_waiting_end": int(last["waiting_for_assessment"]),
            "people_waiting_per_1000_adults": mean("waiting_for_assessment") / adults * 1000.0,
            "reviews_waiting_mean": mean("reviews_waiting"),
            "reviews_waiting_share_of_clients": _share(mean("reviews_waiting"), long_term),
            "approval_wait_mean_days": _mean(approvals["days"]),
            "referral_to_service_median_days": _percentile(services["days"].to_numpy(), 50),
            "referral_to_service_mean_days": _mean(services["days"]),
            "referral_to_service_p90_days": _percentile(services["days"].to_numpy(), 90),
        },
        "outcomes": {
            "exits_per_year": {k: v / years for k, v in exit_counts.items()},
            "exit_shares": {
                k: _share(v, sum(exit_counts.values())) for k, v in exit_counts.items()
            },
        },
        "hospital": {
            "admissions_to_date": model.hospital.admissions,
            "delayed_bed_days_per_year": delayed,
            "delayed_discharge_cost_per_year": delayed * cfg.hospital.bed_night_cost,
            "delayed_patients_mean": mean("delayed_discharges"),
            "delayed_awaiting_long_term_care_mean": mean("delayed_awaiting_long_term_care"),
        },
        "reablement": {
            "completed_per_year": len(reable) / years,
            "ascof_2d": _share(reable["success"].sum(), len(reable)),
            "share_aged_65_plus": _share((reable["band"] >= 1).sum(), len(reable)),
            "ascof_2b": _share(ascof["success"].sum(), len(ascof)),
            "ascof_2b_cohort": len(ascof),
            # Of all places, the NHS grant's too (mechanisms/funding.py).
            "utilisation_mean": _share(mean("reablement_places_in_use"), model.reablement.capacity),
        },
        "long_term_care": {
            "clients_mean": long_term,
            "clients_end": int(
                last["home_care_clients"]
                + last["direct_payment_clients"]
                + last["supported_living_clients"]
                + last["care_home_residents"]
            ),
            "home_care_clients_mean": mean("home_care_clients"),
            "direct_payment_clients_mean": mean("direct_payment_clients"),
            "supported_living_clients_mean": mean("supported_living_clients"),
            "community_clients_mean": community,
            "direct_payment_share_of_community": _share(mean("direct_payment_clients"), community),
            "share_aged_18_64": _share(sum(client_days[: len(GROUPS)]), sum(client_days)),
            "weekly_spend_per_client_aged_18_64": _share(
                sum(lts_spend[: len(GROUPS)]) * 7.0, sum(client_days[: len(GROUPS)])
            ),
            "spend_share_aged_18_64": _share(sum(lts_spend[: len(GROUPS)]), sum(lts_spend)),
            "clients_share_by_group": _by_group(client_days),
            "spend_share_by_group": _by_group(lts_spend),
            "care_home_residents_mean": mean("care_home_residents"),
            # A council may have no one in an age band (population.age_shares): no rate then.
            "care_home_admissions_65_plus_per_100k": _share(
                (homes["band"] >= 1).sum() / years * 1e5, over_65
            ),
            "care_home_admissions_18_64_per_100k": _share(
                (homes["band"] == 0).sum() / years * 1e5, sizes[0]
            ),
            "care_home_share_of_clients": _share(mean("care_home_residents"), long_term),
            "care_home_stay_mean_days": _mean(stays_to_death),
            "care_home_stay_median_days": _percentile(stays_to_death.to_numpy(), 50),
            "care_home_stays_ended_other_than_by_death_share": _share(
                len(stays) - len(stays_to_death), len(stays)
            ),
            "long_term_clients_per_1000_adults": long_term / adults * 1000.0,
            "nhs_continuing_healthcare_per_year": len(since(tally.nhs_funded)) / years,
        },
        "cost": {
            "total_per_year": total,
            "by_component_per_year": spend,
            "per_long_term_client_per_year": _share(total, long_term),
            "one_off_setup_total": model.ledger.accounts["setup"].value_at(end),
            "budget_per_year": budget,
            "spend_to_budget": _share(total, budget),
        },
        "workforce": {
            "social_workers_mean": mean("social_workers"),
            "funded_posts": permanent_posts,
            "client_facing_share": client_facing_share(
                per_year("pathway_hours_to_date"), working_hours_per_year, wf
            ),
            "caseload_mean": mean("caseload_mean"),
            "morale_mean": mean("morale_mean"),
            "turnover_rate": _share(
                per_year("leavers_to_date"), mean("social_workers") - mean("agency_workers")
            ),
            "vacancy_rate": _share(mean("vacancies"), permanent_posts),
            "agency_share": _share(mean("agency_workers"), mean("social_workers")),
        },
        "commissioning": {
            "eligibility_threshold_end": model.commissioner.threshold_band,
            # Need score; the policy band's when spending is within budget (ODD 7.12).
            "eligibility_need_mean": mean("eligibility_threshold"),
            "threshold_changes": model.commissioner.threshold_changes,
            "council_checks": model.commissioner.checks_done,
            "returned_for_rework": model.commissioner.reworks,
        },
    }
    provisions = (model._warmup_config.provision, model.config.provision, model.option.provision)
    if providers.reported(*provisions):  # provision other than today's: its own measures
        handbacks = len(since(tally.handbacks)) / years
        hours_a_year = mean("home_care_hours_in_use") * 365.0 / 7.0
        summary["provision"] = {
            "home_care_handbacks_per_year": handbacks,
            "home_care_handback_share": _share(handbacks, mean("home_care_clients")),
            "home_care_cost_per_hour": _share(spend["home_care"], hours_a_year),
            "home_care_hours_offered_end": model.home_care.capacity,
        }
    if model.grant_places or cfg.funding.pool_nhs_per_year > 0.0:
        summary["nhs"] = _nhs_funded(model, end, years)
    if model.scope is not None:  # a scoped change: the option's part and the rest, apart
        summary["run"]["scoped_option"] = model.option.organisation.preset
        summary["scope"] = model.scope.summary(start)
    return _clean(summary)


def _nhs_funded(model: CarePathwayModel, end: float, years: float) -> dict[str, float]:
    """NHS money over the measured period (mechanisms/funding.py), £ a year."""
    grant_at_start, pool_at_start = model.nhs_at_warmup
    grant = model.nhs_ledger.accounts["nhs_reablement"].value_at(end) - grant_at_start
    pooled = (model.pool_spend.value_at(end) - pool_at_start) / years
    pool_share = min(pooled, model.config.funding.pool_nhs_per_year)
    return {
        "reablement_grant_places": model.grant_places,
        "reablement_grant_per_year": grant / years,
        "pooled_care_per_year": pooled,
        "pool_nhs_share_per_year": pool_share,
        "funded_per_year": grant / years + pool_share,
    }


def _by_group(cells: list[float]) -> dict[str, float]:
    """Shares of a (band x group) breakdown summed over bands, by client group."""
    width = len(GROUPS)
    totals = [sum(cells[g::width]) for g in range(width)]
    return {name: _share(t, sum(totals)) for name, t in zip(GROUPS, totals, strict=True)}


def _clean(value: Any) -> Any:
    """Plain JSON-ready values: numpy scalars to Python, NaN to None."""
    if isinstance(value, dict):
        return {k: _clean(v) for k, v in value.items()}
    if isinstance(value, np.generic):
        value = value.item()
    if isinstance(value, float) and not math.isfinite(value):
        return None
    return value
