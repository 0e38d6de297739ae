"""Published answers over the repository's: the content residents see.

The YAML in content/ stays the default and the seed; each answer's live version replaces that
entry (in each language it has text for) or directory area, or adds one. A version that no
longer fits the content (its topic was removed from the repository, say) is skipped with a
warning rather than taking the bot down.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections.abc import Iterable
from typing import Any, Protocol

from bot.answers.fields import FieldsInvalid, build_area, build_entry
from bot.core.content import Content, Entry, Topic
from bot.core.directory import Area

log = logging.getLogger(__name__)


class Published(Protocol):
    """What the overlay needs of a version (an AnswerVersion row, or a plain record)."""

    kind: str
    topic: str
    key: str
    fields: dict[str, Any]


def apply(base: Content, versions: Iterable[Published]) -> Content:
    """`base` with these versions over it (`base` itself when there are none)."""
    versions = list(versions)
    if not versions:
        return base
    topics: dict[str, dict[str, Topic]] = {}
    areas = list(base.directory.areas) if base.directory else []
    for version in versions:
        try:
            if version.kind == "area":
                areas = _with_area(areas, build_area(version.fields, base.sites, _far_future()))
            elif version.topic in base.catalogue.answered:
                _apply_entry(base, topics, version)
            else:
                log.warning("published answer for an unknown topic skipped: %s", version.topic)
        except FieldsInvalid as error:
            log.warning("published answer %s/%s skipped: %s", version.topic, version.key, error)
    directory = base.directory
    if directory is not None:
        directory = directory.model_copy(update={"areas": areas})
    return base.with_answers(topics, directory)


def _apply_entry(base: Content, topics: dict[str, dict[str, Topic]], version: Published) -> None:
    """Put one entry's version into each language's topic (a copy, made once per topic)."""
    built: dict[str, Entry | None] = {}
    for language in base.languages.languages:
        topic = topics.get(language.code, {}).get(version.topic) or base.own_topic(
            version.topic, language.code
        )
        if topic is None:
            continue
        own = version.fields.get(language.code) or {}
        if not own and language.complete:
            raise FieldsInvalid({"text": ("required", {})})
        existing = topic.get(version.key)
        built[language.code] = (
            build_entry(existing, version.key, own, base.sites, _far_future(), official_only=False)
            if own
            else None
        )
    for code, entry in built.items():
        topic = topics.get(code, {}).get(version.topic) or base.own_topic(version.topic, code)
        assert topic is not None
        topics.setdefault(code, {})[version.topic] = _with_entry(topic, version.key, entry)


def _with_entry(topic: Topic, key: str, entry: Entry | None) -> Topic:
    """The topic with `key` replaced by `entry` (appended when new; removed when None)."""
    entries = [e for e in topic.entries if e.key != key or entry is not None]
    if entry is not None:
        if topic.get(key) is None:
            entries.append(entry)
        else:
            entries = [entry if e.key == key else e for e in entries]
    return topic.model_copy(update={"entries": entries})


def _with_area(areas: list[Area], area: Area) -> list[Area]:
    """The areas with this one replaced, or appended when new."""
    if any(a.area == area.area for a in areas):
        return [area if a.area == area.area else a for a in areas]
    return [*areas, area]


def _far_future() -> dt.date:
    """Published versions were checked when submitted (dates, official sites): here only the
    schema and LINE's limits are applied again."""
    return dt.date.max
