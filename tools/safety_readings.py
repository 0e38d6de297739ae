"""Write content/ja/safety_readings.yaml: the kana reading of each run of kanji in the Japanese
safety lines (bot/conversation/safety/kana.py says why).

    python -m tools.safety_readings

Run it after adding or changing a line in content/ja/safety.yaml. Readings come from Janome's
dictionary (a dev dependency; the bot reads only the YAML). Runs the dictionary does not know,
and readings shorter than kana.MIN_READING, are left out; an editor may add or correct any by hand,
and the next run keeps them.
"""

from __future__ import annotations

import pathlib

import yaml
from janome.tokenizer import Tokenizer

from bot.conversation.safety.kana import MIN_READING, runs_of

ROOT = pathlib.Path(__file__).resolve().parents[1]
LINES = ROOT / "content" / "ja" / "safety.yaml"
READINGS = ROOT / "content" / "ja" / "safety_readings.yaml"
HEADER = """\
# Kana readings of the runs of kanji in safety.yaml's lines: a line that says 練炭 also matches
# れんたん (bot/conversation/safety/kana.py). Written by `python -m tools.safety_readings`; entries
# may be corrected or added by hand, and the next run keeps them.
"""


def main() -> None:
    readings = readings_of_the_lines(kept_readings())
    body = yaml.safe_dump({"readings": readings}, allow_unicode=True, sort_keys=True, width=100)
    READINGS.write_text(HEADER + body, encoding="utf-8")
    print(f"{READINGS.relative_to(ROOT)}: {len(readings)} readings")


def kept_readings() -> dict[str, str]:
    """The readings the file holds now (an editor's corrections among them)."""
    if not READINGS.exists():
        return {}
    return yaml.safe_load(READINGS.read_text(encoding="utf-8")).get("readings") or {}


def readings_of_the_lines(kept: dict[str, str]) -> dict[str, str]:
    """A reading for each run of kanji in the lines: the kept one, else the dictionary's; runs
    without one of at least MIN_READING kana are left out."""
    content = yaml.safe_load(LINES.read_text(encoding="utf-8"))
    patterns = [p for lines in content["detect"].values() for p in lines]
    patterns += content.get("not_crisis", []) + content.get("about_this_account", [])
    tokenizer = Tokenizer()
    readings: dict[str, str] = {}
    for run in sorted({run for pattern in patterns for run in runs_of(pattern)}):
        spoken = kept.get(run) or _reading(tokenizer, run)
        if spoken and len(spoken) >= MIN_READING and spoken != run:
            readings[run] = spoken
    return readings


def _reading(tokenizer: Tokenizer, run: str) -> str | None:
    """The hiragana reading of a run, or None when the dictionary does not know a word of it."""
    katakana = []
    for token in tokenizer.tokenize(run):
        reading = getattr(token, "reading", "*")  # the tokenizer gives str only in wakati mode
        if reading == "*":
            return None
        katakana.append(reading)
    return "".join(chr(ord(c) - 0x60) if "ァ" <= c <= "ヶ" else c for c in "".join(katakana))


if __name__ == "__main__":
    main()
