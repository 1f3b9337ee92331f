"""Services and prices: unit prices, and how supply answers to price.

The commissioner buys at unit prices; an organisation with market power (a care trust plus,
seed 002) buys at a discount, and providers offer fewer hours at a lower price (supply
elasticity), so a discount saves money but shortens the supply of home care. Who provides each
service (``mechanisms.provision``) scales its price, and how far its hours follow the fee.
"""

from __future__ import annotations

from carepath.sim.mechanisms import provision as providers
from carepath.sim.scenario import (
    CareHomes,
    DirectPayments,
    HomeCare,
    Provision,
    Reablement,
    SupportedLiving,
)


def home_care_capacity(
    home_care: HomeCare, purchasing_discount: float, provision: Provision
) -> float:
    """Hours a week providers offer at the price the commissioner pays.

    The hours follow the fee as far as the home-care provider's supply response lets them:
    not at all for the council's own staff.
    """
    price = home_care.price_per_hour * (1.0 - purchasing_discount)
    exponent = providers.supply_exponent(provision, home_care.supply_elasticity)
    return (
        home_care.capacity_hours_per_week * (price / home_care.reference_price_per_hour) ** exponent
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
    provision: Provision,
) -> float:
    """What the council pays a day for ``units`` of ``service`` for someone of ``need``.

    Re-ablement, home care and care homes cost what their provider's terms say
    (``provision``); what is bought (supported living always, the others unless the council
    provides them itself) is bought at the discount the organisation's market power gets. A
    direct payment is paid to the person at its own rate, which no purchasing power lowers.
    Nursing care costs more than residential.
    """
    discount = 1.0 - purchasing_discount
    if service == "reablement":
        weekly = reablement.cost_per_week * providers.cost_factor(provision, service)
        if providers.bought(provision, service):
            weekly *= discount
        return weekly / 7.0 * units
    if service == "home_care":
        hourly = home_care.price_per_hour * providers.cost_factor(provision, service)
        if not providers.bought(provision, service):
            discount = 1.0
        return hourly * discount * units / 7.0
    if service == "direct_payment":
        return direct_payments.price_per_hour * units / 7.0
    if service == "supported_living":
        return supported_living.price_per_week * discount * units / 7.0
    weekly = (
        care_homes.nursing_per_week
        if need >= care_homes.nursing_need
        else care_homes.residential_per_week
    ) * providers.cost_factor(provision, "care_home")
    if not providers.bought(provision, "care_home"):
        discount = 1.0
    return weekly * discount / 7.0
