"""The core pathway as a SimPy process model: what a health-service modeller would write.

Each person's episode is a process; arrivals come from Poisson source processes; social
workers are processes taking jobs from a ``PriorityStore`` (hospital work first); re-ablement
places, home-care hours and care-home places are ``Container`` resources whose queue puts
hospital patients first and is otherwise first come, first served. A death interrupts the
person's process (SimPy cannot cancel a pending timeout, so a redrawn death leaves the old
timeout to fire harmlessly). Every decision comes from ``benchmarks.core``: this file is only
the engine.
"""

from __future__ import annotations

import itertools
import math
import random
from collections.abc import Generator
from typing import Any

import simpy
from simpy.resources.container import ContainerGet
from simpy.resources.resource import SortedQueue

from benchmarks import core
from benchmarks.core import CoreParams, Kpis, Person

HOSPITAL, COMMUNITY = 0, 1  # queue priorities: lower goes first
Process = Generator[simpy.Event, Any, None]


class _PriorityGet(ContainerGet):
    def __init__(self, pool: Pool, amount: float, priority: int) -> None:
        self.key = (priority, next(pool.order))  # set before the base class queues the request
        super().__init__(pool, amount)


class Pool(simpy.Container):
    """Capacity in units, with a hospital-first, first-come-first-served queue.

    The head of the queue blocks those behind it (a large package is not overtaken), as in the
    real model's services.
    """

    GetQueue = SortedQueue

    def __init__(self, env: simpy.Environment, capacity: float) -> None:
        # Unbounded above so that giving units back never waits on float rounding; what can be
        # taken is bounded by the initial level, the service's capacity.
        super().__init__(env, capacity=math.inf, init=capacity)
        self.order = itertools.count()

    def request(self, amount: float, priority: int) -> _PriorityGet:
        """Ask for ``amount`` units; the event fires when they are granted."""
        return _PriorityGet(self, amount, priority)


class Job:
    """A piece of social-work time asked for by a person."""

    __slots__ = ("cancelled", "started")

    def __init__(self, env: simpy.Environment) -> None:
        self.started = env.event()  # its value: the days the work takes
        self.cancelled = False


class Case:
    """One episode of one person: its process, and the capacity it holds or waits for."""

    __slots__ = ("death", "held", "in_hospital", "job", "long_term", "pending", "person", "proc")

    def __init__(self, person: Person) -> None:
        self.person = person
        self.proc: simpy.Process | None = None
        self.held: dict[Pool, float] = {}
        self.pending: tuple[Pool, _PriorityGet] | None = None
        self.job: Job | None = None
        self.in_hospital = False
        self.long_term = False
        self.death = 0  # version of the pending death timer; older ones are void


