"""A topic made only of content: one catalogue entry and one YAML per language, no Python.

The test copies content/ aside, adds 粗大ごみ (bulky waste) the way a content editor would, and
starts the bot on it: the topic is routed from its example questions, answered entry by entry,
offered among the menu's quick replies and in 受信設定, and drawn on the dashboard.
"""

from __future__ import annotations

import shutil
import textwrap
from pathlib import Path

import pytest

from bot.core.catalogue import subscribable_topics
from bot.core.content_files import content_root
from tests.admin_helpers import console_client, log_in, make_user
from tests.conftest import Resident

CATALOGUE_LINE = """
  - id: bulky_waste
    answers: true
    menu: 7
    subscribe: 6
    colour: "#117733"
"""

TOPIC_FILE = {
    "ja": """
        topic: bulky_waste
        label: 粗大ごみ
        name: 粗大ごみ
        examples:
          - 粗大ごみの出し方を教えて
          - 粗大ごみを捨てたい
          - ソファを粗大ごみで出したい
          - 粗大ごみの申し込み方法
          - 粗大ごみの収集はいつ
        entries:
          - key: overview
            label: 粗大ごみ
            title: 粗大ごみの出し方
            text: 粗大ごみは申し込みが必要です。区の粗大ごみ受付センターにお申し込みください。
            source: https://www.city.itabashi.tokyo.jp/
            checked: 2026-12-01
            next: [fee]
          - key: fee
            label: 手数料
            match: [手数料, いくら, 料金]
            title: 粗大ごみの手数料
            text: 手数料は品目ごとに決まっています。申し込みのときにお知らせします。
            source: https://www.city.itabashi.tokyo.jp/
            checked: 2026-12-01
    """,
    "en": """
        topic: bulky_waste
        label: Bulky waste
        name: Bulky waste
        examples:
          - how do I throw away a sofa
          - bulky waste collection
          - oversized garbage pickup
        entries:
          - key: overview
            label: Bulky waste
            title: Putting out bulky waste
            text: Bulky waste needs an application to the ward's bulky waste centre.
            source: https://www.city.itabashi.tokyo.jp/
            checked: 2026-12-01
            next: [fee]
          - key: fee
            label: Fee
            match: [fee, how much, cost]
            title: Bulky waste fees
            text: Each item has its own fee, given when you apply.
            source: https://www.city.itabashi.tokyo.jp/
            checked: 2026-12-01
    """,
}


@pytest.fixture
def content_with_a_new_topic(tmp_path, monkeypatch) -> Path:
    """content/ as a copy, with 粗大ごみ added as data only."""
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    with (root / "topics.yaml").open("a", encoding="utf-8") as fh:
        fh.write(CATALOGUE_LINE)
    for lang, text in TOPIC_FILE.items():
        (root / lang / "bulky_waste.yaml").write_text(textwrap.dedent(text), encoding="utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(root))
    return root


@pytest.fixture
def bot_with_a_new_topic(content_with_a_new_topic, app):
    """conftest's app, built after the content was edited (fixtures run in argument order)."""
    return app


@pytest.fixture
def resident_of(bot_with_a_new_topic, standin, events) -> Resident:
    user_id = "U" + "b" * 32
    standin.add_profile(user_id, "板橋 次郎", language="ja")
    return Resident(bot_with_a_new_topic.test_client(), standin, events, user_id)


def test_the_new_topic_is_routed_and_answered_from_its_content(resident_of):
    reply = resident_of.say("粗大ごみの出し方を知りたいです")
    assert "粗大ごみの出し方" in reply.text
    assert "手数料" in reply.labels  # its entry's next question


def test_its_entries_answer_the_sub_question(resident_of):
    resident_of.say("粗大ごみを捨てたい")
    reply = resident_of.say("手数料はいくら？")
    assert "品目ごと" in reply.text


def test_it_is_offered_among_the_menu_topics(resident_of):
    reply = resident_of.say("こんにちは")
    assert "粗大ごみ" in reply.labels
    reply = resident_of.tap("粗大ごみ")
    assert "粗大ごみの出し方" in reply.text


def test_residents_can_choose_its_announcements(resident_of):
    assert "bulky_waste" in subscribable_topics()
    resident_of.follow()
    reply = resident_of.say("受信設定")
    assert any("粗大ごみ" in label for label in reply.labels)


def test_the_dashboard_draws_its_questions(bot_with_a_new_topic, resident_of):
    resident_of.say("粗大ごみの出し方を教えて")
    console = console_client(bot_with_a_new_topic)
    log_in(console, make_user(bot_with_a_new_topic, "manager"))
    page = console.get("/admin/dashboard").get_data(as_text=True)
    assert "粗大ごみ" in page
    assert "#117733" in page  # its colour from the catalogue
