"""The results store of an experiment: a folder of Parquet parts and a manifest.

Layout::

    DIR/manifest.json                 experiment file, environment, seeds, arms, run checksums
    DIR/runs.parquet/run-000000.parquet     one row per run (factors, status, KPIs, checksum)
    DIR/timeseries.parquet/run-000000.parquet   the run's kept series (optional)

Each part is written to a hidden temporary file and renamed into place, so a part is either
complete or absent; the run's row is written after its series, so a row on disk means the
run is complete. A killed sweep resumes from the rows on disk.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import fcntl
import hashlib
import json
import math
import os
import platform
import re
import subprocess
import tempfile
import time
from dataclasses import dataclass, field
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from carepath.experiments.runs import ID_COLUMNS, RunOutcome, checksum
from carepath.experiments.spec import ExperimentError, parse_experiment
from carepath.sim.measure.outputs import current_umask

FORMAT = "carepath-experiment/1"
MANIFEST = "manifest.json"
RUNS = "runs.parquet"
SERIES = "timeseries.parquet"
LOCK = ".sweep.lock"
PACKAGES = ("carepath", "mesa", "numpy", "pandas", "pyarrow", "pydantic", "scipy", "SALib")
_FLUSH_SECONDS = 2.0


class StoreError(ValueError):
    """An experiment folder that cannot be used: one line, naming the folder."""


def part_name(run_id: int) -> str:
    """The file name of a run's part."""
    return f"run-{run_id:06d}.parquet"


def fingerprint(data: Any) -> str:
    """A checksum of JSON-ready data, independent of key order."""
    text = json.dumps(data, sort_keys=True, separators=(",", ":"), default=str)
    return "sha256:" + hashlib.sha256(text.encode()).hexdigest()


def environment() -> dict[str, Any]:
    """Package versions, Python, platform and git commit of the code that runs."""
    versions = {}
    for name in PACKAGES:
        with contextlib.suppress(metadata.PackageNotFoundError):
            versions[name] = metadata.version(name)
    return {
        "python": platform.python_version(),
        "platform": platform.platform(),
        "packages": versions,
        "git": _git_state(),
    }


def _git_state() -> dict[str, Any] | None:
    root = Path(__file__).resolve().parent.parent
    try:
        commit = subprocess.run(
            ["git", "rev-parse", "HEAD"], cwd=root, capture_output=True, text=True, timeout=10
        )
        if commit.returncode != 0:
            return None
        status = subprocess.run(
            ["git", "status", "--porcelain", "--untracked-files=no"],
            cwd=root,
            capture_output=True,
            text=True,
            timeout=10,
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return {"commit": commit.stdout.strip(), "dirty": bool(status.stdout.strip())}


def write_atomic(path: Path, data: bytes) -> None:
    """Write ``data`` to ``path`` through a temporary file and a rename.

    The file gets the permissions any tool would give a new file under the process's umask
    (``mkstemp`` alone makes it private, which breaks shared results folders).
    """
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
        os.fchmod(handle, 0o666 & ~current_umask())
        with os.fdopen(handle, "wb") as file:
            file.write(data)
            file.flush()
            os.fsync(file.fileno())
        os.replace(temp, path)
    except BaseException:
        with contextlib.suppress(FileNotFoundError):
            os.unlink(temp)
        raise


def _write_table(table: pa.Table, path: Path) -> None:
    sink = pa.BufferOutputStream()
    pq.write_table(table, sink, compression="zstd", write_statistics=False)
    write_atomic(path, sink.getvalue().to_pybytes())


# What the readers of a manifest (report, reproduce, resume, dashboards) rely on: a key and
# the JSON type it must hold.
_MANIFEST_KEYS: tuple[tuple[str, type, str], ...] = (
    ("experiment", dict, "a table with name and spec"),
    ("fingerprint", str, "text"),
    ("seed", int, "a whole number"),
    ("replications", int, "a whole number"),
    ("seeding", str, "text"),
    ("model", str, "text (module:Class)"),
    ("baseline", str, "an arm label"),
    ("arms", list, "a list of arms"),
    ("factor_types", dict, "a table of factor = Arrow type"),
    ("runs_planned", int, "a whole number"),
    ("runs", dict, "a table of run number = record"),
    ("environment", dict, "a table"),
)
_STATUSES = ("ok", "failed")
RESUME_HINT = "; a resumed carepath sweep sets it aside and makes the run again"


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of an experiment folder, checked for what its readers rely on.

    Raises:
        StoreError: if the folder holds no manifest, or one that is not JSON, not this format
            or lacks a field (one line per problem, naming the file and the field).
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder}: not an experiment folder (no {MANIFEST})") from None
    except IsADirectoryError:
        raise StoreError(f"{path}: is a folder, not a manifest file") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: not a valid manifest ({exc})") from None
    except OSError as exc:
        raise StoreError(f"{path}: cannot be read ({exc.strerror or exc})") from None
    if not isinstance(manifest, dict):
        raise StoreError(
            f"{path}: not a valid manifest (a JSON {type(manifest).__name__}, not an object)"
        )
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{path}: unknown format {manifest.get('format')!r}; expected {FORMAT}")
    problems = _manifest_problems(manifest)
    if problems:
        raise StoreError("\n".join(f"{path}: {line}" for line in problems))
    return manifest


