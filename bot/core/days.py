"""The day and the hour a resident's message names: 「12月10日」, 「12/10」, 「10日」, "December
10", "the 10th of Dec", 「明日」, "tomorrow"; 「14時」, 「午後2時」, "2pm".

Read from normalised text (bot.core.text.normalize: NFKC, lower case), by the classes (which
session a resident means) and by the understanding (a day typed after the class schedule is
about its sessions), so both read a day alike.
"""

from __future__ import annotations

import datetime as dt
import re

# A date: 「12月10日」, 「12/10」, or a day, 「10日」.
# (not a year's last digits: 「2026/12/10」 is December 10, not June 12)
DATE = re.compile(
    r"(?:(?<![0-9])(?P<month>1[0-2]|0?[1-9])\s*(?:月|/)\s*(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9]))"
    r"|(?<![0-9/])(?P<only_day>3[01]|[12][0-9]|0?[1-9])\s*日"
)
_MONTHS = ["jan", "feb", "mar", "apr", "may", "jun", "jul", "aug", "sep", "oct", "nov", "dec"]
# …in English: "December 10", "Dec 10th", "10 December".
ENGLISH_DATE = re.compile(
    r"\b(?:(?P<month>" + "|".join(_MONTHS) + r")[a-z]*\.?\s*(?P<day>3[01]|[12][0-9]|0?[1-9])"
    r"(?:st|nd|rd|th)?(?![0-9])|(?P<day_first>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)?\s+"
    r"(?:of\s+)?(?P<month_after>" + "|".join(_MONTHS) + r")[a-z]*)\b"
)
# …or a day counted from today (「明日の回」, "tomorrow").
# (not きょう or あす in kana: they are inside きょうしつ and other words)
DAYS_FROM_TODAY = {
    "今日": 0,
    "today": 0,
    "明日": 1,
    "あした": 1,
    "tomorrow": 1,
    "明後日": 2,
    "あさって": 2,
}
# …or, in English, a day without its month: "the 8th", "8th". It may also be a place in a list
# ("the 2nd session"), which the reader of the day decides (handlers/classes.py: a day when a
# session shown falls on it, else a place); "the 2nd one" is always a place, never read here.
ORDINAL_DAY = re.compile(r"(?<![0-9])(?P<day>3[01]|[12][0-9]|0?[1-9])(?:st|nd|rd|th)\b(?!\s*one\b)")
# A time beside the date, for two sessions on one day (「10日の14時の回」, 「午後2時」, "2pm").
HOUR = re.compile(
    r"(?<![0-9])(?:(?P<pm>午後|ごご)?\s*(?P<h>[01]?[0-9]|2[0-3])\s*時"
    r"|(?P<hm>[01]?[0-9]|2[0-3]):[0-5][0-9]|(?P<h12>1[0-2]|0?[1-9])\s*(?P<ampm>am|pm)\b)"
)


def names_a_day(text: str) -> bool:
    """Whether a message names a day: 「12月10日」, 「12/10」, 「10日」, "December 10", 「明日」,
    "the 10th"."""
    return day_named(text, dt.date.today()) is not None


def day_named(text: str, today: dt.date) -> tuple[int | None, int] | None:
    """(month or None, day) of the day a message names, or None when it names none; a date
    with its month first, then a day counted from today, then an English "the 8th"."""
    if found := DATE.search(text):
        return (int(found["month"]) if found["month"] else None), int(
            found["day"] or found["only_day"]
        )
    if found := ENGLISH_DATE.search(text):
        month = found["month"] or found["month_after"]
        return _MONTHS.index(month[:3]) + 1, int(found["day"] or found["day_first"])
    for word, days in DAYS_FROM_TODAY.items():
        if word in text:
            day = today + dt.timedelta(days=days)
            return day.month, day.day
    if found := ORDINAL_DAY.search(text):
        return None, int(found["day"])
    return None


def hour_named(text: str) -> int | None:
    """The hour a message names (「14時」, "14:00", "2pm"), or None."""
    found = HOUR.search(text)
    if found is None:
        return None
    if found["h12"]:
        return int(found["h12"]) % 12 + (12 if found["ampm"] == "pm" else 0)
    hour = int(found["h"] or found["hm"])
    return hour + 12 if found["pm"] and hour < 12 else hour  # 「午後2時」 is 14時
