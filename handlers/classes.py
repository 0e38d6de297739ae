"""Smartphone classes and consultation sessions: the schedule, booking, and cancelling.

Intent: smartphone_class — the live schedule; booking follow-ups to it ("それを予約したい",
"2番目を予約", "Book the second one"; after 「予約したい」 also 「土曜日の回」, 「午後の」,
「相談会」, "the 2pm one", and 「やめます」 to stop); the resident's bookings ("予約の確認");
cancelling; and the sub-questions (cost, what to bring, who may join …) from content/.

Postback actions (bot/line/postback.py format, e.g. ``v1|reserve|session=12``):
    reserve             session=<id>      book a seat, or join the waiting list when full
    my_reservations     —                 the resident's upcoming bookings, each cancellable
    cancel_ask          reservation=<id>  "cancel this booking?" with yes / no (too late, once
                                          the session has begun: whom to call instead); 「はい」
                                          or 「いいえ」 typed next do what the buttons do
    cancel_reservation  reservation=<id>  cancel; the first on the waiting list gets the seat (push)
    cancel_keep         reservation=<id>  keep the booking
    schedule_after      after=<id>&at=<µs>
                                          the schedule after the last session shown
                                          (次の日程を見る): its id and start, a cursor
    schedule_page       start=<n>         the schedule from its n-th session (older buttons)
    class_entry         k=<entry key>     a sub-question (the schedule and bookings come live)

A session that asks for names (ClassSession.asks_name) asks before booking: the bot asks, the
resident types their name (then its furigana, in languages not written in Latin letters), and
the bot books and confirms. 「キャンセル」/「メニュー」 stop it at any step; the name is kept
only with the reservation (between the two questions, in the 15-minute conversation context).

Sessions come from the database (staff add them with the CLI or the console); every word the
resident reads comes from content/ (smartphone_class.yaml and the class keys of ui.yaml). A
button from an old schedule (session cancelled, started or deleted) gets a friendly answer and
the current schedule, never an error.
"""

from __future__ import annotations

import functools
import re
import unicodedata
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from bot import classes
from bot.classes import reservations
from bot.classes.cards import (
    bubble,
    bubble_message,
    reservation_card,
    session_choice,
    session_choice_labels,
    session_rows,
    venue_phone,
)
from bot.conversation.registry import TopicRouter
from bot.conversation.router.lexicon import concepts
from bot.conversation.router.text import fold
from bot.conversation.turn import Turn
from bot.conversation.understanding import YES_OR_NO
from bot.core.content import Content, said_any, said_in
from bot.core.days import day_named, hour_named, hours_meant, names_a_day, weekday_named
from bot.core.models import ClassSession, Reservation
from bot.core.text import normalize
from bot.line import messages
from bot.line.postback import Postback
from handlers.common import (
    CACHED,
    Same,
    back_to_menu,
    content_card,
    menu_actions,
    menu_buttons,
    tell_promoted,
    with_menu,
)

router = TopicRouter("classes")

INTENT = "smartphone_class"
SCHEDULE_ENTRIES = {"overview", "schedule", "reserve"}
BOOKINGS_ENTRIES = {"my_reservations", "cancel"}
# Remembered with a schedule shown in answer to a booking request (the `reserve` entry,
# 「予約したい」): a day typed next books that day's session (show_the_day).
ASKED_TO_BOOK = "asked_to_book"
# Remembered as the entry of an answer that asked which session to book: the next message
# answers it (a number alone, an ordinal word, a day; yes or no, so also under YES_OR_NO).
CHOOSE = "choose"
# The yes-or-no questions of the classes about one booking, remembered under YES_OR_NO with the
# booking's id (so 「はい」 / 「いいえ」 typed next are read as their answer, and each handler
# knows its own question): 「この予約を取り消しますか？」 (yes cancels it), and the cancel answer
# showing the one booking held (yes asks the former).
CANCEL_ASKED = "cancel_ask"
ONE_TO_CANCEL = "one_to_cancel"
# The router's concept of a booking (予約, "booking", "reservation"): a message naming one asks
# about the resident's bookings, not only about a day they cannot come.
BOOKING_CONCEPT = "booking"
# Remembered with a booking's confirmation: the session just booked (the_session, moving_from).
BOOKED = "booked"
# Entries a message that names a session by its time or kind may match and still only name it
# (「午後の」: the schedule's 午後; 「個別相談のほう」: consultation_vs_class's 個別; 「予約したい」
# holds the bookings' 予約した, and a message about the bookings is answered as such first);
# another entry's words ask about it (「相談会の持ち物は」: what_to_bring): answered, not booked.
NAMES_A_SESSION = SCHEDULE_ENTRIES | BOOKINGS_ENTRIES | {"consultation_vs_class"}
# "2番目" / "3つ目" pick a session on their own; ordinal words (最初の, "last": content/<lang>/
# words.yaml) only with a booking request.
NUMBERED = re.compile(r"([0-9]+|[一二三四五六七八九])\s*(?:番目|番め|ばんめ|つ目|つめ)")
KANJI_DIGITS = "一二三四五六七八九"
# …but a date with a question word (「10日は何時からですか？」, "Where is the December 10
# session?"), or a question of its own (「10日は満席ですか？」, "Is the 2nd one full?"), asks
# about that session: it is not booked; a question that asks for it (「10日でお願いできますか？」,
# "May I book the second one?", "Can I have the 10th?") is still a booking.
ASKS_ABOUT = re.compile(
    r"何|いつ|どこ|どう|どんな|いくら|満席|空いて|あいて|ありますか|ですか|[?？]\s*$"
    r"|\b(?:what|when|where|how|which|full)\b|^(?:is|are|does|do)\b"
)
ASKS_FOR = re.compile(r"お願い|おねがい|\bplease\b|\b(?:can|could|may) i\b|\bi'?d like\b")
ENGLISH_ORDINAL = re.compile(r"\b([0-9]+)(?:st|nd|rd|th)\b")
# A number alone (「2」, 「２」 once normalised, 「2番」, 「2でお願いします」) picks a session only
# when the bot has just asked 「どの回を予約しますか？」: anywhere else it means nothing.
BARE_NUMBER = re.compile(
    r"\s*(?:no\.?\s*)?([0-9]+|[一二三四五六七八九])\s*(?:番|ばん|回目|かいめ)?\s*"
    r"(?:で(?:す|お願いします|おねがいします)?|please)?\s*[.。!！]?\s*"
)


# -- what the resident asked ---------------------------------------------------------------