def _is(value: Any, kind: type) -> bool:
    # JSON true/false are Python bools, which are ints too: a count must not be one.
    return isinstance(value, kind) and not (kind is int and isinstance(value, bool))


def _manifest_problems(manifest: dict[str, Any]) -> list[str]:
    problems = [
        f"{key}: missing or not {what}"
        for key, kind, what in _MANIFEST_KEYS
        if not _is(manifest.get(key), kind)
    ]
    if problems:
        return problems
    experiment = manifest["experiment"]
    if not (_is(experiment.get("name"), str) and _is(experiment.get("spec"), dict)):
        return ["experiment: needs name (text) and spec (a table)"]
    try:
        spec = parse_experiment(experiment["spec"])
    except ExperimentError as exc:
        return [f"experiment.spec: {line}" for line in str(exc).splitlines()]
    # The top-level copies are what a report shows; the spec is what the runs are made from.
    for key in ("seed", "replications"):
        if manifest[key] != getattr(spec, key):
            return [f"{key}: {manifest[key]!r} is not the experiment spec's {getattr(spec, key)!r}"]
    arms = manifest["arms"]
    for index, arm in enumerate(arms):
        if not (
            isinstance(arm, dict)
            and _is(arm.get("label"), str)
            and arm.get("arm") == index
            and _is(arm.get("values"), dict)
            and _is(arm.get("scenario"), dict)
        ):
            return [f"arms[{index}]: needs arm = {index}, label, values and scenario"]
    labels = [arm["label"] for arm in arms]
    repeated = sorted({label for label in labels if labels.count(label) > 1})
    if repeated:
        return [f"arms: labels must be unique; repeated: {', '.join(map(repr, repeated[:3]))}"]
    if manifest["baseline"] not in labels:
        return [f"baseline: {manifest['baseline']!r} is not an arm label"]
    factors = {name for arm in arms for name in arm["values"]}
    if set(manifest["factor_types"]) != factors:  # a factor read as a KPI fails its checksum
        return [f"factor_types: must name the arms' factors ({', '.join(sorted(factors))})"]
    for name, alias in manifest["factor_types"].items():
        try:
            pa.type_for_alias(alias)
        except (ValueError, TypeError):
            return [f"factor_types: {name!r} has unknown type {alias!r}"]
    if manifest["runs_planned"] != len(arms) * manifest["replications"]:
        return [
            f"runs_planned: {manifest['runs_planned']} is not {len(arms)} arms × "
            f"{manifest['replications']} replications"
        ]
    # The sweep fingerprinted the spec and arms it ran: an edit to either (a flipped byte in a
    # factor level) would have a resumed sweep remake runs the manifest then disowns.
    if manifest["fingerprint"] != plan_fingerprint(experiment["spec"], arms):
        return [
            "fingerprint: does not match the manifest's experiment spec and arms "
            "(edited after the sweep recorded them)"
        ]
    for key, entry in manifest["runs"].items():
        if not (key.isdigit() and isinstance(entry, dict) and entry.get("status") in _STATUSES):
            return [f"runs: {key!r} needs a run number and a status ({' or '.join(_STATUSES)})"]
        if int(key) >= manifest["runs_planned"]:  # no part could ever make the store whole
            return [
                f"runs: {key!r} is not a run of this experiment (it plans runs 0-"
                f"{manifest['runs_planned'] - 1})"
            ]
        problem = _run_entry_problem(int(key), entry, len(arms))
        if problem:
            return [f"runs: {key!r} {problem}"]
    return []


