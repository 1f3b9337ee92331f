"""The calendar keeps the ordering and clock semantics of Mesa's own events."""

import random

import pytest
from carepath.sim.engine.calendar import CalendarModel


class Recorder(CalendarModel):
    """A bare model that records what ran, and when."""

    def __init__(self):
        super().__init__(rng=1)
        self.ran = []

    def note(self, label):
        def action():
            self.ran.append((label, self.time))

        action.__name__ = f"note_{label}"
        return action


class Callback:
    """A named, weakly referenceable callable for Mesa's own events."""

    def __init__(self, model, label):
        self.model, self.label = model, label

    def __call__(self):
        self.model.ran.append((self.label, self.model.time))


def test_timers_fire_in_time_order_with_the_clock_at_their_time():
    model = Recorder()
    times = [0.3, 2.75, 1.5, 1.5, 0.9, 4.0]
    for i, t in enumerate(times):
        model.calendar.schedule(t, model.note(i))
    model.run_for(5)
    assert model.ran == [(0, 0.3), (4, 0.9), (2, 1.5), (3, 1.5), (1, 2.75), (5, 4.0)]
    assert model.time == 5


def test_same_time_ties_follow_scheduling_order():
    """Timers and recurring timers at one instant run in the order they were scheduled."""
    model = Recorder()
    model.calendar.schedule(14.0, model.note("early timer"))
    model.calendar.every(7.0, 7.0, model.note("weekly"))
    model.run_for(10)  # the weekly occurrence at 14 is scheduled at 7, after the early timer
    model.calendar.schedule(14.0, model.note("late timer"))
    model.run_for(5)
    at_14 = [label for label, t in model.ran if t == 14.0]
    assert at_14 == ["early timer", "weekly", "late timer"]


def test_a_mesa_event_scheduled_after_a_timer_at_the_same_instant_runs_after_it():
    model = Recorder()
    model.calendar.schedule(2.0, model.note("timer"))
    mesa_event = Callback(model, "mesa event")  # Mesa holds callbacks weakly
    model.schedule_event(mesa_event, at=2.0)
    model.run_for(3)
    assert [label for label, _ in model.ran] == ["timer", "mesa event"]


def test_mesa_events_between_timers_keep_their_place():
    model = Recorder()
    for t in (0.5, 1.2, 1.8, 2.6):
        model.calendar.schedule(t, model.note(t))
    mesa_event = Callback(model, "mesa")
    model.schedule_event(mesa_event, at=1.5)
    model.run_for(3)
    assert [label for label, _ in model.ran] == [0.5, 1.2, "mesa", 1.8, 2.6]
    assert all(t == label for label, t in model.ran if label != "mesa")


def test_run_until_a_fraction_of_a_day_stops_the_timers_there():
    model = Recorder()
    for t in (0.2, 0.6, 0.9):
        model.calendar.schedule(t, model.note(t))
    model.run_until(0.5)
    assert model.ran == [(0.2, 0.2)] and model.time == 0.5
    model.run_until(0.6)
    assert model.ran[-1] == (0.6, 0.6)
    model.run_for(1)
    assert [label for label, _ in model.ran] == [0.2, 0.6, 0.9]


def test_cancelled_timers_do_not_fire_and_many_cancellations_keep_the_order():
    model = Recorder()
    rng = random.Random(3)
    timers = [(rng.uniform(0, 300), i) for i in range(40_000)]
    handles = [model.calendar.schedule(t, model.note(i)) for t, i in timers]
    keep = set(rng.sample(range(len(timers)), 500))
    for i, handle in enumerate(handles):
        if i not in keep:
            handle.cancel()
    assert len(model.calendar) == len(keep)
    model.run_for(301)
    expected = sorted((t, i) for t, i in timers if i in keep)
    assert [label for label, _ in model.ran] == [i for _, i in expected]
    assert len(model.calendar) == 0


def test_a_timer_for_now_scheduled_while_firing_runs_after_pending_events_at_now():
    model = Recorder()

    def chain():
        model.ran.append(("chain", model.time))
        model.calendar.schedule(model.time, model.note("same instant"))

    model.calendar.schedule(1.0, chain)
    mesa_event = Callback(model, "mesa at 1")  # Mesa holds callbacks weakly
    model.schedule_event(mesa_event, at=1.0)
    model.run_for(2)
    assert [label for label, _ in model.ran] == ["chain", "mesa at 1", "same instant"]


def test_recurring_timers_and_stop():
    model = Recorder()
    every = model.calendar.every(7.0, 7.0, model.note("weekly"))
    model.run_for(22)
    assert [t for _, t in model.ran] == [7.0, 14.0, 21.0]
    every.stop()
    model.run_for(20)
    assert len(model.ran) == 3


def test_scheduling_in_the_past_is_refused():
    model = Recorder()
    model.run_for(2)
    with pytest.raises(ValueError):
        model.calendar.schedule(1.0, model.note("late"))
    with pytest.raises(ValueError):
        model.calendar.after(-0.5, model.note("late"))


def test_now_mirrors_the_clock():
    model = Recorder()
    seen = []
    model.calendar.schedule(0.25, _Probe(model, seen))
    model.run_until(0.5)
    model.step()
    assert seen == [(0.25, 0.25)]
    assert model.now == model.time == 1.5


class _Probe:
    def __init__(self, model, seen):
        self.model, self.seen = model, seen

    def __call__(self):
        self.seen.append((self.model.now, self.model.time))


def test_replace_cancels_the_old_timer_and_schedules_the_new_one():
    model = Recorder()
    calendar = model.calendar
    first = calendar.after(1.0, model.note("first"))
    second = calendar.replace(first, 2.5, model.note("second"))
    assert first.cancelled and not second.cancelled and second.time == 2.5
    assert calendar.replace(None, 0.5, model.note("third")).time == 0.5
    # An infinite delay only cancels (a hazard of zero: the event never comes).
    assert calendar.replace(second, float("inf"), model.note("never")) is None
    assert second.cancelled and len(calendar) == 1
    model.run_for(5)
    assert model.ran == [("third", 0.5)]
    with pytest.raises(ValueError, match="days ago"):
        calendar.replace(None, -1.0, model.note("past"))


def test_cancelled_entries_of_a_later_day_are_dropped_when_it_comes():
    model = Recorder()
    calendar = model.calendar
    timers = [calendar.schedule(3.0 + i / 10, model.note(i)) for i in range(6)]
    for timer in timers[::2]:
        timer.cancel()
    assert len(calendar) == 3 and calendar._size == 6
    model.run_for(3.25)  # day 3 is loaded: its three cancelled entries go at once
    assert model.ran == [(1, 3.1)]
    assert calendar._size == 2 and calendar._cancelled == 0 and len(calendar) == 2
    model.run_for(1)
    assert [label for label, _ in model.ran] == [1, 3, 5]
