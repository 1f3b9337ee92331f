"""The daily collector records exactly what Mesa's DataCollector would, without its copies."""

from __future__ import annotations

import mesa
import pandas as pd
import pytest
from carepath.sim import CarePathwayModel
from carepath.sim.measure.collector import DailyCollector
from carepath.sim.measure.reporters import DAILY_REPORTERS


def test_daily_series_equal_mesa_datacollector_over_a_run():
    model = CarePathwayModel(
        years=0.2, rng=5, scenario={"run": {"warmup_days": 0}, "population": {"total": 60_000}}
    )
    # Mesa's own collector fed on the same days as the model's.
    reference = mesa.DataCollector(model_reporters=dict(DAILY_REPORTERS))
    reference.collect(model)
    collect = model.datacollector.collect

    def both(target: CarePathwayModel) -> None:
        collect(target)
        reference.collect(target)

    model.datacollector.collect = both  # type: ignore[method-assign]
    model.run()
    ours = model.datacollector
    assert ours._collection_steps == reference._collection_steps
    assert len(ours._collection_steps) == 74  # day 0 and 73 days
    pd.testing.assert_frame_equal(
        ours.get_model_vars_dataframe(), reference.get_model_vars_dataframe(), check_exact=True
    )
    assert ours.model_vars["waiting_for_assessment"][-1] > 0


def test_a_reporter_returning_an_object_is_refused_naming_it():
    class Model(mesa.Model):
        pass

    collector = DailyCollector({"count": lambda m: 3, "queue": lambda m: [1, 2]})
    with pytest.raises(TypeError, match="reporter 'queue' returned list"):
        collector.collect(Model(rng=0))


def test_after_the_first_day_values_are_appended_as_returned():
    class Model(mesa.Model):
        pass

    model = Model(rng=0)
    counter = iter(range(10))
    collector = DailyCollector({"n": lambda m: next(counter), "half": lambda m: 0.5})
    for _ in range(3):
        collector.collect(model)
    # Mesa's first collection calls each reporter once more to validate it.
    assert collector.model_vars == {"n": [1, 2, 3], "half": [0.5, 0.5, 0.5]}
    assert collector._collection_steps == [0.0, 0.0, 0.0]