def plan_fingerprint(spec: dict[str, Any], arms: list[dict[str, Any]]) -> str:
    """The fingerprint a sweep gives its plan: the experiment spec and the resolved arms."""
    return fingerprint({"spec": spec, "arms": arms})


def _run_entry_problem(run_id: int, entry: dict[str, Any], arms: int) -> str | None:
    """What in a run's manifest record is of the wrong type or not the plan's, or None."""
    for key in ("checksum", "error"):
        if not (entry.get(key) is None or _is(entry[key], str)):
            return f"needs {key} as text or null, not {type(entry[key]).__name__}"
    # Run numbers count arms fastest (run = replication x arms + arm), as make_tasks does.
    arm, replication = run_id % arms, run_id // arms
    if not (_is(entry.get("arm"), int) and _is(entry.get("replication"), int)):
        return "needs arm and replication as whole numbers"
    if (entry["arm"], entry["replication"]) != (arm, replication):
        return (
            f"records arm {entry['arm']} replication {entry['replication']}; in this "
            f"experiment's plan it is arm {arm} replication {replication}"
        )
    return None


def _parts(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("run-*.parquet") if not p.name.startswith("."))


def _part_run(path: Path) -> int | None:
    """The run number a part's file name gives, or None for a name no sweep writes."""
    match = re.fullmatch(r"run-(\d{6,})\.parquet", path.name)
    return int(match.group(1)) if match else None


def read_part(path: Path) -> pa.Table:
    """One Parquet part.

    Raises:
        StoreError: naming the file when it is not readable Parquet.
    """
    try:
        table = pq.read_table(path)
        # A flipped byte can leave a column's name or text not UTF-8: Parquet reads it, and
        # the first reader to decode it raises (found by the store fuzz campaign).
        table.validate(full=True)
        _ = table.column_names
        return table
    except (pa.ArrowException, OSError, UnicodeDecodeError) as exc:
        # Arrow repeats the path in its message; the line names it once, first.
        text = str(exc).replace(f"Could not open Parquet input source '{path}': ", "")
        reason = f"{type(exc).__name__}: {text}".splitlines()[0]
        raise StoreError(
            f"{path}: damaged, not a readable Parquet part ({reason}){RESUME_HINT}"
        ) from None


def _read_dataset(directory: Path) -> pd.DataFrame | None:
    files = _parts(directory)
    if not files:
        return None
    # Parts may differ in columns (a failed run has no KPIs): missing values become nulls.
    try:
        table = pa.concat_tables([read_part(f) for f in files], promote_options="permissive")
    except (pa.ArrowInvalid, pa.ArrowTypeError) as exc:
        raise StoreError(
            f"{directory}: parts do not fit together ({exc}); one was altered or copied in"
        ) from None
    if "run_id" not in table.column_names:
        raise StoreError(f"{directory}: parts without a run_id column; not written by a sweep")
    return table.to_pandas().sort_values("run_id", kind="stable").reset_index(drop=True)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """All recorded runs of an experiment, one row per run, ordered by ``run_id``.

    Raises:
        StoreError: if the folder is not an experiment folder, or a part is damaged.
    """
    read_manifest(folder)
    frame = _read_dataset(Path(folder) / RUNS)
    return frame if frame is not None else pd.DataFrame(columns=list(ID_COLUMNS))


