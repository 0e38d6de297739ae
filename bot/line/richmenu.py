"""The rich menu as code: ``content/richmenu.yaml`` plus ``content/richmenu.png``, validated here.

LINE refuses a bad menu only after it has been created (and creating is limited to 100 per hour),
and a menu cannot be edited once made. So everything LINE would refuse — and a few mistakes it
would accept but residents would suffer from (overlapping tap areas, a tile for a topic the bot
does not have, a picture that does not match the tap areas) — is refused here, before any call,
in a ``RichMenuError`` that names the file and the field.

Each tile sends the same postback as that topic's quick-reply button (``v1|topic|i=<intent>``),
so a tap on the menu and a tap on a button are answered by the same code.

Deploy with ``python -m bot richmenu deploy``, which runs
``deploy_rich_menu(LineGateway(...), load_rich_menu())``. The picture is drawn from the same YAML by
``tools/draw_richmenu.py`` (a dev tool; Pillow is not needed at run time).
"""

from __future__ import annotations

import pathlib
import struct
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, StrictInt, model_validator

from bot.core.catalogue import load_topics
from bot.core.content_files import content_root, read_model
from bot.line.postback import Postback, PostbackTooLong

if TYPE_CHECKING:
    from bot.line.gateway import LineGateway

FILE_NAME = "richmenu.yaml"

# LINE's rich menu limits (Messaging API reference, "Rich menu object" and "Upload image").
MIN_WIDTH, MAX_WIDTH = 800, 2500
MIN_HEIGHT = 250
MIN_ASPECT = 1.45
MAX_AREAS = 20
MAX_CHAT_BAR_TEXT = 14
MAX_NAME = 300
MAX_LABEL = 20  # an action label; we also keep displayText (the ja label) within it
MAX_IMAGE_BYTES = 1024 * 1024
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
PNG_END = b"IEND\xaeB`\x82"  # the IEND chunk's type and CRC: the last 8 bytes of a whole PNG


class RichMenuError(Exception):
    """A rich menu definition or image LINE (or a resident) would not accept; names the field."""


class Size(BaseModel):
    """The menu's size in pixels; the image must be exactly this size."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    width: StrictInt = Field(ge=MIN_WIDTH, le=MAX_WIDTH)
    height: StrictInt = Field(ge=MIN_HEIGHT)


class Bounds(BaseModel):
    """A tap area in the menu's pixel coordinates (origin top left)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    x: StrictInt = Field(ge=0)
    y: StrictInt = Field(ge=0)
    width: StrictInt = Field(ge=1)
    height: StrictInt = Field(ge=1)

    def overlaps(self, other: Bounds) -> bool:
        """True when the two rectangles share at least one pixel (touching edges do not)."""
        return (
            self.x < other.x + other.width
            and other.x < self.x + self.width
            and self.y < other.y + other.height
            and other.y < self.y + self.height
        )

    def to_line_json(self) -> dict[str, int]:
        """LINE's bounds object."""
        return {"x": self.x, "y": self.y, "width": self.width, "height": self.height}


class Label(BaseModel):
    """A tile's caption; ja is what the chat shows was tapped, en is printed underneath.

    `lines` splits a long ja caption where it reads naturally (マイナンバー / カード), so the
    picture can print it on two lines at full size instead of shrinking it to fit one.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)
    ja: str = Field(min_length=1, max_length=MAX_LABEL)
    en: str = Field(min_length=1, max_length=MAX_LABEL)
    lines: list[str] | None = Field(default=None, min_length=2, max_length=2)

    @model_validator(mode="after")
    def _lines_spell_the_label(self) -> Label:
        """The printed lines must say exactly the label, nothing dropped or added."""
        if self.lines is not None and "".join(self.lines) != self.ja:
            raise ValueError(f"lines {self.lines} do not spell {self.ja!r}")
        return self

    @property
    def printed(self) -> list[str]:
        """The ja caption as printed on the tile, line by line."""
        return self.lines or [self.ja]


class Area(BaseModel):
    """One tile: the topic it opens, its caption, its pictogram and where it is."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    intent: str
    label: Label
    icon: str = Field(pattern=r"^[a-z_]+$")
    bounds: Bounds

    def postback_data(self) -> str:
        """What LINE sends back on a tap: the topic postback the quick replies use too."""
        return Postback("topic", {"i": self.intent}).pack()

    def to_line_json(self) -> dict[str, Any]:
        """LINE's area object with a postback action.

        ``label`` is read out by screen readers; ``displayText`` makes the tap appear in the chat
        as the resident's own message, so the conversation shows what they asked for.
        """
        return {
            "bounds": self.bounds.to_line_json(),
            "action": {
                "type": "postback",
                "label": self.label.ja,
                "data": self.postback_data(),
                "displayText": self.label.ja,
            },
        }


