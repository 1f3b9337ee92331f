"""Where a person can be on the pathway: the states of the event log and of the daily counts."""

from __future__ import annotations

from enum import IntEnum


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
