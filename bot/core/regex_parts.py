"""Reading a regular expression's text without running it: where its top-level `|` falls.

Both hot paths that search many patterns split them into their alternatives first, so that
Python's regex engine can scan for each alternative's leading words: the router's concepts
(bot/conversation/router/lexicon.py) and the safety check's sieve
(bot/conversation/safety/sieve.py).
"""

from __future__ import annotations


def split_alternatives(pattern: str) -> list[str]:
    """A regular expression cut at each `|` outside parentheses and character classes
    ("a|b(c|d)" → "a", "b(c|d)"); escaped characters are not read."""
    parts: list[str] = []
    depth = start = i = 0
    while i < len(pattern):
        char = pattern[i]
        if char == "\\":
            i += 1  # the escaped character is not read
        elif char == "[":
            i += 1
            i += pattern.startswith("^", i)
            i += pattern.startswith("]", i)  # a "]" first in a class is the character itself
            while i < len(pattern) and pattern[i] != "]":
                i += 2 if pattern[i] == "\\" else 1
        elif char == "(":
            depth += 1
        elif char == ")":
            depth -= 1
        elif char == "|" and depth == 0:
            parts.append(pattern[start:i])
            start = i + 1
        i += 1
    return [*parts, pattern[start:]]
