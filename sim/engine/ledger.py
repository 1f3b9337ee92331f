"""Money and bed-days as integrals of rates over continuous time.

Care is bought per day while a spell lasts; staff are paid while in post. Each component keeps
a rate (per day) and integrates it whenever the rate changes, so totals are exact in
continuous time and cost nothing per simulated day.
"""

from __future__ import annotations

from collections.abc import Iterable


class Integrator:
    """The integral over time of a piecewise-constant rate."""

    __slots__ = ("_last", "rate", "total")

    def __init__(self) -> None:
        self.rate = 0.0
        self.total = 0.0
        self._last = 0.0

    def settle(self, now: float) -> float:
        """Bring the total up to ``now`` and return it."""
        self.total += self.rate * (now - self._last)
        self._last = now
        return self.total

    def value_at(self, now: float) -> float:
        """The total at ``now``, without bringing it up to date.

        For reading results part-way through a run: ``settle`` would split the integral at
        ``now`` and so change the rounding of every later total (a run that is read on day
        200 would no longer be the same, to the last digit, as one that is not).
        """
        return self.total + self.rate * (now - self._last)

    def change(self, delta: float, now: float) -> None:
        """Change the rate by ``delta`` from ``now`` on."""
        self.total += self.rate * (now - self._last)
        self._last = now
        self.rate += delta


class Ledger:
    """Spending by component, each an integral of its rate.

    Args:
        components: the accounts, in the order totals list them.
    """

    def __init__(self, components: Iterable[str]) -> None:
        self.accounts = {name: Integrator() for name in components}

    def change_rate(self, component: str, delta_per_day: float, now: float) -> None:
        """Start (positive) or stop (negative) spending ``delta_per_day`` on ``component``."""
        self.accounts[component].change(delta_per_day, now)

    def totals(self, now: float) -> dict[str, float]:
        """Spending to date by component."""
        return {name: acc.settle(now) for name, acc in self.accounts.items()}

    def total(self, now: float) -> float:
        """All spending to date."""
        return sum(self.totals(now).values())
