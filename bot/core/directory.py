"""The directory of other ward services: content/directory.yaml.

A question about something the bot does not answer itself (ごみ, 保育園, 国保, 年金 …) still
deserves the place to go: the responsible section, its official page and its phone number,
each given only where an official page confirms it. An area without a confirmed section or
phone falls back to the ward's main line and the ward page that lists its sections. Staff add
an area by adding a block to the YAML (and the words residents use for it under `match`).
"""

from __future__ import annotations

import datetime
import pathlib
import re
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.core.content_files import ContentError, read_model
from bot.core.text import normalize

PHONE = re.compile(r"^(0\d{1,4}-\d{1,4}-\d{3,4}|0120-\d{2,3}-\d{3,4}|0570-\d{3}-\d{3})$")


def _official_url(v: str | None) -> str | None:
    """Only web pages (a LINE button opens them)."""
    if v is not None and not v.startswith(("https://", "http://")):
        raise ValueError("must start with https:// or http://")
    return v


class Fallback(BaseModel):
    """Where to send a resident when an area's own section is not confirmed."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    phone: str = Field(pattern=PHONE.pattern)
    url: str
    source: str
    checked: datetime.date
    note: str | None = None
    unofficial: str | None = None  # why a page not on an official site is cited (editors only)

    _url = field_validator("url")(_official_url)


class Area(BaseModel):
    """One service area of the ward, with the words residents use for it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    area: str = Field(pattern=r"^[a-z_]+$")
    name: dict[str, str]
    section: dict[str, str] | None = None
    phone: str | None = Field(default=None, pattern=PHONE.pattern)
    url: str | None = None
    source: str
    checked: datetime.date
    note: str | None = None
    unofficial: str | None = None  # why a page not on an official site is cited (editors only)
    match: dict[str, list[str]] = {}

    _url = field_validator("url")(_official_url)

    @field_validator("match")
    @classmethod
    def _match(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        """Stored the way messages are compared (NFKC, lower case), without blanks."""
        return {
            lang: [normalize(w).strip() for w in words if w.strip()] for lang, words in v.items()
        }

    def words(self) -> list[str]:
        """Every language's match words (a resident may type any of them)."""
        return list(dict.fromkeys(w for words in self.match.values() for w in words))


class Site(BaseModel):
    """A site answers cite (content/sites.yaml)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    domain: str = Field(pattern=r"^[a-z0-9.-]+$")
    name: dict[str, str]
    official: bool = False


class Sites(BaseModel):
    """content/sites.yaml: how a source is named, and whether it is official."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    sites: list[Site] = []

    def find(self, url: str) -> Site | None:
        """The most specific site a URL belongs to (a domain matches its subdomains)."""
        host = (urlsplit(url).hostname or "").removeprefix("www.")
        matches = [s for s in self.sites if host == s.domain or host.endswith("." + s.domain)]
        return max(matches, key=lambda s: len(s.domain), default=None)

    def official(self, url: str) -> bool:
        """Whether the URL is on an official site."""
        site = self.find(url)
        return site is not None and site.official

    def name(self, url: str, lang: str, default: str) -> str:
        """What residents see as the source: the site's name, else its host."""
        site = self.find(url)
        if site is None:
            return (urlsplit(url).hostname or url).removeprefix("www.")
        return site.name.get(lang) or site.name[default]


def load_sites(root: pathlib.Path) -> Sites:
    """The sites under a content root (none when the file is absent)."""
    path = root / "sites.yaml"
    return read_model(path, Sites, "'sites'") if path.exists() else Sites()


class Directory(BaseModel):
    """content/directory.yaml."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    fallback: Fallback
    areas: list[Area] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique(self) -> Directory:
        """One block per area."""
        ids = [a.area for a in self.areas]
        dupes = sorted({i for i in ids if ids.count(i) > 1})
        if dupes:
            raise ValueError(f"duplicate areas {dupes}")
        return self

    def get(self, area: str) -> Area | None:
        """The area with this id, or None."""
        return next((a for a in self.areas if a.area == area), None)


def load_directory(
    root: pathlib.Path, languages: tuple[str, ...], default: str
) -> Directory | None:
    """The directory under a content root (None when the file is absent); every area names
    itself in the default language."""
    path = root / "directory.yaml"
    if not path.exists():
        return None
    directory = read_model(path, Directory, "'fallback' and 'areas'")
    for area in directory.areas:
        if default not in area.name:
            raise ContentError(f"{path}: areas (area={area.area}).name: no {default!r} name")
        stray = sorted(set(area.name) - set(languages))
        if stray:
            raise ContentError(f"{path}: areas (area={area.area}).name: unknown languages {stray}")
    return directory