@router.intent("smartphone_class")
def explain_smartphone_classes(turn: Turn) -> list[dict]:
    """A booking follow-up to the sessions just shown, else the sub-question's answer."""
    cancelling = cancel_answered(turn) or cancel_offered(turn)
    if cancelling is not None:
        return cancelling
    if cannot_come(turn):
        return cannot_come_that_day(turn)
    shown = sessions_shown(turn)
    said = turn.content.words.yes_or_no(turn.normalized) if shown and asked_which(turn) else None
    if said is not None:
        return which_answered(turn, shown, said)
    entry = turn.pick(INTENT)
    about_bookings = asks_about_bookings(turn, entry)
    in_view = the_session(turn)
    if in_view is not None and said_any(turn.content.words.names, turn.normalized):
        # "my name is John, do you need it?" after one session shown: that session's answer
        return about_the_name(turn, in_view)
    if about_bookings and day_said(turn) is not None:
        # 「15日の予約キャンセル」, 「火曜の予約ある？」: the bookings of that day, not all of them
        return bookings_on_the_day(turn, cancelling=entry.key == "cancel")
    if about_bookings and entry.key == "cancel" and asked_which(turn) and not my_bookings(turn):
        # 「予約をやめたい」 while the bot asks which session to book, from a resident holding
        # no booking: they stop booking (as 「いいえ」 does), not how to cancel one they lack
        return back_to_menu(turn)
    if (
        not about_bookings
        and not asked_which(turn)  # 「個別相談のほう」 answers which session: booked below
        and (entry.key in SCHEDULE_ENTRIES or wants_to_book(turn))
    ):
        titled = sessions_titled(turn)
        if titled is not None:
            # 「マイナポータル入門を予約したい」: that session, one tap from booking
            return offer_titled(turn, titled)
    if not about_bookings and not shown and entry.key in SCHEDULE_ENTRIES:
        on_that_day = sessions_on_a_day_asked(turn)
        if on_that_day is not None:
            # 「13日の教室に行きたい」 with no schedule on screen: that day's sessions
            return on_that_day
    if not about_bookings and shown and wants_to_book(turn):
        return book_from_context(turn, shown)
    if shown and picks_a_day(turn, entry):
        return show_the_day(turn, shown)
    return answer(turn, entry)


@router.action("class_entry")
def answer_sub_question(turn: Turn) -> list[dict]:
    """A sub-question from a quick reply (keeps the schedule and bookings live)."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    try:
        entry = turn.content.entry(INTENT, turn.postback.params.get("k", ""), turn.lang)
    except KeyError:
        return with_menu(turn, turn.ui("postback_unknown"))
    return answer(turn, entry)


def answer(turn: Turn, entry) -> list[dict]:
    """The live schedule, the resident's bookings, what to bring to the session in view, or
    the content entry."""
    if entry.key == "what_to_bring" and (in_view := the_session(turn)) is not None:
        return what_to_bring_to(turn, in_view)
    if entry.key in SCHEDULE_ENTRIES:
        return show_schedule(turn, entry)
    if entry.key in BOOKINGS_ENTRIES:
        return show_my_reservations(turn, entry)
    return answer_entry(turn, entry)


def the_session(turn: Turn) -> ClassSession | None:
    """The one session the last answer was about: the one just booked, or the only one shown
    (「土曜日の回」 → its card); None when it showed several or none, or it has closed."""
    context = turn.context
    if context is None or context.intent != INTENT:
        return None
    data = context.data or {}
    booked, shown = data.get(BOOKED), sessions_shown(turn)
    # the whole schedule (its page remembers the next: "next_page") is about no one session,
    # even when it holds one
    one = shown[0] if len(shown) == 1 and "next_page" not in data else None
    session_id = booked if isinstance(booked, int) else one
    if session_id is None:
        return None
    session = turn.services.db.get(ClassSession, session_id)
    return session if session is not None and is_open(turn, session) else None


def what_to_bring_to(turn: Turn, session: ClassSession) -> list[dict]:
    """「持ち物は？」 right after a session was booked or shown: that session's card with what
    to bring as staff wrote it (or to ask the venue), not the general 「回によって違います」."""
    return session_answer(turn, session, "class_bring_heading")


def about_the_name(turn: Turn, session: ClassSession) -> list[dict]:
    """Whether booking this session asks the resident's name (staff choose it per session,
    and the bot asks it when they book), with the session's card and its 予約する."""
    return session_answer(
        turn, session, "class_name_asked" if session.asks_name else "class_no_name"
    )


def session_answer(turn: Turn, session: ClassSession, heading: str) -> list[dict]:
    """One session's card under `heading` (a UI key), with 予約する unless the resident holds
    it; the session stays in view for the next question."""
    rows = session_rows(turn.content, turn.services.settings.tz, turn.lang, session)
    held = holds(turn, session.id)
    full = classes.seats_left(session) == 0
    buttons = [] if held else [reserve_button(turn, session, full=full)]
    title = classes.title_in(session, turn.lang)
    card = bubble_message(turn.ui(heading), title, rows, buttons)
    data = dict(turn.context.data or {}) if turn.context else {}
    turn.remember(INTENT, "schedule", session_ids=[session.id], **{BOOKED: data.get(BOOKED)})
    return [messages.with_quick_replies(card, class_actions(turn, "schedule", "cost"))]


def sessions_shown(turn: Turn) -> list[int]:
    """The sessions of the last schedule (or "which one?" question), in the order shown."""
    context = turn.context
    if context is None or context.intent != INTENT:
        return []
    return [int(i) for i in (context.data or {}).get("session_ids", [])]


def asks_about_bookings(turn: Turn, entry) -> bool:
    """Whether the message is about the resident's bookings (checking, cancelling), not about
    booking one of the sessions shown. Not when the details model alone read it so, none of
    those entries' words typed, while the bot asks which session and the message says which:
    「やっぱり相談会にします」 was read as cancelling."""
    if entry.key not in BOOKINGS_ENTRIES:
        return False
    if entry.key in turn.content.matched(INTENT, turn.normalized) or not asked_which(turn):
        return True
    return described(turn) is None


def wants_to_book(turn: Turn) -> bool:
    """Whether the message asks to book one of the sessions just shown."""
    text, words = turn.normalized, turn.content.words
    if any(word in text for word in words.not_booking):
        return False
    choosing = asked_which(turn)
    says_which = names_a_day(text) or described(turn) is not None
    named = NUMBERED.search(text) or (
        choosing and (ordinal(text, words.ordinals, bare=True) is not None or says_which)
    )
    if says_which and ASKS_FOR.search(text):
        return True  # 「10日でお願いします」 after the schedule: that day's session, please
    books = any(word in text for word in words.booking)
    if named and (books or ASKS_FOR.search(text) or not ASKS_ABOUT.search(text)):
        # 「2番目」, 「12月10日の回」; not 「2番目は何時から？」, a question about that session
        return True
    return books


def asked_which(turn: Turn) -> bool:
    """Whether the last answer asked which session to book (ask_which)."""
    return turn.context is not None and turn.context.entry_key == CHOOSE


def ordinal(text: str, ordinals: dict[str, int], bare: bool = False) -> int | None:
    """1 for "1番目" / "最初の" / "first", -1 for "最後の" / "last"; None when none is said.
    `ordinals` are the languages' words (content/<lang>/words.yaml). With `bare`, a number
    alone counts too (the answer to 「どの回を予約しますか？」)."""
    numbered = NUMBERED.search(text) or ENGLISH_ORDINAL.search(text)
    if numbered is None and bare:
        numbered = BARE_NUMBER.fullmatch(text)
    if numbered:
        digit = numbered.group(1)
        return KANJI_DIGITS.index(digit) + 1 if digit in KANJI_DIGITS else int(digit)
    for word, number in ordinals.items():
        if said_in(word, text):
            return number
    return None


@dataclass(frozen=True)
class Described:
    """What a message says of the session it means, besides a date: its day of the week, the
    hours it may start at (「10時の」, 「午後の」: bot.core.days), its kind (「相談会」: words.yaml
    session_kinds); None where the message does not say."""

    weekday: int | None = None
    hours: frozenset[int] | None = None
    kind: str | None = None

    def fits(self, session: classes.Shown, tz: ZoneInfo) -> bool:
        """Whether the session is as described, in the ward's time."""
        local = session.starts_at.astimezone(tz)
        return (
            self.weekday in (None, local.weekday())
            and (self.hours is None or local.hour in self.hours)
            and self.kind in (None, session.kind)
        )