class RichMenuDefinition(BaseModel):
    """A validated rich menu; build it with ``load_rich_menu()``."""

    model_config = ConfigDict(extra="forbid", frozen=True, populate_by_name=True)
    name: str = Field(min_length=1, max_length=MAX_NAME)
    chat_bar_text: str = Field(alias="chatBarText", min_length=1, max_length=MAX_CHAT_BAR_TEXT)
    size: Size
    image: str = Field(pattern=r"^[A-Za-z0-9_.-]+\.png$")
    areas: list[Area] = Field(min_length=1, max_length=MAX_AREAS)
    # The folder the YAML came from; the image path is relative to it.
    _folder: pathlib.Path | None = PrivateAttr(default=None)

    @property
    def image_path(self) -> pathlib.Path:
        """Where the menu's picture is on disk."""
        return content_root(self._folder) / self.image

    def to_line_json(self) -> dict[str, Any]:
        """LINE's rich menu object, ready for ``LineGateway.create_rich_menu``.

        ``selected`` is True so the menu opens by itself: many residents would not find the
        small bar at the bottom of the chat.
        """
        return {
            "size": {"width": self.size.width, "height": self.size.height},
            "selected": True,
            "name": self.name,
            "chatBarText": self.chat_bar_text,
            "areas": [area.to_line_json() for area in self.areas],
        }

    def image_bytes(self) -> tuple[bytes, str]:
        """The picture and its content type, checked the way LINE checks it on upload.

        LINE accepts an image once per menu and only after the menu exists, so a wrong picture
        would leave a half-made menu behind: the size is read from the PNG header here (no
        Pillow at run time) and compared with the menu's size before anything is sent.
        """
        path = self.image_path
        try:
            data = path.read_bytes()
        except OSError as exc:
            raise RichMenuError(f"{path}: image: cannot read: {exc}") from exc
        if len(data) > MAX_IMAGE_BYTES:
            raise RichMenuError(
                f"{path}: image: {len(data)} bytes; LINE allows {MAX_IMAGE_BYTES} (1 MB)"
            )
        pixels = png_size(data)
        if pixels is None:
            raise RichMenuError(f"{path}: image: not a complete PNG file")
        expected = (self.size.width, self.size.height)
        if pixels != expected:
            raise RichMenuError(
                f"{path}: image: {pixels[0]}x{pixels[1]} px does not match "
                f"size {expected[0]}x{expected[1]}"
            )
        return data, "image/png"


def png_size(data: bytes) -> tuple[int, int] | None:
    """(width, height) from a PNG's IHDR chunk, or None if the bytes are not a whole PNG.

    The end check catches a truncated file (an interrupted copy), which LINE would reject only
    after the menu was created.
    """
    if len(data) < 33 or data[:8] != PNG_SIGNATURE or data[12:16] != b"IHDR":
        return None
    if data[-8:] != PNG_END:
        return None
    width, height = struct.unpack(">II", data[16:24])
    return width, height


def _check(definition: RichMenuDefinition, path: pathlib.Path) -> None:
    """The rules that span fields: aspect ratio, areas inside and apart, known topics."""
    size = definition.size
    # LINE's minimum ratio keeps the menu from covering the chat; we refuse it before LINE does.
    if size.width / size.height < MIN_ASPECT:
        raise RichMenuError(
            f"{path}: size: width / height is {size.width / size.height:.3f}; "
            f"LINE needs at least {MIN_ASPECT}"
        )
    seen: dict[str, int] = {}
    for i, area in enumerate(definition.areas):
        where = f"{path}: areas[{i}]"
        b = area.bounds
        if b.x + b.width > size.width or b.y + b.height > size.height:
            raise RichMenuError(
                f"{where}.bounds: ({b.x}, {b.y}, {b.width}x{b.height}) reaches outside the "
                f"{size.width}x{size.height} menu"
            )
        # LINE accepts overlapping areas, but a tap on the overlap would open an arbitrary one.
        for j, other in enumerate(definition.areas[:i]):
            if b.overlaps(other.bounds):
                raise RichMenuError(f"{where}.bounds: overlaps areas[{j}] ({other.intent})")
        # A tile for a topic the bot has no handler for would answer "I did not understand".
        beside = path.parent if (path.parent / "topics.yaml").is_file() else None
        menu_topics = load_topics(beside).menu
        if area.intent not in menu_topics:
            raise RichMenuError(
                f"{where}.intent: {area.intent!r} is not a menu topic {list(menu_topics)}"
            )
        # Two tiles for one topic is an editing slip (one was meant to be something else).
        if area.intent in seen:
            raise RichMenuError(
                f"{where}.intent: {area.intent!r} is already on areas[{seen[area.intent]}]"
            )
        seen[area.intent] = i
        try:
            area.postback_data()
        except PostbackTooLong as exc:
            raise RichMenuError(f"{where}.intent: {exc}") from exc


def load_rich_menu(root: pathlib.Path | str | None = None) -> RichMenuDefinition:
    """Load and validate ``<root>/richmenu.yaml`` (default root: the repo's content/ folder).

    Raises ``RichMenuError`` naming the file and the field for anything LINE would refuse or a
    resident would trip over. The image is checked by ``image_bytes()``, not here, so the
    drawing tool can load the definition before the picture exists.
    """
    folder = content_root(root)
    path = folder / FILE_NAME
    expected = "name, chatBarText, size, areas"
    definition = read_model(path, RichMenuDefinition, expected, RichMenuError)
    _check(definition, path)
    definition._folder = folder
    return definition


def deploy_rich_menu(gateway: LineGateway, definition: RichMenuDefinition) -> str:
    """Create the menu with its picture through ``gateway`` and make it every friend's default.

    Returns the new menu's id. The image is read and checked first, so a bad picture fails
    before LINE holds a menu it cannot show. Menus made by earlier deploys are left in place
    (LINE keeps up to 1,000 per channel); they simply stop being the default.
    """
    image, content_type = definition.image_bytes()
    menu_id = gateway.create_rich_menu(definition.to_line_json(), image, content_type)
    gateway.set_default_rich_menu(menu_id)
    return menu_id
