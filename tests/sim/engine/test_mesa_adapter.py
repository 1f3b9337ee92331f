"""The Mesa internals the calendar relies on are all there, or a test says which are not."""

from __future__ import annotations

import math

import mesa
import pytest
from carepath.sim.engine.calendar import CalendarModel
from carepath.sim.engine.mesa_adapter import mesa_internals_problems, next_mesa_event_time


def test_this_mesa_has_every_internal_the_calendar_relies_on():
    problems = mesa_internals_problems()
    assert not problems, "carepath's calendar needs updating for this Mesa:\n" + "\n".join(problems)


def test_a_mesa_without_its_clock_loop_is_named(monkeypatch):
    monkeypatch.delattr(mesa.Model, "_advance_time")
    problems = mesa_internals_problems()
    assert len(problems) == 1
    assert "Model._advance_time is gone" in problems[0]


def test_a_mesa_without_its_event_heap_is_named(monkeypatch):
    original = mesa.Model.__init__

    def without_event_list(self, *args, **kwargs):
        original(self, *args, **kwargs)
        self._event_list = object()

    monkeypatch.setattr(mesa.Model, "__init__", without_event_list)
    assert any("_event_list._events" in p for p in mesa_internals_problems())


class _Ticker(CalendarModel):
    def __init__(self) -> None:
        super().__init__(rng=0)
        self.fired: list[tuple[str, float]] = []
        self.calendar.schedule(0.5, self.timer)
        self.schedule_event(self.mesa_event, at=0.75)
        self.calendar.schedule(1.5, self.timer)

    def timer(self) -> None:
        self.fired.append(("timer", self.now))

    def mesa_event(self) -> None:
        self.fired.append(("mesa", self.now))


def test_the_next_mesa_event_is_read_from_the_pending_heap():
    model = _Ticker()
    assert next_mesa_event_time(model) == 0.5  # the calendar's one wake-up comes first
    model.run_for(2)
    assert model.fired == [("timer", 0.5), ("mesa", 0.75), ("timer", 1.5)]
    assert next_mesa_event_time(model) > model.now  # only Mesa's own next step is left


def test_without_the_event_heap_timers_still_run_in_order(monkeypatch):
    # An unknown Mesa makes the calendar run one instant per wake-up: slower, still correct.
    monkeypatch.setattr(
        "carepath.sim.engine.calendar.next_mesa_event_time", lambda model: -math.inf
    )
    model = _Ticker()
    model.run_for(2)
    assert model.fired == [("timer", 0.5), ("mesa", 0.75), ("timer", 1.5)]


@pytest.mark.parametrize("until", [0.6, 1.0])
def test_the_clock_copy_follows_mesa_time(until):
    model = _Ticker()
    model.run_until(until)
    assert model.now == model.time == until
