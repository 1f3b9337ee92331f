"""The community waiting list: triage by need, aging, the order work is taken, the age profile."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from carepath.sim.mechanisms import waiting_list as wl
from carepath.sim.scenario import ScenarioError, WaitingList, build_scenario

from tests.sim.mechanisms.council import SEEDS

SETTINGS = WaitingList(prioritise=True, urgent_need=0.7, high_need=0.5, aged_high_days=100)
PRIORITISED = {"waiting_list.prioritise": True}


def person(pid: int, *, need: float, queued_at: float, priority: int = wl.ROUTINE):
    """A stand-in for a person on the list: what the list reads of them."""
    return SimpleNamespace(
        person_id=pid, need=need, queued_at=queued_at, priority=priority, ticket=1
    )


def test_triage_gives_the_highest_band_whose_need_threshold_is_met():
    assert wl.priority(SETTINGS, 0.9) == wl.URGENT
    assert wl.priority(SETTINGS, 0.7) == wl.URGENT
    assert wl.priority(SETTINGS, 0.6) == wl.HIGH
    assert wl.priority(SETTINGS, 0.49) == wl.ROUTINE


def test_a_review_moves_people_up_by_need_or_age_and_never_down():
    assert wl.regraded(SETTINGS, wl.ROUTINE, 0.2, waited=99) == wl.ROUTINE
    assert wl.regraded(SETTINGS, wl.ROUTINE, 0.2, waited=100) == wl.HIGH
    assert wl.regraded(SETTINGS, wl.ROUTINE, 0.75, waited=1) == wl.URGENT
    assert wl.regraded(SETTINGS, wl.URGENT, 0.1, waited=1) == wl.URGENT
    aged = SETTINGS.model_copy(update={"aged_urgent_days": 200.0})
    assert wl.regraded(aged, wl.ROUTINE, 0.1, waited=200) == wl.URGENT


def test_the_list_is_taken_urgent_first_then_in_order_of_joining_within_a_band():
    a = person(1, need=0.1, queued_at=0, priority=wl.ROUTINE)
    b = person(2, need=0.8, queued_at=5, priority=wl.URGENT)
    c = person(3, need=0.6, queued_at=6, priority=wl.HIGH)
    d = person(4, need=0.9, queued_at=7, priority=wl.URGENT)
    queue = wl.PriorityList([(a, 1), (b, 1), (c, 1), (d, 1)])
    assert len(queue) == 4
    assert [queue.popleft()[0].person_id for _ in range(4)] == [2, 4, 3, 1]
    assert not queue
    with pytest.raises(IndexError):
        queue.popleft()


def test_a_review_promotes_in_order_of_joining_and_drops_people_who_left():
    early = person(1, need=0.1, queued_at=0)
    late = person(2, need=0.55, queued_at=50)  # need rose past the high threshold
    young = person(3, need=0.1, queued_at=60)
    gone = person(4, need=0.9, queued_at=1)
    queue = wl.PriorityList([(late, 1), (early, 1), (young, 1), (gone, 0)])  # stale ticket
    assert queue.review(SETTINGS, now=120.0) == 2
    assert (early.priority, late.priority, young.priority) == (wl.HIGH, wl.HIGH, wl.ROUTINE)
    assert [entry[0].person_id for entry in queue] == [1, 2, 3]


def test_the_age_profile_counts_people_past_one_three_six_and_twelve_months():
    now = 400.0
    entries = [
        (person(i, need=0.1, queued_at=now - waited), 1)
        for i, waited in enumerate((10, 40, 100, 200, 380))
    ]
    entries.append((person(9, need=0.1, queued_at=0.0, priority=wl.ROUTINE), 0))  # stale
    assert wl.list_ages(entries, now) == (5, [4, 3, 2, 1])


def test_the_bands_must_be_in_order():
    with pytest.raises(ScenarioError, match="high_need"):
        build_scenario(overrides={"waiting_list.high_need": 0.8, "waiting_list.urgent_need": 0.7})
    with pytest.raises(ScenarioError, match="aged_urgent_days"):
        build_scenario(
            overrides={"waiting_list.aged_high_days": 100, "waiting_list.aged_urgent_days": 50}
        )


@pytest.mark.parametrize("seed", SEEDS)
def test_a_prioritised_list_sees_urgent_cases_sooner_and_routine_cases_later(council, seed):
    fifo = council(seed=seed).summary["assessment"]
    triaged = council(PRIORITISED, seed=seed).summary["assessment"]
    assert "wait_median_days_urgent" not in fifo
    assert triaged["wait_median_days_urgent"] < fifo["wait_median_days_community"]
    assert triaged["wait_median_days_routine"] > fifo["wait_median_days_community"]
    # Routine cases wait longer, so more of the list is old.
    assert triaged["waiting_over_1_month_share"] > fifo["waiting_over_1_month_share"]


def test_aging_into_high_priority_cuts_the_longest_waits(council):
    slow = council(PRIORITISED | {"waiting_list.aged_high_days": 365.0}).summary["assessment"]
    fast = council(PRIORITISED | {"waiting_list.aged_high_days": 30.0}).summary["assessment"]
    assert fast["wait_p90_days"] < slow["wait_p90_days"]
