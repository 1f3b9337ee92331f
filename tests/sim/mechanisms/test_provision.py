"""Who provides care: unit costs, capacity response and hand-backs, on paired seeds."""

import pytest
from carepath.sim import CarePathwayModel
from carepath.sim import model as model_module
from carepath.sim.engine.streams import make_streams
from carepath.sim.mechanisms import prices, provision
from carepath.sim.model import warmup_of
from carepath.sim.presets import preset_values
from carepath.sim.scenario import HomeCare, Provision

from tests.sim.mechanisms.council import (
    SEEDS,
    SMALL_COUNCIL,
    component,
    count,
    measured_mean,
    series_mean,
    small_council,
)

# Markets where the small council's home care is full: queues form (as in test_prices).
TIGHT = {"home_care.capacity_hours_per_week": 1_600.0, "initial.home_care_utilisation": 0.97}
DISCOUNT = 0.15
IN_HOUSE_RATIO = 1.53  # provision.in_house.home_care_cost_factor and care_home_cost_factor


def home_care_price(results) -> float:
    return component(results, "home_care") / measured_mean(results, "home_care_hours_in_use")


def care_home_price(results) -> float:
    return component(results, "care_home") / measured_mean(results, "care_home_places_in_use")


def reablement_price(results) -> float:
    return component(results, "reablement") / measured_mean(results, "reablement_places_in_use")


def test_provider_terms_scale_prices_and_the_supply_response():
    today = Provision()
    assert provision.cost_factor(today, "home_care") == 1.0
    assert provision.cost_factor(today, "reablement") == 1.0  # in-house, at the council's cost
    in_house = Provision(home_care="in_house", care_homes="in_house", reablement="independent")
    assert provision.cost_factor(in_house, "home_care") == pytest.approx(IN_HOUSE_RATIO)
    assert provision.cost_factor(in_house, "care_home") == pytest.approx(IN_HOUSE_RATIO)
    assert provision.cost_factor(in_house, "reablement") == pytest.approx(1 / IN_HOUSE_RATIO)
    assert not provision.bought(in_house, "home_care") and provision.bought(today, "home_care")
    # The council's own hours do not follow a fee; a market's do, an enterprise's half as far.
    dear = HomeCare(price_per_hour=30.0)
    usual = prices.home_care_capacity(dear, 0.0, today)
    own = prices.home_care_capacity(dear, 0.0, in_house)
    enterprise = prices.home_care_capacity(dear, 0.0, Provision(home_care="social_enterprise"))
    assert own == dear.capacity_hours_per_week < enterprise < usual
    assert provision.supply_exponent(Provision(home_care="social_enterprise"), 0.6) == 0.3
    with pytest.raises(ValueError, match="supported_living: no provider"):
        provision.provider(today, "supported_living")


def test_no_handback_draw_without_handbacks():
    stream = make_streams(5)["provision"]
    assert provision.handback_delay(Provision(), stream) is None
    handing_back = Provision.model_validate({"independent": {"handback_per_year": 0.02}})
    assert provision.handback_rate(handing_back) == pytest.approx(0.02 / 365)
    assert provision.handback_delay(handing_back, stream) > 0.0


