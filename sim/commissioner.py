"""The Commissioner: the council's budget holder, who approves packages and may ration."""

from __future__ import annotations

from collections import deque
from collections.abc import Callable
from typing import TYPE_CHECKING

import mesa
from carepath.sim.mechanisms import (
    approval,
    commissioning,
    funding,
    organisation,
    queue_response,
    trends,
)
from carepath.sim.mechanisms.approval import Decision
from carepath.sim.scenario import FACS_THRESHOLDS
from carepath.sim.workforce import REWORK

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser
    from carepath.sim.scenario import Scenario

BANDS = tuple(FACS_THRESHOLDS)


class Commissioner(mesa.Agent):
    """Holds the budget (in every organisational model) and signs off care packages.

    Approval runs in up to three stages: a council check of the assessment when assessment is
    done outside the council (limited by checking officers' hours; people waiting in a
    hospital bed are checked first, as teams assess them first), a chance of being sent
    back for more work, then a manager's sign-off or, for costly packages, the next funding
    panel. Under budget pressure the commissioner interprets eligibility more strictly: at
    each budget review the need threshold is set in proportion to the overspend, from the
    policy band's need (at ``pressure_tolerance`` or less) up to ``max_threshold``'s (at
    ``full_rationing_overspend``), so it relaxes again as soon as spending falls back.
    """

    def __init__(self, model: CarePathwayModel) -> None:
        super().__init__(model)
        cfg = model.config
        self.policy_need = cfg.eligibility.threshold_need
        self.max_need = max(self.policy_need, FACS_THRESHOLDS[cfg.commissioning.max_threshold])
        self.threshold_need = self.policy_need
        # Checks, like assessments, take people waiting in a hospital bed first
        # (``workforce.WORK_KINDS``); each queue is first come, first served.
        self.hospital_checks: deque[tuple[ServiceUser, int]] = deque()
        self.community_checks: deque[tuple[ServiceUser, int]] = deque()
        self.panel: list[tuple[ServiceUser, int]] = []
        self._check_hours = 0.0
        self._spend_at_review = 0.0
        self._pool_at_review = 0.0
        self.checks_done = 0
        # Temporary checking officers (FTE) engaged while checks are behind, and the pace of
        # checking they are judged by (``queue_response``); none while the response is off.
        self.extra_checkers = 0.0
        self._check_pace: queue_response.Pace | None = None
        self.reworks = 0
        self.threshold_changes = 0
        panel_days = cfg.approval.panel_interval_days
        model.calendar.every(panel_days, panel_days, self.hold_panel)
        review_days = cfg.commissioning.budget_review_days
        model.calendar.every(review_days, review_days, self.review_budget)

    @property
    def threshold_band(self) -> str:
        """Today's eligibility band: the tightest band whose need today's threshold reaches."""
        return max(
            (band for band in BANDS if FACS_THRESHOLDS[band] <= self.threshold_need + 1e-9),
            key=FACS_THRESHOLDS.__getitem__,
        )

    @property
    def checks_waiting(self) -> int:
        """Assessments in the council's checking queues (including stale entries)."""
        return len(self.hospital_checks) + len(self.community_checks)

    def request_approval(self, person: ServiceUser) -> None:
        """A social worker proposes (or, after rework, resubmits) a package for ``person``."""
        if self.model.arrangement(person).approval.council_checks_assessments:
            person.ticket += 1
            queue = self.hospital_checks if person.in_hospital else self.community_checks
            queue.append((person, person.ticket))
        else:
            self._after_check(person)

    def check_assessments(self) -> None:
        """Daily: council officers check assessments made outside the council."""
        cfg = self.model.checking
        if cfg is None:
            return
        # Hours left from a check in progress carry over (else an officer with fewer hours a
        # day than one check takes, as for a scoped change's small team, would never finish
        # one); idle hours do not.
        self._check_hours += approval.checking_hours_per_day(cfg.approval, cfg.workforce)
        if self.extra_checkers:
            self._check_hours += self.extra_checkers * cfg.workforce.working_hours_per_day
        while self._check_hours >= cfg.approval.check_hours:
            queue = self.hospital_checks or self.community_checks
            if not queue:
                break
            person, ticket = queue.popleft()
            if ticket != person.ticket:
                continue
            self._check_hours -= cfg.approval.check_hours
            self.checks_done += 1
            self._after_check(person)
        if not (self.hospital_checks or self.community_checks):
            self._check_hours = 0.0

    def review_checking(self) -> None:
        """Weekly: engage or let go temporary checking officers as the checks' wait asks."""
        cfg = self.model.checking
        if cfg is None or not queue_response.checks_respond(cfg.approval):
            self._check_pace = None
            self._engage_checkers(0.0, cfg)
            return
        if self._check_pace is None:
            self._check_pace = queue_response.Pace(self.checks_done)
            return  # the pace is judged from the week ahead
        pace = self._check_pace.record_week(self.checks_done)
        expected = queue_response.expected_wait_days(self.checks_waiting, pace)
        self._engage_checkers(queue_response.extra_checkers(cfg.approval, expected), cfg)

    def _engage_checkers(self, fte: float, cfg: Scenario | None) -> None:
        if fte == self.extra_checkers:
            return
        workforce = (cfg or self.model.config).workforce
        delta = organisation.temporary_checking_cost_per_day(fte - self.extra_checkers, workforce)
        self.model.ledger.change_rate("council_checking", delta, self.model.now)
        self.extra_checkers = fte

    def checks_ended(self, only: Callable[[ServiceUser], bool] | None = None) -> None:
        """The council stops checking assessments: those waiting for a check go on to a decision.

        After an organisational change that brings assessment back under the council.

        Args:
            only: whose checks end (after a scoped change, the people in scope); None: all.
        """
        queued = [*self.hospital_checks, *self.community_checks]
        if only is None:
            waiting = queued
            self.hospital_checks, self.community_checks = deque(), deque()
            self._check_hours = 0.0
        else:
            waiting = [entry for entry in queued if only(entry[0])]
            for queue in (self.hospital_checks, self.community_checks):
                kept = [entry for entry in queue if not only(entry[0])]
                queue.clear()
                queue.extend(kept)
        for person, ticket in waiting:
            if ticket == person.ticket:
                self._after_check(person)

    def _after_check(self, person: ServiceUser) -> None:
        cfg = self.model.arrangement(person).approval
        decision = approval.decide(cfg, self.model.streams["assessment"], self.weekly_cost(person))
        if decision is Decision.REWORK:
            self.reworks += 1
            self.model.team.request(REWORK, person)
        elif decision is Decision.PANEL:
            person.ticket += 1
            self.panel.append((person, person.ticket))
        else:
            person.await_sign_off(cfg.sign_off_days)

    def weekly_cost(self, person: ServiceUser) -> float:
        """Weekly cost of the package proposed for ``person``."""
        name, units = person.package  # type: ignore[misc]
        return self.model.daily_price(name, units, person) * 7.0

    def hold_panel(self) -> None:
        """The funding panel meets and approves the costly packages put to it."""
        cases, self.panel = self.panel, []
        for person, ticket in cases:
            if ticket == person.ticket:
                person.approved()

    def review_budget(self) -> None:
        """Compare spending since the last review with the budget, and ration in proportion."""
        cfg = self.model.config.commissioning
        spent = self.model.ledger.total(self.model.now)
        annualised = (spent - self._spend_at_review) * 365.0 / cfg.budget_review_days
        self._spend_at_review = spent
        budget = self.budget_now(cfg.budget_review_days)
        if cfg.tighten_under_pressure:
            self.ration(annualised, budget=budget)

    def budget_now(self, days: float) -> float:
        """The budget a review over the last ``days`` judges against, £ a year.

        The budget path's value today (``mechanisms.trends``), plus the NHS's part of a pooled
        budget's spend in the period (``mechanisms.funding``): pressure is judged jointly.
        """
        model = self.model
        cfg = model.config
        budget = trends.budget_at(cfg.commissioning, cfg.trends, model.now)
        if cfg.funding.pool_nhs_per_year > 0.0:
            pooled = model.pool_spend.settle(model.now)
            nhs = funding.nhs_pool_share(cfg.funding, pooled - self._pool_at_review, days)
            self._pool_at_review = pooled
            budget = funding.joint_budget(budget, nhs, days)
        return budget

    def ration(self, spending_per_year: float, *, budget: float | None = None) -> None:
        """Set today's need threshold from spending running at ``spending_per_year``.

        See ``carepath.sim.mechanisms.commissioning`` for the rule and why it is proportional.

        Args:
            spending_per_year: spending since the last review, a year.
            budget: the budget it is judged against (None: ``commissioning.annual_budget``).
        """
        need = commissioning.rationed_need(
            self.model.config.commissioning,
            spending_per_year,
            policy_need=self.policy_need,
            max_need=self.max_need,
            budget=budget,
        )
        if need != self.threshold_need:
            self.threshold_changes += 1
        self.threshold_need = need
