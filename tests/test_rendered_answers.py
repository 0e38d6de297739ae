"""Answers built from content alone are built once per content, entry and language, and shared
(handlers/common.py): the cache must answer with the words of the content in use, never change
what it hands out, and stay bounded."""

from __future__ import annotations

import shutil

from bot.core.content import load_content
from bot.core.content_files import content_root
from handlers import classes, common

KONBINI = "konbini_certificate"


def test_an_edited_content_answers_in_its_own_words(tmp_path):
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    topic = root / "ja" / f"{KONBINI}.yaml"
    original = load_content()
    old_title = original.entry(KONBINI, "overview", "ja").title
    said = topic.read_text("utf-8").replace(f"title: {old_title}\n", "title: 新しい見出し\n", 1)
    topic.write_text(said, "utf-8")
    edited = load_content(root)

    for content, title in ((original, old_title), (edited, "新しい見出し"), (original, old_title)):
        entry = content.entry(KONBINI, "overview", "ja")
        card = common.content_card(content, entry, KONBINI, "ja")
        assert card["contents"]["body"]["contents"][0]["text"] == title


def test_an_answer_is_built_once_per_entry_and_language():
    content = load_content()
    entry = content.entry(KONBINI, "hours", "ja")
    first = common.content_card(content, entry, KONBINI, "ja")
    assert common.content_card(content, entry, KONBINI, "ja") is first
    assert common.content_card(content, entry, KONBINI, "en") is not first
    # an equal entry that is not content's own is built for itself, not taken for it
    copy = entry.model_copy(update={"title": "別の見出し"})
    assert common.content_card(content, copy, KONBINI, "ja")["altText"].startswith("別の見出し")


def test_a_conversation_leaves_the_shared_answers_as_they_were(resident):
    content = load_content()
    entry = content.topic(KONBINI, "ja").overview()
    before = repr(common.content_card(content, entry, KONBINI, "ja"))
    first = resident.say("コンビニで住民票を取りたい")
    again = resident.say("コンビニで住民票を取りたい")
    assert first.messages == again.messages
    assert repr(common.content_card(content, entry, KONBINI, "ja")) == before


def test_every_cache_is_bounded():
    for cached in (
        common.menu_buttons,
        common._content_card,
        common._entry_answer,
        classes._entry_answer,
        classes._class_actions,
    ):
        assert cached.cache_info().maxsize == common.CACHED
