"""The router at run time: pure-Python scoring of the shipped linear model (no numpy needed)."""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from pathlib import Path

from .features import extract
from .text import detect_language, normalize

INTENTS: tuple[str, ...] = (
    "online_application",
    "konbini_certificate",
    "smartphone_class",
    "mynumber_card",
    "notification_settings",
    "contact",
    "greeting",
    "help",
    "unknown",
)

MODEL_PATH = Path(__file__).with_name("model.json")
ALTERNATIVE_MIN = 0.15


@dataclass(frozen=True)
class Route:
    """What the resident wants: one of INTENTS, the calibrated probability of it, the language."""

    intent: str
    confidence: float
    language: str
    # The other in-scope intents the message may mean, (intent, probability) best first, those
    # at ALTERNATIVE_MIN or more: what the bot asks back about when it is unsure.
    alternatives: tuple[tuple[str, float], ...] = ()


class Router:
    """Scores a message with the linear model and answers `unknown` below the threshold.

    `confidence` is the temperature-calibrated softmax probability of the returned intent. The top
    in-scope intent is answered when its probability reaches `threshold` and it beats `unknown`
    (or `unknown` is below `unknown_floor`); otherwise the answer is `unknown` with the probability
    the model gives `unknown` (so gibberish, which carries no evidence, gets a low confidence).
    Empty or whitespace-only text → Route("unknown", 0.0, "ja").
    """

    def __init__(self, model: dict):
        if tuple(model["intents"]) != INTENTS:
            raise ValueError("model intents do not match INTENTS")
        self._config = model["config"]
        self._weights = {f: tuple(w) for f, w in model["weights"].items()}
        self._bias = tuple(model["bias"])
        self._inv_temp = 1.0 / model["temperature"]
        self.threshold: float = model["threshold"]
        self.unknown_floor: float = model.get("unknown_floor", 0.0)
        self._unknown = INTENTS.index("unknown")

    @classmethod
    def from_file(cls, path: Path = MODEL_PATH) -> Router:
        """Load a model.json written by `python -m bot.conversation.router.train`."""
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def probabilities(self, normalized: str) -> list[float]:
        """Calibrated probability of each intent (INTENTS order) for a normalised message."""
        get = self._weights.get
        rows = [w for w in map(get, extract(normalized, self._config)) if w is not None]
        # column sums in C: zip(*rows) transposes the present features' weight rows
        scores = [sum(col) for col in zip(self._bias, *rows, strict=True)]
        t = self._inv_temp
        top = max(scores)
        exps = [math.exp((s - top) * t) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def route(self, text: str) -> Route:
        """The intent of one resident message."""
        normalized = normalize(text)
        if not normalized:
            return Route("unknown", 0.0, "ja")
        language = detect_language(normalized)
        probs = self.probabilities(normalized)
        unk = self._unknown
        ranked = sorted((i for i in range(len(probs)) if i != unk), key=lambda i: -probs[i])
        top = ranked[0]
        p_top, p_unk = probs[top], probs[unk]
        if p_top >= self.threshold and (p_top > p_unk or p_unk < self.unknown_floor):
            others = ranked[1:]
            intent, confidence = INTENTS[top], p_top
        else:
            others = ranked
            intent, confidence = "unknown", p_unk
        alternatives = tuple(
            (INTENTS[i], round(probs[i], 4)) for i in others[:3] if probs[i] >= ALTERNATIVE_MIN
        )
        return Route(intent, round(confidence, 4), language, alternatives)