class SimpyPathway:
    """The core pathway on SimPy.

    Args:
        params: the pathway's parameters.
        seed: seed of the run's random stream.
    """

    def __init__(self, params: CoreParams, seed: int) -> None:
        self.p = params
        self.rng = random.Random(seed)
        self.env = simpy.Environment()
        self.kpis = Kpis(params)
        self.long_term = 0
        self.jobs = simpy.PriorityStore(self.env)
        self.job_order = itertools.count()
        self.reablement = Pool(self.env, params.reablement_places)
        self.home_care = Pool(self.env, params.home_care_hours)
        self.care_homes = Pool(self.env, params.care_home_places)
        self.pools = {
            "reablement": self.reablement,
            "home_care": self.home_care,
            "care_home": self.care_homes,
        }
        for _ in range(params.social_workers):
            self.env.process(self.social_worker())
        for band, rate in enumerate(params.community_per_day):
            self.env.process(self.community_source(band, rate))
        for band, rate in enumerate(params.admissions_per_day):
            self.env.process(self.hospital_source(band, rate))
        self.env.process(self.monitor())
        self._initial_caseload()

    def run(self) -> dict[str, Any]:
        """Run to the horizon and return the KPIs."""
        self.env.run(until=self.p.days + 0.5)
        return self.kpis.summary()

    # -- sources, staff and measurement -------------------------------------------------------
    def community_source(self, band: int, rate: float) -> Process:
        """Requests for support from the community."""
        rng, p = self.rng, self.p
        while True:
            yield self.env.timeout(rng.expovariate(rate))
            need = core.beta(rng, p.need_mean, p.need_concentration)
            case = Case(Person(rng, p, band, need, self.env.now))
            self.start(case, self.contact(case))

    def hospital_source(self, band: int, rate: float) -> Process:
        """Emergency admissions of people not known to social care."""
        rng, p = self.rng, self.p
        while True:
            yield self.env.timeout(rng.expovariate(rate))
            pathway = core.pathway_of(p, rng.random())
            los = core.lognormal(rng, p.los_mean, p.los_sd)
            if pathway == 0:
                continue  # home with no new support
            need = core.beta(rng, p.need_by_pathway[pathway - 1], 8.0)
            case = Case(Person(rng, p, band, need, self.env.now))
            self.start(case, self.new_patient(case, pathway, los))

    def social_worker(self) -> Process:
        """One social worker: takes the most urgent job and works it at their pace."""
        rng, p = self.rng, self.p
        while True:
            job = (yield self.jobs.get()).item
            if job.cancelled:
                continue
            hours = core.lognormal(rng, p.assessment_hours_mean, 0.4 * p.assessment_hours_mean)
            days = hours / p.worker_hours_per_day
            job.started.succeed(days)
            yield self.env.timeout(days)

    def monitor(self) -> Process:
        """Long-term clients once a day, like the real model's daily data collection."""
        while True:
            self.kpis.long_term.append(self.long_term)
            yield self.env.timeout(1.0)

    def _initial_caseload(self) -> None:
        rng, p = self.rng, self.p
        for _ in range(round(p.care_home_places * p.initial_care_home_occupancy)):
            band = core.choose(rng, p.initial_care_home_bands)
            person = Person(rng, p, band, core.beta(rng, p.initial_care_home_need, 10.0), 0.0)
            self._join_initially(person, self.care_homes, 1.0)
        target = p.home_care_hours * p.initial_home_care_utilisation
        used = 0.0
        while used < target:
            band = core.choose(rng, p.initial_home_care_bands)
            person = Person(rng, p, band, core.beta(rng, p.initial_home_care_need, 8.0), 0.0)
            hours = core.package_for(p, person, person.need(0.0))[1]
            if used + hours > p.home_care_hours:
                break
            used += hours
            self._join_initially(person, self.home_care, hours)

    def _join_initially(self, person: Person, pool: Pool, units: float) -> None:
        pool.request(units, HOSPITAL)  # granted at once: the pool starts full
        case = Case(person)
        case.held[pool] = units
        self.start(case, self.long_term_care(case, pool))

    # -- a person's episode -------------------------------------------------------------------
    def start(self, case: Case, body: Process) -> None:
        """Run an episode as a process that a death can interrupt."""
        case.proc = self.env.process(self._guard(case, body))

    def _guard(self, case: Case, body: Process) -> Process:
        try:
            yield from body
        except simpy.Interrupt:
            self.exit(case, "died")

    def move(self) -> None:
        """Count a transition (the real model logs each one)."""
        self.kpis.transitions += 1

    def contact(self, case: Case) -> Process:
        """Triage of a request from the community."""
        self.kpis.contacts.append(self.env.now)
        self.move()
        route = core.triage(self.p, case.person.need(self.env.now))
        if route != "assess":
            self.exit(case, route)
            return
        yield from self.assess(case, urgent=False)

    def new_patient(self, case: Case, pathway: int, los: float) -> Process:
        """An emergency admission: in a bed until medically fit, then discharge planning."""
        case.person.hospital_route = True
        self.kpis.contacts.append(self.env.now)
        self.enter_hospital(case)
        yield self.env.timeout(los)
        yield from self.plan_discharge(case, d2a=case.person.d2a and pathway in (1, 2))

    def enter_hospital(self, case: Case) -> None:
        """Take a bed; the death hazard is redrawn."""
        case.in_hospital = True
        self.move()
        self.refresh_death(case, care_home=False)

    def plan_discharge(self, case: Case, *, d2a: bool) -> Process:
        """A medically fit patient: self-funded care, re-ablement first, or an assessment."""
        p, person = self.p, case.person
        if person.self_funder:
            self.move()
            yield self.env.timeout(self.rng.expovariate(1.0 / p.self_funder_arrangement_days))
            self.exit(case, "self_funded")
        elif d2a and person.need(self.env.now) <= p.reablement_max_need:
            person.had_reablement = True
            yield from self.reable(case)
        else:
            yield from self.assess(case, urgent=True)

    def assess(self, case: Case, *, urgent: bool) -> Process:
        """Wait for a social worker (at home one may give up), be assessed, and act on it."""
        env, p, person = self.env, self.p, case.person
        self.move()
        queued = env.now
        job = case.job = Job(env)
        priority = (HOSPITAL if urgent else COMMUNITY, next(self.job_order))
        self.jobs.put(simpy.PriorityItem(priority, job))
        if case.in_hospital:
            yield job.started
        else:
            yield job.started | env.timeout(core.waiting_time(self.rng, p.withdraw_per_day))
            if not job.started.triggered:
                self.exit(case, "withdrawn")
                return
        case.job = None
        self.kpis.waits.append((env.now, env.now - queued, case.in_hospital))
        self.move()
        yield env.timeout(max(job.started.value, p.min_assessment_days))
        person.assessed = True
        need = person.need(env.now)
        outcome = core.assessment_outcome(p, person, need)
        if outcome == "self_funded" and case.in_hospital:
            yield from self.plan_discharge(case, d2a=False)
        elif outcome in ("no_service", "self_funded", "community_support"):
            self.exit(case, outcome)
        elif outcome == "reablement":
            person.had_reablement = True
            yield from self.reable(case)
        else:
            yield from self.package(case)

    def package(self, case: Case) -> Process:
        """Propose long-term support, wait for approval, then for the service."""
        env, p = self.env, self.p
        need = case.person.need(env.now)
        name, units = core.package_for(p, case.person, need)
        self.move()
        yield env.timeout(core.approval_delay(p, (name, units), need, env.now))
        yield from self.service(case, self.pools[name], units)

    def reable(self, case: Case) -> Process:
        """Re-ablement: a place within the maximum wait, or the long-term route instead."""
        env, p, person = self.env, self.p, case.person
        self.move()
        urgent = case.in_hospital
        request = self.reablement.request(1.0, HOSPITAL if urgent else COMMUNITY)
        case.pending = (self.reablement, request)
        wait = p.reablement_max_wait_hospital if urgent else p.reablement_max_wait
        yield request | env.timeout(wait)
        case.pending = None
        if not request.triggered:
            request.cancel()
            if person.assessed:
                yield from self.package(case)
            else:
                yield from self.assess(case, urgent=case.in_hospital)
            return
        case.held[self.reablement] = 1.0
        case.in_hospital = False
        self.move()
        self.refresh_death(case, care_home=False)
        mean = p.reablement_mean_days
        yield env.timeout(min(p.reablement_max_days, core.lognormal(self.rng, mean, 0.4 * mean)))
        need = person.need(env.now)
        self.kpis.reablement_done.append(env.now)
        if core.reablement_succeeds(p, person, need):
            person.set_need(need - p.reablement_need_reduction, env.now)
            self.exit(case, "independent")
        elif person.assessed:
            yield from self.package(case)  # the place bridges until long-term care starts
        else:
            yield from self.assess(case, urgent=True)  # the place is wanted by patients

    def service(self, case: Case, pool: Pool, units: float) -> Process:
        """Wait for home care or a care home; when it starts, long-term care begins."""
        self.move()
        request = pool.request(units, HOSPITAL if case.in_hospital else COMMUNITY)
        case.pending = (pool, request)
        yield request
        case.pending = None
        case.in_hospital = False
        for other in (self.reablement, self.home_care):
            if other in case.held:
                other.put(case.held.pop(other))
        case.held[pool] = units
        yield from self.long_term_care(case, pool)

    def long_term_care(self, case: Case, pool: Pool) -> Process:
        """In home care or a care home until death, leaving, or a hospital admission."""
        env, p, rng, person = self.env, self.p, self.rng, case.person
        care_home = pool is self.care_homes
        while True:
            self.move()
            if not case.long_term:
                case.long_term = True
                self.long_term += 1
            self.refresh_death(case, care_home=care_home)
            leave = core.waiting_time(rng, p.leave_per_day)
            admission = core.waiting_time(rng, core.admission_rate(p, person.need(env.now)))
            yield env.timeout(min(leave, admission))
            if leave <= admission:
                self.exit(case, "moved_on")
                return
            person.set_need(person.need(env.now) + p.need_rise_on_admission, env.now)
            person.had_reablement = False
            case.long_term = False  # in a hospital bed, not counted as in long-term care
            self.long_term -= 1
            self.enter_hospital(case)
            los = core.lognormal(rng, p.los_mean, p.los_sd)
            if not care_home and los > p.package_hold_days:
                yield env.timeout(p.package_hold_days)
                pool.put(case.held.pop(pool))  # the provider stops holding the package
                yield env.timeout(los - p.package_hold_days)
            else:
                yield env.timeout(los)
            if care_home or (pool in case.held and person.need(env.now) < p.care_home_need):
                case.in_hospital = False
                continue
            if pool in case.held:
                pool.put(case.held.pop(pool))
            yield from self.plan_discharge(case, d2a=person.d2a)
            return

    # -- endings ------------------------------------------------------------------------------
    def refresh_death(self, case: Case, *, care_home: bool) -> None:
        """Redraw the time of death from today's hazard."""
        need = case.person.need(self.env.now)
        case.death += 1
        delay = core.waiting_time(
            self.rng, core.death_rate(self.p, case.person, need, care_home=care_home)
        )
        if math.isfinite(delay):
            timer = self.env.timeout(delay, value=case.death)
            timer.callbacks.append(lambda event, case=case: self._death_due(case, event.value))

    def _death_due(self, case: Case, version: int) -> None:
        if case.death == version and case.proc is not None and case.proc.is_alive:
            case.proc.interrupt("death")

    def exit(self, case: Case, state: str) -> None:
        """End the episode: give back capacity, void the death timer, maybe plan a return."""
        self.move()
        case.death += 1
        if case.long_term:
            case.long_term = False
            self.long_term -= 1
        if case.job is not None:
            case.job.cancelled = True
        if case.pending is not None:
            pool, request = case.pending
            if request.triggered:
                pool.put(request.amount)  # granted in the same instant as the death
            else:
                request.cancel()
        for pool, units in case.held.items():
            pool.put(units)
        case.held = {}
        if state in ("died", "self_funded"):
            return
        if self.rng.random() < self.p.recontact_share:
            delay = self.rng.expovariate(1.0 / self.p.recontact_mean_days)
            if self.env.now + delay < self.p.days:
                self.env.process(self._recontact(case.person, delay))

    def _recontact(self, person: Person, delay: float) -> Process:
        yield self.env.timeout(delay)
        person.hospital_route = person.assessed = person.had_reablement = False
        case = Case(person)
        self.start(case, self.contact(case))


def run(params: CoreParams, seed: int) -> dict[str, Any]:
    """Run the SimPy model once and return its KPIs."""
    return SimpyPathway(params, seed).run()
