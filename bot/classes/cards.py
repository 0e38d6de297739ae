"""Cards for class sessions and bookings, in LINE's Flex format.

Built from content, settings and rows — not from a conversation turn — so the bot's replies,
the day-before reminders (bot/reminders.py) and the console's notices (bot/classes/changes.py)
all show residents the same card.
"""

from __future__ import annotations

from zoneinfo import ZoneInfo

from bot import classes
from bot.core.catalogue import load_languages
from bot.core.content import Content
from bot.core.models import ClassSession, Reservation
from bot.line import messages
from bot.line.postback import Postback

# Dark enough to read on white for older eyes (WCAG AA): bot/line/messages.py's palette.
GREEN, GREY = messages.PALETTE["heading"], messages.PALETTE["label"]


def short_when(session: ClassSession, tz: ZoneInfo, lang: str) -> str:
    """A date short enough for a button: 12/3(水)10:00, or Wed 3 Dec 10:00."""
    start = session.starts_at.astimezone(tz)
    return load_languages().get(lang).format_when(start, short=True)


def session_choice(session: ClassSession, tz: ZoneInfo, lang: str) -> str:
    """A session as a line naming it whole: its short date and its venue (12/10(木)13:00
    高島平ふれあい館)."""
    return f"{short_when(session, tz, lang)} {classes.venue_in(session, lang)}"


def session_choice_labels(sessions: list[ClassSession], tz: ZoneInfo, lang: str) -> list[str]:
    """A button label per session that LINE shows whole (at most messages.MAX_LABEL
    characters): its date and venue where they fit; else its date and its venue without the
    ending every venue shown shares (「12/12(土)10:00 志村」 beside 「… 仲町ふれあい館」); else its
    date alone. 「12/10(木)13:00 高島平ふれあい館」 lost its 「い館」 to the cut, an English
    date with a Japanese venue more. Labels still alike are cut, as a last resort."""
    venues = [classes.venue_in(s, lang) for s in sessions]
    shared = _shared_ending(venues) if len(set(venues)) > 1 else 0
    labels = []
    for session, venue in zip(sessions, venues, strict=True):
        when = short_when(session, tz, lang)
        short = venue[: len(venue) - shared]
        fitting = (f"{when} {venue}", f"{when} {short}" if short else when, when)
        labels.append(next(label for label in fitting if len(label) <= messages.MAX_LABEL))
    return [
        f"{short_when(s, tz, lang)} {v}"[: messages.MAX_LABEL] if labels.count(label) > 1 else label
        for label, s, v in zip(labels, sessions, venues, strict=True)
    ]


def _shared_ending(names: list[str]) -> int:
    """How many characters every name ends with alike (「ふれあい館」: 5)."""
    n = 0
    while all(len(name) > n for name in names) and len({name[-1 - n] for name in names}) == 1:
        n += 1
    return n


def reservation_card(
    content: Content,
    tz: ZoneInfo,
    lang: str,
    reservation: Reservation,
    heading: str,
    position: int | None = None,
    buttons: list[dict] | None = None,
) -> dict:
    """A booking as a card to show at the door: what happened, the 受付番号 in large text (for a
    seat), when, where, the name given, what to bring, whom to ask; buttons to see the bookings
    or cancel this one (or `buttons`, when given)."""
    session = reservation.session
    rows = booking_rows(content, tz, lang, reservation)
    if position:
        rows.append((content.ui("class_row.position", lang), str(position)))
    if buttons is None:
        buttons = [
            messages.postback_action(
                content.ui("my_reservations_button", lang), Postback("my_reservations")
            ),
            messages.postback_action(
                content.ui("cancel_reservation_button", lang),
                Postback("cancel_ask", {"reservation": str(reservation.id)}),
            ),
        ]
    number = booking_number(content, lang, reservation)
    note = content.ui("booking_show_at_door", lang) if number else ""
    return messages.flex(
        bubble(heading, classes.title_in(session, lang), rows, buttons, note=note, number=number)
    )


def booking_number(content: Content, lang: str, reservation: Reservation) -> str:
    """「受付番号 12」 / "Booking number 12" for a seat in an open session; "" otherwise (a place
    on the waiting list is not a seat, and a cancelled session has no door to show it at)."""
    if reservation.status != "reserved" or reservation.session.status != "open":
        return ""
    return content.ui("booking_number", lang, number=reservation.id)


