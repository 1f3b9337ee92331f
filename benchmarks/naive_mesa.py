"""The core pathway as a naive time-stepped Mesa model: every resident is woken every day.

This is how an agent-based model is often first written: every adult resident is an agent,
and each day ``model.agents.shuffle_do("step")`` asks each one whether anything happens to
them today. A resident not known to social care draws whether they ask for support or are
admitted to hospital today; a resident on the pathway checks their own timers (death, the end
of a stay, an assessment or re-ablement, approval, giving up) and acts on those that are due.
Queues and capacities are then allocated once a day by the model. Every decision comes from
``benchmarks.core``; only the engine differs from the other implementations. The cost of a
day grows with the population, not with what happens.
"""

from __future__ import annotations

import heapq
import math
from collections import deque
from typing import Any

import mesa

from benchmarks import core
from benchmarks.core import CoreParams, Kpis, Person

INF = math.inf


class Pool:
    """Capacity in units with a hospital-first, first-come-first-served queue."""

    def __init__(self, capacity: float) -> None:
        self.capacity = capacity
        self.in_use = 0.0
        self.queues: tuple[deque[tuple[Case, int, float]], ...] = (deque(), deque())

    def allocate(self, model: NaivePathway) -> None:
        """Start as many as capacity allows; the head of a queue blocks those behind it."""
        for queue in self.queues:
            while queue:
                case, ticket, units = queue[0]
                if ticket != case.ticket:
                    queue.popleft()
                    continue
                if self.in_use + units > self.capacity + 1e-9:
                    break
                queue.popleft()
                self.in_use += units
                model.service_starts(case, self, units)


class Case:
    """A resident's current episode: state, held capacity and the timers they check daily."""

    __slots__ = (
        "admit_at",
        "care_home",
        "death_at",
        "held",
        "hold_at",
        "in_hospital",
        "leave_at",
        "package",
        "pathway",
        "person",
        "queued_at",
        "resident",
        "state",
        "ticket",
        "timer_at",
    )

    def __init__(self, resident: Resident, person: Person) -> None:
        self.resident = resident
        self.person = person
        self.state = "contact"
        self.in_hospital = False
        self.care_home = False
        self.pathway = 0
        self.package: tuple[str, float] | None = None
        self.held: dict[Pool, float] = {}
        self.ticket = 0
        self.queued_at = 0.0
        self.death_at = self.timer_at = self.leave_at = self.admit_at = self.hold_at = INF


class Resident(mesa.Agent):
    """An adult resident of the council."""

    def __init__(self, model: NaivePathway, band: int) -> None:
        super().__init__(model)
        p = model.p
        self.band = band
        self.p_contact = p.community_per_resident_day[band]
        self.p_any = self.p_contact + p.admissions_per_resident_day[band]
        self.case: Case | None = None
        self.returning: Person | None = None
        self.return_at = INF

    def step(self) -> None:
        """Today: ask for support, be admitted, or check the timers of the current episode."""
        model = self.model
        case = self.case
        if case is None:
            if model.time >= self.return_at:
                model.repeat_contact(self)
                return
            u = model.random.random()
            if u < self.p_any:
                if u < self.p_contact:
                    model.community_contact(self)
                else:
                    model.emergency_admission(self)
            return
        model.check_timers(case)


