"""Message-object validation with LINE's limits.

The SDK checks only some limits client-side (and none of the text length), so the stand-in is
where a too-long text or a 301-character postback would first be noticed before production.
Each check returns LINE-style details: ``{"message": ..., "property": "messages[0].text"}``.
"""

from __future__ import annotations

import json
from typing import Any

Detail = dict[str, str]

MESSAGE_TYPES = (
    "text",
    "sticker",
    "image",
    "video",
    "audio",
    "location",
    "imagemap",
    "template",
    "flex",
)
TEMPLATE_TYPES = ("buttons", "confirm", "carousel", "image_carousel")
MAX_MESSAGES = 5
MAX_TEXT_UTF16 = 5000
MAX_QUICK_REPLY_ITEMS = 13
MAX_QUICK_REPLY_LABEL = 20
MAX_POSTBACK_DATA = 300
MAX_FLEX_ALT_TEXT = 1500
MAX_TEMPLATE_ALT_TEXT = 400
MAX_CAROUSEL_BUBBLES = 12
MAX_BUBBLE_BYTES = 30 * 1024
MAX_CAROUSEL_BYTES = 50 * 1024


def detail(message: str, prop: str) -> Detail:
    """One LINE error detail."""
    return {"message": message, "property": prop}


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit LINE counts (an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


def _json_bytes(value: Any) -> int:
    return len(json.dumps(value, ensure_ascii=False, separators=(",", ":")).encode("utf-8"))


def _required_str(msg: dict[str, Any], key: str, prefix: str, max_len: int | None = None) -> list:
    value = msg.get(key)
    if not isinstance(value, str) or not value:
        return [detail("May not be empty", f"{prefix}.{key}")]
    if max_len is not None and len(value) > max_len:
        return [detail(f"Length must be between 0 and {max_len}", f"{prefix}.{key}")]
    return []


def _https_url(msg: dict[str, Any], key: str, prefix: str) -> list[Detail]:
    # LINE only fetches media over HTTPS, so an http:// URL is refused up front.
    value = msg.get(key)
    if not isinstance(value, str) or not value:
        return [detail("May not be empty", f"{prefix}.{key}")]
    if not value.startswith("https://") or len(value) > 2000:
        return [detail("Must be a valid HTTPS URL (max 2000 characters)", f"{prefix}.{key}")]
    return []


def check_messages(messages: Any) -> list[Detail]:
    """Validate the ``messages`` array of a reply/push/multicast/broadcast body."""
    if not isinstance(messages, list) or not 1 <= len(messages) <= MAX_MESSAGES:
        return [detail(f"Size must be between 1 and {MAX_MESSAGES}", "messages")]
    out: list[Detail] = []
    for i, msg in enumerate(messages):
        out += check_message(msg, f"messages[{i}]")
    return out


def check_message(msg: Any, prefix: str) -> list[Detail]:
    """Validate one message object, including its quick reply and every postback inside."""
    if not isinstance(msg, dict):
        return [detail("Must be an object", prefix)]
    kind = msg.get("type")
    if kind not in MESSAGE_TYPES:
        allowed = ", ".join(MESSAGE_TYPES)
        return [detail(f"Must be one of the following values: [{allowed}]", f"{prefix}.type")]
    out = _BY_TYPE[kind](msg, prefix)
    if "quickReply" in msg:
        out += _check_quick_reply(msg["quickReply"], f"{prefix}.quickReply")
    out += _check_actions(msg, prefix)
    return out


def _text(msg: dict[str, Any], prefix: str) -> list[Detail]:
    text = msg.get("text")
    if not isinstance(text, str) or not text:
        return [detail("May not be empty", f"{prefix}.text")]
    if utf16_len(text) > MAX_TEXT_UTF16:
        return [detail(f"Length must be between 0 and {MAX_TEXT_UTF16}", f"{prefix}.text")]
    return []


def _sticker(msg: dict[str, Any], prefix: str) -> list[Detail]:
    return _required_str(msg, "packageId", prefix) + _required_str(msg, "stickerId", prefix)


def _visual(msg: dict[str, Any], prefix: str) -> list[Detail]:
    return _https_url(msg, "originalContentUrl", prefix) + _https_url(
        msg, "previewImageUrl", prefix
    )


def _audio(msg: dict[str, Any], prefix: str) -> list[Detail]:
    out = _https_url(msg, "originalContentUrl", prefix)
    if not isinstance(msg.get("duration"), int) or msg["duration"] < 1:
        out.append(detail("Must be a positive number", f"{prefix}.duration"))
    return out


def _location(msg: dict[str, Any], prefix: str) -> list[Detail]:
    out = _required_str(msg, "title", prefix, 100) + _required_str(msg, "address", prefix, 100)
    for key, bound in (("latitude", 90), ("longitude", 180)):
        value = msg.get(key)
        if not isinstance(value, int | float) or not -bound <= value <= bound:
            out.append(detail(f"Must be between -{bound} and {bound}", f"{prefix}.{key}"))
    return out


def _imagemap(msg: dict[str, Any], prefix: str) -> list[Detail]:
    out = _https_url(msg, "baseUrl", prefix)
    out += _required_str(msg, "altText", prefix, MAX_TEMPLATE_ALT_TEXT)
    if not isinstance(msg.get("baseSize"), dict):
        out.append(detail("May not be empty", f"{prefix}.baseSize"))
    if not isinstance(msg.get("actions"), list):
        out.append(detail("May not be empty", f"{prefix}.actions"))
    return out


def _template(msg: dict[str, Any], prefix: str) -> list[Detail]:
    out = _required_str(msg, "altText", prefix, MAX_TEMPLATE_ALT_TEXT)
    template = msg.get("template")
    if not isinstance(template, dict) or template.get("type") not in TEMPLATE_TYPES:
        out.append(
            detail("Must be a buttons/confirm/carousel/image_carousel", f"{prefix}.template")
        )
    return out


def _flex(msg: dict[str, Any], prefix: str) -> list[Detail]:
    out = _required_str(msg, "altText", prefix, MAX_FLEX_ALT_TEXT)
    contents = msg.get("contents")
    where = f"{prefix}.contents"
    if not isinstance(contents, dict) or contents.get("type") not in ("bubble", "carousel"):
        return [*out, detail("Must be a bubble or a carousel", where)]
    if contents["type"] == "bubble":
        if _json_bytes(contents) > MAX_BUBBLE_BYTES:
            out.append(detail("A bubble must be 30 KB or less", where))
        return out
    bubbles = contents.get("contents")
    if not isinstance(bubbles, list) or not 1 <= len(bubbles) <= MAX_CAROUSEL_BUBBLES:
        return [
            *out,
            detail(f"Size must be between 1 and {MAX_CAROUSEL_BUBBLES}", f"{where}.contents"),
        ]
    for i, bubble in enumerate(bubbles):
        if not isinstance(bubble, dict) or bubble.get("type") != "bubble":
            out.append(detail("Must be a bubble", f"{where}.contents[{i}]"))
    if _json_bytes(contents) > MAX_CAROUSEL_BYTES:
        out.append(detail("A carousel must be 50 KB or less", where))
    return out


_BY_TYPE = {
    "text": _text,
    "sticker": _sticker,
    "image": _visual,
    "video": _visual,
    "audio": _audio,
    "location": _location,
    "imagemap": _imagemap,
    "template": _template,
    "flex": _flex,
}


def _check_quick_reply(quick_reply: Any, prefix: str) -> list[Detail]:
    items = quick_reply.get("items") if isinstance(quick_reply, dict) else None
    if not isinstance(items, list) or len(items) > MAX_QUICK_REPLY_ITEMS:
        return [detail(f"Size must be between 1 and {MAX_QUICK_REPLY_ITEMS}", f"{prefix}.items")]
    out: list[Detail] = []
    for i, item in enumerate(items):
        action = item.get("action") if isinstance(item, dict) else None
        where = f"{prefix}.items[{i}].action"
        if not isinstance(action, dict):
            out.append(detail("May not be empty", where))
            continue
        label = action.get("label")
        if isinstance(label, str) and len(label) > MAX_QUICK_REPLY_LABEL:
            out.append(
                detail(f"Length must be between 0 and {MAX_QUICK_REPLY_LABEL}", f"{where}.label")
            )
    return out


def _check_actions(node: Any, prefix: str) -> list[Detail]:
    """Walk the whole message: postback and message actions may sit in quick replies,
    templates, imagemaps and flex components alike, and LINE checks them all."""
    out: list[Detail] = []
    if isinstance(node, list):
        for i, child in enumerate(node):
            out += _check_actions(child, f"{prefix}[{i}]")
        return out
    if not isinstance(node, dict):
        return out
    if node.get("type") == "postback":
        data = node.get("data")
        if not isinstance(data, str) or len(data) > MAX_POSTBACK_DATA:
            out.append(
                detail(f"Length must be between 0 and {MAX_POSTBACK_DATA}", f"{prefix}.data")
            )
    for key, child in node.items():
        if isinstance(child, dict | list):
            out += _check_actions(child, f"{prefix}.{key}")
    return out
