"""The dispatcher: one webhook event in, its answer out, exactly once.

It orchestrates three parts: `answering` (which handler, in which language), the event's
`unit_of_work` (claim, context, counts, one commit) and the `replier` (the 5-message cap, reply
or push). The database work commits *before* anything is sent, so a failure leaves nothing
half-done and LINE's redelivery is processed once; a handler's bug gets the resident an apology,
a database outage reaches LINE as a 5xx so that it redelivers.
"""

from __future__ import annotations

import logging
from collections.abc import Callable

from linebot.v3.webhooks import Event
from sqlalchemy.orm import sessionmaker

from bot.conversation.answering import Answerer
from bot.conversation.replier import Replier
from bot.conversation.unit_of_work import Outcome, UnitOfWork
from bot.core.db import utcnow

log = logging.getLogger(__name__)


class Dispatcher:
    """Processes webhook events; built once by the app factory and shared by requests."""

    def __init__(
        self,
        sessions: sessionmaker,
        answerer: Answerer,
        replier: Replier,
        clock: Callable = utcnow,
    ):
        self.sessions = sessions
        self.answerer = answerer
        self.replier = replier
        self.registry = answerer.registry
        self.clock = clock

    def handle(self, event: Event) -> Outcome:
        """Answer one event, commit its work, then send what it produced."""
        event_id = getattr(event, "webhook_event_id", None)
        with self.sessions() as db:
            work = UnitOfWork(db, self.clock)
            try:
                outcome, answer, turn = self.answerer.answer(work, event)
                if not work.finish(event_id, outcome, turn):
                    return Outcome("duplicate")
                pushes = turn.outbox if turn else []
            except Exception:
                db.rollback()
                if not work.database_alive():
                    raise  # an outage, not a bug: LINE must get a 5xx and redeliver
                # Another delivery of this event may have committed meanwhile, and its rows
                # made ours clash: that is a duplicate, not a failure to apologise for.
                if not work.claim(event_id):
                    return Outcome("duplicate")
                log.exception("handler failed for a %s event", event.type)
                db.commit()
                outcome, answer, pushes = Outcome("failed"), self.answerer.apology(event), []
        if str(getattr(event, "mode", "active")).lower().endswith("standby"):
            return outcome  # another channel answers in standby; we record but never send
        if answer:
            self.replier.reply(event, answer)
        for push in pushes:
            self.replier.push(push)
        return outcome