def test_in_house_home_care_costs_more_an_hour_and_does_not_shrink_with_a_discount(council):
    """provision.home_care: in_house costs in_house.home_care_cost_factor x the fee, no discount.

    Its hours are the council's establishment (in_house.supply_response 0): a purchasing
    discount that shrinks a market's hours leaves them as they were.
    """
    discounted = TIGHT | {"organisation.purchasing_discount": DISCOUNT}
    offered = TIGHT["home_care.capacity_hours_per_week"] * (1 - DISCOUNT) ** 0.6
    for seed in SEEDS:
        market = council(discounted, seed=seed)
        own = council(discounted | {"provision.home_care": "in_house"}, seed=seed)
        enterprise = council(discounted | {"provision.home_care": "social_enterprise"}, seed=seed)
        market_price, own_price = home_care_price(market), home_care_price(own)
        assert own_price / market_price == pytest.approx(IN_HOUSE_RATIO / (1 - DISCOUNT), rel=0.03)
        assert market_price < home_care_price(enterprise) < own_price
        assert market.timeseries["home_care_hours_in_use"].max() <= offered + 1e-6
        assert own.timeseries["home_care_hours_in_use"].max() > offered
        assert own.summary["provision"]["home_care_hours_offered_end"] == 1_600.0
        # More hours in use, though dearer care draws the budget down (and waits need not fall).
        assert series_mean(own, "home_care_hours_in_use") > series_mean(
            market, "home_care_hours_in_use"
        )
        assert own.summary["provision"]["home_care_cost_per_hour"] == pytest.approx(
            own_price / (365 / 7)
        )


def test_in_house_home_care_does_not_expand_with_a_higher_fee(council):
    """A higher fee buys more market hours; the council's own staff (in_house) stay as set."""
    dearer = TIGHT | {"home_care.price_per_hour": 30.0, "provision.home_care": "in_house"}
    for seed in SEEDS:
        own_dearer = council(dearer, seed=seed)
        assert own_dearer.summary["provision"]["home_care_hours_offered_end"] == 1_600.0
        assert own_dearer.timeseries["home_care_hours_in_use"].max() <= 1_600.0 + 1e-6
        market = council(TIGHT | {"home_care.price_per_hour": 30.0}, seed=seed)
        assert market.timeseries["home_care_hours_in_use"].max() > 1_600.0


def test_care_homes_and_reablement_cost_what_their_provider_charges(council):
    """provision.care_homes in_house costs 1.53 x the fee; provision.reablement bought is cheaper."""
    for seed in SEEDS:
        today = council(seed=seed)
        changed = council(
            {"provision.care_homes": "in_house", "provision.reablement": "independent"}, seed=seed
        )
        assert care_home_price(changed) / care_home_price(today) == pytest.approx(
            IN_HOUSE_RATIO, rel=0.03
        )
        assert reablement_price(changed) / reablement_price(today) == pytest.approx(
            1 / IN_HOUSE_RATIO, rel=0.03
        )


def handback_waits(results):
    """Days from each hand-back to the person's next move, and where they moved."""
    events = results.events
    people = events.groupby("person_id", sort=False)
    handed = events["cause"] == "package_handed_back"
    days = people["time"].shift(-1)[handed] - events.loc[handed, "time"]
    return days.dropna(), people["to_state"].shift(-1)[handed]


def test_handbacks_requeue_people_who_then_wait_for_new_carers(council):
    """provision.independent.handback_per_year: a package handed back re-joins the queue.

    The person goes from home care back to waiting for it and, in a full market, waits weeks
    for new carers (some are admitted to hospital or die first). The hours freed go first to
    hospital patients already in the urgent queue, so the queue as a whole is reshuffled
    rather than lengthened: the loss is the handed-back people's.
    """
    for seed in SEEDS:
        kept = council(TIGHT, seed=seed)
        handed = council(TIGHT | {"provision.independent.handback_per_year": 1.0}, seed=seed)
        handbacks = count(handed, "package_handed_back")
        assert count(kept, "package_handed_back") == 0
        # About one a year per package: mean home-care clients x two years, give or take.
        client_years = series_mean(handed, "home_care_clients") * 2
        assert handbacks == pytest.approx(client_years, rel=0.25)
        events = handed.events[handed.events["cause"] == "package_handed_back"]
        assert (events["from_state"] == "home_care").all()
        assert (events["to_state"] == "awaiting_home_care").all()
        measured = handed.summary["provision"]["home_care_handbacks_per_year"]
        assert 0 < measured <= handbacks
        days, moved_to = handback_waits(handed)
        assert days.mean() > 5.0  # weeks without care in a full market
        assert (moved_to == "home_care").mean() > 0.8  # most get new carers in the end
    # In a market with room, new carers start the next day.
    roomy = council({"provision.independent.handback_per_year": 1.0})
    days, _ = handback_waits(roomy)
    assert count(roomy, "package_handed_back") > 0 and days.mean() < 2.0


