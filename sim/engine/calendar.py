"""A light calendar for the model's own timers, driven by Mesa's event loop.

Every person keeps a few timers (death, admission, the end of an assessment, a review...) and
most are redrawn or cancelled before they fire. A Mesa ``Event`` costs two weak references, a
Python-level comparison at every heap step, and a cancelled one stays in Mesa's heap until its
time comes; at city scale the scheduler, not the pathway, was most of the run time.

The calendar is a calendar queue (Brown 1988): timers are ``[time, sequence, action]`` lists
(compared in C) in one bucket per simulated day, and only the bucket of the earliest day is
kept as a heap, so scheduling is an append and firing a pop from a small heap. One Mesa event
is pending at a time: a wake-up at the earliest live timer. When it fires, the calendar runs
its timers in order, moving ``model.time`` itself, for as long as no other Mesa event (such as
the daily step) and not the end of the current ``run_for``/``step`` comes first.

Ordering is that of Mesa's own events: by time, then by the order of scheduling. Every model
event of priority DEFAULT goes through the calendar (people, vacancies, the recurring panel and
reviews), so same-time ties resolve exactly as they did when each was a Mesa ``Event`` (the
model's outputs are byte-identical to those before the calendar). One difference remains for
events scheduled on the Mesa model directly, outside the calendar: at the very same instant, a
timer scheduled after such an event may run before it.
"""

from __future__ import annotations

import heapq
import math
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from carepath.sim.engine.mesa_adapter import ClockModel, next_mesa_event_time

if TYPE_CHECKING:
    import mesa
    from mesa.time import Event

_isfinite = math.isfinite
# Compact when cancelled entries outnumber live ones two to one, and are at least this many.
_COMPACT_MIN = 20_000


class Timer(list):
    """A handle on one scheduled action: ``[time, sequence, action, calendar]``.

    A list rather than an object with attributes: the heap compares entries in C (times, then
    sequence numbers, which are unique), and a cancelled entry is one whose action is None; it
    is skipped when its day comes, or dropped earlier when the calendar compacts.
    """

    __slots__ = ()

    @property
    def time(self) -> float:
        """When the action is due."""
        return self[0]

    @property
    def cancelled(self) -> bool:
        """True once cancelled or fired."""
        return self[2] is None

    def cancel(self) -> None:
        """Stop the action from firing (no effect once it has fired)."""
        if self[2] is not None:
            self[2] = None  # drop the reference too: the person may have been removed
            self[3]._cancelled += 1


