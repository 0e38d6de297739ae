"""The bot's own contribution (issue 16 §4): a card's official-page button goes through
/r/<token>, which counts the tap (a number, no user ID) and sends the resident on — only ever to
a page content names; an unknown token gets a page saying what to do, with 404."""

from __future__ import annotations

import pytest
from sqlalchemy import select

from bot.core.links import token_of
from bot.core.models import LinkClick
from tests.conftest import _card_actions

PUBLIC = "https://navi.example.jp"


@pytest.fixture
def settings(settings):
    """The bot as deployed behind its public address."""
    return settings.with_overrides(public_base_url=PUBLIC)


def page_button(reply) -> dict:
    """The official-page button of the reply's card."""
    return next(a for a in _card_actions(reply.messages) if a["type"] == "uri")


def test_a_cards_page_button_goes_through_the_counting_redirect(app, client, resident):
    reply = resident.say("コンビニで住民票を取りたい")
    uri = page_button(reply)["uri"]
    assert uri.startswith(f"{PUBLIC}/r/")
    token = uri.rsplit("/", 1)[1]
    response = client.get(f"/r/{token}")
    assert response.status_code == 302
    link = app.extensions["navi"].links.find(token)
    assert response.headers["Location"] == link.url
    assert link.topic == "konbini_certificate"
    client.get(f"/r/{token}")
    with app.extensions["navi"].sessions() as db:
        rows = db.scalars(select(LinkClick)).all()
    assert [(r.token, r.topic, r.count) for r in rows] == [(token, "konbini_certificate", 2)]
    assert not hasattr(rows[0], "line_user_id") and not hasattr(rows[0], "follower_id")


@pytest.mark.parametrize(
    "path",
    [
        "/r/unknowntoken0000",
        "/r/https:%2F%2Fevil.example",
        "/r/" + token_of("x", "https://evil.example"),
    ],
)
def test_an_unknown_token_is_a_clear_404_page_never_a_redirect(app, client, path):
    response = client.get(path)
    assert response.status_code == 404
    assert "Location" not in response.headers
    page = response.get_data(as_text=True)
    assert "このリンクは見つかりません" in page and "This link was not found" in page
    assert "メニューから選んでください" in page
    with app.extensions["navi"].sessions() as db:
        assert db.scalars(select(LinkClick)).all() == []
