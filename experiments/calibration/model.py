"""The model as calibration and validation run it: the same mechanisms, a few more measurements.

``CalibrationModel`` adds a ``balance`` section to the run summary: whether the social workers
keep up, measured as the trend of the queues between the first and the last window after the
warm-up. Nothing it adds is read by the model, so its runs
are the runs of ``sim.model.CarePathwayModel`` on the same seed.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np
import pandas as pd
from carepath.sim.measure.reporters import LONG_TERM_CLIENT_SERIES
from carepath.sim.measure.summary import RunResults
from carepath.sim.model import CarePathwayModel

MODEL = "carepath.experiments.calibration.model:CalibrationModel"
# The comparison windows: a year each, or half the measured period of a shorter run.
WINDOW_DAYS = 365.0
REVIEW_CAUSES = ("reviewed", "review_needs_care_home")


class CalibrationModel(CarePathwayModel):
    """``CarePathwayModel`` with a ``balance`` section in its run summary."""

    def keep_only(self, *, events: bool) -> None:
        """Keep everything: the ``balance`` section reads the event log (reviews done)."""

    def results(self) -> RunResults:
        """The usual results, with ``summary["balance"]``."""
        results = super().results()
        results.summary["balance"] = balance(
            results.timeseries,
            results.events,
            warmup=float(min(self.config.run.warmup, self.time)),
            end=float(self.time),
            review_interval=self.config.assessment.review_interval_days,
        )
        return results


def balance(
    series: pd.DataFrame,
    events: pd.DataFrame,
    *,
    warmup: float,
    end: float,
    review_interval: float,
) -> dict[str, Any]:
    """Whether the team keeps up: queue levels in the first and last windows after warm-up.

    Args:
        series: the daily time series (index: day), with ``reviews_waiting``.
        events: the event log.
        warmup: first day measured.
        end: last day.
        review_interval: days between reviews of a long-term client.

    Returns:
        Window means and trends (last window minus first) of the people waiting for an
        assessment and of the reviews waiting; reviews done and due a year.
    """
    window = min(WINDOW_DAYS, (end - warmup) / 2.0)
    days = series.index.to_numpy(dtype=float)
    first = series[(days >= warmup) & (days < warmup + window)]
    last = series[(days > end - window) & (days <= end)]
    measured = series[days >= warmup]
    clients = series[list(LONG_TERM_CLIENT_SERIES)].sum(axis=1)
    years = max(end - warmup, 1e-9) / 365.0
    done = events[(events["time"] >= warmup) & events["cause"].astype(str).isin(REVIEW_CAUSES)]
    waiting_first = _mean(first["waiting_for_assessment"])
    waiting_last = _mean(last["waiting_for_assessment"])
    reviews_first = _mean(first["reviews_waiting"])
    reviews_last = _mean(last["reviews_waiting"])
    return {
        "window_days": window,
        "waiting_first_mean": waiting_first,
        "waiting_last_mean": waiting_last,
        "waiting_trend": waiting_last - waiting_first,
        "reviews_waiting_first_mean": reviews_first,
        "reviews_waiting_last_mean": reviews_last,
        "reviews_waiting_trend": reviews_last - reviews_first,
        "reviews_done_per_year": len(done) / years,
        "reviews_due_per_year": _mean(clients[measured.index]) * 365.0 / review_interval,
    }


def _mean(values: pd.Series) -> float:
    return float(np.mean(values)) if len(values) else math.nan
