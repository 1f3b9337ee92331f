"""The levers a planner can move in the dashboards, their ranges, and how they are checked."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from carepath.sim.model import LEVERS, CarePathwayModel
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import FACS_THRESHOLDS, Scenario, ScenarioError, build_scenario

SEED_MAX = 2**63 - 1
DEFAULT_PRESET = "in_house"


@dataclass(frozen=True)
class Lever:
    """One control: a keyword of ``CarePathwayModel`` and how it is shown.

    Attributes:
        name: the model's keyword (a key of ``sim.model.LEVERS``).
        label: what the planner reads.
        kind: ``"int"``, ``"float"``, ``"bool"`` or ``"choice"``.
        low: smallest slider value; ``high``: largest; ``step``: slider step.
        choices: the allowed values of a ``"choice"``.
        hint: a sentence under the control, where its label alone could mislead.
    """

    name: str
    label: str
    kind: str
    low: float = 0
    high: float = 1
    step: float = 1
    choices: tuple[str, ...] = ()
    hint: str = ""

    @property
    def path(self) -> str:
        """The scenario field the lever sets."""
        return LEVERS[self.name]


# The main levers of issue 6; home care and care-home capacity complete the pathway.
MAIN_LEVERS: tuple[Lever, ...] = (
    Lever(
        "funded_posts",
        "Funded social-worker posts",
        "int",
        10,
        300,
        5,
        hint="Posts the organisation pays for. The card 'Social workers in post' counts the "
        "people in them, agency staff included: fewer while posts are vacant.",
    ),
    Lever("reablement_places", "Re-ablement places", "int", 0, 400, 5),
    Lever(
        "eligibility_threshold", "Eligibility threshold", "choice", choices=tuple(FACS_THRESHOLDS)
    ),
    Lever("council_checks", "Council checks every assessment (approval regime)", "bool"),
    Lever("strengths_based", "Strengths-based practice", "bool"),
    Lever("discharge_to_assess", "Discharge to assess (integration)", "float", 0, 1, 0.05),
    Lever("home_care_hours", "Home-care hours a week", "int", 5_000, 80_000, 1_000),
    Lever("care_home_places", "Care-home places", "int", 200, 4_000, 50),
    Lever("years", "Years to simulate", "int", 1, 10, 1),
)


def preset_title(name: str) -> str:
    """The preset's readable title."""
    return PRESETS[name].title


def field(scenario: Scenario, path: str) -> Any:
    """The value at a dotted ``path`` of a scenario."""
    value: Any = scenario
    for part in path.split("."):
        value = getattr(value, part)
    return value


def preset_levers(preset: str) -> dict[str, Any]:
    """The value every lever has under ``preset`` (its documented mechanism values)."""
    scenario = build_scenario(preset=preset)
    return {lever.name: field(scenario, lever.path) for lever in MAIN_LEVERS}


def parse_seed(text: str) -> int:
    """The seed typed by a planner.

    Raises:
        ScenarioError: when ``text`` is not a whole number from 0 to ``SEED_MAX``.
    """
    try:
        seed = int(str(text).strip())
    except ValueError:
        raise ScenarioError(f"seed: {text!r} is not a whole number") from None
    if not 0 <= seed <= SEED_MAX:
        raise ScenarioError(f"seed: must be from 0 to {SEED_MAX}, not {seed}")
    return seed


def make_model(preset: str, levers: dict[str, Any], seed: int) -> CarePathwayModel:
    """A new model for ``preset`` with ``levers`` and ``seed``.

    Raises:
        ScenarioError: naming each invalid value.
    """
    unknown = sorted(set(levers) - set(LEVERS))
    if unknown:
        raise ScenarioError(f"{unknown[0]}: unknown lever; allowed: {', '.join(LEVERS)}")
    return CarePathwayModel(preset=preset, rng=seed, **levers)
