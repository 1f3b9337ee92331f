"""Writing a run's results to a folder, all or nothing."""

from __future__ import annotations

import json
import os
import shutil
import tempfile
from pathlib import Path
from typing import Any

import pyarrow as pa
import pyarrow.parquet as pq
from carepath.sim.measure.summary import RunResults

RESULT_FILES = ("summary.json", "timeseries.parquet", "events.parquet")


class OutputError(ValueError):
    """The output folder cannot be used."""


def check_output_dir(out: Path) -> None:
    """Refuse, before a run starts, a folder its results could not be swapped into.

    The results are swapped in by renaming (``write_results``), so the folder must not be
    the working folder or hold it, its nearest existing parent must be a folder that can be
    written (not a file), and an existing ``out`` must hold only an earlier run's results.

    Raises:
        OutputError: one line saying which of these fails.
    """
    out = Path(out)
    target = out.resolve()
    cwd = Path.cwd().resolve()
    if target == cwd or target in cwd.parents:
        raise OutputError(
            f"--out {out}: is the working folder or holds it, and results replace the whole "
            "folder; name a new folder, e.g. --out results"
        )
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in RESULT_FILES)
        if foreign:
            raise OutputError(
                f"--out {out}: folder holds files carepath did not write ({', '.join(foreign[:3])}); "
                "choose an empty or new folder"
            )
    parent = target.parent
    while not parent.exists():  # the folders write_results would create
        parent = parent.parent
    if not parent.is_dir():
        raise OutputError(f"--out {out}: {parent} is a file, not a folder")
    _check_writable(out, parent)


def _check_writable(out: Path, parent: Path) -> None:
    # A real folder made and removed where the staging folder will go: permission bits alone
    # do not say (a read-only file system, or root, who ignores them).
    try:
        shutil.rmtree(tempfile.mkdtemp(prefix=".carepath-probe-", dir=parent))
    except OSError as exc:
        raise OutputError(f"--out {out}: cannot write in {parent} ({exc.strerror})") from None
    # Moving an existing results folder aside renames its ".." entry: it must be writable too.
    if out.is_dir() and not os.access(out, os.W_OK | os.X_OK):
        raise OutputError(f"--out {out}: cannot replace this folder (no write permission)")


def _write_parquet(frame: Any, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=frame.index.name is not None)
    # No timestamps or library versions in the file: same results, same bytes.
    pq.write_table(table, path, compression="zstd", write_statistics=False, store_schema=True)


def current_umask() -> int:
    """The process's umask, read without changing it where the system allows."""
    try:
        with open("/proc/self/status", encoding="ascii") as status:
            for line in status:
                if line.startswith("Umask:"):
                    return int(line.split()[1], 8)
    except (OSError, ValueError):
        pass
    mask = os.umask(0o022)  # elsewhere the only way to read it is to set it, then put it back
    os.umask(mask)
    return mask


def write_results(results: RunResults, out: Path, scenario: dict[str, Any]) -> None:
    """Write ``summary.json``, ``timeseries.parquet`` and ``events.parquet`` into ``out``.

    The files are written to a staging folder next to ``out`` and swapped in at the end, so an
    interrupted write never leaves a half-written or mixed folder; earlier results in ``out``
    stay until the new ones are complete.

    Raises:
        OutputError: if the folder cannot be used (``check_output_dir``) or writing fails.
    """
    out = Path(out)
    check_output_dir(out)
    try:
        _write_and_swap(results, out, scenario)
    except OSError as exc:  # the disk filled, or the folder changed during the run
        raise OutputError(f"--out {out}: results not written ({exc.strerror or exc})") from None


def _write_and_swap(results: RunResults, out: Path, scenario: dict[str, Any]) -> None:
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
    # mkdtemp makes the folder private whatever the umask; results are made to be shared.
    os.chmod(staging, 0o777 & ~current_umask())
    try:
        summary = {**results.summary, "scenario": scenario}
        text = json.dumps(summary, indent=2, sort_keys=False, allow_nan=False)
        (staging / "summary.json").write_text(text + "\n", encoding="utf-8")
        _write_parquet(results.timeseries, staging / "timeseries.parquet")
        _write_parquet(results.events, staging / "events.parquet")
        for name in RESULT_FILES:
            with open(staging / name, "rb") as handle:
                os.fsync(handle.fileno())
        if out.exists():
            previous = Path(tempfile.mkdtemp(prefix=f".{out.name}.old-", dir=out.parent))
            try:
                os.replace(out, previous / out.name)
            except OSError:
                previous.rmdir()  # nothing was moved: leave no empty ".old-" folder behind
                raise
            os.replace(staging, out)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
