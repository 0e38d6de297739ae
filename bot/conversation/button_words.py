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

import re

from bot.core.content import Content
from bot.core.text import normalize

# Longer messages say more than a button's words: the router and the details model read them.
LONGEST = 20
# What names something in a normalised message: runs of kanji or katakana (hiragana is mostly
# particles and endings: 「支払いは」 names 支払), and Latin or digit words.
_NAMING = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff々〆ヶ\u30a1-\u30faー]+|[a-z0-9]+")
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
    said = _without(normalized, content.words.filler)
    if len(_KANA.findall(_NAMING.sub("", said))) > MOST_KANA_AROUND:
        return None
    fits = []
    for key in shown.next:
        entry = topic.get(key)
        if entry is not None and _made_of(said, [*content.phrases(intent, key), entry.label]):
            fits.append(key)
    return fits[0] if len(fits) == 1 else None


def _made_of(said: str, phrases: list[str]) -> bool:
    """Whether the message names something and everything it names is among the phrases: a
    phrase it contains (「支払」 in 「支払いは」), or a word it names that is part of one (「支払」
    of the label 「オンラインで支払い」)."""
    phrases = [normalize(p) for p in phrases]
    rest, found = said, False
    for phrase in sorted(phrases, key=len, reverse=True):
        stripped = _without(rest, [phrase])
        found, rest = found or stripped != rest, stripped
    words = [w for p in phrases for w in _NAMING.findall(p)]
    named = _NAMING.findall(rest)
    return (found or bool(named)) and all(_part_of(n, phrases, words) for n in named)


def _part_of(name: str, phrases: list[str], words: list[str]) -> bool:
    """Whether a word the message names belongs to the button's phrases."""
    if name.isascii():
        return len(name) >= _STEM and any(w.startswith(name) for w in words)
    return any(name in p for p in phrases)


def _without(text: str, phrases: list[str]) -> str:
    """The text with each phrase taken out: Latin phrases as whole words, others anywhere."""
    for phrase in phrases:
        if phrase.isascii():
            text = re.sub(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])", " ", text)
        else:
            text = text.replace(phrase, " ")
    return text
