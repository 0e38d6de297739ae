"""Draw content/richmenu.png from content/richmenu.yaml (a dev tool; needs Pillow).

    python tools/draw_richmenu.py            # writes content/richmenu.png
    python tools/draw_richmenu.py --out x.png

The tiles are placed from the YAML's own tap-area bounds, so the picture always matches where a
tap lands. Designed for older residents: six big white tiles with thick separators, one simple
pictogram each on a dark green disc, the Japanese label large and bold (on two lines where the
YAML breaks a long one, never shrunk below LABEL_SIZE), English beneath.
tests/test_richmenu_legibility.py reads the picture back and checks the contrast and size.
Pictograms are drawn from Pillow primitives (no image files to license or lose). Everything is
drawn at 3x and scaled down, because Pillow's shapes have no anti-aliasing of their own.

The font is Noto Sans CJK JP Bold (Debian: fonts-noto-cjk), found with fc-match or in Debian's
usual place; pass --font to use another file.
"""

from __future__ import annotations

import argparse
import math
import pathlib
import shutil
import subprocess
import sys

from PIL import Image, ImageDraw, ImageFont

ROOT = pathlib.Path(__file__).resolve().parent.parent
SCALE = 3  # supersampling factor

# Colours. Text is near-black on white (contrast about 19:1). The discs and the green details
# are the cards' dark green (bot/line/messages.py PALETTE["button"]): white shapes on it, and it
# on white, 8:1 — LINE's own green (2.3:1 with white) is left for the awning's stripes.
LINE_GREEN = (6, 199, 85)
ACCENT = (11, 93, 59)
WHITE = (255, 255, 255)
INK = (17, 17, 17)
SUBTLE_INK = (68, 68, 68)  # English line: still about 10:1 on white
SEPARATOR = (150, 160, 154)
BACKGROUND = (246, 248, 247)

# Sizes in menu pixels. A label's ink is then about 4% of the menu's width: on a phone 375 pt
# wide, the height of 14 pt bold text, WCAG's "large text".
LABEL_SIZE, LINE_GAP = 124, 10
ENGLISH_SIZE, ENGLISH_GAP = 70, 30

FONT_CANDIDATES = (
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Bold.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJKjp-Bold.otf",
)


def find_font(explicit: str | None) -> tuple[str, int]:
    """The path of a bold Japanese font and the face index of its JP face inside a .ttc."""
    candidates = [explicit] if explicit else []
    if not explicit and shutil.which("fc-match"):
        found = subprocess.run(
            ["fc-match", "-f", "%{file}", "Noto Sans CJK JP:style=Bold"],
            capture_output=True,
            text=True,
            check=False,
        ).stdout.strip()
        candidates.append(found)
    candidates += FONT_CANDIDATES
    for path in candidates:
        if path and pathlib.Path(path).is_file():
            return path, _jp_face(path)
    sys.exit("No Japanese bold font found: install fonts-noto-cjk or pass --font")


def _jp_face(path: str) -> int:
    """A .ttc holds the JP, KR, SC, TC and HK faces; pick JP so kanji take Japanese shapes."""
    for index in range(10):
        try:
            family, _style = ImageFont.truetype(path, 10, index=index).getname()
        except OSError:
            break
        if family and "CJK JP" in family and "Mono" not in family:
            return index
    return 0


class Canvas:
    """An image drawn at SCALE times the menu size; coordinates are given in menu pixels."""

    def __init__(self, width: int, height: int, font: tuple[str, int]):
        """A blank canvas in the background colour."""
        self.width, self.height = width, height
        self.image = Image.new("RGB", (width * SCALE, height * SCALE), BACKGROUND)
        self.draw = ImageDraw.Draw(self.image)
        self.font_path, self.font_index = font

    def s(self, value: float) -> int:
        """Menu pixels to canvas pixels."""
        return round(value * SCALE)

    def box(self, x0: float, y0: float, x1: float, y1: float) -> list[int]:
        """A rectangle in canvas pixels."""
        return [self.s(x0), self.s(y0), self.s(x1), self.s(y1)]

    def font(self, size: float) -> ImageFont.FreeTypeFont:
        """The Japanese font at a size given in menu pixels."""
        return ImageFont.truetype(self.font_path, self.s(size), index=self.font_index)

    def fitted_font(self, text: str, size: float, max_width: float) -> ImageFont.FreeTypeFont:
        """The font at `size`, shrunk only as far as needed for `text` to fit `max_width`."""
        while size > 20:
            font = self.font(size)
            left, _, right, _ = self.draw.textbbox((0, 0), text, font=font)
            if right - left <= self.s(max_width):
                return font
            size -= 2
        return self.font(size)

    def text(self, x: float, y: float, text: str, font, fill) -> None:
        """Text centred on (x, y)."""
        self.draw.text((self.s(x), self.s(y)), text, font=font, fill=fill, anchor="mm")

    def result(self) -> Image.Image:
        """The menu-sized image, scaled down with a filter that smooths the shapes' edges."""
        return self.image.resize((self.width, self.height), Image.Resampling.LANCZOS)


