"""Rich menu endpoints, with LINE's size, area and image rules."""

from __future__ import annotations

import secrets
import struct
from typing import Any

from werkzeug.wrappers import Response

from bot.line.standin.records import Ctx, body_errors, json_response, line_error
from bot.line.standin.validation import Detail, detail

MAX_AREAS = 20
MAX_CHAT_BAR_TEXT = 14
MAX_NAME = 300
MAX_IMAGE_BYTES = 1024 * 1024
IMAGE_TYPES = ("image/png", "image/jpeg")


def check_rich_menu(menu: dict[str, Any]) -> list[Detail]:
    """Validate a rich menu object as LINE does on create."""
    out: list[Detail] = []
    size = menu.get("size")
    width = size.get("width") if isinstance(size, dict) else None
    height = size.get("height") if isinstance(size, dict) else None
    if not isinstance(width, int) or not 800 <= width <= 2500:
        out.append(detail("Must be between 800 and 2500", "size.width"))
    if not isinstance(height, int) or height < 250:
        out.append(detail("Must be 250 or more", "size.height"))
    if not out:
        # Nothing reported yet means both checks above passed: width and height are ints.
        assert width is not None and height is not None
        if width / height < 1.45:
            out.append(detail("The aspect ratio (width / height) must be 1.45 or more", "size"))
    if not isinstance(menu.get("selected"), bool):
        out.append(detail("May not be null", "selected"))
    name = menu.get("name")
    if not isinstance(name, str) or not 1 <= len(name) <= MAX_NAME:
        out.append(detail(f"Length must be between 1 and {MAX_NAME}", "name"))
    bar = menu.get("chatBarText")
    if not isinstance(bar, str) or not 1 <= len(bar) <= MAX_CHAT_BAR_TEXT:
        out.append(detail(f"Length must be between 1 and {MAX_CHAT_BAR_TEXT}", "chatBarText"))
    areas = menu.get("areas")
    if not isinstance(areas, list) or len(areas) > MAX_AREAS:
        return [*out, detail(f"Size must be between 0 and {MAX_AREAS}", "areas")]
    for i, area in enumerate(areas):
        out += _check_area(area, f"areas[{i}]", width, height)
    return out


def _check_area(area: Any, prefix: str, width: Any, height: Any) -> list[Detail]:
    if not isinstance(area, dict) or not isinstance(area.get("action"), dict):
        return [detail("May not be null", f"{prefix}.action")]
    bounds = area.get("bounds")
    keys = ("x", "y", "width", "height")
    if not isinstance(bounds, dict) or not all(isinstance(bounds.get(k), int) for k in keys):
        return [detail("May not be null", f"{prefix}.bounds")]
    if isinstance(width, int) and isinstance(height, int):
        inside = (
            bounds["x"] >= 0
            and bounds["y"] >= 0
            and bounds["x"] + bounds["width"] <= width
            and bounds["y"] + bounds["height"] <= height
        )
        if not inside:
            return [detail("The area must lie inside the rich menu", f"{prefix}.bounds")]
    return []


def image_size(data: bytes, content_type: str) -> tuple[int, int] | None:
    """Pixel size of a PNG or JPEG, or None when the bytes are not that format."""
    if content_type == "image/png":
        if data[:8] != b"\x89PNG\r\n\x1a\n" or data[12:16] != b"IHDR":
            return None
        return struct.unpack(">II", data[16:24])
    if data[:2] != b"\xff\xd8":
        return None
    i = 2
    while i + 9 < len(data):  # walk JPEG segments up to a start-of-frame marker
        if data[i] != 0xFF:
            return None
        marker = data[i + 1]
        if marker in (0xC0, 0xC1, 0xC2):
            height, width = struct.unpack(">HH", data[i + 5 : i + 9])
            return width, height
        i += 2 + struct.unpack(">H", data[i + 2 : i + 4])[0]
    return None


def create(ctx: Ctx) -> Response:
    """POST /v2/bot/richmenu."""
    details = check_rich_menu(ctx.json)
    if details:
        return body_errors(details)
    menu_id = "richmenu-" + secrets.token_hex(16)
    keys = ("size", "selected", "name", "chatBarText", "areas")
    ctx.state.rich_menus[menu_id] = {"richMenuId": menu_id, **{k: ctx.json[k] for k in keys}}
    return json_response({"richMenuId": menu_id})


def get(ctx: Ctx, menu_id: str) -> Response:
    """GET /v2/bot/richmenu/{id}."""
    menu = ctx.state.rich_menus.get(menu_id)
    return json_response(menu) if menu else line_error(404, "Not found")


def listing(ctx: Ctx) -> Response:
    """GET /v2/bot/richmenu/list."""
    return json_response({"richmenus": list(ctx.state.rich_menus.values())})


def delete(ctx: Ctx, menu_id: str) -> Response:
    """DELETE /v2/bot/richmenu/{id}; deleting the default menu unsets it."""
    if ctx.state.rich_menus.pop(menu_id, None) is None:
        return line_error(404, "Not found")
    ctx.state.rich_menu_images.pop(menu_id, None)
    if ctx.state.default_rich_menu_id == menu_id:
        ctx.state.default_rich_menu_id = None
    return json_response({})


def upload(ctx: Ctx, menu_id: str) -> Response:
    """POST /v2/bot/richmenu/{id}/content (api-data host in production)."""
    menu = ctx.state.rich_menus.get(menu_id)
    if menu is None:
        return line_error(404, "Not found")
    content_type = (ctx.request.mimetype or "").lower()
    if content_type not in IMAGE_TYPES:
        return line_error(415, "Unsupported Media Type: use image/png or image/jpeg")
    if len(ctx.body) > MAX_IMAGE_BYTES:
        return line_error(413, "The image must be 1 MB or less")
    if menu_id in ctx.state.rich_menu_images:
        return line_error(400, "An image has already been uploaded to the richmenu")
    pixels = image_size(ctx.body, content_type)
    if pixels is None:
        return line_error(400, f"The image is not a valid {content_type}")
    expected = (menu["size"]["width"], menu["size"]["height"])
    if pixels != expected:
        return line_error(400, f"The image size {pixels} does not match the richmenu {expected}")
    ctx.state.rich_menu_images[menu_id] = (content_type, ctx.body)
    return json_response({})


def download(ctx: Ctx, menu_id: str) -> Response:
    """GET /v2/bot/richmenu/{id}/content."""
    stored = ctx.state.rich_menu_images.get(menu_id)
    if stored is None:
        return line_error(404, "Not found")
    return Response(stored[1], content_type=stored[0])


def set_default(ctx: Ctx, menu_id: str) -> Response:
    """POST /v2/bot/user/all/richmenu/{id}: the menu must exist and have its image."""
    if menu_id not in ctx.state.rich_menus:
        return line_error(404, "Not found")
    if menu_id not in ctx.state.rich_menu_images:
        return line_error(400, "must upload richmenu image before applying it to user")
    ctx.state.default_rich_menu_id = menu_id
    return json_response({})


def get_default(ctx: Ctx) -> Response:
    """GET /v2/bot/user/all/richmenu."""
    if ctx.state.default_rich_menu_id is None:
        return line_error(404, "no default richmenu")
    return json_response({"richMenuId": ctx.state.default_rich_menu_id})


def cancel_default(ctx: Ctx) -> Response:
    """DELETE /v2/bot/user/all/richmenu."""
    ctx.state.default_rich_menu_id = None
    return json_response({})
