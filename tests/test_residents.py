"""Understanding judged on residents' words: the held-out sets stay held out, and the bot keeps
the figures bench/residents.py prints above their floors."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest

from bot.conversation.router.details_train import DETAIL_FILES
from bot.conversation.router.text import fold
from bot.conversation.router.train import ROUTER_FILES
from bot.core.text import normalize

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "bench"))

import residents as bench  # noqa: E402

DATA = ROOT / "data"
# Every file the router or the details model is trained on.
TRAINED_ON = sorted({*ROUTER_FILES, *DETAIL_FILES})
HELD_OUT = [DATA / "residents_heldout.jsonl", DATA / "followups_heldout.jsonl"]


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def folded(text: str) -> str:
    """The form two messages are compared in: NFKC, lower case, kana and spacing folded."""
    return fold(normalize(text)).replace(" ", "")


@pytest.mark.parametrize("held_out", HELD_OUT, ids=lambda p: p.name)
def test_no_held_out_message_is_trained_on(held_out):
    trained = {folded(r["text"]) for path in TRAINED_ON for r in rows_of(path)}
    texts = [folded(r["text"]) for r in rows_of(held_out)]
    # Counts only: a failure must not print the held-out messages (reading them spoils them).
    shared = len(trained & set(texts))
    assert shared == 0, f"{shared} held-out messages are in a training file"
    assert len(texts) == len(set(texts)), f"{len(texts) - len(set(texts))} repeated"


def test_the_details_model_trains_on_no_held_out_file():
    assert not set(DETAIL_FILES) & set(HELD_OUT)


def test_the_held_out_set_mirrors_what_residents_send():
    rows = rows_of(DATA / "residents_heldout.jsonl")
    assert len(rows) >= 400
    other_services = [r for r in rows if r["intent"] == "unknown" and r["area"]]
    assert len(other_services) / len(rows) >= 0.5
    assert sum(r["lang"] == "en" for r in rows) / len(rows) >= 0.10
    assert all(r["source"].startswith(("https://", "http://")) for r in rows)


def test_the_shipped_details_model_is_trained_on_the_current_data():
    details = json.loads((ROOT / "bot/conversation/router/details.json").read_text("utf-8"))
    from bot.conversation.router.details_train import content_rows, load_labelled
    from bot.core.content import load_content

    rows = load_labelled(DETAIL_FILES) + content_rows(load_content())
    trained = sum(part["trained_on"] for part in details["intents"].values())
    counted = sum(1 for _, intent, _ in rows if intent in details["intents"])
    assert trained == counted, "data changed: run python -m bot.conversation.router.train"


@pytest.fixture(scope="module")
def figures() -> dict[str, float]:
    return bench.heldout_figures(bench.judge(rows_of(bench.HELDOUT)))


def test_residents_questions_get_the_right_intent(figures):
    # asking back counted as wrong: the strict figure
    assert figures["strict_accuracy"] >= 0.95


def test_other_ward_services_are_told_apart_from_what_the_bot_answers(figures):
    assert figures["unknown_precision"] >= 0.90
    assert figures["unknown_recall"] >= 0.90


def test_the_bot_is_rarely_confidently_wrong(figures):
    assert figures["confident_wrong"] <= 0.02


def test_the_answer_inside_the_topic_and_the_ward_service_are_mostly_right(figures):
    assert figures["entry_accuracy"] >= 0.90
    assert figures["area_accuracy"] >= 0.85


def test_follow_ups_after_an_answer_are_read_in_its_light():
    accuracy, _ = bench.follow_up_accuracy(rows_of(DATA / "followups_heldout.jsonl"))
    assert accuracy >= 0.75