def read_timeseries(folder: str | Path) -> pd.DataFrame | None:
    """The kept time series of every run (``run_id, arm, replication, day, ...``), or None."""
    return _read_dataset(Path(folder) / SERIES)


def factor_types(arms: list[dict[str, Any]]) -> dict[str, pa.DataType]:
    """One Arrow type per factor, the same in every part."""
    types: dict[str, pa.DataType] = {}
    for path in dict.fromkeys(k for arm in arms for k in arm):
        values = [arm[path] for arm in arms if path in arm]
        if all(isinstance(v, bool) for v in values):
            types[path] = pa.bool_()
        elif all(isinstance(v, int) and not isinstance(v, bool) for v in values):
            types[path] = pa.int64()
        elif all(isinstance(v, int | float) and not isinstance(v, bool) for v in values):
            types[path] = pa.float64()
        else:
            types[path] = pa.string()
    return types


# -- checking a store against its manifest ----------------------------------------------
# The manifest is the record of what a sweep finished; the parts hold the results. A store is
# whole when the two agree run by run and every stored result still has its checksum.
MISSING = "missing"  # the manifest records a run whose part is gone
EXTRA = "extra"  # a part that is no run of this experiment
UNRECORDED = "unrecorded"  # a finished part the manifest has not noted yet (sweep stopped)
ALTERED = "altered"  # values or checksum differ from what was recorded
STATUS_CHANGED = "status changed"  # ok in the manifest, failed on disk
DAMAGED = "damaged"  # not readable as a run's part
# Columns of a run's row that are neither factors nor KPIs.
_ROW_META = frozenset({"run_id", "arm", "arm_label", "replication", "status", "error", "checksum"})
_ROW_NEEDS = ("run_id", "arm", "arm_label", "replication", "status", "checksum")


@dataclass(frozen=True)
class Problem:
    """One way a store differs from its manifest: the file, and what is wrong with it."""

    kind: str
    run_id: int | None
    path: Path
    detail: str

    def __str__(self) -> str:
        return f"{self.path}: {self.detail}"


@dataclass
class Audit:
    """A store checked whole against its manifest."""

    folder: Path
    manifest: dict[str, Any]
    problems: list[Problem] = field(default_factory=list)
    on_disk: dict[int, str] = field(default_factory=dict)
    live: bool = False

    @property
    def whole(self) -> bool:
        """True when every recorded run is on disk, unchanged, and nothing else is."""
        return not self.problems

    @property
    def damaged(self) -> list[Problem]:
        """The parts that cannot be read at all."""
        return [p for p in self.problems if p.kind == DAMAGED]

    def problem_of(self, run_id: int) -> Problem | None:
        """The first problem found with a run, if any."""
        return next((p for p in self.problems if p.run_id == run_id), None)

    def summary(self) -> str:
        """``2 missing, 1 status changed``: how many problems of each kind."""
        kinds = [p.kind for p in self.problems]
        return ", ".join(f"{kinds.count(k)} {k}" for k in dict.fromkeys(kinds))


def audit(folder: str | Path) -> Audit:
    """Check every run the manifest records, and every part on disk, against each other.

    A part a running sweep has written but not yet noted in the manifest is not a problem
    while that sweep holds the folder.

    Raises:
        StoreError: if the folder holds no valid manifest.
    """
    folder = Path(folder)
    manifest = read_manifest(folder)
    problems, on_disk = _inspect(folder, manifest)
    live = _being_written(folder)
    if live:
        problems = [p for p in problems if p.kind != UNRECORDED]
    return Audit(folder, manifest, problems, on_disk, live)