def booking_rows(
    content: Content, tz: ZoneInfo, lang: str, reservation: Reservation
) -> list[tuple[str, str]]:
    """A booking's rows: the session's (session_rows) with the name the resident gave, when the
    session asked for one, after the venue."""
    rows = session_rows(content, tz, lang, reservation.session)
    if reservation.name:
        name = reservation.name
        if reservation.name_kana:
            name += f"({reservation.name_kana})" if lang != "en" else f" ({reservation.name_kana})"
        rows.insert(2, (content.ui("class_row.name", lang), name))
    return rows


def session_rows(
    content: Content, tz: ZoneInfo, lang: str, session: ClassSession, *, brief: bool = False
) -> list[tuple[str, str]]:
    """Label and value pairs: when and where; unless brief, details, what to bring (as staff
    wrote it for the session, in English for readers of Latin script when they gave it;
    otherwise, since the facts do not say, to ask the venue) and whom to ask."""
    rows = [
        (content.ui("class_row.when", lang), classes.format_when(session, tz, lang)),
        (content.ui("class_row.venue", lang), classes.venue_in(session, lang)),
    ]
    if brief:
        return rows
    if session.description.strip():
        rows.append((content.ui("class_row.details", lang), session.description.strip()))
    bring = classes.bring_in(session, lang) or content.ui("class_bring", lang)
    rows.append((content.ui("class_row.bring", lang), bring))
    rows.append((content.ui("class_row.phone", lang), venue_phone(content, lang, session)))
    return rows


def venue_phone(content: Content, lang: str, session: ClassSession) -> str:
    """The venue's phone from content (the ふれあい館 in the facts), else the ward's main line.

    The venue is found by the name staff typed (the default language's list); the row names it
    as the card's venue row does: in `lang` where the card shows the English venue, in the
    staff's words otherwise, so a reader can match the two rows."""
    default = content.languages.default
    shown = lang if classes.venue_in(session, lang) != session.venue else default
    for name, phone in venue_phones(content, default):
        if name in session.venue:
            names = {number: said for said, number in venue_phones(content, shown)}
            return f"{names.get(phone, name)} {phone}"
    return content.ui("class_ward_phone", lang)


def venue_phones(content: Content, lang: str) -> list[tuple[str, str]]:
    """class_venue_phones in `lang`: (venue name, phone) per line."""
    pairs = []
    for line in content.ui("class_venue_phones", lang).splitlines():
        name, _, phone = line.strip().rpartition(" ")
        if name:
            pairs.append((name, phone))
    return pairs


def bubble(
    heading: str,
    title: str,
    rows: list[tuple[str, str]],
    buttons: list[dict],
    note: str = "",
    number: str = "",
) -> dict:
    """A card in large, plain text: heading, a booking number (largest of all, to show at the
    door), title, label/value rows, a note, buttons."""
    body = [text_part(heading, "md", bold=True, color=GREEN)]
    if number:
        body.append(text_part(number, "xxl", bold=True))
    body.append(text_part(title, "lg", bold=True))
    for label, value in rows:
        label_part = text_part(label, "sm", color=GREY) | {"flex": 2}
        row = [label_part, text_part(value, "md") | {"flex": 5}]
        body.append({"type": "box", "layout": "baseline", "spacing": "sm", "contents": row})
    if note:
        body.append(text_part(note, "md", color=GREEN))
    card = {
        "type": "bubble",
        "body": {"type": "box", "layout": "vertical", "spacing": "sm", "contents": body},
    }
    if buttons:
        footer = [messages.button(action, height="sm") for action in buttons]
        card["footer"] = {"type": "box", "layout": "vertical", "spacing": "sm", "contents": footer}
    return card


def text_part(text: str, size: str, *, bold: bool = False, color: str | None = None) -> dict:
    """A wrapping Flex text component."""
    part = {"type": "text", "text": text, "size": size, "wrap": True}
    if bold:
        part["weight"] = "bold"
    if color:
        part["color"] = color
    return part


def bubble_message(
    heading: str, title: str, rows: list[tuple[str, str]], buttons: list[dict]
) -> dict:
    """One card as a Flex message, with the same words as plain text for its altText."""
    return messages.flex(bubble(heading, title, rows, buttons))
