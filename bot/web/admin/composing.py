"""The announcement composer's fields and what its pages show: the form read into values
with a message per field to fix, an announcement back into fields to edit, a preview per
language, who receives which text, and the outcome worded in the console's language."""

from __future__ import annotations

from flask import g

from bot import announcements
from bot.core.catalogue import load_languages, subscribable_topics
from bot.core.db import utcnow
from bot.core.models import Announcement
from bot.web.admin.classes import navi, parse_local
from bot.web.admin.i18n import current_lang, t


def read_form(form) -> tuple[dict, dict[str, str]]:
    """Texts, topic and send time, with a plain-words message per field to fix."""
    errors = {}
    text = form_text(form, "text")
    if not text:
        errors["text"] = t("announcements.error.empty")
    translations = {
        lang: form_text(form, f"text_{lang}") for lang in announcements.other_languages()
    }
    for name, value in [("text", text)] + [(f"text_{k}", v) for k, v in translations.items()]:
        if announcements.text_length(value) > announcements.MAX_TEXT:  # as LINE counts
            errors[name] = t("announcements.error.too_long", n=announcements.MAX_TEXT)
    topic = form.get("topic", "")
    if topic != "all" and topic not in subscribable_topics():
        errors["topic"] = t("announcements.error.topic")
    send_at = None
    if form.get("when") == "later":
        send_at = parse_local(form.get("send_at", ""))
        if send_at is None:
            errors["send_at"] = t("announcements.error.send_at")
        elif announcements.send_time_passed(send_at):
            errors["send_at"] = t("announcements.error.send_at_past")
    elif form.get("when") != "now":
        errors["when"] = t("announcements.error.when")
    values = {
        "text": text,
        "translations": {lang: value for lang, value in translations.items() if value},
        "topic": None if topic == "all" else topic,
        "send_at": send_at,
    }
    return values, errors


def form_text(form, name: str) -> str:
    """A text field as LINE will receive it (browsers send CRLF)."""
    return form.get(name, "").replace("\r\n", "\n").strip()


def form_of(announcement: Announcement) -> dict[str, str]:
    """A scheduled announcement as the composer's fields, to edit it."""
    later = announcement.send_at > utcnow()
    local = announcement.send_at.astimezone(navi().settings.tz).strftime("%Y-%m-%dT%H:%M")
    form = {
        "text": announcement.text,
        "topic": announcement.topic or "all",
        "when": "later" if later else "now",
        "send_at": local if later else "",
    }
    for lang, text in (announcement.translations or {}).items():
        form[f"text_{lang}"] = text
    return form


def previews(written: dict[str, str]) -> list[dict]:
    """Per language: its name, the text (None when not written: those readers get the
    Japanese) and the settings button residents of that language see."""
    chips = settings_chips()
    return [
        {"lang": lang, "text": written.get(lang), "chip": chips[lang]}
        for lang in load_languages().codes
    ]


def settings_chips() -> dict[str, str]:
    """The 受信設定 button's label in each language, as the announcement carries it."""
    return {
        lang: announcements.announcement_messages("", lang)[0]["quickReply"]["items"][0]["action"][
            "label"
        ]
        for lang in load_languages().codes
    }


def readers_by_language(topic: str | None, written: dict[str, str]) -> list[tuple[str, int, str]]:
    """(residents' language, how many, the language of the text they receive) for each
    language with readers; residents with a language the bot no longer speaks count under
    the default."""
    languages = load_languages()
    counts: dict[str, int] = {}
    for lang, n in announcements.audience_by_language(g.db, topic).items():
        code = languages.get(lang).code
        counts[code] = counts.get(code, 0) + n
    return [
        (lang, counts[lang], announcements.text_language(lang, written))
        for lang in languages.codes
        if counts.get(lang)
    ]


def outcome_of(announcement: Announcement) -> list[str]:
    """How it ended, in the console's language (the row's `outcome` is a record in English)."""
    if announcement.status == "refused":
        return [t("announcements.outcome_refused")]
    if announcement.status == "cancelled":
        return [t("announcements.outcome_cancelled")]
    if announcement.status not in ("sent", "partly_sent"):
        return []
    by_language = announcements.delivered_by_language(g.db, announcement.id)
    delivered = t("announcements.outcome_delivered", n=announcement.delivered)
    if by_language:
        parts = [
            t("announcements.delivered_by_language", lang=t(f"announcements.lang.{lang}"), n=n)
            for lang, n in by_language.items()
        ]
        delivered += (
            f"({' / '.join(parts)})" if current_lang() == "ja" else f" ({', '.join(parts)})"
        )
    lines = [delivered]
    if announcement.failed:
        lines.append(t("announcements.outcome_failed", n=announcement.failed))
    return lines
