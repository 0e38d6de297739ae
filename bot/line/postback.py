"""Postback data: short, versioned, parsed in one place.

Format: ``v1|<action>|k=v&k=v`` (≤ 300 characters, LINE's limit). Data the bot did not make —
an old menu, another tool, a tampered client — parses to None and gets a friendly answer.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode

VERSION = "v1"
MAX_LENGTH = 300


class PostbackTooLong(ValueError):
    """Packed data would exceed LINE's 300-character limit."""


@dataclass(frozen=True)
class Postback:
    """A button's meaning: an action name and a few string parameters."""

    action: str
    params: dict[str, str] = field(default_factory=dict)

    def pack(self) -> str:
        """The string LINE carries back to us when the button is tapped."""
        data = f"{VERSION}|{self.action}|{urlencode(sorted(self.params.items()))}"
        if len(data) > MAX_LENGTH:
            raise PostbackTooLong(f"postback data is {len(data)} characters (limit {MAX_LENGTH})")
        return data

    @classmethod
    def unpack(cls, data: str) -> Postback | None:
        """Parse data we made; None for anything else."""
        parts = data.split("|", 2) if data else []
        if len(parts) != 3 or parts[0] != VERSION or not parts[1].isidentifier():
            return None
        try:
            params = dict(parse_qsl(parts[2], strict_parsing=bool(parts[2])))
        except ValueError:
            return None
        return cls(parts[1], params)
