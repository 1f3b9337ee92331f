"""New people's traits: the per-scenario table gives the draws worked out person by person."""

from __future__ import annotations

import math

import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.engine.streams import make_streams
from carepath.sim.mechanisms import groups
from carepath.sim.person import Traits
from carepath.sim.scenario import contact_need_mean


def _reference(model, stream, band, need=None, *, group=None, hospital=False) -> Traits:
    """The draw as written before the table: every constant worked out for each person."""
    demand = model.config.demand
    u_group = stream.uniform()
    if group is None:
        group = groups.choose(model._group_weights[hospital][band], u_group)
    kind = model.groups[group]
    if need is None:
        mean = contact_need_mean(demand, kind)
        concentration = demand.need_at_contact.concentration
        need = float(stream.generator.beta(mean * concentration, (1.0 - mean) * concentration))
    drift = demand.deterioration_per_year * kind.drift_factor / 365.0
    if drift > 0:
        drift *= demand.deterioration_by_age.as_tuple()[band]
    rate = math.copysign(float(stream.generator.gamma(2.0, abs(drift) / 2.0 or 1.0)), drift)
    return Traits(
        band=band,
        group=group,
        need=need,
        deterioration_per_day=rate if drift else 0.0,
        has_carer=stream.uniform() < demand.informal_carer_share,
        self_funder=stream.uniform()
        < demand.self_funder_share.as_tuple()[band] * kind.self_funder_factor,
        u_resolve=stream.uniform(),
        u_offer=stream.uniform(),
        u_reable=stream.uniform(),
        u_d2a=stream.uniform(),
        u_setting=stream.uniform(),
    )


def _draws(draw, model, seed: int) -> list[Traits]:
    stream = make_streams(seed)["arrivals"]
    drawn = []
    for i in range(600):
        band, hospital = i % 3, i % 2 == 0
        group = None if i % 5 else i % len(model.groups)
        need = None if i % 7 else 0.4
        drawn.append(draw(model, stream, band, need, group=group, hospital=hospital))
    return drawn


@pytest.fixture(scope="module")
def model() -> CarePathwayModel:
    return CarePathwayModel(scenario={"population": {"total": 20_000}}, rng=2)


def test_table_draws_equal_the_draws_person_by_person(model):
    ours = _draws(CarePathwayModel.draw_traits, model, 9)
    assert ours == _draws(_reference, model, 9)
    assert {t.group for t in ours} == set(range(len(model.groups)))
    assert any(t.deterioration_per_day < 0 for t in ours)  # an episodic group recovers


def test_a_new_scenario_gets_a_new_table(model):
    before = model.config
    demand = before.demand.model_copy(
        update={"deterioration_per_year": before.demand.deterioration_per_year * 2.0}
    )
    model.config = before.model_copy(update={"demand": demand})
    try:
        ours = _draws(CarePathwayModel.draw_traits, model, 4)
        assert ours == _draws(_reference, model, 4)
        assert model._traits_for is demand
    finally:
        model.config = before
