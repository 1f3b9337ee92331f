"""NHS money: a ring-fenced re-ablement grant, and a pooled budget judged with the council's.

Arms share seeds (``SEEDS``). The small council is a fifth of the default, so its grant is a
fifth of the default council's £1.33M (seed 003's £300M a year by population share).
"""

import pytest
from carepath.sim import CarePathwayModel, build_scenario
from carepath.sim.mechanisms import funding
from carepath.sim.spending import COMPONENTS

from tests.sim.mechanisms.council import SEEDS, component, mean_over, small_council

GRANT = 1_330_000.0 / 5  # about 10 places at £490 a week
TIGHT_BUDGET = 16_000_000.0  # the small council spends about £18M a year: it rations


def test_the_grant_buys_whole_places_at_the_reablement_price():
    scenario = build_scenario(overrides={"funding.nhs_reablement_per_year": 1_330_000.0})
    # £490 a week is £25,550 a year: 52 places for £1.33M.
    assert funding.grant_places(scenario.funding, scenario.reablement) == 52
    assert funding.grant_places(build_scenario().funding, scenario.reablement) == 0


def test_a_grant_place_is_taken_only_when_the_council_s_own_are_full():
    assert not funding.grant_pays(own_places=10, council_in_use=9, units=1)
    assert funding.grant_pays(own_places=10, council_in_use=10, units=1)


def test_the_pool_pays_for_help_at_home_after_hospital_up_to_the_nhs_share():
    pool = build_scenario(overrides={"funding.pool_nhs_per_year": 365_000.0}).funding
    assert funding.pooled(pool, "reablement", discharged=True)
    assert funding.pooled(pool, "home_care", discharged=True)
    assert not funding.pooled(pool, "home_care", discharged=False)
    assert not funding.pooled(pool, "care_home", discharged=True)
    assert not funding.pooled(build_scenario().funding, "reablement", discharged=True)
    # £1,000 a day from the NHS: 91 days of pooled spend up to £91,000 is the NHS's.
    assert funding.nhs_pool_share(pool, 50_000.0, 91.0) == 50_000.0
    assert funding.nhs_pool_share(pool, 200_000.0, 91.0) == pytest.approx(91_000.0)
    assert funding.joint_budget(1e6, 91_000.0, 91.0) == pytest.approx(1e6 + 365_000.0)


def test_the_nhs_grant_adds_reablement_the_council_does_not_pay_for(council):
    def runs(grant: float) -> list[dict]:
        return [council({"funding.nhs_reablement_per_year": grant}, seed=s).summary for s in SEEDS]

    without, with_grant = runs(0.0), runs(GRANT)

    def completed(rs):
        return mean_over(r["reablement"]["completed_per_year"] for r in rs)

    assert completed(with_grant) > 1.15 * completed(without)
    assert all("nhs" not in r for r in without)
    for r in with_grant:
        nhs = r["nhs"]
        assert nhs["reablement_grant_places"] == 10
        # The NHS pays for its places and never more than the grant.
        assert 0.0 < nhs["reablement_grant_per_year"] <= GRANT
        assert nhs["funded_per_year"] == nhs["reablement_grant_per_year"]
    # The council pays for its own places only: its re-ablement spend does not rise. It falls
    # a little (shorter queues leave its places free more often; it pays per day of use), but
    # by far less than the NHS adds: the grant adds re-ablement, it does not replace it.
    council_reablement = mean_over(
        component(council({"funding.nhs_reablement_per_year": GRANT}, seed=s), "reablement")
        for s in SEEDS
    )
    own = mean_over(component(council(seed=s), "reablement") for s in SEEDS)
    nhs_spend = mean_over(r["nhs"]["reablement_grant_per_year"] for r in with_grant)
    assert council_reablement <= own
    assert own - council_reablement < 0.5 * nhs_spend


def test_grant_spend_stays_off_the_council_s_ledger():
    scenario = small_council({"funding.nhs_reablement_per_year": GRANT, "run.years": 1})
    model = CarePathwayModel(scenario=scenario, rng=SEEDS[0])
    model.run()
    assert model.nhs_ledger.total(model.now) > 0.0
    assert set(model.ledger.accounts) == set(COMPONENTS)
    assert "nhs_reablement" not in model.ledger.accounts
    # Grant places in use never exceed the grant's places.
    assert 0.0 <= model.grant_places_in_use <= model.grant_places


def test_a_pooled_budget_eases_rationing_by_the_nhs_share(council):
    def runs(pool: float) -> list[dict]:
        overrides = {
            "commissioning.annual_budget": TIGHT_BUDGET,
            "funding.pool_nhs_per_year": pool,
        }
        return [council(overrides, seed=s).summary for s in SEEDS]

    alone, pooled = runs(0.0), runs(2_000_000.0)

    def need(rs):
        return mean_over(r["commissioning"]["eligibility_need_mean"] for r in rs)

    assert need(pooled) < need(alone) - 0.01
    for r in pooled:
        nhs = r["nhs"]
        assert nhs["pooled_care_per_year"] > 0.0
        assert nhs["pool_nhs_share_per_year"] == min(nhs["pooled_care_per_year"], 2_000_000.0)
        # Pooled care is joint: it stays in the council's spend (the grant's does not).
        assert nhs["pooled_care_per_year"] < r["cost"]["total_per_year"]


def test_a_pool_the_nhs_puts_nothing_in_changes_nothing(council):
    plain = council({"commissioning.annual_budget": TIGHT_BUDGET}, seed=SEEDS[0]).summary
    zero = council(
        {"commissioning.annual_budget": TIGHT_BUDGET, "funding.pool_nhs_per_year": 0.0},
        seed=SEEDS[0],
    ).summary
    assert zero == plain
