"""The one form the safety check reads a message in, and its categories (shared by the patterns
and the model)."""

from __future__ import annotations

import re
import unicodedata

from bot.core.text import TYPOGRAPHIC_QUOTES

# In order of urgency: when a message fits two categories, the first one's answer is given
# (a fire reported during a quarrel needs 119 before the DV line).
CATEGORIES = ("emergency", "suicide", "child_abuse", "violence")

_KATAKANA = {code: code - 0x60 for code in range(ord("ァ"), ord("ヶ") + 1)}
# Small vowels written for effect (しにたぃ, きえたぃ) read as full ones.
_SMALL_VOWELS = str.maketrans("ぁぃぅぇぉ", "あいうえお")
_SPACE_BETWEEN_JAPANESE = re.compile(r"(?<=[^\x00-\x7f])\s+(?=[^\x00-\x7f])")


def fold(text: str) -> str:
    """The form patterns are matched against: NFKC, lower case, hiragana for katakana, no
    spaces between Japanese characters, whitespace folded."""
    folded = unicodedata.normalize("NFKC", text).lower().translate(_KATAKANA)
    # "I don’t want to live", typed on a phone, is read as "I don't …": the English lines
    # and words are written with a straight quote (and a curly one made it non-ASCII, so
    # answered in Japanese)
    folded = folded.translate(TYPOGRAPHIC_QUOTES)
    folded = folded.translate(_SMALL_VOWELS)
    folded = " ".join(folded.split())
    return _SPACE_BETWEEN_JAPANESE.sub("", folded)
