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
import os
import platform
import subprocess
import tempfile
import time
from importlib import metadata
from pathlib import Path
from typing import Any

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
from carepath.experiments.runs import ID_COLUMNS, RunOutcome

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
    """Write ``data`` to ``path`` through a temporary file and a rename."""
    handle, temp = tempfile.mkstemp(prefix=f".{path.name}.", suffix=".tmp", dir=path.parent)
    try:
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


def read_manifest(folder: str | Path) -> dict[str, Any]:
    """The manifest of an experiment folder.

    Raises:
        StoreError: if the folder holds no readable manifest.
    """
    path = Path(folder) / MANIFEST
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StoreError(f"{folder}: not an experiment folder (no {MANIFEST})") from None
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise StoreError(f"{path}: not a valid manifest ({exc})") from None
    if manifest.get("format") != FORMAT:
        raise StoreError(f"{path}: unknown format {manifest.get('format')!r}; expected {FORMAT}")
    return manifest


def _parts(directory: Path) -> list[Path]:
    if not directory.is_dir():
        return []
    return sorted(p for p in directory.glob("run-*.parquet") if not p.name.startswith("."))


def _read_dataset(directory: Path) -> pd.DataFrame | None:
    files = _parts(directory)
    if not files:
        return None
    # Parts may differ in columns (a failed run has no KPIs): missing values become nulls.
    table = pa.concat_tables([pq.read_table(f) for f in files], promote_options="permissive")
    return table.to_pandas().sort_values("run_id", kind="stable").reset_index(drop=True)


def read_runs(folder: str | Path) -> pd.DataFrame:
    """All recorded runs of an experiment, one row per run, ordered by ``run_id``.

    Raises:
        StoreError: if the folder is not an experiment folder.
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

        Args:
            folder: the experiment folder.
            plan: the manifest's fixed part (experiment, arms, seed, fingerprint...).

        Returns:
            The store and notes for the user (for example a changed environment).

        Raises:
            StoreError: if the folder holds something else, a different experiment, or is
                being written by another sweep.
        """
        folder = Path(folder)
        if folder.exists() and not folder.is_dir():
            raise StoreError(f"--out {folder}: exists and is not a folder")
        folder.mkdir(parents=True, exist_ok=True)
        lock = open(folder / LOCK, "a+")  # noqa: SIM115 - held until close()
        try:
            fcntl.flock(lock, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            lock.close()
            raise StoreError(f"--out {folder}: another sweep is writing this folder") from None
        try:
            notes = []
            if (folder / MANIFEST).exists():
                manifest = read_manifest(folder)
                if manifest["fingerprint"] != plan["fingerprint"]:
                    raise StoreError(
                        f"--out {folder}: holds a different experiment "
                        f"({manifest['experiment']['name']!r}, changed since it was started); "
                        "choose a new folder, or delete this one to start again"
                    )
                notes += _environment_notes(manifest["environment"], plan["environment"])
                manifest["resumed"] = [*manifest.get("resumed", []), _now()]
            else:
                foreign = [p.name for p in folder.iterdir() if p.name != LOCK]
                if foreign:
                    raise StoreError(
                        f"--out {folder}: folder holds files that are not a carepath experiment "
                        f"({', '.join(sorted(foreign)[:3])}); choose an empty or new folder"
                    )
                manifest = {**plan, "created": _now(), "runs": {}}
            for sub in (RUNS, SERIES):
                (folder / sub).mkdir(exist_ok=True)
                for stale in (folder / sub).glob(".*.tmp"):
                    stale.unlink()  # a part half-written when the last sweep was killed
        except BaseException:
            lock.close()
            raise
        store = cls(folder, manifest, lock)
        store._reconcile()
        store.flush(force=True)
        return store, notes

    def _reconcile(self) -> None:
        """Make the manifest agree with the parts on disk (the parts are the truth)."""
        runs = self.manifest["runs"]
        on_disk = set()
        for path in _parts(self.folder / RUNS):
            row = pq.read_table(path, columns=["run_id", "status", "checksum", "error"])
            record = row.to_pylist()[0]
            key = str(record["run_id"])
            on_disk.add(key)
            entry = runs.setdefault(key, {})
            entry.update(
                status=record["status"], checksum=record["checksum"], error=record["error"]
            )
        for key in [k for k in runs if k not in on_disk]:
            del runs[key]  # recorded in a manifest but its part never landed
        self._dirty = True

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
