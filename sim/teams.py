"""Two social-work teams side by side: a scoped change's option and the current arrangement.

After a scoped change (``change.scope``, ``sim/mechanisms/scope.py``) the option's team holds
and works the cases in scope and the current arrangement's team the rest. ``ScopedTeams``
stands where the single team stood (``model.team``): people ask it for work as before and it
passes each request to the team that holds their case, so nothing else on the pathway needs
to know how the service is split. Each team keeps its own settings, staff, queues, morale and
turnover; people in scope are assessed, approved and supported under the option's settings
(``settings_for``), the rest under the current arrangement's.

It also measures the split, from the change day on: the waits of each team's assessments,
people waiting, staff, morale and leavers (``summary``, the run summary's ``scope`` section).
"""

from __future__ import annotations

import itertools
import math
from collections.abc import Iterable
from typing import TYPE_CHECKING, Any

import numpy as np
from carepath.sim.measure.tallies import Columns
from carepath.sim.mechanisms import scope as scoping
from carepath.sim.mechanisms.workforce import funded_posts, pay_per_day
from carepath.sim.states import State
from carepath.sim.workforce import REVIEW, WORK_KINDS, SocialWorker, SocialWorkTeam

if TYPE_CHECKING:
    from carepath.sim.engine.streams import Stream
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser
    from carepath.sim.scenario import Scenario

_WAITING = State.AWAITING_ASSESSMENT


