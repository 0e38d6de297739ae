"""Choosing the answer inside a topic (or the ward service of an `unknown` question).

The details model (router/details.py) scores the labels it was trained on; content can know
more than the model (staff added an entry or an area): such a label is chosen when its own
match phrases occur in the message, since staff wrote them for exactly that. Labels the model
knows but content no longer has are dropped.
"""

from __future__ import annotations

import functools

from bot.conversation.router.details import Details
from bot.core.content import Content, Entry
from bot.core.directory import Area

# Below this, no directory area is named: the general 「お答えできませんでした」 card instead
# (4-fold CV on data/residents_train.jsonl: 0.823 of areas right at 0.1, 0.783 at 0.45).
AREA_MIN = 0.1


class Chooser:
    """Ranks the entries of a topic, or the areas of the directory, for one message."""

    def __init__(self, content: Content, details: Details | None):
        self.content = content
        self.details = details
        # One message asks several times (asking back, the area, the follow-up): rank it once.
        self._ranked = functools.lru_cache(maxsize=32)(self._rank)
        # Each topic's labels (and the directory's areas) in content order, per content: an
        # entry or an area staff publish must be known at once, as its phrases are.
        self._labels = functools.lru_cache(maxsize=None)(self._labels_of)

    def use(self, details: Details | None) -> None:
        """Choose with another details model from now on (a retrained one was published)."""
        self.details = details
        self._ranked.cache_clear()

    def use_content(self, content: Content) -> None:
        """Choose among the entries of newer content from now on (answers were published)."""
        self.content = content
        self._ranked.cache_clear()
        self._labels.cache_clear()

    def rank(self, intent: str, normalized: str) -> list[tuple[str, float]]:
        """(label, probability) best first; labels are entry keys, or areas for `unknown`
        ("" = no area). Without a model, phrase matches decide (the longest total first)."""
        return list(self._ranked(intent, normalized))

    def _rank(self, intent: str, normalized: str) -> tuple[tuple[str, float], ...]:
        content = self.content
        if not normalized.strip():  # a menu button: nothing narrower was asked
            return (("" if intent == "unknown" else "overview", 1.0),)
        matched = content.matched(intent, normalized)
        known = set(self._labels(intent))
        model = self.details.probabilities(intent, normalized, matched) if self.details else {}
        ranked = sorted(
            ((label, p) for label, p in model.items() if label in known or label == ""),
            key=lambda item: -item[1],
        )
        unseen = [key for key in matched if key not in model]
        if unseen or not ranked:
            # staff's own phrases for a label the model never saw, or no model for this intent
            # the longest total match first; a tie goes to the label listed first in content
            order = self._labels(intent)
            by_phrase = sorted(matched, key=lambda key: (-matched[key], order.index(key)))
            fallback = "" if intent == "unknown" else "overview"
            return (*((key, 1.0) for key in by_phrase), (fallback, 0.0))
        total = sum(p for _, p in ranked) or 1.0
        return tuple((label, p / total) for label, p in ranked)

    def entry(self, intent: str, normalized: str, lang: str) -> Entry:
        """The entry that answers the message (the overview when it asks nothing narrower)."""
        key = self.rank(intent, normalized)[0][0]
        topic = self.content.topic(intent, lang)
        return topic.get(key) or topic.overview()

    def area(self, normalized: str) -> Area | None:
        """The other ward service the message is about, if any is likely enough."""
        directory = self.content.directory
        if directory is None:
            return None
        label, probability = self.rank("unknown", normalized)[0]
        if not label or probability < AREA_MIN:
            return None
        return directory.get(label)

    def asked_by_the_bot(self, intent: str, key: str | None) -> bool:
        """Whether the last answer was a question of a handler's own (not a content entry,
        e.g. the classes' 「どの回を予約しますか？」), which the next message answers."""
        return bool(key) and key not in self._labels(intent) and intent != "unknown"

    def _labels_of(self, intent: str) -> tuple[str, ...]:
        if intent == "unknown":
            directory = self.content.directory
            return tuple(a.area for a in directory.areas) if directory else ()
        lang = self.content.languages.default
        return tuple(e.key for e in self.content.topic(intent, lang).entries)
