"""Sending a turn's answer: the 5-message cap, and the retry keys of a reply's fallback push.

Every message a turn produces leaves through here and the outbox (bot.line.outbox), which
tries LINE once and keeps what LINE did not take for the scheduler to retry. A reply whose
token expired (we were slow, or LINE redelivered late) is pushed instead, once, to a resident
who still follows us.
"""

from __future__ import annotations

import logging
import re
import uuid

from linebot.v3.webhooks import Event, UserSource

from bot.conversation.turn import Push
from bot.line.outbox import Outbox

log = logging.getLogger(__name__)

MAX_MESSAGES = 5


# A LINE user id: "U" and 32 hex digits. Anything else (an empty id, NUL, a huge string) is
# not a resident: storing it would make the next multicast batch fail with a 400.
LINE_USER_ID = re.compile(r"U[0-9a-f]{32}")


def user_of(event: Event) -> str | None:
    """The resident in a 1:1 chat; None for groups and rooms (we send nothing there) and for
    an id that is not a LINE user id."""
    source = getattr(event, "source", None)
    if not isinstance(source, UserSource):
        return None
    user_id = source.user_id
    if not isinstance(user_id, str) or not LINE_USER_ID.fullmatch(user_id):
        log.info("ignored an event whose user id is not a LINE user id")
        return None
    return user_id


class Replier:
    """Sends answers and pushes through the outbox."""

    def __init__(self, outbox: Outbox):
        self.outbox = outbox

    def reply(self, event: Event, answer: list[dict]) -> str:
        """Reply with at most 5 messages; what LINE does not take now is kept and retried."""
        if len(answer) > MAX_MESSAGES:
            log.error("handler returned %d messages; sending the first 5", len(answer))
            answer = answer[:MAX_MESSAGES]
        # The push's key is derived only if the reply fails (a uuid5 per delivery otherwise).
        return self.outbox.reply(
            user_of(event), event.reply_token, answer, lambda: fallback_key(event)
        )

    def push(self, push: Push) -> str:
        """Send one queued push (kept and retried with its key if LINE does not take it)."""
        return self.outbox.push(
            push.user_id, push.messages, push.retry_key, push.purpose, push.about
        )


def fallback_key(event: Event) -> str:
    """The retry key of the push that stands in for a reply: from the event, so a second
    delivery of it cannot push again; random for an event without an id (nothing redelivers
    it)."""
    event_id = getattr(event, "webhook_event_id", None)
    if not event_id:
        return str(uuid.uuid4())
    return str(uuid.uuid5(uuid.NAMESPACE_URL, f"reply-fallback:{event_id}"))
