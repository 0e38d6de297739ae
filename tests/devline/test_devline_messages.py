"""Sending messages through the real SDK: reply tokens, auth, and LINE's message limits.

Where the SDK itself refuses an over-limit request client-side (its pydantic models cap messages
at 5, quick replies at 13, multicast at 500, postback data at 300), the request model is built
with ``.construct()`` so the stand-in's own check is what gets exercised.
"""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from linebot.v3.messaging import (
    ApiException,
    BroadcastRequest,
    FlexBox,
    FlexBubble,
    FlexCarousel,
    FlexMessage,
    FlexText,
    MessageAction,
    MulticastRequest,
    PostbackAction,
    PushMessageRequest,
    QuickReply,
    QuickReplyItem,
    ReplyMessageRequest,
    TextMessage,
)

AUTH_FAILED = (
    "Authentication failed. Confirm that the access token in the authorization header is valid."
)


def text(body: str) -> TextMessage:
    return TextMessage(text=body)


def error_of(excinfo: pytest.ExceptionInfo[ApiException]) -> dict:
    return json.loads(excinfo.value.body)


def push(api, user_id: str, *messages) -> None:
    api.push_message(PushMessageRequest(to=user_id, messages=list(messages)))


def test_reply_token_is_accepted_once(standin, api):
    token = standin.issue_reply_token("Ualice")
    sent = api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("ようこそ")]))
    assert len(sent.sent_messages) == 1
    assert sent.sent_messages[0].quote_token

    with pytest.raises(ApiException) as excinfo:
        api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("again")]))
    assert excinfo.value.status == 400
    assert error_of(excinfo)["message"] == "Invalid reply token"
    assert standin.messages_to("Ualice") == [{"type": "text", "text": "ようこそ"}]


def test_expired_and_unknown_reply_tokens_are_refused(standin, api):
    standin.reply_token_ttl_s = 0.05
    stale = standin.issue_reply_token("Ubob")
    time.sleep(0.1)
    standin.reply_token_ttl_s = 60
    revoked = standin.issue_reply_token("Ubob")
    standin.expire_reply_token(revoked)

    for token in (stale, revoked, "never-issued"):
        with pytest.raises(ApiException) as excinfo:
            api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("late")]))
        assert excinfo.value.status == 400
        assert error_of(excinfo)["message"] == "Invalid reply token"
    assert standin.messages_to("Ubob") == []


def test_invalid_message_does_not_burn_the_reply_token(standin, api):
    token = standin.issue_reply_token("Ucarol")
    with pytest.raises(ApiException):
        api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("x" * 5001)]))
    api.reply_message(ReplyMessageRequest(reply_token=token, messages=[text("fixed")]))
    assert standin.messages_to("Ucarol") == [{"type": "text", "text": "fixed"}]


def test_wrong_or_missing_access_token_is_401(standin, make_api, raw):
    intruder = make_api(standin.base_url, "not-the-token")
    with pytest.raises(ApiException) as excinfo:
        push(intruder, "Ualice", text("hi"))
    assert excinfo.value.status == 401
    assert error_of(excinfo)["message"] == AUTH_FAILED

    status, body, _ = raw("GET", "/v2/bot/message/quota", token=None)
    assert status == 401
    assert "Authorization" in body["message"]
    assert standin.messages_to("Ualice") == []


def test_six_messages_are_refused_five_are_fine(standin, api):
    six = PushMessageRequest.construct(to="Ualice", messages=[text(str(i)) for i in range(6)])
    with pytest.raises(ApiException) as excinfo:
        api.push_message(six)
    assert excinfo.value.status == 400
    assert error_of(excinfo)["details"] == [
        {"message": "Size must be between 1 and 5", "property": "messages"}
    ]
    push(api, "Ualice", *[text(str(i)) for i in range(5)])
    assert [m["text"] for m in standin.messages_to("Ualice")] == ["0", "1", "2", "3", "4"]


@pytest.mark.parametrize(
    ("body", "accepted"),
    [
        ("あ" * 5000, True),  # BMP characters: one UTF-16 unit each
        ("😀" * 2500, True),  # surrogate pairs: exactly 5,000 units
        ("a" * 5001, False),
        ("😀" * 2500 + "a", False),  # 2,501 characters but 5,001 units
        ("😀" * 2501, False),
    ],
)
def test_text_limit_counts_utf16_units(standin, api, body, accepted):
    if accepted:
        push(api, "Ualice", text(body))
        assert standin.messages_to("Ualice")[0]["text"] == body
        return
    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", text(body))
    assert excinfo.value.status == 400
    assert error_of(excinfo)["details"][0]["property"] == "messages[0].text"
    assert standin.messages_to("Ualice") == []


