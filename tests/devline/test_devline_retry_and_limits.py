"""Retry keys, rate limits, quota and fault injection, seen through the real SDK."""

from __future__ import annotations

import json
import time
import uuid
from concurrent.futures import ThreadPoolExecutor

import pytest
from linebot.v3.insight import ApiException as InsightApiException
from linebot.v3.messaging import (
    ApiException,
    MulticastRequest,
    PushMessageRequest,
    TextMessage,
)

from bot.line.standin import StandIn


def push_request(body: str, to: str = "Ualice") -> PushMessageRequest:
    return PushMessageRequest(to=to, messages=[TextMessage(text=body)])


def user_id(n: int) -> str:
    """A well-formed LINE user ID (multicast refuses anything else)."""
    return f"U{n:032x}"


def test_replayed_retry_key_is_409_and_delivers_once(standin, api):
    key = str(uuid.uuid4())
    first = api.push_message_with_http_info(
        push_request("申請を受け付けました"), x_line_retry_key=key
    )
    assert first.status_code == 200

    with pytest.raises(ApiException) as excinfo:
        api.push_message(push_request("申請を受け付けました"), x_line_retry_key=key)
    assert excinfo.value.status == 409
    assert json.loads(excinfo.value.body)["message"] == "The retry key is already accepted"
    accepted = excinfo.value.headers["x-line-accepted-request-id"]
    assert accepted == first.headers["x-line-request-id"]
    assert len(standin.messages_to("Ualice")) == 1


def test_multicast_retry_key_replay_delivers_once(standin, api):
    key = str(uuid.uuid4())
    request = MulticastRequest(to=[user_id(1), user_id(2)], messages=[TextMessage(text="休館日")])
    api.multicast(request, x_line_retry_key=key)
    with pytest.raises(ApiException) as excinfo:
        api.multicast(request, x_line_retry_key=key)
    assert excinfo.value.status == 409
    assert (
        standin.messages_to(user_id(1))
        == standin.messages_to(user_id(2))
        == [{"type": "text", "text": "休館日"}]
    )


def test_failed_request_does_not_accept_its_retry_key(standin, api):
    standin.fail("/v2/bot/message/push", 500)
    key = str(uuid.uuid4())
    with pytest.raises(ApiException) as excinfo:
        api.push_message(push_request("再送テスト"), x_line_retry_key=key)
    assert excinfo.value.status == 500
    assert standin.messages_to("Ualice") == []

    api.push_message(push_request("再送テスト"), x_line_retry_key=key)  # the retry goes through
    assert standin.messages_to("Ualice") == [{"type": "text", "text": "再送テスト"}]


def test_malformed_retry_key_is_400(standin, api):
    with pytest.raises(ApiException) as excinfo:
        api.push_message(push_request("x"), x_line_retry_key="attempt-1")
    assert excinfo.value.status == 400
    assert standin.messages_to("Ualice") == []


def test_multicast_burst_hits_the_rate_limit(access_token, make_api):
    with StandIn(access_token, multicast_rate_per_s=5) as limited:
        api = make_api(limited.base_url)

        def one(i: int) -> int:
            request = MulticastRequest(to=[user_id(i)], messages=[TextMessage(text="burst")])
            try:
                api.multicast(request)
                return 200
            except ApiException as err:
                assert json.loads(err.body)["message"] == (
                    "The API rate limit has been exceeded. Try again later."
                )
                return err.status

        started = time.monotonic()
        with ThreadPoolExecutor(max_workers=8) as pool:
            statuses = list(pool.map(one, range(30)))
        elapsed = time.monotonic() - started

        accepted = statuses.count(200)
        assert statuses.count(429) == 30 - accepted > 0
        # capacity 5 plus whatever refilled at 5/s while the burst ran
        assert 5 <= accepted <= 5 + int(elapsed * 5) + 1
        delivered = sum(len(limited.messages_to(user_id(i))) for i in range(30))
        assert delivered == accepted


def test_every_nth_fault_pattern(standin, api):
    standin.fail("/v2/bot/message/push", 503, every_nth=7)
    failed = []
    for i in range(1, 22):
        try:
            api.push_message(push_request(str(i)))
        except ApiException as err:
            assert err.status == 503
            failed.append(i)
    assert failed == [7, 14, 21]
    assert len(standin.messages_to("Ualice")) == 18
    standin.clear_faults()
    api.push_message(push_request("after"))  # the 28th call: no rule left


def test_fail_times_then_recovers(standin, api, insight):
    standin.fail("/v2/bot/insight", 500, times=2)
    for _ in range(2):
        with pytest.raises(InsightApiException) as excinfo:
            insight.get_number_of_followers(var_date="20250101")
        assert excinfo.value.status == 500
    assert insight.get_number_of_followers(var_date="20250101").status == "unready"
    api.push_message(push_request("other paths unaffected"))


def test_monthly_quota_is_enforced_per_recipient(standin, api):
    standin.set_quota(limit=3, used=1)
    three = [user_id(1), user_id(2), user_id(3)]
    with pytest.raises(ApiException) as excinfo:
        api.multicast(MulticastRequest(to=three, messages=[TextMessage(text="x")]))
    assert excinfo.value.status == 429
    assert json.loads(excinfo.value.body)["message"] == "You have reached your monthly limit."
    api.multicast(MulticastRequest(to=three[:2], messages=[TextMessage(text="x")]))
    assert api.get_message_quota_consumption().total_usage == 3
    assert standin.messages_to(three[2]) == []