class NaivePathway(mesa.Model):
    """The core pathway, stepping every resident every day.

    Args:
        params: the pathway's parameters.
        seed: seed of the run's random stream.
    """

    def __init__(self, params: CoreParams, seed: int) -> None:
        super().__init__(rng=seed)
        self.p = params
        self.kpis = Kpis(params)
        self.long_term = 0
        self.workers_free_at = [0.0] * params.social_workers
        self.assessments: tuple[deque[tuple[Case, int]], ...] = (deque(), deque())
        self.reablement = Pool(params.reablement_places)
        self.home_care = Pool(params.home_care_hours)
        self.care_homes = Pool(params.care_home_places)
        self.pools = {
            "reablement": self.reablement,
            "home_care": self.home_care,
            "care_home": self.care_homes,
        }
        residents: list[list[Resident]] = []
        for band, size in enumerate(params.band_sizes):
            residents.append([Resident(self, band) for _ in range(round(size))])
        self._initial_caseload(residents)
        self.agent_steps = 0

    def run(self) -> dict[str, Any]:
        """Run to the horizon and return the KPIs."""
        for _ in range(self.p.days):
            self.step()
        return self.kpis.summary()

    def step(self) -> None:
        """One day: every resident, then the daily allocation of staff and places."""
        self.agents.shuffle_do("step")
        self.agent_steps += len(self.agents)
        self.allocate_social_workers()
        for pool in self.pools.values():
            pool.allocate(self)
        self.kpis.long_term.append(self.long_term)

    def _initial_caseload(self, residents: list[list[Resident]]) -> None:
        p, rng = self.p, self.random
        free = [list(band) for band in residents]
        for band in free:
            rng.shuffle(band)

        def take(person: Person, pool: Pool, units: float) -> None:
            if not free[person.band]:
                return
            case = self.open_case(free[person.band].pop(), person)
            pool.in_use += units
            self.service_starts(case, pool, units)

        for _ in range(round(p.care_home_places * p.initial_care_home_occupancy)):
            band = core.choose(rng, p.initial_care_home_bands)
            need = core.beta(rng, p.initial_care_home_need, 10.0)
            take(Person(rng, p, band, need, 0.0), self.care_homes, 1.0)
        target = p.home_care_hours * p.initial_home_care_utilisation
        while self.home_care.in_use < target:
            band = core.choose(rng, p.initial_home_care_bands)
            person = Person(rng, p, band, core.beta(rng, p.initial_home_care_need, 8.0), 0.0)
            hours = core.package_for(p, person, person.need(0.0))[1]
            if self.home_care.in_use + hours > p.home_care_hours:
                break
            take(person, self.home_care, hours)

    # -- arrivals ---------------------------------------------------------------------------
    def open_case(self, resident: Resident, person: Person) -> Case:
        """A resident becomes known to social care."""
        case = Case(resident, person)
        resident.case = case
        return case

    def community_contact(self, resident: Resident) -> None:
        """A resident asks for support."""
        p = self.p
        need = core.beta(self.random, p.need_mean, p.need_concentration)
        self.contact(
            self.open_case(resident, Person(self.random, p, resident.band, need, self.time))
        )

    def repeat_contact(self, resident: Resident) -> None:
        """A resident who left without long-term care asks again."""
        person = resident.returning
        resident.returning, resident.return_at = None, INF
        person.hospital_route = person.assessed = person.had_reablement = False  # type: ignore[union-attr]
        self.contact(self.open_case(resident, person))  # type: ignore[arg-type]

    def contact(self, case: Case) -> None:
        """Front-door triage."""
        self.kpis.contacts.append(self.time)
        self.move(case, "contact")
        route = core.triage(self.p, case.person.need(self.time))
        if route == "assess":
            self.await_assessment(case, urgent=False)
        else:
            self.exit(case, route)

    def emergency_admission(self, resident: Resident) -> None:
        """An emergency admission of a resident not known to social care."""
        p, rng = self.p, self.random
        pathway = core.pathway_of(p, rng.random())
        los = core.lognormal(rng, p.los_mean, p.los_sd)
        if pathway == 0:
            return  # home with no new support
        need = core.beta(rng, p.need_by_pathway[pathway - 1], 8.0)
        case = self.open_case(resident, Person(rng, p, resident.band, need, self.time))
        case.person.hospital_route = True
        case.pathway = pathway
        self.kpis.contacts.append(self.time)
        self.enter_hospital(case, los)

    # -- each resident's daily check ----------------------------------------------------------
    def check_timers(self, case: Case) -> None:
        """Act on every timer of the case that is due today, earliest first."""
        now = self.time
        while self.resident_case(case):
            due = min(case.death_at, case.timer_at, case.leave_at, case.admit_at, case.hold_at)
            if due > now:
                return
            if due == case.death_at:
                self.exit(case, "died")
            elif due == case.timer_at:
                case.timer_at = INF
                self.on_timer(case)
            elif due == case.hold_at:
                case.hold_at = INF
                self.release(case, self.home_care)
            elif due == case.leave_at:
                self.exit(case, "moved_on")
            else:
                self.admitted(case)

    def resident_case(self, case: Case) -> bool:
        """The case is still the resident's open episode."""
        return case.resident.case is case

    def on_timer(self, case: Case) -> None:
        """The state's own timer is due."""
        state = case.state
        if state == "in_hospital":
            self.plan_discharge(case, d2a=case.person.d2a and case.pathway in (1, 2))
        elif state == "awaiting_assessment":
            self.exit(case, "withdrawn")
        elif state == "in_assessment":
            self.complete_assessment(case)
        elif state == "awaiting_approval":
            self.request_service(case, *case.package)  # type: ignore[misc]
        elif state == "awaiting_reablement":
            case.ticket += 1
            if case.person.assessed:
                self.propose_package(case)
            else:
                self.await_assessment(case, urgent=case.in_hospital)
        elif state == "in_reablement":
            self.complete_reablement(case)
        elif state == "self_funder_arranging":
            self.exit(case, "self_funded")
        elif state == "readmitted":
            self.returned(case)
        else:
            raise RuntimeError(f"no timer in state {state}")

    # -- the pathway --------------------------------------------------------------------------
    def move(self, case: Case, state: str) -> None:
        """Record a transition; the state's timer goes with the state left."""
        self.kpis.transitions += 1
        case.state = state
        case.timer_at = INF

    def enter_hospital(self, case: Case, los: float) -> None:
        """Take a bed until medically fit."""
        case.in_hospital = True
        self.move(case, "in_hospital")
        case.timer_at = self.time + los
        case.admit_at = case.leave_at = INF
        self.refresh_death(case)

    def plan_discharge(self, case: Case, *, d2a: bool) -> None:
        """A medically fit patient: self-funded care, re-ablement first, or an assessment."""
        p, person = self.p, case.person
        if person.self_funder:
            self.move(case, "self_funder_arranging")
            case.timer_at = self.time + self.random.expovariate(
                1.0 / p.self_funder_arrangement_days
            )
        elif d2a and person.need(self.time) <= p.reablement_max_need:
            person.had_reablement = True
            self.request_service(case, "reablement", 1.0)
        else:
            self.await_assessment(case, urgent=True)

    def await_assessment(self, case: Case, *, urgent: bool) -> None:
        """Join the social workers' queue (hospital work first)."""
        self.move(case, "awaiting_assessment")
        case.queued_at = self.time
        case.ticket += 1
        self.assessments[0 if urgent else 1].append((case, case.ticket))
        if not case.in_hospital:
            case.timer_at = self.time + core.waiting_time(self.random, self.p.withdraw_per_day)

    def allocate_social_workers(self) -> None:
        """Give queued assessments to workers with time to spare today."""
        p, now, rng = self.p, self.time, self.random
        heap = [(max(t, now), i) for i, t in enumerate(self.workers_free_at) if t < now + 1.0]
        heapq.heapify(heap)
        while heap:
            case = self._next_assessment()
            if case is None:
                return
            start, worker = heap[0]
            hours = core.lognormal(rng, p.assessment_hours_mean, 0.4 * p.assessment_hours_mean)
            free_at = start + hours / p.worker_hours_per_day
            self.workers_free_at[worker] = free_at
            self.kpis.waits.append((now, now - case.queued_at, case.in_hospital))
            self.move(case, "in_assessment")
            case.timer_at = max(free_at, now + p.min_assessment_days)
            if free_at < now + 1.0:
                heapq.heapreplace(heap, (free_at, worker))
            else:
                heapq.heappop(heap)

    def _next_assessment(self) -> Case | None:
        for queue in self.assessments:
            while queue:
                case, ticket = queue.popleft()
                if ticket == case.ticket and self.resident_case(case):
                    return case
        return None

    def complete_assessment(self, case: Case) -> None:
        """Eligibility and the choice of support."""
        person = case.person
        person.assessed = True
        outcome = core.assessment_outcome(self.p, person, person.need(self.time))
        if outcome == "self_funded" and case.in_hospital:
            self.plan_discharge(case, d2a=False)
        elif outcome in ("no_service", "self_funded", "community_support"):
            self.exit(case, outcome)
        elif outcome == "reablement":
            person.had_reablement = True
            self.request_service(case, "reablement", 1.0)
        else:
            self.propose_package(case)

    def propose_package(self, case: Case) -> None:
        """Put a long-term package to approval."""
        need = case.person.need(self.time)
        case.package = core.package_for(self.p, case.person, need)
        self.move(case, "awaiting_approval")
        case.timer_at = self.time + core.approval_delay(self.p, case.package, need, self.time)

    def request_service(self, case: Case, name: str, units: float) -> None:
        """Queue for a place or for home-care hours."""
        self.move(case, f"awaiting_{name}")
        case.ticket += 1
        pool = self.pools[name]
        pool.queues[0 if case.in_hospital else 1].append((case, case.ticket, units))
        if name == "reablement":
            p = self.p
            wait = p.reablement_max_wait_hospital if case.in_hospital else p.reablement_max_wait
            case.timer_at = self.time + wait

    def service_starts(self, case: Case, pool: Pool, units: float) -> None:
        """Capacity found: re-ablement or long-term care begins (a patient goes home)."""
        p = self.p
        case.ticket += 1
        case.in_hospital = False
        if pool is self.reablement:
            case.held[pool] = units
            self.move(case, "in_reablement")
            mean = p.reablement_mean_days
            days = min(p.reablement_max_days, core.lognormal(self.random, mean, 0.4 * mean))
            case.timer_at = self.time + days
            self.refresh_death(case)
            return
        for other in (self.reablement, self.home_care):
            if other in case.held:
                self.release(case, other)
        case.held[pool] = units
        case.care_home = pool is self.care_homes
        self.start_long_term(case)

    def start_long_term(self, case: Case) -> None:
        """In home care or a care home: hazards of death, leaving and admission."""
        p, rng = self.p, self.random
        self.move(case, "care_home" if case.care_home else "home_care")
        self.long_term += 1
        self.refresh_death(case)
        now = self.time
        case.leave_at = now + core.waiting_time(rng, p.leave_per_day)
        case.admit_at = now + core.waiting_time(rng, core.admission_rate(p, case.person.need(now)))

    def complete_reablement(self, case: Case) -> None:
        """Independent again, or on to long-term support."""
        p, person, now = self.p, case.person, self.time
        need = person.need(now)
        self.kpis.reablement_done.append(now)
        if core.reablement_succeeds(p, person, need):
            person.set_need(need - p.reablement_need_reduction, now)
            self.exit(case, "independent")
        elif person.assessed:
            self.propose_package(case)  # the place bridges until long-term care starts
        else:
            self.await_assessment(case, urgent=True)

    def admitted(self, case: Case) -> None:
        """A long-term client is admitted to hospital; a home-care package is held a while."""
        p, person, now = self.p, case.person, self.time
        self.long_term -= 1
        person.set_need(person.need(now) + p.need_rise_on_admission, now)
        person.had_reablement = False
        los = core.lognormal(self.random, p.los_mean, p.los_sd)
        if not case.care_home and self.home_care in case.held:
            case.hold_at = now + p.package_hold_days
        self.enter_hospital(case, los)
        case.state = "readmitted"
        case.timer_at = now + los

    def returned(self, case: Case) -> None:
        """A readmitted client is medically fit."""
        p, person, now = self.p, case.person, self.time
        case.hold_at = INF
        if case.care_home or (self.home_care in case.held and person.need(now) < p.care_home_need):
            case.in_hospital = False
            self.start_long_term(case)
            return
        if self.home_care in case.held:
            self.release(case, self.home_care)
        self.plan_discharge(case, d2a=person.d2a)

    def release(self, case: Case, pool: Pool) -> None:
        """Give back capacity held by the case."""
        pool.in_use -= case.held.pop(pool)
        pool.in_use = max(pool.in_use, 0.0)

    def refresh_death(self, case: Case) -> None:
        """Redraw the time of death from today's hazard."""
        need = case.person.need(self.time)
        rate = core.death_rate(self.p, case.person, need, care_home=case.care_home)
        case.death_at = self.time + core.waiting_time(self.random, rate)

    def exit(self, case: Case, state: str) -> None:
        """End the episode: give back capacity, maybe plan a repeat contact."""
        self.kpis.transitions += 1
        if case.state in ("home_care", "care_home"):
            self.long_term -= 1
        case.ticket += 1
        for pool in list(case.held):
            self.release(case, pool)
        resident = case.resident
        resident.case = None
        if state in ("died", "self_funded"):
            return
        p, rng = self.p, self.random
        if rng.random() < p.recontact_share:
            resident.returning = case.person
            resident.return_at = self.time + rng.expovariate(1.0 / p.recontact_mean_days)


def run(params: CoreParams, seed: int) -> dict[str, Any]:
    """Run the naive model once and return its KPIs."""
    return NaivePathway(params, seed).run()
