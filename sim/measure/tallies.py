"""Outcome tallies: contacts, waits, exits, re-ablement and ASCOF follow-ups, as a run goes."""

from __future__ import annotations

from array import array
from collections import deque
from collections.abc import Iterable
from typing import TYPE_CHECKING

import numpy as np
import pandas as pd
from carepath.sim.mechanisms import gp_attachment, risks, waiting_list
from carepath.sim.mechanisms.waiting_list import UNTRIAGED
from carepath.sim.states import State

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser

ASCOF_2B_DAYS = 91.0
# Routes of a request (the contacts' ``route`` column).
ROUTE_COMMUNITY = 0
ROUTE_HOSPITAL = 1
ROUTE_FUNDS_DEPLETED = 2  # a self-funder whose savings ran down
ROUTE_TRANSITION = 3  # a young person from children's services


class Tally:
    """Time-stamped outcome records, kept compact in typed arrays."""

    def __init__(self, model: CarePathwayModel) -> None:
        self.model = model
        self.contacts = Columns("time", "hospital", "band", "repeat", "person", "group", "route")
        # priority: the community list's band (``waiting_list``), -1 untriaged or in hospital.
        self.waits = Columns("time", "days", "urgent", "priority")
        self.first_services = Columns("time", "days")
        self.approvals = Columns("time", "days")
        self.reablement = Columns("time", "success", "hospital", "band", "group")
        self.ascof_2b = Columns("time", "success")
        self.care_home_admissions = Columns("time", "band", "group")
        self.care_home_stays = Columns("time", "days", "died")
        self.exits = Columns("time", "state")
        self.nhs_funded = Columns("time", "band")
        self.handbacks = Columns("time", "hours")
        self._ascof_pending: deque[tuple[float, ServiceUser]] = deque()
        # The community list's age profile: people on it summed over sampled days, and how many
        # of them had waited past each of ``waiting_list.AGE_MARKS``.
        self.list_samples = 0
        self.list_waiting = 0
        self.list_over = [0] * len(waiting_list.AGE_MARKS)

    def contact(
        self,
        person_id: int,
        band: int,
        group: int,
        *,
        hospital: bool,
        repeat: bool = False,
        route: int = 0,
    ) -> None:
        """A request for support (a new episode) from someone of age ``band`` and ``group``."""
        route = ROUTE_HOSPITAL if hospital else route
        self.contacts.add(self.model.now, hospital, band, repeat, person_id, group, route)

    def assessment_started(self, person: ServiceUser, wait: float) -> None:
        """A social worker starts an assessment after ``wait`` days in the queue."""
        self.waits.add(
            self.model.now,
            wait,
            person.in_hospital,
            UNTRIAGED if person.in_hospital else person.priority,
        )

    def sample_list_ages(self, entries: Iterable[tuple[ServiceUser, int]], now: float) -> None:
        """Count who is on the community list today and how long they have waited."""
        waiting, over = waiting_list.list_ages(entries, now)
        self.list_samples += 1
        self.list_waiting += waiting
        for i, count in enumerate(over):
            self.list_over[i] += count

    def first_service(self, person: ServiceUser) -> None:
        """A person's first service of the episode starts."""
        self.first_services.add(self.model.now, self.model.now - person.entered_at)

    def package_approved(self, person: ServiceUser) -> None:
        """A package is approved, ``days`` after the social worker proposed it."""
        self.approvals.add(self.model.now, self.model.now - person.proposed_at)

    def reablement_completed(self, person: ServiceUser, success: bool) -> None:
        """A re-ablement episode ends (ASCOF 2D counts the successes)."""
        self.reablement.add(
            self.model.now, success, person.hospital_route, person.traits.band, person.traits.group
        )

    def care_home_admission(self, person: ServiceUser) -> None:
        """A permanent admission to a care home."""
        self.care_home_admissions.add(self.model.now, person.traits.band, person.traits.group)

    def care_home_stay_ended(self, since: float, *, died: bool) -> None:
        """A council-funded stay in a care home ends, by death or otherwise.

        Residents already in a home at day 0 came in at an unknown date, so their stays are
        left out rather than counted from day 0, which would shorten them.
        """
        if since > 0.0:
            now = self.model.now
            self.care_home_stays.add(now, now - since, died)

    # ASCOF 2B: still at home 91 days after discharge from hospital into re-ablement.
    def ascof_track(self, person: ServiceUser) -> None:
        """Follow a person discharged from hospital into re-ablement."""
        person.ascof_due = self.model.now + ASCOF_2B_DAYS
        self._ascof_pending.append((person.ascof_due, person))

    def ascof_fail(self, person: ServiceUser) -> None:
        """Readmitted, moved to a care home or died before the 91 days were up."""
        if person.ascof_due is not None:
            self.ascof_2b.add(self.model.now, False)
            person.ascof_due = None

    def resolve_ascof_due(self) -> None:
        """Daily: those still at home on their 91st day count as successes."""
        now = self.model.now
        while self._ascof_pending and self._ascof_pending[0][0] <= now:
            due, person = self._ascof_pending.popleft()
            if person.ascof_due == due:
                self.ascof_2b.add(due, True)
                person.ascof_due = None

    def nhs_continuing_healthcare(self, person: ServiceUser) -> None:
        """A long-term client becomes eligible for NHS continuing healthcare."""
        self.nhs_funded.add(self.model.now, person.traits.band)

    def handed_back(self, hours: float) -> None:
        """A provider hands back a home-care package of ``hours`` a week."""
        self.handbacks.add(self.model.now, hours)

    def left_at_front_door(self, state: State) -> None:
        """Record an episode that ended at triage (no services, so nothing to follow up)."""
        self.exits.add(self.model.now, int(state))

    def person_exited(self, person: ServiceUser, state: State) -> None:
        """Record an exit; settle a pending ASCOF 2B follow-up by drawing what happens next."""
        self.exits.add(self.model.now, int(state))
        if person.ascof_due is None:
            return
        if state is State.DIED:
            self.ascof_fail(person)
            return
        cfg = self.model.config
        need = person.need
        # The follow-up is of someone living at home after re-ablement.
        group = person.group
        death = risks.death_hazard(
            cfg.mortality, person.traits.band, need, in_care_home=False, group=group
        )
        factor = gp_attachment.admission_factor(
            self.model.arrangement(person).integration, in_care_home=False
        )
        admission = risks.admission_hazard(cfg.hospital, need, group) * factor
        left = person.ascof_due - self.model.now
        stream = self.model.streams["outcomes"]
        fails = stream.time_to_event((death + admission) / 365.0) < left
        self.ascof_2b.add(self.model.now, not fails)
        person.ascof_due = None


class Columns:
    """A few named columns of numbers, appended row by row.

    Rows are stored interleaved in one typed array: one ``extend`` per row is a single C call,
    where an append per column cost a Python loop on every outcome of every person.
    """

    def __init__(self, *names: str) -> None:
        self.names = names
        self._width = len(names)
        self._rows = array("d")

    def add(self, *values: float) -> None:
        """Append one row."""
        if len(values) != self._width:
            raise ValueError(f"expected {self._width} values ({', '.join(self.names)})")
        self._rows.extend(values)

    def __len__(self) -> int:
        return len(self._rows) // self._width

    def frame(self) -> pd.DataFrame:
        """The rows as a DataFrame, one column per name."""
        # A copy, not a view: a view kept alive (a sampling profiler holding this frame, as
        # Dask's worker does) would stop the run appending rows (BufferError).
        table = np.array(self._rows, dtype=np.float64).reshape(-1, self._width)
        return pd.DataFrame({n: table[:, i].copy() for i, n in enumerate(self.names)})
