"""The topic catalogue (``content/topics.yaml``) and the language catalogue
(``content/languages.yaml``): what varies by topic or by language, in one place each.

Everything that used to name topic ids or language codes in Python reads these instead: content
loading, the router's label check, the handler registry, the menu, 受信設定, announcements and
the dashboard. A new topic made only of content is a catalogue entry and one YAML per language;
a new language is a catalogue entry and its content folder.
"""

from __future__ import annotations

import datetime as dt
import functools
import pathlib
import re

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.core.content_files import ContentError, content_root, read_model


class TopicEntry(BaseModel):
    """One topic: see the comments at the top of content/topics.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    id: str = Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=32)
    answers: bool = False
    menu: int | None = Field(default=None, ge=1)
    subscribe: int | None = Field(default=None, ge=1)
    colour: str | None = None
    handler: str | None = Field(default=None, pattern=r"^[a-z_]+$")
    desk: str | None = Field(default=None, pattern=r"^[a-z_]+$")

    @field_validator("colour")
    @classmethod
    def _colour(cls, v: str | None) -> str | None:
        """A colour the dashboard's SVG can draw."""
        if v is not None and not re.fullmatch(r"#[0-9a-fA-F]{6}", v):
            raise ValueError("must be #rrggbb")
        return v


class TopicCatalogue(BaseModel):
    """content/topics.yaml: the topics in dashboard order."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topics: list[TopicEntry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> TopicCatalogue:
        """Unique ids, menu places and 受信設定 places; `unknown` always answers."""
        checks: tuple[tuple[str, list[object]], ...] = (
            ("id", [t.id for t in self.topics]),
            ("menu", [t.menu for t in self.topics if t.menu is not None]),
            ("subscribe", [t.subscribe for t in self.topics if t.subscribe is not None]),
        )
        for what, values in checks:
            twice = sorted({str(v) for v in values if values.count(v) > 1})
            if twice:
                raise ValueError(f"{what}: used twice: {twice}")
        if not any(t.id == "unknown" and t.answers for t in self.topics):
            raise ValueError("the 'unknown' topic must be listed with answers: true")
        return self

    def get(self, topic_id: str) -> TopicEntry | None:
        """One topic, or None."""
        return next((t for t in self.topics if t.id == topic_id), None)

    @functools.cached_property
    def answered(self) -> tuple[str, ...]:
        """Topics residents can ask about (intents), in catalogue order."""
        return tuple(t.id for t in self.topics if t.answers)

    @functools.cached_property
    def menu(self) -> tuple[str, ...]:
        """The menu's topics, in menu order."""
        offered = [t for t in self.topics if t.menu is not None]
        return tuple(t.id for t in sorted(offered, key=lambda t: t.menu or 0))

    @functools.cached_property
    def subscribable(self) -> tuple[str, ...]:
        """Topics residents can choose announcements of, in 受信設定 order."""
        chosen = [t for t in self.topics if t.subscribe is not None]
        return tuple(t.id for t in sorted(chosen, key=lambda t: t.subscribe or 0))

    def colour(self, topic_id: str) -> str:
        """A topic's chart colour (grey for a topic the catalogue does not colour)."""
        entry = self.get(topic_id)
        return entry.colour if entry and entry.colour else "#888888"