# Pictograms: each draws into a square of side `u` centred on (cx, cy), white on the green disc.


def icon_laptop(c: Canvas, cx: float, cy: float, u: float) -> None:
    """Online application: a laptop whose screen shows a form with a tick."""
    d = c.draw
    sw, sh = 0.66 * u, 0.44 * u
    top = cy - 0.30 * u
    d.rounded_rectangle(
        c.box(cx - sw / 2, top, cx + sw / 2, top + sh), radius=c.s(0.04 * u), fill=WHITE
    )
    # The form on the screen: three lines, the last one short, and a tick beside it.
    for i, length in enumerate((0.40, 0.40, 0.22)):
        y = top + 0.11 * u + i * 0.10 * u
        x0 = cx - sw / 2 + 0.10 * u
        d.rounded_rectangle(
            c.box(x0, y - 0.025 * u, x0 + length * u, y + 0.025 * u),
            radius=c.s(0.02 * u),
            fill=ACCENT,
        )
    tick = [(0.11, 0.28), (0.17, 0.34), (0.27, 0.20)]
    d.line(
        [(c.s(cx + x * u), c.s(top + y * u)) for x, y in tick],
        fill=ACCENT,
        width=c.s(0.05 * u),
        joint="curve",
    )
    # The keyboard base: a flat trapezoid a little wider than the screen.
    base_top = top + sh + 0.03 * u
    d.polygon(
        [
            (c.s(cx - sw / 2 - 0.02 * u), c.s(base_top)),
            (c.s(cx + sw / 2 + 0.02 * u), c.s(base_top)),
            (c.s(cx + sw / 2 + 0.10 * u), c.s(base_top + 0.09 * u)),
            (c.s(cx - sw / 2 - 0.10 * u), c.s(base_top + 0.09 * u)),
        ],
        fill=WHITE,
    )


def icon_store(c: Canvas, cx: float, cy: float, u: float) -> None:
    """Convenience store: a shop with a striped awning, a door and a window."""
    d = c.draw
    w = 0.70 * u
    left, right = cx - w / 2, cx + w / 2
    stripes = 5
    step = w / stripes
    awning_top, awning_bottom = cy - 0.32 * u, cy - 0.17 * u
    # Awning: alternating white and dark-green stripes, each ending in a scallop.
    for i in range(stripes):
        x0 = left + i * step
        colour = WHITE if i % 2 == 0 else LINE_GREEN
        d.rectangle(c.box(x0, awning_top, x0 + step, awning_bottom), fill=colour)
        d.pieslice(
            c.box(x0, awning_bottom - step / 2, x0 + step, awning_bottom + step / 2),
            0,
            180,
            fill=colour,
        )
    d.rounded_rectangle(
        c.box(left - 0.03 * u, awning_top - 0.05 * u, right + 0.03 * u, awning_top + 0.01 * u),
        radius=c.s(0.02 * u),
        fill=WHITE,
    )
    # Building body, with a green gap under the scallops so the awning reads as its own shape.
    body_top = awning_bottom + step / 2 + 0.035 * u
    bottom = cy + 0.33 * u
    d.rectangle(c.box(left + 0.04 * u, body_top, right - 0.04 * u, bottom), fill=WHITE)
    # Door (left) and window (right) in green, so they read as openings in the white wall.
    d.rectangle(c.box(left + 0.12 * u, body_top + 0.06 * u, left + 0.29 * u, bottom), fill=ACCENT)
    d.rectangle(
        c.box(right - 0.31 * u, body_top + 0.06 * u, right - 0.12 * u, body_top + 0.18 * u),
        fill=ACCENT,
    )


