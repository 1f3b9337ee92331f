"""Commissioning: the council rations eligibility in proportion to its overspend.

A proportional rule, not a step up or down at each budget review: spending is mostly the stock
of long-term clients, which takes years to respond to who is admitted, so a threshold that keeps
rising while spending is over budget overshoots and drives a multi-year cycle of rationing and
relaxing (measured with band steps: home-care clients swinging between about 1,100 and 2,000).
"""

from __future__ import annotations

from carepath.sim.scenario import Commissioning


def rationed_need(
    commissioning: Commissioning,
    spending_per_year: float,
    *,
    policy_need: float,
    max_need: float,
    budget: float | None = None,
) -> float:
    """The need threshold applied while spending runs at ``spending_per_year``.

    The policy band's need up to ``pressure_tolerance`` over budget, rising linearly to
    ``max_need`` at ``full_rationing_overspend``; it relaxes as soon as spending falls.
    ``budget`` is today's, when a budget path or a pooled budget moves it from
    ``commissioning.annual_budget``.
    """
    if budget is None:
        budget = commissioning.annual_budget
    overspend = spending_per_year / budget - 1.0 if budget > 0 else 0.0
    pressure = (overspend - commissioning.pressure_tolerance) / (
        commissioning.full_rationing_overspend - commissioning.pressure_tolerance
    )
    return policy_need + (max_need - policy_need) * min(1.0, max(0.0, pressure))
