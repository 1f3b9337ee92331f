"""Other routes into and out of council funding: depleted savings, NHS funding, transitions.

Self-funders pay for their own care until their savings fall to the upper capital limit, then
turn to the council; people with a primary health need become eligible for NHS continuing
healthcare and leave council funding; young people with a learning disability move from
children's services, arriving already known.
"""

from __future__ import annotations

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Routes


def funds_depleted_at(routes: Routes, stream: Stream, now: float) -> float | None:
    """When a self-funder who has just arranged their own care turns to the council, or None.

    Always two draws from ``stream``, so the people after stay on the same numbers.
    """
    returns = stream.chance(routes.self_funder_depletion_share)
    delay = stream.exponential(routes.depletion_mean_days)
    return now + delay if returns else None


def continuing_healthcare_hazard(routes: Routes, need: float) -> float:
    """Hazard a year of becoming eligible for NHS continuing healthcare at ``need``.

    Only above the threshold, so a threshold of 1 (the highest need) turns the route off.
    """
    return (
        routes.continuing_healthcare_per_year if need > routes.continuing_healthcare_need else 0.0
    )


def transitions_per_day(routes: Routes, adults: float) -> float:
    """Young people a day arriving from children's services."""
    return routes.transitions_per_100k_adults * adults / 1e5 / 365.0
