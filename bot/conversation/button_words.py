"""A short message typed with the words of a button the last answer showed: that button.

Residents type what they see. After 「オンライン申請のはじめ方」, whose buttons include
「オンラインで支払い」, 「支払いは？」 means that button; but its 支払 is also the router's
evidence for payments the bot does not handle (an `oos_` concept), so it was answered
「お答えできませんでした」. The rule is narrow on purpose: every word of the message that names
something must be one of the button's own words (its label, or its entry's match phrases in
any language), and only one of the buttons may fit. Whether the message names another topic
instead (「マイナカード」 with 「マイナカードで本人確認」 on screen) is the understanding's to
decide before this is asked.
"""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

from bot.core.content import Content
from bot.core.text import normalize

# Longer messages say more than a button's words: the router and the details model read them.
LONGEST = 20
# What names something in Japanese: a run of kanji or katakana (hiragana is mostly particles and
# endings: 「支払いは」 names 支払, 「駐車場はある？」 駐車場 alone).
NAMES_IN_JAPANESE = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ\u30a1-\u30faー]+")
# ... and in a normalised message of any language: those, and Latin or digit words.
_NAMING = re.compile(NAMES_IN_JAPANESE.pattern + "|[a-z0-9]+")
# A Latin word this long or longer is covered by a button word it begins ("pay" by "paying").
_STEM = 3
# Kana around the words, at most: an ending and a particle (「支払いは？」 leaves いは); a
# sentence around them says more than the button (「カードをなくしちゃったんだけど」 after the
# konbini hours is the lost card, not the konbini's 「必要なもの」 with its カード).
MOST_KANA_AROUND = 4
_KANA = re.compile(r"[\u3041-\u309f]")


def button_named(
    normalized: str, intent: str, entry_key: str | None, content: Content, lang: str
) -> str | None:
    """The key of the one `next` entry of the last answer (intent, entry_key) whose words the
    message is made of, or None: none fits, more than one does, or the message is too long."""
    if not entry_key or len(normalized) > LONGEST:
        return None
    topic = content.topic(intent, lang)
    shown = topic.get(entry_key)
    if shown is None:
        return None
    said = _remover(tuple(content.words.filler)).take_out(normalized)
    if len(_KANA.findall(_NAMING.sub("", said))) > MOST_KANA_AROUND:
        return None
    fits = []
    for key in shown.next:
        entry = topic.get(key)
        if entry is not None and _button(content, intent, key, entry.label).made(said):
            fits.append(key)
    return fits[0] if len(fits) == 1 else None


@dataclass(frozen=True)
class _Phrases:
    """Phrases to take out of a message, in one pass of one pattern (compiled once): Latin
    ones as whole words, others anywhere, the longest first where two start together."""

    phrases: tuple[str, ...]
    pattern: re.Pattern[str] | None

    @classmethod
    def of(cls, phrases: list[str]) -> _Phrases:
        ordered = tuple(sorted(dict.fromkeys(p for p in phrases if p), key=len, reverse=True))
        alternatives = [
            r"(?<![a-z0-9])" + re.escape(p) + r"(?![a-z0-9])" if p.isascii() else re.escape(p)
            for p in ordered
        ]
        return cls(ordered, re.compile("|".join(alternatives)) if alternatives else None)

    def take_out(self, text: str) -> str:
        """The text with each phrase taken out."""
        return self.pattern.sub(" ", text) if self.pattern else text


@dataclass(frozen=True)
class _Button:
    """One button's words: its entry's match phrases in every language and its label."""

    phrases: _Phrases
    words: tuple[str, ...]  # what its phrases name (_NAMING), for a word typed short
    joined: str  # the phrases in one string, NUL between: a word is part of one if it is in it

    def made(self, said: str) -> bool:
        """Whether the message names something and everything it names is among the phrases:
        a phrase it contains (「支払」 in 「支払いは」), or a word it names that is part of one
        (「支払」 of the label 「オンラインで支払い」)."""
        rest = self.phrases.take_out(said)
        named = _NAMING.findall(rest)
        return (rest != said or bool(named)) and all(self._part_of(n) for n in named)

    def _part_of(self, name: str) -> bool:
        """Whether a word the message names belongs to the button's phrases."""
        if name.isascii():
            return len(name) >= _STEM and any(w.startswith(name) for w in self.words)
        return name in self.joined


# Built once per content (a new Content, after staff edit an answer, builds its own): the
# phrases were normalised and their patterns compiled for every message that was compared.
@functools.lru_cache(maxsize=512)
def _button(content: Content, intent: str, key: str, label: str) -> _Button:
    phrases = [normalize(p) for p in [*content.phrases(intent, key), label]]
    words = tuple(w for p in phrases for w in _NAMING.findall(p))
    return _Button(_Phrases.of(phrases), words, "\0".join(phrases))


@functools.lru_cache(maxsize=8)
def _remover(phrases: tuple[str, ...]) -> _Phrases:
    return _Phrases.of(list(phrases))
