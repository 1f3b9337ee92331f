"""The community waiting list for assessment: triage by risk, aging, and the list's age profile.

Most English councils prioritise their waiting lists by risk rather than taking people in the
order they asked (ADASS surveys), so urgent cases are seen within days while routine ones can
wait for months. With ``waiting_list.prioritise`` on, triage gives each community request a
priority from the person's need (``priority``); social workers take urgent cases first, then
high, then routine, each in the order people joined the list (``PriorityList``); and a weekly
review of the list (``regrade``) moves a person up when their need has risen past a band's
threshold or when they have waited long enough to age into the next band, as councils'
"waiting well" reviews do. People waiting in a hospital bed have their own list, which comes
first (``sim/workforce.py``). Off, the list is one first-come first-served queue.

The list's age profile (the share of people waiting at home who have waited more than one,
three, six and twelve months) is measured either way (``list_ages``).
"""

from __future__ import annotations

from collections import deque
from collections.abc import Iterable, Iterator
from typing import TYPE_CHECKING, Protocol

if TYPE_CHECKING:
    from carepath.sim.scenario import WaitingList

URGENT, HIGH, ROUTINE = range(3)
PRIORITIES = ("urgent", "high", "routine")
UNTRIAGED = -1  # a first-come first-served list gives no priority
# Days of waiting whose shares the list's age profile reports: 1, 3, 6 and 12 months.
AGE_MARKS = ((1, 30.4), (3, 91.3), (6, 182.6), (12, 365.25))


class Waiting(Protocol):
    """What the list reads of a person on it (``ServiceUser`` has it)."""

    person_id: int
    queued_at: float
    priority: int
    ticket: int

    @property
    def need(self) -> float:
        """Need now."""
        ...


Entry = tuple[Waiting, int]


def priority(settings: WaitingList, need: float) -> int:
    """The priority triage gives a person of ``need``: the highest band whose threshold it meets."""
    if need >= settings.urgent_need:
        return URGENT
    if need >= settings.high_need:
        return HIGH
    return ROUTINE


def regraded(settings: WaitingList, current: int, need: float, waited: float) -> int:
    """The priority after a review of the list: never lower than ``current``.

    A person moves up to the band their need now calls for, and to high (then urgent) once they
    have waited ``aged_high_days`` (``aged_urgent_days``) since joining the list.
    """
    new = min(current, priority(settings, need))
    if waited >= settings.aged_high_days:
        new = min(new, HIGH)
    if settings.aged_urgent_days is not None and waited >= settings.aged_urgent_days:
        new = URGENT
    return new


class PriorityList:
    """Three first-come first-served lists, taken urgent first; a drop-in for the team's deque.

    Entries are ``(person, ticket)`` as in the team's other queues; an entry whose ticket is no
    longer the person's is stale (they left the list) and is dropped when met. A person's band
    is ``person.priority``.
    """

    def __init__(self, entries: Iterable[Entry] = ()) -> None:
        self.bands: tuple[deque[Entry], deque[Entry], deque[Entry]] = (deque(), deque(), deque())
        self.extend(entries)

    def append(self, entry: Entry) -> None:
        """Put ``entry`` at the back of its person's band (routine if never triaged)."""
        band = entry[0].priority
        self.bands[ROUTINE if band == UNTRIAGED else band].append(entry)

    def extend(self, entries: Iterable[Entry]) -> None:
        """Append each of ``entries`` to its band."""
        for entry in entries:
            self.append(entry)

    def popleft(self) -> Entry:
        """The entry at the front of the most urgent band that has one."""
        for band in self.bands:
            if band:
                return band.popleft()
        raise IndexError("pop from an empty waiting list")

    def clear(self) -> None:
        """Empty every band."""
        for band in self.bands:
            band.clear()

    def __bool__(self) -> bool:
        return any(self.bands)

    def __len__(self) -> int:
        return sum(len(band) for band in self.bands)

    def __iter__(self) -> Iterator[Entry]:
        for band in self.bands:
            yield from band

    def review(self, settings: WaitingList, now: float) -> int:
        """Regrade everyone on the list (``regraded``); returns how many moved up.

        Stale entries are dropped. People who move up join the back of their new band in the
        order they joined the list, so within a band the longest-waiting promoted case goes first.
        """
        moved: list[Entry] = []
        for index, band in enumerate(self.bands):
            kept: deque[Entry] = deque()
            for entry in band:
                person, ticket = entry
                if ticket != person.ticket:
                    continue
                new = regraded(settings, index, person.need, now - person.queued_at)
                if new < index:
                    person.priority = new
                    moved.append(entry)
                else:
                    kept.append(entry)
            self.bands[index].clear()
            self.bands[index].extend(kept)
        moved.sort(key=lambda entry: (entry[0].queued_at, entry[0].person_id))
        self.extend(moved)
        return len(moved)


def list_ages(entries: Iterable[Entry], now: float) -> tuple[int, list[int]]:
    """People on a list and how many of them have waited past each of ``AGE_MARKS``."""
    waiting = 0
    over = [0] * len(AGE_MARKS)
    for person, ticket in entries:
        if ticket != person.ticket:
            continue
        waiting += 1
        waited = now - person.queued_at
        for i, (_, days) in enumerate(AGE_MARKS):
            if waited > days:
                over[i] += 1
            else:
                break
    return waiting, over
