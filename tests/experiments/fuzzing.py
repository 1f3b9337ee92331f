"""What the experiment and store fuzz tests share: case budgets and the command line in-process.

Each case runs under ``bounded``: a time limit (an alarm) and a memory limit (the address space
the process may grow by), so a hang or a blow-up fails the test instead of stalling CI. The
limit's exception derives from ``BaseException`` so that no ``except Exception`` in carepath
(a failed run is a result; a failed probe is a refusal) can take it for an ordinary error.
"""

from __future__ import annotations

import contextlib
import io
import os
import resource
import signal
from collections.abc import Iterator
from dataclasses import dataclass

from carepath.cli import main

# The number of cases a fuzz test draws; a campaign sets it higher (one variable for every fuzz
# test, each with its own default for CI).
EXAMPLES_VARIABLE = "CAREPATH_FUZZ_EXAMPLES"
GROWTH_LIMIT = 2 * 1024**3  # bytes of address space a case may add


def examples(default: int) -> int:
    """How many cases to draw: ``CAREPATH_FUZZ_EXAMPLES``, else ``default``."""
    return int(os.environ.get(EXAMPLES_VARIABLE, default))


class CaseOverrun(BaseException):
    """A case that ran past its time limit."""


def _address_space() -> int:
    with open("/proc/self/statm") as statm:
        return int(statm.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")


@contextlib.contextmanager
def bounded(seconds: int, growth: int = GROWTH_LIMIT) -> Iterator[None]:
    """Run the block with at most ``seconds`` of wall time and ``growth`` more address space."""

    def overrun(_signum: int, _frame: object) -> None:
        raise CaseOverrun(f"a case ran for more than {seconds} s")

    soft, hard = resource.getrlimit(resource.RLIMIT_AS)
    limit = _address_space() + growth
    if hard != resource.RLIM_INFINITY:
        limit = min(limit, hard)
    previous = signal.signal(signal.SIGALRM, overrun)
    resource.setrlimit(resource.RLIMIT_AS, (limit, hard))
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)
        resource.setrlimit(resource.RLIMIT_AS, (soft, hard))


@dataclass(frozen=True)
class Said:
    """What one ``carepath`` command returned and printed."""

    code: int
    out: str
    err: str

    @property
    def error_lines(self) -> list[str]:
        """The lines on standard error."""
        return self.err.splitlines()


def carepath(*argv: str) -> Said:
    """Run ``carepath ARGV`` in this process; an exception escaping it fails the test."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        code = main(list(argv))
    said = Said(code, out.getvalue(), err.getvalue())
    assert isinstance(code, int), (argv, code)
    assert "Traceback" not in said.out + said.err, (argv, said)
    return said