def _being_written(folder: Path) -> bool:
    try:
        handle = open(folder / LOCK)  # noqa: SIM115 - read-only, so it is never created here
    except OSError:
        return False
    with handle:
        try:
            fcntl.flock(handle, fcntl.LOCK_SH | fcntl.LOCK_NB)
        except BlockingIOError:
            return True
        fcntl.flock(handle, fcntl.LOCK_UN)
    return False


def _part_row(path: Path) -> dict[str, Any]:
    table = read_part(path)
    missing = [c for c in _ROW_NEEDS if c not in table.column_names]
    if table.num_rows != 1 or missing:
        raise StoreError(
            f"{path}: damaged, not one run's row ({table.num_rows} rows"
            + (f"; no {', '.join(missing)}" if missing else "")
            + f"){RESUME_HINT}"
        )
    return table.to_pylist()[0]


def _inspect(folder: Path, manifest: dict[str, Any]) -> tuple[list[Problem], dict[int, str]]:
    """Every disagreement between the parts and the manifest; the status of each part."""
    arms = manifest["arms"]
    planned = manifest["runs_planned"]
    recorded = {int(k): v for k, v in manifest["runs"].items()}
    outputs = manifest["experiment"]["spec"].get("outputs") or {}
    keeps_series = bool(outputs.get("timeseries"))
    types = {name: pa.type_for_alias(alias) for name, alias in manifest["factor_types"].items()}
    problems: list[Problem] = []
    on_disk: dict[int, str] = {}
    with_part: set[int] = set()
    for path in _parts(folder / RUNS):
        expected = _part_run(path)
        if expected is None:
            problems.append(Problem(EXTRA, None, path, "a file no sweep writes"))
            continue
        with_part.add(expected)
        try:
            row = _part_row(path)
        except StoreError as exc:
            problems.append(Problem(DAMAGED, expected, path, _detail(exc)))
            continue
        run_id = row["run_id"]
        if run_id != expected:
            problems.append(
                Problem(DAMAGED, expected, path, f"holds run {run_id}, not run {expected}")
            )
            continue
        if not 0 <= run_id < planned:
            problems.append(
                Problem(
                    EXTRA,
                    run_id,
                    path,
                    f"run {run_id} is not a run of this experiment (it plans runs 0-{planned - 1})",
                )
            )
            continue
        on_disk[run_id] = row["status"]
        arm, replication = arms[run_id % len(arms)], run_id // len(arms)
        wrong = _mismatch(folder, path, row, arm, replication, types, keeps_series)
        entry = recorded.get(run_id)
        if wrong:
            problems.append(wrong)
        elif entry is None:
            problems.append(
                Problem(
                    UNRECORDED,
                    run_id,
                    path,
                    f"run {run_id} is on disk but not in the "
                    "manifest (a sweep stopped before noting it; run the sweep again)",
                )
            )
        elif entry["status"] != row["status"]:
            if entry["status"] == "failed":  # retried, and stopped before the manifest said so
                problems.append(
                    Problem(
                        UNRECORDED,
                        run_id,
                        path,
                        f"run {run_id} is ok on disk but the "
                        "manifest still records it failed (run the sweep again)",
                    )
                )
            else:
                problems.append(
                    Problem(
                        STATUS_CHANGED,
                        run_id,
                        path,
                        f"run {run_id} is {row['status']} on disk but ok in the manifest",
                    )
                )
        elif row["status"] == "ok" and row["checksum"] != entry.get("checksum"):
            problems.append(
                Problem(
                    ALTERED, run_id, path, f"run {run_id}: checksum differs from the manifest's"
                )
            )
    for run_id, entry in sorted(recorded.items()):
        if run_id not in with_part:
            problems.append(
                Problem(
                    MISSING,
                    run_id,
                    folder / RUNS / part_name(run_id),
                    f"missing; the manifest records run {run_id} as {entry['status']}",
                )
            )
    for path in _parts(folder / SERIES):
        run_id = _part_run(path)
        if run_id is not None and (run_id in with_part or run_id in recorded):
            continue
        if run_id is not None and 0 <= run_id < planned:
            problems.append(
                Problem(
                    UNRECORDED,
                    run_id,
                    path,
                    f"kept series of run {run_id}, whose result "
                    "is not on disk (a sweep stopped while writing it; run the sweep again)",
                )
            )
        else:
            problems.append(
                Problem(EXTRA, run_id, path, "kept series of no run of this experiment")
            )
    return sorted(problems, key=_order), on_disk


