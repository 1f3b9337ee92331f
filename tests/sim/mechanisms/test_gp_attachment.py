"""Social workers attached to GP practices: earlier referral and fewer emergency admissions."""

import numpy as np
import pytest
from carepath.sim.engine.streams import Stream
from carepath.sim.mechanisms import gp_attachment
from carepath.sim.scenario import Integration

from tests.sim.mechanisms.council import SEEDS


def closed_at_the_door(results) -> int:
    events = results.events
    triaged = events["cause"] == "triage"
    return int((triaged & (events["to_state"] != "awaiting_assessment")).sum())


def known_admissions(results) -> int:
    events = results.events
    admitted = events["cause"] == "emergency_admission"
    return int((admitted & (events["from_state"] != "contact")).sum())


def test_off_by_default_draws_nothing_and_changes_nothing():
    stream = Stream(np.random.SeedSequence(7))
    off = Integration()
    assert gp_attachment.referral_lead_days(off, 0.001, stream) == 0.0
    assert gp_attachment.admission_factor(off, in_care_home=False) == 1.0
    # No draw was taken: the stream's next uniform is its first.
    assert stream.uniform() == Stream(np.random.SeedSequence(7)).uniform()


def test_attached_referrals_come_earlier_only_for_a_rising_need():
    on = Integration(gp_referral_share=1.0, gp_referral_lead_days=90.0)
    stream = Stream(np.random.SeedSequence(7))
    assert gp_attachment.referral_lead_days(on, 0.001, stream) == 90.0
    # A need that is steady or recovering gives the GP nothing earlier to refer.
    assert gp_attachment.referral_lead_days(on, 0.0, stream) == 0.0
    assert gp_attachment.referral_lead_days(on, -0.001, stream) == 0.0
    half = Integration(gp_referral_share=0.5, gp_referral_lead_days=90.0)
    earlier = sum(gp_attachment.referral_lead_days(half, 0.001, stream) > 0 for _ in range(4000))
    assert 1800 < earlier < 2200


def test_the_need_at_the_early_referral_is_the_need_the_person_had_then():
    assert gp_attachment.need_earlier(0.4, 0.001, 100.0) == pytest.approx(0.3)
    assert gp_attachment.need_earlier(0.05, 0.001, 100.0) == 0.0
    assert gp_attachment.need_earlier(0.4, 0.001, 0.0) == 0.4


@pytest.mark.parametrize("hazard", [0.03, 0.2, 1.5])
@pytest.mark.parametrize("days", [30.0, 180.0, 365.0])
def test_people_found_before_death_make_up_those_who_do_not_live_to_ask(hazard, days):
    found = gp_attachment.found_before_death(hazard, days)
    alive = gp_attachment.lives_to_ask(hazard, days)
    assert found > 0.0 and 0.0 < alive < 1.0
    # Of 1 + found people referred early, exactly the one who would have asked lives to.
    assert (1.0 + found) * alive == pytest.approx(1.0)
    assert found > gp_attachment.found_before_death(hazard, days / 2)
    assert gp_attachment.found_before_death(hazard, 0.0) == 0.0


def test_care_home_residents_keep_their_admission_hazard():
    on = Integration(gp_admission_reduction=0.2)
    assert gp_attachment.admission_factor(on, in_care_home=False) == 0.8
    assert gp_attachment.admission_factor(on, in_care_home=True) == 1.0


def first_requests_per_year(results) -> float:
    demand = results.summary["demand"]
    return demand["requests_per_year"] * (1.0 - demand["share_repeat_requests"])


def test_earlier_gp_referral_brings_the_same_people_sooner(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # gp_referral_share 0 (in_house)
        earlier = council(
            {"integration.gp_referral_share": 1.0, "integration.gp_referral_lead_days": 180.0},
            seed=seed,
        )
        # A lower need at the early contact is more often closed at the door ...
        assert closed_at_the_door(earlier) > 1.1 * closed_at_the_door(usual)
        # ... and those people still ask when they would have: more repeat requests,
        repeats = "share_repeat_requests"
        assert earlier.summary["demand"][repeats] > 1.2 * usual.summary["demand"][repeats]
        # while the practice also finds people who would have died before asking.
        assert first_requests_per_year(earlier) > first_requests_per_year(usual)


def test_gp_attachment_admits_known_clients_at_home_less_often(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # gp_admission_reduction 0 (in_house)
        fewer = council({"integration.gp_admission_reduction": 0.5}, seed=seed)
        assert known_admissions(fewer) < 0.8 * known_admissions(usual)
