"""Random number streams: one per process, all spawned from a single ``SeedSequence``.

Separate streams give common random numbers across organisational models: the arrivals
stream draws who contacts the council and their traits, and nothing else, so two presets run
on the same seed see the same people arrive whatever happens to them afterwards.

Each stream buffers blocks of standard variates: one numpy call per few thousand draws is
much cheaper than one call per draw, and the sequence of values is still fixed by the seed.
"""

from __future__ import annotations

import math

import numpy as np

# Order matters: appending a stream keeps the others' seeds unchanged.
STREAM_NAMES = (
    "arrivals",
    "admissions",
    "hospital",
    "assessment",
    "outcomes",
    "mortality",
    "workforce",
    "initial",
    "routes",  # appended: the streams before it keep their seeds
    "provision",  # appended: home-care hand-backs (drawn only when a provider hands back)
    "gp",  # appended likewise; drawn only when GP attachment is on
)

_BLOCK = 4096


class Stream:
    """A buffered stream of random variates from one ``numpy.random.Generator``."""

    __slots__ = ("_exp", "_exp_i", "_gen", "_norm", "_norm_i", "_uni", "_uni_i")

    def __init__(self, seed: np.random.SeedSequence) -> None:
        self._gen = np.random.Generator(np.random.PCG64(seed))
        self._uni = self._gen.random(_BLOCK).tolist()
        self._exp = self._gen.standard_exponential(_BLOCK).tolist()
        self._norm = self._gen.standard_normal(_BLOCK).tolist()
        self._uni_i = self._exp_i = self._norm_i = 0

    @property
    def generator(self) -> np.random.Generator:
        """The underlying generator, for vectorised draws (Poisson counts, Beta traits)."""
        return self._gen

    def uniform(self) -> float:
        """A uniform variate on [0, 1)."""
        if self._uni_i == _BLOCK:
            self._uni = self._gen.random(_BLOCK).tolist()
            self._uni_i = 0
        self._uni_i += 1
        return self._uni[self._uni_i - 1]

    def chance(self, p: float) -> bool:
        """True with probability ``p``."""
        return self.uniform() < p

    def exponential(self, mean: float) -> float:
        """An exponential variate with the given mean (``inf`` when the mean is infinite)."""
        if self._exp_i == _BLOCK:
            self._exp = self._gen.standard_exponential(_BLOCK).tolist()
            self._exp_i = 0
        self._exp_i += 1
        return self._exp[self._exp_i - 1] * mean

    def time_to_event(self, rate_per_day: float) -> float:
        """Waiting time of a Poisson process with ``rate_per_day`` (``inf`` if rate is 0)."""
        if rate_per_day <= 0.0:
            return math.inf
        return self.exponential(1.0 / rate_per_day)

    def normal(self) -> float:
        """A standard normal variate."""
        if self._norm_i == _BLOCK:
            self._norm = self._gen.standard_normal(_BLOCK).tolist()
            self._norm_i = 0
        self._norm_i += 1
        return self._norm[self._norm_i - 1]

    def lognormal(self, mean: float, sd: float) -> float:
        """A lognormal variate with the given arithmetic mean and standard deviation."""
        sigma2 = math.log1p((sd / mean) ** 2)
        return mean * math.exp(math.sqrt(sigma2) * self.normal() - sigma2 / 2.0)


def make_streams(seed: int | np.random.SeedSequence) -> dict[str, Stream]:
    """The named streams of one run.

    Args:
        seed: an integer or a ``SeedSequence`` (for example a replication's spawned child).
    """
    root = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
    # The children ``root.spawn`` would give, without mutating ``root``: a run is a pure
    # function of its seed even when a caller reuses the same SeedSequence object.
    return {
        name: Stream(np.random.SeedSequence(root.entropy, spawn_key=(*root.spawn_key, i)))
        for i, name in enumerate(STREAM_NAMES)
    }
