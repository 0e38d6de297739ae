"""A scan of everything the bot logs during real flows: no token, secret, signature, password
or resident's words may appear (APPI; DESIGN: never log bodies or tokens)."""

from __future__ import annotations

import logging

from bot.devline import sign_body
from tests.admin_helpers import console_client, log_in, make_user
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, post_webhook

SECRET_WORDS = "わたしの住所は板橋区本町1-2-3です"


def test_nothing_secret_or_personal_reaches_the_logs(app, client, events, standin, caplog):
    user = "U" + "8" * 32
    with caplog.at_level(logging.DEBUG):
        good = events.body(events.text(user, SECRET_WORDS))
        post_webhook(client, good)
        post_webhook(client, good, signature="Zm9yZ2VkLXNpZ25hdHVyZQ==")  # forged
        post_webhook(client, b"{not json " + SECRET_WORDS.encode())
        standin.fail("/v2/bot/message/reply", 500, times=1)
        post_webhook(client, events.body(events.text(user, SECRET_WORDS + "?")))
        registry = app.extensions["navi"].dispatcher.registry
        registry.intents["unknown"] = lambda turn: 1 / 0  # a crashing handler logs a traceback
        post_webhook(client, events.body(events.text(user, SECRET_WORDS + "!")))
        email = make_user(app, "manager")
        console = console_client(app)
        log_in(console, email, "a wrong password 123")
        log_in(console, email)
    logged = caplog.text
    for secret in (
        ACCESS_TOKEN,
        CHANNEL_SECRET,
        sign_body(good, CHANNEL_SECRET),
        "Zm9yZ2VkLXNpZ25hdHVyZQ==",
        SECRET_WORDS,
        "a wrong password 123",
        "correct horse battery",
        app.config["SECRET_KEY"],
    ):
        assert secret not in logged, secret
    assert "handler failed" in logged  # the crash itself was recorded
