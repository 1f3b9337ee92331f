"""The front door: triage of a contact, and whether someone who left asks again.

Most contacts end here (information and advice, or low-level support), without an assessment.
Someone who left the pathway without long-term care may come back later with a higher need,
which is how England's requests per client exceed one (ASC-FR).
"""

from __future__ import annotations

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Demand
from carepath.sim.states import State

# Exits after which nobody asks again: the person died, or is paying for their own care.
_NO_RETURN = (State.DIED, State.SELF_FUNDED)


def triage(demand: Demand, need: float) -> State | None:
    """Where a contact from the community ends at the door, or None to assess it."""
    if need < demand.signpost_below_need:
        return State.SIGNPOSTED
    if need < demand.low_level_below_need:
        return State.LOW_LEVEL_SUPPORT
    return None


def repeat_request_at(
    demand: Demand, stream: Stream, exit_state: State, now: float
) -> float | None:
    """When someone who left in ``exit_state`` asks again, or None if they do not.

    Draws from ``stream`` only for those who could return (a fixed number of draws each).
    """
    if exit_state in _NO_RETURN or not stream.chance(demand.recontact_share):
        return None
    return now + stream.exponential(demand.recontact_mean_days)
