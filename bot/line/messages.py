"""Builders of LINE message objects (plain dicts in LINE's JSON), so handlers stay short.

Cards use large text and one button to the official page: many of our residents are seniors
reading on a phone. Every card carries its answer as altText too — the plain-text fallback shown
in notifications and on devices that cannot draw Flex.
"""

from __future__ import annotations

from typing import Any

from bot.line.postback import Postback

Message = dict[str, Any]

MAX_ALT_TEXT = 1500
MAX_LABEL = 20
MAX_QUICK_REPLIES = 13


def text(body: str) -> Message:
    """A plain text message."""
    return {"type": "text", "text": body}


def postback_action(label: str, postback: Postback, display_text: str | None = None) -> dict:
    """A button that sends `postback` back to us and shows `display_text` as the resident's line."""
    label = label[:MAX_LABEL]
    return {
        "type": "postback",
        "label": label,
        "data": postback.pack(),
        "displayText": display_text or label,
    }


def message_action(label: str, sent_text: str | None = None) -> dict:
    """A button that sends text as if the resident typed it."""
    return {"type": "message", "label": label[:MAX_LABEL], "text": sent_text or label}


def with_quick_replies(message: Message, actions: list[dict]) -> Message:
    """Attach quick-reply buttons (at most 13, LINE's limit) to a message."""
    if not actions:
        return message
    items = [{"type": "action", "action": a} for a in actions[:MAX_QUICK_REPLIES]]
    return {**message, "quickReply": {"items": items}}


def card(
    title: str,
    body: str,
    link: tuple[str, str] | None = None,
    *,
    large: bool = False,
    call: tuple[str, str] | None = None,
) -> Message:
    """A Flex bubble: a bold title, the answer in readable text, a button to the source page
    and, with `call` (label, tel: URI), a button that dials."""
    bubble: dict[str, Any] = {
        "type": "bubble",
        "size": "giga",
        "body": {
            "type": "box",
            "layout": "vertical",
            "spacing": "md",
            "contents": [
                {"type": "text", "text": title, "weight": "bold", "size": "xl", "wrap": True},
                {"type": "text", "text": body, "size": "lg" if large else "md", "wrap": True},
            ],
        },
    }
    buttons = []
    for style, target in (("primary", link), ("secondary", call)):
        if target is not None:
            label, url = target
            action = {"type": "uri", "label": label[:MAX_LABEL], "uri": url}
            buttons.append({"type": "button", "style": style, "action": action})
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": buttons,
        }
    return {"type": "flex", "altText": alt_text(title, body), "contents": bubble}


def alt_text(title: str, body: str) -> str:
    """The plain-text version of a card, cut to LINE's altText limit."""
    full = f"{title}\n{body}"
    return full if len(full) <= MAX_ALT_TEXT else full[: MAX_ALT_TEXT - 1] + "…"


def carousel(alt: str, bubbles: list[dict]) -> Message:
    """Several cards side by side (at most 12, LINE's limit)."""
    return {
        "type": "flex",
        "altText": alt[:MAX_ALT_TEXT],
        "contents": {"type": "carousel", "contents": bubbles[:12]},
    }


# Dark enough under white text for a contrast of at least 4.5:1 (WCAG AA), unlike LINE's
# default light green: these buttons are the ones a resident in crisis must be able to read.
CALL_BUTTON_COLOUR = "#0B5D3B"


def help_lines_card(
    title: str, body: str, lines: list[tuple[str, str, str, str]], source: str, *, large: bool
) -> Message:
    """A card for a resident in crisis: a few warm words, then each help line with its hours
    and a button that dials it (`(name, hours, button label, tel: link)`), then the source.

    The numbers are in the text as well as on the buttons, so the notification, a screen reader
    and a phone that cannot draw Flex still carry them."""
    size = "lg" if large else "md"
    contents: list[dict[str, Any]] = [
        {"type": "text", "text": title, "weight": "bold", "size": "xl", "wrap": True},
        {"type": "text", "text": body, "size": size, "wrap": True},
    ]
    for name, hours, label, tel in lines:
        contents += [
            {"type": "separator"},
            {"type": "text", "text": name, "weight": "bold", "size": size, "wrap": True},
            {"type": "text", "text": hours, "size": size, "wrap": True},
            {
                "type": "button",
                "style": "primary",
                "color": CALL_BUTTON_COLOUR,
                "height": "md",
                "action": {"type": "uri", "label": label[:MAX_LABEL], "uri": tel},
            },
        ]
    contents.append({"type": "text", "text": source, "size": "sm", "wrap": True})
    bubble = {
        "type": "bubble",
        "size": "giga",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": contents},
    }
    said = "\n".join(f"{name}: {hours}" for name, hours, _, _ in lines)
    return {"type": "flex", "altText": alt_text(title, f"{body}\n{said}"), "contents": bubble}
