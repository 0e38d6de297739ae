"""A resident in crisis who writes in a language the bot does not answer in (Chinese, Korean,
Vietnamese, Nepali, Tagalog, Portuguese, Spanish) gets the help lines at once, in English, and
not the note that this LINE answers only in Japanese and English.

Transcripts through real signed webhooks; the patterns are content/safety_other_languages.yaml.
"""

from __future__ import annotations

import logging
import pathlib

import pytest
from sqlalchemy import func, select

from bot.conversation.safety.check import _load_safety
from bot.core.content_files import ContentError
from bot.core.models import QuestionCount, SafetyCount, UnansweredQuestion
from tests.test_safety import LINES, tel_links

ROOT = pathlib.Path(__file__).resolve().parents[1]

CRISES = [
    ("我想死", "suicide"),
    ("活不下去了，想结束这一切", "suicide"),
    ("죽고 싶어요", "suicide"),
    ("Tôi muốn chết", "suicide"),
    ("toi khong muon song nua", "suicide"),
    ("मलाई मर्न मन छ", "suicide"),
    ("gusto ko nang mamatay", "suicide"),
    ("Eu quero morrer", "suicide"),
    ("no quiero vivir más", "suicide"),
    ("着火了！快来人", "emergency"),
    ("불이 났어요 살려주세요", "emergency"),
    ("Socorro! Tá pegando fogo na casa do vizinho", "emergency"),
    ("老公喝醉了又打我", "violence"),
    ("Mi esposo me pega cuando bebe", "violence"),
    ("옆집에서 아이를 때리는 소리가 매일 들려요", "child_abuse"),
    # Indirect ones, found since a fifth author's set (2026-12-05): a burden, goodbyes, no point
    # any more, papers taken, a neighbour's child heard being hit
    ("我总是拖累家人", "suicide"),
    ("살아서 뭐하나 싶어요", "suicide"),
    ("para todos soy una carga", "suicide"),
    ("ayoko nang maging pabigat, pabigat lang ako sa kanila", "suicide"),
    ("cansei de tudo, de verdade", "suicide"),
    ("Chồng tôi giữ hộ chiếu của tôi", "violence"),
    ("Mi novio me quitó el pasaporte, no puedo salir", "violence"),
    ("Tuwing gabi naririnig ko ang palo sa kabilang bahay", "child_abuse"),
    # ... and with a Japanese loanword in katakana, which foreign residents use every day: the
    # Chinese, Korean and Nepali words were read only in messages without kana
    ("男朋友把我锁在アパート里，说再闹就打死我", "violence"),
    ("アパート 앞에서 할아버지가 쓰러지셨어요", "emergency"),
    # ... a sixth author's set (2026-12-05): sleeping and not waking, a letter and a bridge
    ("quisiera dormirme y ya no despertar", "suicide"),
    ("deixei uma carta pra minha familia, hoje acaba tudo", "suicide"),
]

NEAR_MISSES = [
    "想死你了！下次一起吃饭",  # "I miss you so much"
    "笑死我了",  # "so funny"
    "배고파 죽겠다",  # "starving"
    "mệt muốn chết",  # "dead tired"
    "quiero morir de risa",
    "morrendo de rir kkkk",
    "¿Cuándo es el simulacro de incendio del barrio?",
    "아파트 화재 대피 훈련은 언제예요?",
    "普通救命講習　日程　板橋",  # Japanese without kana: a first-aid class
    "nho anh muon chet luon, bao gio gap?",  # "I miss you to death"
    "ゴミ出し 曜日 板橋",  # Japanese with katakana and no hiragana: a ward question
]


@pytest.mark.parametrize(("words", "category"), CRISES)
def test_a_crisis_in_another_language_gets_the_lines_in_english(english_resident, words, category):
    reply = english_resident.say(words)
    assert len(reply.messages) == 1
    assert LINES[category] <= tel_links(reply), reply.text
    assert "Source:" in reply.text
    assert "answers only in" not in reply.text


def test_a_resident_who_chose_japanese_is_answered_in_english_too(resident):
    """The language of the message, not of the setting: 「我想死」 from a resident whose
    setting is Japanese (a LINE in Japanese, a message in Chinese) is answered in English, as
    other messages in Chinese are."""
    reply = resident.say("我想死")
    assert LINES["suicide"] <= tel_links(reply)
    assert "Source:" in reply.text and "出典" not in reply.text


@pytest.mark.parametrize("words", NEAR_MISSES)
def test_the_languages_own_hyperbole_gets_no_lines(english_resident, words):
    reply = english_resident.say(words)
    assert not tel_links(reply) & (LINES["suicide"] | LINES["emergency"]), reply.text


def test_such_a_message_is_kept_nowhere_but_as_a_count(english_resident, app, caplog):
    words = ["我想死", "죽고 싶어요", "Eu quero morrer", "着火了！"]
    with caplog.at_level(logging.DEBUG):
        for said in words:
            english_resident.say(said)
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(func.count()).select_from(UnansweredQuestion)) == 0
        assert db.scalar(select(func.count()).select_from(QuestionCount)) == 0
        counted = dict(db.execute(select(SafetyCount.category, SafetyCount.count)).all())
    assert counted == {"suicide": 3, "emergency": 1}
    for said in words:
        assert said not in caplog.text


def _content_with(tmp_path: pathlib.Path, old: str, new: str) -> pathlib.Path:
    """A copy of content/ with one change to safety_other_languages.yaml."""
    import shutil

    root = tmp_path / "content"
    shutil.copytree(ROOT / "content", root)
    path = root / "safety_other_languages.yaml"
    text = path.read_text("utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), "utf-8")
    return root


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("      emergency:\n", "      fire:\n", "unknown categories"),
        ('"죽고싶|', '"죽고싶(|', "missing"),
    ],
)
def test_a_staff_edit_that_breaks_the_file_names_it(tmp_path, old, new, message):
    root = _content_with(tmp_path, old, new)
    with pytest.raises(ContentError, match=message) as raised:
        _load_safety(root)
    assert "safety_other_languages.yaml" in str(raised.value)


OTHER_SETS = sorted((ROOT / "data").glob("other_languages_safety_*.jsonl"))


def _rows(path: pathlib.Path) -> list[dict]:
    import json

    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


@pytest.mark.parametrize("path", OTHER_SETS, ids=lambda p: p.name)
def test_each_other_language_set_has_crises_and_near_misses_in_every_language(path):
    """A misspelt label or language would silently move a message out of bench/safety.py's
    figures; each language needs enough of both to say anything."""
    languages = set(_load_safety(ROOT / "content").other_languages.languages)  # type: ignore[union-attr]
    languages = {lang.split("_")[0] for lang in languages}
    rows = _rows(path)
    for row in rows:
        assert row["text"].strip() and row["lang"] in languages, row["lang"]
        assert row["category"] in ("emergency", "suicide", "child_abuse", "violence", "none")
    for lang in languages:
        crises = sum(r["lang"] == lang and r["category"] != "none" for r in rows)
        near = sum(r["lang"] == lang and r["category"] == "none" for r in rows)
        assert crises >= 10 and near >= 10, (lang, crises, near)


def test_the_held_out_set_shares_no_message_with_the_sets_tuned_on():
    held_out = {r["text"] for r in _rows(ROOT / "data" / "other_languages_safety_heldout.jsonl")}
    tuned = {r["text"] for path in OTHER_SETS if "tune" in path.name for r in _rows(path)}
    assert not held_out & tuned, f"{len(held_out & tuned)} shared"  # counts only: unread
