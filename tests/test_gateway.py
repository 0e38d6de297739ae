"""Our gateway drives the real line-bot-sdk against the strict stand-in, for every endpoint
the bot uses, and turns LINE's refusals into errors callers can act on."""

from __future__ import annotations

import socket
import struct
import threading
import uuid
import zlib

import pytest

from bot.line.gateway import InvalidReplyToken, LineError, LineGateway
from tests.conftest import ACCESS_TOKEN

HELLO = [{"type": "text", "text": "こんにちは"}]


def solid_png(width: int, height: int) -> bytes:
    """A valid one-colour PNG, small after compression."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    rows = (b"\x00" + b"\x06\xc7\x55" * width) * height
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows, 9))
        + chunk(b"IEND", b"")
    )


@pytest.fixture
def gateway(standin):
    standin.clear()
    standin.clear_faults()
    gateway = LineGateway(ACCESS_TOKEN, standin.base_url)
    yield gateway
    gateway.close()


def test_reply_reaches_the_resident_once(gateway, standin):
    token = standin.issue_reply_token("Ureply")
    gateway.reply(token, HELLO)
    assert standin.messages_to("Ureply") == HELLO
    with pytest.raises(InvalidReplyToken):
        gateway.reply(token, HELLO)


def test_push_and_a_retried_push_with_the_same_key_deliver_once(gateway, standin):
    key = str(uuid.uuid4())
    gateway.push("Upush", HELLO, retry_key=key)
    with pytest.raises(LineError) as replay:
        gateway.push("Upush", HELLO, retry_key=key)
    assert replay.value.already_accepted
    assert standin.messages_to("Upush") == HELLO


def test_multicast_reaches_each_recipient(gateway, standin):
    users = [f"U{n:032x}" for n in range(3)]
    gateway.multicast(users, HELLO, retry_key=str(uuid.uuid4()))
    assert all(standin.messages_to(u) == HELLO for u in users)


def test_a_multicast_refused_for_a_recipient_says_so_and_one_refused_for_its_message_does_not(
    gateway, standin
):
    users = [f"U{n:032x}" for n in range(3)]
    with pytest.raises(LineError) as bad_recipient:
        gateway.multicast([*users, "Unot-an-id"], HELLO, retry_key=str(uuid.uuid4()))
    too_long = [{"type": "text", "text": "あ" * 5001}]
    with pytest.raises(LineError) as bad_message:
        gateway.multicast(users, too_long, retry_key=str(uuid.uuid4()))
    assert bad_recipient.value.status == bad_message.value.status == 400
    assert bad_recipient.value.refuses_recipient and not bad_recipient.value.retryable
    assert not bad_message.value.refuses_recipient
    assert all(standin.messages_to(u) == [] for u in users)


def test_broadcast_is_accepted(gateway, standin):
    gateway.broadcast(HELLO, retry_key=str(uuid.uuid4()))
    assert any(c.path == "/v2/bot/message/broadcast" and c.status == 200 for c in standin.calls)


def test_profile_gives_language_and_none_for_strangers(gateway, standin):
    standin.add_profile("Uknown", "板橋 太郎", language="en")
    assert gateway.profile("Uknown").language == "en"
    assert gateway.profile("Ustranger") is None


def test_follower_ids_page_until_the_end(gateway, standin):
    standin.set_followers([f"U{n:032d}" for n in range(2500)])
    page, token = gateway.follower_ids(limit=1000)
    seen = list(page)
    while token:
        page, token = gateway.follower_ids(token, limit=1000)
        seen += page
    assert len(seen) == 2500 and len(set(seen)) == 2500


def test_follower_insight_ready_and_unready(gateway, standin):
    standin.set_insight("20261125", followers=1200, targeted_reaches=1100, blocks=100)
    standin.set_insight("20261126", status="unready")
    assert gateway.follower_insight("20261125") == {
        "status": "ready",
        "followers": 1200,
        "targetedReaches": 1100,
        "blocks": 100,
    }
    assert gateway.follower_insight("20261126")["status"] == "unready"


def test_quota_reports_limit_and_usage(gateway, standin):
    standin.set_quota(limit=30000, used=1234)
    assert gateway.quota() == (30000, 1234)


def test_loading_animation_is_accepted(gateway, standin):
    gateway.show_loading("Uslow", 10)
    assert standin.calls[-1].path == "/v2/bot/chat/loading/start"
    assert standin.calls[-1].status == 202


def test_rich_menu_is_created_with_its_image_and_made_default(gateway, standin):
    menu = {
        "size": {"width": 2500, "height": 1686},
        "selected": True,
        "name": "test",
        "chatBarText": "メニュー",
        "areas": [
            {
                "bounds": {"x": 0, "y": 0, "width": 2500, "height": 1686},
                "action": {"type": "postback", "data": "v1|menu|"},
            }
        ],
    }
    png = solid_png(2500, 1686)
    menu_id = gateway.create_rich_menu(menu, png, "image/png")
    gateway.set_default_rich_menu(menu_id)
    assert standin.default_rich_menu_id == menu_id


def test_wrong_token_is_an_error_with_status_401(standin):
    intruder = LineGateway("not-the-token", standin.base_url)
    with pytest.raises(LineError) as refused:
        intruder.push("Uany", HELLO, retry_key=str(uuid.uuid4()))
    assert refused.value.status == 401 and not refused.value.retryable


def test_rate_limit_and_server_errors_are_retryable(gateway, standin):
    standin.fail("/v2/bot/message/push", 429, times=1)
    with pytest.raises(LineError) as limited:
        gateway.push("Ulimited", HELLO, retry_key=str(uuid.uuid4()))
    assert limited.value.status == 429 and limited.value.retryable
    standin.fail("/v2/bot/message/push", 500, times=1)
    with pytest.raises(LineError) as broken:
        gateway.push("Ulimited", HELLO, retry_key=str(uuid.uuid4()))
    assert broken.value.retryable


def test_a_server_that_never_answers_is_a_retryable_timeout():
    silent = socket.socket()
    silent.bind(("127.0.0.1", 0))
    silent.listen()
    accepted = []
    threading.Thread(target=lambda: accepted.append(silent.accept()), daemon=True).start()
    gateway = LineGateway(ACCESS_TOKEN, f"http://127.0.0.1:{silent.getsockname()[1]}", (1, 0.5))
    try:
        with pytest.raises(LineError) as timed_out:
            gateway.push("Uslow", HELLO, retry_key=str(uuid.uuid4()))
    finally:
        silent.close()
    assert timed_out.value.status is None and timed_out.value.retryable
