"""Models with faults, for testing how sweeps cope with runs that fail.

Each behaves like the real model except for arms whose establishment is ``FAULTY_FTE``.
"""

from __future__ import annotations

import os
import time
from pathlib import Path

from carepath.sim.model import CarePathwayModel

FAULTY_FTE = 61


def _faulty(scenario: dict) -> bool:
    return scenario["workforce"]["establishment_fte"] == FAULTY_FTE


class RaisingModel(CarePathwayModel):
    """Raises for the faulty arm."""

    def __init__(self, *, scenario: dict, rng=None) -> None:
        if _faulty(scenario):
            raise RuntimeError("deliberate failure for testing")
        super().__init__(scenario=scenario, rng=rng)


class DyingModel(CarePathwayModel):
    """Kills its own worker process for the faulty arm, as an out-of-memory kill would."""

    def __init__(self, *, scenario: dict, rng=None) -> None:
        if _faulty(scenario):
            os._exit(9)
        super().__init__(scenario=scenario, rng=rng)


class SlowModel(CarePathwayModel):
    """Takes a while, so that a test can kill a sweep part-way; notes each run it starts."""

    def __init__(self, *, scenario: dict, rng=None) -> None:
        log = os.environ.get("CAREPATH_TEST_RUN_LOG")
        if log:
            with Path(log).open("a") as handle:
                run = scenario["run"]
                handle.write(
                    f"{os.getpid()} {scenario['workforce']['establishment_fte']} {run['years']}\n"
                )
        time.sleep(0.3)
        super().__init__(scenario=scenario, rng=rng)
