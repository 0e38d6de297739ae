"""The rich menu picture, read back pixel by pixel: every label stands out from its tile by
4.5:1 or more, each Japanese label is large, and each pictogram's disc stands out by 3:1.

LINE shows the picture across the chat's whole width, so a size in the picture is a share of
the phone's width: on a phone 375 pt wide, 4% of the menu's width is 15 pt, the ink height of
14 pt bold text — WCAG 2.1's "large text". The English line beneath is smaller (the words would
not fit large); README lists it among the known exceptions.
"""

from __future__ import annotations

import pathlib
import shutil
import subprocess
import sys
from collections import Counter
from dataclasses import dataclass

import pytest
from PIL import Image, ImageChops

from bot.line.richmenu import RichMenuDefinition, load_rich_menu
from tests import contrast

ROOT = pathlib.Path(__file__).resolve().parent.parent
LARGE_LABEL = 0.04  # of the menu's width
INSET = 40  # inside the tile's rounded corners and the separators between tiles


@dataclass
class Band:
    """Rows of a tile with something drawn on them: the disc, a line of text."""

    height: int
    ink: contrast.RGB  # the colour most of the band's drawn pixels have


@pytest.fixture(scope="module")
def menu() -> RichMenuDefinition:
    return load_rich_menu()


@pytest.fixture(scope="module")
def tiles(menu) -> dict[str, tuple[contrast.RGB, list[Band]]]:
    """Each tile's background and the bands drawn on it, top to bottom."""
    image = Image.open(menu.image_path).convert("RGB")
    found = {}
    for area in menu.areas:
        b = area.bounds
        tile = image.crop((b.x + INSET, b.y + INSET, b.x + b.width - INSET, b.y + b.height - INSET))
        background = Counter(tile.get_flattened_data()).most_common(1)[0][0]
        found[area.intent] = (background, bands(tile, background))
    return found


def bands(tile: Image.Image, background: contrast.RGB) -> list[Band]:
    """Runs of rows holding pixels that differ visibly from the background."""
    pixels, visible = tile.load(), {}
    rows = []
    for y in range(tile.height):
        row = [pixels[x, y] for x in range(tile.width)]
        for colour in set(row) - visible.keys():
            visible[colour] = contrast.ratio(colour, background) > 1.5
        rows.append([p for p in row if visible[p]])
    found, start = [], None
    for y, drawn in enumerate([*rows, []]):
        if drawn and start is None:
            start = y
        elif not drawn and start is not None:
            ink = Counter(p for row in rows[start:y] for p in row).most_common(1)[0][0]
            found.append(Band(y - start, ink))
            start = None
    return found


def test_each_tile_has_its_disc_its_japanese_lines_and_its_english_line(menu, tiles):
    for area in menu.areas:
        _, drawn = tiles[area.intent]
        assert len(drawn) == 1 + len(area.label.printed) + 1, area.intent


def test_every_label_stands_out_from_its_tile_by_4_5_to_1(menu, tiles):
    for area in menu.areas:
        background, (_disc, *text) = tiles[area.intent]
        for line in text:
            assert contrast.ratio(line.ink, background) >= contrast.TEXT, (area.intent, line)


def test_every_japanese_label_is_large(menu, tiles):
    for area in menu.areas:
        _, (_disc, *text) = tiles[area.intent]
        for line in text[:-1]:  # the last is the English line
            assert line.height >= LARGE_LABEL * menu.size.width, (area.label.ja, line.height)


def test_every_pictogram_disc_stands_out_from_its_white_shapes_and_tile(menu, tiles):
    for area in menu.areas:
        background, (disc, *_) = tiles[area.intent]
        assert contrast.ratio(disc.ink, background) >= contrast.NON_TEXT, area.intent


@pytest.mark.skipif(not shutil.which("fc-match"), reason="drawing needs fontconfig")
def test_the_picture_is_what_the_tool_draws_from_the_yaml(menu, tmp_path):
    """So a tile never says what its tap area no longer does."""
    font = subprocess.run(
        ["fc-match", "-f", "%{family}", "Noto Sans CJK JP:style=Bold"],
        capture_output=True,
        text=True,
        check=False,
    ).stdout
    if "Noto Sans CJK" not in font:
        pytest.skip("the Noto Sans CJK JP font is not installed (Debian: fonts-noto-cjk)")
    out = tmp_path / "richmenu.png"
    subprocess.run(
        [sys.executable, str(ROOT / "tools" / "draw_richmenu.py"), "--out", str(out)],
        check=True,
        capture_output=True,
    )
    drawn = Image.open(out).convert("RGB")
    shipped = Image.open(menu.image_path).convert("RGB")
    # Tile by tile, allowing for another build of the font: a new Japanese label or pictogram
    # changes several percent of its tile, a font's hinting a handful of edge pixels.
    for area in menu.areas:
        b = area.bounds
        box = (b.x, b.y, b.x + b.width, b.y + b.height)
        difference = ImageChops.difference(drawn.crop(box), shipped.crop(box)).convert("L")
        changed = sum(difference.point(lambda v: 255 if v > 64 else 0).histogram()[255:])
        assert changed < 0.005 * b.width * b.height, f"{area.intent}: run tools/draw_richmenu.py"
