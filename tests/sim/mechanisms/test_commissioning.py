"""Commissioning: the budget holder rations eligibility in proportion to the overspend."""

import pytest
from carepath.sim import CarePathwayModel, build_scenario
from carepath.sim.scenario import FACS_THRESHOLDS


def _commissioner(**commissioning):
    scenario = build_scenario(overrides={"run.years": 1} | commissioning)
    return CarePathwayModel(scenario=scenario, rng=3).commissioner


@pytest.mark.parametrize(
    ("overspend", "expected"),
    [
        (-0.3, FACS_THRESHOLDS["substantial"]),
        (0.05, FACS_THRESHOLDS["substantial"]),
        (0.125, (FACS_THRESHOLDS["substantial"] + FACS_THRESHOLDS["critical"]) / 2),
        (0.2, FACS_THRESHOLDS["critical"]),
        (0.9, FACS_THRESHOLDS["critical"]),
    ],
)
def test_threshold_rises_in_proportion_to_overspend(overspend, expected):
    commissioner = _commissioner()
    budget = commissioner.model.config.commissioning.annual_budget
    commissioner.ration(budget * (1.0 + overspend))
    assert commissioner.threshold_need == pytest.approx(expected)


def test_threshold_relaxes_as_soon_as_spending_falls_back():
    commissioner = _commissioner()
    budget = commissioner.model.config.commissioning.annual_budget
    commissioner.ration(budget * 1.5)
    assert commissioner.threshold_band == "critical"
    commissioner.ration(budget * 1.1)
    assert commissioner.threshold_band == "substantial"
    assert FACS_THRESHOLDS["substantial"] < commissioner.threshold_need
    commissioner.ration(budget)
    assert commissioner.threshold_need == FACS_THRESHOLDS["substantial"]
    assert commissioner.threshold_changes == 3


def test_no_rationing_when_switched_off_or_at_the_policy_ceiling():
    def threshold_after_a_year(**commissioning) -> float:
        overrides = {"run.warmup_days": 0, "commissioning.annual_budget": 1_000_000.0}
        model = _commissioner(**overrides | commissioning).model
        return model.run().summary["commissioning"]["eligibility_need_mean"]

    assert threshold_after_a_year() > FACS_THRESHOLDS["substantial"]  # rations when on
    off = threshold_after_a_year(**{"commissioning.tighten_under_pressure": False})
    assert off == pytest.approx(FACS_THRESHOLDS["substantial"])
    capped = threshold_after_a_year(**{"commissioning.max_threshold": "moderate"})
    assert capped == pytest.approx(FACS_THRESHOLDS["substantial"])


def test_a_tight_budget_turns_eligible_people_away_in_a_run():
    def not_eligible(budget: float) -> int:
        scenario = build_scenario(
            overrides={"run.years": 2, "run.warmup_days": 0, "commissioning.annual_budget": budget}
        )
        model = CarePathwayModel(scenario=scenario, rng=5)
        result = model.run()
        return result.summary["outcomes"]["exits_per_year"]["no_service"]

    assert not_eligible(40_000_000.0) > 1.2 * not_eligible(400_000_000.0)
