"""Services and prices: unit prices, and how supply answers to price.

The commissioner buys at unit prices; an organisation with market power (a care trust plus,
seed 002) buys at a discount, and providers offer fewer hours at a lower price (supply
elasticity), so a discount saves money but shortens the supply of home care.
"""

from __future__ import annotations

from carepath.sim.scenario import (
    CareHomes,
    DirectPayments,
    HomeCare,
    Reablement,
    SupportedLiving,
)


def home_care_capacity(home_care: HomeCare, purchasing_discount: float) -> float:
    """Hours a week providers offer at the price the commissioner pays."""
    price = home_care.price_per_hour * (1.0 - purchasing_discount)
    return (
        home_care.capacity_hours_per_week
        * (price / home_care.reference_price_per_hour) ** home_care.supply_elasticity
    )


def daily_price(
    service: str,
    units: float,
    need: float,
    *,
    reablement: Reablement,
    home_care: HomeCare,
    care_homes: CareHomes,
    supported_living: SupportedLiving,
    direct_payments: DirectPayments,
    purchasing_discount: float,
) -> float:
    """What the council pays a day for ``units`` of ``service`` for someone of ``need``.

    Re-ablement is the council's own service at cost; home care, supported living and care
    homes are bought, at the discount the organisation's market power gets. A direct payment is
    paid to the person at its own rate, which no purchasing power lowers. Nursing care costs
    more than residential.
    """
    discount = 1.0 - purchasing_discount
    if service == "reablement":
        return reablement.cost_per_week / 7.0 * units
    if service == "home_care":
        return home_care.price_per_hour * discount * units / 7.0
    if service == "direct_payment":
        return direct_payments.price_per_hour * units / 7.0
    if service == "supported_living":
        return supported_living.price_per_week * discount * units / 7.0
    weekly = (
        care_homes.nursing_per_week
        if need >= care_homes.nursing_need
        else care_homes.residential_per_week
    )
    return weekly * discount / 7.0
