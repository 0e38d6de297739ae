"""Class sessions in the resident's language: staff give an optional English title, venue and
what to bring, and residents who use LINE in English see them on every card; everyone else sees
the Japanese."""

from __future__ import annotations

import datetime as dt
import json
import os
import subprocess
import sys

import pytest
from sqlalchemy import select, update

from bot.core.models import ClassSession, Follower
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.test_admin_staff import a_session, booked, post_form, session_form, stored
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


# -- a new name or venue in Japanese, the old one left in English --------------------------------

ENGLISH_READER, JAPANESE_READER = "U" + "e" * 32, "U" + "a" * 32


def a_booked_session_in_english(app) -> tuple[int, dict]:
    """A session with an English name and venue, booked by a resident who reads English and one
    who reads Japanese; and its edit form as staff find it."""
    session_id = a_session(app, capacity=3)
    booked(app, session_id, JAPANESE_READER, ENGLISH_READER)
    with app.extensions["navi"].sessions() as db:
        db.get(ClassSession, session_id).venue_en = "Nakacho Community Hall"
        db.get(ClassSession, session_id).title_en = "Smartphone help"
        db.execute(
            update(Follower).where(Follower.line_user_id == ENGLISH_READER).values(language="en")
        )
        db.commit()
    form = session_form(
        title="スマホ相談会",
        venue="仲町ふれあい館",
        title_en="Smartphone help",
        venue_en="Nakacho Community Hall",
        capacity="3",
    )
    return session_id, form


@pytest.fixture
def staff(app):
    console = console_client(app)
    log_in(console, make_user(app, "staff"))
    return console


def test_a_new_venue_with_the_english_venue_left_as_it_was_is_refused_beside_it(
    app, staff, standin
):
    """Staff changed 会場 and left 英語での開催場所: the Japanese reader was told of the new hall,
    the English reader of the old one, and went to the wrong building."""
    session_id, form = a_booked_session_in_english(app)
    path = f"/admin/classes/{session_id}/edit"
    response = post_form(staff, path, **form | {"venue": "志村ふれあい館"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    assert 'id="venue_en-error"' in page and "英語での開催場所が前のままです" in page
    assert stored(app, ClassSession, session_id).venue == "仲町ふれあい館"
    assert standin.messages_to(ENGLISH_READER) == standin.messages_to(JAPANESE_READER) == []

    staff.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(staff, path)})
    in_english = post_form(staff, path, **form | {"venue": "志村ふれあい館"})
    assert "the English venue is still the old one" in in_english.get_data(as_text=True)


def test_a_typo_fixed_in_the_japanese_name_saves_without_touching_the_english_name(app, staff):
    """Only the venue is held back: a stale English name misleads no one about where to go, and
    staff fixing a Japanese typo should not have to retype the English one."""
    session_id, form = a_booked_session_in_english(app)
    path = f"/admin/classes/{session_id}/edit"
    response = post_form(staff, path, **form | {"title": "スマホ相談会(午後)"})
    assert response.status_code == 302
    with app.extensions["navi"].sessions() as db:
        session = db.get(ClassSession, session_id)
        assert session.title == "スマホ相談会(午後)" and session.title_en == "Smartphone help"


@pytest.mark.parametrize(
    ("venue_en", "english_readers_see"),
    [("Shimura Community Hall", "Shimura Community Hall"), ("", "志村ふれあい館")],
    ids=["updated", "cleared"],
)
def test_a_new_venue_reaches_english_readers_once_the_english_venue_is_updated_or_cleared(
    app, staff, standin, venue_en, english_readers_see
):
    session_id, form = a_booked_session_in_english(app)
    moved = form | {"venue": "志村ふれあい館", "venue_en": venue_en}
    assert post_form(staff, f"/admin/classes/{session_id}/edit", **moved).status_code == 302
    (told,) = standin.messages_to(ENGLISH_READER)
    assert english_readers_see in told["altText"] and "Nakacho" not in told["altText"]
    assert "志村ふれあい館" in standin.messages_to(JAPANESE_READER)[0]["altText"]


def test_english_booking_card_names_the_venue_in_english_on_the_phone_row(english_resident, app):
    """Regression: "Venue: Shimura Fureai-kan" then "Enquiries: 志村ふれあい館 03-3960-5885" —
    the phone row took the Japanese names of en's class_venue_phones."""
    add_session(app, venue="志村ふれあい館", title_en="First LINE", venue_en="Shimura Fureai-kan")
    english_resident.follow()
    english_resident.say("smartphone class schedule")
    booked = english_resident.tap("Book")
    assert "You are booked" in booked.text
    assert "Shimura Fureai-kan 03-3960-5885" in booked.text
    assert "志村ふれあい館" not in booked.text


def test_without_an_english_venue_the_phone_row_names_the_venue_as_the_card_does(
    english_resident, app
):
    """The venue row shows the staff's Japanese: the phone row names the same venue."""
    add_session(app, venue="志村ふれあい館")
    english_resident.follow()
    english_resident.say("smartphone class schedule")
    booked = english_resident.tap("Book")
    assert "志村ふれあい館 03-3960-5885" in booked.text


def test_every_language_lists_the_same_venue_phones():
    from bot.classes.cards import venue_phones
    from bot.core.content import load_content

    content = load_content()
    phones = {lang: [p for _, p in venue_phones(content, lang)] for lang in content.languages.codes}
    assert len(set(map(tuple, phones.values()))) == 1, phones


# -- what to bring, in English -----------------------------------------------------------------

BRING = {"bring": "スマホとマイナンバーカードをお持ちください"}
BRING_EN = "Your smartphone and My Number Card"


