"""Reading the time of a session from a resident's words (bot.core.days)."""

from __future__ import annotations

import pytest

from bot import classes
from bot.core.content import load_content
from bot.core.days import hours_meant, weekday_named


@pytest.mark.parametrize(
    ("text", "weekday"),
    [
        ("土曜日の回", 5),
        ("土曜の", 5),
        ("どようびの", 5),
        ("かようびで", 1),
        ("the saturday one", 5),
        ("tues please", 1),
        ("thursday", 3),
        ("日曜日", 6),
        ("教室にかよう", None),  # 通う, not Tuesday
        ("this month", None),
        ("10時の", None),
    ],
)
def test_the_day_of_the_week_a_message_names(text, weekday):
    assert weekday_named(text) == weekday


@pytest.mark.parametrize(
    ("text", "hours"),
    [
        ("14時からのやつ", {14}),
        ("2時の回", {2, 14}),  # a class at 2 is in the afternoon; nobody types 午後 for it
        ("午後2時", {14}),
        ("午前10時", {10}),
        ("the 2pm one", {14}),
        ("10じの", {10, 22}),
        ("午後の", set(range(12, 24))),
        ("the morning one", set(range(0, 12))),
        ("朝10時の", {10}),
        ("2じかん", None),  # two hours, no time
        ("あさっての回", None),  # the day after tomorrow, not the morning
    ],
)
def test_the_hours_a_session_named_by_its_time_may_start_at(text, hours):
    found = hours_meant(text)
    assert (None if found is None else set(found)) == hours


def test_the_words_for_kinds_of_session_name_kinds_sessions_have():
    assert set(load_content().words.session_kinds) <= set(classes.KINDS)
