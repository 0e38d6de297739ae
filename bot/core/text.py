"""The one normalisation every comparison of residents' words uses (content match phrases,
words.yaml, the router, unanswered-question grouping): NFKC, lower case, whitespace folded."""

from __future__ import annotations

import re
import unicodedata

_WS = re.compile(r"\s+")


def normalize(text: str) -> str:
    """NFKC (half-width kana and full-width latin become ordinary), lowercase, whitespace folded."""
    return _WS.sub(" ", unicodedata.normalize("NFKC", text).lower()).strip()