def described(turn: Turn) -> Described | None:
    """What the message says of a session by its time, day of the week or kind (「土曜日の回」,
    「14時からのやつ」, 「個別相談のほう」, "the 2pm one"); None when it says none of them, or
    asks another of the topic's questions beside it (NAMES_A_SESSION)."""
    text = turn.normalized
    found = Described(weekday_named(text), hours_meant(text), turn.content.words.session_kind(text))
    if found == Described() or set(turn.content.matched(INTENT, text)) - NAMES_A_SESSION:
        return None
    return found


# -- the schedule ----------------------------------------------------------------------------


def show_schedule(
    turn: Turn, entry, start: int = 0, after: classes.Cursor | None = None
) -> list[dict]:
    """Upcoming sessions as a carousel with booking buttons, then one line on how to book (the
    schedule's own answer, or the entry asked about); the content's "nothing is open yet" only
    when nothing is, so the two never contradict each other.

    A carousel holds twelve cards: when more sessions are open, the twelfth card and a quick
    reply lead to the next page (次の日程を見る), which starts after the last session shown
    (a cursor, `after`), so a session added or closed between two taps neither repeats one
    nor skips one. `start` serves the older buttons that counted from the soonest."""
    page = messages.MAX_CAROUSEL - 1  # sessions on a page that has a "next" card
    upcoming = classes.upcoming_sessions(
        turn.services.reading,
        turn.services.now,
        limit=messages.MAX_CAROUSEL + 1,
        start=start,
        after=after,
    )
    if not upcoming and (start or after):  # the later sessions have closed: the first page
        return show_schedule(turn, entry)
    if not upcoming:
        return answer_entry(turn, turn.content.entry(INTENT, "schedule", turn.lang))
    more = len(upcoming) > messages.MAX_CAROUSEL
    shown = upcoming[:page] if more else upcoming
    later = classes.cursor_of(shown[-1]) if more else None
    carousel = schedule_carousel(turn, shown, later)
    if entry.key in ("schedule", "overview"):
        schedule = turn.content.entry(INTENT, "schedule", turn.lang)
        actions = class_actions(turn, *schedule.next)
        if later is not None:
            actions = [next_dates_button(turn, later), *actions]
        how_to_book = messages.with_quick_replies(messages.text(turn.ui("schedule_intro")), actions)
        answer_messages = [carousel, how_to_book]
    else:
        answer_messages = answer_entry(turn, entry, extra=[carousel])
    # The next page's button, for 「次の日程」 / "more sessions" typed instead of tapped
    next_page = next_page_postback(later).pack() if later is not None else None
    # A schedule shown for 「予約したい」 asks which session, as 「どの回を予約しますか？」 does:
    # 「2番」, 「1ばん」, "the first one" typed next answer it (ask_which)
    asked_to_book = entry.key == "reserve"
    session_ids = [s.id for s in shown]
    if asked_to_book:
        remember_which_asked(turn, session_ids, next_page=next_page, **{ASKED_TO_BOOK: True})
    else:
        turn.remember(
            INTENT,
            "schedule",
            session_ids=session_ids,
            next_page=next_page,
            **{ASKED_TO_BOOK: False},
        )
    return answer_messages


def remember_which_asked(turn: Turn, session_ids: list[int], **data: object) -> None:
    """Remember that the answer asked which of these sessions to book: a number, an ordinal or
    a day typed next answers it, and so do yes and no (which_answered), also the words that
    the understanding would read otherwise ("no thanks" was "You're welcome")."""
    turn.remember(INTENT, CHOOSE, session_ids=session_ids, **{YES_OR_NO: CHOOSE}, **data)


@router.action("schedule_after")
def show_sessions_after(turn: Turn) -> list[dict]:
    """次の日程を見る: the schedule after the last session the previous page showed (an odd
    cursor, which the bot never writes, shows the first page)."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    after = classes.read_cursor(turn.postback.params["at"], turn.postback.number("after"))
    schedule = turn.content.entry(INTENT, "schedule", turn.lang)
    return show_schedule(turn, schedule, after=after)


@router.action("schedule_page")
def show_later_sessions(turn: Turn) -> list[dict]:
    """次の日程を見る on a schedule sent before the cursor: from its start-th session."""
    start = int_param(turn, "start") or 0
    return show_schedule(turn, turn.content.entry(INTENT, "schedule", turn.lang), start)


def next_dates_button(turn: Turn, after: classes.Cursor) -> dict:
    """次の日程を見る: the schedule's next page, after the session `after` names."""
    return messages.postback_action(turn.ui("next_dates_button"), next_page_postback(after))


def next_page_postback(after: classes.Cursor) -> Postback:
    """The next page after the session `after` names: the button's data, also remembered so
    typed 「次の日程」 runs it as a tap would (bot.conversation.understanding, NEXT_PAGE)."""
    at, session_id = classes.pack_cursor(after)
    return Postback("schedule_after", {"after": str(session_id), "at": at})


def schedule_carousel(
    turn: Turn, upcoming: Sequence[classes.Shown], later: classes.Cursor | None = None
) -> dict:
    """One card per session: kind, title, when, where, seats, and 予約する / キャンセル待ち;
    then, when `later` says where the next page starts, a last card leading to it."""
    held = {r.session_id: r for r in my_bookings(turn)}
    tz = turn.services.settings.tz
    bubbles = []
    for session in upcoming:
        when = classes.format_when(session, tz, turn.lang)
        seats = classes.seats_left(session)
        seat_text = turn.ui("seats_left", seats=seats) if seats else turn.ui("class_full")
        venue = classes.venue_in(session, turn.lang)
        rows = [(turn.ui("class_row.when"), when), (turn.ui("class_row.venue"), venue)]
        mine = held.get(session.id)
        if mine is not None:
            note, button = turn.ui(f"class_status.{mine.status}"), my_bookings_button(turn)
        else:
            note, button = seat_text, reserve_button(turn, session, full=not seats)
        kind = turn.ui(f"class_kind.{session.kind}")
        bubbles.append(
            bubble(kind, classes.title_in(session, turn.lang), rows, [button], note=note)
        )
    if later is not None:
        more = [next_dates_button(turn, later)]
        bubbles.append(bubble(turn.ui("next_dates_heading"), turn.ui("next_dates"), [], more))
    return messages.carousel(turn.ui("schedule_alt"), bubbles)


def reserve_button(turn: Turn, session: classes.Shown, *, full: bool) -> dict:
    """予約する, or キャンセル待ち when the session is full (both book through `reserve`)."""
    label = turn.ui("waitlist_button" if full else "reserve_button")
    return messages.postback_action(label, Postback("reserve", {"session": str(session.id)}))


def my_bookings_button(turn: Turn) -> dict:
    """予約の確認: the resident's list of bookings."""
    return messages.postback_action(turn.ui("my_reservations_button"), Postback("my_reservations"))


# -- booking ---------------------------------------------------------------------------------


@router.action("reserve")
def reserve_seat(turn: Turn) -> list[dict]:
    """Book the session of the tapped button (the waiting list when it is full)."""
    session_id = int_param(turn, "session")
    if session_id is None:
        return session_closed(turn)
    return book(turn, session_id)


