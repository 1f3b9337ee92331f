"""Social workers: their time, caseloads, morale, leaving, and the filling of vacancies."""

from __future__ import annotations

import heapq
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

import mesa
from carepath.sim.measure.tallies import Columns
from carepath.sim.mechanisms import queue_response, waiting_list
from carepath.sim.mechanisms.workforce import (
    backlog_pressure,
    funded_posts,
    morale_target,
    next_morale,
    pathway_hours_per_day,
    weekly_leaving_chance,
)
from carepath.sim.scenario import GROUPS

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser
    from carepath.sim.scenario import Scenario

# Kinds of work, in the order a team picks them up: people stuck in hospital first.
HOSPITAL_ASSESSMENT, REWORK, COMMUNITY_ASSESSMENT, REVIEW = range(4)
WORK_KINDS = ("hospital_assessment", "rework", "community_assessment", "review")
_ASSESSMENTS_FIRST = (HOSPITAL_ASSESSMENT, REWORK, COMMUNITY_ASSESSMENT, REVIEW)
_REVIEWS_FIRST = (HOSPITAL_ASSESSMENT, REWORK, REVIEW, COMMUNITY_ASSESSMENT)
# How far the review split may run ahead or behind, in hours: a few days of one worker, so a
# quiet spell without reviews due is not banked and spent as weeks of reviews-first later.
_CREDIT_CAP = 40.0


class SocialWorker(mesa.Agent):
    """A social worker employed by the provider organisation (or an agency locum).

    A worker's behaviour follows the settings of the team they work in (``team.config``):
    after a scoped change two teams work side by side under different arrangements.

    Attributes:
        team: the team the worker works in.
        agency: True for an agency locum covering a vacancy.
        morale: 0-1; falls with caseload and risk to terms, rises with autonomy.
        cases: the people whose cases this worker holds, by person id.
        free_at: the time from which this worker has no booked work.
    """

    def __init__(
        self, model: CarePathwayModel, team: SocialWorkTeam, *, agency: bool, experienced: bool
    ) -> None:
        super().__init__(model)
        wf = team.config.workforce
        self.team = team
        self.agency = agency
        self.started_at = model.time - (365.0 if experienced else 0.0)
        self.morale = wf.base_morale
        self.cases: dict[int, ServiceUser] = {}
        self.free_at = model.time

    @property
    def caseload(self) -> int:
        """Open cases held."""
        return len(self.cases)

    def daily_pathway_hours(self) -> float:
        """Hours a day this worker gives to assessments, reviews and rework."""
        team = self.team
        # `productivity` is below 1 only in the transition after an organisational change.
        return team.productivity * pathway_hours_per_day(
            team.config.workforce,
            self.morale,
            new_starter=self.model.now - self.started_at < 180.0,
        )

    def review_week(self, backlog: float) -> None:
        """Weekly: morale drifts towards what the job now feels like; some staff leave.

        Args:
            backlog: the team's backlog pressure (``backlog_pressure``), the same for everyone.
        """
        cfg = self.team.config
        target = morale_target(cfg.workforce, cfg.organisation, self.caseload, backlog)
        stream = self.model.streams["workforce"]
        self.morale = next_morale(self.morale, target, stream.normal())
        if self.agency:
            return  # locums leave when a permanent recruit arrives
        if stream.chance(weekly_leaving_chance(cfg.workforce, self.morale)):
            self.team.worker_leaves(self)


class Vacancy:
    """An unfilled funded post: recruited to after a delay, perhaps covered by a locum."""

    def __init__(self, team: SocialWorkTeam, *, now: float, immediate_cover: bool) -> None:
        self.team = team
        self.locum: SocialWorker | None = None
        model = team.model
        wf = team.config.workforce
        stream = model.streams["workforce"]
        model.calendar.schedule(
            now + stream.exponential(wf.recruitment_mean_days), self.fill_permanently
        )
        if stream.chance(wf.agency_cover_share):
            model.calendar.schedule(
                now + (0.0 if immediate_cover else wf.agency_start_days), self.cover_with_locum
            )

    def cover_with_locum(self) -> None:
        """An agency social worker starts in the post."""
        if self in self.team.vacancies:
            self.locum = self.team.hire(agency=True, experienced=True)

    def fill_permanently(self) -> None:
        """A permanent recruit starts; any locum leaves and hands over their cases."""
        if self not in self.team.vacancies:
            return  # the post was cut (``SocialWorkTeam.set_posts``)
        self.team.vacancies.remove(self)
        if self.locum is not None:
            self.team.remove_worker(self.locum)
        self.team.hire(agency=False, experienced=False)


