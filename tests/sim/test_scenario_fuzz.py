"""Fuzzing the scenario schema: every scenario within its declared limits is refused or runs.

Hypothesis draws scenarios from the schema itself (each field's own limits, types, choices),
a few fields at a time over a small council. Each is either refused with ``ScenarioError``
(one line per problem, naming the field) or builds and runs a few days without any other
exception. The runs are derandomised, so CI sees the same 1,000 scenarios every time; a
longer campaign draws more: ``CAREPATH_FUZZ_EXAMPLES=10000 pytest tests/sim/test_scenario_fuzz.py``.
"""

from __future__ import annotations

import json
import os
import re
import signal
import typing
from collections import Counter
from typing import Any

import annotated_types as at
from carepath.sim import CarePathwayModel, build_scenario
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import GROUPS, Scenario, ScenarioError
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from pydantic import BaseModel
from pydantic.fields import FieldInfo

EXAMPLES = int(os.environ.get("CAREPATH_FUZZ_EXAMPLES", "1000"))
RUN_DAYS = 3
SECONDS_PER_CASE = 30  # a hang (an endless loop in set-up) fails the test instead of CI
# Cases are run only while small, so that memory and time stay bounded per case; larger
# ones are still built, which is where the resource budget refuses what would not fit.
RUN_PEOPLE_AT_START = 20_000
RUN_CONTACTS_A_DAY = 20_000

# A small council (20,000 residents, capacities scaled from the defaults) under the drawn
# values, so that most scenarios run in milliseconds.
SMALL_COUNCIL: dict[str, Any] = {
    "population": {"total": 20_000},
    "workforce": {"establishment_fte": 6.4},
    "reablement": {"places": 7},
    "home_care": {"capacity_hours_per_week": 2_400.0},
    "care_homes": {"places": 100},
    "commissioning": {"annual_budget": 8_344_000.0},
}

# A refusal names a field path (or a section) first, or is a resource-budget line.
REFUSAL = re.compile(r"^(about [\d,]+ (people|contacts)|[a-z_]+(\.[a-z_0-9]+)*[ :])")


def _bounds(metadata: list[Any]) -> dict[str, Any]:
    bounds: dict[str, Any] = {}
    for item in metadata:
        if isinstance(item, at.Ge):
            bounds["min_value"] = item.ge
        elif isinstance(item, at.Gt):
            bounds["min_value"], bounds["exclude_min"] = item.gt, True
        elif isinstance(item, at.Le):
            bounds["max_value"] = item.le
        elif isinstance(item, at.Lt):
            bounds["max_value"], bounds["exclude_max"] = item.lt, True
    return bounds


def _floats(metadata: list[Any], default: float | None) -> st.SearchStrategy[float]:
    bounds = _bounds(metadata)
    anywhere = st.floats(allow_nan=False, allow_infinity=False, **bounds)
    if default is None or default == 0:
        return anywhere
    # Half the draws near the default (x 1/16 to x 16), where most scenarios are valid and run.
    near = st.floats(-4.0, 4.0).map(lambda e: default * 2.0**e)
    return st.one_of(anywhere, near.filter(lambda v: _inside(v, bounds)))


def _inside(value: float, bounds: dict[str, Any]) -> bool:
    low, high = bounds.get("min_value"), bounds.get("max_value")
    above = low is None or value > low or (value == low and not bounds.get("exclude_min"))
    below = high is None or value < high or (value == high and not bounds.get("exclude_max"))
    return above and below


def _integers(metadata: list[Any]) -> st.SearchStrategy[int]:
    bounds = _bounds(metadata)
    low = bounds.get("min_value", -(2**63)) + (1 if bounds.get("exclude_min") else 0)
    high = bounds.get("max_value", 2**63) - (1 if bounds.get("exclude_max") else 0)
    return st.integers(int(low), int(high))