def icon_smartphone(c: Canvas, cx: float, cy: float, u: float) -> None:
    """Smartphone class: a phone with a bright screen and a speech bubble (someone to ask)."""
    d = c.draw
    pw, ph = 0.38 * u, 0.66 * u
    px = cx - 0.10 * u
    d.rounded_rectangle(
        c.box(px - pw / 2, cy - ph / 2, px + pw / 2, cy + ph / 2), radius=c.s(0.07 * u), fill=WHITE
    )
    d.rounded_rectangle(
        c.box(
            px - pw / 2 + 0.04 * u, cy - ph / 2 + 0.08 * u, px + pw / 2 - 0.04 * u, cy + 0.20 * u
        ),
        radius=c.s(0.02 * u),
        fill=ACCENT,
    )
    r = 0.035 * u
    d.ellipse(c.box(px - r, cy + 0.26 * u - r, px + r, cy + 0.26 * u + r), fill=ACCENT)
    # Speech bubble at the upper right, outlined in green so it stands off the phone.
    bx0, by0, bx1, by1 = cx + 0.02 * u, cy - 0.36 * u, cx + 0.36 * u, cy - 0.10 * u
    d.rounded_rectangle(
        c.box(bx0, by0, bx1, by1),
        radius=c.s(0.07 * u),
        fill=WHITE,
        outline=ACCENT,
        width=c.s(0.025 * u),
    )
    d.polygon(
        [
            (c.s(bx0 + 0.08 * u), c.s(by1 - 0.01 * u)),
            (c.s(bx0 + 0.17 * u), c.s(by1 - 0.01 * u)),
            (c.s(bx0 + 0.04 * u), c.s(by1 + 0.08 * u)),
        ],
        fill=WHITE,
    )
    for i in range(3):
        dx = bx0 + 0.09 * u + i * 0.08 * u
        dr = 0.025 * u
        dy = (by0 + by1) / 2
        d.ellipse(c.box(dx - dr, dy - dr, dx + dr, dy + dr), fill=ACCENT)


def icon_id_card(c: Canvas, cx: float, cy: float, u: float) -> None:
    """My Number Card: an ID card with a portrait and lines of text."""
    d = c.draw
    w, h = 0.72 * u, 0.48 * u
    x0, y0 = cx - w / 2, cy - h / 2
    d.rounded_rectangle(c.box(x0, y0, x0 + w, y0 + h), radius=c.s(0.05 * u), fill=WHITE)
    # Portrait: a head and shoulders, on the left.
    hx, hr = x0 + 0.19 * u, 0.065 * u
    d.ellipse(c.box(hx - hr, cy - 0.13 * u, hx + hr, cy - 0.13 * u + 2 * hr), fill=ACCENT)
    d.pieslice(
        c.box(hx - 0.12 * u, cy + 0.03 * u, hx + 0.12 * u, cy + 0.27 * u), 180, 360, fill=ACCENT
    )
    # Text lines on the right.
    for i, length in enumerate((0.30, 0.30, 0.20)):
        y = cy - 0.10 * u + i * 0.10 * u
        lx = x0 + 0.34 * u
        d.rounded_rectangle(
            c.box(lx, y - 0.022 * u, lx + length * u, y + 0.022 * u),
            radius=c.s(0.02 * u),
            fill=ACCENT,
        )


def icon_bell(c: Canvas, cx: float, cy: float, u: float) -> None:
    """Notification settings: a bell."""
    d = c.draw
    # The bell's outline: a dome flaring out to a wide lip, built as one polygon.
    points = []
    top, lip = cy - 0.26 * u, cy + 0.16 * u
    half_top, half_lip = 0.16 * u, 0.30 * u
    for i in range(0, 181, 6):  # dome: a half ellipse over the top
        a = math.radians(180 + i)
        points.append((cx + half_top * math.cos(a), top + 0.10 * u + 0.12 * u * math.sin(a)))
    for i in range(1, 11):  # right flank, curving outwards towards the lip
        t = i / 10
        points.append((cx + half_top + (half_lip - half_top) * t**2, top + 0.10 * u + t * 0.32 * u))
    for i in range(10, 0, -1):  # left flank, back up
        t = i / 10
        points.append((cx - half_top - (half_lip - half_top) * t**2, top + 0.10 * u + t * 0.32 * u))
    d.polygon([(c.s(x), c.s(y)) for x, y in points], fill=WHITE)
    d.rounded_rectangle(
        c.box(cx - half_lip - 0.02 * u, lip - 0.01 * u, cx + half_lip + 0.02 * u, lip + 0.06 * u),
        radius=c.s(0.03 * u),
        fill=WHITE,
    )
    r = 0.06 * u  # clapper
    d.ellipse(c.box(cx - r, lip + 0.07 * u, cx + r, lip + 0.07 * u + 2 * r), fill=WHITE)
    k = 0.045 * u  # knob on top
    d.ellipse(c.box(cx - k, top - 0.06 * u, cx + k, top - 0.06 * u + 2 * k), fill=WHITE)


