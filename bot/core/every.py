"""A check a process runs at most every few seconds, by one thread at a time.

Workers follow what others publish in the database (answers, router models) by reading one
number now and then on the request path: between two reads a request pays a clock comparison,
and when a read is due one thread makes it while the others go on with what they have rather
than wait.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager


class Every:
    """`with gate.due() as now:` — `now` is True for the one thread that should check."""

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic):
        self.seconds = seconds
        self.clock = clock
        self._next = 0.0
        self._lock = threading.Lock()

    @contextmanager
    def due(self, *, force: bool = False) -> Iterator[bool]:
        """True (holding the gate) when a check is due, or at once with `force` (waiting for a
        check under way); False, without waiting, otherwise."""
        if not force and self.clock() < self._next:
            yield False
            return
        if not self._lock.acquire(blocking=force):
            yield False
            return
        try:
            self._next = self.clock() + self.seconds
            yield True
        finally:
            self._lock.release()
