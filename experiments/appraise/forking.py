"""Runs that share their warm-up: each option forks from one warmed-up model per replication.

Every run of an appraisal warms up under the current arrangement, and replication ``k`` of
every option and draw does so on the same seed, so their warm-ups are one and the same
(``change.warmup_identity``). ``forked_model`` is what the runner constructs instead of
``CarePathwayModel``: the first run of a warm-up in a worker process runs it, keeps a pickled
copy of the model on the eve of the change, and carries on; every later run with that
warm-up unpickles the copy and adopts its own option (``CarePathwayModel.adopt``). A fork is
byte for byte the run that was never interrupted (``sim/snapshot.py``), so a run's checksum
does not depend on whether it forked; forking only saves the warm-up's time.

The copy lives in the worker's memory, not on disk: runs are numbered replication-major, so
one worker meets the same warm-up run after run, and a local pool, a Dask worker and a serial
sweep all keep their process between runs. A cache miss only costs the warm-up again.
"""

from __future__ import annotations

import pickle
import threading
from collections import OrderedDict
from typing import Any

import numpy as np
from carepath.sim.model import CarePathwayModel, resolve_scenario
from carepath.sim.scenario import Scenario
from carepath.sim.snapshot import freeze, scenario_identity

MODEL = "carepath.experiments.appraise.forking:forked_model"
# Warm-ups kept per process: a default-council model pickles to tens of megabytes, and runs
# come replication by replication, so one or two are enough.
KEEP = 2
_WARMED: OrderedDict[tuple[str, str], bytes] = OrderedDict()
# A Dask worker may run several tasks at once in threads: the cache is changed under a lock.
_LOCK = threading.Lock()


def forked_model(
    scenario: Scenario | dict[str, Any] | None = None,
    rng: int | np.random.SeedSequence | None = None,
) -> CarePathwayModel:
    """A model on ``scenario`` and ``rng``, its warm-up taken from this process's cache.

    Returns a model whose ``run()`` gives the results ``CarePathwayModel(scenario, rng).run()``
    gives. A run without a change, or whose seed is drawn fresh, is made as usual.
    """
    option = resolve_scenario(scenario, None, {})
    if rng is None or isinstance(rng, np.random.Generator) or not option.change.enabled:
        return CarePathwayModel(scenario=option, rng=rng)
    # The seed as the model records it (str of an int or of a SeedSequence): the key of its luck.
    key = (scenario_identity(option), str(rng))
    with _LOCK:
        warmed = _WARMED.get(key)
        if warmed is not None:
            _WARMED.move_to_end(key)
    if warmed is not None:  # no model is built: a fork skips the initial population too
        fork = pickle.loads(warmed)
        fork.adopt(option)
        return fork
    model = CarePathwayModel(scenario=option, rng=rng)
    change_day = model.change_day
    if change_day is None or change_day - 1 <= model.steps:
        return model
    model.run(until=change_day - 1)  # the eve of the change: every option forks from here
    kept = freeze(model)
    with _LOCK:
        _WARMED[key] = kept
        while len(_WARMED) > KEEP:
            _WARMED.popitem(last=False)
    return model


def clear() -> None:
    """Forget the warm-ups this process keeps."""
    with _LOCK:
        _WARMED.clear()
