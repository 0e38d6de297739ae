"""Feature extraction: folded character n-grams, latin/hangul words, concepts and concept pairs.

A message "Xじゃなくて Y" (or "instead of X") asks for Y: the X span is cut out of the
n-grams and its concepts become negated features `n:NAME` (コンビニじゃなくて郵送で is about mail).
"""

from __future__ import annotations

import functools
import re
from itertools import combinations, pairwise
from operator import add

from .lexicon import concepts, concepts_in
from .text import fold

DEFAULT_CONFIG: dict = {
    "ngram_min": 1,
    "ngram_max": 3,
    "words": True,
    "concepts": True,
    "pairs": False,  # concept-pair conjunctions: measured, no gain (bench/intents.py)
    "negation": True,
}

_NEG_JA = re.compile(r"じゃなくて|じゃなく|ではなくて|ではなく|でなくて|じゃないほう")
_BOUNDARY = re.compile(r"[、。,.!?!?\s]")
_NEG_EN = re.compile(r"\binstead of ((?:[a-z']+ ?){1,3})|\brather than ((?:[a-z']+ ?){1,3})")
_ASCII = frozenset(map(chr, range(128)))
_WORD = re.compile(r"[a-z\u00c0-\u024f\u1e00-\u1eff\uac00-\ud7af\u0900-\u097f']+")


def split_negation(folded: str) -> tuple[str, str]:
    """Split a folded message into (what is asked for, what is explicitly not wanted)."""
    negated: list[str] = []
    for _ in range(3):
        m = _NEG_JA.search(folded)
        if not m:
            break
        start = m.start()
        b = max((x.end() for x in _BOUNDARY.finditer(folded, 0, start)), default=0)
        negated.append(folded[b:start])
        folded = folded[:b] + " " + folded[m.end() :]
    m = _NEG_EN.search(folded)
    if m:
        negated.append(m.group(0))
        folded = folded[: m.start()] + " " + folded[m.end() :]
    return folded.strip(), " ".join(negated)


def extract(normalized: str, config: dict = DEFAULT_CONFIG) -> list[str]:
    """Feature names of one normalised message (duplicates removed, order irrelevant). A fresh
    list each call; the work is shared by the router and the details model of one message."""
    return list(extract_frozen(normalized, freeze(config)))


def freeze(config: dict) -> tuple:
    """A configuration as `extract_frozen` takes it (the models freeze theirs once)."""
    return tuple(sorted(config.items()))


@functools.lru_cache(maxsize=16)  # one message's stages, not a cache of traffic
def extract_frozen(normalized: str, frozen_config: tuple) -> tuple[str, ...]:
    """`extract` with a frozen configuration; the tuple is shared, callers must not change it."""
    config = dict(frozen_config)
    folded = fold(normalized)
    neg = ""
    if config["negation"]:
        folded, neg = split_negation(folded)
    padded = f"^{folded}$"
    lo, hi = config["ngram_min"], config["ngram_max"]
    chars = set(folded)
    # single latin letters, digits and the padding carry no meaning alone
    feats = chars - _ASCII if lo == 1 else set()
    # n-grams built from the (n-1)-grams by `map` (in C, not a slice per position)
    grams: list[str] = list(padded)
    for n in range(2, max(hi, 2) + 1):
        grams = list(map(add, grams, padded[n - 1 :]))
        if n == 2:
            bigrams = set(grams)
            if lo <= 2 <= hi:
                feats |= bigrams
        elif lo <= n <= hi:
            feats.update(grams)
    if config["words"]:
        words = _WORD.findall(folded)
        feats.update("w:" + w for w in words)
        feats.update(f"w2:{a}_{b}" for a, b in pairwise(words))
    if config["concepts"]:
        found = concepts_in(folded, chars, bigrams)
        feats.update("c:" + c for c in found)
        if config["pairs"]:
            feats.update(f"p:{a}&{b}" for a, b in combinations(found, 2))
        if neg:
            feats.update("n:" + c for c in concepts(neg))
    return tuple(feats)
