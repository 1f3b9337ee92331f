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
from carepath.sim.measure.metrics import RunResults

RESULT_FILES = ("summary.json", "timeseries.parquet", "events.parquet")


class OutputError(ValueError):
    """The output folder cannot be used."""


def check_output_dir(out: Path) -> None:
    """Refuse a folder that holds anything other than an earlier run's results.

    Raises:
        OutputError: if ``out`` is a file, or a folder with files carepath did not write.
    """
    if out.exists() and not out.is_dir():
        raise OutputError(f"--out {out}: exists and is not a folder")
    if out.is_dir():
        foreign = sorted(p.name for p in out.iterdir() if p.name not in RESULT_FILES)
        if foreign:
            raise OutputError(
                f"--out {out}: folder holds files carepath did not write ({', '.join(foreign[:3])}); "
                "choose an empty or new folder"
            )


def _write_parquet(frame: Any, path: Path) -> None:
    table = pa.Table.from_pandas(frame, preserve_index=frame.index.name is not None)
    # No timestamps or library versions in the file: same results, same bytes.
    pq.write_table(table, path, compression="zstd", write_statistics=False, store_schema=True)


def write_results(results: RunResults, out: Path, scenario: dict[str, Any]) -> None:
    """Write ``summary.json``, ``timeseries.parquet`` and ``events.parquet`` into ``out``.

    The files are written to a staging folder next to ``out`` and swapped in at the end, so an
    interrupted write never leaves a half-written or mixed folder; earlier results in ``out``
    stay until the new ones are complete.
    """
    out = Path(out)
    check_output_dir(out)
    out.parent.mkdir(parents=True, exist_ok=True)
    staging = Path(tempfile.mkdtemp(prefix=f".{out.name}.partial-", dir=out.parent))
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
            os.replace(out, previous / out.name)
            os.replace(staging, out)
            shutil.rmtree(previous, ignore_errors=True)
        else:
            os.replace(staging, out)
    finally:
        if staging.exists():
            shutil.rmtree(staging, ignore_errors=True)
