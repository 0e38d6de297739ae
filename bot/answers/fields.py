"""An answer's editable fields: what staff change in the console, as a version stores them.

An entry is stored per language: ``{"ja": {...}, "en": {...}, "ja_easy": {...}}``, each with
EDITABLE's fields (an empty mapping: that partial language has no text of its own and falls
back, as in YAML). An area of the directory is stored as its YAML mapping. Both are validated by
the very models that validate content/ (bot.core.content.Entry, bot.core.directory.Area) and by
LINE's size limit for the card, and every problem is named by field with a code the console
words in its own language.
"""

from __future__ import annotations

import datetime as dt
import json
import re
from typing import Any

from pydantic import ValidationError

from bot.core.content import MAX_LABEL, MAX_TEXT_UTF16, MAX_TITLE, Entry
from bot.core.directory import Area, Sites
from bot.line import messages

EDITABLE = ("label", "title", "text", "link_label", "link_url", "source", "checked", "match")
MAX_BUBBLE_BYTES = 30_000  # LINE: one Flex bubble's JSON may not exceed 30 KB
KEY = re.compile(r"^[a-z_]+$")

# A problem with one field: (code, parameters); the console words it (answers.error.<code>).
Problem = tuple[str, dict[str, Any]]


class FieldsInvalid(ValueError):
    """The fields would not make a valid answer; `problems` maps each field to its problem."""

    def __init__(self, problems: dict[str, Problem]):
        super().__init__("; ".join(f"{field}: {code}" for field, (code, _) in problems.items()))
        self.problems = problems


def split_words(text: str) -> list[str]:
    """Match phrases typed as one line: separated by commas (、 or ,) or new lines."""
    return [w.strip() for w in re.split(r"[,、,\n]", text) if w.strip()]


def entry_fields(entry: Entry | None) -> dict[str, Any]:
    """An entry's editable fields as a version stores them ({} for no entry)."""
    if entry is None:
        return {}
    return {
        "label": entry.label,
        "title": entry.title,
        "text": entry.text,
        "link_label": entry.link.label if entry.link else "",
        "link_url": entry.link.url if entry.link else "",
        "source": entry.source,
        "checked": entry.checked.isoformat(),
        "match": list(entry.match),
    }


def build_entry(
    base: Entry | None,
    key: str,
    fields: dict[str, Any],
    sites: Sites,
    today: dt.date,
    official_only: bool = True,
) -> Entry:
    """The entry these fields make (over `base`'s other fields: note, next, sources …).

    Raises FieldsInvalid naming each field at fault: what content/ refuses, a source or link
    that is not on an official site (for an answer that states facts, unless the entry already
    says why it cites another), a checked date in the future, and a card larger than LINE
    accepts.
    """
    data: dict[str, Any] = base.model_dump(exclude_none=True) if base else {"key": key}
    data.update({name: fields.get(name, "") for name in ("label", "title", "text", "source")})
    data["checked"] = fields.get("checked", "")
    data["match"] = list(fields.get("match") or [])
    link_label, link_url = fields.get("link_label", ""), fields.get("link_url", "")
    data.pop("link", None)
    if link_label or link_url:
        data["link"] = {"label": link_label, "url": link_url}
    problems: dict[str, Problem] = {}
    entry = None
    try:
        entry = Entry.model_validate(data)
    except ValidationError as error:
        for problem in error.errors():
            field, found = _entry_problem(problem)
            problems.setdefault(field, found)
    # What content/ allows but residents should not get, checked on every field the schema
    # passed, so one submission names every mistake.
    marked = bool(data.get("unofficial")) or not official_only
    for field, url in (("source", data["source"]), ("link_url", link_url)):
        official = not url.startswith("http") or sites.official(url)
        if field not in problems and url and not marked and not official:
            problems[field] = ("not_official", {})
    if "checked" not in problems and _date(data["checked"]) > today:
        problems["checked"] = ("future", {})
    if entry is None or problems:
        raise FieldsInvalid(problems)
    card = messages.card(entry.title, entry.text + "\n" + "x" * 60, None)
    if len(json.dumps(card, ensure_ascii=False).encode()) > MAX_BUBBLE_BYTES:
        problems["text"] = ("card_too_big", {"n": MAX_BUBBLE_BYTES // 1000})
    if problems:
        raise FieldsInvalid(problems)
    return entry


def _date(value: Any) -> dt.date:
    """A date from the form (ISO text), or the earliest date when it is not one."""
    if isinstance(value, dt.date):
        return value
    try:
        return dt.date.fromisoformat(str(value))
    except ValueError:
        return dt.date.min


def _entry_problem(problem: Any) -> tuple[str, Problem]:
    """A pydantic error on an Entry as (form field, problem)."""
    location = [str(part) for part in problem["loc"]]
    field = location[0] if location else "text"
    if field == "link":
        field = "link_url" if location[-1] == "url" else "link_label"
    kind = problem["type"]
    if kind == "string_too_short" or (kind == "missing"):
        return field, ("required", {})
    if kind == "string_too_long":
        limit = {"label": MAX_LABEL, "title": MAX_TITLE, "link_label": MAX_LABEL}.get(field, 0)
        return field, ("too_long", {"n": limit})
    if field == "checked":
        return field, ("date", {})
    if field in ("source", "link_url"):
        return field, ("url", {})
    if field == "text":
        return field, ("line_limit", {"n": MAX_TEXT_UTF16})
    return field, ("invalid", {})


def check_key(key: str, taken: set[str]) -> Problem | None:
    """A new entry's or area's key: lower-case letters and _, not already used."""
    if not KEY.fullmatch(key or "") or len(key) > 64:
        return ("key", {})
    if key in taken:
        return ("key_taken", {})
    return None


AREA_FIELDS = ("name", "section", "phone", "url", "source", "checked", "note", "match")


def area_fields(area: Area | None) -> dict[str, Any]:
    """An area as a version stores it (its YAML mapping, the date as text)."""
    if area is None:
        return {}
    data = area.model_dump(exclude_none=True, mode="json")
    if not data.get("match"):
        data.pop("match", None)
    return data


def build_area(fields: dict[str, Any], sites: Sites, today: dt.date) -> Area:
    """The area these fields make; FieldsInvalid names each form field at fault (`name_ja`,
    `section_en`, `match_ja` …)."""
    problems: dict[str, Problem] = {}
    try:
        area = Area.model_validate(fields)
    except ValidationError as error:
        for problem in error.errors():
            location = [str(part) for part in problem["loc"]]
            field = "_".join(location[:2]) if location else "area"
            kind = problem["type"]
            if location and location[0] in ("source", "url"):
                found: Problem = ("url", {})
            elif location and location[0] == "checked":
                found = ("date", {})
            elif location and location[0] == "phone":
                found = ("phone", {})
            elif location and location[0] == "area":
                found = ("key", {})
            elif kind == "missing":
                found = ("required", {})
            else:
                found = ("invalid", {})
            problems.setdefault(field, found)
        raise FieldsInvalid(problems) from None
    for field in ("name_ja", "name_en"):
        if not area.name.get(field.removeprefix("name_"), "").strip():
            problems[field] = ("required", {})
    if not sites.official(area.source):
        problems["source"] = ("not_official", {})
    if area.url and not sites.official(area.url):
        problems["url"] = ("not_official", {})
    if area.checked > today:
        problems["checked"] = ("future", {})
    if not area.words():
        problems["match_ja"] = ("required", {})
    if problems:
        raise FieldsInvalid(problems)
    return area
