"""Kana readings of the Japanese safety lines (bot/conversation/safety/kana.py): a resident
who writes 「れんたん」 meets the line that says 練炭, and the readings never change what a line
means."""

from __future__ import annotations

import re

import pytest

from bot.conversation.safety.check import SafetyCheck, load_safety
from bot.conversation.safety.kana import with_kana_readings

READINGS = {"練炭": "れんたん", "水道管": "すいどうかん", "心臓": "しんぞう", "泣き叫": "なきさけ"}


def test_a_run_of_kanji_also_accepts_its_reading():
    pattern = with_kana_readings("練炭(を)?買", READINGS)
    assert re.search(pattern, "れんたんを買った")
    assert re.search(pattern, "練炭を買った")


def test_a_lookbehind_keeps_its_width_and_a_character_class_its_characters():
    pattern = with_kana_readings("(?<!水道管)破裂|[心臓]", READINGS)
    assert pattern == "(?<!水道管)破裂|[心臓]"
    re.compile(pattern)  # a lookbehind given alternatives of two widths would not compile


def test_a_run_a_quantifier_follows_is_left_as_written():
    # (?:泣き叫|なきさけ)? would make the whole word optional, not its last character
    assert with_kana_readings("泣き叫?んで", READINGS) == "泣き叫?んで"


@pytest.mark.parametrize(
    "words",
    ["くるま に れんたん を つんだ", "ほうちょう を もって おいかけてくる", "ごうとう が はいった"],
)
def test_kana_crises_are_caught_through_the_readings_and_not_without_them(words):
    check = load_safety()
    without_readings = SafetyCheck(
        check._content, check._lines_file, check._model, check.languages, check.other_languages
    )
    assert check.check(words) is not None
    assert without_readings.check(words) is None


@pytest.mark.parametrize("words", ["しょうめいしょ が ほしい", "うけられる しえん を しりたい"])
def test_short_readings_are_not_kept_so_ordinary_kana_words_stay_ordinary(words):
    # 遺書 いしょ is inside しょうめいしょ, 蹴られ けられ inside うけられる
    assert load_safety().check(words) is None


def test_the_readings_file_is_current_with_the_lines():
    """After a line is added, `python -m tools.safety_readings` writes its words' readings."""
    pytest.importorskip("janome")
    from tools.safety_readings import kept_readings, readings_of_the_lines

    kept = kept_readings()
    missing = set(readings_of_the_lines(kept)) - set(kept)
    assert not missing, f"run `python -m tools.safety_readings` ({len(missing)} new runs)"
