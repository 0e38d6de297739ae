"""The safety check's second opinion: a small linear model for crisis messages no pattern names.

Patterns (content/<lang>/safety.yaml) say exactly what they catch, but residents in distress
find words no list foresaw. This model reads the same folded text as the patterns: character
2–3-grams (Japanese has no spaces) and, for Latin script, words and word pairs. It gives the
probability of each category and of ``none``; the check answers with help lines when a pattern
fires *or* the model's ``none`` falls below its threshold (bench/safety.py shows what each adds).

Inference is pure Python over a JSON of weights (``bot/safety/model.json``, loaded once);
training (``python -m bot.safety.train``) needs numpy and reads ``data/safety_dev.jsonl`` and
``data/safety_tune.jsonl`` — never ``data/safety_heldout.jsonl``, which judges it. The threshold
is chosen on out-of-fold probabilities of the training data: the lowest false-alarm rate on
near misses that keeps out-of-fold recall, bounded by ``MAX_TRAIN_FALSE_ALARMS``.
"""

from __future__ import annotations

import itertools
import json
import math
import pathlib
import re
from dataclasses import dataclass

from bot.safety.text import CATEGORIES, fold

LABELS = ("none", *CATEGORIES)
MODEL_PATH = pathlib.Path(__file__).with_name("model.json")
_LATIN_WORD = re.compile(r"[a-z0-9']+")
_NOT_LATIN = re.compile(r"[a-z0-9' ]+")


def features(text: str) -> set[str]:
    """Character 2–3-grams of the non-Latin text, Latin words and word pairs."""
    folded = fold(text)
    found: set[str] = set()
    for run in _NOT_LATIN.split(folded):
        run = run.strip()
        padded = f"^{run}$"
        for n in (2, 3):
            found.update(padded[i : i + n] for i in range(len(padded) - n + 1))
    words = _LATIN_WORD.findall(folded)
    found.update(f"w:{w}" for w in words)
    found.update(f"b:{a} {b}" for a, b in itertools.pairwise(words))
    return found


@dataclass(frozen=True)
class SafetyModel:
    """Weights per feature per label, biases, and the decision threshold on p(none)."""

    weights: dict[str, list[float]]
    bias: list[float]
    threshold: float

    @classmethod
    def load(cls, path: pathlib.Path = MODEL_PATH) -> SafetyModel | None:
        """The trained model, or None when there is none (the patterns then work alone)."""
        if not path.exists():
            return None
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls(data["weights"], data["bias"], data["threshold"])

    def probabilities(self, text: str) -> list[float]:
        """Softmax over LABELS."""
        scores = list(self.bias)
        for feature in features(text):
            row = self.weights.get(feature)
            if row is not None:
                scores = [s + w for s, w in zip(scores, row, strict=True)]
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return [e / total for e in exps]

    def category(self, text: str) -> str | None:
        """The crisis category the model sees, or None below its threshold."""
        probabilities = self.probabilities(text)
        if probabilities[0] >= self.threshold:
            return None
        best = max(range(1, len(LABELS)), key=lambda i: probabilities[i])
        return LABELS[best]
