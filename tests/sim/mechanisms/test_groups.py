"""Client groups: who a new contact is, how their need moves, and which setting fits them.

The pure functions of ``sim/mechanisms/groups.py`` are tested on their own; each group
parameter then moves its outcome in a small council, in paired arms on the same seeds. Changes
are made to physical support, the largest group, unless a parameter belongs to another.
"""

import pytest
from carepath.sim import build_scenario
from carepath.sim.mechanisms import groups
from carepath.sim.scenario import GROUPS, ClientGroups

from tests.sim.mechanisms.council import (
    SEEDS,
    component,
    count,
    mean_days_in,
    mean_over,
    series_mean,
    small_council,
)

DEFAULTS = build_scenario()
CLIENTS = DEFAULTS.clients
ELIGIBILITY = DEFAULTS.eligibility
GRID = [(i + 0.5) / 10_000 for i in range(10_000)]  # evenly spread latent uniforms
PHYSICAL = "clients.physical_support"
LEARNING = "clients.learning_disability"
# Supported living with room to spare: a larger share shows in clients, not in a queue.
ROOMY = {"supported_living.places": 150, "initial.supported_living_occupancy": 0.3}
# Two-thirds of the small council's 36 places: a queue forms whatever the budget allows.
SCARCE = {"supported_living.places": 24}


def group(**fields):
    """The baseline group (physical support) with ``fields`` changed."""
    return CLIENTS.physical_support.model_copy(update=fields)


def clients_with(**changes: dict) -> ClientGroups:
    """The default groups with some groups' fields changed: ``name={field: value}``."""
    return CLIENTS.model_copy(
        update={name: getattr(CLIENTS, name).model_copy(update=f) for name, f in changes.items()}
    )


def shares(weights) -> list[float]:
    return [w / sum(weights) for w in weights]


def share_of(settings: list[str], setting: str) -> float:
    return settings.count(setting) / len(settings)


def long_term(results) -> dict:
    """The run's long-term care KPIs."""
    return results.summary["long_term_care"]


# -- the pure functions ----------------------------------------------------------------------


def test_choose_picks_by_cumulative_weight():
    weights = (1.0, 0.0, 3.0)
    assert groups.choose(weights, 0.0) == 0
    assert groups.choose(weights, 0.2499) == 0
    assert groups.choose(weights, 0.25) == 2  # a zero weight is never picked
    assert groups.choose(weights, 0.9999) == 2
    picks = [groups.choose((1.0, 2.0, 1.0), u) for u in GRID]
    assert [picks.count(i) / len(picks) for i in range(3)] == pytest.approx([0.25, 0.5, 0.25])
    assert groups.choose((0.0, 0.0, 0.0), 0.3) == 2  # all zero: the last


def test_group_weights_are_request_shares_leaning_to_groups_admitted_more_from_hospital():
    for band in range(3):
        community = groups.group_weights(CLIENTS, band, hospital=False)
        hospital = groups.group_weights(CLIENTS, band, hospital=True)
        requests = [g.request_share.as_tuple()[band] for g in CLIENTS.as_tuple()]
        factors = [g.hospital_factor for g in CLIENTS.as_tuple()]
        assert community == pytest.approx(requests)
        assert hospital == pytest.approx([r * f for r, f in zip(requests, factors, strict=True)])
    # Only two groups differ in admissions: the hospital mix leans to the one admitted more.
    even = {name: {"hospital_factor": 1.0} for name in GROUPS}
    mix = clients_with(
        **even
        | {"memory_and_cognition": {"hospital_factor": 2.0}}
        | {"learning_disability": {"hospital_factor": 0.5}}
    )
    memory, learning = (
        groups.group_index("memory_and_cognition"),
        groups.group_index("learning_disability"),
    )
    for band in range(3):
        community = shares(groups.group_weights(mix, band, hospital=False))
        hospital = shares(groups.group_weights(mix, band, hospital=True))
        assert hospital[memory] > community[memory]
        assert hospital[learning] < community[learning]
    same = clients_with(**even)
    assert groups.group_weights(same, 1, hospital=True) == groups.group_weights(
        same, 1, hospital=False
    )