def book(
    turn: Turn, session_id: int, name: str | None = None, name_kana: str | None = None
) -> list[dict]:
    """Reserve and confirm: 受付番号, date, venue, what to bring, and buttons to check or
    cancel. A session that asks for names asks first (ask_name)."""
    db = turn.services.db
    if name is None and needs_name(turn, session_id):
        return ask_name(turn, session_id)
    result = reservations.reserve(
        db, session_id, turn.follower, turn.services.now, name=name, name_kana=name_kana
    )
    if result.kind == "closed" or result.reservation is None:
        return session_closed(turn)
    reservation = result.reservation
    heading = {
        "reserved": "class_reserved",
        "waitlisted": "class_waitlisted",
        "already": f"class_already_{reservation.status}",
    }[result.kind]
    tz = turn.services.settings.tz
    card = reservation_card(
        turn.content, tz, turn.lang, reservation, turn.ui(heading), position=result.position
    )
    # Keep the list the resident chose from, so "the first one" still means the first shown.
    # …and the session just booked: 「持ち物は？」 next is about it, and a day typed next
    # (「やっぱり日曜のほうがいい」) is a move from it (moving_from)
    turn.remember(
        INTENT, "reserved", session_ids=sessions_shown(turn) or [session_id], **{BOOKED: session_id}
    )
    answer = [card]
    if result.kind != "already":
        answer += clash_warning(turn, reservation)
    *before, last = answer  # LINE shows the quick replies of the last message only
    return [
        *before,
        messages.with_quick_replies(last, class_actions(turn, "what_to_bring", "cost")),
    ]


def clash_warning(turn: Turn, reservation: Reservation) -> list[dict]:
    """When the resident also holds a booking at the same time: a card naming it, with a
    button to cancel it (nothing when there is none).

    Warned, not refused: a resident moving to another hall or hour books the new one first, so
    refusing would make them cancel first and risk losing both seats to the waiting list in
    between; and only they know which one they will go to. What the ward needs is that the
    seat they will leave empty goes back to those waiting — the card asks for that, and one tap
    does it.
    """
    others = reservations.clashing(turn.services.db, reservation, turn.services.now)
    # The soonest is named: a third booking at the same time is rarer still, and its card
    # would push the confirmation's answer past what a resident reads.
    return [clash_card(turn, others[0])] if others else []


def clash_card(turn: Turn, other: Reservation) -> dict:
    """The other booking at the same time: when, where, its 受付番号 (or place on the waiting
    list), and a button to cancel it — labelled apart from the new booking's own."""
    session = other.session
    rows = session_rows(turn.content, turn.services.settings.tz, turn.lang, session, brief=True)
    if other.status == "reserved":
        rows.append((turn.ui("class_row.number"), str(other.id)))
    else:
        position = reservations.waitlist_position(turn.services.db, other)
        rows.append((turn.ui("class_row.position"), str(position)))
    postback = Postback("cancel_ask", {"reservation": str(other.id)})
    cancel = messages.postback_action(turn.ui("cancel_other_button"), postback)
    return bubble_message(
        turn.ui("class_clash"), classes.title_in(session, turn.lang), rows, [cancel]
    )


def book_from_context(turn: Turn, shown: list[int]) -> list[dict]:
    """After a schedule, 「それを予約したい」: the one shown, the one named by place, or ask.
    A place the list does not have (「2番目」 after a schedule of one) books nothing: which one
    is asked, never the only session guessed for it."""
    number = ordinal(turn.normalized, turn.content.words.ordinals, bare=asked_which(turn))
    if (that_day := sessions_on_the_day(turn, shown)) is not None:
        # 「12月10日を予約したい」, "Book the 8th": the day wins over a place in the list (see
        # sessions_on_the_day), whether or not 「どの回を予約しますか？」 was asked
        if len(that_day) == 1:
            return book_in_words(turn, that_day[0])
        if number is None:  # a day none of them is on (or two are), and no place either
            return ask_which(turn, shown, note=None if that_day else "class_no_session_on_day")
    if number is None and (fitting := sessions_described(turn, shown)) is not None:
        # 「土曜日の回」, 「午後の」, 「相談会」: the one session that fits, as its button books it;
        # which of them, when several do; all of them again, said kindly, when none does
        if len(fitting) == 1:
            return book_in_words(turn, fitting[0])
        if fitting:
            return ask_which(turn, fitting, note="class_several_fit")
        return ask_which(turn, shown, note="class_none_fits")
    if number is not None:
        index = number - 1 if number > 0 else len(shown) + number
        if 0 <= index < len(shown):
            return book_in_words(turn, shown[index])
        return ask_which(turn, shown)
    if len(shown) == 1:
        return book_in_words(turn, shown[0])
    return ask_which(turn, shown)


def sessions_described(turn: Turn, shown: list[int]) -> list[int] | None:
    """The sessions shown that fit what the message says of one (its time, day of the week,
    kind: described), in the order shown; None when it says nothing of the kind."""
    description = described(turn)
    if description is None:
        return None
    db, tz = turn.services.db, turn.services.settings.tz
    sessions = (db.get(ClassSession, i) for i in shown)
    return [s.id for s in sessions if s is not None and description.fits(s, tz)]


def sessions_on_the_day(turn: Turn, shown: list[int]) -> list[int] | None:
    """The sessions shown on the day a message names (「12月10日の回」, 「12/10」, 「10日」,
    "December 10", 「明日の回」, "the 10th"; with 「14時」 when two share the day), in the
    order shown: none when the day has no session shown; None when no day is named.

    "the 8th" without a month is ambiguous in English: after a list of sessions it may be the
    day or the 8th in the list. The rule: it is the day when a session shown falls on it
    (people name dates after a schedule of dates, and lists are short: a place past its end
    is no session anyway); else it is left to be read as a place ("the 2nd" with no session
    on the 2nd is the second one; "the 2nd one" is always a place, bot.core.days)."""
    tz = turn.services.settings.tz
    named_day = day_named(turn.normalized, turn.services.now.astimezone(tz).date())
    if named_day is None:
        return None
    month, day = named_day
    db = turn.services.db
    that_day = [
        (session.id, local)
        for session in (db.get(ClassSession, i) for i in shown)
        if session is not None
        and (local := session.starts_at.astimezone(tz)).day == day
        and month in (None, local.month)
    ]
    hour = hour_named(turn.normalized)
    if len(that_day) > 1 and hour is not None:
        that_day = [(i, local) for i, local in that_day if local.hour == hour]
    return [i for i, _ in that_day]


def picks_a_day(turn: Turn, entry) -> bool:
    """Whether a message after the schedule names a day to see its session: 「12月10日」,
    「10日の回」, "Dec 10", "the 10th", or a day of the week, an hour or a kind (「土曜日の回」,
    「午後の」, 「相談会のほう」: described); or asks when or where it is (「10日は何時から？」),
    which its card answers. Not a day turned down (「10日以外」, words.yaml not_booking), and
    not another question about it (「10日は持ち物ありますか」: that entry answers)."""
    text = turn.normalized
    says_which = names_a_day(text) or described(turn) is not None
    if not says_which or any(word in text for word in turn.content.words.not_booking):
        return False
    return not ASKS_ABOUT.search(text) or entry.key in SCHEDULE_ENTRIES


# Open sessions looked through for a day asked about first (「13日の教室に行きたい」): a month
# or so of them, more than the schedule's first page shows.
SESSIONS_FOR_A_DAY = 60


