"""The ServiceUser: an adult moving through the care pathway.

A person is created at first contact (or emergency admission) and removed when their episode
ends. They are never woken daily: everything that happens to them is a scheduled event
(death, admission, end of an assessment or of re-ablement, a review) or a queue reaching them.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING, NamedTuple

import mesa
from carepath.sim.engine.calendar import Timer
from carepath.sim.mechanisms import (
    assessment,
    discharge,
    front_door,
    gp_attachment,
    groups,
    provision,
    reablement,
    risks,
    routes,
)
from carepath.sim.mechanisms.assessment import Outcome
from carepath.sim.mechanisms.discharge import Route
from carepath.sim.mechanisms.waiting_list import UNTRIAGED
from carepath.sim.spending import LONG_TERM_COMPONENTS
from carepath.sim.states import COMMUNITY_LONG_TERM_STATES, LONG_TERM_STATES, State
from carepath.sim.workforce import COMMUNITY_ASSESSMENT, HOSPITAL_ASSESSMENT, REVIEW, REWORK

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.scenario import ClientGroup
    from carepath.sim.services import CareService
    from carepath.sim.workforce import SocialWorker

# Timers still pending when an episode ends (the state timer `_timer` goes with the move).
_EXIT_TIMERS = ("_risk", "_review", "_fit", "_hold", "_handback")
SERVICE_STATES = {
    "reablement": (State.AWAITING_REABLEMENT, State.IN_REABLEMENT),
    "home_care": (State.AWAITING_HOME_CARE, State.HOME_CARE),
    "direct_payment": (State.AWAITING_DIRECT_PAYMENT, State.DIRECT_PAYMENT),
    "supported_living": (State.AWAITING_SUPPORTED_LIVING, State.SUPPORTED_LIVING),
    "care_home": (State.AWAITING_CARE_HOME, State.CARE_HOME),
}
# Settings a person keeps while in hospital (a place or a payment), returning to them after.
KEPT_IN_HOSPITAL = ("care_home", "supported_living", "direct_payment")


class Traits(NamedTuple):
    """What a person brings when they first contact the council (drawn on arrival).

    A named tuple: immutable like a frozen dataclass, and three times cheaper to create, which
    counts when a city has a hundred thousand new contacts a year.
    """

    band: int  # index into sim.scenario.AGE_BANDS
    group: int  # index into sim.scenario.GROUPS (primary support reason)
    need: float
    deterioration_per_day: float
    has_carer: bool
    self_funder: bool
    # Latent uniforms: the same person meets the same luck under every organisational model.
    u_resolve: float
    u_offer: float
    u_reable: float
    u_d2a: float
    u_setting: float


@dataclass(slots=True)
class Spell:
    """A period of paid service."""

    service: CareService
    units: float
    start: float
    rate: float  # £ a day
    payer: str = "council"  # or NHS money (sim/mechanisms/funding.py)


class ServiceUser(mesa.Agent):
    """An adult who has contacted adult social care.

    Attributes:
        person_id: stable identity across repeat contacts (Mesa's ``unique_id`` is per agent).
        state: where the person is on the pathway.
        in_hospital: in an acute bed; ``fit`` once declared medically fit.
        spells: services being paid for, by name (re-ablement can bridge to a long-term one).
    """

    def __init__(self, model: CarePathwayModel, person_id: int, traits: Traits) -> None:
        super().__init__(model)
        now = model.now
        self.person_id = person_id
        self.traits = traits
        self._need = traits.need
        self._need_at = now
        self.state = State.CONTACT
        self.entered_at = now
        self.queued_at = now
        self.proposed_at = now
        self.in_hospital = False
        self.fit = False
        self.delayed = False
        self.hospital_route = False
        self.pathway = 0
        self.d2a = False
        self.had_reablement = False
        self.assessed = False
        self.served = False
        self.package: tuple[str, float] | None = None
        self.deferred: tuple[str, float] | None = None
        self.deferred_exit: tuple[State, str] | None = None
        self.held_home_care = 0.0
        self.spells: dict[str, Spell] = {}
        self.pending_cost = 0.0
        self.worker: SocialWorker | None = None
        self.requested: tuple[CareService, float] | None = None
        self.ticket = 0
        self.priority = UNTRIAGED  # on a prioritised community list (``waiting_list``)
        self.review_waiting = False
        self.placed_privately = False  # a former self-funder already living in a care home
        self.ascof_due: float | None = None
        self._timer: Timer | None = None
        self._risk: Timer | None = None  # the first of death, leaving care, admission
        self._review: Timer | None = None
        self._fit: Timer | None = None
        self._hold: Timer | None = None
        self._handback: Timer | None = None  # the home-care provider hands the package back
        model.register_person(self)

    # -- need -----------------------------------------------------------------------------
    @property
    def group(self) -> ClientGroup:
        """This person's client group (primary support reason)."""
        return self.model.groups[self.traits.group]

    @property
    def need(self) -> float:
        """Current need score: it drifts steadily between events (down, for episodic needs)."""
        need = self._need + self.traits.deterioration_per_day * (self.model.now - self._need_at)
        return 1.0 if need > 1.0 else (0.0 if need < 0.0 else need)

    def set_need(self, value: float) -> None:
        """Reset the need score from now on."""
        self._need = min(1.0, max(0.0, value))
        self._need_at = self.model.now

    # -- bookkeeping ------------------------------------------------------------------------
    def move_to(self, state: State, cause: str) -> None:
        """Record a transition and cancel the timer of the state being left."""
        self.model.transition(self, state, cause, self.pending_cost)
        self.pending_cost = 0.0
        self.state = state
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None

    def _cancel(self, slot: str) -> None:
        event = getattr(self, slot)
        if event is not None:
            event.cancel()
            setattr(self, slot, None)

    def _after(self, slot: str, delay: float, action) -> None:
        setattr(self, slot, self.model.calendar.replace(getattr(self, slot), delay, action))

    def refresh_risks(self) -> None:
        """Redraw the times of death, of leaving long-term care and of hospital admission.

        These are competing risks: whichever comes first ends the episode or (an admission)
        redraws all three, so only the first is put on the calendar.
        """
        model = self.model
        cfg = model.config
        mortality = model.streams["mortality"]
        need = self.need
        group = self.group
        in_care_home = self.state is State.CARE_HOME
        hazard = risks.death_hazard(
            cfg.mortality, self.traits.band, need, in_care_home=in_care_home, group=group
        )
        first, action = mortality.time_to_event(hazard / 365.0), self.die
        if self.state in LONG_TERM_STATES:
            leave_rate = risks.leave_hazard(cfg.mortality, group, in_care_home=in_care_home)
            leave = mortality.time_to_event(leave_rate / 365.0)
            if leave < first:
                first, action = leave, self.move_on
            nhs = routes.continuing_healthcare_hazard(cfg.routes, need)
            if nhs > 0.0:
                funded = mortality.time_to_event(nhs / 365.0)
                if funded < first:
                    first, action = funded, self.move_to_nhs_funding
        if not self.in_hospital:
            hazard = risks.admission_hazard(cfg.hospital, need, group)
            integration = model.arrangement(self).integration
            if integration.gp_admission_reduction:
                # Attached GP social workers act on a problem before it becomes an admission.
                hazard *= gp_attachment.admission_factor(integration, in_care_home=in_care_home)
            rate = hazard / 365.0
            admission = model.streams["hospital"].time_to_event(rate)
            if admission < first:
                first, action = admission, self.be_admitted
        self._risk = model.calendar.replace(self._risk, first, action)

    # -- arrival --------------------------------------------------------------------------
    def contact(self) -> None:
        """Front-door triage of a contact from the community."""
        leaves = front_door.triage(self.model.config.demand, self.need)
        if leaves is None:
            self.await_assessment(urgent=False, cause="triage")
        else:
            self.end_episode(leaves, "triage")

    def arrive_in_hospital(self, pathway: int, length_of_stay: float) -> None:
        """An emergency admission of someone not yet known to social care."""
        integration = self.model.arrangement(self).integration
        self.hospital_route = True
        self.pathway = pathway
        self.d2a = discharge.discharge_to_assess(integration, pathway, self.traits.u_d2a)
        self._enter_hospital("emergency_admission", length_of_stay)
        delay = discharge.early_referral_delay(
            integration, length_of_stay, d2a=self.d2a, self_funder=self.traits.self_funder
        )
        if delay is not None:
            self._after("_timer", delay, self.early_referral)

    def early_referral(self) -> None:
        """Integrated teams hear of a patient before they are medically fit."""
        if self.state is State.IN_HOSPITAL and not self.fit:
            self.await_assessment(urgent=True, cause="early_referral")

    # -- hospital -------------------------------------------------------------------------
    def be_admitted(self) -> None:
        """An emergency admission of someone already known to social care."""
        self._risk = None
        cfg = self.model.config
        self.model.tally.ascof_fail(self)
        self.model.team.close_case(self)
        self._withdraw_requests()
        self.deferred = None
        self.deferred_exit = None
        self.package = None
        self._cancel("_review")
        if "reablement" in self.spells:
            self.end_spell("reablement")
        if "home_care" in self.spells:
            self.held_home_care = self.spells["home_care"].units
            self.end_spell("home_care", release=False)
            self._after("_hold", cfg.hospital.package_hold_days, self.release_held_package)
        self.set_need(self.need + cfg.hospital.need_rise_on_admission)
        self.pathway = discharge.readmission_pathway(cfg.eligibility, self.need, self.group)
        self.d2a = discharge.readmission_discharge_to_assess(
            self.model.arrangement(self).integration, self.traits.u_d2a
        )
        self.had_reablement = False
        los = self.model.streams["hospital"].lognormal(
            cfg.hospital.length_of_stay_mean_days, cfg.hospital.length_of_stay_sd_days
        )
        self._enter_hospital("emergency_admission", los)

    def _enter_hospital(self, cause: str, length_of_stay: float) -> None:
        self.in_hospital = True
        self.fit = False
        self.model.hospital.admitted()
        self.move_to(State.IN_HOSPITAL, cause)
        self._after("_fit", length_of_stay, self.become_medically_fit)
        self.refresh_risks()

    def release_held_package(self) -> None:
        """The provider stops holding a home-care package open."""
        self._hold = None
        self.model.home_care.release(self.held_home_care)
        self.held_home_care = 0.0

    def become_medically_fit(self) -> None:
        """The hospital declares the patient fit: from now on every day in a bed is a delay."""
        self._fit = None
        self.fit = True
        self.model.hospital.set_delayed(self, True)
        if self.deferred_exit is not None:
            self.end_episode(*self.deferred_exit)
        elif self.deferred is not None:
            name, units = self.deferred
            self.deferred = None
            self._request(name, units, cause="ready_for_discharge")
        elif self.state is State.IN_HOSPITAL:
            self.plan_discharge()

    def plan_discharge(self) -> None:
        """Choose the discharge route for a medically fit patient."""
        cfg = self.model.config
        kept = next((name for name in KEPT_IN_HOSPITAL if name in self.spells), None)
        route = discharge.discharge_route(
            cfg.eligibility,
            self.need,
            has_place=kept is not None,
            held_home_care=self.held_home_care,
            self_funder=self.traits.self_funder,
            d2a=self.d2a,
            group=self.group,
        )
        if route is Route.BACK_TO_PLACE:
            self.leave_hospital()
            self.move_to(SERVICE_STATES[kept][1], "returned_home")
            self._after(
                "_review", self.model.config.assessment.review_interval_days, self.review_due
            )
            self.refresh_risks()
        elif route is Route.RESTART_PACKAGE:
            self._cancel("_hold")
            units, self.held_home_care = self.held_home_care, 0.0
            self.start_spell(self.model.home_care, units)  # the held units are still reserved
            self.leave_hospital()
            self.move_to(State.HOME_CARE, "package_restarted")
            self._after(
                "_review", self.model.config.assessment.review_interval_days, self.review_due
            )
            self.refresh_risks()
        elif route is Route.SELF_FUNDER:
            self.move_to(State.AWAITING_HOME_CARE, "self_funder_arranging")
            days = self.model.streams["hospital"].exponential(
                cfg.hospital.self_funder_arrangement_days
            )
            self._after("_timer", days, self.self_funded_discharge)
        elif route is Route.DISCHARGE_TO_ASSESS:
            self.had_reablement = True
            self._request("reablement", 1.0, cause="discharge_to_assess")
        else:
            self.await_assessment(urgent=True, cause="referred_at_fitness")

    def self_funded_discharge(self) -> None:
        """A self-funder leaves hospital with care they arranged themselves."""
        self.end_episode(State.SELF_FUNDED, "discharged_self_funded")

    def leave_hospital(self) -> None:
        """Discharge: the bed is free and any delay stops."""
        if self.held_home_care > 0:
            self._cancel("_hold")
            self.release_held_package()
        self.in_hospital = False
        self.fit = False
        self._cancel("_fit")
        self.model.hospital.set_delayed(self, False)
        self.model.hospital.discharged()

    # -- assessment -----------------------------------------------------------------------
    def await_assessment(self, *, urgent: bool, cause: str) -> None:
        """Join the queue for a social-work assessment."""
        self.move_to(State.AWAITING_ASSESSMENT, cause)
        self.queued_at = self.model.now
        self.model.team.request(HOSPITAL_ASSESSMENT if urgent else COMMUNITY_ASSESSMENT, self)
        if not self.in_hospital:
            # Someone living in a care home whose savings ran out cannot give up waiting: the
            # home goes on caring for them while the council assesses.
            withdraw = self.model.config.demand.withdraw_per_year_waiting
            rate = 0.0 if self.placed_privately else withdraw / 365.0
            self._after(
                "_timer", self.model.streams["assessment"].time_to_event(rate), self.withdraw
            )
            # People on the waiting list still die and are admitted to hospital; without these
            # exits a list longer than the team can clear grows for ever.
            self.refresh_risks()

    def withdraw(self) -> None:
        """Give up waiting (arrange something privately, or manage)."""
        self._timer = None
        self.end_episode(State.WITHDRAWN, "gave_up_waiting")

    def work_hours(self, kind: int) -> float:
        """Social-worker hours this piece of work takes."""
        cfg = self.model.arrangement(self)
        if kind == REVIEW:
            return cfg.assessment.review_hours
        if kind == REWORK:
            return cfg.approval.rework_hours
        return assessment.assessment_hours(
            cfg.assessment, cfg.practice, self.model.streams["assessment"]
        )

    def work_allocated(self, kind: int, done_at: float) -> None:
        """A social worker has picked up work for this person, to be finished at ``done_at``."""
        if kind in (HOSPITAL_ASSESSMENT, COMMUNITY_ASSESSMENT):
            self.model.tally.assessment_started(self, self.model.now - self.queued_at)
            self.move_to(State.IN_ASSESSMENT, "allocated")
            self._after("_timer", done_at - self.model.now, self.complete_assessment)
        elif kind == REWORK:
            self._after("_timer", done_at - self.model.now, self.complete_rework)
        else:
            self._after("_timer", done_at - self.model.now, self.complete_review)

    def complete_assessment(self) -> None:
        """Eligibility and the choice of support, from the need found now."""
        self._timer = None
        cfg = self.model.arrangement(self)
        need = self.need
        self.assessed = True
        traits = self.traits
        outcome = assessment.decide(
            cfg.eligibility,
            cfg.practice,
            need,
            self.model.commissioner.threshold_need,
            self_funder=traits.self_funder,
            has_carer=traits.has_carer,
            had_reablement=self.had_reablement,
            hospital_route=self.hospital_route,
            u_resolve=traits.u_resolve,
            u_offer=traits.u_offer,
            group=self.group,
        )
        if outcome is Outcome.NOT_ELIGIBLE:
            self.end_episode(State.NO_SERVICE, "not_eligible")
        elif outcome is Outcome.SELF_FUNDER:
            if self.in_hospital:
                self.plan_discharge()
            else:
                self.end_episode(State.SELF_FUNDED, "self_funder")
        elif outcome is Outcome.MET_IN_COMMUNITY:
            self.end_episode(State.COMMUNITY_SUPPORT, "met_by_family_and_community")
        elif outcome is Outcome.REABLEMENT:
            self.had_reablement = True
            self._request("reablement", 1.0, cause="reablement_offered")
        else:
            self._propose_package(need, cause="eligible")

    def _needs_care_home(self, need: float) -> bool:
        return assessment.needs_care_home(
            self.model.config.eligibility, need, has_carer=self.traits.has_carer, group=self.group
        )

    def _propose_package(self, need: float, *, cause: str) -> None:
        if self._needs_care_home(need):
            self.package = ("care_home", 1.0)
        else:
            setting = groups.community_setting(
                self.group, self.traits.u_setting, in_hospital=self.in_hospital
            )
            if setting == groups.SUPPORTED_LIVING:
                self.package = (setting, 1.0)
            else:
                self.package = (setting, self.package_hours(need))
        self.move_to(State.AWAITING_APPROVAL, cause)
        self.proposed_at = self.model.now
        self.model.commissioner.request_approval(self)

    def package_hours(self, need: float) -> float:
        """Weekly home-care hours this person would get at ``need``."""
        cfg = self.model.arrangement(self)
        return assessment.package_hours(
            cfg.home_care, cfg.practice, need, has_carer=self.traits.has_carer
        )

    def complete_rework(self) -> None:
        """The social worker has answered the council's questions: back for approval."""
        self._timer = None
        self.model.commissioner.request_approval(self)

    # -- approval and services --------------------------------------------------------------
    def await_sign_off(self, days: float) -> None:
        """A manager signs the package off after ``days``."""
        self._after("_timer", days, self.approved)

    def approved(self) -> None:
        """The commissioner has approved the proposed package."""
        self._timer = None
        if self.package is None:
            return
        name, units = self.package
        self.package = None
        self.model.tally.package_approved(self)
        self._request(name, units, cause="approved")

    def _request(self, name: str, units: float, *, cause: str, urgent: bool = False) -> None:
        self.move_to(SERVICE_STATES[name][0], cause)
        self.queued_at = self.model.now
        if self.in_hospital and not self.fit:
            self.deferred = (name, units)  # asked for when the patient is fit to leave
            return
        if name == "direct_payment":
            # No provider's list to join: the person finds and employs their own care.
            days = self.model.streams["outcomes"].exponential(
                self.model.config.direct_payments.setup_days
            )
            self._after("_timer", days, lambda: self.direct_payment_starts(units))
            return
        # A former self-funder in a care home keeps their room: the council takes over the fees
        # as soon as a place it funds comes free, before people who would have to move in.
        urgent = urgent or self.in_hospital or (self.placed_privately and name == "care_home")
        self.model.services[name].request(self, units, urgent=urgent)
        if name == "reablement":
            cfg = self.model.config.reablement
            wait = cfg.max_wait_days_in_hospital if self.in_hospital else cfg.max_wait_days
            self._after("_timer", wait, self.reablement_unavailable)
        elif name == "supported_living":
            living = self.model.config.supported_living
            wait = living.max_wait_days_in_hospital if self.in_hospital else living.max_wait_days
            self._after("_timer", wait, self.supported_living_unavailable)

    def supported_living_unavailable(self) -> None:
        """No supported-living place in time: support at home instead, sized to the need now."""
        self._timer = None
        self._withdraw_requests()
        setting = groups.home_setting(
            self.group, self.traits.u_setting, in_hospital=self.in_hospital
        )
        self._request(setting, self.package_hours(self.need), cause="supported_living_unavailable")

    def reablement_unavailable(self) -> None:
        """No re-ablement place in time: long-term care is proposed instead.

        Someone sent for re-ablement without an assessment (discharge to assess) is first
        referred for one.
        """
        self._timer = None
        self._withdraw_requests()
        if self.assessed:
            self._propose_package(self.need, cause="reablement_unavailable")
        else:
            self.await_assessment(urgent=self.in_hospital, cause="reablement_unavailable")

    def direct_payment_starts(self, units: float) -> None:
        """The first payment of ``units`` hours a week: the person has arranged their care."""
        self._timer = None
        service = self.model.services["direct_payment"]
        service.in_use += units
        service.started += 1
        self.service_starts(service, units)

    def _withdraw_requests(self) -> None:
        if self.requested is not None:
            self.requested[0].withdraw(self)
        if self.review_waiting:
            self.model.team.review_dropped(self)
        self.ticket += 1  # social-work and approval queue entries become stale

    def start_spell(self, service: CareService, units: float, *, discharged: bool = False) -> None:
        """Start paying for ``units`` of ``service`` (``discharged``: on leaving hospital)."""
        model = self.model
        rate = model.daily_price(service.name, units, self)
        payer = model.payer(service, units, discharged=discharged)
        self.spells[service.name] = Spell(service, units, model.now, rate, payer)
        model.book(service.name, payer, rate, units)
        traits = self.traits
        self.model.breakdown.spell(traits.band, traits.group, service.name, rate, starting=True)
        if service.name == "home_care":
            delay = provision.handback_delay(model.config.provision, model.streams["provision"])
            if delay is not None:
                self._after("_handback", delay, self.package_handed_back)

    def end_spell(self, name: str, *, release: bool = True) -> None:
        """Stop paying for a service; its cost goes on the next event-log row."""
        spell = self.spells.pop(name)
        self.pending_cost += spell.rate * (self.model.now - spell.start)
        self.model.book(name, spell.payer, -spell.rate, -spell.units)
        traits = self.traits
        self.model.breakdown.spell(traits.band, traits.group, name, spell.rate, starting=False)
        if release:
            spell.service.release(spell.units)
        if name == "home_care" and self._handback is not None:
            self._cancel("_handback")

    def package_handed_back(self) -> None:
        """The provider hands the home-care package back: the person waits for a new provider.

        They join the urgent home-care queue, behind hospital patients already in it, for the
        same hours (the package is re-brokered, not re-assessed: someone left without care is
        a priority, an assumption), losing their carers; any review due waits until care starts
        again, as for anyone waiting for home care.
        """
        self._handback = None
        if self.state is not State.HOME_CARE or "home_care" not in self.spells:
            return  # leaving home care already (a care home is being arranged)
        units = self.spells["home_care"].units
        self.model.tally.handed_back(units)
        self.model.team.close_case(self)
        self._withdraw_requests()
        self._cancel("_review")
        self.end_spell("home_care")
        self._request("home_care", units, cause="package_handed_back", urgent=True)
        self.refresh_risks()

    def service_starts(self, service: CareService, units: float) -> None:
        """Capacity has been found: the service begins (and a hospital patient goes home)."""
        name = service.name
        discharged = self.in_hospital
        if discharged:
            self.leave_hospital()
        cause = "discharged" if discharged else "started"
        if not self.served:
            self.served = True
            self.model.tally.first_service(self)
        if name == "reablement":
            self.start_spell(service, units, discharged=discharged)
            self.move_to(State.IN_REABLEMENT, cause)
            if discharged and self.hospital_route:
                self.model.tally.ascof_track(self)
            days = reablement.episode_days(
                self.model.config.reablement, self.model.streams["outcomes"]
            )
            self._after("_timer", days, self.complete_reablement)
        else:
            for other in ("reablement", *LONG_TERM_COMPONENTS):
                if other in self.spells:
                    self.end_spell(other)
            self.start_spell(service, units, discharged=discharged)
            if name == "care_home" and not self.placed_privately:
                # ASCOF 2A counts moves into a home, not a change of who pays for one.
                self.model.tally.care_home_admission(self)
                self.model.tally.ascof_fail(self)
            self.move_to(SERVICE_STATES[name][1], cause)
            self.model.team.close_case(self)
            self._after(
                "_review", self.model.config.assessment.review_interval_days, self.review_due
            )
        self.refresh_risks()

    def complete_reablement(self) -> None:
        """End of re-ablement: independent again, or on to long-term support."""
        self._timer = None
        cfg = self.model.config.reablement
        need = self.need
        success = self.traits.u_reable < reablement.success_chance(cfg, need)
        self.model.tally.reablement_completed(self, success)
        if success:
            self.set_need(need - cfg.need_reduction)
            self.end_episode(State.INDEPENDENT, "reabled")
        elif self.assessed:
            # the re-ablement place bridges until long-term support starts
            self._propose_package(need, cause="needs_long_term_support")
        else:
            # Urgent: the re-ablement place this person holds is wanted by hospital patients.
            self.await_assessment(urgent=True, cause="needs_long_term_support")

    # -- long-term care ----------------------------------------------------------------------
    def join_initial_caseload(self, service: CareService, units: float) -> None:
        """Start the run already receiving long-term care, part-way to the next review."""
        service.in_use += units
        self.start_spell(service, units)
        self.served = True
        self.move_to(SERVICE_STATES[service.name][1], "initial_caseload")
        interval = self.model.config.assessment.review_interval_days
        self._after("_review", self.model.streams["initial"].uniform() * interval, self.review_due)
        self.refresh_risks()

    def review_due(self) -> None:
        """The annual review of a long-term client joins the team's list."""
        self._review = None
        self.model.team.request(REVIEW, self)

    def complete_review(self) -> None:
        """A review: the package follows the need found now."""
        self._timer = None
        self.model.team.close_case(self)
        need = self.need
        community = self.state in COMMUNITY_LONG_TERM_STATES
        if community and self._needs_care_home(need):
            self.package = ("care_home", 1.0)
            self.move_to(State.AWAITING_APPROVAL, "review_needs_care_home")
            self.proposed_at = self.model.now
            self.model.commissioner.request_approval(self)
            return
        if community and need < self.model.config.eligibility.threshold_need:
            # Episodic needs recover: the review finds them below the national threshold.
            self.end_episode(State.MOVED_ON, "no_longer_eligible")
            return
        if (
            self.state is State.HOME_CARE
            and groups.home_setting(self.group, self.traits.u_setting) == groups.DIRECT_PAYMENT
        ):
            # Home care arranged for a discharge from hospital; at home, the payment the
            # person would have chosen replaces it.
            setting = self._switch_to_payment(self.package_hours(need))
        elif self.state is State.HOME_CARE:
            self._resize_home_care(self.package_hours(need))
            setting = self.state
        else:
            if self.state is State.DIRECT_PAYMENT:
                self._resize_payment(self.package_hours(need))
            setting = self.state
        self.move_to(setting, "reviewed")
        self._after("_review", self.model.config.assessment.review_interval_days, self.review_due)
        self.refresh_risks()

    def _resize_home_care(self, hours: float) -> None:
        spell = self.spells["home_care"]
        service = spell.service
        extra = hours - spell.units
        if extra > 0 and service.in_use + extra > service.capacity:
            return  # no capacity to increase: the need goes partly unmet
        self.end_spell("home_care", release=False)
        service.in_use += extra
        self.start_spell(service, hours)

    def _switch_to_payment(self, hours: float) -> State:
        self.end_spell("home_care")
        service = self.model.services["direct_payment"]
        service.in_use += hours
        self.start_spell(service, hours)
        return State.DIRECT_PAYMENT

    def _resize_payment(self, hours: float) -> None:
        # A payment has no provider's capacity to wait for: it follows the need found.
        spell = self.spells["direct_payment"]
        self.end_spell("direct_payment", release=False)
        spell.service.in_use += hours - spell.units
        self.start_spell(spell.service, hours)

    # -- endings --------------------------------------------------------------------------
    def move_on(self) -> None:
        """Leave council-funded long-term care for another reason."""
        self._risk = None
        self.end_episode(State.MOVED_ON, "left_council_funded_care")

    def move_to_nhs_funding(self) -> None:
        """Eligible for NHS continuing healthcare: the NHS funds the care from now on."""
        self._risk = None
        self.model.tally.nhs_continuing_healthcare(self)
        self.end_episode(State.MOVED_ON, "nhs_continuing_healthcare")

    def die(self) -> None:
        """Death, in whatever state."""
        self._risk = None
        self.end_episode(State.DIED, "death")

    def end_episode(self, state: State, cause: str) -> None:
        """Leave the pathway: stop every service, queue, case and event, and record the exit.

        A patient who is not yet medically fit stays in hospital until they are; only death
        ends their episode at once.
        """
        if self.in_hospital and not self.fit and state is not State.DIED:
            self.deferred_exit = (state, cause)
            self.model.team.close_case(self)
            self.move_to(State.IN_HOSPITAL, "assessed_awaiting_fitness")
            return
        if self.spells:
            home = self.spells.get("care_home")
            if home is not None:
                self.model.tally.care_home_stay_ended(home.start, died=state is State.DIED)
            for name in list(self.spells):
                self.end_spell(name)
        if self.held_home_care > 0:
            self.release_held_package()
        self._withdraw_requests()
        if self.worker is not None:
            self.model.team.close_case(self)
        if self.in_hospital:
            self.leave_hospital()
        self.move_to(state, cause)
        # Most people leave at triage with no timers: test the slots without a call each.
        for slot in _EXIT_TIMERS:
            timer = getattr(self, slot)
            if timer is not None:
                timer.cancel()
                setattr(self, slot, None)
        self.model.person_exits(self, state)
