"""Re-ablement: up to six weeks of intensive help at home.

It restores some people's independence; the chance of success falls with need.
"""

from __future__ import annotations

from carepath.sim.engine.streams import Stream
from carepath.sim.scenario import Reablement


def success_chance(reablement: Reablement, need: float) -> float:
    """Chance that re-ablement leaves someone of ``need`` independent (linear in need)."""
    return (
        reablement.success_at_zero_need
        + (reablement.success_at_full_need - reablement.success_at_zero_need) * need
    )


def episode_days(reablement: Reablement, stream: Stream) -> float:
    """Length of an episode: lognormal about the mean, at most ``max_days``."""
    return min(
        reablement.max_days,
        stream.lognormal(reablement.duration_mean_days, 0.4 * reablement.duration_mean_days),
    )
