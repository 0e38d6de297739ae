"""Which of many patterns could match a message, found without running them.

The safety check runs a few hundred regular expressions over every typed message, and almost
none of them matches: most of the time goes in starting each search, not in the search itself.
A sieve reads each pattern once, when it is built, and keeps a few short pieces (one to
three characters) of which any match must contain at least one: "(死|し)に(たい|たく)" needs
「死にた」 or 「しにた」, "\\bkill(ing)? my ?self" needs "kil". A message is then cut into its
own 1–3-character pieces once, and only the patterns sharing a piece with it are searched.
A line made of alternatives ("a|b|c", twenty phrases in English) is sieved and searched
alternative by alternative: a search for one phrase that starts with "\\b" tries every
position of the message, and the whole line only needs the one whose piece is there.
Nothing else changes: an alternative is found exactly where its line is, a pattern the sieve
keeps is searched as written, and one it drops could not have matched (tests/test_safety_sieve.py
checks this over every labelled message and its blanked form, tests/test_safety_outcomes.py the
check's decisions).

The pieces come from the pattern's parse tree (Python's own ``re._parser``: private, but the
form ``re`` itself compiles from since Python 3.11; tests/test_safety_sieve.py pins what it must
give). What the analysis cannot reason about (a back-reference, a negated class, ``.``, ``\\w``,
case-insensitive parts) gives no piece, and a pattern with no usable piece is always searched:
the sieve may keep too much, never too little.
"""

from __future__ import annotations

import functools
import operator
import re
from collections.abc import Hashable, Iterable, Mapping, Sequence
from re import _constants as sre  # type: ignore[attr-defined]
from re import _parser as sre_parse  # type: ignore[attr-defined]
from typing import Any, Generic, TypeVar

from bot.core.regex_parts import split_alternatives

K = TypeVar("K", bound=Hashable)
# Pieces are at most this long: a message has ~3 × its length of them.
PIECE = 3
# Literal alternatives are multiplied out ("(a|b)(c|d)" → ac, ad, bc, bd) up to this many
# strings; beyond, a sequence relies on the most selective of its parts.
_MAX_STRINGS = 64
# What a piece of each length costs to rely on: a single character is in many messages.
_COST = {1: 40, 2: 6, 3: 1}
_ZERO_WIDTH = {sre.AT, sre.ASSERT, sre.ASSERT_NOT}
_REPEATS = {sre.MAX_REPEAT, sre.MIN_REPEAT, sre.POSSESSIVE_REPEAT}
# What keeps a pattern from being cut into its alternatives: a comment or a verbose group (they
# may hold a "|" or a parenthesis), a reference to a group (numbered across the alternatives),
# a condition on one.
_UNSPLIT = re.compile(r"\(\?#|\(\?[a-zA-Z-]*x|\(\?P=|\(\?\(|\\[1-9]|\\g<")

# The exact strings a part of a pattern matches, when there are few (None: unknown or many).
Strings = frozenset[str] | None
# Pieces one of which any match contains (None: no such set is known).
Pieces = frozenset[str] | None
# An item of re._parser's tree: (opcode, argument), the argument's shape depending on the opcode.
Item = tuple[Any, Any]


def pieces_of(text: str) -> set[str]:
    """Every 1–3-character piece of a text (what a pattern's pieces are looked up in)."""
    found = set(text)
    for n in range(2, PIECE + 1):
        found.update(text[i : i + n] for i in range(len(text) - n + 1))
    return found


def required_pieces(pattern: re.Pattern[str]) -> Pieces:
    """Short strings one of which is in every match of the pattern, or None if unknown."""
    if pattern.flags & re.IGNORECASE:
        return None
    strings, pieces = _sequence(list(sre_parse.parse(pattern.pattern, pattern.flags)))
    return _pieces(strings) if strings is not None else pieces


def alternatives(pattern: re.Pattern[str]) -> list[re.Pattern[str]]:
    """The pattern's top-level alternatives ("a|b(c|d)" → "a", "b(c|d)"), each compiled: one
    of them is found in a text exactly when the pattern is. The pattern itself when splitting
    could change a meaning: verbose or commented patterns, references to groups."""
    text = pattern.pattern
    if pattern.flags & re.VERBOSE or _UNSPLIT.search(text):
        return [pattern]
    try:
        parts = [re.compile(part, pattern.flags) for part in split_alternatives(text)]
    except re.error:  # not cut where the parser would: keep the whole
        return [pattern]
    if len(parts) == 1 or any(part.flags != pattern.flags for part in parts):
        return [pattern]
    return parts


