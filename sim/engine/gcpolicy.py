"""Fewer passes of Python's cyclic garbage collector while a model runs.

A run creates and frees millions of small objects (people, timers, queue entries). Reference
counting frees nearly all of them; the cyclic collector finds almost nothing, but every pass
walks the people and timers still alive, and with the default young-generation threshold of
2,000 a city-sized run spent about a sixth of its time there. Raising the threshold for the
length of a run keeps the collector working, just less often. Thresholds are process-wide, so
they are restored when the last of any overlapping runs ends.
"""

from __future__ import annotations

import gc
import threading
from collections.abc import Iterator
from contextlib import contextmanager

YOUNG_THRESHOLD = 100_000

_lock = threading.Lock()
_depth = 0
_saved: tuple[int, int, int] | None = None


@contextmanager
def fewer_collections(young: int = YOUNG_THRESHOLD) -> Iterator[None]:
    """Within the block, run the young-generation collection every ``young`` allocations.

    A threshold already higher, or a disabled collector (threshold 0), is left as it is.
    """
    global _depth, _saved
    with _lock:
        if _depth == 0:
            _saved = gc.get_threshold()
            if 0 < _saved[0] < young:
                gc.set_threshold(young, *_saved[1:])
        _depth += 1
    try:
        yield
    finally:
        with _lock:
            _depth -= 1
            if _depth == 0 and _saved is not None:
                gc.set_threshold(*_saved)
                _saved = None
