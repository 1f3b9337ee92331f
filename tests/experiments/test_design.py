"""Designs: which arms an experiment makes, and the seeds its replications share."""

from __future__ import annotations

import numpy as np
from carepath.experiments.design import design_arms
from carepath.experiments.runs import replication_seed
from carepath.experiments.spec import parse_experiment


def _experiment(design: dict, **extra) -> object:
    return parse_experiment({"name": "x", "seed": 5, "design": design, **extra})


def test_factorial_crosses_every_level_in_order():
    arms = design_arms(
        _experiment(
            {
                "factors": {
                    "organisation.preset": ["in_house", "outsourced"],
                    "reablement.places": [50, 70, 90],
                }
            }
        )
    )
    assert len(arms) == 6
    assert arms[0].values == {"organisation.preset": "in_house", "reablement.places": 50}
    assert arms[-1].label == "preset=outsourced, places=90"


def test_latin_hypercube_is_stratified_reproducible_and_in_bounds():
    design = {
        "kind": "latin_hypercube",
        "samples": 10,
        "factors": {
            "reablement.places": {"low": 50, "high": 150, "integer": True},
            "workforce.admin_share": {"low": 0.2, "high": 0.4},
            "organisation.preset": ["in_house", "outsourced"],
        },
    }
    arms = design_arms(_experiment(design))
    again = design_arms(_experiment(design))
    assert [a.values for a in arms] == [a.values for a in again]
    admin = np.array([a.values["workforce.admin_share"] for a in arms])
    # One sample in each tenth of the range: the defining property of a Latin hypercube.
    strata = np.floor((admin - 0.2) / 0.02).astype(int)
    assert sorted(strata.tolist()) == list(range(10))
    assert all(isinstance(a.values["reablement.places"], int) for a in arms)
    presets = [a.values["organisation.preset"] for a in arms]
    assert presets.count("in_house") == presets.count("outsourced") == 5
    other_seed = design_arms(_experiment(design).model_copy(update={"seed": 6}))
    assert [a.values for a in other_seed] != [a.values for a in arms]


def test_morris_and_sobol_sample_sizes():
    factors = {
        "reablement.places": {"low": 50, "high": 150},
        "workforce.admin_share": {"low": 0.2, "high": 0.4},
    }
    morris = design_arms(_experiment({"kind": "morris", "trajectories": 5, "factors": factors}))
    assert len(morris) == 5 * (2 + 1)
    sobol = design_arms(_experiment({"kind": "sobol", "samples": 8, "factors": factors}))
    assert len(sobol) == 8 * (2 + 2)
    assert all(50 <= a.values["reablement.places"] <= 150 for a in morris + sobol)


def test_replication_seeds_are_spawned_children_of_the_experiment_seed():
    children = np.random.SeedSequence(5).spawn(3)
    for k, child in enumerate(children):
        mine = replication_seed(5, k)
        assert mine.spawn_key == child.spawn_key == (k,)
        assert (mine.generate_state(4) == child.generate_state(4)).all()
    assert (
        replication_seed(5, 0).generate_state(4) != replication_seed(5, 1).generate_state(4)
    ).any()
