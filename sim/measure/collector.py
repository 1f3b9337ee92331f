"""The daily collector: Mesa's DataCollector, without a copy of every number it records.

Mesa's ``DataCollector.collect`` type-checks each model reporter and deep-copies the value it
returns, in case it is a mutable object that changes after the day is recorded. The daily
reporters (``carepath.sim.measure.reporters``) return ints and floats, which cannot change, so
the copy is wasted work: a tenth of a run's time went to collecting the series, most of it to
the checks and copies rather than to the reporters. This collector records the same values in
the same places (``model_vars``, ``_collection_steps``), so ``get_model_vars_dataframe`` and
everything reading them see what Mesa's would give.
"""

from __future__ import annotations

from collections.abc import Callable
from numbers import Real
from typing import Any

import mesa


class DailyCollector(mesa.DataCollector):
    """A DataCollector of model reporters that each return a real number.

    Args:
        model_reporters: column name -> function of the model returning an int or a float.

    Raises:
        TypeError: on the first collection, for a reporter that returns anything but a real
            number (its value would need Mesa's copy).
    """

    def __init__(self, model_reporters: dict[str, Callable[[Any], float]]) -> None:
        super().__init__(model_reporters=model_reporters)
        self._columns = [
            (self.model_vars[name], reporter) for name, reporter in model_reporters.items()
        ]

    def collect(self, model: Any) -> None:
        """Record each reporter's value for today."""
        if not self._validated:
            # Mesa's own first collection checks every reporter; then check they are numbers.
            super().collect(model)
            for name, values in self.model_vars.items():
                if not isinstance(values[-1], Real):
                    raise TypeError(
                        f"reporter {name!r} returned {type(values[-1]).__name__}; the daily "
                        "collector records only real numbers"
                    )
            return
        self._collection_steps.append(model.time)
        for values, reporter in self._columns:
            values.append(reporter(model))