def _detail(exc: StoreError) -> str:
    """A read error's text without its path (the problem names it) or the resume hint."""
    return str(exc).split(": ", 1)[1].removesuffix(RESUME_HINT)


def _order(problem: Problem) -> tuple[int, str]:
    return (-1 if problem.run_id is None else problem.run_id, str(problem.path))


def _mismatch(
    folder: Path,
    part: Path,
    row: dict[str, Any],
    arm: dict[str, Any],
    replication: int,
    types: dict[str, pa.DataType],
    keeps_series: bool,
) -> Problem | None:
    """What in a run's stored row disagrees with its arm and its own checksum, or None."""
    run_id = row["run_id"]

    def altered(detail: str) -> Problem:
        return Problem(ALTERED, run_id, part, f"run {run_id}: {detail}")

    if (row["arm"], row["arm_label"], row["replication"]) != (
        arm["arm"],
        arm["label"],
        replication,
    ):
        return altered(
            f"records arm {row['arm']} ({row['arm_label']!r}) replication {row['replication']}; "
            f"it is arm {arm['arm']} ({arm['label']!r}) replication {replication}"
        )
    for name, kind in types.items():
        expected = arm["values"].get(name)
        if kind == pa.string() and expected is not None:
            expected = str(expected)  # how the row stores a factor of mixed types
        if row.get(name) != expected:
            return altered(
                f"factor {name} is {row.get(name)!r} on disk, {expected!r} in the manifest"
            )
    if row["status"] != "ok":
        return None
    kpis = {
        k: math.nan if v is None else v
        for k, v in row.items()
        if k not in _ROW_META and k not in types
    }
    kept = None
    if keeps_series:
        path = folder / SERIES / part_name(run_id)
        if not path.exists():
            return Problem(MISSING, run_id, path, f"missing; it holds run {run_id}'s kept series")
        try:
            kept = read_part(path).to_pandas()
        except StoreError as exc:
            return Problem(DAMAGED, run_id, path, _detail(exc))
        kept = kept.drop(columns=["run_id", "arm", "replication"], errors="ignore")
    # The manifest's arm values, as the run was given them: the row's copy may be text.
    if checksum(arm["values"], kpis, kept) != row["checksum"]:
        return altered("stored values do not match their checksum (altered after the run)")
    return None