def test_care_home_need_adds_the_group_offset_to_the_threshold_a_carer_raises():
    alone, with_carer = ELIGIBILITY.care_home_need, ELIGIBILITY.care_home_need_with_carer
    assert groups.care_home_need(ELIGIBILITY, group(care_home_offset=0.0), has_carer=False) == (
        pytest.approx(alone)
    )
    assert groups.care_home_need(ELIGIBILITY, group(care_home_offset=0.0), has_carer=True) == (
        pytest.approx(with_carer)
    )
    for offset in (-0.1, 0.15):
        later = group(care_home_offset=offset)
        assert groups.care_home_need(ELIGIBILITY, later, has_carer=False) == pytest.approx(
            alone + offset
        )
        assert groups.care_home_need(ELIGIBILITY, later, has_carer=True) == pytest.approx(
            with_carer + offset
        )


def test_reablement_offer_share_scales_with_the_group_and_is_capped_at_one():
    eligibility = ELIGIBILITY.model_copy(update={"reablement_offer_share": 0.4})

    def offer(factor: float) -> float:
        return groups.reablement_offer_share(eligibility, group(reablement_factor=factor))

    assert offer(1.0) == pytest.approx(0.4)
    assert offer(0.5) == pytest.approx(0.2)
    assert offer(2.0) == pytest.approx(0.8)
    assert offer(0.0) == 0.0
    assert offer(3.0) == 1.0
    assert offer(20.0) == 1.0


def test_community_setting_splits_packages_by_one_latent_uniform():
    kind = group(supported_living_share=0.4, direct_payment_share=0.25)
    settings = [groups.community_setting(kind, u) for u in GRID]
    assert share_of(settings, groups.SUPPORTED_LIVING) == pytest.approx(0.4, abs=1e-3)
    assert share_of(settings, groups.DIRECT_PAYMENT) == pytest.approx(0.6 * 0.25, abs=1e-3)
    assert share_of(settings, groups.HOME_CARE) == pytest.approx(0.6 * 0.75, abs=1e-3)
    # the lowest uniforms are supported living: a larger share only adds people to it
    assert groups.community_setting(kind, 0.39) == groups.SUPPORTED_LIVING
    assert groups.community_setting(kind, 0.41) != groups.SUPPORTED_LIVING
    # A patient waiting to leave hospital cannot wait for a payment to be set up: home care.
    in_hospital = [groups.community_setting(kind, u, in_hospital=True) for u in GRID]
    assert share_of(in_hospital, groups.DIRECT_PAYMENT) == 0.0
    assert share_of(in_hospital, groups.SUPPORTED_LIVING) == pytest.approx(0.4, abs=1e-3)
    assert share_of(in_hospital, groups.HOME_CARE) == pytest.approx(0.6, abs=1e-3)
    # no supported living, no direct payments: everyone gets home care
    plain = group(supported_living_share=0.0, direct_payment_share=0.0)
    assert {groups.community_setting(plain, u) for u in GRID} == {groups.HOME_CARE}


def test_home_setting_gives_a_direct_payment_at_the_groups_share_in_hospital_home_care():
    kind = group(supported_living_share=0.4, direct_payment_share=0.25)
    wanted_living = [u for u in GRID if u < 0.4]
    rest = [u for u in GRID if u >= 0.4]
    # The same person gets the same home setting as when the package was first proposed ...
    for u in rest:
        assert groups.home_setting(kind, u) == groups.community_setting(kind, u)
    # ... and those who waited too long for supported living take a payment at the same share.
    at_home = [groups.home_setting(kind, u) for u in wanted_living]
    assert set(at_home) == {groups.DIRECT_PAYMENT, groups.HOME_CARE}
    assert share_of(at_home, groups.DIRECT_PAYMENT) == pytest.approx(0.25, abs=1e-3)
    assert {groups.home_setting(kind, u, in_hospital=True) for u in GRID} == {groups.HOME_CARE}
    everyone = group(supported_living_share=0.0, direct_payment_share=1.0)
    assert {groups.home_setting(everyone, u) for u in GRID} == {groups.DIRECT_PAYMENT}