class Sieve(Generic[K]):
    """Groups of patterns (a category's lines, a concept), and which groups a text matches.

    Each pattern is a bit of an int: the bits of a text's candidates are OR-ed from its pieces,
    and a group's bits are contiguous, so candidates come out in the groups' order."""

    def __init__(self, groups: Mapping[K, Sequence[re.Pattern[str]]]):
        # (group, pattern, the group's bits) per bit
        self._bits: list[tuple[K, re.Pattern[str], int]] = []
        self._masks: dict[K, int] = {}
        self._always = 0
        self._by_piece: dict[str, int] = {}
        for key, patterns in groups.items():
            # "a|b" is found where "a" or "b" is: each alternative is sieved and searched on
            # its own, so a line of twenty phrases costs the searches of the few that may match.
            parts = [part for pattern in patterns for part in alternatives(pattern)]
            first = len(self._bits)
            mask = ((1 << len(parts)) - 1) << first
            self._masks[key] = mask
            for bit, pattern in enumerate(parts, start=first):
                self._bits.append((key, pattern, mask))
                pieces = required_pieces(pattern)
                if pieces is None:
                    self._always |= 1 << bit
                for piece in pieces or ():
                    self._by_piece[piece] = self._by_piece.get(piece, 0) | 1 << bit
        self._pieces = frozenset(self._by_piece)

    def found(self, text: str, pieces: set[str], among: Iterable[K] | None = None) -> list[K]:
        """The groups (of ``among``, or all) with a pattern found in the text, in the groups'
        order. ``pieces`` are the text's (``pieces_of``): the same for every sieve it meets."""
        live = functools.reduce(
            operator.or_, map(self._by_piece.__getitem__, self._pieces & pieces), self._always
        )
        if among is not None:
            live &= functools.reduce(operator.or_, map(self._masks.__getitem__, among), 0)
        found = []
        while live:
            lowest = live & -live
            key, pattern, mask = self._bits[lowest.bit_length() - 1]
            if pattern.search(text):
                found.append(key)
                live &= ~mask  # the rest of this group need not be searched
            else:
                live ^= lowest
        return found


# -- reading a parse tree ---------------------------------------------------------------------
# Each part of a pattern gives (strings, pieces): the exact strings it matches if they are few
# (then its pieces are left to be drawn from them, by `_pieces`, only if needed), else pieces one
# of which each of its matches contains. A sequence multiplies its parts' strings out while they
# stay few, and otherwise relies on its most selective part.


def _sequence(items: Sequence[Item]) -> tuple[Strings, Pieces]:
    """A concatenation of parse-tree items."""
    options: list[Pieces] = []  # piece sets each of which every match needs
    run = frozenset({""})  # the strings of the consecutive known parts read last
    whole = True  # whether `run` covers the whole sequence so far
    for op, av in items:
        strings, pieces = _item(op, av)
        if strings is not None and len(run) * len(strings) <= _MAX_STRINGS:
            run = frozenset(a + b for a in run for b in strings)
            continue
        whole = False
        options.append(_pieces(run))
        if strings is not None:
            run = strings
        else:
            options.append(pieces)
            run = frozenset({""})
    if whole:
        return run, None
    return None, _best([*options, _pieces(run)])


def _item(op: Any, av: Any) -> tuple[Strings, Pieces]:
    """One parse-tree item."""
    if op in _ZERO_WIDTH:
        return frozenset({""}), None  # an assertion matches no characters
    if op is sre.LITERAL:
        return frozenset({chr(av)}), None
    if op is sre.IN:
        return _class(av), None
    if op is sre.SUBPATTERN:
        _group, add_flags, _del_flags, inner = av
        if add_flags & re.IGNORECASE:
            return None, None
        return _sequence(list(inner))
    if op is sre.ATOMIC_GROUP:
        return _sequence(list(av))
    if op is sre.BRANCH:
        return _branch(av[1])
    if op in _REPEATS:
        low, high, inner = av
        strings, pieces = _sequence(list(inner))
        if low == 0:
            if high == 1 and strings is not None:
                return strings | {""}, None  # optional: the strings, or nothing
            return None, None
        if low == high == 1:
            return strings, pieces
        # at least once: whatever one match of it needs
        return None, _pieces(strings) if strings is not None else pieces
    return None, None  # any character, a class of them, a group reference …


def _branch(alternatives: Sequence[Sequence[Item]]) -> tuple[Strings, Pieces]:
    """An alternation: each alternative's strings, or else each one's pieces."""
    read = [_sequence(list(alternative)) for alternative in alternatives]
    if all(strings is not None for strings, _ in read):
        union = frozenset().union(*(strings for strings, _ in read if strings is not None))
        if len(union) <= _MAX_STRINGS:
            return union, None
    each = [_pieces(strings) if strings is not None else pieces for strings, pieces in read]
    if any(pieces is None for pieces in each):
        return None, None
    return None, frozenset().union(*(pieces for pieces in each if pieces is not None))


def _class(items: Sequence[Item]) -> frozenset[str] | None:
    """The characters of a class like [abc] or [0-9], or None (negated, \\d, large ranges)."""
    chars: set[str] = set()
    for op, av in items:
        if op is sre.LITERAL:
            chars.add(chr(av))
        elif op is sre.RANGE and av[1] - av[0] < 64:
            chars.update(chr(c) for c in range(av[0], av[1] + 1))
        else:
            return None
    return frozenset(chars)


def _pieces(strings: frozenset[str]) -> Pieces:
    """A piece of each string (one of them is in any text one of the strings is in)."""
    if "" in strings:
        return None
    return frozenset(_piece(s) for s in strings)


def _piece(string: str) -> str:
    """The piece of a string least likely to be in an unrelated message: a full-length one,
    with fewer spaces and kana than the others (kanji and Latin letters tell more)."""
    if len(string) <= PIECE:
        return string
    starts = range(len(string) - PIECE + 1)
    return min((string[i : i + PIECE] for i in starts), key=_commonness)


def _commonness(piece: str) -> int:
    return sum(4 if c == " " else 2 if "\u3040" <= c <= "\u309f" else 0 for c in piece)


def _best(options: Sequence[Pieces]) -> Pieces:
    """The most selective of several piece sets each of which every match needs."""
    known = [pieces for pieces in options if pieces is not None]
    if not known:
        return None
    return min(known, key=lambda pieces: sum(_COST[len(p)] for p in pieces))
