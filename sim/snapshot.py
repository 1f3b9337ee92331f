"""Snapshots of a running model: save it on a given day, load it later and carry on.

A warm-up is the same for every option and every parameter draw of an appraisal, so it is run
once, saved, and each run forks from it. A snapshot holds the whole model: people and their
pending timers, the calendar, the random streams part-way through their buffers, the ledger,
the event log and the daily time series so far. A run continued from a snapshot is byte for
byte the run that was never interrupted.

The file is a one-line JSON header and then the pickled model. The header says which format,
which code and which scenario made it, and is checked before anything is unpickled: a snapshot
from other code (whose classes may hold other state) or another scenario is refused with one
line. The model is pickled with ``cloudpickle``, which stores the few closures a model holds
(the time series reporters, a pending direct payment) by value; everything else is plain
pickle. Unpickling runs code, so load only snapshots you made.
"""

from __future__ import annotations

import hashlib
import json
import os
import pickle
import platform
import tempfile
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

import cloudpickle
import mesa
import numpy as np
from carepath.sim.mechanisms.change import warmup_identity
from carepath.sim.model import warmup_of
from carepath.sim.scenario import ScenarioError

import carepath

if TYPE_CHECKING:
    from carepath.sim.model import CarePathwayModel
    from carepath.sim.scenario import Scenario

FORMAT = "carepath-snapshot"
FORMAT_VERSION = 1


class SnapshotError(ValueError):
    """A snapshot that cannot be used here: the message is one line saying why."""


@cache
def code_identity() -> dict[str, str]:
    """What must match for a pickled model to mean the same thing when it is loaded.

    The versions of carepath, Python, numpy and Mesa, and a digest of the simulation's source:
    a snapshot is a cache of a run, so any change to the model's code makes it stale.
    """
    root = Path(__file__).parent
    digest = hashlib.sha256()
    for path in sorted(root.rglob("*.py")) + sorted(root.rglob("*.toml")):
        digest.update(path.relative_to(root).as_posix().encode())
        digest.update(path.read_bytes())
    return {
        "carepath": carepath.__version__,
        "python": platform.python_version(),
        "numpy": np.__version__,
        "mesa": mesa.__version__,
        "source": digest.hexdigest()[:16],
    }


def scenario_identity(scenario: Scenario) -> str:
    """A digest of what a snapshot's state depends on in ``scenario``.

    With an organisational change configured, that is the warm-up (``change.warmup_identity``):
    options forked from one warm-up may differ in everything that acts from the change day on.
    """
    return warmup_identity(scenario, warmup_of(scenario))


def freeze(model: CarePathwayModel) -> bytes:
    """The whole of ``model`` as bytes; ``pickle.loads`` gives an independent copy."""
    return cloudpickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)


def save_snapshot(model: CarePathwayModel, path: str | Path) -> Path:
    """Write ``model`` as it is now to ``path`` (atomically: the file is whole or absent).

    The model is not changed and may carry on running.

    Returns:
        The path written.
    """
    path = Path(path)
    header = {
        "format": FORMAT,
        "version": FORMAT_VERSION,
        "code": code_identity(),
        "scenario": scenario_identity(model.option),
        "day": model.steps,
        "seed": str(model.seed),
    }
    payload = freeze(model)
    path.parent.mkdir(parents=True, exist_ok=True)
    # A temporary file beside the target, renamed over it: a crash or a full disk leaves the
    # old file (or none), never half of a new one.
    fd, tmp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        with os.fdopen(fd, "wb") as out:
            out.write(json.dumps(header, sort_keys=True).encode() + b"\n")
            out.write(payload)
            out.flush()
            os.fsync(out.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise
    return path


def read_header(path: str | Path) -> dict[str, Any]:
    """The header of the snapshot at ``path``, checked against this code.

    Raises:
        SnapshotError: the file is missing, is not a snapshot, or was made by other code.
    """
    path = Path(path)
    try:
        with path.open("rb") as f:
            line = f.readline(65536)
    except OSError as exc:
        raise SnapshotError(f"snapshot {path}: cannot read ({exc.strerror})") from None
    try:
        header = json.loads(line)
    except ValueError:
        header = None
    if not isinstance(header, dict) or header.get("format") != FORMAT:
        raise SnapshotError(f"snapshot {path}: not a carepath snapshot")
    if header.get("version") != FORMAT_VERSION:
        raise SnapshotError(
            f"snapshot {path}: format version {header.get('version')}, this carepath reads "
            f"version {FORMAT_VERSION}; make the snapshot again"
        )
    here = code_identity()
    made = header.get("code", {})
    differs = [k for k in here if made.get(k) != here[k]]
    if differs:
        what = ", ".join(f"{k} {made.get(k)} (here {here[k]})" for k in differs)
        raise SnapshotError(f"snapshot {path}: made by other code: {what}; make it again")
    return header


def load_snapshot(path: str | Path, scenario: Scenario | None = None) -> CarePathwayModel:
    """Load the model saved at ``path``, ready to carry on from the day it was saved.

    Each call gives an independent copy: two loads of one snapshot share no state.

    Args:
        path: a file written by ``save_snapshot``.
        scenario: if given, the scenario the run is to continue under. It must have the
            snapshot's warm-up; with an organisational change configured it may choose
            another option (``organisation.preset``) and other change settings, which then
            apply from its change day (``CarePathwayModel.adopt``).

    Raises:
        SnapshotError: the file is not a snapshot, was made by other code or for another
            scenario, or the change ``scenario`` asks for would come before the snapshot's day.
    """
    header = read_header(path)
    if scenario is not None and scenario_identity(scenario) != header["scenario"]:
        raise SnapshotError(
            f"snapshot {path}: made for another scenario (its warm-up differs from this "
            "scenario's); make the snapshot with this scenario"
        )
    with Path(path).open("rb") as f:
        f.readline(65536)
        model = pickle.load(f)
    if scenario is not None:
        try:
            model.adopt(scenario)
        except ScenarioError as exc:
            raise SnapshotError(f"snapshot {path}: {exc}") from None
    return model