class Calendar:
    """Timers of one model, fired through a single pending Mesa event.

    Args:
        model: the Mesa model whose clock the timers follow.

    Attributes:
        until: the time the model's clock is being advanced to (set by the model around each
            call of Mesa's time loop); timers up to it may run without a Mesa event each.
        fired: timers run so far.
    """

    def __init__(self, model: mesa.Model) -> None:
        self._model = model
        self._day = -1  # the day whose timers are in `_today`
        self._today: list[Timer] = []  # a heap
        self._later: dict[int, list[Timer]] = {}  # day -> timers, unordered
        self._days: list[int] = []  # heap of the keys of `_later`
        self._seq = 0
        self._size = 0  # entries held, live or cancelled
        self._cancelled = 0  # cancelled entries still held
        self._wake: Event | None = None
        self._wake_at = math.inf
        self._firing = False
        self.until = -math.inf
        self.fired = 0

    def __len__(self) -> int:
        """Timers still to fire."""
        return self._size - self._cancelled

    def schedule(self, at: float, action: Callable[[], None]) -> Timer:
        """Run ``action()`` at time ``at`` (not in the past); return its handle.

        Raises:
            ValueError: if ``at`` is earlier than the model's time.
        """
        if at < self._model.now:
            raise ValueError(f"cannot schedule at {at}, before the current time")
        return self._add(at, action)

    def _add(self, at: float, action: Callable[[], None]) -> Timer:
        self._seq += 1
        self._size += 1
        timer = Timer((at, self._seq, action, self))
        day = int(at)
        if day == self._day:
            heapq.heappush(self._today, timer)
        elif day > self._day:
            bucket = self._later.get(day)
            if bucket is None:
                self._later[day] = [timer]
                heapq.heappush(self._days, day)
            else:
                bucket.append(timer)
        else:
            # Earlier than the day loaded ahead of time: put that day back and start this one.
            if self._today:
                self._later[self._day] = self._today
                heapq.heappush(self._days, self._day)
            self._today = [timer]
            self._day = day
        if at < self._wake_at and not self._firing:
            self._arm(at)
        return timer

    def after(self, delay: float, action: Callable[[], None]) -> Timer:
        """Run ``action()`` ``delay`` days from now; return its handle.

        Raises:
            ValueError: if ``delay`` is negative.
        """
        if delay < 0:
            raise ValueError(f"cannot schedule {delay} days ago")
        return self._add(self._model.now + delay, action)

    def replace(self, old: Timer | None, delay: float, action: Callable[[], None]) -> Timer | None:
        """Cancel ``old`` (if any) and run ``action()`` ``delay`` days from now (never, if infinite).

        The way a person redraws a timer, hundreds of thousands of times a run: ``old.cancel()``
        and ``after`` in one call.

        Raises:
            ValueError: if ``delay`` is negative.
        """
        if old is not None and old[2] is not None:
            old[2] = None
            old[3]._cancelled += 1
        if not _isfinite(delay):
            return None
        if delay < 0:
            raise ValueError(f"cannot schedule {delay} days ago")
        return self._add(self._model.now + delay, action)

    def every(self, interval: float, start: float, action: Callable[[], None]) -> Recurring:
        """Run ``action()`` at ``start`` and then every ``interval`` (like Mesa's Schedule).

        As with Mesa's ``EventGenerator``, each occurrence is scheduled when the previous one has
        run, so same-time ordering against other timers is what Mesa's would be.
        """
        return Recurring(self, interval, start, action)

    def _head(self) -> Timer | None:
        """The earliest live entry, dropping cancelled ones and loading later days as needed."""
        today = self._today
        while True:
            while today:
                timer = today[0]
                if timer[2] is not None:
                    return timer
                heapq.heappop(today)
                self._size -= 1
                self._cancelled -= 1
            if not self._days:
                return None
            self._day = heapq.heappop(self._days)
            # Entries cancelled since they were scheduled (redrawn risks; about a fifth at city
            # scale) are dropped before the heap is made rather than popped one by one. The
            # live timers come out in the same order: (time, sequence) is unique.
            bucket = self._later.pop(self._day)
            today = self._today = [timer for timer in bucket if timer[2] is not None]
            dropped = len(bucket) - len(today)
            self._size -= dropped
            self._cancelled -= dropped
            heapq.heapify(today)

    def _arm(self, at: float) -> None:
        if self._wake is not None:
            self._wake.cancel()
        self._wake = self._model.schedule_event(self._fire, at=at)
        self._wake_at = at

    def _bound(self) -> float:
        """The time before which nothing but this calendar can need the clock."""
        pending = next_mesa_event_time(self._model)
        return pending if pending < self.until else self.until

    def _fire(self) -> None:
        """Run the timers due now, then later ones while the clock is the calendar's alone."""
        self._wake = None
        self._wake_at = math.inf
        self._firing = True
        model = self._model
        now = model.now
        # Timers scheduled for `now` while this runs wait for a new wake-up, so that other Mesa
        # events already pending at `now` run first, as they would if each timer were an Event.
        last = self._seq
        bound = self._bound()
        pop = heapq.heappop
        try:
            while True:
                today = self._today
                if today and today[0][2] is not None:
                    timer = today[0]  # the usual case, without a call to `_head`
                else:
                    timer = self._head()
                    if timer is None:
                        break
                    today = self._today
                at = timer[0]
                if at > now:
                    if at >= bound:
                        break
                    model.time = now = at
                    last = math.inf  # no other Mesa event can be pending at this instant
                elif timer[1] > last:
                    break
                pop(today)
                self._size -= 1
                action = timer[2]
                timer[2] = None
                self.fired += 1
                action()
                bound = self._bound()  # the action may have scheduled a Mesa event
        finally:
            self._firing = False
        if self._cancelled > _COMPACT_MIN and self._cancelled > 2 * (self._size - self._cancelled):
            self._compact()
        timer = self._head()
        if timer is not None:
            self._arm(timer[0])

    def _compact(self) -> None:
        """Drop cancelled entries: redrawn deaths and admissions pile up in far-off days."""
        self._today = [t for t in self._today if t[2] is not None]
        heapq.heapify(self._today)
        later = {}
        for day, bucket in self._later.items():
            kept = [t for t in bucket if t[2] is not None]
            if kept:
                later[day] = kept
        self._later = later
        self._days = sorted(later)  # a sorted list is a valid heap
        self._size -= self._cancelled
        self._cancelled = 0


class Recurring:
    """A repeating timer; ``stop()`` ends it."""

    __slots__ = ("_action", "_calendar", "_timer", "interval")

    def __init__(
        self, calendar: Calendar, interval: float, start: float, action: Callable[[], None]
    ) -> None:
        if interval <= 0:
            raise ValueError(f"interval must be > 0, got {interval}")
        self._calendar = calendar
        self._action = action
        self.interval = interval
        self._timer: Timer | None = calendar.schedule(start, self._run)

    def _run(self) -> None:
        self._action()
        if self._timer is not None:
            at = self._calendar._model.now + self.interval
            self._timer = self._calendar.schedule(at, self._run)

    def stop(self) -> None:
        """No more occurrences."""
        if self._timer is not None:
            self._timer.cancel()
            self._timer = None


class CalendarModel(ClockModel):
    """A Mesa model with a ``calendar`` for its own timers, and ``now``, a fast copy of ``time``.

    While Mesa advances the clock, the calendar knows how far it goes, so it can run its timers
    up to there without one Mesa event each.
    """

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.calendar = Calendar(self)

    def advancing_to(self, until: float) -> None:
        """Let the calendar run timers up to ``until``."""
        self.calendar.until = until
