"""Rich menu lifecycle through MessagingApi and MessagingApiBlob."""

from __future__ import annotations

import json
import struct
import zlib

import pytest
from linebot.v3.messaging import (
    ApiException,
    PostbackAction,
    RichMenuArea,
    RichMenuBounds,
    RichMenuRequest,
    RichMenuSize,
)

WIDTH, HEIGHT = 800, 540  # ratio 1.48: the smallest shape LINE allows at full width rules


def png(width: int, height: int) -> bytes:
    """A valid all-black PNG of the given size."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))
        )

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    pixels = zlib.compress(b"".join(b"\x00" + b"\x00" * 3 * width for _ in range(height)))
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", pixels) + chunk(b"IEND", b"")
    )


def jpeg_header(width: int, height: int) -> bytes:
    """Enough of a JPEG (SOI, APP0, SOF0) for its size to be read."""
    app0 = b"\xff\xe0" + struct.pack(">H", 16) + b"JFIF\x00\x01\x01\x00\x00\x01\x00\x01\x00\x00"
    sof0 = b"\xff\xc0" + struct.pack(">HBHHB", 11, 8, height, width, 1) + b"\x01\x11\x00"
    return b"\xff\xd8" + app0 + sof0 + b"\xff\xd9"


def menu(width: int = WIDTH, height: int = HEIGHT, **changes) -> RichMenuRequest:
    area = RichMenuArea(
        bounds=RichMenuBounds(x=0, y=0, width=width // 2, height=height),
        action=PostbackAction(label="ごみ", data="menu=garbage"),
    )
    fields = dict(
        size=RichMenuSize(width=width, height=height),
        selected=True,
        name="main",
        chat_bar_text="メニュー",
        areas=[area],
    )
    fields.update(changes)
    return RichMenuRequest(**fields)


def test_create_upload_and_set_default(standin, api, blob):
    menu_id = api.create_rich_menu(menu()).rich_menu_id
    assert menu_id.startswith("richmenu-")
    blob.set_rich_menu_image(
        menu_id, body=png(WIDTH, HEIGHT), _headers={"Content-Type": "image/png"}
    )
    api.set_default_rich_menu(menu_id)

    assert api.get_default_rich_menu_id().rich_menu_id == menu_id
    assert standin.default_rich_menu_id == menu_id
    listed = api.get_rich_menu_list().richmenus
    assert [(m.rich_menu_id, m.chat_bar_text) for m in listed] == [(menu_id, "メニュー")]
    assert standin.rich_menus[menu_id]["size"] == {"width": WIDTH, "height": HEIGHT}

    api.delete_rich_menu(menu_id)
    assert standin.default_rich_menu_id is None
    assert api.get_rich_menu_list().richmenus == []


@pytest.mark.parametrize(
    ("width", "height", "prop"),
    [
        (700, 480, "size.width"),
        (2600, 843, "size.width"),
        (800, 200, "size.height"),
        (800, 600, "size"),
    ],
)
def test_bad_sizes_are_400(api, width, height, prop):
    with pytest.raises(ApiException) as excinfo:
        api.create_rich_menu(menu(width, height))
    assert excinfo.value.status == 400
    assert prop in [d["property"] for d in json.loads(excinfo.value.body)["details"]]


def test_too_many_areas_and_long_chat_bar_text(api):
    area = RichMenuArea(
        bounds=RichMenuBounds(x=0, y=0, width=10, height=10),
        action=PostbackAction(label="x", data="x"),
    )
    too_many = RichMenuRequest.construct(**{**menu().__dict__, "areas": [area] * 21})
    long_bar = RichMenuRequest.construct(**{**menu().__dict__, "chat_bar_text": "あ" * 15})
    for request, prop in ((too_many, "areas"), (long_bar, "chatBarText")):
        with pytest.raises(ApiException) as excinfo:
            api.create_rich_menu(request)
        assert json.loads(excinfo.value.body)["details"][0]["property"] == prop


def test_image_rules(api, blob):
    menu_id = api.create_rich_menu(menu()).rich_menu_id
    with pytest.raises(ApiException) as excinfo:
        api.set_default_rich_menu(menu_id)  # no image yet
    assert excinfo.value.status == 400

    def upload(data: bytes, content_type: str) -> int:
        try:
            blob.set_rich_menu_image(menu_id, body=data, _headers={"Content-Type": content_type})
        except ApiException as err:
            return err.status
        return 200

    assert upload(png(WIDTH, HEIGHT), "image/gif") == 415
    assert upload(png(1000, 540), "image/png") == 400  # does not match the menu's size
    assert upload(b"\x00" * (1024 * 1024 + 1), "image/png") == 413
    assert upload(jpeg_header(WIDTH, HEIGHT), "image/jpeg") == 200
    assert upload(png(WIDTH, HEIGHT), "image/png") == 400  # an image is set only once
    api.set_default_rich_menu(menu_id)


def test_unknown_rich_menu_is_404(api, blob):
    with pytest.raises(ApiException) as excinfo:
        api.set_default_rich_menu("richmenu-00000000000000000000000000000000")
    assert excinfo.value.status == 404
    with pytest.raises(ApiException) as excinfo:
        blob.set_rich_menu_image(
            "richmenu-0", body=png(WIDTH, HEIGHT), _headers={"Content-Type": "image/png"}
        )
    assert excinfo.value.status == 404