def icon_question(c: Canvas, cx: float, cy: float, u: float) -> None:
    """Contact: a speech bubble with a question mark."""
    d = c.draw
    x0, y0, x1, y1 = cx - 0.34 * u, cy - 0.28 * u, cx + 0.34 * u, cy + 0.20 * u
    d.rounded_rectangle(c.box(x0, y0, x1, y1), radius=c.s(0.12 * u), fill=WHITE)
    d.polygon(
        [
            (c.s(cx - 0.16 * u), c.s(y1 - 0.02 * u)),
            (c.s(cx - 0.02 * u), c.s(y1 - 0.02 * u)),
            (c.s(cx - 0.20 * u), c.s(y1 + 0.14 * u)),
        ],
        fill=WHITE,
    )
    c.text(cx, (y0 + y1) / 2, "?", c.font(0.46 * u), ACCENT)


ICONS = {
    "laptop": icon_laptop,
    "store": icon_store,
    "smartphone": icon_smartphone,
    "id_card": icon_id_card,
    "bell": icon_bell,
    "question": icon_question,
}


def draw_tile(c: Canvas, area) -> None:
    """One tile: white face, green disc with the pictogram, the ja label (one or two lines)
    and the English beneath, the text centred below the disc."""
    b = area.bounds
    inset = 14  # half the separator: tiles meet in a line twice this wide
    c.draw.rounded_rectangle(
        c.box(b.x + inset, b.y + inset, b.x + b.width - inset, b.y + b.height - inset),
        radius=c.s(36),
        fill=WHITE,
    )
    cx = b.x + b.width / 2
    # Every disc at the same height, so a row of tiles lines up; the text fills what is left.
    disc = 0.38 * b.height
    top = b.y + 56
    c.draw.ellipse(c.box(cx - disc / 2, top, cx + disc / 2, top + disc), fill=ACCENT)
    ICONS[area.icon](c, cx, top + disc / 2, disc * 0.82)
    lines = area.label.printed
    block = len(lines) * LABEL_SIZE + (len(lines) - 1) * LINE_GAP + ENGLISH_GAP + ENGLISH_SIZE
    room_top, room_bottom = top + disc + 24, b.y + b.height - inset - 36
    y = room_top + (room_bottom - room_top - block) / 2
    text_width = b.width - 2 * inset - 60
    for line in lines:
        c.text(cx, y + LABEL_SIZE / 2, line, c.fitted_font(line, LABEL_SIZE, text_width), INK)
        y += LABEL_SIZE + LINE_GAP
    english_y = y - LINE_GAP + ENGLISH_GAP + ENGLISH_SIZE / 2
    english_font = c.fitted_font(area.label.en, ENGLISH_SIZE, text_width)
    c.text(cx, english_y, area.label.en, english_font, SUBTLE_INK)


def render(definition, font: tuple[str, int]) -> Image.Image:
    """The whole menu picture for a loaded RichMenuDefinition."""
    canvas = Canvas(definition.size.width, definition.size.height, font)
    # Separator colour shows between the inset tiles, so every tile is clearly its own button.
    canvas.draw.rectangle(canvas.box(0, 0, canvas.width, canvas.height), fill=SEPARATOR)
    for area in definition.areas:
        if area.icon not in ICONS:
            sys.exit(f"richmenu.yaml: {area.intent}: no pictogram named {area.icon!r}")
        draw_tile(canvas, area)
    return canvas.result()


def main(argv: list[str] | None = None) -> None:
    """Load the YAML, draw, and write the PNG (optimised, palette-free RGB)."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--root", type=pathlib.Path, default=ROOT / "content")
    parser.add_argument("--out", type=pathlib.Path, default=None)
    parser.add_argument("--font", default=None, help="a bold Japanese .ttf/.otf/.ttc")
    args = parser.parse_args(argv)
    # Run from anywhere (python tools/draw_richmenu.py puts tools/, not the repo, on sys.path).
    sys.path.insert(0, str(ROOT))
    from bot.line.richmenu import load_rich_menu

    definition = load_rich_menu(args.root)
    out = args.out or definition.image_path
    image = render(definition, find_font(args.font))
    image.save(out, format="PNG", optimize=True)
    print(f"{out}: {image.width}x{image.height}, {out.stat().st_size} bytes")


if __name__ == "__main__":
    main()
