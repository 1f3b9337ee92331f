"""The per-person event log: one row for every transition of the pathway."""

from __future__ import annotations

from array import array
from enum import IntEnum

import numpy as np
import pandas as pd


class State(IntEnum):
    """Where a person is on the pathway. Members from ``SIGNPOSTED`` on are exits."""

    CONTACT = 0
    IN_HOSPITAL = 1
    AWAITING_ASSESSMENT = 2
    IN_ASSESSMENT = 3
    AWAITING_APPROVAL = 4
    AWAITING_REABLEMENT = 5
    IN_REABLEMENT = 6
    AWAITING_HOME_CARE = 7
    HOME_CARE = 8
    AWAITING_CARE_HOME = 9
    CARE_HOME = 10
    SIGNPOSTED = 11
    LOW_LEVEL_SUPPORT = 12
    NO_SERVICE = 13
    COMMUNITY_SUPPORT = 14
    SELF_FUNDED = 15
    INDEPENDENT = 16
    WITHDRAWN = 17
    MOVED_ON = 18
    DIED = 19

    @property
    def is_exit(self) -> bool:
        """True for states that end an episode."""
        return self >= State.SIGNPOSTED

    @property
    def label(self) -> str:
        """The state's name as it appears in outputs."""
        return self.name.lower()


ACTIVE_STATES = tuple(s for s in State if s is not State.CONTACT and not s.is_exit)
EXIT_STATES = tuple(s for s in State if s.is_exit)


class EventLog:
    """Columnar, append-only log of transitions (typed arrays keep memory flat)."""

    def __init__(self) -> None:
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
        self, person_id: int, time: float, source: State, target: State, cause: str, cost: float
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
        states = [s.label for s in State]
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
