"""Spacing requests to LINE under its rate limits: the announcements' multicasts and the
follower sync's profile look-ups."""

from __future__ import annotations

import threading
import time


class Pacer:
    """Spaces requests evenly at `per_second` across threads, so bursts never hit LINE's limit."""

    def __init__(self, per_second: float, clock=time.monotonic, sleep=time.sleep):
        self.interval = 1.0 / per_second
        self.clock = clock
        self.sleep = sleep
        self.next_at = 0.0
        self.lock = threading.Lock()

    def wait(self) -> None:
        """Block until this caller's slot comes."""
        with self.lock:
            now = self.clock()
            slot = max(now, self.next_at)
            self.next_at = slot + self.interval
        if slot > now:
            self.sleep(slot - now)