def test_stock_weights_give_long_careers_a_larger_share_of_clients_than_of_requests():
    mortality, need = DEFAULTS.mortality, 0.6
    learning = groups.group_index("learning_disability")

    def stock(clients, band, **kw):
        return shares(
            groups.stock_weights(clients, mortality, band, need, in_care_home=False, **kw)
        )

    # Every group staying as long as the baseline: the stock mirrors the requests.
    even = clients_with(**{name: {"mortality_factor": 1.0, "leave_factor": 1.0} for name in GROUPS})
    for band in range(3):
        requests = shares(groups.group_weights(even, band, hospital=False))
        assert stock(even, band) == pytest.approx(requests)
    # One group dying and leaving more slowly holds more of the stock than of the requests.
    long = clients_with(
        **{name: {"mortality_factor": 1.0, "leave_factor": 1.0} for name in GROUPS}
        | {"learning_disability": {"mortality_factor": 0.5, "leave_factor": 0.2}}
    )
    for band in range(3):
        requests = shares(groups.group_weights(long, band, hospital=False))
        held = stock(long, band)
        assert held[learning] > 1.5 * requests[learning]
        others = [i for i in range(len(GROUPS)) if i != learning and requests[i] > 0]
        assert all(held[i] < requests[i] for i in others)
    # As calibrated, learning disability (lifelong needs) is a larger share of 18-64 clients
    # than of 18-64 requests.
    requests = shares(groups.group_weights(CLIENTS, 0, hospital=False))
    assert stock(CLIENTS, 0)[learning] > 1.5 * requests[learning]
    # A setting a group never uses holds none of it.
    none_living = tuple(0.0 if i == learning else 1.0 for i in range(len(GROUPS)))
    assert stock(CLIENTS, 0, setting_share=none_living)[learning] == 0.0


# -- group parameters in a small council -----------------------------------------------------


def test_a_larger_supported_living_share_puts_more_people_in_supported_living(council):
    share = f"{LEARNING}.supported_living_share"
    for seed in SEEDS:
        few = council(ROOMY | {share: 0.1}, seed=seed)
        many = council(ROOMY | {share: 0.9}, seed=seed)
        assert (
            long_term(many)["supported_living_clients_mean"]
            > 1.15 * long_term(few)["supported_living_clients_mean"]
        )
        # Where every place is taken, the extra demand queues and is sent home instead.
        full = council(seed=seed)  # learning_disability.supported_living_share 0.35
        fuller = council({share: 0.9}, seed=seed)
        assert series_mean(fuller, "awaiting_supported_living") > series_mean(
            full, "awaiting_supported_living"
        )
        unavailable = "supported_living_unavailable"
        assert count(fuller, unavailable) > count(full, unavailable)


