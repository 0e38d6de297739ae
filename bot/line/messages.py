"""Builders of LINE message objects (plain dicts in LINE's JSON), so handlers stay short.

Cards use large text and one button to the official page: many of our residents are seniors
reading on a phone. Every card carries its words as altText too — the plain-text fallback that
notifications, screen readers and devices that cannot draw Flex show — made from the card itself
(`plain_text`), so the two cannot drift apart. Every colour comes from PALETTE, whose pairs have
a contrast of at least 4.5:1 (WCAG 2.1 AA); `larger()` steps a card's sizes up for a resident who
chose larger text in 受信設定.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from bot.line.postback import Postback

if TYPE_CHECKING:
    from bot.core.models import Follower

Message = dict[str, Any]

MAX_ALT_TEXT = 1500
MAX_LABEL = 20
MAX_QUICK_REPLIES = 13
MAX_CAROUSEL = 12  # bubbles in one carousel


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


# Every colour a card uses, each with the background it sits on (white unless said): LINE's
# default primary button is a light green (#17C950) under white text, 2.2:1, which older eyes
# cannot read. tests/test_card_accessibility.py checks every pair in every card the bot sends.
PALETTE = {
    "button": "#0B5D3B",  # a button's fill, under LINE's white label: 8.0:1
    "heading": "#1A7F37",  # a class card's heading and note, on white: 5.1:1
    "label": "#666666",  # a row's label (日時, 会場 …), on white: 5.7:1
}


def button(action: dict, *, height: str = "md") -> dict:
    """A filled button in the palette's dark green, its white label readable at 8:1."""
    return {
        "type": "button",
        "style": "primary",
        "color": PALETTE["button"],
        "height": height,
        "action": action,
    }


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
    buttons = [
        button({"type": "uri", "label": label[:MAX_LABEL], "uri": url})
        for label, url in (t for t in (link, call) if t is not None)
    ]
    if buttons:
        bubble["footer"] = {
            "type": "box",
            "layout": "vertical",
            "spacing": "sm",
            "contents": buttons,
        }
    return flex(bubble)


def flex(contents: dict, lead: str = "") -> Message:
    """A Flex message whose altText is the card's own words (after `lead`, when given)."""
    words = plain_text(contents)
    return {
        "type": "flex",
        "altText": cut("\n".join(filter(None, [lead, words]))),
        "contents": contents,
    }


def plain_text(node: Any) -> str:
    """What a card says, as lines: each text on its own line, a row of texts side by side
    (a label and its value) as "label: value", bubbles of a carousel one after another."""
    if isinstance(node, list):
        return "\n".join(filter(None, (plain_text(item) for item in node)))
    if not isinstance(node, dict):
        return ""
    kind = node.get("type")
    if kind == "text":
        return node.get("text") or "".join(s.get("text", "") for s in node.get("contents", []))
    if kind == "box":
        parts = [plain_text(child) for child in node.get("contents", [])]
        joiner = "\n" if node.get("layout") == "vertical" else ": "
        return joiner.join(filter(None, parts))
    if kind == "bubble":
        return plain_text([node.get(block) for block in ("header", "hero", "body")])
    if kind == "carousel":
        return plain_text(node.get("contents", []))
    return ""


def cut(text: str) -> str:
    """Text within LINE's altText limit, with "…" where it was cut."""
    return text if len(text) <= MAX_ALT_TEXT else text[: MAX_ALT_TEXT - 1] + "…"


def carousel(lead: str, bubbles: list[dict]) -> Message:
    """Several cards side by side (at most MAX_CAROUSEL, LINE's limit); the altText is `lead`
    and then what each card says."""
    return flex({"type": "carousel", "contents": bubbles[:MAX_CAROUSEL]}, lead)


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
            button({"type": "uri", "label": label[:MAX_LABEL], "uri": tel}),
        ]
    contents.append({"type": "text", "text": source, "size": "sm", "wrap": True})
    bubble = {
        "type": "bubble",
        "size": "giga",
        "body": {"type": "box", "layout": "vertical", "spacing": "md", "contents": contents},
    }
    return flex(bubble)


# -- larger text (受信設定) ----------------------------------------------------------------------

# LINE's size keywords of text, spans and icons, smallest first.
TEXT_SIZES = ("xxs", "xs", "sm", "md", "lg", "xl", "xxl", "3xl", "4xl", "5xl")
SIZED = ("text", "span", "icon")


def larger(messages: list[Message]) -> list[Message]:
    """The same messages for a resident who chose larger text: every text one size up (sm→md,
    md→lg …), buttons at their full height, and bubbles as wide as LINE draws them, so the
    bigger words wrap less. Plain text keeps the size the resident set in LINE itself.

    Returns copies: a card another resident is sent (or a cached one) is left as it was."""
    return [
        {**message, "contents": _larger(message["contents"])}
        if message["type"] == "flex"
        else message
        for message in messages
    ]


def sized_for(follower: Follower, messages: list[Message]) -> list[Message]:
    """`messages` as `follower` chose to read them (a push to someone other than the resident
    who wrote: a reminder, a notice, a seat from the waiting list)."""
    return larger(messages) if follower.large_text else messages


def _larger(node: Any) -> Any:
    if isinstance(node, list):
        return [_larger(item) for item in node]
    if not isinstance(node, dict):
        return node
    copy = {key: _larger(value) for key, value in node.items()}
    kind = node.get("type")
    if kind in SIZED and node.get("size") in TEXT_SIZES:
        copy["size"] = TEXT_SIZES[min(TEXT_SIZES.index(node["size"]) + 1, len(TEXT_SIZES) - 1)]
    elif kind in SIZED and "size" not in node and kind != "span":
        copy["size"] = "lg"  # LINE draws an unsized text or icon at md
    elif kind == "button":
        copy["height"] = "md"
    elif kind == "bubble":
        copy["size"] = "giga"
    return copy
