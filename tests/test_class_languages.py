"""Class sessions in the resident's language: staff give an optional English title and venue,
and residents who use LINE in English see them on every card; everyone else sees the Japanese."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

from sqlalchemy import select

from bot.core.models import ClassSession
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.test_admin_staff import session_form
from tests.test_classes_conversation import add_session

IN_ENGLISH = {"title_en": "Your first LINE", "venue_en": "Shimura Community Hall"}


def carousel_of(reply) -> dict:
    return next(m for m in reply.messages if m["type"] == "flex")


def test_an_english_resident_sees_the_english_title_and_venue_when_booking(english_resident, app):
    add_session(app, title="はじめてのLINE", venue="志村ふれあい館", **IN_ENGLISH)
    english_resident.follow()
    reply = english_resident.say("When are the smartphone classes?")
    schedule = str(carousel_of(reply))
    assert "Your first LINE" in schedule and "Shimura Community Hall" in schedule
    assert "はじめてのLINE" not in schedule and "志村ふれあい館" not in schedule
    booked = english_resident.tap("Book")
    assert "Your first LINE" in booked.text and "Shimura Community Hall" in booked.text


def test_a_japanese_resident_sees_the_japanese_title_and_venue(resident, app):
    add_session(app, title="はじめてのLINE", venue="志村ふれあい館", **IN_ENGLISH)
    reply = resident.say("スマホ教室はいつありますか")
    schedule = str(carousel_of(reply))
    assert "はじめてのLINE" in schedule and "志村ふれあい館" in schedule
    assert "Your first LINE" not in schedule


def test_without_an_english_title_english_cards_show_the_japanese(english_resident, app):
    add_session(app, title="はじめてのLINE", venue="志村ふれあい館")
    schedule = str(carousel_of(english_resident.say("When are the smartphone classes?")))
    assert "はじめてのLINE" in schedule and "志村ふれあい館" in schedule


def test_staff_set_the_english_title_and_venue_on_the_class_form(app):
    staff = console_client(app)
    log_in(staff, make_user(app, "staff"))
    data = session_form(**IN_ENGLISH) | {"csrf_token": csrf_from(staff, "/admin/classes/new")}
    assert staff.post("/admin/classes/new", data=data).status_code == 302
    with app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession))
    assert (session.title_en, session.venue_en) == ("Your first LINE", "Shimura Community Hall")
    form = staff.get(f"/admin/classes/{session.id}/edit").get_data(as_text=True)
    assert 'value="Your first LINE"' in form

    too_long = session_form(title_en="x" * 201) | {"csrf_token": data["csrf_token"]}
    refused = staff.post(f"/admin/classes/{session.id}/edit", data=too_long)
    assert refused.status_code == 400 and "英語での題名は200文字までです" in refused.get_data(
        as_text=True
    )


def test_the_cli_adds_a_session_with_its_english_title_and_venue(english_resident, app, settings):
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    details = ["--title", "はじめてのLINE", "--venue", "志村ふれあい館", "--capacity", "8"]
    english = ["--title-en", IN_ENGLISH["title_en"], "--venue-en", IN_ENGLISH["venue_en"]]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "add", "--starts-at", start, *details, *english],
        env={**os.environ, "DATABASE_URL": settings.database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    english_resident.follow()
    schedule = str(carousel_of(english_resident.say("When are the smartphone classes?")))
    assert "Your first LINE" in schedule and "Shimura Community Hall" in schedule
