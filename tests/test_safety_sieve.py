"""The sieve (bot/conversation/safety/sieve.py) drops only patterns that cannot match.

The check searches only the patterns a sieve keeps for a message, so a pattern dropped that
would have matched is a crisis missed. Here every pattern the check holds meets every text of
the data, as written and with its near misses blanked: the groups the sieve finds are the groups
a search of every pattern finds. tests/test_safety_outcomes.py compares the whole check's
decisions with a snapshot; this file says why they agree, pattern by pattern.
"""

from __future__ import annotations

import functools
import json
import re
from pathlib import Path

import pytest

from bot.conversation.safety import fold, load_safety
from bot.conversation.safety.model import CONCEPTS, DISTANCE, NEARNESS
from bot.conversation.safety.sieve import Sieve, alternatives, pieces_of, required_pieces

ROOT = Path(__file__).resolve().parents[1]


@pytest.mark.parametrize(
    ("pattern", "pieces"),
    [
        # Literal alternatives are multiplied out, and each string gives one of its pieces.
        (r"\bkill(ing)? my ?self", {"kil"}),
        ("(死|し)に(たい|たく(?!さん))", {"死にた", "しにた"}),
        ("[a-c]d", {"ad", "bd", "cd"}),
        (r"\b189\b", {"189"}),
        # A sequence relies on its most selective part: "blood" over "a".
        (r"a.{0,20}blood", {"blo"}),
        (r"(a)\1b", {"a"}),
        # An alternation needs a piece of every alternative.
        (r"^fire[!.\s]*$|\bso much blood\b", {"fir", "muc"}),
        ("(?i:x)yz", {"yz"}),
        # Nothing known: the pattern is always searched.
        ("(?i)abc", None),
        ("", None),
        ("^", None),
        ("x*", None),
        ("a|.b", {"a", "b"}),
        ("a|.*", None),
        (r"[^a]bc|\d", None),
    ],
)
def test_the_pieces_a_pattern_needs(pattern, pieces):
    assert required_pieces(re.compile(pattern)) == (None if pieces is None else frozenset(pieces))


@pytest.mark.parametrize(
    ("pattern", "parts"),
    [
        ("a|b(c|d)|e", ["a", "b(c|d)", "e"]),
        (r"[|]x|\|y|[]|]z|[^]|]w", ["[|]x", r"\|y", "[]|]z", "[^]|]w"]),
        ("(?<=[。、])x|y", ["(?<=[。、])x", "y"]),
        ("(?i)a|b", ["(?i)a", "b"]),  # the flag is the whole pattern's: each part keeps it
        ("abc", ["abc"]),
        # Parts that would not mean what they meant together: kept whole.
        (r"(a)|\1b", [r"(a)|\1b"]),
        ("(?P<x>a)|(?P=x)", ["(?P<x>a)|(?P=x)"]),
        ("(?#a|b)c|d", ["(?#a|b)c|d"]),
        ("(?x) a | b ", ["(?x) a | b "]),
        ("(?x: a # b|c)\n)|d", ["(?x: a # b|c)\n)|d"]),
    ],
)
def test_a_pattern_is_searched_as_its_alternatives(pattern, parts):
    compiled = re.compile(pattern)
    found = alternatives(compiled)
    assert [part.pattern for part in found] == parts
    assert all(part.flags == compiled.flags for part in found)


def test_the_pieces_of_a_text():
    assert pieces_of("abcd") == {"a", "b", "c", "d", "ab", "bc", "cd", "abc", "bcd"}
    assert pieces_of("") == set()


@functools.cache
def _groups() -> dict[str, dict[str, list[re.Pattern[str]]]]:
    """Every group of patterns the check and its model search, by family."""
    families: dict[str, dict[str, list[re.Pattern[str]]]] = {}
    for lang, content in load_safety()._content.items():
        families[f"{lang} triggers"] = {
            category: [re.compile(fold(p)) for p in patterns]
            for category, patterns in content.detect.items()
        }
        families[f"{lang} near misses"] = {
            "near miss": [re.compile(fold(p)) for p in content.not_crisis]
        }
    families["concepts"] = {name: [pattern] for name, pattern in CONCEPTS.items()}
    families["distance"] = {"distance": [DISTANCE]}
    families["nearness"] = {"nearness": [NEARNESS]}
    return families


@functools.cache
def _texts() -> tuple[str, ...]:
    """Every text of the data, folded, and again with each language's near misses blanked."""
    found: list[str] = []
    for path in sorted((ROOT / "data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            found += [fold(json.loads(line)["text"]) for line in fh if line.strip()]
    safety = load_safety()
    blanked = [
        near_misses.blank(text, pieces_of(text))
        for near_misses in safety._near_misses.values()
        for text in found
    ]
    return tuple(dict.fromkeys([*found, *blanked]))


@pytest.mark.parametrize("family", list(_groups()))
def test_the_sieve_finds_what_searching_every_pattern_finds(family):
    groups = _groups()[family]
    sieve = Sieve(groups)
    differ = []
    for n, text in enumerate(_texts()):
        everything = [
            key for key, patterns in groups.items() if any(p.search(text) for p in patterns)
        ]
        if sieve.found(text, pieces_of(text)) != everything:
            differ.append(n)  # the number only: held-out texts are never printed
    assert not differ, f"{family}: {len(differ)} texts differ, e.g. numbers {differ[:5]}"


def test_among_limits_the_groups_searched():
    first = [re.compile("a")]
    second = [re.compile("b|q"), re.compile("c")]
    sieve = Sieve({"first": first, "second": second, "third": [re.compile(".")]})
    assert sieve.found("abc", pieces_of("abc")) == ["first", "second", "third"]
    assert sieve.found("abc", pieces_of("abc"), among=["second"]) == ["second"]
    assert sieve.found("xc", pieces_of("xc")) == ["second", "third"]
    assert sieve.found("q", pieces_of("q"), among=["first", "second"]) == ["second"]
    assert sieve.found("", pieces_of("")) == []
