"""Questions the bot could not answer, grouped so staff see what to write content for next.

Grouping is deliberately simple and explainable: texts are normalised, identical ones merge, then
each text joins the first group whose representative shares enough character bigrams with it
(Jaccard similarity). Groups are listed most frequent first.
"""

from __future__ import annotations

import datetime as dt
from collections import Counter
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from bot.core.models import UnansweredQuestion
from bot.core.text import normalize

SIMILARITY = 0.4


@dataclass
class QuestionGroup:
    """Similar questions: the most asked wording, how many times, and the other wordings."""

    example: str
    count: int
    variants: list[str] = field(default_factory=list)
    _bigrams: frozenset[str] = field(default=frozenset(), repr=False)


def bigrams(text: str) -> frozenset[str]:
    """Character bigrams of normalised text without spaces (Japanese has no word breaks)."""
    compact = normalize(text).replace(" ", "")
    return frozenset(compact[i : i + 2] for i in range(max(len(compact) - 1, 1)))


def similarity(a: frozenset[str], b: frozenset[str]) -> float:
    """Jaccard similarity of two bigram sets."""
    return len(a & b) / len(a | b) if a and b else 0.0


def group_questions(texts: list[str], threshold: float = SIMILARITY) -> list[QuestionGroup]:
    """Group similar texts; the largest groups first, ties by first wording."""
    counts = Counter(normalize(t) for t in texts if t.strip())
    groups: list[QuestionGroup] = []
    for text, count in sorted(counts.items(), key=lambda item: (-item[1], item[0])):
        grams = bigrams(text)
        home = next((g for g in groups if similarity(g._bigrams, grams) >= threshold), None)
        if home is None:
            groups.append(QuestionGroup(example=text, count=count, _bigrams=grams))
        else:
            home.count += count
            home.variants.append(text)
    return sorted(groups, key=lambda g: -g.count)


def recent_unanswered(db: Session, since: dt.datetime | None = None) -> list[str]:
    """The kept unanswered texts (all of them: they are deleted after 90 days anyway)."""
    query = select(UnansweredQuestion.text)
    if since is not None:
        query = query.where(UnansweredQuestion.asked_at >= since)
    return list(db.scalars(query))
