"""A scan of everything the bot logs during real flows: no token, secret, signature, password
or resident's words may appear (APPI; DESIGN: never log bodies or tokens)."""

from __future__ import annotations

import logging

from bot.line.standin import sign_body
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


def test_failing_statements_log_no_resident_text_user_id_or_email(
    app, client, events, standin, caplog
):
    """A statement that fails (NUL in text, an ID or an e-mail longer than its column) is
    logged without its parameters: the engine hides them (APPI)."""
    words = "電話は090-1234-5678、本町1-2-3に住んでいます\x00まだ答えがない質問"
    long_user = "U" + "7" * 300
    long_email = "someone." + "x" * 260 + "@example.jp"
    nul_email = "staff\x00secret@example.jp"
    with caplog.at_level(logging.DEBUG):
        post_webhook(client, events.body(events.text("U" + "6" * 32, words)))
        post_webhook(client, events.body(events.follow(long_user)))
        post_webhook(client, events.body(events.text(long_user, words)))
        console = console_client(app)
        for email in (long_email, nul_email):
            log_in(console, email, "a wrong password 456")
    logged = caplog.text
    for secret in (
        "090-1234-5678",
        "09012345678",
        "本町1-2-3",
        "まだ答えがない質問",
        "7" * 64,
        "x" * 64,
        "staff",
        "a wrong password 456",
    ):
        assert secret not in logged, secret


def test_a_phone_number_typed_into_the_chat_reaches_no_file_and_no_log(
    app, client, events, caplog, database_url
):
    """After 「電話は090-1234-5678です」 the unanswered question is kept masked, and the bytes of
    the SQLite database (and its write-ahead log) hold the number in no form."""
    from sqlalchemy import select

    from bot.core.models import UnansweredQuestion

    resident = "U" + "5" * 32
    said = (
        "電話は090-1234-5678です",  # the words (answered with the contact card)
        "区長の好きな食べ物は？ 090-1234-5678",  # kept, masked
        "宇宙人はいますか ０９０ー１２３４ー５６７８",  # full-width, kept, masked
    )
    with caplog.at_level(logging.DEBUG):
        for words in said:
            post_webhook(client, events.body(events.text(resident, words)))
    with app.extensions["navi"].sessions() as db:
        kept = list(db.scalars(select(UnansweredQuestion.text)))
    assert len(kept) == 2 and all("[電話番号]" in text for text in kept), kept
    forms = ("090-1234-5678", "09012345678", "1234-5678", "０９０", "５６７８")
    for form in forms:
        assert form not in caplog.text
        assert all(form not in text for text in kept)
    if database_url.startswith("sqlite:///"):
        from pathlib import Path

        path = Path(database_url.removeprefix("sqlite:///"))
        app.extensions["navi"].engine.dispose()
        for file in path.parent.glob(path.name + "*"):  # bot.db, bot.db-wal, bot.db-shm
            data = file.read_bytes()
            for form in forms:
                assert form.encode() not in data, (file.name, form)
                assert form.encode("utf-16-le") not in data, (file.name, form)