def sessions_on_a_day_asked(turn: Turn) -> list[dict] | None:
    """The sessions on the day a message names (「13日の教室に行きたい」, 「土曜日の教室」,
    "the class on the 13th") with no schedule on screen, each one tap from booking, as a day
    typed after the schedule shows them (show_the_day): they got the whole schedule. No
    session that day: said so, with the schedule. None when the message names no day."""
    fits = day_said(turn)
    if fits is None or any(word in turn.normalized for word in turn.content.words.not_booking):
        return None
    upcoming = classes.upcoming_sessions(
        turn.services.reading, turn.services.now, limit=SESSIONS_FOR_A_DAY
    )
    that_day = [s.id for s in upcoming if fits(s)][: messages.MAX_CAROUSEL]
    if not that_day:
        note = messages.text(turn.ui("class_no_session_on_day"))
        return [note, *show_schedule(turn, turn.content.entry(INTENT, "schedule", turn.lang))]
    return show_the_day(turn, that_day)


def show_the_day(turn: Turn, shown: list[int]) -> list[dict]:
    """A day typed right after the schedule (no booking words): most likely "I want that
    one". After a booking request (「予約したい」 answered with the schedule) it is booked, as
    a day typed to 「どの回を予約しますか？」 is; after a schedule asked for to look at, that
    session's card with its 予約する button is shown, one tap from booking, rather than booked
    on a guess. A day with no session shown books nothing: said so, with the sessions to
    choose from. "the 2nd" with no session on the 2nd is the second one shown."""
    on_the_day = sessions_on_the_day(turn, shown)
    that_day = on_the_day or sessions_described(turn, shown) or []
    number = ordinal(turn.normalized, turn.content.words.ordinals)
    if not that_day and number is not None and 0 < number <= len(shown):
        that_day = [shown[number - 1]]
    if not that_day:
        fits_none = on_the_day is None and described(turn) is not None
        return ask_which(
            turn, shown, note="class_none_fits" if fits_none else "class_no_session_on_day"
        )
    context = turn.context.data if turn.context and turn.context.data else {}
    question = ASKS_ABOUT.search(turn.normalized) and not ASKS_FOR.search(turn.normalized)
    if context.get(ASKED_TO_BOOK) and len(that_day) == 1 and not question:
        return book_in_words(turn, that_day[0])
    db = turn.services.db
    sessions = [s for s in (db.get(ClassSession, i) for i in that_day) if s and is_open(turn, s)]
    if not sessions:
        return session_closed(turn)
    intro = turn.ui("class_day_shown" if on_the_day else "class_fitting_shown")
    moving = moving_from(turn, sessions)
    if moving:
        intro = f"{turn.ui('class_moving')}\n{intro}"
    carousel = messages.with_quick_replies(
        schedule_carousel(turn, sessions), class_actions(turn, "schedule")
    )
    # "それを予約したい" / "Book it" next books the session shown (book_from_context)
    turn.remember(INTENT, "schedule", session_ids=[s.id for s in sessions])
    return [messages.text(intro), *moving, carousel]


def moving_from(turn: Turn, sessions: Sequence[ClassSession]) -> list[dict]:
    """Right after a booking, another session asked for (「やっぱり日曜のほうがいい」): the
    booking just made, as its card with its own 予約を取り消す, so the resident who moves does
    not hold both seats unawares (the new one is booked first, then the old one cancelled: as
    clash_warning says, the other way round may lose both to the waiting list). Nothing when
    the last answer booked nothing, or the session asked for is that one."""
    data = (turn.context.data or {}) if turn.context else {}
    booked = data.get(BOOKED)
    if not isinstance(booked, int) or any(s.id == booked for s in sessions):
        return []
    reservation = next((r for r in my_bookings(turn) if r.session_id == booked), None)
    return [] if reservation is None else [booking_card(turn, reservation)]


# A run of one script in a session's title: katakana (マイナポータル), kanji (写真), or a Latin
# word (paypay); hiragana are its grammar (はじめての). Shorter runs name nothing on their own.
TITLE_WORD = re.compile(r"[\u30a1-\u30fa\u30fc]{3,}|[\u4e00-\u9fff\u3005]{2,}|[a-z0-9]{3,}")


def title_words(session: classes.Shown, generic: list[str]) -> set[str]:
    """The words of a session's titles (Japanese and English) that may name it — not those
    that every session's title may have (words.yaml title_generic: 教室, 入門, "class") — and
    each whole title."""
    titles = [normalize(t) for t in (session.title, session.title_en) if t.strip()]
    named = {w for t in titles for w in TITLE_WORD.findall(t) if w not in generic}
    return named | set(titles)  # a whole title names it, its words all generic (はじめてのLINE)


def sessions_titled(turn: Turn) -> list[classes.Shown] | None:
    """The open sessions a message names by a word of their title (「マイナポータル入門を予約し
    たい」, 「マイナポータルの教室」, "the My Number portal class": words.yaml title_words), and by
    its day, time or kind when it says them too ("… on Tuesday"), soonest first; None when it
    names no title. They got the whole schedule."""
    words = turn.content.words
    text = turn.normalized
    said = [japanese for english, japanese in words.title_words.items() if said_in(english, text)]
    text = " ".join([text, *(normalize(w) for w in said)])
    upcoming = classes.upcoming_sessions(
        turn.services.reading, turn.services.now, limit=messages.MAX_CAROUSEL
    )
    # Latin words as whole words: "one" of "One-to-one help" is no title named in "smartphone"
    named = {
        s.title
        for s in upcoming
        if any(said_in(w, text) for w in title_words(s, words.title_generic))
    }
    if not named:
        return None
    # the same class on another day, whose English title staff left out, is named too
    titled = [s for s in upcoming if s.title in named]
    tz, fits = turn.services.settings.tz, day_said(turn)
    description = Described(weekday=None, hours=hours_meant(text), kind=words.session_kind(text))
    return [s for s in titled if (fits is None or fits(s)) and description.fits(s, tz)]


def offer_titled(turn: Turn, titled: list[classes.Shown]) -> list[dict]:
    """The sessions a message named by their title, each with its 予約する (「予約する」を押して
    ください); none of them on the day or at the time it says: said so, with the schedule."""
    if not titled:
        note = messages.text(turn.ui("class_none_fits"))
        return [note, *show_schedule(turn, turn.content.entry(INTENT, "schedule", turn.lang))]
    intro = messages.text(turn.ui("class_fitting_shown"))
    carousel = messages.with_quick_replies(
        schedule_carousel(turn, titled), class_actions(turn, "schedule")
    )
    # "それを予約したい" / "Book it" next books the session shown (book_from_context)
    turn.remember(INTENT, "schedule", session_ids=[s.id for s in titled])
    return [intro, carousel]


def book_in_words(turn: Turn, session_id: int) -> list[dict]:
    """Book a session asked for in words; a full one is offered the waiting list first."""
    session = turn.services.db.get(ClassSession, session_id, populate_existing=True)
    if session is None or not is_open(turn, session):
        return session_closed(turn)
    if classes.seats_left(session) == 0 and not holds(turn, session_id):
        rows = session_rows(turn.content, turn.services.settings.tz, turn.lang, session)
        button = reserve_button(turn, session, full=True)
        title = classes.title_in(session, turn.lang)
        card = bubble_message(turn.ui("class_full_offer"), title, rows, [button])
        remember_which_asked(turn, [session_id])
        return [messages.with_quick_replies(card, menu_actions(turn))]
    return book(turn, session_id)


