"""Front door and triage: contacts below a need score close at the door."""

from tests.sim.mechanisms.council import SEEDS


def exits(results, state: str) -> float:
    return results.summary["outcomes"]["exits_per_year"][state]


def passed_triage(results) -> int:
    """Contacts that triage sent on to the assessment list."""
    events = results.events
    return int(
        ((events["cause"] == "triage") & (events["to_state"] == "awaiting_assessment")).sum()
    )


def test_a_higher_low_level_threshold_closes_more_contacts_at_the_door(council):
    for seed in SEEDS:
        base = council(seed=seed)  # low_level_below_need 0.33 (calibrated)
        wider = council({"demand.low_level_below_need": 0.4}, seed=seed)
        assert exits(wider, "low_level_support") > exits(base, "low_level_support")
        # Fewer contacts pass the door to the assessment list (assessments started may not
        # fall: a team that never empties its list starts as many as its time allows).
        assert passed_triage(wider) < passed_triage(base)
        waiting = "people_waiting_mean"
        assert wider.summary["assessment"][waiting] < base.summary["assessment"][waiting]


def test_a_higher_signposting_threshold_signposts_contacts_who_had_low_level_support(council):
    for seed in SEEDS:
        base = council(seed=seed)  # signpost_below_need 0.22 (calibrated)
        more = council({"demand.signpost_below_need": 0.3}, seed=seed)
        assert exits(more, "signposted") > exits(base, "signposted")
        assert exits(more, "low_level_support") < exits(base, "low_level_support")
