"""A run told to keep no event log gives the same summary and series, and no event rows."""

from __future__ import annotations

import pandas as pd
from carepath.experiments.calibration.model import CalibrationModel
from carepath.sim import CarePathwayModel
from carepath.sim.engine.events import EventCount, EventLog

SMALL = {"run": {"warmup_days": 30}, "population": {"total": 60_000}}


def _model(cls: type = CarePathwayModel) -> CarePathwayModel:
    return cls(years=0.3, rng=11, scenario=SMALL)


def test_without_the_event_log_the_summary_and_series_are_the_same():
    full = _model().run()
    lean = _model()
    lean.keep_only(events=False)
    kept = lean.run()
    assert kept.events is None
    assert isinstance(lean.log, EventCount)
    assert kept.summary == full.summary  # events_logged included: the count goes on
    assert kept.summary["run"]["events_logged"] == len(full.events) > 1000
    pd.testing.assert_frame_equal(kept.timeseries, full.timeseries, check_exact=True)


def test_dropping_the_log_part_way_counts_on_from_its_length():
    model = _model()
    model.run(until=40)
    rows = len(model.log)
    assert rows > 0
    model.keep_only(events=False)
    assert len(model.log) == rows
    results = model.run()
    assert results.summary["run"]["events_logged"] == len(_model().run().events)


def test_keeping_the_events_changes_nothing():
    model = _model()
    model.keep_only(events=True)
    assert isinstance(model.log, EventLog)
    assert model.run().events is not None


def test_the_calibration_model_keeps_the_log_its_balance_reads():
    model = _model(CalibrationModel)
    model.keep_only(events=False)
    results = model.run()
    assert isinstance(results.events, pd.DataFrame) and len(results.events) > 1000
    assert "balance" in results.summary
