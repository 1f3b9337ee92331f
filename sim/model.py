"""CarePathwayModel: the council, its population, hospital, social workers and services."""

from __future__ import annotations

import heapq
import math
import secrets
from collections.abc import Callable
from pathlib import Path
from typing import Any

import numpy as np
from carepath.sim.commissioner import Commissioner
from carepath.sim.engine.calendar import CalendarModel
from carepath.sim.engine.events import EventCount, EventLog
from carepath.sim.engine.gcpolicy import fewer_collections
from carepath.sim.engine.ledger import Integrator, Ledger
from carepath.sim.engine.streams import Stream, make_streams
from carepath.sim.hospital import Hospital
from carepath.sim.measure.breakdown import Breakdown
from carepath.sim.measure.collector import DailyCollector
from carepath.sim.measure.reporters import DAILY_REPORTERS
from carepath.sim.measure.summary import RunResults, summarise
from carepath.sim.measure.tallies import (
    ROUTE_COMMUNITY,
    ROUTE_FUNDS_DEPLETED,
    ROUTE_TRANSITION,
    Tally,
)
from carepath.sim.mechanisms import (
    change,
    front_door,
    funding,
    gp_attachment,
    groups,
    organisation,
    prices,
    risks,
    routes,
    trends,
)
from carepath.sim.mechanisms import provision as providers
from carepath.sim.mechanisms import scope as scoping
from carepath.sim.mechanisms.workforce import funded_posts, pay_per_day
from carepath.sim.person import ServiceUser, Traits
from carepath.sim.presets import preset_values
from carepath.sim.scenario import (
    ClientGroup,
    Demand,
    Organisation,
    Scenario,
    ScenarioError,
    build_scenario,
    contact_need_mean,
    load_scenario,
)
from carepath.sim.services import CareService
from carepath.sim.spending import COMPONENTS, NHS_COMPONENTS
from carepath.sim.states import State
from carepath.sim.teams import ScopedTeams
from carepath.sim.workforce import SocialWorkTeam

# Keyword levers of the constructor (for batch_run and dashboards) and the fields they set.
LEVERS: dict[str, str] = {
    "years": "run.years",
    # Not `social_workers`: that is the daily count of staff in post, a reporter, and
    # mesa.batch_run would write one over the other in its output.
    "funded_posts": "workforce.establishment_fte",
    "reablement_places": "reablement.places",
    "eligibility_threshold": "eligibility.threshold",
    "strengths_based": "practice.strengths_based",
    "discharge_to_assess": "integration.discharge_to_assess_share",
    "council_checks": "approval.council_checks_assessments",
    "home_care_hours": "home_care.capacity_hours_per_week",
    "care_home_places": "care_homes.places",
}


# The ledger components of a worker's pay, in the order ``pay_per_day`` gives them.
_PAY_COMPONENTS = (
    "social_work_staff",
    "agency_premium",
    "organisation_overhead",
    "contract_margin",
)
# Days between steps of a fading effect (``change.faded_scenario``): a month.
_FADE_INTERVAL = 30.0

RENAMED_LEVERS = {"social_workers": "funded_posts (social_workers is the staff in post)"}


def resolve_scenario(
    scenario: Scenario | dict[str, Any] | str | Path | None,
    preset: str | None,
    levers: dict[str, Any],
) -> Scenario:
    """Turn the constructor's arguments into one validated scenario.

    Raises:
        ScenarioError: for an unknown lever, preset or field, or an invalid value.
    """
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        name = unknown[0]
        if name in RENAMED_LEVERS:
            raise ScenarioError(f"{name}: renamed {RENAMED_LEVERS[name]}")
        raise ScenarioError(f"{name}: unknown lever; allowed: {', '.join(LEVERS)}")
    overrides = {LEVERS[k]: v for k, v in levers.items() if v is not None}
    if isinstance(scenario, Scenario):
        data = scenario.model_dump(mode="python")
        return build_scenario(data, preset=preset, overrides=overrides)
    if isinstance(scenario, dict) or scenario is None:
        return build_scenario(scenario, preset=preset, overrides=overrides)
    return load_scenario(scenario, preset=preset, overrides=overrides)


def warmup_of(scenario: Scenario) -> Scenario:
    """The scenario a run follows until its organisational change (itself, without one)."""
    if not scenario.change.enabled:
        return scenario
    current = preset_values(scenario.change.current) | scenario.change.current_values
    return change.warmup_scenario(scenario, current, preset_values(scenario.organisation.preset))