def test_an_english_resident_sees_what_to_bring_in_english_on_the_booking_card(
    english_resident, app
):
    """Regression: the card said "Bring: スマホとマイナンバーカードをお持ちください" to a resident
    who reads English, and "what should i bring" after booking gave the same Japanese."""
    add_session(app, **IN_ENGLISH, **BRING, bring_en=BRING_EN)
    english_resident.follow()
    english_resident.say("smartphone class schedule")
    booked = english_resident.tap("Book")
    assert "You are booked" in booked.text and f"Bring: {BRING_EN}" in booked.text
    assert "お持ちください" not in booked.text
    reply = english_resident.say("what should i bring")
    assert "What to bring to this session" in reply.text and BRING_EN in reply.text
    assert "お持ちください" not in reply.text


def test_a_japanese_resident_sees_what_to_bring_in_japanese(resident, app):
    add_session(app, **BRING, bring_en=BRING_EN)
    resident.say("スマホ教室の日程")
    booked = resident.tap("予約する")
    assert "予約しました" in booked.text and BRING["bring"] in booked.text
    assert BRING_EN not in booked.text


def test_without_what_to_bring_in_english_english_cards_show_the_japanese(english_resident, app):
    add_session(app, **IN_ENGLISH, **BRING)
    english_resident.follow()
    english_resident.say("smartphone class schedule")
    english_resident.tap("Book")
    reply = english_resident.say("what should i bring")
    assert "What to bring to this session" in reply.text and BRING["bring"] in reply.text


def test_staff_set_and_change_what_to_bring_in_english_on_the_class_form(app, staff):
    form = session_form(**BRING, bring_en="  Your   smartphone ")
    assert post_form(staff, "/admin/classes/new", **form).status_code == 302
    with app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession))
    assert session.bring_en == "Your smartphone"  # spaces run together, as 持ち物's are
    page = staff.get(f"/admin/classes/{session.id}").get_data(as_text=True)
    assert "英語での持ち物" in page and '<dd lang="en">Your smartphone</dd>' in page
    path = f"/admin/classes/{session.id}/edit"
    assert 'name="bring_en" lang="en" value="Your smartphone"' in staff.get(path).get_data(
        as_text=True
    )

    changed = form | {"bring_en": BRING_EN}
    assert post_form(staff, path, **changed).status_code == 302
    assert stored(app, ClassSession, session.id).bring_en == BRING_EN

    too_long = post_form(staff, path, **form | {"bring_en": "x" * 301})
    page = too_long.get_data(as_text=True)
    assert too_long.status_code == 400
    assert 'id="bring_en-error"' in page and "英語での持ち物は300文字までです" in page


def test_new_things_to_bring_with_the_english_left_as_it_was_are_refused_beside_it(app, staff):
    """Staff added the My Number Card to 持ち物 and left the English: residents who read English
    would come without the card."""
    form = session_form(bring="スマホをお持ちください", bring_en="Your smartphone")
    assert post_form(staff, "/admin/classes/new", **form).status_code == 302
    with app.extensions["navi"].sessions() as db:
        session_id = db.scalar(select(ClassSession.id))
    path = f"/admin/classes/{session_id}/edit"

    refused = post_form(staff, path, **form | BRING)
    page = refused.get_data(as_text=True)
    assert refused.status_code == 400
    assert 'id="bring_en-error"' in page and "英語での持ち物が前のままです" in page
    assert stored(app, ClassSession, session_id).bring == "スマホをお持ちください"

    updated = form | BRING | {"bring_en": BRING_EN}
    assert post_form(staff, path, **updated).status_code == 302
    session = stored(app, ClassSession, session_id)
    assert (session.bring, session.bring_en) == (BRING["bring"], BRING_EN)


def test_the_cli_adds_a_session_with_what_to_bring_in_english(settings):
    start = (dt.datetime.now(dt.UTC) + dt.timedelta(days=3)).isoformat()
    details = ["--title", "はじめてのLINE", "--venue", "志村ふれあい館", "--capacity", "8"]
    bring = ["--bring", BRING["bring"], "--bring-en", BRING_EN]
    result = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "add", "--starts-at", start, *details, *bring],
        env={**os.environ, "DATABASE_URL": settings.database_url},
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stderr
    assert json.loads(result.stdout)["bring_en"] == BRING_EN

    too_long = [*details, "--bring-en", "x" * 301]
    refused = subprocess.run(
        [sys.executable, "-m", "bot", "classes", "add", "--starts-at", start, *too_long],
        env={**os.environ, "DATABASE_URL": settings.database_url},
        capture_output=True,
        text=True,
    )
    assert refused.returncode != 0
    assert "what to bring in English can have at most 300 characters" in refused.stderr


def test_the_demos_sessions_have_english_titles_and_what_to_bring(english_resident, app):
    """An English resident in the demo (`make run`) saw every session's Japanese title and
    「スマホをお持ちください」: the sample sessions carry their English title and what to bring."""
    from bot.cli.demo import SAMPLE_SESSIONS, seed_sessions

    navi = app.extensions["navi"]
    seed_sessions(navi.sessions, navi.settings.tz)
    english_resident.follow()
    schedule = str(carousel_of(english_resident.say("When are the smartphone classes?")))
    assert "Smartphone consultation for seniors" in schedule
    assert "Smartphone class: LINE for beginners" in schedule
    assert not any(title in schedule for title, *_ in SAMPLE_SESSIONS)
    with navi.sessions() as db:
        line_class = db.scalar(select(ClassSession).where(ClassSession.title_en.contains("LINE")))
        day = line_class.starts_at.astimezone(navi.settings.tz)
    english_resident.say(f"{day.strftime('%B')} {day.day}")
    reply = english_resident.say("what should i bring")
    assert "Please bring your smartphone" in reply.text and "お持ちください" not in reply.text
