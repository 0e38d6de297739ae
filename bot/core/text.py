"""The one normalisation every comparison of residents' words uses (content match phrases,
words.yaml, the router, unanswered-question grouping): NFKC, lower case, whitespace folded.
And the one cleaning of text from outside (residents' messages, the console's fields) before
anything stores or sends it."""

from __future__ import annotations

import functools
import re
import unicodedata

_WS = re.compile(r"\s+")
# Control characters nobody types on purpose (tab and line breaks are kept): PostgreSQL refuses
# NUL in text, and SQLite would keep it and send it on to residents.
_CONTROL = re.compile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
# Half of a surrogate pair (an emoji cut in two by a client; JSON may carry "\ud83d"): no
# database or UTF-8 encoder takes it.
_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


# Marks, brackets and quotes around a word or phrase typed alone (「はい。」, 『help』,
# 【質問があります】): stripped before it is compared with the words that make up a whole message.
MARKS_AROUND = " 。.!！、,「」『』【】[]\"'()（）"


# Kept for the last messages: one message's understanding asks for it of the same text six times
@functools.lru_cache(maxsize=64)
def alone(normalized: str) -> str:
    """A short message without the spaces, marks and quotes around it, nor a question mark
    (「次の日程？」, "hours.", 『help』, 【質問があります】), nor the emoji around its words
    (「OK👍」, 「はい😊」), to compare with words that make up a whole message. A message of
    emoji alone stays as it is."""
    words = normalized.strip(MARKS_AROUND + "?？")
    bare = without_pictographs_around(words, MARKS_AROUND + "?？")
    return bare if bare else words


def only_pictographs(normalized: str) -> bool:
    """Whether a message is emoji (or other pictographs) and nothing else (「👍」, 「🙏🙏」)."""
    return bool(normalized.strip()) and not without_pictographs_around(normalized, " ")


def without_pictographs_around(text: str, also: str = " ") -> str:
    """The text without the emoji and other pictographs at its ends (nor the characters of
    `also` between them): 「助けて😭」 → 「助けて」, "OK 👍" → "OK"."""
    start, end = 0, len(text)
    while start < end and (_is_pictograph(text[start]) or text[start] in also):
        start += 1
    while end > start and (_is_pictograph(text[end - 1]) or text[end - 1] in also):
        end -= 1
    return text[start:end]


def _is_pictograph(char: str) -> bool:
    """An emoji or other pictograph, or a part that joins or colours one (ZWJ, the emoji
    variation selector, a skin tone)."""
    return (
        unicodedata.category(char) == "So"
        or char in "\u200d\ufe0f"
        or 0x1F3FB <= ord(char) <= 0x1F3FF
    )


# Typographic quotes, which phones type for ' and " ("don’t" on an iPhone): NFKC keeps them.
TYPOGRAPHIC_QUOTES = str.maketrans("’‘ʼ‛′“”„″", "'''''\"\"\"\"")


# English plurals of the words that name an answer, folded onto the singular the match phrases
# and the router's concepts hold: "I don't remember either of my PINs" and "forgot my pins" got
# 「お答えできませんでした」 while "forgot my pin" got the card's PIN answer. Whole words only.
_PLURALS = {"pins": "pin"}
_PLURAL = re.compile(r"\b(" + "|".join(_PLURALS) + r")\b")


def normalize(text: str) -> str:
    """NFKC (half-width kana and full-width latin become ordinary), straight quotes, lowercase,
    whitespace folded, the plurals of _PLURALS singular."""
    plain = unicodedata.normalize("NFKC", text).translate(TYPOGRAPHIC_QUOTES)
    lowered = _WS.sub(" ", plain.lower()).strip()
    return _PLURAL.sub(lambda m: _PLURALS[m.group(1)], lowered)


def clean_text(text: str) -> str:
    """Text safe to store and send: control characters other than tab and line breaks removed,
    a lone surrogate replaced by U+FFFD (the replacement character), the rest unchanged."""
    return _LONE_SURROGATE.sub("\ufffd", _CONTROL.sub("", text))
