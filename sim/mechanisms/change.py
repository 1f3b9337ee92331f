"""Organisational change as an event: the switch from the current arrangement to an option.

Councils do not start life as a social enterprise; they move their staff into one on a date
(seeds 000, 001: Swindon's and Birmingham's plans to transfer adult social workers). A run with
a change configured (``scenario.change``) warms up under the current arrangement, a preset
whose parameters stand in for the option's, and switches on the change day. What happens then:

- some permanent staff leave rather than transfer (``transfer_leavers``); their posts fall
  vacant and are recruited to like any other;
- social workers give a share of their usual pathway hours for a transition period
  (``productivity``);
- the option's set-up cost is spent from the change day (``CarePathwayModel``);
- the option's effects on ways of working may fade back towards the current arrangement's
  values (``faded_scenario``), while its contracts and structure stay.

Nothing happens at all when the option's parameters equal the current arrangement's: that is
no change, and the run is byte for byte the run without one (``is_change``).

The size of each effect is an assumption (the seeds give no figures); the defaults are neutral.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Iterable, Mapping, Sequence
from typing import TYPE_CHECKING, Any, get_args

from carepath.sim.mechanisms import approval, provision
from carepath.sim.scenario import (
    Change,
    ProviderKind,
    RunSettings,
    Scenario,
    ScenarioError,
    describe_errors,
    set_path,
)
from pydantic import ValidationError

if TYPE_CHECKING:
    from carepath.sim.engine.streams import Stream

# The option's effects on how people work, which may wear off as novelty does; the rest of a
# preset (overhead, margin, savings target, purchasing power, council checks, set-up cost) is
# contract and structure, which stays.
FADING = (
    "workforce.admin_share",
    "organisation.autonomy",
    "organisation.terms_risk",
    "approval.rework_share",
    "practice.creative_support_share",
    "integration.discharge_to_assess_share",
    "integration.early_referral_days",
)


def change_day(change: Change, run: RunSettings) -> int:
    """The first day under the new arrangement: as set, or the first day after the warm-up.

    The first day measured, so the transfer itself (leavers, set-up) is in the KPIs, and a
    snapshot at the end of the warm-up is the eve of the change that every option forks from.
    """
    return change.day if change.day is not None else run.warmup + 1


def _get(tree: dict[str, Any], path: str) -> Any:
    for key in path.split("."):
        tree = tree[key]
    return tree


def _validated(data: dict[str, Any]) -> Scenario:
    try:
        return Scenario.model_validate(data)
    except ValidationError as exc:
        raise ScenarioError(describe_errors(exc, Scenario)) from None


def warmup_scenario(
    scenario: Scenario, current: Mapping[str, Any], option_paths: Iterable[str]
) -> Scenario:
    """The scenario the run follows before the change.

    Args:
        scenario: the scenario of the run, whose option is ``organisation.preset``.
        current: the parameters (dotted paths) of the current arrangement's preset,
            ``change.current``, with ``change.current_values`` in place of its own; they
            replace the option's until the change day.
        option_paths: the parameters the option's preset sets; each must be among ``current``,
            or the warm-up would keep some of the option's values.

    Everything else, including any value the user set that no preset sets, is the scenario's
    own. A value the user set for a preset parameter describes the option, so it waits for the
    change too.

    Raises:
        ScenarioError: ``current`` does not set a parameter the option sets.
    """
    name = scenario.change.current
    for path in option_paths:
        if path not in current:
            raise ScenarioError(
                f"change.current: preset {name!r} does not set {path}, which the option "
                f"{scenario.organisation.preset!r} sets; the warm-up would not be defined"
            )
    data = scenario.model_dump(mode="python")
    for path, value in current.items():
        set_path(data, path, value)
    set_path(data, "organisation.preset", name)
    try:
        return _validated(data)
    except ScenarioError as exc:
        if not scenario.change.current_values:
            raise
        # Only a drawn current value can make the warm-up invalid: name where it was set.
        raise ScenarioError(f"change.current_values: {exc}") from None


def is_change(warmup: Scenario, option: Scenario) -> bool:
    """Whether switching from ``warmup`` to ``option`` changes the arrangement at all."""
    return warmup.model_dump(exclude={"organisation": {"preset"}}) != option.model_dump(
        exclude={"organisation": {"preset"}}
    )


def warmup_identity(scenario: Scenario, warmup: Scenario) -> str:
    """A digest of everything the state of a run before its change day depends on.

    Two scenarios with one identity have the same warm-up, so one snapshot serves both: they
    may differ in the option and in the change settings that act from the change day on, but
    not in the current arrangement, the rest of the scenario, or (when set-up is paid from day
    0) the option's set-up cost. The scenario's name is left out.

    Args:
        scenario: the scenario of the run.
        warmup: its ``warmup_scenario`` (the scenario itself when no change is configured).
    """
    if not scenario.change.enabled:
        data = {"scenario": scenario.model_dump(mode="json", exclude={"name"})}
    else:
        change = scenario.change
        data = {
            "warmup": _read_before_change(warmup),
            "current": change.current,
            "setup_before_change": None
            if change.setup_on_change_day
            else [scenario.organisation.setup_cost, scenario.organisation.setup_days],
        }
    text = json.dumps(data, sort_keys=True)
    return hashlib.sha256(text.encode()).hexdigest()[:16]


def inert_in(path: str, scenario: Scenario) -> bool:
    """Whether nothing in a run of ``scenario`` reads the value at ``path`` (a dotted path).

    The settings of the council's checks when it checks nothing, and a kind of provider's terms
    when no service is bought from that kind: options forked from one warm-up may differ in
    them, as in the change settings.
    """
    section, _, rest = path.partition(".")
    if section == "approval":
        return rest in approval.CHECK_FIELDS and not scenario.approval.council_checks_assessments
    if section == "provision" and "." in rest:
        return rest.split(".")[0] not in provision.kinds_used(scenario.provision)
    return False


def _read_before_change(warmup: Scenario) -> dict[str, Any]:
    """The warm-up scenario, without what nothing reads before the change day."""
    data = warmup.model_dump(mode="json", exclude={"name", "change"})
    for name in approval.CHECK_FIELDS:
        if inert_in(f"approval.{name}", warmup):
            del data["approval"][name]
    for kind in get_args(ProviderKind):
        if inert_in(f"provision.{kind}.home_care_cost_factor", warmup):
            del data["provision"][kind]
    return data


def transfer_leavers[W](workers: Sequence[W], share: float, stream: Stream) -> list[W]:
    """The permanent staff who leave at transfer: each with chance ``share``, in the given order.

    No draw is made when ``share`` is 0, so a change with no leavers uses no random numbers.
    """
    if share <= 0.0:
        return []
    return [w for w in workers if stream.chance(share)]


def productivity(days_since_change: float, change: Change) -> float:
    """Share of usual pathway hours given ``days_since_change`` days after the change."""
    if 0.0 <= days_since_change < change.transition_days:
        return change.transition_productivity
    return 1.0


def faded(current: float, option: float, days_since_change: float, per_year: float) -> float:
    """The option's value ``days_since_change`` after the change, fading back to ``current``.

    The distance from ``current`` shrinks by the share ``per_year`` each year, continuously.
    """
    if per_year <= 0.0:
        return option
    if per_year >= 1.0:
        return current
    return current + (option - current) * (1.0 - per_year) ** (days_since_change / 365.0)


def faded_scenario(warmup: Scenario, option: Scenario, days_since_change: float) -> Scenario:
    """The option with its ways-of-working effects faded (``FADING``); the option if no fade."""
    per_year = option.change.fade_per_year
    if per_year <= 0.0:
        return option
    data = option.model_dump(mode="python")
    before = warmup.model_dump(mode="python")
    for path in FADING:
        value = faded(_get(before, path), _get(data, path), days_since_change, per_year)
        set_path(data, path, value)
    return _validated(data)
