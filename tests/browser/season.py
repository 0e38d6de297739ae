"""A demo that has been in use for a season: the data a console page shows when it is busy.

Follows, blocks, adoptions and erasures over three months with LINE's insight beside them,
questions by topic and safety answers by week, unanswered questions, residents who booked, a
full session with a waiting list, a past one with attendance marked, a cancelled one, one
today, announcements sent, scheduled, withdrawn and refused, an inactive console user and the
audit log all of that wrote. Written straight to the database through the project's own
functions, once.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from sqlalchemy import select

from bot import announcements
from bot.answers import versions
from bot.answers.fields import entry_fields
from bot.classes import add_session
from bot.classes.changes import cancel_session, mark_attendance
from bot.classes.reservations import reserve
from bot.conversation.safety import CATEGORIES
from bot.core.catalogue import load_topics
from bot.core.db import utcnow
from bot.core.models import (
    FollowLedgerEntry,
    InsightSnapshot,
    QuestionCount,
    RouterModel,
    SafetyCount,
    StaffUser,
    UnansweredQuestion,
)
from bot.reports.kpi import jst_today
from bot.residents.followers import adopt_follower
from bot.staff import create_user, set_active

# kind of ledger entry → (delta, every how many days it happens, how many then)
LEDGER = {
    "follow": (1, 1, 30),
    "refollow": (1, 6, 3),
    "synced": (1, 30, 40),
    "seen": (1, 4, 2),
    "unfollow": (-1, 1, 9),
    "erased": (-1, 9, 1),
    "unreachable": (-1, 45, 2),
}
UNANSWERED = [
    "粗大ごみの申し込みはどこ",
    "粗大ごみの申込みはどこですか",
    "図書館の返却ポストはどこ",
    "Where can I park my bicycle?",
]


@dataclass(frozen=True)
class Season:
    """Ids of the rows the pages are about."""

    full_session: int  # upcoming, two seats taken, one resident waiting
    past_session: int  # attendance marked
    cancelled_session: int
    today_session: int  # today in Tokyo, booked: the reception page can mark who came
    scheduled_announcement: int
    sent_announcement: int


def residents(db, n: int) -> list:
    """`n` followers (every topic chosen), one of them reading in English."""
    people = [adopt_follower(db, f"U{i:032x}", "synced") for i in range(1, n + 1)]
    people[-1].language = "en"
    return people


def ledger(db, today: dt.date) -> None:
    """Ninety days of follows and losses of every kind, and yesterday's insight."""
    start = dt.datetime.combine(today, dt.time(1), dt.UTC) - dt.timedelta(days=90)
    rows = []
    for day in range(90):
        at = start + dt.timedelta(days=day)
        for kind, (delta, every, count) in LEDGER.items():
            if day % every == 0:
                rows += [
                    FollowLedgerEntry(occurred_at=at, delta=delta, kind=kind) for _ in range(count)
                ]
    db.add_all(rows)
    yesterday = today - dt.timedelta(days=1)
    db.add(
        InsightSnapshot(
            date=yesterday, status="ready", followers=2400, targeted_reaches=1900, blocks=310
        )
    )


def questions(db, today: dt.date) -> None:
    """Twelve weeks of questions on six topics, safety answers of each kind, and unanswered
    questions, two of them alike."""
    intents = load_topics().answered[:6]
    for day in range(0, 84, 3):
        when = today - dt.timedelta(days=day)
        db.add_all(
            QuestionCount(day=when, intent=intent, count=1 + (day + 3 * i) % 7)
            for i, intent in enumerate(intents)
        )
        db.add(SafetyCount(day=when, category=CATEGORIES[day % len(CATEGORIES)], count=1))
    db.add_all(UnansweredQuestion(text=text, language="ja") for text in UNANSWERED)
    retrainings(db)


def retrainings(db) -> None:
    """Two retrainings of the router: one published (its weights are the shipped ones, so the
    demo answers as before), one refused with its figures."""
    from bot.conversation.router.details import DETAILS_PATH
    from bot.conversation.router.model import MODEL_PATH

    done = dict(started_by="admin@demo.itabashi.example", finished_at=utcnow(), stage="done")
    db.add(
        RouterModel(
            status="published",
            quick=False,
            live_accuracy=0.9713,
            new_accuracy=0.9713,
            router_json=MODEL_PATH.read_text("utf-8"),
            details_json=DETAILS_PATH.read_text("utf-8"),
            **done,
        )
    )
    db.add(
        RouterModel(
            status="refused",
            quick=True,
            live_accuracy=0.9713,
            new_accuracy=0.9637,
            phrases=7,
            **done,
        )
    )