def test_a_larger_direct_payment_share_gives_more_direct_payments(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.direct_payment_share 0.22
        more = council({f"{PHYSICAL}.direct_payment_share": 0.6}, seed=seed)
        assert (
            long_term(more)["direct_payment_clients_mean"]
            > 1.5 * long_term(usual)["direct_payment_clients_mean"]
        )
        share = "direct_payment_share_of_community"
        assert long_term(more)[share] > long_term(usual)[share] + 0.1
        assert (
            long_term(more)["home_care_clients_mean"] < long_term(usual)["home_care_clients_mean"]
        )


def test_a_higher_care_home_offset_admits_fewer_to_care_homes(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.care_home_offset 0
        later = council({f"{PHYSICAL}.care_home_offset": 0.15}, seed=seed)
        ascof_2a = "care_home_admissions_65_plus_per_100k"
        assert long_term(later)[ascof_2a] < 0.85 * long_term(usual)[ascof_2a]
        assert count(later, "review_needs_care_home") < count(usual, "review_needs_care_home")


def test_a_lower_reablement_factor_offers_and_completes_less_reablement(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.reablement_factor 1
        fewer = council({f"{PHYSICAL}.reablement_factor": 0.2}, seed=seed)
        assert count(fewer, "reablement_offered") < count(usual, "reablement_offered")
        completed = "completed_per_year"
        assert (
            fewer.summary["reablement"][completed] < 0.95 * usual.summary["reablement"][completed]
        )


def test_a_higher_mortality_factor_means_more_deaths(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.mortality_factor 1
        frailer = council({f"{PHYSICAL}.mortality_factor": 2.0}, seed=seed)
        assert count(frailer, "death") > 1.15 * count(usual, "death")


def test_a_higher_drift_factor_brings_care_homes_sooner(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.drift_factor 1
        faster = council({f"{PHYSICAL}.drift_factor": 2.5}, seed=seed)
        ascof_2a = "care_home_admissions_65_plus_per_100k"
        assert long_term(faster)[ascof_2a] > 1.1 * long_term(usual)[ascof_2a]
        assert count(faster, "review_needs_care_home") > count(usual, "review_needs_care_home")


def test_a_higher_hospital_factor_admits_known_clients_more_often(council):
    def known_admissions(results) -> int:
        events = results.events
        admitted = events["cause"] == "emergency_admission"
        return int((admitted & (events["from_state"] != "contact")).sum())

    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.hospital_factor 1
        more = council({f"{PHYSICAL}.hospital_factor": 2.0}, seed=seed)
        assert known_admissions(more) > 1.2 * known_admissions(usual)


def test_a_higher_leave_factor_moves_more_people_on(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.leave_factor 1
        more = council({f"{PHYSICAL}.leave_factor": 2.0}, seed=seed)
        left = "left_council_funded_care"
        assert count(more, left) > 1.2 * count(usual, left)
        moved_on = "moved_on"
        exits = "exits_per_year"
        assert (
            more.summary["outcomes"][exits][moved_on] > usual.summary["outcomes"][exits][moved_on]
        )


def test_a_higher_need_shift_sends_fewer_contacts_away_at_the_door(council):
    def closed_at_the_door(results) -> int:
        events = results.events
        triaged = events["cause"] == "triage"
        return int((triaged & (events["to_state"] != "awaiting_assessment")).sum())

    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.need_shift 0
        higher = council({f"{PHYSICAL}.need_shift": 0.1}, seed=seed)
        assert closed_at_the_door(higher) < 0.9 * closed_at_the_door(usual)
        # more of them pass to the social workers, whose list grows
        waiting = "people_waiting_mean"
        assert higher.summary["assessment"][waiting] > 1.2 * usual.summary["assessment"][waiting]


def test_a_higher_self_funder_factor_means_more_self_funders(council):
    def self_funded(results) -> float:
        return results.summary["outcomes"]["exits_per_year"]["self_funded"]

    for seed in SEEDS:
        usual = council(seed=seed)  # physical_support.self_funder_factor 1
        richer = council({f"{PHYSICAL}.self_funder_factor": 2.0}, seed=seed)
        assert self_funded(richer) > 1.3 * self_funded(usual)


def test_a_larger_request_share_makes_a_group_more_of_the_clients_and_spending(council):
    # 15 points of the 18-64 contacts' request_share moved from physical support to learning
    # disability
    band = "request_share.adults_18_64"
    moved = {
        f"{LEARNING}.{band}": CLIENTS.learning_disability.request_share.adults_18_64 + 0.15,
        f"{PHYSICAL}.{band}": CLIENTS.physical_support.request_share.adults_18_64 - 0.15,
    }
    for seed in SEEDS:
        usual = council(seed=seed)
        more = council(moved, seed=seed)
        for kpi in ("clients_share_by_group", "spend_share_by_group"):
            assert (
                long_term(more)[kpi]["learning_disability"]
                > long_term(usual)[kpi]["learning_disability"] + 0.05
            )
            assert (
                long_term(more)[kpi]["physical_support"] < long_term(usual)[kpi]["physical_support"]
            )


def test_faster_deterioration_with_age_brings_more_care_home_admissions_in_that_band(council):
    by_age = "demand.deterioration_by_age"
    for seed in SEEDS:
        usual = council(seed=seed)  # deterioration_by_age.aged_65_84 1
        older = council({f"{by_age}.aged_65_84": 2.0}, seed=seed)
        ascof_2a = "care_home_admissions_65_plus_per_100k"
        assert long_term(older)[ascof_2a] > 1.1 * long_term(usual)[ascof_2a]
    # Working-age needs that stay put (0) or rise like the oldest's (3): care homes at 18-64.
    working_age = "care_home_admissions_18_64_per_100k"
    stable = [
        long_term(council({f"{by_age}.adults_18_64": 0.0}, seed=s))[working_age] for s in SEEDS
    ]
    rising = [
        long_term(council({f"{by_age}.adults_18_64": 3.0}, seed=s))[working_age] for s in SEEDS
    ]
    assert mean_over(rising) > 1.5 * mean_over(stable)


# -- the services added for the groups -------------------------------------------------------


def test_more_supported_living_places_send_fewer_people_home_instead(council):
    for seed in SEEDS:
        usual = council(SCARCE, seed=seed)
        more = council({"supported_living.places": 80}, seed=seed)
        unavailable = "supported_living_unavailable"
        assert count(more, unavailable) < 0.6 * count(usual, unavailable)
        assert (
            long_term(more)["supported_living_clients_mean"]
            > 1.5 * long_term(usual)["supported_living_clients_mean"]
        )


def test_supported_living_waits_end_at_their_limits(council):
    def timed_out_after(results) -> list[float]:
        """Days from asking for a place to being sent home instead, one per person."""
        events = results.events
        asked = events.groupby("person_id", sort=False)["time"].shift(1)
        gave_up = events["cause"] == "supported_living_unavailable"
        return (events["time"] - asked)[gave_up].round(6).tolist()

    in_hospital_limit = small_council().supported_living.max_wait_days_in_hospital  # 3
    for seed in SEEDS:
        patient = council(SCARCE | {"supported_living.max_wait_days": 365.0}, seed=seed)
        impatient = council(SCARCE | {"supported_living.max_wait_days": 14.0}, seed=seed)
        # A community wait ends after max_wait_days, a hospital patient's after
        # max_wait_days_in_hospital, and no other way.
        assert set(timed_out_after(impatient)) == {in_hospital_limit, 14.0}
        assert set(timed_out_after(patient)) <= {in_hospital_limit, 365.0}
        # A shorter limit sends more people home from the community and shortens the queue.
        assert timed_out_after(impatient).count(14.0) > timed_out_after(patient).count(365.0)
        assert series_mean(impatient, "awaiting_supported_living") < 0.5 * series_mean(
            patient, "awaiting_supported_living"
        )
        assert mean_days_in(impatient, "awaiting_supported_living") < mean_days_in(
            patient, "awaiting_supported_living"
        )
        in_hospital = council(
            SCARCE | {"supported_living.max_wait_days_in_hospital": 30.0}, seed=seed
        )
        assert 30.0 in timed_out_after(in_hospital)
        assert in_hospital_limit not in timed_out_after(in_hospital)


def test_a_longer_direct_payment_setup_keeps_more_people_waiting_for_one(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # direct_payments.setup_days 28
        slower = council({"direct_payments.setup_days": 112.0}, seed=seed)
        waiting = "awaiting_direct_payment"
        assert series_mean(slower, waiting) > 2.0 * series_mean(usual, waiting)
        assert mean_days_in(slower, waiting) > 2.0 * mean_days_in(usual, waiting)


def test_supported_living_and_direct_payment_prices_set_their_spend(council):
    def per_place(results) -> float:
        return component(results, "supported_living") / series_mean(
            results, "supported_living_places_in_use"
        )

    def per_payment(results) -> float:
        return (
            component(results, "direct_payment") / long_term(results)["direct_payment_clients_mean"]
        )

    usual_prices = small_council()
    dearer_prices = {
        "supported_living.price_per_week": 1.5 * usual_prices.supported_living.price_per_week,
        "direct_payments.price_per_hour": 1.5 * usual_prices.direct_payments.price_per_hour,
    }
    for seed in SEEDS:
        usual = council(seed=seed)
        dearer = council(dearer_prices, seed=seed)
        assert per_place(dearer) / per_place(usual) == pytest.approx(1.5, abs=0.05)
        assert per_payment(dearer) / per_payment(usual) == pytest.approx(1.5, abs=0.1)
