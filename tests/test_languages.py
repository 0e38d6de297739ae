"""Which language a resident is answered in: their own, unless a message is clearly in another.

Transcripts through real webhooks; the detection itself is tested in test_router.py.
"""

from __future__ import annotations

import pytest


def japanese(text: str) -> bool:
    """Whether a text has kana (an English answer has none)."""
    return any("\u3040" <= c <= "\u30ff" for c in text)


def first_text(reply) -> str:
    """The first line of a reply's first message (a card by its alt text): English answers
    quote Japanese screen words further down ("行政サービス")."""
    message = reply.messages[0]
    return (message.get("altText") or message.get("text", "")).splitlines()[0]


@pytest.mark.parametrize("words", ["?", "👍", "7-11", "1"])
def test_an_english_resident_sending_no_words_stays_in_english(english_resident, words):
    """A message with no language's words keeps the resident's language."""
    english_resident.follow()
    assert not japanese(first_text(english_resident.say(words)))


def test_an_english_sentence_with_a_japanese_term_is_answered_in_english(english_resident):
    english_resident.follow()
    assert not japanese(first_text(english_resident.say("Can I get 住民票 at 7-11?")))


@pytest.mark.parametrize("words", ["OK", "ＯＫ"])
def test_a_japanese_resident_typing_ok_is_answered_in_japanese(resident, words):
    resident.follow()
    assert japanese(resident.say(words).text)