class ScopedTeams:
    """The option's team (cases in scope) and the current arrangement's team (the rest).

    Args:
        model: the model.
        rest: the team that served everyone until now; it keeps the cases out of scope.
        option: the option's team, formed empty on the change day (``split`` staffs it).
        groups: the scoped client groups (``scope.scoped_groups``; None: every group).
        share: the share of their people in scope (``change.scope.share``).
        offset: the seed's offset of the in-scope draw (``scope.scope_offset``).
        staff_share: the share of the establishment the option's team holds.
        work_share: the share of the work in scope (``scope.scoped_work_share``).
    """

    def __init__(
        self,
        model: CarePathwayModel,
        rest: SocialWorkTeam,
        option: SocialWorkTeam,
        *,
        groups: frozenset[int] | None,
        share: float,
        offset: float,
        staff_share: float,
        work_share: float,
    ) -> None:
        self.model = model
        self.rest = rest
        self.option = option
        self.groups = groups
        self.share = share
        self.offset = offset
        self.staff_share = staff_share
        self.work_share = work_share
        self.waiting_in_scope = 0
        rest.waits = Columns("time", "days", "urgent")
        option.waits = Columns("time", "days", "urgent")
        # Daily sums over the measured days after the change (``record_day``).
        self._days = 0
        self._sums = dict.fromkeys(
            (
                "waiting_in_scope",
                "waiting_rest",
                "workers_in_scope",
                "workers_rest",
                "permanent_in_scope",
                "permanent_rest",
                "morale_in_scope",
                "morale_rest",
                "staff_cost_in_scope",
                "staff_cost_rest",
            ),
            0.0,
        )
        self._leavers_at_start: tuple[int, int] | None = None

    # -- who is whose ----------------------------------------------------------------------
    def covers(self, person: ServiceUser) -> bool:
        """Whether ``person``'s case is in scope (held by the option's team)."""
        return scoping.in_scope(
            person.traits.group, person.person_id, self.groups, self.share, self.offset
        )

    def team_of(self, person: ServiceUser) -> SocialWorkTeam:
        """The team that holds ``person``'s case."""
        return self.option if self.covers(person) else self.rest

    def settings_for(self, person: ServiceUser) -> Scenario:
        """The settings ``person`` is assessed, approved and supported under."""
        return self.option.config if self.covers(person) else self.rest.config

    @property
    def teams(self) -> tuple[SocialWorkTeam, SocialWorkTeam]:
        """The option's team and the current arrangement's."""
        return (self.option, self.rest)

    # -- the split on the change day -------------------------------------------------------
    def split(self, rest_settings: Scenario, stream: Stream) -> None:
        """Share out staff, posts, open cases and queued work between the two teams.

        A share ``staff_share`` of the permanent staff, chosen at random, moves to the
        option's team; locums stay in the vacancies they cover. Each team's posts are its
        settings' establishment (``scope.team_settings``): the option's team recruits to any
        it has not filled, and the current team's surplus vacancies are cut. Every open case
        and queued piece of work goes to the team that now holds the person's case.
        """
        rest, option = self.rest, self.option
        permanent = [w for w in rest.workers.values() if not w.agency]
        for worker in scoping.movers(permanent, self.staff_share, stream):
            option.take_on(worker)
        rest.config = rest_settings
        for team in (rest, option):
            for worker in list(team.workers.values()):
                for person in list(worker.cases.values()):
                    holder = self.team_of(person)
                    if holder is not team:
                        holder.hand_over(person)
        for kind in range(len(WORK_KINDS)):
            kept = type(rest.queues[kind])()
            for person, ticket in rest.queues[kind]:
                if ticket != person.ticket:
                    continue  # stale: the person has moved on
                if self.covers(person):
                    option.queues[kind].append((person, ticket))
                    if kind == REVIEW:
                        rest.reviews_waiting -= 1
                        option.reviews_waiting += 1
                else:
                    kept.append((person, ticket))
            rest.queues[kind].clear()
            rest.queues[kind].extend(kept)
        for team in (rest, option):
            team.set_posts(funded_posts(team.config.workforce, team.config.organisation))
        self.waiting_in_scope = sum(
            1
            for agent in self.model.agents
            if getattr(agent, "state", None) is _WAITING and self.covers(agent)
        )

    # -- the team's interface, passed to the right team --------------------------------------
    def request(self, kind: int, person: ServiceUser) -> None:
        """Queue a piece of work for ``person`` with the team that holds their case."""
        self.team_of(person).request(kind, person)

    def review_dropped(self, person: ServiceUser) -> None:
        """A queued review will not be done."""
        self.team_of(person).review_dropped(person)

    def close_case(self, person: ServiceUser) -> None:
        """The person no longer needs a social worker."""
        if person.worker is not None:
            person.worker.cases.pop(person.person_id, None)
            person.worker = None

    def community_list(self) -> Iterable[tuple[ServiceUser, int]]:
        """Both teams' lists of people waiting at home for an assessment."""
        return itertools.chain(self.option.community_list(), self.rest.community_list())

    def review_list(self) -> None:
        """Each team reviews its own prioritised list."""
        self.option.review_list()
        self.rest.review_list()

    def allocate(self) -> None:
        """Each team gives its queued work to its own workers."""
        self.option.allocate()
        self.rest.allocate()

    def review_week(self, waiting: int) -> None:
        """Weekly: each team's morale moves with its own backlog; some staff leave.

        Args:
            waiting: everyone waiting for an assessment, of both teams.
        """
        self.option.review_week(self.waiting_in_scope)
        self.rest.review_week(waiting - self.waiting_in_scope)

    def moved(self, person: ServiceUser, state: State) -> None:
        """``person`` moves to ``state``: count people in scope waiting for an assessment."""
        old = person.state
        if (old is _WAITING) is not (state is _WAITING) and self.covers(person):
            self.waiting_in_scope += 1 if state is _WAITING else -1

    @property
    def workers(self) -> dict[int, SocialWorker]:
        """Everyone in post in either team."""
        return self.option.workers | self.rest.workers

    @property
    def headcount(self) -> int:
        """Workers in post in both teams."""
        return self.option.headcount + self.rest.headcount

    @property
    def vacancy_count(self) -> int:
        """Vacant posts of both teams."""
        return self.option.vacancy_count + self.rest.vacancy_count

    @property
    def posts(self) -> int:
        """Funded posts of both teams."""
        return self.option.posts + self.rest.posts

    @property
    def leavers(self) -> int:
        """Permanent staff who have left either team."""
        return self.option.leavers + self.rest.leavers

    @property
    def reviews_waiting(self) -> int:
        """Reviews queued with either team."""
        return self.option.reviews_waiting + self.rest.reviews_waiting

    @property
    def hours_delivered(self) -> float:
        """Pathway hours both teams have given."""
        return self.option.hours_delivered + self.rest.hours_delivered

    @property
    def productivity(self) -> float:
        """The option's team's share of usual hours (the team in transition)."""
        return self.option.productivity

    def permanent_staff(self) -> int:
        """Permanent workers in post in both teams."""
        return self.option.permanent_staff() + self.rest.permanent_staff()

    def mean_caseload(self) -> float:
        """Mean open cases per worker in post, over both teams."""
        workers = self.workers.values()
        return sum(len(w.cases) for w in workers) / len(workers) if workers else 0.0

    def mean_morale(self) -> float:
        """Mean morale of workers in post, over both teams."""
        workers = self.workers.values()
        return sum(w.morale for w in workers) / len(workers) if workers else 0.0

    # -- measures --------------------------------------------------------------------------
    def record_day(self) -> None:
        """Daily, in the measured period: add today's counts to the sums ``summary`` reads."""
        model = self.model
        if model.now < model.config.run.warmup:
            return
        if self._leavers_at_start is None:
            self._leavers_at_start = (self.option.leavers, self.rest.leavers)
        sums = self._sums
        self._days += 1
        sums["waiting_in_scope"] += self.waiting_in_scope
        sums["waiting_rest"] += model.state_counts[_WAITING] - self.waiting_in_scope
        for suffix, team in (("in_scope", self.option), ("rest", self.rest)):
            permanent = team.permanent_staff()
            sums[f"workers_{suffix}"] += team.headcount
            sums[f"permanent_{suffix}"] += permanent
            sums[f"morale_{suffix}"] += team.mean_morale()
            # Pay, agency premium, overhead and margin under the team's own settings.
            wf, org = team.config.workforce, team.config.organisation
            sums[f"staff_cost_{suffix}"] += permanent * sum(pay_per_day(wf, org, agency=False)) + (
                team.headcount - permanent
            ) * sum(pay_per_day(wf, org, agency=True))

    def summary(self, start: float) -> dict[str, Any]:
        """The split's KPIs over the measured days after the change (``scope.*``).

        Args:
            start: the first measured day (the end of the warm-up).
        """
        days = self._days
        years = days / 365.0
        mean = {k: v / days if days else math.nan for k, v in self._sums.items()}
        out: dict[str, Any] = {"work_share": self.work_share, "staff_share": self.staff_share}
        for suffix, team, index in (("in_scope", self.option, 0), ("rest", self.rest, 1)):
            waits = team.waits.frame() if team.waits is not None else None
            community = (
                waits.loc[(waits["time"] >= start) & (waits["urgent"] == 0), "days"].to_numpy()
                if waits is not None
                else np.array([])
            )
            left = team.leavers - (self._leavers_at_start or (0, 0))[index]
            permanent = mean[f"permanent_{suffix}"]
            out[f"wait_median_days_community_{suffix}"] = (
                float(np.percentile(community, 50)) if len(community) else math.nan
            )
            out[f"people_waiting_mean_{suffix}"] = mean[f"waiting_{suffix}"]
            out[f"social_workers_mean_{suffix}"] = mean[f"workers_{suffix}"]
            out[f"funded_posts_{suffix}"] = team.posts
            out[f"morale_mean_{suffix}"] = mean[f"morale_{suffix}"]
            out[f"turnover_rate_{suffix}"] = (
                left / years / permanent if years and permanent else math.nan
            )
            out[f"staff_cost_per_year_{suffix}"] = mean[f"staff_cost_{suffix}"] * 365.0
        return out
