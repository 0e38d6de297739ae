"""The content a worker answers with, kept in step with what managers publish.

Each worker holds the repository's content with the published answers over it. On the request
path it asks `current()`, which costs a clock reading; at most once every CHECK_EVERY seconds
it reads one number from the database (the content revision, raised by every publication) and
rebuilds its content only when that number moved. So a published answer reaches every worker
within a couple of seconds, without a restart, and a busy webhook pays one indexed read of one
row per worker every two seconds, not one per message.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy.orm import sessionmaker

from bot.answers import overlay
from bot.answers.versions import live_versions, read_revision
from bot.core.content import Content
from bot.core.every import Every

log = logging.getLogger(__name__)

CHECK_EVERY = 2.0  # seconds between two reads of the content revision


class LiveContent:
    """The repository's content with the published answers over it, for one process."""

    def __init__(
        self,
        base: Content,
        sessions: sessionmaker,
        every: float = CHECK_EVERY,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.base = base
        self.sessions = sessions
        self.content = base
        self.revision = -1  # not read yet
        self.clock = clock
        self._gate = Every(every, lambda: self.clock())  # self.clock may be replaced (tests)

    def current(self) -> Content:
        """The content to answer with now (checked against the database every few seconds)."""
        with self._gate.due() as now:
            if now:
                try:
                    self._refresh()
                except Exception:  # a database hiccup: keep answering with what we have
                    log.exception("content revision check failed")
        return self.content

    def refresh(self) -> Content:
        """Check now, whatever the time since the last check (start-up, tests, tools)."""
        with self._gate.due(force=True):
            self._refresh()
        return self.content

    def _refresh(self) -> None:
        with self.sessions() as db:
            revision = read_revision(db)
            if revision == self.revision:
                return
            versions = live_versions(db)
        self.content = overlay.apply(self.base, versions)
        log.info("answers rebuilt: revision %s, %s published answers", revision, len(versions))
        self.revision = revision
