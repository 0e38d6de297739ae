"""WCAG 2.1 contrast, for the tests of what residents see (cards, the rich menu picture).

The formulas are WCAG 2.1's own: relative luminance of sRGB colours (success criterion 1.4.3's
definition), and the ratio (L1 + 0.05) / (L2 + 0.05) of the lighter to the darker.
"""

from __future__ import annotations

RGB = tuple[int, int, int]

# Level AA: normal text 4.5:1 (1.4.3); the parts that show a button is there, 3:1 (1.4.11).
TEXT = 4.5
NON_TEXT = 3.0


def parse(colour: str) -> tuple[RGB, float]:
    """ "#RRGGBB" or "#RRGGBBAA" (LINE's forms) as (r, g, b) and an opacity from 0 to 1."""
    digits = colour.removeprefix("#")
    if len(digits) not in (6, 8):
        raise ValueError(f"not a LINE colour: {colour!r}")
    rgb = (int(digits[0:2], 16), int(digits[2:4], 16), int(digits[4:6], 16))
    alpha = int(digits[6:8], 16) / 255 if len(digits) == 8 else 1.0
    return rgb, alpha


def over(colour: str, background: RGB) -> RGB:
    """The colour a reader sees when `colour` (maybe translucent) is drawn on `background`."""
    rgb, alpha = parse(colour)
    return tuple(round(c * alpha + b * (1 - alpha)) for c, b in zip(rgb, background, strict=True))  # type: ignore[return-value]


def luminance(rgb: RGB) -> float:
    """WCAG's relative luminance of an sRGB colour."""

    def linear(channel: int) -> float:
        c = channel / 255
        return c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4

    r, g, b = (linear(c) for c in rgb)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def ratio(one: RGB, other: RGB) -> float:
    """The contrast ratio of two colours, from 1 (the same) to 21 (black on white)."""
    lighter, darker = sorted((luminance(one), luminance(other)), reverse=True)
    return (lighter + 0.05) / (darker + 0.05)
