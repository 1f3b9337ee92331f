"""carepath's model: adult social care pathways in an English council, on Mesa 3.5."""

from sim.model import LEVERS, CarePathwayModel
from sim.presets import PRESETS
from sim.scenario import Scenario, ScenarioError, build_scenario, load_scenario

__all__ = [
    "LEVERS",
    "PRESETS",
    "CarePathwayModel",
    "Scenario",
    "ScenarioError",
    "build_scenario",
    "load_scenario",
]
