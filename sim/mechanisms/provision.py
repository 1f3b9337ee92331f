"""Who provides care: the council's own staff, a social enterprise or the independent sector.

Blackburn planned to outsource its care provision to a social enterprise while keeping care
management in the council, and Suffolk to outsource all its services (seeds 000, 002). Where
the social workers sit is ``organisation``; this module is the provider side
(``scenario.provision``). The council commissions and pays whoever provides; the provider sets

- the unit cost (``cost_factor``): the scenario's prices are those of the provider that the
  published figure describes (``PRICE_BASIS``: fees to the independent sector for home care
  and care homes, the council's own cost for re-ablement), scaled by the providers' ratio;
  a purchasing discount applies to what is bought, not to the council's own services;
- whether home-care capacity follows the fee (``supply_exponent``): the council sets its own
  staff's hours, a market offers more hours at a higher fee;
- hand-backs (``handback_delay``): a provider that gives a home-care package back sends the
  person to the back of the home-care queue, with new carers when it restarts.

Re-ablement and care-home places stay as set whoever provides them (block contracts), and
spells of care already running keep their provider's price and hand-back risk when provision
changes on a change day (a contract is not re-let overnight). A change of provider has no
transfer dip of its own (care staff under TUPE, a transition): ``mechanisms.change`` models the
transfer of social workers only, so that is left out rather than invented here; and a change of
provision alone (``provision_only``) moves no social worker, so theirs does not happen either.

The defaults are today's model: independent home care and care homes, in-house re-ablement,
no hand-backs; with them every function gives exactly the number the model used before.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from carepath.sim.scenario import ProviderKind, Provision, Scenario

if TYPE_CHECKING:
    from carepath.sim.engine.streams import Stream

# The ledger service names, and the provider whose cost the scenario's price is.
PRICE_BASIS: dict[str, ProviderKind] = {
    "home_care": "independent",
    "care_home": "independent",
    "reablement": "in_house",
}


def kinds_used(provision: Provision) -> set[str]:
    """The kinds of provider some service is bought from (the others' terms are never read)."""
    return {provision.home_care, provision.reablement, provision.care_homes}


def provider(provision: Provision, service: str) -> ProviderKind:
    """Who provides ``service`` (a ledger name: home_care, care_home or reablement)."""
    if service == "home_care":
        return provision.home_care
    if service == "care_home":
        return provision.care_homes
    if service == "reablement":
        return provision.reablement
    raise ValueError(f"{service}: no provider; allowed: {', '.join(PRICE_BASIS)}")


def bought(provision: Provision, service: str) -> bool:
    """Whether the council buys ``service`` (so a purchasing discount applies to it)."""
    return provider(provision, service) != "in_house"


def cost_factor(provision: Provision, service: str) -> float:
    """What a unit of ``service`` costs from its provider, relative to the scenario's price.

    Re-ablement is home care with a therapist's aim, so its providers' ratio is home care's.
    """
    kind = provider(provision, service)
    basis = PRICE_BASIS[service]
    if kind == basis:
        return 1.0
    mine, theirs = provision.terms(kind), provision.terms(basis)
    if service == "care_home":
        return mine.care_home_cost_factor / theirs.care_home_cost_factor
    return mine.home_care_cost_factor / theirs.home_care_cost_factor


def supply_exponent(provision: Provision, elasticity: float) -> float:
    """The exponent of (price / reference price) in the home-care hours offered."""
    return elasticity * provision.terms(provision.home_care).supply_response


def handback_rate(provision: Provision) -> float:
    """Home-care packages the home-care provider hands back, a day per package."""
    return provision.terms(provision.home_care).handback_per_year / 365.0


def handback_delay(provision: Provision, stream: Stream) -> float | None:
    """Days until a package starting now is handed back; None when this provider never does.

    No draw is made when the rate is 0, so provision without hand-backs uses no random numbers.
    """
    rate = handback_rate(provision)
    if rate <= 0.0:
        return None
    return stream.time_to_event(rate)


def reported(*provisions: Provision) -> bool:
    """Whether a run under these provisions reports the provision KPIs.

    A run with today's provision throughout (the default ``Provision()``) reports none, as a
    run without a scoped change reports no scope KPIs: its summary, and so the checksums of
    recorded experiments, stay as they were.
    """
    today = Provision()
    return any(p != today for p in provisions)


def provision_only(before: Scenario, after: Scenario) -> bool:
    """Whether switching from ``before`` to ``after`` changes who provides care and nothing else.

    Then the social workers stay where they are (Blackburn kept care management in the
    council): no staff leave at transfer and there is no transition dip for them.
    """
    if before.provision == after.provision:
        return False
    same = {"organisation": {"preset"}, "provision": True}
    return before.model_dump(exclude=same) == after.model_dump(exclude=same)
