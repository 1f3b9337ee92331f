"""Long-term clients and care spending by age band and client group, over the measured years.

ASC-FR reports clients and spending by age and primary support reason; so does the run. Each
cell (band x group) keeps two integrals of piecewise-constant rates, client-days in long-term
support and £ spent on it, changed only when a spell starts or ends, so the breakdown costs nothing
per simulated day. Their values at the end of the warm-up are kept, and the summary reads the
difference.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carepath.sim.engine.ledger import Integrator
from carepath.sim.scenario import AGE_BANDS, GROUPS
from carepath.sim.spending import LONG_TERM_COMPONENTS

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel

LONG_TERM_SERVICES = frozenset(LONG_TERM_COMPONENTS)


class Breakdown:
    """Client-days and care spending by (age band, client group)."""

    def __init__(self, model: CarePathwayModel) -> None:
        self.model = model
        cells = len(AGE_BANDS) * len(GROUPS)
        self.client_days = [Integrator() for _ in range(cells)]
        self.spend = [Integrator() for _ in range(cells)]
        self._at_start: tuple[list[float], list[float]] | None = None
        warmup = model.config.run.warmup
        if warmup <= 0:
            self.mark_start()
        else:
            model.calendar.schedule(float(warmup), self.mark_start)

    def spell(self, band: int, group: int, service: str, rate: float, *, starting: bool) -> None:
        """A spell of ``service`` at ``rate`` £ a day starts or ends (only long-term support counts)."""
        if service not in LONG_TERM_SERVICES:
            return
        cell = band * len(GROUPS) + group
        sign = 1.0 if starting else -1.0
        now = self.model.now
        self.spend[cell].change(sign * rate, now)
        self.client_days[cell].change(sign, now)

    def mark_start(self) -> None:
        """The measured period begins: keep the integrals' values."""
        now = self.model.now
        self._at_start = (
            [c.settle(now) for c in self.client_days],
            [s.settle(now) for s in self.spend],
        )

    def measured(self) -> tuple[list[float], list[float]]:
        """Client-days and spending per cell since the measured period began (zero before)."""
        now = self.model.now
        days = [c.value_at(now) for c in self.client_days]
        spend = [s.value_at(now) for s in self.spend]
        if self._at_start is None:
            return [0.0] * len(days), [0.0] * len(spend)
        start_days, start_spend = self._at_start
        return (
            [d - s for d, s in zip(days, start_days, strict=True)],
            [d - s for d, s in zip(spend, start_spend, strict=True)],
        )
