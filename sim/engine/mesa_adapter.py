"""The one place carepath touches Mesa's private internals (checked against Mesa 3.5).

The calendar (``carepath.sim.engine.calendar``) runs many timers per Mesa event. To do so it
needs three things Mesa does not publish: how far the clock is being advanced (``run_for``,
``step`` and ``run_until`` all go through ``Model._advance_time``), the time of the next pending
Mesa event (``Model._event_list._events``, a heap), and a cheap copy of the observable clock
(``mesa.experimental.mesa_signals.Observable``). ``mesa_internals_problems`` says, in plain words,
which of them a Mesa version no longer has; a test calls it, so an upgrade that changes them
fails there with that message rather than somewhere in the calendar.
"""

from __future__ import annotations

import math
from typing import Any

import mesa
from mesa.experimental.mesa_signals import Observable


def next_mesa_event_time(model: mesa.Model) -> float:
    """When the earliest Mesa event pending on ``model`` is due (infinity if none).

    The head of the heap may be a cancelled event, which only makes the answer earlier than it
    need be. On a Mesa whose internals differ this answers minus infinity, which makes the
    calendar run one instant per wake-up: slower, still correct.
    """
    try:
        pending = model._event_list._events
    except AttributeError:
        return -math.inf
    return pending[0].time if pending else math.inf


def mesa_internals_problems() -> list[str]:
    """What the calendar relies on that this Mesa lacks; empty when all is there."""
    problems = []
    if not callable(getattr(mesa.Model, "_advance_time", None)):
        problems.append(
            f"mesa {mesa.__version__}: Model._advance_time is gone; CalendarModel wraps it to "
            "learn how far run_for/step/run_until advance the clock"
        )
    probe = mesa.Model(rng=0)
    events = getattr(getattr(probe, "_event_list", None), "_events", None)
    if not isinstance(events, list):
        problems.append(
            f"mesa {mesa.__version__}: Model._event_list._events is no longer a list (heap) of "
            "pending events; the calendar reads its head to run timers without a Mesa event each"
        )
    if not isinstance(mesa.Model.__dict__.get("time"), Observable):
        problems.append(
            f"mesa {mesa.__version__}: Model.time is no longer an Observable; CalendarModel "
            "subclasses it to keep a fast copy of the clock in ``now``"
        )
    return problems


class _Clock(Observable):
    """Mesa's observable ``time``, mirrored in a plain ``now`` attribute.

    Reading ``model.time`` goes through Mesa's signalling descriptor, a Python call; the model
    reads the clock several times per event, and at city scale those reads were an eighth of
    the instructions executed. Every write still goes through Mesa's descriptor (so observers
    of ``time`` are notified) and also sets ``now``.
    """

    def __set__(self, instance: Any, value: float) -> None:
        instance.now = value
        super().__set__(instance, value)


class ClockModel(mesa.Model):
    """A Mesa model that keeps ``now``, a fast copy of ``time``, and says how far time goes.

    Mesa's clock loop (``_advance_time``, behind ``step``, ``run_for`` and ``run_until``) is
    wrapped only to call ``advancing_to`` with the time the clock is going to, and with minus
    infinity when it is there. Everything else is Mesa's.
    """

    time = _Clock()

    def advancing_to(self, until: float) -> None:
        """Hook: the clock is being advanced to ``until`` (minus infinity: it has arrived)."""

    def _advance_time(self, until: float) -> None:
        self.advancing_to(until)
        try:
            super()._advance_time(until)
        finally:
            self.advancing_to(-math.inf)
