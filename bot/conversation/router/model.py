"""The router at run time: pure-Python scoring of the shipped linear model (no numpy needed)."""

from __future__ import annotations

import json
import math
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from .features import extract_frozen, freeze
from .text import language_of_normalized, normalize

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

# A message's score for each label is the sum of its features' weights. Summing a feature's
# weights for all labels at once is what makes routing fast: they are packed into one Python
# integer, SCALE × the weight of label i in field i (FIELD bits, two's complement: a negative
# weight borrows from the next field and `unpack` gives it back), and `sum` adds whole rows in C.
# Weights are stored to 4 decimals, so SCALE keeps them exact: the sums are exact too.
SCALE = 1_000_000
FIELD = 64  # room for ±9.2e12 / SCALE per label, far beyond any message's sum
_FIELD_MASK = (1 << FIELD) - 1
_FIELD_SIGN = 1 << (FIELD - 1)


def pack(weights: Sequence[float]) -> int:
    """One integer holding a feature's weight for every label (label i in field i)."""
    return sum(round(w * SCALE) << (FIELD * i) for i, w in enumerate(weights))


def unpack(packed: int, width: int) -> list[float]:
    """The per-label sums held in a sum of packed integers."""
    out = []
    for _ in range(width):
        field = packed & _FIELD_MASK
        if field >= _FIELD_SIGN:
            field -= 1 << FIELD
        out.append(field / SCALE)
        packed = (packed - field) >> FIELD
    return out


class PackedWeights(dict[str, int]):
    """feature → its packed weights, packed when a message first has the feature (packing all
    of them would add a fifth to the router's cold start); a feature the model does not know
    weighs 0 and is not stored."""

    def __init__(self, weights: dict[str, list], dense: Callable[[list], list[float]] = list):
        super().__init__()
        self._weights = weights
        self._dense = dense  # how a stored row becomes one weight per label

    def __missing__(self, feature: str) -> int:
        weights = self._weights.get(feature)
        if weights is None:
            return 0
        packed = self[feature] = pack(self._dense(weights))
        return packed


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
        self._config = freeze(model["config"])
        self._width = len(INTENTS)
        self._weights = PackedWeights(model["weights"])
        self._bias = pack(model["bias"])
        self._inv_temp = 1.0 / model["temperature"]
        self.threshold: float = model["threshold"]
        self.unknown_floor: float = model.get("unknown_floor", 0.0)
        self._unknown = INTENTS.index("unknown")
        self._in_scope = [i for i in range(len(INTENTS)) if i != self._unknown]

    @classmethod
    def from_file(cls, path: Path = MODEL_PATH) -> Router:
        """Load a model.json written by `python -m bot.conversation.router.train`."""
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def probabilities(self, normalized: str) -> list[float]:
        """Calibrated probability of each intent (INTENTS order) for a normalised message."""
        features = extract_frozen(normalized, self._config)
        # one addition of packed integers per feature (see `pack`), in C
        packed = sum(map(self._weights.__getitem__, features), self._bias)
        scores = unpack(packed, self._width)
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
        language = language_of_normalized(normalized)
        probs = self.probabilities(normalized)
        # in-scope intents, most probable first (a tie keeps INTENTS order)
        ranked = sorted(self._in_scope, key=probs.__getitem__, reverse=True)
        top = ranked[0]
        p_top, p_unk = probs[top], probs[self._unknown]
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
