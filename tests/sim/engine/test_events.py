"""The event log and its stand-in that keeps only a count."""

from __future__ import annotations

from carepath.sim.engine.events import EventCount, EventLog


def test_log_keeps_rows_as_a_frame():
    log = EventLog(["a", "b"])
    log.record(7, 1.5, 0, 1, "moved", 2.0)
    log.record(8, 2.0, 1, 0, "back", 0.0)
    frame = log.to_frame()
    assert len(log) == 2
    assert frame["person_id"].tolist() == [7, 8]
    assert frame["to_state"].tolist() == ["b", "a"]
    assert frame["cause"].tolist() == ["moved", "back"]


def test_count_keeps_only_the_number_of_rows():
    count = EventCount(5)
    count.record(7, 1.5, 0, 1, "moved", 2.0)
    count.record(8, 2.0, 1, 0, "back", 0.0)
    assert len(count) == 7
    assert len(EventCount()) == 0
