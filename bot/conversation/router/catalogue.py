"""The router the bot runs: the trained model, checked against the topic catalogue, plus the
example questions of catalogue topics the model was never trained on.

A content editor adds a topic with a catalogue entry and one YAML per language listing example
questions; residents' questions that resemble them (character bigrams, Dice coefficient) are
routed to it where the model answers `unknown`. Retraining the model later (`python -m
bot.conversation.router.train`) makes it a trained intent like the others.
"""

from __future__ import annotations

from dataclasses import replace

from .model import INTENTS, Route, Router
from .text import fold, normalize

# A message must share this much of its character bigrams with one example (Dice) to be routed
# to an example-only topic; below it the model's `unknown` stands.
MIN_SIMILARITY = 0.5


class CatalogueMismatch(ValueError):
    """The router's model and content/topics.yaml disagree about the topics."""


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of the folded text without spaces."""
    compact = fold(normalize(text)).replace(" ", "")
    return frozenset(compact[i : i + 2] for i in range(max(len(compact) - 1, 1)))


def dice(a: frozenset[str], b: frozenset[str]) -> float:
    """2|A∩B| / (|A|+|B|)."""
    return 2 * len(a & b) / (len(a) + len(b)) if a and b else 0.0


class CatalogueRouter:
    """Routes like the model, then tries example-only topics for what the model calls unknown."""

    def __init__(self, model: Router, answered: tuple[str, ...], examples: dict[str, list[str]]):
        stray = [intent for intent in INTENTS if intent not in answered]
        if stray:
            raise CatalogueMismatch(
                f"the router's model answers {stray}, which content/topics.yaml does not list "
                "as topics that answer: add them back, or retrain the model without them"
            )
        untrained = [topic for topic in answered if topic not in INTENTS]
        missing = [topic for topic in untrained if not examples.get(topic)]
        if missing:
            raise CatalogueMismatch(
                f"topics {missing}: the router's model was not trained on them and their content "
                "gives no `examples`: add example questions, or retrain the router"
            )
        self.model = model
        self._examples = {topic: [bigrams(e) for e in examples[topic]] for topic in untrained}

    def route(self, text: str) -> Route:
        """The model's route, or an example-only topic where the model says `unknown`."""
        route = self.model.route(text)
        if route.intent != "unknown" or not self._examples:
            return route
        grams = bigrams(text)
        best, score = None, 0.0
        for topic, examples in self._examples.items():
            for example in examples:
                similarity = dice(grams, example)
                if similarity > score:
                    best, score = topic, similarity
        if best is None or score < MIN_SIMILARITY:
            return route
        return replace(route, intent=best, confidence=round(score, 4))