def test_the_in_house_provider_hands_nothing_back_whatever_the_market_does(council):
    """Hand-backs follow the home-care provider: in-house home care has none."""
    handing_back = TIGHT | {"provision.independent.handback_per_year": 1.0}
    own = council(handing_back | {"provision.home_care": "in_house"})
    assert count(own, "package_handed_back") == 0
    assert own.summary["provision"]["home_care_handbacks_per_year"] == 0.0


def test_the_default_provision_spelled_out_is_todays_run_exactly(council):
    """Today's provision, and terms of providers no service uses, change nothing at all."""
    for seed in SEEDS:
        today = council(seed=seed)
        spelled = council(
            {
                "provision.home_care": "independent",
                "provision.reablement": "in_house",
                "provision.care_homes": "independent",
                "provision.independent.supply_response": 1.0,
                "provision.social_enterprise.home_care_cost_factor": 1.4,
                "provision.in_house.care_home_cost_factor": 2.0,
            },
            seed=seed,
        )
        assert "provision" not in today.summary  # today's provision reports no measures of it
        assert spelled.timeseries.equals(today.timeseries)
        assert spelled.events.equals(today.events)
        assert spelled.summary["cost"] == today.summary["cost"]


def test_a_change_of_provision_alone_moves_no_social_worker(monkeypatch):
    """Outsourcing provision on the change day re-prices care; the social workers stay put.

    No preset sets provision yet, so stand-ins do: the current arrangement (in-house) with
    independent home care, and options with social-enterprise home care, one with the same
    social work and one that also changes it (so its staff transfer, and some leave).
    """
    current = preset_values("in_house")
    enterprise = current | {"provision.home_care": "social_enterprise"}
    stand_ins = {
        "in_house": current | {"provision.home_care": "independent"},
        "outsourced": enterprise,
        "social_enterprise": enterprise | {"workforce.admin_share": 0.3},
    }
    monkeypatch.setattr(model_module, "preset_values", lambda name: stand_ins[name])
    transfer = {
        "change.enabled": True,
        "change.staff_leaving_share": 1.0,
        "change.transition_days": 60.0,
        "change.transition_productivity": 0.5,
    }
    day = SMALL_COUNCIL["run.warmup_days"] + 1
    left = {}
    for option in ("outsourced", "social_enterprise"):
        scenario = small_council(transfer | stand_ins[option])
        scenario = scenario.model_copy(
            update={"organisation": scenario.organisation.model_copy(update={"preset": option})}
        )
        model = CarePathwayModel(scenario=scenario, rng=3)
        assert model.config.provision.home_care == "independent"  # the warm-up's
        leavers = model.run().timeseries["leavers_to_date"]
        left[option] = leavers.loc[day] - leavers.loc[day - 1]
        assert model.config.provision.home_care == "social_enterprise"
        cfg = model.config
        hourly = prices.daily_price(
            "home_care",
            7.0,
            0.5,
            reablement=cfg.reablement,
            home_care=cfg.home_care,
            care_homes=cfg.care_homes,
            supported_living=cfg.supported_living,
            direct_payments=cfg.direct_payments,
            purchasing_discount=cfg.organisation.purchasing_discount,
            provision=cfg.provision,
        )
        assert hourly == pytest.approx(cfg.home_care.price_per_hour * 1.25)
        assert provision.provision_only(warmup_of(model.option), model.option) == (
            option == "outsourced"
        )
    assert left["outsourced"] < 3  # the usual turnover of a day
    assert left["social_enterprise"] > 10  # every permanent social worker (leaving share 1)
