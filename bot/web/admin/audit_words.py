"""The audit log in sentences (issue 16 §6): what each entry's details mean, in the console's
language, instead of raw JSON.

An action with a sentence of its own (`audit.sentence.<action>` in content/console) is told in
it; any other — or one whose details lack a field the sentence names — is told as a list of
"field: value", with field names in words (`audit.field.<name>`). The CSV keeps the exact JSON
beside the sentence, for anyone who needs to process it.
"""

from __future__ import annotations

import datetime as dt
import json
from typing import Any

from bot.core.models import AuditEntry
from bot.web.admin.classes import localtime
from bot.web.admin.i18n import current_lang, t, texts

LONGEST_VALUE = 120  # an announcement's text is cut here; the CSV's JSON holds all of it


def describe(entry: AuditEntry) -> str:
    """An entry's details as a sentence (or a readable list) in the console's language."""
    detail = dict(entry.detail or {})
    words = texts()[current_lang()]
    fields = {key: word(key, value) for key, value in detail.items()}
    fields.update(extra_fields(entry.action, detail))
    template = words.get(f"audit.sentence.{entry.action}")
    if template:
        try:
            return template.format(**fields)
        except (KeyError, IndexError, ValueError):
            pass  # details of an older or newer shape: told as a list below
    if not detail:
        return "—"
    return t("audit.list_separator").join(
        t("audit.pair", field=field_name(key), value=fields[key]) for key in detail
    )


def raw(entry: AuditEntry) -> str:
    """An entry's details as compact JSON (Japanese left readable), for the CSV."""
    return json.dumps(entry.detail or {}, ensure_ascii=False, sort_keys=True)


def field_name(key: str) -> str:
    """A detail's name in words (its key when the console has no word for it)."""
    return texts()[current_lang()].get(f"audit.field.{key}", key)


def word(key: str, value: Any) -> str:
    """A detail's value as people read it."""
    if value is None:
        return t("audit.value.none")
    if isinstance(value, bool):
        return t("audit.value.yes" if value else "audit.value.no")
    if key == "role" and isinstance(value, str):
        return t(f"role.{value}")
    if key == "indicator" and isinstance(value, str):
        return t(f"kpi.{value}")
    if key == "kind" and isinstance(value, str):  # a session's (class …) or an answer's (entry …)
        words = texts()[current_lang()]
        return words.get(f"dashboard.kind.{value}") or words.get(f"audit.kind.{value}", value)
    if key == "topic" and value == "all":
        return t("audit.value.everyone")
    if key == "topic" and isinstance(value, str):  # an announcement's audience
        return texts()[current_lang()].get(f"announcements.topic.{value}", value)
    if key == "marks" and isinstance(value, dict):
        return t("audit.list_separator").join(
            t("audit.attended" if state else "audit.absent", booking=number)
            for number, state in value.items()
        )
    if isinstance(value, list) and len(value) == 2 and key != "purposes":
        return t("audit.change", before=word(key, value[0]), after=word(key, value[1]))
    if isinstance(value, list):
        return t("audit.list_separator").join(word(key, v) for v in value)
    if isinstance(value, float):
        return f"{value:,.1f}".removesuffix(".0")
    if isinstance(value, int):
        return str(value) if key.endswith("year") else f"{value:,}"
    if isinstance(value, dict):
        return t("audit.list_separator").join(
            t("audit.pair", field=field_name(k), value=word(k, v)) for k, v in value.items()
        )
    moment = as_moment(value) if isinstance(value, str) else None
    if moment is not None:
        return localtime(moment)
    text = str(value)
    return text if len(text) <= LONGEST_VALUE else text[: LONGEST_VALUE - 1] + "…"


def as_moment(text: str) -> dt.datetime | None:
    """A time the details keep as ISO 8601 with its offset (a session's start, an
    announcement's send time: "2026-12-04T23:52:51.375122+00:00"), or None for any other
    text. Staff read it as every other console time, in BOT_TIMEZONE to the minute; the CSV's
    JSON keeps it exact. A date alone ("2026-11-01", a month's figure) stays as it is."""
    if "T" not in text:
        return None
    try:
        moment = dt.datetime.fromisoformat(text)
    except ValueError:
        return None
    return moment if moment.tzinfo is not None else None


def extra_fields(action: str, detail: dict) -> dict[str, str]:
    """Words some sentences need beyond the details themselves."""
    if action in ("target.set", "figure.set"):
        before = detail.get("before")
        return {"was": t("audit.was", value=word("", before)) if before is not None else ""}
    return {}


def subject_words(subject: str) -> str:
    """What an entry is about, in words: "class:12" → 回 12, "target:followers:2025" →
    目標 LINE友だち数 2025 (the raw form when its kind has no word)."""
    if "," in subject:
        return t("audit.list_separator").join(map(subject_words, subject.split(",")))
    words = texts()[current_lang()]
    kind, _, rest = subject.partition(":")
    name = words.get(f"audit.subject.{kind}")
    if not name:
        return subject
    return " ".join([name, *(words.get(f"kpi.{p}", p) for p in rest.split(":") if p)])