def sessions(db, people: list, now: dt.datetime, tz) -> tuple[int, int, int, int]:
    """A full session with a waiting list, a past one with attendance, a cancelled one, and
    one today (at noon in `tz`, whatever the hour in UTC) with two seats taken the day before."""
    soon = now + dt.timedelta(days=2)
    full = add_session(
        db,
        title="スマホ教室 LINEで写真を送ろう",
        starts_at=soon,
        ends_at=soon + dt.timedelta(hours=2),
        venue="志村ふれあい館",
        capacity=2,
        description="持ち物: スマートフォン\n定員になり次第、キャンセル待ちです。",
    )
    past = add_session(
        db,
        title="シニアのスマートフォン個別相談会",
        kind="consultation",
        starts_at=soon + dt.timedelta(hours=3),
        venue="仲町ふれあい館",
        capacity=6,
    )
    gone = add_session(
        db, title="スマホ教室 マイナポータル", starts_at=soon, venue="徳丸", capacity=5
    )
    for person in people[:3]:
        reserve(db, full.id, person, now)
    seated = [reserve(db, past.id, person, now).reservation for person in people[:4]]
    reserve(db, gone.id, people[0], now)
    past.starts_at = now - dt.timedelta(days=7)
    past.ends_at = past.starts_at + dt.timedelta(hours=2)
    marks = {seated[0].id: True, seated[1].id: True, seated[2].id: False}
    mark_attendance(db, past.id, marks, "staff@demo.itabashi.example", now=now, tz=tz)
    cancel_session(db, gone.id, "staff@demo.itabashi.example")
    noon = dt.datetime.combine(now.astimezone(tz).date(), dt.time(12), tz).astimezone(dt.UTC)
    today = add_session(
        db, title="スマホ教室 はじめてのLINE", starts_at=noon, venue="志村ふれあい館", capacity=4
    )
    for person in people[:2]:
        reserve(db, today.id, person, noon - dt.timedelta(days=1))
    return full.id, past.id, gone.id, today.id


def announcements_made(db, now: dt.datetime) -> tuple[int, int]:
    """One sent to everyone, one refused by LINE, one withdrawn, one scheduled for next week."""
    by = "manager@demo.itabashi.example"
    sent = announcements.create_announcement(
        db, text="年末年始の窓口の予定をお知らせします。", topic=None, created_by=by
    )
    sent.status, sent.audience_size, sent.delivered = "sent", 6, 6
    sent.finished_at = now
    refused = announcements.create_announcement(
        db, text="マイナンバーカードの出張受付を行います。", topic="mynumber_card", created_by=by
    )
    refused.status, refused.audience_size, refused.failed = "refused", 6, 6
    refused.finished_at, refused.outcome = now, "LINE refused the message (400)"
    withdrawn = announcements.create_announcement(
        db,
        text="窓口の臨時休業のお知らせ",
        topic=None,
        created_by=by,
        send_at=now + dt.timedelta(days=3),
    )
    withdrawn.status, withdrawn.finished_at = "cancelled", now
    later = announcements.create_announcement(
        db,
        text="12月のスマホ教室の申し込みが始まります。",
        translations={"en": "Sign-ups for December's smartphone classes open soon."},
        topic="smartphone_class",
        created_by=by,
        send_at=now + dt.timedelta(days=7),
    )
    return later.id, sent.id


def answer_change_waiting(db, content) -> None:
    """A staff member's change to an answer, waiting for a manager (the versions page)."""
    fields = {
        code: entry_fields(content.own_topic("konbini_certificate", code).get("hours"))
        for code in content.languages.codes
    }
    fields["ja"] = {**fields["ja"], "text": fields["ja"]["text"] + "\n(年末年始は休みです)"}
    versions.submit(
        db, "staff@demo.itabashi.example", "entry", "konbini_certificate", "hours", fields
    )


def fill(demo) -> Season:
    """Give the demo a season's data; returns the ids the pages need."""
    now = utcnow()
    with demo.app.extensions["navi"].sessions() as db:
        people = residents(db, 6)
        ledger(db, jst_today(now))
        questions(db, jst_today(now))
        full, past, gone, today = sessions(db, people, now, demo.app.extensions["navi"].settings.tz)
        later, sent = announcements_made(db, now)
        leaver = create_user(
            db, "retired@demo.itabashi.example", "a long passphrase", "staff", "demo"
        )
        db.flush()
        admin = db.scalar(select(StaffUser).where(StaffUser.role == "admin"))
        set_active(db, leaver, False, admin)
        answer_change_waiting(db, demo.app.extensions["navi"].content)
        db.commit()
    return Season(full, past, gone, today, later, sent)