def which_answered(turn: Turn, shown: list[int], yes: bool) -> list[dict]:
    """「はい」 or 「いいえ」 typed alone where the bot asked which session to book (the schedule
    for 「予約したい」, a full session offered its waiting list): they got 相談会と教室の違い.
    Yes with one session shown books it (a full one: its waiting list, as the offer's button
    does), with several asks which; no books nothing and goes back to the menu."""
    if not yes:
        return back_to_menu(turn)
    return book(turn, shown[0]) if len(shown) == 1 else ask_which(turn, shown)


def ask_which(turn: Turn, shown: list[int], note: str | None = None) -> list[dict]:
    """Several sessions were shown: one quick reply per session that is still open and not
    already the resident's (booked or waiting); when all of those are theirs, their bookings.
    `note`, a UI key, says first why the bot asks (「その日の回は、この日程にはありません。」)."""
    db, tz = turn.services.db, turn.services.settings.tz
    still_open = [s for s in (db.get(ClassSession, i) for i in shown) if s and is_open(turn, s)]
    if not still_open:
        return session_closed(turn)
    held = {r.session_id for r in my_bookings(turn)}
    still_open = [s for s in still_open if s.id not in held]
    if not still_open:
        return show_my_reservations(turn, turn.content.entry(INTENT, "my_reservations", turn.lang))
    labels = session_choice_labels(still_open, tz, turn.lang)
    choices = [
        messages.postback_action(label, Postback("reserve", {"session": str(s.id)}))
        for label, s in zip(labels, still_open, strict=True)
    ]
    remember_which_asked(turn, [s.id for s in still_open])
    question = turn.ui("class_which")
    whole = [session_choice(s, tz, turn.lang) for s in still_open]
    if whole != labels:
        # a button too short for its venue: each session named whole above the buttons
        question += "\n" + "\n".join(f"・{line}" for line in whole)
    if note is not None:
        question = f"{turn.ui(note)}\n{question}"
    return [messages.with_quick_replies(messages.text(question), choices)]


def session_closed(turn: Turn) -> list[dict]:
    """A button or request for a session no longer open: say so kindly, show what is."""
    overview = turn.content.entry(INTENT, "overview", turn.lang)
    return [messages.text(turn.ui("class_closed")), *show_schedule(turn, overview)]


# -- asking a name for the door ---------------------------------------------------------------

NAME_EVENT = "booking_name"
NAME_MAX = 40
# Not a name: digits, a link, a question, an address or several lines; a question asked in
# words (「…何時まで取れますか」, "What are the hours"), which a probe saw booked as a name.
NOT_A_NAME = re.compile(
    r"[0-9@/?？\n]|https?:|www\.|(ますか|ですか|でしょうか|ませんか)[。.!！]*$"
    # …and asked plainly (「コンビニは何時まで」, 「日程を教えて」), as no name is written
    r"|何時|どこ(で|に|へ|から|まで)|いつ(から|まで)"
    r"|(まで|教えて|おしえて|ください|下さい|したい|知りたい|ほしい|欲しい)[。.!！]*$"
    # (a question word and two more words: "Will Smith" and "Do Van An" are names)
    r"|^(what|when|where|how|why|which)\s+\S+\s+\S+"
    # (a word for stopping, which a probe saw booked as the name "stop")
    r"|^(stop|quit|exit)\b",
    re.IGNORECASE,
)
KANA = re.compile(r"^[\u3041-\u309f\u30a0-\u30ff\s]+$")  # hiragana, katakana, ー, ・, spaces


def needs_name(turn: Turn, session_id: int) -> bool:
    """Whether booking this session must ask a name first: it asks for names, is open, and the
    resident holds no place in it yet."""
    session = turn.services.db.get(ClassSession, session_id, populate_existing=True)
    return (
        session is not None
        and session.asks_name
        and is_open(turn, session)
        and not holds(turn, session_id)
    )


def ask_name(turn: Turn, session_id: int) -> list[dict]:
    """「お名前を送ってください」, waiting for the typed answer (and a way to stop)."""
    turn.remember(INTENT, "name", awaits=NAME_EVENT, session=session_id)
    return [name_question(turn, "name_ask")]


def name_question(turn: Turn, key: str) -> dict:
    """A question for a name, with やめる (a reset word) as its only quick reply."""
    stop = messages.message_action(turn.ui("name_stop_button"))
    return messages.with_quick_replies(messages.text(turn.ui(key)), [stop])


def is_a_name(typed: str) -> bool:
    """Short enough, and with a letter of some script (an emoji or 「！」 alone is not a name)."""
    letters = any(unicodedata.category(c).startswith("L") for c in typed)
    return bool(typed) and len(typed) <= NAME_MAX and letters


@router.event(NAME_EVENT)
def take_name(turn: Turn) -> list[dict]:
    """The resident typed their name (or its furigana): ask the next thing, or book."""
    data = turn.context.data if turn.context else {}
    session_id = data.get("session")
    if not isinstance(session_id, int):
        return session_closed(turn)
    if turn.content.words.yes_or_no(turn.normalized) is False:
        # 「やっぱりやめる」, "never mind" (words.yaml decline): no name, the booking stops as
        # やめる stops it — it was booked with 「やっぱりやめる」 as the name's furigana
        return back_to_menu(turn)
    plain = unicodedata.normalize("NFKC", turn.text)  # full-width digits and spaces made plain
    typed = " ".join(plain.split())
    if "name" not in data:
        if not is_a_name(typed) or NOT_A_NAME.search(plain):
            turn.remember(INTENT, "name", awaits=NAME_EVENT, session=session_id)
            return [name_question(turn, "name_again")]
        if turn.services.content.languages.get(turn.lang).latin:
            return book(turn, session_id, name=typed)  # read as written: no furigana
        turn.remember(INTENT, "name", awaits=NAME_EVENT, session=session_id, name=typed)
        return [name_question(turn, "name_ask_kana")]
    if not KANA.match(typed) or len(typed) > NAME_MAX:
        turn.remember(INTENT, "name", awaits=NAME_EVENT, session=session_id, name=data["name"])
        return [name_question(turn, "kana_again")]
    return book(turn, session_id, name=str(data["name"]), name_kana=typed)


# -- the resident's bookings and cancelling --------------------------------------------------


@router.action("my_reservations")
def list_my_reservations(turn: Turn) -> list[dict]:
    """予約の確認 from a button."""
    return show_my_reservations(turn, turn.content.entry(INTENT, "my_reservations", turn.lang))


def show_my_reservations(turn: Turn, entry) -> list[dict]:
    """The resident's upcoming bookings, each with a cancel button, and the entry asked about."""
    mine = my_bookings(turn)
    if not mine:
        none = messages.text(turn.ui("my_reservations_none"))
        if entry.key == "my_reservations":
            turn.remember(INTENT, entry.key)
            return [messages.with_quick_replies(none, class_actions(turn, "schedule"))]
        return [none, *answer_entry(turn, entry)]
    cards = [booking_card(turn, reservation) for reservation in mine[:12]]
    carousel = messages.carousel(turn.ui("my_reservations_alt"), [c["contents"] for c in cards])
    answered = answer_entry(turn, entry, extra=[carousel])
    if entry.key == "cancel" and len(mine) == 1:
        # 「はい」 typed next (rather than its 予約を取り消す) asks 「この予約を取り消しますか？」
        # about it (cancel_offered): it got 「わかりました」 and cancelled nothing
        turn.remember(INTENT, entry.key, reservation=mine[0].id, **{YES_OR_NO: ONE_TO_CANCEL})
    return answered