def test_quick_reply_item_and_label_limits(api):
    def with_items(count: int, label: str = "はい") -> TextMessage:
        items = [
            QuickReplyItem(action=MessageAction(label=label, text=str(i))) for i in range(count)
        ]
        return TextMessage(text="選んでください", quick_reply=QuickReply.construct(items=items))

    push(api, "Ualice", with_items(13))
    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", text("first"), with_items(14))
    assert error_of(excinfo)["details"][0]["property"] == "messages[1].quickReply.items"

    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", with_items(1, label="x" * 21))
    assert error_of(excinfo)["details"][0]["property"] == (
        "messages[0].quickReply.items[0].action.label"
    )


def test_postback_data_over_300_is_refused(standin, api):
    def button(data: str) -> TextMessage:
        action = PostbackAction.construct(label="申込", data=data)
        return TextMessage(text="t", quick_reply=QuickReply(items=[QuickReplyItem(action=action)]))

    push(api, "Ualice", button("d" * 300))
    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", button("d" * 301))
    assert excinfo.value.status == 400
    assert error_of(excinfo)["details"][0]["property"].endswith("action.data")
    assert len(standin.messages_to("Ualice")) == 1


def test_flex_alt_text_and_carousel_limits(standin, api):
    bubble = FlexBubble(body=FlexBox(layout="vertical", contents=[FlexText(text="ごみ収集日")]))
    push(api, "Ualice", FlexMessage(alt_text="ごみ収集日", contents=bubble))

    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", FlexMessage(alt_text="a" * 1501, contents=bubble))
    assert error_of(excinfo)["details"][0]["property"] == "messages[0].altText"

    carousel = FlexCarousel(contents=[bubble] * 13)
    with pytest.raises(ApiException) as excinfo:
        push(api, "Ualice", FlexMessage(alt_text="多すぎ", contents=carousel))
    assert error_of(excinfo)["details"][0]["property"] == "messages[0].contents.contents"
    assert len(standin.messages_to("Ualice")) == 1


def test_multicast_recipient_limit(standin, api):
    too_many = MulticastRequest.construct(
        to=[f"U{i:032x}" for i in range(501)], messages=[text("x")]
    )
    with pytest.raises(ApiException) as excinfo:
        api.multicast(too_many)
    assert excinfo.value.status == 400
    assert error_of(excinfo)["details"][0]["property"] == "to"
    assert standin.messages_to(f"U{0:032x}") == []

    api.multicast(
        MulticastRequest(to=[f"U{i:032x}" for i in range(500)], messages=[text("避難情報")])
    )
    assert standin.messages_to(f"U{499:032x}") == [{"type": "text", "text": "避難情報"}]


def test_multicast_with_one_malformed_user_id_is_refused_whole(standin, api):
    good = [f"U{i:032x}" for i in range(3)]
    key = str(uuid.uuid4())
    for bad in ("Unot-a-user-id", "U" + "A" * 32, "C" + "0" * 32):
        request = MulticastRequest.construct(to=[*good[:2], bad, good[2]], messages=[text("x")])
        with pytest.raises(ApiException) as excinfo:
            api.multicast(request, x_line_retry_key=key)
        assert excinfo.value.status == 400
        assert error_of(excinfo)["message"] == (
            "The property, 'to[2]', in the request body is invalid (line: -, column: -)"
        )
    assert all(standin.messages_to(u) == [] for u in good)
    api.multicast(MulticastRequest(to=good, messages=[text("x")]), x_line_retry_key=key)
    assert all(standin.messages_to(u) == [{"type": "text", "text": "x"}] for u in good)


def test_broadcast_reaches_followers_and_profiled_users(standin, api):
    standin.set_followers(["Ufollower1", "Ufollower2"])
    standin.add_profile("Ufriend", "区民 太郎")
    api.broadcast(BroadcastRequest(messages=[text("区からのお知らせ")]))
    for user_id in ("Ufollower1", "Ufollower2", "Ufriend"):
        assert standin.messages_to(user_id) == [{"type": "text", "text": "区からのお知らせ"}]


def test_unsupported_message_type_and_bad_json(standin, raw):
    status, body, _ = raw(
        "POST", "/v2/bot/message/push", {"to": "Ualice", "messages": [{"type": "video"}]}
    )
    assert status == 400
    assert {d["property"] for d in body["details"]} == {
        "messages[0].originalContentUrl",
        "messages[0].previewImageUrl",
    }
    status, body, _ = raw("POST", "/v2/bot/message/push", {"to": "U", "messages": [{"type": "x"}]})
    assert status == 400 and body["details"][0]["property"] == "messages[0].type"
    status, _, _ = raw("POST", "/v2/bot/message/push", b"{not json")
    assert status == 400
    assert standin.messages_to("Ualice") == []


def test_concurrent_replies_with_one_token_deliver_once(standin, api):
    token = standin.issue_reply_token("Urace")

    def attempt(i: int) -> int:
        request = ReplyMessageRequest(reply_token=token, messages=[text(f"reply {i}")])
        try:
            api.reply_message(request)
            return 200
        except ApiException as err:
            return err.status

    with ThreadPoolExecutor(max_workers=10) as pool:
        statuses = list(pool.map(attempt, range(10)))
    assert sorted(statuses) == [200] + [400] * 9
    assert len(standin.messages_to("Urace")) == 1
