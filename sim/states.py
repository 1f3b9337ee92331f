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
    AWAITING_DIRECT_PAYMENT = 9
    DIRECT_PAYMENT = 10
    AWAITING_SUPPORTED_LIVING = 11
    SUPPORTED_LIVING = 12
    AWAITING_CARE_HOME = 13
    CARE_HOME = 14
    SIGNPOSTED = 15
    LOW_LEVEL_SUPPORT = 16
    NO_SERVICE = 17
    COMMUNITY_SUPPORT = 18
    SELF_FUNDED = 19
    INDEPENDENT = 20
    WITHDRAWN = 21
    MOVED_ON = 22
    DIED = 23

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
# Long-term support as ASC-FR counts it: in the community (three settings) or in a care home.
COMMUNITY_LONG_TERM_STATES = (State.HOME_CARE, State.DIRECT_PAYMENT, State.SUPPORTED_LIVING)
LONG_TERM_STATES = (*COMMUNITY_LONG_TERM_STATES, State.CARE_HOME)