class SocialWorkTeam:
    """The provider's social workers, their queues of work, and allocation of that work.

    Args:
        model: the model.
        config: the settings of the arrangement the team works under (its establishment,
            workforce, organisation, assessment values); by default the model's.
        staffed: fill the posts as on day 0 (False: no one yet, for a team formed on the
            change day, whose staff move in from the current team).

    Attributes:
        config: the team's settings, which its workers read.
        productivity: share of usual pathway hours the team's workers give; below 1 in the
            transition after an organisational change.
        hours_by_group: pathway hours given to each client group (``GROUPS``), to size a
            scoped change's establishment by the work it takes.
        waits: assessment waits of the people this team assessed, kept only after a scoped
            change (None otherwise: ``Tally.waits`` holds everyone's).
    """

    def __init__(
        self, model: CarePathwayModel, config: Scenario | None = None, *, staffed: bool = True
    ) -> None:
        self.model = model
        self.config = model.config if config is None else config
        wf = self.config.workforce
        self.productivity = 1.0
        self.hours_by_group = [0.0] * len(GROUPS)
        self.waits: Columns | None = None
        self.workers: dict[int, SocialWorker] = {}
        self.vacancies: list[Vacancy] = []
        self.queues: tuple[deque[tuple[ServiceUser, int]] | waiting_list.PriorityList, ...] = tuple(
            deque() for _ in WORK_KINDS
        )
        self._prioritise = self.config.waiting_list.prioritise
        if self._prioritise:
            queues = list(self.queues)
            queues[COMMUNITY_ASSESSMENT] = waiting_list.PriorityList()
            self.queues = tuple(queues)
        self.hours_delivered = 0.0
        self.leavers = 0
        self.reviews_waiting = 0
        # Hours owed to reviews under the planned split (see _next_case), within +-_CREDIT_CAP.
        self.review_credit = 0.0
        self._review_share = self.config.assessment.review_time_share
        self.posts = funded_posts(wf, self.config.organisation)
        # The council's response to a long list (``queue_response``): agency staff beyond the
        # establishment, those engaged and not yet started, and the pace it judges by.
        self.assessments_started = 0
        self.list_staff: list[SocialWorker] = []
        self._list_staff_due = 0
        self._pace = (
            queue_response.Pace()
            if queue_response.list_responds(self.config.waiting_list)
            else None
        )
        if not staffed:
            return
        filled = round(self.posts * (1.0 - wf.initial_vacancy_rate))
        for _ in range(filled):
            self.hire(agency=False, experienced=True)
        for _ in range(self.posts - filled):
            self.vacancies.append(Vacancy(self, now=0.0, immediate_cover=True))

    # -- staffing -------------------------------------------------------------------------
    def hire(self, *, agency: bool, experienced: bool) -> SocialWorker:
        """A new worker starts; their pay starts too."""
        worker = SocialWorker(self.model, self, agency=agency, experienced=experienced)
        self.workers[worker.unique_id] = worker
        self.model.pay_staff(worker, starting=True)
        return worker

    def worker_leaves(self, worker: SocialWorker) -> None:
        """A permanent worker resigns: the post becomes vacant, unless it is one too many."""
        self.leavers += 1
        self.remove_worker(worker)
        if self.permanent_staff() + len(self.vacancies) < self.posts:
            self.vacancies.append(Vacancy(self, now=self.model.now, immediate_cover=False))

    def permanent_staff(self) -> int:
        """Permanent workers in post (locums cover vacancies and are not counted)."""
        return sum(not w.agency for w in self.workers.values())

    def set_posts(self, posts: int) -> None:
        """The funded establishment becomes ``posts`` (after an organisational change).

        More posts are new vacancies, recruited to from now. Fewer posts are cut from the
        vacancies first, the latest first, with any locum in them; staff beyond the new
        establishment are not replaced when they leave.
        """
        self.posts = posts
        now = self.model.now
        while self.permanent_staff() + len(self.vacancies) < posts:
            self.vacancies.append(Vacancy(self, now=now, immediate_cover=False))
        while self.vacancies and self.permanent_staff() + len(self.vacancies) > posts:
            cut = self.vacancies.pop()
            if cut.locum is not None and cut.locum.unique_id in self.workers:
                self.remove_worker(cut.locum)

    def remove_worker(self, worker: SocialWorker) -> None:
        """Take ``worker`` off the team, handing their cases to the least-loaded colleagues."""
        del self.workers[worker.unique_id]
        self.model.pay_staff(worker, starting=False)
        cases = list(worker.cases.values())
        worker.cases.clear()
        worker.remove()
        if not self.workers:
            for person in cases:
                person.worker = None
            return
        for person in cases:
            colleague = min(self.workers.values(), key=lambda w: (w.caseload, w.unique_id))
            colleague.cases[person.person_id] = person
            person.worker = colleague

    def take_on(self, worker: SocialWorker) -> None:
        """``worker`` moves from their team to this one, with their cases; pay follows.

        Their pay stops under their old team's settings and starts under this team's, so an
        overhead or margin falls on the organisation they now work for.
        """
        old = worker.team
        del old.workers[worker.unique_id]
        self.model.pay_staff(worker, starting=False)
        worker.team = self
        self.workers[worker.unique_id] = worker
        self.model.pay_staff(worker, starting=True)

    def hand_over(self, person: ServiceUser) -> None:
        """This team takes over ``person``'s open case: its least-loaded worker holds it."""
        if person.worker is not None:
            person.worker.cases.pop(person.person_id, None)
        if not self.workers:
            person.worker = None
            return
        colleague = min(self.workers.values(), key=lambda w: (w.caseload, w.unique_id))
        colleague.cases[person.person_id] = person
        person.worker = colleague

    def community_list(self) -> Iterable[tuple[ServiceUser, int]]:
        """Entries of the list of people waiting at home for an assessment (stale ones too)."""
        return self.queues[COMMUNITY_ASSESSMENT]

    def review_list(self) -> None:
        """Review the prioritised community list: rising need and age move people up."""
        if self._prioritise:
            self.queues[COMMUNITY_ASSESSMENT].review(self.config.waiting_list, self.model.now)

    def review_week(self, waiting: int) -> None:
        """Weekly: each worker's morale moves with the team's backlog, and some leave.

        Args:
            waiting: people waiting for this team's assessments.
        """
        workers = list(self.workers.values())
        if not workers:
            return
        pressure = backlog_pressure(
            (waiting + self.reviews_waiting) / len(workers),
            self.config.workforce.typical_backlog_per_worker,
        )
        for worker in workers:
            worker.review_week(pressure)
        if self._pace is not None:
            self._respond_to_list(waiting)

    def _respond_to_list(self, waiting: int) -> None:
        """Engage agency staff beyond the establishment as the list asks, or let them go.

        Those let go are the latest engaged, and those not yet started first of all.
        """
        pace = self._pace.record_week(self.assessments_started)
        expected = queue_response.expected_wait_days(waiting, pace)
        want = queue_response.extra_staff(self.config.waiting_list, expected, self.posts)
        have = len(self.list_staff) + self._list_staff_due
        if want > have:
            start = self.model.now + self.config.workforce.agency_start_days
            for _ in range(want - have):
                self.model.calendar.schedule(start, self._list_staff_start)
            self._list_staff_due += want - have
            return
        cancel = min(self._list_staff_due, have - want)
        self._list_staff_due -= cancel
        for _ in range(have - want - cancel):
            worker = self.list_staff.pop()
            if worker.unique_id in self.workers:
                self.remove_worker(worker)

    def _list_staff_start(self) -> None:
        # Every start booked is alike: one finding none still due was cancelled.
        if self._list_staff_due > 0:
            self._list_staff_due -= 1
            self.list_staff.append(self.hire(agency=True, experienced=True))

    @property
    def headcount(self) -> int:
        """Workers in post, permanent and agency."""
        return len(self.workers)

    @property
    def vacancy_count(self) -> int:
        """Funded posts without a permanent worker (locum cover still counts as vacant)."""
        return len(self.vacancies)

    # -- work -----------------------------------------------------------------------------
    def request(self, kind: int, person: ServiceUser) -> None:
        """Queue a piece of work for ``person`` (triaged first, on a prioritised list)."""
        person.ticket += 1
        if kind == COMMUNITY_ASSESSMENT and self._prioritise:
            person.priority = waiting_list.priority(self.config.waiting_list, person.need)
        self.queues[kind].append((person, person.ticket))
        if kind == REVIEW:
            person.review_waiting = True
            self.reviews_waiting += 1

    def review_dropped(self, person: ServiceUser) -> None:
        """A queued review will not be done (the client died, left care or went to hospital)."""
        person.review_waiting = False
        self.reviews_waiting -= 1

    def _next_case(self) -> tuple[int, ServiceUser] | None:
        # Hospital assessments and rework come first. Reviews then take their planned share of
        # the hours: while the team owes reviews time, they go before community assessments,
        # so neither list is starved while the other has people on it.
        order = _REVIEWS_FIRST if self.review_credit > 0.0 else _ASSESSMENTS_FIRST
        queues = self.queues
        for kind in order:
            queue = queues[kind]
            while queue:
                person, ticket = queue.popleft()
                if ticket == person.ticket:
                    if kind == REVIEW:
                        person.review_waiting = False
                        self.reviews_waiting -= 1
                    return kind, person
        return None

    def _charge(self, kind: int, hours: float) -> None:
        credit = self.review_credit + self._review_share * hours
        if kind == REVIEW:
            credit -= hours
        self.review_credit = min(_CREDIT_CAP, max(-_CREDIT_CAP, credit))

    def allocate(self) -> None:
        """Give queued work to workers with time to spare today, most urgent work first."""
        now = self.model.now
        cfg = self.config
        max_cases = cfg.workforce.max_caseload
        # Workers booked up beyond today could never reach the head of the heap today.
        tomorrow = now + 1.0
        heap = [
            (max(w.free_at, now), w.unique_id, w)
            for w in self.workers.values()
            if w.free_at < tomorrow and len(w.cases) < max_cases
        ]
        heapq.heapify(heap)
        while heap and heap[0][0] < tomorrow:
            case = self._next_case()
            if case is None:
                return
            kind, person = case
            start, _, worker = heap[0]
            hours = person.work_hours(kind)
            worker.free_at = start + hours / worker.daily_pathway_hours()
            self.hours_delivered += hours
            self.hours_by_group[person.traits.group] += hours
            self._charge(kind, hours)
            done = worker.free_at
            if kind in (HOSPITAL_ASSESSMENT, COMMUNITY_ASSESSMENT):
                self.assessments_started += 1
                done = max(done, now + cfg.assessment.min_elapsed_days)
                if self.waits is not None:
                    self.waits.add(now, now - person.queued_at, person.in_hospital)
            if person.worker is not None and person.worker is not worker:
                person.worker.cases.pop(person.person_id, None)
            worker.cases[person.person_id] = person
            person.worker = worker
            person.work_allocated(kind, done)
            if worker.caseload >= max_cases:
                heapq.heappop(heap)
            else:
                heapq.heapreplace(heap, (worker.free_at, worker.unique_id, worker))

    def close_case(self, person: ServiceUser) -> None:
        """The person no longer needs a social worker."""
        if person.worker is not None:
            person.worker.cases.pop(person.person_id, None)
            person.worker = None

    def mean_caseload(self) -> float:
        """Mean open cases per worker in post."""
        workers = self.workers.values()
        return sum(len(w.cases) for w in workers) / len(workers) if workers else 0.0

    def mean_morale(self) -> float:
        """Mean morale of workers in post."""
        return (
            sum(w.morale for w in self.workers.values()) / len(self.workers)
            if self.workers
            else 0.0
        )
