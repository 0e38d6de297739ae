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

# An area is named only when it is clearly the one: at AREA_MIN or more, and AREA_MARGIN ahead
# of the second (another area, or none). Else the general answer: the ward's main line, or
# asking back. bench/areas_cv.py, 4-fold CV of residents_train's 682 `unknown` questions (614
# with an area; the held-out set not read): at 0.1 and no margin, as before, 0.814 of areas
# right, 0.049 named wrongly (a wrong department, said as if sure); at 0.1 / 0.05, 0.801 / 0.039;
# at 0.2 / 0.05, 0.793 / 0.029; stricter rules keep 0.029 wrong until a margin of 0.3 or a
# floor of 0.7 (0.026, 0.021) and name fewer right. 0.2 / 0.05 is that knee: two wrong
# departments in five become the general answer, for as many right ones lost.
AREA_MIN = 0.2
AREA_MARGIN = 0.05


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
        label = clear_area(self.rank("unknown", normalized))
        return directory.get(label) if label else None

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


def clear_area(
    ranked: list[tuple[str, float]], floor: float = AREA_MIN, margin: float = AREA_MARGIN
) -> str | None:
    """The best area of a ranking when it is clearly the one: an area (not "", none), at
    `floor` or more, and `margin` ahead of the second. bench/areas_cv.py sweeps both. A
    ranking by match phrases alone (an area staff added, or no model) gives each matched
    area 1.0, longest match first: its first is kept, as before the margin."""
    label, probability = ranked[0]
    second = ranked[1][1] if len(ranked) > 1 else 0.0
    if not label or probability < floor:
        return None
    if probability - second < margin and probability < 1.0:
        return None
    return label
