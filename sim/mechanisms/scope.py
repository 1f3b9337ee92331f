"""The scope of an organisational change: which cases the option takes over, and with what staff.

A social work practice serves "a specified group of adults" (seed 003), not the whole council.
A scoped change (``change.scope``) splits the social-work service on the change day: the
option's team holds and works the cases in scope, the current arrangement's team the rest,
each with its own settings (``CarePathwayModel._split_service``, ``sim/teams.py``). This
module holds the rules, with their parameters passed in:

- who is in scope: a person of a scoped client group, and within it a fixed share of people,
  chosen by a draw from their id that every option of a seed shares (``in_scope``);
- how much of the work is in scope: the share of the team's hours that went to the scoped
  groups before the change, times the share of their people (``scoped_work_share``); the
  establishment follows it unless ``change.scope.staff_share`` says otherwise;
- what each team's settings are: its arrangement's, with the establishment scaled to its
  staff share and the council's checking officers to its share of the work
  (``team_settings``);
- which permanent staff move (``movers``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable, Sequence
from typing import TYPE_CHECKING

from carepath.sim.scenario import GROUPS, Scenario, Scope

if TYPE_CHECKING:
    from carepath.sim.engine.streams import Stream

# The fractional part of the golden ratio: id x this, modulo 1, spreads consecutive ids evenly
# over [0, 1) (a Weyl sequence), so the share in scope is close to the share set in any
# stretch of arrivals, not only on average.
_GOLDEN = 0.6180339887498949


def scope_offset(seed: object) -> float:
    """A fraction in [0, 1) fixed by the run's seed, so each seed puts other people in scope.

    From a digest of the seed's text, not ``hash``, which differs between processes.
    """
    digest = hashlib.sha256(str(seed).encode()).digest()
    return int.from_bytes(digest[:7], "big") / 2**56


def scoped_groups(scope: Scope) -> frozenset[int] | None:
    """Indices (into ``GROUPS``) of the client groups in scope; None for every group."""
    if not scope.groups:
        return None
    return frozenset(GROUPS.index(name) for name in scope.groups)


def in_scope(
    group: int, person_id: int, groups: frozenset[int] | None, share: float, offset: float
) -> bool:
    """Whether the option holds the case of person ``person_id`` of client group ``group``.

    The person's draw, ``person_id x golden ratio + offset`` modulo 1, is fixed for the run
    and does not use a random stream: the same people are in scope under every option and
    in every run forked from one snapshot, and a return contact stays where it was.
    """
    if groups is not None and group not in groups:
        return False
    if share >= 1.0:
        return True
    return (person_id * _GOLDEN + offset) % 1.0 < share


def scoped_work_share(
    hours_by_group: Sequence[float],
    groups: frozenset[int] | None,
    share: float,
    fallback: Sequence[float],
) -> float:
    """The share of the social-work service's work that is in scope.

    Args:
        hours_by_group: social-work hours given to each client group before the change.
        groups: the scoped groups (``scoped_groups``).
        share: ``change.scope.share``.
        fallback: weights of the groups among new requests, used when no hours were given
            before the change (a change on day 1).

    Returns:
        ``share`` x the scoped groups' part of the hours: the expected share of the work in
        scope, since people within a group are in scope independently of their needs.
    """
    weights = hours_by_group if sum(hours_by_group) > 0.0 else fallback
    total = sum(weights)
    if total <= 0.0:
        return share
    scoped = sum(w for g, w in enumerate(weights) if groups is None or g in groups)
    return share * scoped / total


def team_settings(scenario: Scenario, staff_share: float, work_share: float) -> Scenario:
    """``scenario`` for a team holding ``staff_share`` of the establishment.

    The establishment (``workforce.establishment_fte``) is scaled to ``staff_share``; the
    council's checking officers (``approval.checker_fte``) to ``work_share``, the team's
    share of the work: when the council checks this team's assessments only, it staffs the
    checks in proportion to them (derived, not sourced). Everything else is the
    arrangement's own.
    """
    workforce = scenario.workforce.model_copy(
        update={"establishment_fte": scenario.workforce.establishment_fte * staff_share}
    )
    approval = scenario.approval.model_copy(
        update={"checker_fte": scenario.approval.checker_fte * work_share}
    )
    return scenario.model_copy(update={"workforce": workforce, "approval": approval})


def movers[W](workers: Iterable[W], share: float, stream: Stream) -> list[W]:
    """The permanent staff who move to the option's team: ``round(share x count)`` of them.

    Chosen at random (one draw each, in the given order; none when nobody or everybody
    moves), so the movers' caseloads and morale are the team's, not a selection.
    """
    workers = list(workers)
    count = round(share * len(workers))
    if count <= 0:
        return []
    if count >= len(workers):
        return workers
    keys = [stream.uniform() for _ in workers]
    chosen = sorted(range(len(workers)), key=keys.__getitem__)[:count]
    return [workers[i] for i in sorted(chosen)]
