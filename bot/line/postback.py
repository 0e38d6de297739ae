"""Postback data: short, versioned, parsed in one place.

Format: ``v1|<action>|k=v&k=v`` (≤ 300 characters, LINE's limit). Every action the bot makes
is declared in ACTIONS with its parameters and their types (aiogram's typed CallbackData is the
model): `unpack` accepts only those, with every parameter present and every number a row id
written in ASCII digits. Data the bot did not make — an old menu, another tool, a tampered
client, a full-width ３, an id past the database's 32-bit keys — parses to None and gets a
friendly answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

from bot.core.db import as_id

VERSION = "v1"
MAX_LENGTH = 300

# Every button the bot makes: action → {parameter: type}.
ACTIONS: dict[str, dict[str, type]] = {
    "topic": {"i": str},  # a topic's overview (menu buttons, the rich menu)
    "entry": {"i": str, "k": str},  # one sub-question's answer
    "class_entry": {"k": str},  # a smartphone-class sub-question that stays in the topic
    # 次の日程を見る: the schedule after the last session a page showed (its id, and its start
    # in microseconds since 1970 UTC, read by the handler); the older `schedule_page` (from the
    # start-th session) stays for buttons residents still have.
    "schedule_after": {"after": int, "at": str},
    "schedule_page": {"start": int},
    "reserve": {"session": int},
    "my_reservations": {},
    "cancel_ask": {"reservation": int},
    "cancel_reservation": {"reservation": int},
    "cancel_keep": {"reservation": int},
    "menu": {},
    "toggle_topic": {"t": str},
    "stop_all": {},
    "all_topics": {},
    "language": {"l": str},
    "text_size": {"s": str},  # "large" or "normal": the cards' text size (受信設定)
    "class_reminders": {"r": str},  # "on" or "off": the push the day before a booking (受信設定)
    "delete_data": {"confirm": str},
}


class PostbackTooLong(ValueError):
    """Packed data would exceed LINE's 300-character limit."""


@dataclass(frozen=True)
class Postback:
    """A button's meaning: an action name and a few string parameters."""

    action: str
    params: dict[str, str] = field(default_factory=dict)

    def pack(self) -> str:
        """The string LINE carries back to us when the button is tapped."""
        data = f"{VERSION}|{self.action}|{urlencode(sorted(self.params.items()))}"
        if len(data) > MAX_LENGTH:
            raise PostbackTooLong(f"postback data is {len(data)} characters (limit {MAX_LENGTH})")
        if not _fits(self.action, self.params):
            raise ValueError(f"{self.action!r} {sorted(self.params)} is not declared in ACTIONS")
        return data

    def number(self, name: str) -> int:
        """A whole-number parameter (checked when the data was unpacked)."""
        return int(self.params[name])

    @classmethod
    def unpack(cls, data: str) -> Postback | None:
        """Parse data we made; None for anything else."""
        parts = data.split("|", 2) if data else []
        if len(parts) != 3 or parts[0] != VERSION or not parts[1].isidentifier():
            return None
        try:
            params = dict(parse_qsl(parts[2], strict_parsing=bool(parts[2])))
        except ValueError:
            return None
        return cls(parts[1], params) if _fits(parts[1], params) else None


def _fits(action: str, params: dict[str, str]) -> bool:
    """Whether an action is declared and its parameters are exactly its own, typed right."""
    declared = ACTIONS.get(action)
    if declared is None or set(params) != set(declared):
        return False
    # Every number is a row id: one past MAX_ID names no row, and PostgreSQL's driver would
    # raise on it rather than find nothing.
    return all(
        kind is not int or as_id(params[name]) is not None for name, kind in declared.items()
    )
