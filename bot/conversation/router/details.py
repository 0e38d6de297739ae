"""The second stage of understanding: which answer inside a topic, or which ward service.

Once the router has chosen an intent, one small linear model per intent scores its labels: the
entries of the topic (hours, fee, what to bring …) or, for `unknown`, the directory's areas of
other ward services (ごみ, 保育園, 国保 …; "" for none). Its features are the router's (character
n-grams, words, concepts) plus `m:KEY` for each label whose content match phrases occur in the
message, so staff who add a phrase in content/ move the choice without retraining; a label the
model has never seen is chosen from its phrases alone (see `bot.conversation.choosing`).

`python -m bot.conversation.router.train` writes details.json beside this module (numpy is
needed to train, not here). Scoring is pure Python and only touches the labels of one intent.
"""

from __future__ import annotations

import json
import math
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

from .features import extract
from .model import PackedWeights, pack, unpack

DETAILS_PATH = Path(__file__).with_name("details.json")


@dataclass(frozen=True)
class IntentDetails:
    """The weights that choose among one intent's labels."""

    labels: tuple[str, ...]
    bias: int  # packed, like the weights
    # feature → its weight for each label, packed into one integer when a message first has the
    # feature (see model.pack: one addition per feature for all labels, in C)
    weights: PackedWeights


class Details:
    """Scores the labels (entries or areas) of one intent for a normalised message."""

    def __init__(self, model: dict):
        self._config = model["config"]
        self._intents = {
            intent: IntentDetails(
                labels=tuple(part["labels"]),
                bias=pack(part["bias"]),
                weights=PackedWeights(part["weights"], _dense),
            )
            for intent, part in model["intents"].items()
        }

    @classmethod
    def from_file(cls, path: Path = DETAILS_PATH) -> Details:
        """Load a details.json written by `python -m bot.conversation.router.train`."""
        with open(path, encoding="utf-8") as fh:
            return cls(json.load(fh))

    def labels(self, intent: str) -> tuple[str, ...]:
        """The labels the model knows for an intent (empty when it has no model)."""
        part = self._intents.get(intent)
        return part.labels if part else ()

    def probabilities(
        self, intent: str, normalized: str, matched: Iterable[str] = ()
    ) -> dict[str, float]:
        """Probability of each known label of `intent`; `matched` are the labels whose content
        phrases occur in the message. Empty when the intent has no model."""
        part = self._intents.get(intent)
        if part is None:
            return {}
        features = extract(normalized, self._config)
        features.extend(f"m:{label}" for label in matched)
        scores = unpack(sum(map(part.weights.__getitem__, features), part.bias), len(part.labels))
        top = max(scores)
        exps = [math.exp(s - top) for s in scores]
        total = sum(exps)
        return {label: e / total for label, e in zip(part.labels, exps, strict=True)}


def _dense(pairs: list) -> list[float]:
    """A feature's weights for every label up to the last it weighs, from (label index, weight)
    pairs (labels past the last weigh 0, which packing leaves out anyway)."""
    row = [0.0] * (int(max(j for j, _ in pairs)) + 1) if pairs else []
    for j, w in pairs:
        row[int(j)] = float(w)
    return row
