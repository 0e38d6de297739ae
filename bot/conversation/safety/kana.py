"""Kana readings of the words the Japanese lines write in kanji.

Residents who write in kana (children, older people on a phone, people who read little kanji,
voice input) write 「れんたん かってきた」, 「しんぞう とまってる」, 「おどされた」; the lines wrote
練炭, 心臓, 脅され, and two fresh authors' kana sets found 0.80 of their crises where sets written
in kanji found 0.96–0.99. Rather than a second, kana copy of every line for editors to keep in step,
each run of kanji and kana in a Japanese line also accepts its reading: 「練炭(を)?(買|用意)」
reads as 「(?:練炭|れんたん)(を)?(買|(?:用意|ようい))」.

The readings are content (``content/ja/safety_readings.yaml``, written by
``python -m tools.safety_readings`` from a dictionary): an editor can read and correct them,
and the bot needs no dictionary to run. Readings shorter than ``MIN_READING`` kana are not
kept: 「いしょ」 (遺書) is inside 「しょうめいしょ」 and 「けられ」 (蹴られ) inside 「うけられる」,
and the lines already spell the short ones that matter (くび, ち) where they mean them. A
wrong reading only matches nothing.
"""

from __future__ import annotations

import re

_KANJI = re.compile(r"[\u3005\u4e00-\u9fff]")
# a run: kanji and kana an editor wrote as plain text (no regex syntax)
_JAPANESE = re.compile(r"[\u3005\u3041-\u3096\u30a1-\u30fa\u30fc\u4e00-\u9fff]+")
_QUANTIFIERS = ("?", "*", "+", "{")
MIN_READING = 4  # kana: in the kana sets, three-kana readings gave more false alarms than crises


def runs_of(pattern: str) -> list[str]:
    """The runs of plain Japanese text holding a kanji that ``with_kana_readings`` would give
    a reading (the generator asks for these)."""
    return [run for run, _ in _walk(pattern) if run is not None and _KANJI.search(run)]


def with_kana_readings(pattern: str, readings: dict[str, str]) -> str:
    """The pattern with each run of plain Japanese text that has a reading also accepting it.
    Runs inside a character class or a lookbehind (which must keep its width), and runs a
    quantifier follows (it would then apply to the group), are left as written."""
    out: list[str] = []
    for run, text in _walk(pattern):
        spoken = readings.get(run) if run is not None else None
        out.append(f"(?:{text}|{spoken})" if spoken else text)
    return "".join(out)


def _walk(pattern: str) -> list[tuple[str | None, str]]:
    """The pattern in pieces: (run, text) for a run that may take a reading, (None, text) for
    everything else; the texts joined give the pattern back."""
    pieces: list[tuple[str | None, str]] = []
    i = 0
    lookbehind_depth = 0  # inside (?<= or (?<! ...): parentheses counted until it closes
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            pieces.append((None, pattern[i : i + 2]))
            i += 2
            continue
        if c == "[":
            end = _class_end(pattern, i)
            pieces.append((None, pattern[i:end]))
            i = end
            continue
        if pattern.startswith(("(?<=", "(?<!"), i) or (lookbehind_depth and c == "("):
            lookbehind_depth += 1
        elif c == ")" and lookbehind_depth:
            lookbehind_depth -= 1
        run = _JAPANESE.match(pattern, i)
        if run is None or lookbehind_depth:
            pieces.append((None, c))
            i += 1
            continue
        text = run.group(0)
        quantified = pattern.startswith(_QUANTIFIERS, run.end())
        pieces.append((None if quantified else text, text))
        i = run.end()
    return pieces


def _class_end(pattern: str, start: int) -> int:
    """The index just past the character class that opens at ``start``."""
    i = start + 1
    if i < len(pattern) and pattern[i] == "^":
        i += 1
    if i < len(pattern) and pattern[i] == "]":
        i += 1
    while i < len(pattern) and pattern[i] != "]":
        i += 2 if pattern[i] == "\\" else 1
    return i + 1