class CarePathwayModel(CalendarModel):
    """Adult social care pathways in one council, one step per day.

    Args:
        scenario: a ``Scenario``, a nested dict, a TOML path, or None for the defaults.
        preset: organisational model (see ``carepath presets``); overrides the scenario's.
        rng: seed (int, ``numpy.random.SeedSequence`` or ``Generator``); by default the
            scenario's ``run.seed`` or, if it has none, fresh entropy as Mesa models draw. The
            seed used is ``seed`` and is recorded in the summary, so any run can be repeated.
        **levers: shortcuts for common fields, see ``LEVERS`` (e.g. ``funded_posts=60``).

    Attributes:
        config: the validated scenario of this run.
        streams: named random streams (common random numbers across presets).
        ledger: council spending by component; ``log``: the per-person event log (only its
            length after ``keep_only(events=False)``).
        datacollector: daily time series (``DAILY_REPORTERS``).
    """

    def __init__(
        self,
        *,
        scenario: Scenario | dict[str, Any] | str | Path | None = None,
        preset: str | None = None,
        rng: int | np.random.SeedSequence | None = None,
        **levers: Any,
    ) -> None:
        option = config = resolve_scenario(scenario, preset, levers)
        seed = config.run.seed if rng is None else rng
        if seed is None:
            seed = secrets.randbits(63)
        elif isinstance(seed, np.random.Generator):
            seed = int(seed.integers(2**63))
        super().__init__(rng=seed)
        # With an organisational change, the run warms up under the current arrangement and
        # switches to the option on the change day (`_change_arrangement`).
        self.option = option
        self._change_at: int | None = None
        self.changed_at: float | None = None
        # After a scoped change, the two teams that share the service (`_split_service`).
        self.scope: ScopedTeams | None = None
        if option.change.enabled:
            config = warmup_of(option)
            self._change_at = change.change_day(option.change, option.run)
        self._warmup_config = config
        self.config = config
        self.seed = seed
        self.streams: dict[str, Stream] = make_streams(seed)
        self.horizon = round(config.run.years * 365)
        self.ledger = Ledger(COMPONENTS)
        self.log = EventLog([s.label for s in State])
        self.tally = Tally(self)
        self.state_counts = [0] * len(State)
        self.entries = 0
        self._next_person_id = 0
        # People who will ask again: (when, person_id, traits, need then, left at, route).
        self._dormant: list[tuple[float, int, Traits, float, float, int]] = []

        self.groups = config.clients.as_tuple()
        # What new people's traits are drawn with, by age band and group, and the demand
        # settings they were worked out from (`draw_traits`).
        self._traits_for: Demand | None = None
        self._trait_table: list[list[tuple[float, float, float, float]]] = []
        self._group_weights = {
            hospital: [
                groups.group_weights(config.clients, band, hospital=hospital) for band in range(3)
            ]
            for hospital in (False, True)
        }
        self.breakdown = Breakdown(self)
        # NHS money (mechanisms/funding.py): grant places beyond the council's own, its
        # ledger, and the pool's spend (also on the council's ledger: it is joint).
        self.nhs_ledger = Ledger(NHS_COMPONENTS)
        self.pool_spend = Integrator()
        self.grant_places = funding.grant_places(config.funding, config.reablement)
        self.grant_places_in_use = 0.0
        self.nhs_at_warmup = (0.0, 0.0)
        self.reablement = CareService(
            self, "reablement", config.reablement.places + self.grant_places
        )
        self.home_care = CareService(
            self,
            "home_care",
            prices.home_care_capacity(
                config.home_care, config.organisation.purchasing_discount, config.provision
            ),
        )
        # Paid to the person, who arranges their own care: no provider's capacity to wait for.
        self.direct_payments = CareService(self, "direct_payment", math.inf)
        self.supported_living = CareService(
            self, "supported_living", config.supported_living.places
        )
        self.care_homes = CareService(self, "care_home", config.care_homes.places)
        self.services = {
            s.name: s
            for s in (
                self.reablement,
                self.home_care,
                self.direct_payments,
                self.supported_living,
                self.care_homes,
            )
        }
        self.hospital = Hospital(self)
        self.commissioner = Commissioner(self)
        self.team = SocialWorkTeam(self)
        self._start_fixed_costs()
        self._community_rates = [
            n * r / 365.0
            for n, r in zip(
                config.population.band_sizes(),
                config.demand.requests_per_person_year.as_tuple(),
                strict=True,
            )
        ]
        # Demand growth (mechanisms/trends.py) scales these day-0 rates day by day.
        self._demand_grows = trends.demand_grows(config.trends)
        self._day0_rates = (list(self._community_rates), list(self.hospital.daily_admission_rates))
        if self.grant_places or config.funding.pool_nhs_per_year > 0.0:
            self.calendar.schedule(float(min(config.run.warmup, self.horizon)), self._mark_nhs)
        self._populate_long_term_care()
        self._transition_rate = routes.transitions_per_day(
            config.routes, sum(config.population.band_sizes())
        )
        self._populate_waiting_list()
        self.calendar.every(7.0, 7.0, self.review_workforce)
        lists = config.waiting_list
        if lists.prioritise:
            self.calendar.every(lists.review_days, lists.review_days, self.review_waiting_list)
        self.datacollector = DailyCollector(dict(DAILY_REPORTERS))
        self.datacollector.collect(self)

    # -- set-up ---------------------------------------------------------------------------
    def _start_fixed_costs(self) -> None:
        cfg = self.config
        # Without a change the option is set up from day 0; with one, on the change day
        # unless the scenario says it was paid from day 0 all the same.
        if self._change_at is None or not self.option.change.setup_on_change_day:
            self._start_setup(self.option.organisation)
        if cfg.approval.council_checks_assessments:
            officers = organisation.checking_cost_per_day(cfg.approval, cfg.workforce)
            self.ledger.change_rate("council_checking", officers, 0.0)

    def _start_setup(self, settings: Organisation) -> None:
        self._setup_rate = organisation.setup_cost_per_day(settings)
        if settings.setup_cost > 0:
            self.ledger.change_rate("setup", self._setup_rate, self.now)
            self.calendar.schedule(self.now + settings.setup_days, self._end_setup)

    def _end_setup(self) -> None:
        self.ledger.change_rate("setup", -self._setup_rate, self.now)

    # -- organisational change ------------------------------------------------------------
    @property
    def change_day(self) -> int | None:
        """The day of the organisational change still to come (None: none, or it is past)."""
        return self._change_at

    def adopt(self, scenario: Scenario) -> None:
        """Carry on under ``scenario``: another option or change settings from the same warm-up.

        For a model loaded from a snapshot taken before its change day (``sim.snapshot``); the
        caller has checked that ``scenario`` has this model's warm-up
        (``change.warmup_identity``).

        Raises:
            ScenarioError: the change of ``scenario`` would come on or before today, or this
                model has changed arrangement already and ``scenario`` is not its own.
        """
        if self.changed_at is not None:
            mine, theirs = (s.model_dump(exclude={"name"}) for s in (self.option, scenario))
            if mine != theirs:
                raise ScenarioError(
                    f"change.day: this model changed arrangement on day {self.changed_at:g}; "
                    "it carries on only under its own scenario (fork options from a snapshot "
                    "taken before the change day)"
                )
            return
        if scenario.change.enabled:
            day = change.change_day(scenario.change, scenario.run)
            if self._change_at is None or day <= self.steps:
                raise ScenarioError(
                    f"change.day: the change on day {day} must come after day {self.steps}, the "
                    "day this model has run to (take the snapshot before the change day)"
                )
            self._change_at = day
        self.option = scenario
        # The same warm-up as the one run so far, in all but the name and the change settings
        # (which act from the change day): taken from ``scenario`` so that a fork holds no
        # setting of the run it was forked from.
        self._warmup_config = self.config = warmup_of(scenario)
        self.team.config = self.config

    @property
    def productivity(self) -> float:
        """Share of usual pathway hours the changing team gives; below 1 in a transition."""
        return self.team.productivity

    def arrangement(self, person: ServiceUser) -> Scenario:
        """The settings ``person`` is assessed, approved and supported under.

        The model's own, unless a scoped change split the service: then their team's.
        """
        scope = self.scope
        return self.config if scope is None else scope.settings_for(person)

    @property
    def checking(self) -> Scenario | None:
        """The settings under which the council checks assessments now (None: it checks none).

        After a scoped change, those of the team whose assessments are checked, its checking
        officers scaled to its share; the council's whole settings if it checks both teams'.
        """
        teams = self.scope.teams if self.scope is not None else (self.team,)
        checked = [t.config for t in teams if t.config.approval.council_checks_assessments]
        if self.scope is not None and len(checked) > 1:
            return self.config
        return checked[0] if checked else None

    def _change_arrangement(self) -> None:
        """The change day: switch to the option; staff transfer, a dip, set-up, fading."""
        option, before = self.option, self.config
        self._change_at = None
        self.changed_at = self.now
        settings = option.change
        if settings.scope.nobody:
            return  # the option takes no case over: nothing changes
        if not settings.scope.whole and change.is_change(before, option):
            self._split_service(option, before)
        else:
            self._switch_to(option)
            if not change.is_change(before, option):
                return  # the same arrangement under another name: nothing happens
        if not providers.provision_only(before, option):  # else the social workers stay put
            changing = self.team if self.scope is None else self.scope.option
            permanent = [w for w in changing.workers.values() if not w.agency]
            stream = self.streams["workforce"]
            for worker in change.transfer_leavers(permanent, settings.staff_leaving_share, stream):
                changing.worker_leaves(worker)
            changing.productivity = change.productivity(0.0, settings)
            if changing.productivity != 1.0:
                self.calendar.schedule(self.now + settings.transition_days, self._end_transition)
        if settings.setup_on_change_day:
            setup = option.organisation
            if self.scope is not None:
                # Set-up grows with the staff moved (IT, legal, transfer work): an assumption.
                scaled = setup.setup_cost * self.scope.staff_share
                setup = setup.model_copy(update={"setup_cost": scaled})
            self._start_setup(setup)
        if settings.fade_per_year > 0.0:
            self.calendar.every(_FADE_INTERVAL, self.now + _FADE_INTERVAL, self._fade)

    def _split_service(self, option: Scenario, current: Scenario) -> None:
        """A scoped change: the option's team takes over the cases in scope, with its staff.

        The model's settings stay the current arrangement's (the council's market, budget and
        commissioning, and everyone out of scope); the option's team and the people in scope
        follow the option's (``arrangement``).
        """
        scope = option.change.scope
        groups = scoping.scoped_groups(scope)
        # Before any work was done (a change on day 1): the groups' mix of new requests.
        fallback = [0.0] * len(self.groups)
        for rate, weights in zip(self._community_rates, self._group_weights[False], strict=True):
            for g, w in enumerate(weights):
                fallback[g] += rate * w / (sum(weights) or 1.0)
        work_share = scoping.scoped_work_share(
            self.team.hours_by_group, groups, scope.share, fallback
        )
        staff_share = work_share if scope.staff_share is None else scope.staff_share
        checking_before = self._checking_cost()
        teams = ScopedTeams(
            self,
            self.team,
            SocialWorkTeam(
                self, scoping.team_settings(option, staff_share, work_share), staffed=False
            ),
            groups=groups,
            share=scope.share,
            offset=scoping.scope_offset(self.seed),
            staff_share=staff_share,
            work_share=work_share,
        )
        self.scope = teams
        self.team = teams  # type: ignore[assignment]  # the same interface, passed on
        rest = scoping.team_settings(current, 1.0 - staff_share, 1.0 - work_share)
        teams.split(rest, self.streams["workforce"])
        delta = self._checking_cost() - checking_before
        if delta != 0.0:
            self.ledger.change_rate("council_checking", delta, self.now)
        if not option.approval.council_checks_assessments:
            self.commissioner.checks_ended(only=teams.covers)

    def _checking_cost(self) -> float:
        """Pay a day of the council's officers checking assessments, for every team."""
        teams = self.scope.teams if self.scope is not None else (self.team,)
        return sum(
            organisation.checking_cost_per_day(t.config.approval, t.config.workforce) for t in teams
        )

    def _end_transition(self) -> None:
        changing = self.team if self.scope is None else self.scope.option
        changing.productivity = change.productivity(self.now - self.changed_at, self.option.change)

    def _fade(self) -> None:
        days = self.now - self.changed_at
        faded = change.faded_scenario(self._warmup_config, self.option, days)
        if self.scope is None:
            self._switch_to(faded)
        else:
            team = self.scope.option
            shares = (self.scope.staff_share, self.scope.work_share)
            self._retune(team, scoping.team_settings(faded, *shares))

    def _switch_to(self, new: Scenario) -> None:
        """Run under ``new`` from now: re-rate what was priced or sized under the old settings.

        Everything else reads ``config`` when it acts. Spells of care already bought keep
        their price (a contract is not re-let on the change day); new ones get the new price.
        """
        self.config = new
        self._retune(self.team, new)
        self.home_care.capacity = prices.home_care_capacity(
            new.home_care, new.organisation.purchasing_discount, new.provision
        )

    def _retune(self, team: SocialWorkTeam, new: Scenario) -> None:
        """``team`` works under ``new`` from now: re-rate its pay and checking, resize posts."""
        old, team.config = team.config, new
        now = self.now
        deltas = dict.fromkeys(_PAY_COMPONENTS, 0.0)
        for worker in team.workers.values():
            before = pay_per_day(old.workforce, old.organisation, agency=worker.agency)
            after = pay_per_day(new.workforce, new.organisation, agency=worker.agency)
            for component, b, a in zip(_PAY_COMPONENTS, before, after, strict=True):
                deltas[component] += a - b
        checking = organisation.checking_cost_per_day
        deltas["council_checking"] = checking(new.approval, new.workforce) - checking(
            old.approval, old.workforce
        )
        # Only real changes touch the ledger: settling a rate splits its integral and moves
        # the last digit of later totals, and a switch to the same arrangement must not.
        for component, delta in deltas.items():
            if delta != 0.0:
                self.ledger.change_rate(component, delta, now)
        if old.approval.council_checks_assessments and not new.approval.council_checks_assessments:
            self.commissioner.checks_ended()
        team.set_posts(funded_posts(new.workforce, new.organisation))

    def _populate_long_term_care(self) -> None:
        """The caseload at day 0: care homes, supported living and home care filled as set.

        Each setting's people are drawn by client group in proportion to the group's stock
        there (Little's law: inflow times stay, ``groups.stock_weights``), so groups with long
        careers start with the share of clients they would hold, not of requests.
        """
        cfg = self.config
        stream = self.streams["initial"]
        eligibility, mortality = cfg.eligibility, cfg.mortality
        homes = round(cfg.care_homes.places * cfg.initial.care_home_occupancy)
        mean = cfg.initial.care_home_need_mean
        # Groups whose care-home threshold lies above the residents' typical need are rare there.
        in_home = tuple(
            _beta_sf(mean, 10.0, groups.care_home_need(eligibility, g, has_carer=False))
            for g in self.groups
        )
        home_weights = [
            groups.stock_weights(
                cfg.clients, mortality, band, mean, in_care_home=True, setting_share=in_home
            )
            for band in range(3)
        ]
        for _ in range(homes):
            band = _choose(stream, cfg.initial.care_home_bands.as_tuple())
            group = groups.choose(home_weights[band], stream.uniform())
            person = self.new_person(stream, band, _beta(stream, mean, 10.0), group=group)
            person.join_initial_caseload(self.care_homes, 1.0)
        self._populate_supported_living(stream)
        community = cfg.initial.home_care_need_mean
        not_living = tuple(1.0 - g.supported_living_share for g in self.groups)
        community_weights = [
            groups.stock_weights(
                cfg.clients,
                mortality,
                band,
                community,
                in_care_home=False,
                setting_share=not_living,
            )
            for band in range(3)
        ]
        target_hours = self.home_care.capacity * cfg.initial.home_care_utilisation
        # Bounded: the scenario's resource check refused caseloads over its budget, and a
        # direct-payment share of 1 would otherwise never fill the home-care hours.
        for _ in range(int(min(cfg.resource_estimate().people_at_start, 2e6)) + 1):
            if self.home_care.in_use >= target_hours:
                break
            band = _choose(stream, cfg.initial.home_care_bands.as_tuple())
            group = groups.choose(community_weights[band], stream.uniform())
            person = self.new_person(stream, band, _beta(stream, community, 8.0), group=group)
            hours = person.package_hours(person.need)
            setting = groups.home_setting(person.group, person.traits.u_setting)
            if setting == groups.DIRECT_PAYMENT:
                person.join_initial_caseload(self.direct_payments, hours)
                continue
            if self.home_care.in_use + hours > self.home_care.capacity:
                person.end_episode(State.NO_SERVICE, "initial_caseload_full")
                break
            person.join_initial_caseload(self.home_care, hours)

    def _populate_supported_living(self, stream: Stream) -> None:
        cfg = self.config
        places = round(cfg.supported_living.places * cfg.initial.supported_living_occupancy)
        if places == 0:
            return
        mean = cfg.initial.home_care_need_mean
        living = tuple(g.supported_living_share for g in self.groups)
        # Age band and group drawn together: inflow (residents x request rate) times stay.
        pairs: list[tuple[int, int]] = []
        weights: list[float] = []
        for band, inflow in enumerate(self._community_rates):
            stock = groups.stock_weights(
                cfg.clients, cfg.mortality, band, mean, in_care_home=False, setting_share=living
            )
            for group, w in enumerate(stock):
                pairs.append((band, group))
                weights.append(inflow * w)
        if sum(weights) <= 0.0:
            return
        for _ in range(places):
            band, group = pairs[groups.choose(tuple(weights), stream.uniform())]
            person = self.new_person(stream, band, _beta(stream, mean, 8.0), group=group)
            person.join_initial_caseload(self.supported_living, 1.0)

    def _populate_waiting_list(self) -> None:
        """People who asked for help before day 0 and still wait for an assessment.

        They are drawn as community contacts who passed triage (age band in proportion to the
        community request rates); their waits are counted from day 0.
        """
        cfg = self.config
        sizes = cfg.population.band_sizes()
        count = round(cfg.initial.waiting_for_assessment_per_1000_adults * sum(sizes) / 1000.0)
        if count == 0:
            return
        rates = self._community_rates
        shares = tuple(r / sum(rates) for r in rates)
        concentration = cfg.demand.need_at_contact.concentration
        floor = cfg.demand.low_level_below_need
        stream = self.streams["initial"]
        for _ in range(count):
            band = _choose(stream, shares)
            group = groups.choose(self._group_weights[False][band], stream.uniform())
            mean = contact_need_mean(cfg.demand, self.groups[group])
            need = _beta(stream, mean, concentration)
            # Triage kept those below the floor off the list; draw again (bounded, since a
            # floor near 1 would make acceptance rare).
            for _ in range(100):
                if need >= floor:
                    break
                need = _beta(stream, mean, concentration)
            person = self.new_person(stream, band, max(need, floor), group=group)
            person.await_assessment(urgent=False, cause="initial_waiting_list")

    # -- people ---------------------------------------------------------------------------
    def new_person(
        self,
        stream: Stream,
        band: int,
        need: float,
        *,
        group: int | None = None,
        hospital: bool = False,
    ) -> ServiceUser:
        """Create a person with traits drawn from ``stream`` (a fixed number of draws each)."""
        traits = self.draw_traits(stream, band, need, group=group, hospital=hospital)
        return ServiceUser(self, self._new_person_id(), traits)

    def draw_traits(
        self,
        stream: Stream,
        band: int,
        need: float | None = None,
        *,
        group: int | None = None,
        hospital: bool = False,
    ) -> Traits:
        """What a new person brings: always the same number of draws from ``stream``.

        Args:
            stream: where the draws come from.
            band: age band.
            need: need score at first contact; None draws it from the group's distribution.
            group: client group; None draws it from the band's mix of new contacts.
            hospital: a patient referred on discharge (the mix leans to groups admitted more).
        """
        demand = self.config.demand
        if demand is not self._traits_for:  # a new scenario (a change, a fade, adopt)
            self._trait_table = _trait_table(demand, self.groups)
            self._traits_for = demand
        u_group = stream.uniform()
        if group is None:
            group = groups.choose(self._group_weights[hospital][band], u_group)
        mean, drift, scale, self_funder = self._trait_table[band][group]
        if need is None:
            need = _beta(stream, mean, demand.need_at_contact.concentration)
        # Individual rates vary about the group's (gamma, shape 2); an episodic group's drift is
        # a recovery, so the rate keeps its sign.
        rate = math.copysign(float(stream.generator.gamma(2.0, scale)), drift)
        uniform = stream.uniform
        # Positional, in the fields' order: the draws are made in that order.
        return Traits(
            band,
            group,
            need,
            rate if drift else 0.0,
            uniform() < demand.informal_carer_share,  # has_carer
            uniform() < self_funder,
            uniform(),  # u_resolve
            uniform(),  # u_offer
            uniform(),  # u_reable
            uniform(),  # u_d2a
            uniform(),  # u_setting
        )

    def _new_person_id(self) -> int:
        self._next_person_id += 1
        return self._next_person_id - 1

    def register_person(self, person: ServiceUser) -> None:
        """Count a new episode (a person entering the pathway)."""
        self.entries += 1
        self.state_counts[State.CONTACT] += 1

    def transition(self, person: ServiceUser, state: State, cause: str, cost: float) -> None:
        """Record ``person`` moving to ``state``."""
        self.log.record(person.person_id, self.now, person.state, state, cause, cost)
        self.state_counts[person.state] -= 1
        self.state_counts[state] += 1
        if self.scope is not None:
            self.scope.moved(person, state)
        if person.delayed:
            self.hospital.delayed_moved(person.state, state)

    def person_exits(self, person: ServiceUser, state: State) -> None:
        """The episode has ended: follow up outcomes, maybe plan a repeat contact, remove."""
        self.tally.person_exited(person, state)
        if state is State.SELF_FUNDED:
            self._funds_may_deplete(person)
        else:
            self._maybe_return(person.person_id, person.traits, person.need, state)
        person.remove()

    def _funds_may_deplete(self, person: ServiceUser) -> None:
        """A self-funder's savings may fall to the capital limit: they ask the council then."""
        when = routes.funds_depleted_at(self.config.routes, self.streams["routes"], self.now)
        if when is not None and when < self.horizon:
            traits = person.traits._replace(self_funder=False)
            entry = (when, person.person_id, traits, person.need, self.now, ROUTE_FUNDS_DEPLETED)
            heapq.heappush(self._dormant, entry)

    def _maybe_return(self, person_id: int, traits: Traits, need: float, state: State) -> None:
        """Someone who left without long-term care may ask again later."""
        when = front_door.repeat_request_at(
            self.config.demand, self.streams["outcomes"], state, self.now
        )
        if when is not None and when < self.horizon:
            heapq.heappush(
                self._dormant, (when, person_id, traits, need, self.now, ROUTE_COMMUNITY)
            )

    def hospital_need(self, pathway: int) -> float:
        """Need score of a new patient discharged on ``pathway`` (1-3)."""
        return _beta(
            self.streams["admissions"], self.config.hospital.need_by_pathway[pathway - 1], 8.0
        )

    # -- prices ---------------------------------------------------------------------------
    def daily_price(self, service: str, units: float, person: ServiceUser) -> float:
        """What the council pays a day for ``units`` of ``service`` for ``person``."""
        cfg = self.config
        return prices.daily_price(
            service,
            units,
            person.need,
            reablement=cfg.reablement,
            home_care=cfg.home_care,
            care_homes=cfg.care_homes,
            supported_living=cfg.supported_living,
            direct_payments=cfg.direct_payments,
            purchasing_discount=cfg.organisation.purchasing_discount,
            provision=cfg.provision,
        )

    def pay_staff(self, worker: Any, *, starting: bool) -> None:
        """Start or stop a worker's pay, with the overhead and margin it carries."""
        sign = 1.0 if starting else -1.0
        # The worker's own team's settings: after a scoped change, an overhead or margin
        # falls on the organisation that employs them.
        settings = worker.team.config
        base, premium, overhead, margin = pay_per_day(
            settings.workforce, settings.organisation, agency=worker.agency
        )
        now = self.now
        self.ledger.change_rate("social_work_staff", sign * base, now)
        if premium:
            self.ledger.change_rate("agency_premium", sign * premium, now)
        if overhead:
            self.ledger.change_rate("organisation_overhead", sign * overhead, now)
        if margin:
            self.ledger.change_rate("contract_margin", sign * margin, now)

    # -- who pays ------------------------------------------------------------------------
    def payer(self, service: CareService, units: float, *, discharged: bool) -> str:
        """Who pays for ``units`` of ``service`` that start now (``funding.COUNCIL`` unless NHS money does).

        Args:
            service: the service starting, with ``units`` already counted in its use.
            units: places or hours a week.
            discharged: the person is leaving hospital into it.
        """
        if service is self.reablement and self.grant_places:
            council_in_use = service.in_use - units - self.grant_places_in_use
            if funding.grant_pays(self.config.reablement.places, council_in_use, units):
                return funding.NHS_GRANT
        if funding.pooled(self.config.funding, service.name, discharged=discharged):
            return funding.POOL
        return funding.COUNCIL

    def book(self, component: str, payer: str, delta_per_day: float, units: float) -> None:
        """Start (positive) or stop (negative) paying ``delta_per_day`` for ``units`` of care."""
        now = self.now
        if payer == funding.NHS_GRANT:
            self.nhs_ledger.change_rate("nhs_reablement", delta_per_day, now)
            self.grant_places_in_use += units
            return
        self.ledger.change_rate(component, delta_per_day, now)
        if payer == funding.POOL:
            self.pool_spend.change(delta_per_day, now)

    def _mark_nhs(self) -> None:
        # NHS spend at the start of the measured period, for the summary's rates a year.
        now = self.now
        grant = self.nhs_ledger.accounts["nhs_reablement"].value_at(now)
        self.nhs_at_warmup = (grant, self.pool_spend.value_at(now))

    # -- the day --------------------------------------------------------------------------
    def step(self) -> None:
        """One day: arrivals, admissions, approvals, allocation of services and staff."""
        if self._change_at is not None and self.now >= self._change_at:
            self._change_arrangement()
        if self._demand_grows:
            self._community_rates = trends.grown_rates(
                self.config.trends, self._day0_rates[0], self.now
            )
            self.hospital.daily_admission_rates = trends.grown_rates(
                self.config.trends, self._day0_rates[1], self.now
            )
        self._arrive_from_community()
        self._arrive_from_childrens_services()
        self.hospital.admit_from_community()
        self.tally.resolve_ascof_due()
        self.commissioner.check_assessments()
        self.reablement.allocate()
        self.care_homes.allocate()
        self.supported_living.allocate()
        self.home_care.allocate()
        self.team.allocate()
        if self.scope is not None:
            self.scope.record_day()
        self.datacollector.collect(self)
        if self.now >= self.horizon:
            self.running = False

    def _arrive_from_community(self) -> None:
        stream = self.streams["arrivals"]
        integration = self.config.integration
        attached = gp_attachment.refers_earlier(integration)
        gp = self.streams["gp"]
        counts = stream.generator.poisson(self._community_rates).tolist()
        for band, count in enumerate(counts):
            for _ in range(count):
                traits = self.draw_traits(stream, band)
                if attached:
                    lead = gp_attachment.referral_lead_days(
                        integration, traits.deterioration_per_day, gp
                    )
                    if lead:
                        self._refer_early(traits, lead, gp)
                        continue
                self._community_contact(self._new_person_id(), traits, repeat=False)
        while self._dormant and self._dormant[0][0] <= self.now:
            _, person_id, traits, need, left, route = heapq.heappop(self._dormant)
            again = need + traits.deterioration_per_day * (self.now - left)
            again = min(1.0, max(0.0, again))
            traits = traits._replace(need=again)
            if route == ROUTE_FUNDS_DEPLETED:
                self._funds_depleted(person_id, traits)
            else:
                self._community_contact(person_id, traits, repeat=True, route=route)

    def _community_death_hazard(self, traits: Traits, need: float) -> float:
        group = self.groups[traits.group]
        return risks.death_hazard(
            self.config.mortality, traits.band, need, in_care_home=False, group=group
        )

    def _refer_early(self, traits: Traits, lead: float, stream: Stream) -> None:
        """A GP practice refers this person ``lead`` days before they would have asked.

        They arrive now at the need they had then, and with them come the people the practice
        finds who would have died in those days before asking (drawn like them, from the
        ``gp`` stream, so the community arrivals keep their draws).
        """
        early = gp_attachment.need_earlier(traits.need, traits.deterioration_per_day, lead)
        hazard = self._community_death_hazard(traits, early)
        found = int(stream.generator.poisson(gp_attachment.found_before_death(hazard, lead)))
        people = [traits] + [
            self.draw_traits(stream, traits.band, group=traits.group) for _ in range(found)
        ]
        for person in people:
            early = gp_attachment.need_earlier(person.need, person.deterioration_per_day, lead)
            self._community_contact(
                self._new_person_id(), person._replace(need=early), repeat=False, lead=lead
            )

    def _ask_when_due(self, person_id: int, traits: Traits, lead: float) -> None:
        """Closed at the door on an early referral: they ask when they would have, if alive."""
        hazard = self._community_death_hazard(traits, traits.need)
        alive = self.streams["gp"].chance(gp_attachment.lives_to_ask(hazard, lead))
        when = self.now + lead
        if alive and when < self.horizon:
            # Their need drifts back to where it was when they would have asked.
            entry = (when, person_id, traits, traits.need, self.now, ROUTE_COMMUNITY)
            heapq.heappush(self._dormant, entry)

    def _funds_depleted(self, person_id: int, traits: Traits) -> None:
        """A self-funder whose savings fell to the limit asks for a needs and financial assessment.

        Their needs are known to be substantial (they were assessed before), so there is no
        triage; someone already in a care home stays there if the council funds a home.
        """
        self.tally.contact(
            person_id,
            traits.band,
            traits.group,
            hospital=False,
            repeat=True,
            route=ROUTE_FUNDS_DEPLETED,
        )
        person = ServiceUser(self, person_id, traits)
        person.placed_privately = person._needs_care_home(traits.need)
        person.await_assessment(urgent=False, cause="funds_depleted")

    def _arrive_from_childrens_services(self) -> None:
        """Young people with a learning disability turning 18, known and due an adult assessment."""
        if self._transition_rate <= 0.0:
            return
        stream = self.streams["routes"]
        group = groups.group_index("learning_disability")
        for _ in range(int(stream.generator.poisson(self._transition_rate))):
            traits = self.draw_traits(stream, 0, group=group)
            person_id = self._new_person_id()
            self.tally.contact(person_id, 0, group, hospital=False, route=ROUTE_TRANSITION)
            person = ServiceUser(self, person_id, traits)
            # Known to children's services: no front-door triage, straight to assessment.
            person.await_assessment(urgent=False, cause="transition_from_childrens_services")

    def _community_contact(
        self, person_id: int, traits: Traits, *, repeat: bool, route: int = 0, lead: float = 0.0
    ) -> None:
        """A request from the community, triaged at the front door.

        ``lead``: days early, for a request a GP practice referred before the person would
        have asked (0 otherwise).
        """
        self.tally.contact(
            person_id, traits.band, traits.group, hospital=False, repeat=repeat, route=route
        )
        leaves = front_door.triage(self.config.demand, traits.need)
        if leaves is None:
            ServiceUser(self, person_id, traits).contact()
            return
        # Signposted or given low-level support: the episode opens and closes in this instant,
        # with no timer, service or case, so it is recorded without creating an agent (more
        # than half of all contacts; an agent would be registered and removed at once).
        self.entries += 1
        self.log.record(person_id, self.now, State.CONTACT, leaves, "triage", 0.0)
        self.state_counts[leaves] += 1
        self.tally.left_at_front_door(leaves)
        if lead:
            self._ask_when_due(person_id, traits, lead)
        else:
            self._maybe_return(person_id, traits, traits.need, leaves)

    def review_workforce(self) -> None:
        """Weekly: each social worker's morale moves with their team's backlog; some leave.

        The council then looks at how far its checks of assessments are behind. The community
        list's age profile is sampled on the same day, in the measured period.
        """
        self.team.review_week(self.state_counts[State.AWAITING_ASSESSMENT])
        self.commissioner.review_checking()
        if self.now >= self.config.run.warmup:
            self.tally.sample_list_ages(self.team.community_list(), self.now)

    def review_waiting_list(self) -> None:
        """A review of the prioritised community list (``waiting_list.review_days``)."""
        self.team.review_list()

    def run(
        self, progress: Callable[[int], None] | None = None, *, until: int | None = None
    ) -> RunResults:
        """Run to the scenario's horizon, or to the end of day ``until``, and return the results.

        A run stopped at ``until`` can be saved (``carepath.sim.snapshot``) and carried on
        later by calling ``run`` again: the result is that of a run never stopped.

        Args:
            progress: called with the number of days done, every 30 days.
            until: the day to stop at (days done, as ``steps``); None runs to the horizon.
        """
        with fewer_collections():
            while self.running and (until is None or self.steps < until):
                self.step()
                if progress is not None and (self.steps % 30 == 0 or not self.running):
                    progress(self.steps)
        return self.results()

    def keep_only(self, *, events: bool) -> None:
        """Say what the caller will read of the results, so that the rest is not kept.

        Args:
            events: False when no one will read the per-person event log: from now on only
                its length is kept (the summary's ``events_logged``), and ``results().events``
                is None. A run's summary and daily series are the same either way.
        """
        if not events and isinstance(self.log, EventLog):
            self.log = EventCount(len(self.log))

    def results(self) -> RunResults:
        """Summary KPIs, daily time series and the event log of the run so far."""
        log = self.log
        return RunResults(
            summary=summarise(self),
            timeseries=self.datacollector.get_model_vars_dataframe().rename_axis("day"),
            events=log.to_frame() if isinstance(log, EventLog) else None,
        )


