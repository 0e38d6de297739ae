"""What the stand-in records and the headers it answers with."""

from __future__ import annotations

import uuid

import pytest
from linebot.v3.messaging import ApiException, PushMessageRequest, TextMessage


def test_authorization_never_appears_in_calls(standin, api, make_api, access_token):
    api.push_message(PushMessageRequest(to="Ualice", messages=[TextMessage(text="hi")]))
    with pytest.raises(ApiException):
        make_api(standin.base_url, "leaked-wrong-token").get_message_quota()

    calls = standin.calls
    assert [(c.path, c.status) for c in calls] == [
        ("/v2/bot/message/push", 200),
        ("/v2/bot/message/quota", 401),  # refused calls are recorded too
    ]
    for call in calls:
        assert all(key.lower() != "authorization" for key in call.headers)
    assert access_token not in repr(calls)
    assert "leaked-wrong-token" not in repr(calls)
    assert calls[0].json["messages"] == [{"type": "text", "text": "hi"}]


def test_every_response_has_a_request_id(api, raw):
    ok = api.push_message_with_http_info(
        PushMessageRequest(to="Ualice", messages=[TextMessage(text="a")])
    )
    status, body, headers = raw("GET", "/v2/bot/no/such/endpoint")
    assert status == 404 and body == {"message": "Not found"}
    ids = {ok.headers["x-line-request-id"], headers["x-line-request-id"]}
    assert len(ids) == 2
    assert all(uuid.UUID(i).version == 4 for i in ids)


def test_body_over_2mb_is_refused(standin, raw):
    big = b'{"to":"Ualice","messages":[{"type":"text","text":"' + b"a" * (2 * 1024 * 1024) + b'"}]}'
    status, _, _ = raw("POST", "/v2/bot/message/push", big)
    assert status == 400
    assert standin.messages_to("Ualice") == []


def test_clear_forgets_traffic_but_keeps_configuration(standin, api):
    standin.add_profile("Ualice", "Alice")
    api.push_message(PushMessageRequest(to="Ualice", messages=[TextMessage(text="a")]))
    standin.clear()
    assert standin.calls == [] and standin.messages_to("Ualice") == []
    assert api.get_profile("Ualice").display_name == "Alice"


def test_messages_to_returns_copies(standin, api):
    api.push_message(PushMessageRequest(to="Ualice", messages=[TextMessage(text="a")]))
    standin.messages_to("Ualice")[0]["text"] = "tampered"
    assert standin.messages_to("Ualice") == [{"type": "text", "text": "a"}]
