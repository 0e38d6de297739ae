"""The dispatcher: one webhook event in, its answer out, exactly once.

It orchestrates three parts: `answering` (which handler, in which language), the event's
`unit_of_work` (claim, context, counts, one commit) and the `replier` (the 5-message cap, reply
or push). The database work commits *before* anything is sent, so a failure leaves nothing
half-done and LINE's redelivery is processed once; a handler's bug gets the resident an apology,
a database outage reaches LINE as a 5xx so that it redelivers.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterable
from concurrent.futures import ThreadPoolExecutor

from linebot.v3.webhooks import Event
from sqlalchemy import Engine
from sqlalchemy.exc import InternalError, OperationalError
from sqlalchemy.orm import sessionmaker

from bot.conversation.answering import Answerer
from bot.conversation.replier import Replier, user_of
from bot.conversation.unit_of_work import Outcome, UnitOfWork
from bot.core.db import utcnow
from bot.line.outbox import LINE_CALLS_AT_ONCE
from bot.residents.housekeeping import EVENT_ID_DAYS

log = logging.getLogger(__name__)

# Events older than the ids we remember (less a day, for deliveries in flight) are not
# answered; nor are events stamped more than an hour ahead of our clock.
SAFETY_MARGIN_MS = 86_400_000
FUTURE_MS = 3_600_000
# A webhookEventId we can remember (LINE's are 26-character ULIDs).
EVENT_ID = re.compile(r"[0-9A-Za-z_-]{1,64}")
# A body with many chats is answered this many chats at a time: LINE's reply tokens expire in
# about a minute, and one chat after another would spend most of it waiting on LINE. The same
# as the LINE calls one process may make at once (bot.line.outbox), so none waits for one.
CHATS_AT_ONCE = LINE_CALLS_AT_ONCE
# What a database says when it cannot take the work now (down, disk full, read-only: psycopg
# reports a read-only transaction as an InternalError), as opposed to a bug of ours.
DATABASE_REFUSED = (OperationalError, InternalError)


class Dispatcher:
    """Processes webhook events; built once by the app factory and shared by requests."""

    def __init__(
        self,
        engine: Engine,
        sessions: sessionmaker,
        answerer: Answerer,
        replier: Replier,
        clock: Callable = utcnow,
    ):
        self.engine = engine
        self.sessions = sessions
        self.answerer = answerer
        self.replier = replier
        self.registry = answerer.registry
        self.clock = clock
        self._chats = ThreadPoolExecutor(CHATS_AT_ONCE, thread_name_prefix="chat")

    def handle_all(self, events: list[Event]) -> list[Outcome]:
        """Answer a webhook body: each chat's events in the order they happened, several chats
        at a time. A database outage in any chat is raised (LINE must redeliver); what was
        done before it is remembered, so the redelivery does only the rest."""
        self.answerer.refresh_content()
        chats: dict[str, list[Event]] = {}
        for event in sorted(events, key=lambda e: getattr(e, "timestamp", 0) or 0):
            chats.setdefault(_chat_of(event), []).append(event)
        if len(chats) <= 1:  # the usual body: one event, or one resident's few
            return self._handle_in_order(next(iter(chats.values()), []))
        done = [self._chats.submit(self._handle_in_order, chat) for chat in chats.values()]
        return [outcome for future in done for outcome in future.result()]

    def _handle_in_order(self, events: Iterable[Event]) -> list[Outcome]:
        return [self.handle(event) for event in events]

    def handle(self, event: Event) -> Outcome:
        """Answer one event, commit its work, then send what it produced."""
        event_id = getattr(event, "webhook_event_id", None)
        if event_id is not None and not EVENT_ID.fullmatch(str(event_id)):
            # LINE's ids are ULIDs; one over 64 characters or with NUL cannot be remembered
            # (the database refuses it), so it could not be answered exactly once
            log.info("ignored a %s event with a malformed webhookEventId", event.type)
            return Outcome("ignored")
        if not self._fresh(event):
            log.info("ignored a %s event outside the window events are remembered", event.type)
            return Outcome("ignored")
        with self.engine.connect() as connection:
            work = UnitOfWork(connection, self.sessions, self.clock)
            try:
                outcome, answer, turn = self.answerer.answer(work, event)
                if not work.finish(event_id, outcome, turn):
                    return Outcome("duplicate")
                pushes = turn.outbox if turn else []
            except DATABASE_REFUSED:
                # The database refused a read or a write (down, disk full, read-only) before
                # the answer was settled: nothing is kept, LINE gets a 5xx and redelivers.
                work.rollback()
                raise
            except Exception:
                work.rollback()
                if not work.database_alive():
                    raise  # an outage, not a bug: LINE must get a 5xx and redeliver
                # Another delivery of this event may have committed meanwhile, and its rows
                # made ours clash: that is a duplicate, not a failure to apologise for.
                if not work.claim(event_id):
                    return Outcome("duplicate")
                log.exception("handler failed for a %s event", event.type)
                work.commit()
                apology = self.answerer.apology(event, work.language_of(user_of(event)))
                outcome, answer, pushes = Outcome("failed"), apology, []
            finally:
                work.close()
        if str(getattr(event, "mode", "active")).lower().endswith("standby"):
            return outcome  # another channel answers in standby; we record but never send
        if answer:
            self.replier.reply(event, answer)
        for push in pushes:
            self.replier.push(push)
        return outcome

    def _fresh(self, event: Event) -> bool:
        """Whether the event is within the window its id is remembered (so a redelivery is
        caught as a duplicate) and not from the future: an older one could be answered twice,
        by a paid push, and a timestamp an hour ahead is not LINE's."""
        timestamp = getattr(event, "timestamp", None)
        if not isinstance(timestamp, int):
            return True
        now_ms = self.clock().timestamp() * 1000
        too_old = now_ms - timestamp > EVENT_ID_DAYS * 86_400_000 - SAFETY_MARGIN_MS
        too_new = timestamp - now_ms > FUTURE_MS
        return not (too_old or too_new)


def _chat_of(event: Event) -> str:
    """Which conversation an event belongs to: a user, group or room (events without a source,
    which LINE does not send to us, share one)."""
    source = getattr(event, "source", None)
    for field in ("group_id", "room_id", "user_id"):  # a group's events carry a user id too
        found = getattr(source, field, None)
        if found:
            return f"{field}:{found}"
    return "none"
