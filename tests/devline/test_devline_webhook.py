"""sign_body and EventFactory against line-bot-sdk's own webhook parser."""

from __future__ import annotations

import json
import re

from linebot.v3 import SignatureValidator, WebhookParser
from linebot.v3.messaging import ReplyMessageRequest, TextMessage
from linebot.v3.models.events import UnknownEvent
from linebot.v3.webhooks import (
    AudioMessageContent,
    FollowEvent,
    ImageMessageContent,
    LocationMessageContent,
    MessageEvent,
    PostbackEvent,
    StickerMessageContent,
    TextMessageContent,
    UnfollowEvent,
    UserSource,
)

from bot.line.standin import EventFactory, sign_body

SECRET = "devline-channel-secret"
ULID = re.compile(r"^[0-9A-HJKMNP-TV-Z]{26}$")


def parse(body: bytes) -> list:
    return WebhookParser(SECRET).parse(body.decode("utf-8"), sign_body(body, SECRET))


def test_sign_body_matches_the_sdk_validator():
    body = EventFactory().body(EventFactory().text("Ualice", "粗大ごみ"))
    assert SignatureValidator(SECRET).validate(body.decode("utf-8"), sign_body(body, SECRET))
    assert not SignatureValidator("other-secret").validate(body.decode(), sign_body(body, SECRET))


def test_events_parse_into_the_right_classes():
    f = EventFactory()
    events = parse(
        f.body(
            f.text("Ua", "こんにちは"),
            f.follow("Ub", is_unblocked=True),
            f.unfollow("Uc"),
            f.postback("Ud", "action=garbage&area=3", params={"date": "2025-06-01"}),
            f.sticker("Ue"),
            f.image("Uf"),
            f.audio("Ug"),
            f.location("Uh"),
        )
    )
    assert not any(isinstance(e, UnknownEvent) for e in events)
    text, follow, unfollow, postback, sticker, image, audio, location = events

    assert isinstance(text, MessageEvent) and isinstance(text.message, TextMessageContent)
    assert text.message.text == "こんにちは" and text.message.quote_token
    assert isinstance(text.source, UserSource) and text.source.user_id == "Ua"
    assert text.mode.value == "active" and text.delivery_context.is_redelivery is False
    assert isinstance(follow, FollowEvent) and follow.follow.is_unblocked is True
    assert isinstance(unfollow, UnfollowEvent)
    assert isinstance(postback, PostbackEvent)
    assert postback.postback.data == "action=garbage&area=3"
    assert postback.postback.params == {"date": "2025-06-01"}
    assert isinstance(sticker.message, StickerMessageContent)
    assert isinstance(image.message, ImageMessageContent)
    assert isinstance(audio.message, AudioMessageContent)
    assert isinstance(location.message, LocationMessageContent)
    assert location.message.latitude > 35


def test_event_envelope_fields():
    f = EventFactory()
    events = [f.text("Ua", "a"), f.follow("Ua"), f.unfollow("Ua")]
    ids = [e["webhookEventId"] for e in events]
    assert all(ULID.match(i) for i in ids) and len(set(ids)) == 3
    assert all(isinstance(e["timestamp"], int) and e["timestamp"] > 1.6e12 for e in events)
    assert "replyToken" not in events[2]  # LINE sends none with unfollow
    assert events[1]["follow"] == {"isUnblocked": False}

    body = f.body(*events)
    assert b" " not in body.replace(b'"text":"a"', b"")  # compact separators
    assert json.loads(body)["destination"].startswith("U")
    assert f.body(destination="Uother") == b'{"destination":"Uother","events":[]}'


def test_overrides_replace_top_level_fields():
    f = EventFactory()
    (event,) = parse(
        f.body(f.text("Ua", "x", mode="standby", deliveryContext={"isRedelivery": True}))
    )
    assert event.mode.value == "standby" and event.delivery_context.is_redelivery is True


def test_reply_token_from_factory_is_accepted_by_the_standin(standin, api):
    f = EventFactory(standin)
    (event,) = parse(f.body(f.text("Ualice", "ごみの日は？")))
    api.reply_message(
        ReplyMessageRequest(reply_token=event.reply_token, messages=[TextMessage(text="月曜です")])
    )
    assert standin.messages_to("Ualice") == [{"type": "text", "text": "月曜です"}]
