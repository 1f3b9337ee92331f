"""Where runs execute: in this process, in local worker processes, or on a Dask cluster.

Each executor yields outcomes as runs finish and keeps only a bounded number of runs in
flight, so a long sweep's memory stays flat. All of them call ``runs.execute``, so the rows
are the same whichever one is used.
"""

from __future__ import annotations

import multiprocessing
import re
import socket
import uuid
from collections.abc import Iterable, Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ProcessPoolExecutor, wait
from concurrent.futures.process import BrokenProcessPool

from carepath.experiments.runs import RunOutcome, RunTask, execute, worker_died
from carepath.experiments.spec import ExperimentError

# Runs queued per worker: enough to keep workers busy, few enough to keep memory flat.
_QUEUE_PER_WORKER = 2


# A Dask scheduler address: [SCHEME://]HOST:PORT, the host a name, an IPv4 or a [bracketed] IPv6.
_ADDRESS = re.compile(
    r"(?:(?P<scheme>[A-Za-z]+)://)?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9._-]+):(?P<port>\d{1,5})"
)
_SCHEMES = ("tcp", "tls")
# Long enough for a scheduler across a network to answer, short enough that a typo is quick.
SCHEDULER_TIMEOUT = 5.0


def check_scheduler(address: str, timeout: float = SCHEDULER_TIMEOUT) -> None:
    """Check a scheduler address's form, then that a Dask scheduler answers there.

    Called before anything is written, so a wrong address costs seconds and leaves no folder.

    Raises:
        ExperimentError: one line naming ``--scheduler`` and what is wrong.
    """
    match = _ADDRESS.fullmatch(address.strip())
    scheme = (match["scheme"] or "tcp").lower() if match else None
    if match is None or scheme not in _SCHEMES or not 0 < int(match["port"]) < 65536:
        raise ExperimentError(
            f"--scheduler {address!r}: expected a Dask scheduler address, tcp://HOST:PORT or "
            "tls://HOST:PORT with a port 1-65535, e.g. tcp://10.0.0.5:8786"
        )
    host, port = match["host"].strip("[]"), int(match["port"])
    try:  # a plain connection first: a refused or unroutable address fails at once
        with socket.create_connection((host, port), timeout=timeout):
            pass
    except OSError as exc:
        reason = exc.strerror or str(exc) or type(exc).__name__
        raise ExperimentError(
            f"--scheduler {address!r}: cannot connect ({reason}); is a Dask scheduler running there?"
        ) from None
    from distributed import Client

    try:  # then the handshake, so that another service on that port is not taken for one
        with Client(address, timeout=timeout, set_as_default=False):
            pass
    except (OSError, TimeoutError, ValueError) as exc:
        reason = f"{type(exc).__name__}: {exc}".splitlines()[0]
        raise ExperimentError(
            f"--scheduler {address!r}: no Dask scheduler answered within {timeout:g} s ({reason})"
        ) from None


def run_serial(tasks: Iterable[RunTask]) -> Iterator[RunOutcome]:
    """Run the tasks one after another in this process."""
    for task in tasks:
        yield execute(task)


def _pool(workers: int) -> ProcessPoolExecutor:
    # "spawn" gives each worker a clean interpreter: no inherited threads or open files.
    return ProcessPoolExecutor(max_workers=workers, mp_context=multiprocessing.get_context("spawn"))


def run_local(tasks: Iterable[RunTask], workers: int) -> Iterator[RunOutcome]:
    """Run the tasks in ``workers`` local processes.

    If a worker process dies (killed, or out of memory), the pool is rebuilt and the runs it
    held are retried one at a time, so the run that kills its worker is found and recorded as
    failed while the others complete.
    """
    pending = iter(tasks)
    pool = _pool(workers)
    in_flight: dict[Future[RunOutcome], RunTask] = {}
    suspects: list[RunTask] = []
    try:
        while True:
            while len(in_flight) < workers * _QUEUE_PER_WORKER:
                task = next(pending, None)
                if task is None:
                    break
                in_flight[pool.submit(execute, task)] = task
            if not in_flight:
                break
            done, _ = wait(in_flight, return_when=FIRST_COMPLETED)
            broken = False
            for future in done:
                task = in_flight.pop(future)
                try:
                    yield future.result()
                except BrokenProcessPool:
                    suspects.append(task)
                    broken = True
            if broken:
                suspects.extend(in_flight.values())
                in_flight.clear()
                pool.shutdown(wait=True, cancel_futures=True)
                yield from _isolate(sorted(suspects, key=lambda t: t.run_id))
                suspects.clear()
                pool = _pool(workers)
    finally:
        pool.shutdown(wait=False, cancel_futures=True)


def _isolate(tasks: list[RunTask]) -> Iterator[RunOutcome]:
    for task in tasks:
        with _pool(1) as single:
            try:
                yield single.submit(execute, task).result()
            except BrokenProcessPool:
                yield worker_died(task, "the worker process died during this run")


def run_dask(
    tasks: Iterable[RunTask], address: str, workers: int | None = None
) -> Iterator[RunOutcome]:
    """Run the tasks on the Dask distributed cluster whose scheduler is at ``address``.

    The cluster's workers need carepath installed at the same version. Dask itself retries a
    run whose worker dies; a run that keeps killing workers is recorded as failed.
    """
    from distributed import Client, as_completed

    token = uuid.uuid4().hex[:8]  # keys must not collide with another sweep on the cluster

    def submit(client: Client, task: RunTask):
        return client.submit(execute, task, pure=False, key=f"carepath-{token}-{task.run_id}")

    with Client(address, set_as_default=False) as client:
        capacity = workers or max(sum(client.nthreads().values()), 1)
        pending = iter(tasks)
        first = [t for t in (next(pending, None) for _ in range(capacity * _QUEUE_PER_WORKER)) if t]
        if not first:
            return
        started = [submit(client, task) for task in first]
        futures = {f.key: t for f, t in zip(started, first, strict=True)}
        queue = as_completed(started, loop=client.loop)
        for future in queue:
            task = futures.pop(future.key)
            try:
                yield future.result()
            except Exception as exc:  # the cluster lost the run (KilledWorker and the like)
                yield worker_died(task, f"{type(exc).__name__}: {exc}".splitlines()[0])
            finally:
                future.release()
            following = next(pending, None)
            if following is not None:
                nxt = submit(client, following)
                futures[nxt.key] = following
                queue.add(nxt)