def _trait_table(
    demand: Demand, kinds: tuple[ClientGroup, ...]
) -> list[list[tuple[float, float, float, float]]]:
    """By age band and group: mean need at contact, drift a day, its gamma scale, self-funder share.

    Worked out once per scenario rather than for each new person (a city has a hundred
    thousand new contacts a year), with the same arithmetic, so the same numbers.
    """
    table = []
    for band in range(3):
        row = []
        for kind in kinds:
            drift = demand.deterioration_per_year * kind.drift_factor / 365.0
            if drift > 0:  # frailty speeds up with age; recovery between crises does not
                drift *= demand.deterioration_by_age.as_tuple()[band]
            self_funder = demand.self_funder_share.as_tuple()[band] * kind.self_funder_factor
            mean = contact_need_mean(demand, kind)
            row.append((mean, drift, abs(drift) / 2.0 or 1.0, self_funder))
        table.append(row)
    return table


def _beta(stream: Stream, mean: float, concentration: float) -> float:
    return float(stream.generator.beta(mean * concentration, (1.0 - mean) * concentration))


def _beta_sf(mean: float, concentration: float, x: float) -> float:
    """P(need >= x) for need ~ Beta(mean, concentration)."""
    from scipy.special import betainc

    if x <= 0.0:
        return 1.0
    if x >= 1.0:
        return 0.0
    return float(1.0 - betainc(mean * concentration, (1.0 - mean) * concentration, x))


def _choose(stream: Stream, weights: tuple[float, ...]) -> int:
    u = stream.uniform() * sum(weights)
    for i, w in enumerate(weights):
        u -= w
        if u < 0:
            return i
    return len(weights) - 1