def booking_card(turn: Turn, reservation: Reservation) -> dict:
    """One booking as its confirmation card again (受付番号, when, where, name, what to bring),
    with its status and 予約を取り消す."""
    session = reservation.session
    status = "session_cancelled" if session.status != "open" else reservation.status
    position = reservations.waitlist_position(turn.services.db, reservation)
    return reservation_card(
        turn.content,
        turn.services.settings.tz,
        turn.lang,
        reservation,
        turn.ui(f"class_status.{status}"),
        position=position,
        buttons=[cancel_button(turn, reservation)],
    )


@router.action("cancel_ask")
def confirm_cancelling(turn: Turn) -> list[dict]:
    """ "Cancel this booking?" with 取り消す / 取り消さない."""
    reservation = own_reservation(turn)
    if reservation is None:
        return booking_not_found(turn)
    return ask_to_cancel(turn, reservation)


def ask_to_cancel(turn: Turn, reservation: Reservation) -> list[dict]:
    """ "Cancel this booking?" about one of the resident's active bookings (too late once
    its session has begun)."""
    if reservation.session.starts_at <= turn.services.now:
        return too_late_to_cancel(turn, reservation)
    ask = "cancel_confirm" if reservation.status == "reserved" else "cancel_confirm_waitlist"
    params = {"reservation": str(reservation.id)}
    buttons = [
        messages.postback_action(
            turn.ui("cancel_yes_button"), Postback("cancel_reservation", params)
        ),
        messages.postback_action(turn.ui("cancel_no_button"), Postback("cancel_keep", params)),
    ]
    session = reservation.session
    rows = session_rows(turn.content, turn.services.settings.tz, turn.lang, session, brief=True)
    card = bubble_message(turn.ui(ask), classes.title_in(session, turn.lang), rows, buttons)
    # 「はい」 / 「いいえ」 typed instead of a tap answer it too (cancel_answered)
    turn.remember(INTENT, CANCEL_ASKED, reservation=reservation.id, **{YES_OR_NO: CANCEL_ASKED})
    return [messages.with_quick_replies(card, menu_actions(turn))]


def cannot_come(turn: Turn) -> bool:
    """Whether the message says the resident cannot come on a day it names: 「8日は行けません」,
    「12月8日の教室に行けなくなりました」, 「火曜の教室は行けません」, "I can't make the 8th"
    (words.yaml cannot_come)."""
    text = turn.normalized
    said = any(word in text for word in turn.content.words.cannot_come)
    return said and day_said(turn) is not None


def day_said(turn: Turn) -> Callable[[classes.Shown], bool] | None:
    """Whether a session falls on the day a message names — a date (「15日」, 「12月8日」, "the
    15th", 「明日」) or a day of the week (「火曜」, "Tuesday") — in the ward's time; None when the
    message names no day."""
    tz = turn.services.settings.tz
    named = day_named(turn.normalized, turn.services.now.astimezone(tz).date())
    if named is not None:
        return lambda session: on_the_day(session, tz, named)
    weekday = weekday_named(turn.normalized)
    if weekday is not None:
        return lambda session: session.starts_at.astimezone(tz).weekday() == weekday
    return None


def cannot_come_that_day(turn: Turn) -> list[dict]:
    """Their booking on that day: whether to cancel it is asked (one booking), or its card
    with its cancel button is shown (two on one day) — never cancelled on these words alone.
    No booking on that day: said so, with the bookings they do hold (each its own button), or
    the sessions of the other days when they hold none; never the cancellation answer, which
    would be about no booking of theirs (or about another day's)."""
    return bookings_on_the_day(turn, cancelling=True, cannot_come=True)


def bookings_on_the_day(turn: Turn, *, cancelling: bool, cannot_come: bool = False) -> list[dict]:
    """The resident's bookings on the day a message names (「15日の予約キャンセル」, 「火曜の
    予約は？」). Cancelling one booking that day asks first; several, or checking, shows their
    cards. None that day: said so, then the bookings they hold, each with its own cancel
    button — 「15日の予約キャンセル」 from a resident booked on the 12th listed the 12th under
    the cancelling answer, and a tap cancelled it. No bookings at all: the other days'
    sessions (`cannot_come`: 「15日は行けません」) or that they hold none."""
    tz = turn.services.settings.tz
    fits = day_said(turn)
    assert fits is not None  # the caller found a day
    hour = hour_named(turn.normalized)
    mine = my_bookings(turn)
    held = [r for r in mine if fits(r.session)]
    if len(held) > 1 and hour is not None:
        held = [r for r in held if r.session.starts_at.astimezone(tz).hour == hour]
    if len(held) == 1 and cancelling:
        return ask_to_cancel(turn, held[0])
    if held:
        intro = "class_which_to_cancel" if cancelling else "class_your_bookings_that_day"
        return bookings_carousel(turn, held, turn.ui(intro))
    if mine:
        note = f"{turn.ui('class_no_booking_on_day')}\n{turn.ui('class_your_other_bookings')}"
        return bookings_carousel(turn, mine, note)
    if cannot_come and BOOKING_CONCEPT not in concepts(fold(turn.normalized)):
        # 「15日は行けません」 from a resident with no booking: what is on the other days
        return other_days(turn, fits)
    none = f"{turn.ui('class_no_booking_on_day')}\n{turn.ui('my_reservations_none')}"
    turn.remember(INTENT, "my_reservations")
    return [messages.with_quick_replies(messages.text(none), class_actions(turn, "schedule"))]


def bookings_carousel(turn: Turn, held: Sequence[Reservation], note: str) -> list[dict]:
    """`note`, then the cards of these bookings, each with its own 予約を取り消す (which asks
    before it cancels): nothing is remembered as cancellable by a 「はい」 typed next."""
    cards = [booking_card(turn, reservation)["contents"] for reservation in held[:12]]
    carousel = messages.carousel(turn.ui("my_reservations_alt"), cards)
    turn.remember(INTENT, "my_reservations")
    return [messages.text(note), messages.with_quick_replies(carousel, menu_actions(turn))]


def on_the_day(session: classes.Shown, tz: ZoneInfo, named: tuple[int | None, int]) -> bool:
    """Whether a session falls on the day named: (month or None, day), in the ward's time."""
    month, day = named
    local = session.starts_at.astimezone(tz)
    return local.day == day and month in (None, local.month)


def other_days(turn: Turn, fits: Callable[[classes.Shown], bool]) -> list[dict]:
    """「その日に予約している回はありません」 and the open sessions of the other days (the
    schedule's first page without that day), which book as any schedule does."""
    upcoming = classes.upcoming_sessions(
        turn.services.reading, turn.services.now, limit=messages.MAX_CAROUSEL
    )
    others = [s for s in upcoming if not fits(s)]
    none_held = turn.ui("class_no_booking_on_day")
    if not others:
        schedule = turn.content.entry(INTENT, "schedule", turn.lang)
        return [messages.text(none_held), *answer_entry(turn, schedule)]
    note = messages.text(f"{none_held}\n{turn.ui('class_other_days')}")
    carousel = messages.with_quick_replies(
        schedule_carousel(turn, others), class_actions(turn, "schedule", "my_reservations")
    )
    turn.remember(INTENT, "schedule", session_ids=[s.id for s in others])
    return [note, carousel]


