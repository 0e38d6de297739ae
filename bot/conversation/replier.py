"""Sending a turn's answer: the 5-message cap, reply or push, and pushes to other residents.

Every message a turn produces leaves through here and the one gateway. A reply whose token
expired (we were slow, or LINE redelivered late) is pushed instead, once, to a resident who still
follows us. (Issue 15's durable outbox will take what fails here.)
"""

from __future__ import annotations

import logging
import re
import uuid

from linebot.v3.webhooks import Event, UserSource
from sqlalchemy.orm import sessionmaker

from bot.conversation.turn import Push
from bot.line.gateway import InvalidReplyToken, LineError, LineGateway
from bot.residents import followers

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
    """Sends answers and pushes through the gateway."""

    def __init__(self, gateway: LineGateway, sessions: sessionmaker):
        self.gateway = gateway
        self.sessions = sessions

    def reply(self, event: Event, answer: list[dict]) -> None:
        """Reply with at most 5 messages; record (never raise) when LINE refuses."""
        if len(answer) > MAX_MESSAGES:
            log.error("handler returned %d messages; sending the first 5", len(answer))
            answer = answer[:MAX_MESSAGES]
        try:
            self.gateway.reply(event.reply_token, answer)
        except InvalidReplyToken:
            self._reply_by_push(event, answer)
        except LineError as error:
            log.warning("reply failed: status=%s message=%s", error.status, error.message)

    def push(self, push: Push) -> None:
        """Send one queued push (retried with its key by the gateway)."""
        self.gateway.push_with_retries(push.user_id, push.messages, push.retry_key)

    def _reply_by_push(self, event: Event, answer: list[dict]) -> None:
        """Push the answer instead of replying, only in a 1:1 chat with someone who still
        follows us, and only once: the retry key comes from the event, so a second delivery
        of it cannot push again."""
        user_id = user_of(event)
        event_id = getattr(event, "webhook_event_id", None)
        if user_id is None or not event_id:
            log.warning("reply token expired; no 1:1 chat to push to, answer dropped")
            return
        with self.sessions() as db:
            follower = followers.find_follower(db, user_id)
            following = follower is not None and follower.following
        if not following:
            log.info("reply token expired for a non-follower; answer dropped")
            return
        retry_key = str(uuid.uuid5(uuid.NAMESPACE_URL, f"reply-fallback:{event_id}"))
        self.push(Push(user_id, answer, retry_key))
