"""Social workers attached to GP practices: earlier referral and fewer emergency admissions."""

import numpy as np
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
    assert gp_attachment.referral_need(off, 0.4, stream) == 0.4
    assert gp_attachment.admission_factor(off, in_care_home=False) == 1.0
    # No draw was taken: the stream's next uniform is its first.
    assert stream.uniform() == Stream(np.random.SeedSequence(7)).uniform()


def test_attached_referrals_arrive_lower_and_never_below_zero():
    on = Integration(gp_referral_share=1.0, gp_need_reduction=0.1)
    stream = Stream(np.random.SeedSequence(7))
    assert gp_attachment.referral_need(on, 0.4, stream) == 0.4 - 0.1
    assert gp_attachment.referral_need(on, 0.05, stream) == 0.0
    half = Integration(gp_referral_share=0.5, gp_need_reduction=0.1)
    lowered = sum(gp_attachment.referral_need(half, 0.4, stream) < 0.4 for _ in range(4000))
    assert 1800 < lowered < 2200


def test_care_home_residents_keep_their_admission_hazard():
    on = Integration(gp_admission_reduction=0.2)
    assert gp_attachment.admission_factor(on, in_care_home=False) == 0.8
    assert gp_attachment.admission_factor(on, in_care_home=True) == 1.0


def test_earlier_gp_referral_closes_more_contacts_at_the_door_and_shortens_the_list(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # gp_referral_share 0 (in_house)
        earlier = council(
            {"integration.gp_referral_share": 1.0, "integration.gp_need_reduction": 0.1},
            seed=seed,
        )
        assert closed_at_the_door(earlier) > 1.1 * closed_at_the_door(usual)
        waiting = "people_waiting_mean"
        assert earlier.summary["assessment"][waiting] < usual.summary["assessment"][waiting]


def test_gp_attachment_admits_known_clients_at_home_less_often(council):
    for seed in SEEDS:
        usual = council(seed=seed)  # gp_admission_reduction 0 (in_house)
        fewer = council({"integration.gp_admission_reduction": 0.5}, seed=seed)
        assert known_admissions(fewer) < 0.8 * known_admissions(usual)
