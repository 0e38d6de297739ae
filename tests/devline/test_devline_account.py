"""Profile, followers, insight, quota and the loading animation via the real SDK."""

from __future__ import annotations

import json

import pytest
from linebot.v3.insight import ApiException as InsightApiException
from linebot.v3.messaging import (
    ApiException,
    PushMessageRequest,
    ReplyMessageRequest,
    ShowLoadingAnimationRequest,
    TextMessage,
)


def test_profile_found_and_unknown_user_404(standin, api):
    standin.add_profile(
        "Uhanako", "板橋 花子", language="en", picture_url="https://example.com/p.png"
    )
    profile = api.get_profile("Uhanako")
    assert (profile.display_name, profile.user_id, profile.language) == (
        "板橋 花子",
        "Uhanako",
        "en",
    )
    assert profile.picture_url == "https://example.com/p.png"

    with pytest.raises(ApiException) as excinfo:
        api.get_profile("Ustranger")
    assert excinfo.value.status == 404
    assert json.loads(excinfo.value.body) == {"message": "Not found"}


def test_followers_paging_over_2500_ids(standin, api, raw):
    ids = [f"U{i:032x}" for i in range(2500)]
    standin.set_followers(ids)

    pages, start = [], None
    while True:
        page = api.get_followers(start=start, limit=1000)
        pages.append(page.user_ids)
        if page.next is None:
            break
        start = page.next
    assert [len(p) for p in pages] == [1000, 1000, 500]
    assert [u for p in pages for u in p] == ids
    assert len(api.get_followers().user_ids) == 300  # LINE's default limit

    with pytest.raises(ApiException) as excinfo:
        api.get_followers(start="made-up-token")
    assert excinfo.value.status == 400
    assert raw("GET", "/v2/bot/followers/ids?limit=1001")[0] == 400
    for odd in ("%C2%B2", "%EF%BC%93", "-1", "1e3", ""):  # superscript two, full-width 3 …
        assert raw("GET", f"/v2/bot/followers/ids?limit={odd}")[0] == 400


def test_insight_ready_unready_and_bad_date(standin, insight):
    standin.set_insight("20250601", followers=33120, targeted_reaches=30500, blocks=1200)
    ready = insight.get_number_of_followers(var_date="20250601")
    assert (ready.status, ready.followers, ready.targeted_reaches, ready.blocks) == (
        "ready",
        33120,
        30500,
        1200,
    )
    unready = insight.get_number_of_followers(var_date="20250602")
    assert unready.status == "unready" and unready.followers is None

    with pytest.raises(InsightApiException) as excinfo:  # the insight module has its own
        insight.get_number_of_followers(var_date="20251332")
    assert excinfo.value.status == 400


def test_quota_counts_pushes_but_not_replies(standin, api):
    assert api.get_message_quota().type == "none"
    standin.set_quota(limit=30000, used=120)
    quota = api.get_message_quota()
    assert (quota.type, quota.value) == ("limited", 30000)

    api.push_message(PushMessageRequest(to="Ualice", messages=[TextMessage(text="a")]))
    token = standin.issue_reply_token("Ualice")
    api.reply_message(ReplyMessageRequest(reply_token=token, messages=[TextMessage(text="b")]))
    assert api.get_message_quota_consumption().total_usage == 121


def test_loading_animation_accepts_steps_of_five(standin, api):
    api.show_loading_animation(ShowLoadingAnimationRequest(chat_id="Ualice", loading_seconds=20))
    assert standin.calls[-1].status == 202
    assert standin.calls[-1].json == {"chatId": "Ualice", "loadingSeconds": 20}

    with pytest.raises(ApiException) as excinfo:
        api.show_loading_animation(ShowLoadingAnimationRequest(chat_id="Ualice", loading_seconds=7))
    assert excinfo.value.status == 400
    assert json.loads(excinfo.value.body)["details"][0]["property"] == "loadingSeconds"