def _strategy(path: str, field: FieldInfo) -> st.SearchStrategy[Any]:
    annotation = field.annotation
    if path == "organisation.preset":
        return st.sampled_from(list(PRESETS))
    if annotation is str:
        return st.text(max_size=20)
    if annotation is bool:
        return st.booleans()
    if typing.get_origin(annotation) is typing.Literal:
        return st.sampled_from(typing.get_args(annotation))
    if annotation is float:
        return _floats(field.metadata, _default(path))
    if annotation is int:
        return _integers(field.metadata)
    if annotation == int | None:
        return st.one_of(st.none(), _integers(field.metadata))
    if annotation == float | None:
        return st.one_of(st.none(), _floats(field.metadata, None))
    if annotation == tuple[str, ...]:  # client groups, a few of them, perhaps one twice
        return st.lists(st.sampled_from(GROUPS), max_size=len(GROUPS) + 1).map(tuple)
    if annotation == dict[str, float]:  # drawn values of the current arrangement, or not its own
        numbers = [p.path for p in PRESETS["in_house"].parameters if not isinstance(p.value, bool)]
        keys = st.sampled_from([*numbers, "workforce.hours_per_week", "approval.council_checks"])
        return st.dictionaries(keys, _floats(field.metadata, None), max_size=3)
    if typing.get_origin(annotation) is tuple:
        items = typing.get_args(annotation)
        metadata = typing.get_args(items[0])[1].metadata
        raw = st.tuples(*(_floats(metadata, None) for _ in items))
        # Shares that add up to 1, as pathway_shares must, so that some are valid.
        normalised = raw.filter(lambda t: sum(t) > 0).map(lambda t: tuple(v / sum(t) for v in t))
        return st.one_of(raw, normalised)
    raise AssertionError(f"{path}: no strategy for {annotation!r}; add one")


DEFAULTS = Scenario().model_dump()


def _default(path: str) -> Any:
    value: Any = DEFAULTS
    for part in path.split("."):
        value = value[part]
    return value


def _leaves(model: type[BaseModel], prefix: str = "") -> dict[str, st.SearchStrategy[Any]]:
    leaves: dict[str, st.SearchStrategy[Any]] = {}
    for name, field in model.model_fields.items():
        annotation = field.annotation
        if isinstance(annotation, type) and issubclass(annotation, BaseModel):
            leaves |= _leaves(annotation, f"{prefix}{name}.")
        else:
            leaves[f"{prefix}{name}"] = _strategy(f"{prefix}{name}", field)
    return leaves


LEAVES = _leaves(Scenario)


@st.composite
def overrides(draw: st.DrawFn) -> dict[str, Any]:
    """A few fields of the scenario, each with a value within its declared limits."""
    paths = draw(st.lists(st.sampled_from(sorted(LEAVES)), min_size=1, max_size=6, unique=True))
    return {path: draw(LEAVES[path]) for path in paths}


def _timeout(_signum: int, _frame: object) -> None:
    raise TimeoutError(f"a case ran for more than {SECONDS_PER_CASE} s")


def _small_enough(scenario: Scenario) -> bool:
    need = scenario.resource_estimate()
    a_day = need.contacts / (scenario.run.years * 365)
    return need.people_at_start <= RUN_PEOPLE_AT_START and a_day <= RUN_CONTACTS_A_DAY


def test_every_scenario_within_the_limits_is_refused_in_one_line_or_runs():
    outcomes: Counter[str] = Counter()

    @settings(
        max_examples=EXAMPLES,
        derandomize=True,
        database=None,
        deadline=None,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.filter_too_much],
    )
    @given(drawn=overrides())
    def check(drawn: dict[str, Any]) -> None:
        try:
            scenario = build_scenario(SMALL_COUNCIL, overrides=drawn)
        except ScenarioError as refusal:
            lines = str(refusal).splitlines()
            assert lines, drawn
            for line in lines:
                assert REFUSAL.match(line), (line, drawn)
            outcomes["refused"] += 1
            return
        outcomes["built"] += 1
        if not _small_enough(scenario):
            return
        short = build_scenario(
            scenario.model_dump(mode="python"),
            overrides={"run.years": RUN_DAYS / 365, "run.warmup_days": 0},
        )
        previous = signal.signal(signal.SIGALRM, _timeout)
        signal.alarm(SECONDS_PER_CASE)
        try:
            # A fixed seed: a case that fails must fail again when hypothesis replays it.
            try:
                model = CarePathwayModel(scenario=short, rng=0)
            except ScenarioError as refusal:
                # With a change configured, the warm-up (the current arrangement's values in
                # the option's place) is checked when the run starts: refused in one line too.
                lines = str(refusal).splitlines()
                assert lines and all(REFUSAL.match(line) for line in lines), (lines, drawn)
                outcomes["refused"] += 1
                return
            results = model.run()
        finally:
            signal.alarm(0)
            signal.signal(signal.SIGALRM, previous)
        json.dumps(results.summary, allow_nan=False)  # what summary.json will hold
        outcomes["ran"] += 1

    check()
    assert outcomes["refused"] + outcomes["built"] >= EXAMPLES
    # The draws must exercise the model, not only the validators.
    assert outcomes["ran"] >= EXAMPLES // 4, outcomes
    assert outcomes["refused"] >= EXAMPLES // 20, outcomes
