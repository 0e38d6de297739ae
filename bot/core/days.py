"""The day and the hour a resident's message names: 「12月10日」, 「12/10」, 「10日」, "December
10", "the 10th of Dec", 「明日」, "tomorrow"; 「14時」, 「午後2時」, "2pm"; and the time of a
session it describes without a date: 「土曜日の」, 「午後の」, 「10時の」, "the Saturday one".

Read from normalised text (bot.core.text.normalize: NFKC, lower case), by the classes (which
session a resident means) and by the understanding (a day typed after the class schedule is
about its sessions), so both read a day alike.
"""

from __future__ import annotations

import datetime as dt
import re

# A date: 「12月10日」, 「12/10」, or a day, 「10日」 (「15にち」 in やさしい日本語).
# (not a year's last digits: 「2026/12/10」 is December 10, not June 12)
DATE = re.compile(
    r"(?:(?<![0-9])(?P<month>1[0-2]|0?[1-9])\s*(?:月|/)\s*(?P<day>3[01]|[12][0-9]|0?[1-9])(?![0-9]))"
    r"|(?<![0-9/])(?P<only_day>3[01]|[12][0-9]|0?[1-9])\s*(?:日|にち)"
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
# A time beside the date, for two sessions on one day (「10日の14時の回」, 「午後2時」, "2pm"),
# or alone (「10時の」, 「10じの」 in plain Japanese, not 「2じかん」, two hours).
HOUR = re.compile(
    r"(?<![0-9])(?:(?:(?P<pm>午後|ごご)|(?P<am>午前|ごぜん))?\s*(?P<h>[01]?[0-9]|2[0-3])\s*"
    r"(?:時|じ(?!かん))"
    r"|(?P<hm>[01]?[0-9]|2[0-3]):[0-5][0-9]|(?P<h12>1[0-2]|0?[1-9])\s*(?P<ampm>am|pm)\b)"
)
# A day of the week: 「土曜日」, 「土曜」, 「どようび」, "Saturday", "Sat" (0 Monday … 6 Sunday).
# (「かよう」 only with its び: alone it is 通う)
WEEKDAY = re.compile(
    r"(?P<kanji>[月火水木金土日])曜"
    r"|(?P<kana>げつよう|かようび|すいよう|もくよう|きんよう|どよう|にちよう)"
    r"|\b(?P<en>mon|tue|wed|thu|fri|sat|sun)(?:day|s|sday|nesday|rs|rsday|urday)?\b"
)
_KANJI_WEEKDAYS = "月火水木金土日"
_KANA_WEEKDAYS = ("げ", "か", "す", "も", "き", "ど", "に")
_ENGLISH_WEEKDAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
# A part of the day, as the hours a session may start in it: 「午前の回」, 「午後の」, "the
# morning one". 午後 is any time after noon; afternoon ends where the evening begins.
# (not あさって, the day after tomorrow)
PARTS_OF_DAY = (
    (re.compile(r"午前|ごぜん|朝|あさ(?!って)|\bmorning\b"), range(0, 12)),
    (re.compile(r"午後|ごご"), range(12, 24)),
    (re.compile(r"昼|ひる|\bafternoon\b"), range(12, 18)),
    (re.compile(r"夕方|ゆうがた|夜|\b(?:evening|night)\b"), range(17, 24)),
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
    return None if found is None else _hour_of(found)


def _hour_of(found: re.Match[str]) -> int:
    """The hour an HOUR match names, on the 24-hour clock."""
    if found["h12"]:
        return int(found["h12"]) % 12 + (12 if found["ampm"] == "pm" else 0)
    hour = int(found["h"] or found["hm"])
    return hour + 12 if found["pm"] and hour < 12 else hour  # 「午後2時」 is 14時


def weekday_named(text: str) -> int | None:
    """The day of the week a message names (0 Monday … 6 Sunday), or None."""
    found = WEEKDAY.search(text)
    if found is None:
        return None
    if found["kanji"]:
        return _KANJI_WEEKDAYS.index(found["kanji"])
    if found["kana"]:
        return _KANA_WEEKDAYS.index(found["kana"][0])
    return _ENGLISH_WEEKDAYS.index(found["en"])


def hours_meant(text: str) -> frozenset[int] | None:
    """The hours a session named by its time (「14時の」, 「午後の」, "the 2pm one") may start
    at, or None when the message names no time. 「2時」 is 2 or 14 (a class is at 2 in the
    afternoon, yet nobody types 午後 for it) unless the morning is said; a part of the day
    and a time together keep the hours both allow."""
    hours: set[int] | None = None
    if (found := HOUR.search(text)) is not None:
        hour = _hour_of(found)
        said_which_half = found["pm"] or found["am"] or found["ampm"] or hour >= 12
        hours = {hour} if said_which_half else {hour, hour + 12}
    for words, part in PARTS_OF_DAY:
        if words.search(text):
            hours = set(part) if hours is None else hours & set(part)
    return None if hours is None else frozenset(hours)