class Language(BaseModel):
    """One language the bot speaks: see the comments at the top of content/languages.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    code: str = Field(pattern=r"^[a-z]{2}(_[a-z]+)?$")
    name: str = Field(min_length=1)
    fallback: str | None = None
    complete: bool = True
    large_text: bool = False
    latin: bool = False
    profile: list[str] = []
    when: str = Field(min_length=1)
    short_when: str = Field(min_length=1)
    until: str = Field(min_length=1)
    weekdays: list[str] = Field(min_length=7, max_length=7)
    months: list[str] = Field(min_length=12, max_length=12)

    def format_when(self, start: dt.datetime, end: dt.datetime | None = None, short=False) -> str:
        """A time as this language writes it (12月3日(水) 10:00〜12:00, Wed 3 Dec 10:00–12:00)."""
        template = self.short_when if short else self.when
        text = template.format(
            month=start.month,
            day=start.day,
            weekday=self.weekdays[start.weekday()],
            month_name=self.months[start.month - 1],
            time=f"{start:%H:%M}",
        )
        return f"{text}{self.until}{end:%H:%M}" if end is not None else text


class LanguageCatalogue(BaseModel):
    """content/languages.yaml: the first language is the default."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    languages: list[Language] = Field(min_length=1)
    profile_other: str | None = None
    answer_in: str | None = None
    answer_in_english: list[str] = []

    @model_validator(mode="after")
    def _check(self) -> LanguageCatalogue:
        """Unique codes; fallbacks name a language listed before; the default is complete."""
        seen: list[str] = []
        for language in self.languages:
            if language.code in seen:
                raise ValueError(f"{language.code}: listed twice")
            if language.fallback is not None and language.fallback not in seen:
                raise ValueError(f"{language.code}: fallback {language.fallback!r} is not above it")
            if not language.complete and language.fallback is None:
                raise ValueError(f"{language.code}: a partial language needs a fallback")
            seen.append(language.code)
        if not self.languages[0].complete:
            raise ValueError(f"{self.languages[0].code}: the default language must be complete")
        for name in ("profile_other", "answer_in"):
            code = getattr(self, name)
            if code is not None and code not in seen:
                raise ValueError(f"{name}: {code!r} is not a listed language")
        return self

    @property
    def default(self) -> str:
        """The language for anyone we know nothing about."""
        return self.languages[0].code

    @functools.cached_property
    def codes(self) -> tuple[str, ...]:
        """Every language code, default first."""
        return tuple(language.code for language in self.languages)

    @functools.cached_property
    def _by_code(self) -> dict[str, Language]:
        # asked for a dozen times per message (every UI string, every topic): one dict lookup
        return {language.code: language for language in self.languages}

    @functools.cached_property
    def _chains(self) -> dict[str, tuple[str, ...]]:
        chains = {}
        for code in self.codes:
            out: list[str] = []
            language: Language | None = self.get(code)
            while language is not None and language.code not in out:
                out.append(language.code)
                language = self.get(language.fallback) if language.fallback else None
            chains[code] = tuple(out)
        return chains

    def get(self, code: str) -> Language:
        """A language, or the default for a code we do not speak."""
        return self._by_code.get(code) or self.languages[0]

    def chain(self, code: str) -> list[str]:
        """Where a missing text is looked up: the language, then its fallbacks."""
        return list(self._chains.get(code) or self._chains[self.default])

    def for_profile(self, profile_language: str | None) -> str:
        """The language for a LINE profile's language tag ("ja-JP" → ja); `profile_other` for
        a tag no language lists; the default when LINE gave none."""
        tag = (profile_language or "").lower()
        if not tag:
            return self.default
        return self._listing(tag) or self.profile_other or self.default

    def speaks(self, profile_language: str | None) -> bool:
        """Whether a LINE profile's language is one the bot speaks (or LINE gave none): a
        Vietnamese or Chinese profile is answered in `profile_other`, and told so."""
        tag = (profile_language or "").lower()
        return not tag or self._listing(tag) is not None

    def _listing(self, tag: str) -> str | None:
        """The language whose `profile` tags include this (lowercased) tag, if any."""
        for language in self.languages:
            if any(tag == p or tag.startswith(p + "-") for p in language.profile):
                return language.code
        return None

    def answer_language(self, preferred: str, written_in: str) -> str:
        """The language to answer a message in: the resident's own, unless the message is
        clearly in another language we speak (or one we do not: then `answer_in`)."""
        if written_in in self.answer_in_english and self.answer_in:
            return self.answer_in
        if written_in in self.codes and written_in not in self.chain(preferred):
            return written_in
        return preferred if preferred in self.codes else self.default


def load_topics(root: pathlib.Path | None = None) -> TopicCatalogue:
    """content/topics.yaml, validated (read once per content folder)."""
    return _read_topics(content_root(root))


def load_languages(root: pathlib.Path | None = None) -> LanguageCatalogue:
    """content/languages.yaml, validated (read once per content folder)."""
    return _read_languages(content_root(root))


@functools.cache
def _read_topics(root: pathlib.Path) -> TopicCatalogue:
    return read_model(root / "topics.yaml", TopicCatalogue, "'topics'")


@functools.cache
def _read_languages(root: pathlib.Path) -> LanguageCatalogue:
    return read_model(root / "languages.yaml", LanguageCatalogue, "'languages'")


def subscribable_topics() -> tuple[str, ...]:
    """The topic ids ⚓ residents can choose in 受信設定 (DESIGN §3), in 受信設定 order."""
    return load_topics().subscribable


__all__ = [
    "ContentError",
    "Language",
    "LanguageCatalogue",
    "TopicCatalogue",
    "TopicEntry",
    "load_languages",
    "load_topics",
    "subscribable_topics",
]