class ExperimentStore:
    """Writes an experiment's runs one by one; a re-opened store resumes where it stopped."""

    def __init__(self, folder: Path, manifest: dict[str, Any], lock: Any) -> None:
        self.folder = folder
        self.manifest = manifest
        self._lock = lock
        self._dirty = False
        self._flushed_at = 0.0
        self._factors = {
            path: pa.type_for_alias(alias) for path, alias in manifest["factor_types"].items()
        }

    # -- opening ------------------------------------------------------------------------
    @classmethod
    def open(cls, folder: str | Path, plan: dict[str, Any]) -> tuple[ExperimentStore, list[str]]:
        """Create the folder for ``plan``, or resume the same experiment in it.

        A folder is checked before anything is made in it, so a refused folder is left as it
        was. On resuming, runs whose parts are damaged, missing or altered are set aside in
        ``DIR/damaged/`` and made again (deterministic runs give the same results), and the
        notes say which.

        Args:
            folder: the experiment folder.
            plan: the manifest's fixed part (experiment, arms, seed, fingerprint...).

        Returns:
            The store and notes for the user (for example a changed environment).

        Raises:
            StoreError: if the folder holds something else, a different experiment, a
                damaged manifest, or is being written by another sweep.
        """
        folder = Path(folder)
        _accept(folder, plan)
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK, "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StoreError(f"--out {folder}: another sweep is writing this folder") from None
        try:
            notes = []
            # Again under the lock: another sweep may have started here in the meantime.
            manifest = _accept(folder, plan)
            if manifest is not None:
                notes += _environment_notes(manifest["environment"], plan["environment"])
                manifest["resumed"] = [*manifest.get("resumed", []), _now()]
            else:
                manifest = {**plan, "created": _now(), "runs": {}}
            for sub in (RUNS, SERIES):
                (folder / sub).mkdir(exist_ok=True)
                for stale in (folder / sub).glob(".*.tmp"):
                    stale.unlink()  # a part half-written when the last sweep was killed
            store = cls(folder, manifest, lock)
            notes += store._reconcile()
            store.flush(force=True)
        except BaseException:
            lock.close()
            raise
        return store, notes

    def _reconcile(self) -> list[str]:
        """Make the manifest agree with the parts on disk; say what was set aside."""
        problems, _ = _inspect(self.folder, self.manifest)
        runs = self.manifest["runs"]
        notes = []
        aside = self.folder / "damaged" / dt.datetime.now(dt.UTC).strftime("%Y%m%dT%H%M%S%fZ")
        for problem in problems:
            if problem.kind == UNRECORDED:
                if problem.path.parent.name == RUNS:  # finished before the manifest was written
                    record = _part_row(problem.path)
                    runs[str(problem.run_id)] = {
                        "arm": record["arm"],
                        "replication": record["replication"],
                        "status": record["status"],
                        "checksum": record["checksum"],
                        "error": record.get("error"),
                    }
                continue  # a series without its row is remade, and replaced, with its run
            if problem.run_id is None:
                moved = [self._set_aside(problem.path, aside)]
            else:  # a run's row and series go together: neither is kept without the other
                name = part_name(problem.run_id)
                moved = [self._set_aside(self.folder / sub / name, aside) for sub in (RUNS, SERIES)]
            planned = (
                problem.run_id is not None and 0 <= problem.run_id < self.manifest["runs_planned"]
            )
            if planned:
                runs.pop(str(problem.run_id), None)
            where = f"; set aside in {aside}/" if any(moved) else ""
            again = f"; run {problem.run_id} runs again" if planned else ""
            notes.append(f"{problem}{where}{again}")
        self._dirty = True
        return notes

    def _set_aside(self, path: Path, aside: Path) -> bool:
        """Move a part out of the store, keeping it for inspection; False if it is absent."""
        if not path.exists():
            return False
        target = aside / path.parent.name / path.name
        target.parent.mkdir(parents=True, exist_ok=True)
        os.replace(path, target)
        return True

    # -- state --------------------------------------------------------------------------
    def finished(self) -> dict[int, str]:
        """Run number to status ("ok" or "failed") for every run on disk."""
        return {int(k): v["status"] for k, v in self.manifest["runs"].items()}

    def record(self, outcome: RunOutcome) -> None:
        """Write one finished run, atomically; then note it in the manifest."""
        run_id = outcome.run_id
        if outcome.series is not None:
            series = pa.Table.from_pandas(outcome.series, preserve_index=False)
            _write_table(
                series.replace_schema_metadata(None), self.folder / SERIES / part_name(run_id)
            )
        _write_table(self._row_table(outcome.row), self.folder / RUNS / part_name(run_id))
        entry = {
            "arm": outcome.row["arm"],
            "replication": outcome.row["replication"],
            "status": outcome.row["status"],
            "checksum": outcome.row.get("checksum"),
            "error": outcome.row.get("error"),
            "seconds": round(outcome.seconds, 3),
        }
        if outcome.traceback:
            entry["traceback"] = outcome.traceback
        self.manifest["runs"][str(run_id)] = entry
        self._dirty = True
        self.flush()

    def _row_table(self, row: dict[str, Any]) -> pa.Table:
        fields = [
            pa.field("run_id", pa.int64()),
            pa.field("arm", pa.int64()),
            pa.field("arm_label", pa.string()),
            pa.field("replication", pa.int64()),
            pa.field("status", pa.string()),
            pa.field("error", pa.string()),
        ]
        fields += [pa.field(path, kind) for path, kind in self._factors.items()]
        known = {f.name for f in fields} | {"checksum"}
        fields += [pa.field(k, pa.float64()) for k in row if k not in known]
        fields.append(pa.field("checksum", pa.string()))
        values = {f.name: row.get(f.name) for f in fields}
        for path, kind in self._factors.items():
            if kind == pa.string() and values[path] is not None:
                values[path] = str(values[path])
        return pa.Table.from_pylist([values], schema=pa.schema(fields))

    def flush(self, *, force: bool = False) -> None:
        """Rewrite the manifest (at most every few seconds unless forced)."""
        now = time.monotonic()
        if not self._dirty or (not force and now - self._flushed_at < _FLUSH_SECONDS):
            return
        runs = self.manifest["runs"]
        statuses = [r["status"] for r in runs.values()]
        self.manifest["progress"] = {
            "planned": self.manifest["runs_planned"],
            "ok": statuses.count("ok"),
            "failed": statuses.count("failed"),
        }
        self.manifest["runs"] = dict(sorted(runs.items(), key=lambda kv: int(kv[0])))
        self.manifest["updated"] = _now()
        text = json.dumps(self.manifest, indent=1, allow_nan=False, default=str)
        write_atomic(self.folder / MANIFEST, (text + "\n").encode())
        self._dirty = False
        self._flushed_at = now

    def close(self) -> None:
        """Write the manifest and release the folder."""
        try:
            self.flush(force=True)
        finally:
            self._lock.close()  # the lock file stays: unlinking it would race a new sweep


