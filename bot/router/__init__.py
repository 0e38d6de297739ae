"""Intent router: resident message → one of nine intents, a calibrated confidence and a language.

Public API (others code against exactly this): INTENTS, Route, normalize, detect_language, Router,
load_router, route_lines. See `model.py` for the technique and the evidence behind it.
"""

from __future__ import annotations

import functools
import json
from typing import TextIO

from .model import INTENTS, Route, Router
from .text import detect_language, normalize

__all__ = [
    "INTENTS",
    "Route",
    "Router",
    "detect_language",
    "load_router",
    "normalize",
    "route_lines",
]


@functools.lru_cache(maxsize=1)
def load_router() -> Router:
    """The router with the shipped weights (bot/router/model.json), loaded once per process."""
    return Router.from_file()


def route_lines(stdin: TextIO, stdout: TextIO) -> int:
    """Route each input line; write one JSON object per line: {"text", "intent", "confidence"}."""
    router = load_router()
    for line in stdin:
        text = line.rstrip("\r\n")
        r = router.route(text)
        obj = {"text": text, "intent": r.intent, "confidence": r.confidence}
        stdout.write(json.dumps(obj, ensure_ascii=False) + "\n")
    stdout.flush()
    return 0
