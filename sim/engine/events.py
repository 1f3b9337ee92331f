"""The per-person event log: one row for every transition between states.

Domain-free: states are small integers and their labels are given when the log is made.
``EventCount`` stands in for the log when no one will read its rows (an experiment's run keeps
KPIs and a few series): it keeps only their number.
"""

from __future__ import annotations

from array import array
from collections.abc import Sequence

import numpy as np
import pandas as pd


class EventLog:
    """Columnar, append-only log of transitions (typed arrays keep memory flat).

    Args:
        states: the label of each state code, in code order (the frame's categories).
    """

    def __init__(self, states: Sequence[str]) -> None:
        self.states = list(states)
        self.person = array("q")
        self.time = array("d")
        self.source = array("b")
        self.target = array("b")
        self.cause = array("h")
        self.cost = array("d")
        self._causes: dict[str, int] = {}

    def __len__(self) -> int:
        return len(self.person)

    def record(
        self, person_id: int, time: float, source: int, target: int, cause: str, cost: float
    ) -> None:
        """Append one transition."""
        code = self._causes.get(cause)
        if code is None:
            code = self._causes[cause] = len(self._causes)
        self.person.append(person_id)
        self.time.append(time)
        self.source.append(source)
        self.target.append(target)
        self.cause.append(code)
        self.cost.append(cost)

    def to_frame(self) -> pd.DataFrame:
        """The log as a DataFrame: ``person_id, time, from_state, to_state, cause, cost``."""
        states = self.states
        causes = list(self._causes)
        return pd.DataFrame(
            {
                "person_id": np.frombuffer(self.person, dtype=np.int64).copy(),
                "time": np.frombuffer(self.time, dtype=np.float64).copy(),
                "from_state": pd.Categorical.from_codes(_codes(self.source), categories=states),
                "to_state": pd.Categorical.from_codes(_codes(self.target), categories=states),
                "cause": pd.Categorical.from_codes(_codes(self.cause), categories=causes),
                "cost": np.frombuffer(self.cost, dtype=np.float64).copy(),
            }
        )


def _codes(values: array) -> np.ndarray:
    return np.frombuffer(values, dtype=np.int8 if values.typecode == "b" else np.int16).copy()


class EventCount:
    """An event log that keeps only how many transitions were recorded, not the rows.

    Args:
        rows: transitions recorded before this count took over (a log's ``len``).
    """

    def __init__(self, rows: int = 0) -> None:
        self.rows = rows

    def __len__(self) -> int:
        return self.rows

    def record(
        self, person_id: int, time: float, source: int, target: int, cause: str, cost: float
    ) -> None:
        """Count one transition."""
        self.rows += 1