def _accept(folder: Path, plan: dict[str, Any]) -> dict[str, Any] | None:
    """The manifest to resume, None for a new or empty folder; refuse any other folder."""
    if not folder.exists():
        return None
    if not folder.is_dir():
        raise StoreError(f"--out {folder}: exists and is not a folder")
    if (folder / MANIFEST).exists():
        manifest = read_manifest(folder)
        if manifest["fingerprint"] != plan["fingerprint"]:
            raise StoreError(
                f"--out {folder}: holds a different experiment "
                f"({manifest['experiment']['name']!r}, changed since it was started); "
                "choose a new folder, or delete this one to start again"
            )
        return manifest
    foreign = [p.name for p in folder.iterdir() if p.name != LOCK]
    if foreign:
        raise StoreError(
            f"--out {folder}: folder holds files that are not a carepath experiment "
            f"({', '.join(sorted(foreign)[:3])}); choose an empty or new folder"
        )
    return None


def _environment_notes(recorded: dict[str, Any], current: dict[str, Any]) -> list[str]:
    notes = []
    if (recorded.get("git") or {}).get("commit") != (current.get("git") or {}).get("commit"):
        notes.append("resuming with a different git commit than the sweep started with")
    old, new = recorded.get("packages", {}), current.get("packages", {})
    changed = [
        f"{k} {old.get(k)} -> {new.get(k)}"
        for k in sorted(set(old) | set(new))
        if old.get(k) != new.get(k)
    ]
    if changed:
        notes.append("resuming with different package versions: " + ", ".join(changed))
    return notes


def _now() -> str:
    return dt.datetime.now(dt.UTC).isoformat(timespec="seconds")