def cancel_offered(turn: Turn) -> list[dict] | None:
    """「はい」 or 「いいえ」 typed right after 「キャンセルしたい」 showed the one booking held:
    yes asks whether to cancel it (never cancelled on a word the bot did not ask for), no
    keeps it; None for anything else."""
    answered = answered_about_a_booking(turn, ONE_TO_CANCEL)
    if answered is None:
        return None
    answer, reservation_id = answered
    reservation = active_of_theirs(turn, reservation_id)
    if reservation is None:
        return booking_not_found(turn)
    return ask_to_cancel(turn, reservation) if answer else kept(turn)


def cancel_answered(turn: Turn) -> list[dict] | None:
    """「はい」 or 「いいえ」 (words.yaml confirm / decline) typed alone right after
    「この予約を取り消しますか？」: what its buttons do; None for anything else (answered as
    asked)."""
    answered = answered_about_a_booking(turn, CANCEL_ASKED)
    if answered is None:
        return None
    answer, reservation_id = answered
    if answer:
        return cancel(turn, reservation_id)
    reservation = turn.services.db.get(Reservation, reservation_id)
    if reservation is None or reservation.follower_id != turn.follower.id:
        return booking_not_found(turn)
    return kept(turn)


def answered_about_a_booking(turn: Turn, question: str) -> tuple[bool, int] | None:
    """(yes, the booking's id) when 「はい」 or 「いいえ」 (words.yaml confirm / decline) is typed
    alone right after the classes asked `question` (CANCEL_ASKED, ONE_TO_CANCEL) about one
    booking; None for anything else."""
    context = turn.context
    data = (context.data or {}) if context is not None else {}
    if context is None or context.intent != INTENT or data.get(YES_OR_NO) != question:
        return None
    answer = turn.content.words.yes_or_no(turn.normalized)
    reservation_id = data.get("reservation")
    if answer is None or not isinstance(reservation_id, int):
        return None
    return answer, reservation_id


@router.action("cancel_reservation")
def cancel_booking(turn: Turn) -> list[dict]:
    """取り消す: cancel the booking of the tapped card."""
    reservation_id = int_param(turn, "reservation")
    if reservation_id is None:
        return booking_not_found(turn)
    return cancel(turn, reservation_id)


def cancel(turn: Turn, reservation_id: int) -> list[dict]:
    """Cancel; whoever waited longest gets the seat and is told by push after the commit."""
    db, now = turn.services.db, turn.services.now
    result = reservations.cancel(db, reservation_id, follower=turn.follower, now=now)
    if result.kind == "started" and result.reservation is not None:
        return too_late_to_cancel(turn, result.reservation)
    if result.kind != "cancelled":
        return booking_not_found(turn)
    if result.promoted is not None:
        tell_promoted(turn, result.promoted)
    done = "cancel_done" if result.was == "reserved" else "cancel_waitlist_done"
    turn.remember(INTENT, "cancel")
    actions = [my_bookings_button(turn), *class_actions(turn, "schedule")]
    return [messages.with_quick_replies(messages.text(turn.ui(done)), actions)]


@router.action("cancel_keep")
def keep_booking(turn: Turn) -> list[dict]:
    """取り消さない: nothing changes (an old button of a booking cancelled since says so)."""
    if own_reservation(turn) is None:
        return booking_not_found(turn)
    return kept(turn)


def kept(turn: Turn) -> list[dict]:
    """The booking stays: said, with the resident's bookings and the schedule."""
    actions = [my_bookings_button(turn), *class_actions(turn, "schedule")]
    return [messages.with_quick_replies(messages.text(turn.ui("cancel_kept")), actions)]


def too_late_to_cancel(turn: Turn, reservation: Reservation) -> list[dict]:
    """A cancel button of a session that has begun (an old card, the reminder): too late to
    cancel; the session and the venue's phone, for whoever could not come or has a question."""
    session = reservation.session
    content, lang = turn.content, turn.lang
    rows = session_rows(content, turn.services.settings.tz, lang, session, brief=True)
    rows.append((turn.ui("class_row.phone"), venue_phone(content, lang, session)))
    card = bubble_message(turn.ui("cancel_too_late"), classes.title_in(session, lang), rows, [])
    return [messages.with_quick_replies(card, class_actions(turn, "schedule"))]


def booking_not_found(turn: Turn) -> list[dict]:
    """An old cancel button: say so, and show what the resident holds now."""
    entry = turn.content.entry(INTENT, "my_reservations", turn.lang)
    return [messages.text(turn.ui("cancel_not_found")), *show_my_reservations(turn, entry)]


# -- small helpers ---------------------------------------------------------------------------


def my_bookings(turn: Turn) -> list[Reservation]:
    """The resident's upcoming bookings and waiting-list places."""
    return reservations.my_reservations(turn.services.db, turn.follower, turn.services.now)


def holds(turn: Turn, session_id: int) -> bool:
    """Whether the resident already has a seat or a waiting-list place in the session."""
    return any(r.session_id == session_id for r in my_bookings(turn))


def own_reservation(turn: Turn) -> Reservation | None:
    """The active reservation named by the postback, if it is the resident's own."""
    reservation_id = int_param(turn, "reservation")
    return active_of_theirs(turn, reservation_id) if reservation_id else None


def active_of_theirs(turn: Turn, reservation_id: int) -> Reservation | None:
    """The reservation with this id, if it is the resident's own and still active."""
    reservation = turn.services.db.get(Reservation, reservation_id)
    if reservation is None or reservation.follower_id != turn.follower.id:
        return None
    turn.services.db.refresh(reservation)
    return reservation if reservation.status in reservations.ACTIVE else None


def is_open(turn: Turn, session: ClassSession) -> bool:
    """Open for booking now."""
    return session.status == "open" and session.starts_at > turn.services.now


def int_param(turn: Turn, name: str) -> int | None:
    """A whole-number postback parameter (typed and checked in bot.line.postback); None when
    the turn has no such parameter."""
    if turn.postback is None or name not in turn.postback.params:
        return None
    return turn.postback.number(name)


def answer_entry(turn: Turn, entry, extra: list[dict] | None = None) -> list[dict]:
    """An entry as a card, with its next questions as quick replies that stay live."""
    turn.remember(INTENT, entry.key)
    return [*(extra or []), _entry_answer(turn.content, Same(entry), turn.lang)]


@functools.lru_cache(maxsize=CACHED)
def _entry_answer(content: Content, same: Same, lang: str) -> dict:
    """Built from content alone, once per entry and language (see handlers.common)."""
    card = content_card(content, same.value, INTENT, lang)
    actions = _class_actions(content, lang, tuple(same.value.next))
    return messages.with_quick_replies(card, list(actions))


def class_actions(turn: Turn, *keys: str) -> list[dict]:
    """Quick replies: these sub-questions of the topic, then the other topics."""
    return list(_class_actions(turn.content, turn.lang, keys))


@functools.lru_cache(maxsize=CACHED)
def _class_actions(content: Content, lang: str, keys: tuple[str, ...]) -> tuple[dict, ...]:
    topic = [
        messages.postback_action(
            content.entry(INTENT, key, lang).label, Postback("class_entry", {"k": key})
        )
        for key in keys
    ]
    return (*topic, *menu_buttons(content, lang, INTENT))


def cancel_button(turn: Turn, reservation: Reservation) -> dict:
    """予約を取り消す for one booking."""
    postback = Postback("cancel_ask", {"reservation": str(reservation.id)})
    return messages.postback_action(turn.ui("cancel_reservation_button"), postback)
