"""Capacity-limited care services: re-ablement, home care and care homes.

A service has a capacity in units (places, or home-care hours a week), two first-come
first-served queues (people waiting in a hospital bed go first) and a price per unit. Shortage
of capacity is what makes queues, and queues in hospital are delayed discharges.
"""

from __future__ import annotations

from collections import deque
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.person import ServiceUser


class CareService:
    """One commissioned service with limited capacity and a price.

    Attributes:
        name: the ledger component this service is paid from.
        capacity: units available (places, or hours a week).
        in_use: units held by people in service or by packages held open.
        waiting: people in the queues (stale queue entries are not counted).
    """

    def __init__(self, model: CarePathwayModel, name: str, capacity: float) -> None:
        self.model = model
        self.name = name
        self.capacity = capacity
        self.in_use = 0.0
        self.waiting = 0
        self.started = 0
        self._urgent: deque[tuple[ServiceUser, int]] = deque()
        self._routine: deque[tuple[ServiceUser, int]] = deque()

    def request(self, person: ServiceUser, units: float, *, urgent: bool) -> None:
        """Put ``person`` in the queue for ``units`` of this service."""
        person.requested = (self, units)
        person.ticket += 1
        (self._urgent if urgent else self._routine).append((person, person.ticket))
        self.waiting += 1

    def withdraw(self, person: ServiceUser) -> None:
        """Take ``person`` out of the queue (they died, were admitted, or no longer need it)."""
        if person.requested is not None and person.requested[0] is self:
            person.requested = None
            person.ticket += 1  # the queue entry is now stale
            self.waiting -= 1

    def allocate(self) -> None:
        """Start as many people as capacity allows, urgent queue first, in arrival order.

        The head of a queue blocks those behind it (a large package is not overtaken by
        smaller ones), as with a provider's list of packages to pick up.
        """
        for queue in (self._urgent, self._routine):
            while queue:
                person, ticket = queue[0]
                if ticket != person.ticket or person.requested is None:
                    queue.popleft()
                    continue
                units = person.requested[1]
                if self.in_use + units > self.capacity + 1e-9:
                    break
                queue.popleft()
                person.requested = None
                self.waiting -= 1
                self.in_use += units
                self.started += 1
                person.service_starts(self, units)

    def release(self, units: float) -> None:
        """Give back ``units`` of capacity."""
        self.in_use -= units
        if self.in_use < 1e-9:
            self.in_use = 0.0
