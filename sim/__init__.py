"""carepath's model: adult social care pathways in an English council, on Mesa 3.5."""

from carepath.sim.model import LEVERS, CarePathwayModel
from carepath.sim.presets import PRESETS
from carepath.sim.scenario import Scenario, ScenarioError, build_scenario, load_scenario

__all__ = [
    "LEVERS",
    "PRESETS",
    "CarePathwayModel",
    "Scenario",
    "ScenarioError",
    "build_scenario",
    "load_scenario",
]
