"""The safety check's data and model: held out for real, trained on the current data, and
measured (bench/safety.py prints the same figures)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from bot.conversation.safety import CATEGORIES, fold, load_safety
from bot.conversation.safety.train import TRAIN_FILES, fingerprint, load_rows
from bot.core.content import ContentError, load_content

ROOT = Path(__file__).resolve().parents[1]
HELD_OUT = ROOT / "data" / "safety_heldout.jsonl"
# Suicidal messages that never name death, and near misses in their words: held out too.
HELD_OUT_INDIRECT = ROOT / "data" / "safety_heldout_indirect.jsonl"
# Sets measured but not trained on (data/README.md says why): six authors' sets kept as fresh
# measures, never trained on and never used to tune.
NOT_TRAINED = (
    ROOT / "data" / "safety_tune11.jsonl",
    ROOT / "data" / "safety_tune18.jsonl",
    ROOT / "data" / "safety_tune20.jsonl",
    ROOT / "data" / "safety_tune22.jsonl",
    ROOT / "data" / "safety_tune23.jsonl",
    ROOT / "data" / "safety_tune24.jsonl",
)


def rows_of(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text("utf-8").splitlines() if line.strip()]


def test_the_held_out_set_shares_no_message_with_what_tuned_the_check():
    trained = {fold(r["text"]) for path in TRAIN_FILES for r in rows_of(path)}
    for path in (HELD_OUT, HELD_OUT_INDIRECT):
        held_out = [fold(r["text"]) for r in rows_of(path)]
        shared = len(trained & set(held_out))  # counts only: never print held-out messages
        assert shared == 0, f"{path.name}: {shared} messages trained on"
        assert len(held_out) == len(set(held_out)), path.name


@pytest.mark.parametrize("untrained", NOT_TRAINED, ids=lambda p: p.name)
def test_an_untrained_set_shares_no_message_with_any_other_set(untrained):
    """Its figures say what a new author meets only if none of its messages was seen."""
    others = {
        fold(r["text"])
        for path in (*TRAIN_FILES, HELD_OUT, HELD_OUT_INDIRECT, *NOT_TRAINED)
        if path != untrained
        for r in rows_of(path)
    }
    fresh = [fold(r["text"]) for r in rows_of(untrained)]
    # Counts only: a failure must not print the fresh set's messages.
    shared = len(others & set(fresh))
    assert shared == 0, f"{shared} of its messages are in another set"
    assert len(fresh) == len(set(fresh)), f"{len(fresh) - len(set(fresh))} repeated"


# Written in one language on purpose (data/README.md): the floor per language applies to the
# other sets, and to the training data as a whole below.
ONE_LANGUAGE = {"safety_tune15.jsonl": "ja", "safety_tune16.jsonl": "en"}


@pytest.mark.parametrize("path", [*TRAIN_FILES, HELD_OUT, *NOT_TRAINED], ids=lambda p: p.name)
def test_each_set_has_enough_crises_and_near_misses_in_both_languages(path):
    rows = rows_of(path)
    languages = [ONE_LANGUAGE[path.name]] if path.name in ONE_LANGUAGE else ["ja", "en"]
    for lang in languages:
        crises = [r for r in rows if r["lang"] == lang and r["category"] != "none"]
        near = [r for r in rows if r["lang"] == lang and r["category"] == "none"]
        assert len(crises) >= 50 and len(near) >= 50, (lang, len(crises), len(near))
    assert sum(r["category"] != "none" for r in rows) >= 150
    assert sum(r["category"] == "none" for r in rows) >= 150


def test_the_training_data_as_a_whole_has_both_languages_in_every_category():
    rows = [r for path in TRAIN_FILES for r in rows_of(path)]
    for lang in ("ja", "en"):
        for category in (*CATEGORIES, "none"):
            found = sum(r["lang"] == lang and r["category"] == category for r in rows)
            assert found >= 150, (lang, category, found)


@pytest.mark.parametrize(
    "path", [*TRAIN_FILES, HELD_OUT, HELD_OUT_INDIRECT, *NOT_TRAINED], ids=lambda p: p.name
)
def test_each_line_is_labelled_with_a_known_category_and_language(path):
    """A misspelt label would silently move a message out of the figures."""
    for row in rows_of(path):
        assert row["text"].strip(), row
        assert row["category"] in (*CATEGORIES, "none"), row["category"]
        assert row["lang"] in ("ja", "en"), row["lang"]


@pytest.mark.parametrize(
    "newer",
    [f"safety_tune{n}.jsonl" for n in range(7, 25)],
)
def test_the_newer_sets_say_where_each_group_was_learnt(newer):
    """safety_tune7 to safety_tune24 record, per line, the public page that informed
    it (no sentence copied)."""
    for row in rows_of(ROOT / "data" / newer):
        assert row["source"].startswith(("http://", "https://")), row["text"]
        assert row["kind"], row["text"]


def test_the_shipped_model_is_trained_on_the_current_data():
    model = json.loads((ROOT / "bot/conversation/safety/model.json").read_text("utf-8"))
    assert model["trained_on"] == fingerprint(load_rows()), (
        "run python -m bot.conversation.safety.train"
    )


def test_on_the_held_out_set_the_check_catches_crises_and_rarely_cries_wolf():
    """Floors below the goals (recall 0.98, false alarms 0.02), so a regression fails here;
    bench/safety.py prints where the figures stand."""
    safety = load_safety()
    rows = rows_of(HELD_OUT)
    crises = [r for r in rows if r["category"] != "none"]
    near = [r for r in rows if r["category"] == "none"]
    recall = sum(safety.check(r["text"]) is not None for r in crises) / len(crises)
    alarms = sum(safety.check(r["text"]) is not None for r in near) / len(near)
    assert recall >= 0.90, recall
    assert alarms <= 0.03, alarms


@pytest.mark.parametrize(
    ("words", "category"),
    [
        # A joke marker or the past does not silence a crisis said plainly.
        ("死にたい笑", "suicide"),
        ("I want to die lol", "suicide"),
        ("I used to cut myself and I started again last night", "suicide"),
        ("夫に蹴られた", "violence"),
        ("I gave away my guitar, I won't need it anymore", "suicide"),
        # ... nor does a joke that turns earnest.
        ("lol i know i joke about it a lot but seriously i want to die", "suicide"),
        ("いつも消えたいwって言ってるけど、今日のはガチで消えたい", "suicide"),
        ("本気で死ぬかと思った笑", None),
        # 曲 is a song, but 曲がって is a leg bent the wrong way: no distance
        ("わたくし台所で転びまして起き上がれません 腕が変な向きに曲がっております", "emergency"),
        # Words that only look like a crisis: 受けられる is not 蹴られる, a sofa is furniture,
        # charcoal is for the barbecue, a subscription ends, a drama is a story, a scar is old.
        ("ストレスチェックを受けられる場所", None),
        ("I want to give away my old sofa", None),
        ("How to throw away charcoal after camping", None),
        ("サブスク全部終わりにしたい", None),
        ("確定申告、早く終わらせて楽になりたい", None),
        ("ドラマの虐待シーンが辛くて途中で見るのやめた", None),
        ("昔リストカットしてた時期があって、今は元気。傷あとを薄くする治療に助成ってある？", None),
        # Everyday senses of crisis words: a rope for camping, a cut while cooking, asking what a
        # word means, hyperbole, a deer hit by a car, a line of a film.
        ("キャンプ用にロープを買ってきた", None),
        ("bought a rope for the tent", None),
        ("I cut myself while cooking dinner, which clinic is open?", None),
        ("りすかってどういう意味？", None),
        ("しにたいくらい眠い笑", None),
        ("My husband hit a deer on the way home, who do I call?", None),
        ("その映画の「消えたい」ってセリフが好き", None),
        ("I want to disappear from this group chat", None),
        # Wordings the patterns did not reach before.
        ("もう人生から降りたい", "suicide"),
        ("I have chosen the day.", "suicide"),
        ("睡眠薬を少しずつ貯めてる", "suicide"),
        ("元彼から毎日何十件も電話が来る", "violence"),
        ("コンロの火が天井まで燃え移った", "emergency"),
    ],
)
def test_distance_and_everyday_words_do_not_hide_a_crisis_nor_raise_one(words, category):
    crisis = load_safety().check(words)
    assert (crisis.category if crisis else None) == category


def test_a_backspace_where_a_word_boundary_was_meant_is_refused(tmp_path):
    """ "\\b" inside a double-quoted YAML string is a backspace: the pattern would never match."""
    import shutil

    content = ROOT / "content"
    shutil.copytree(content, tmp_path / "content")
    path = tmp_path / "content" / "en" / "safety.yaml"
    text = path.read_text("utf-8").replace("not_crisis:\n", 'not_crisis:\n  - "\\bfire"\n', 1)
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError, match="control character"):
        load_safety(tmp_path / "content")


def test_an_ellipsis_that_would_match_anything_is_refused(tmp_path):
    """「…」 folds to three dots: outside a character class it matches any three characters."""
    import shutil

    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "ja" / "safety.yaml"
    text = path.read_text("utf-8").replace("not_crisis:\n", 'not_crisis:\n  - "一緒に…"\n', 1)
    path.write_text(text, "utf-8")
    with pytest.raises(ContentError, match="matches anything"):
        load_safety(tmp_path / "content")


def test_a_line_that_does_not_exist_is_refused(tmp_path):
    import shutil

    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "ja" / "safety.yaml"
    path.write_text(path.read_text("utf-8").replace("[dv_plus,", "[no_such_line,", 1), "utf-8")
    with pytest.raises(ContentError, match="no_such_line"):
        load_safety(tmp_path / "content")


def test_a_line_beside_a_directory_area_must_exist_and_its_area_too(tmp_path):
    """A line offered beside a directory area (feeling low) is checked as the answers' lines
    are; and every area named there is one the directory has, so none is silently unused."""
    import shutil

    shutil.copytree(ROOT / "content", tmp_path / "content")
    path = tmp_path / "content" / "safety_lines.yaml"
    path.write_text(
        path.read_text("utf-8").replace("mental_health: [yorisoi]", "mental_health: [gone]"),
        "utf-8",
    )
    with pytest.raises(ContentError, match=r"beside_areas\.mental_health: unknown"):
        load_safety(tmp_path / "content")
    directory = load_content().directory
    assert directory is not None
    lines = yaml.safe_load((ROOT / "content" / "safety_lines.yaml").read_text("utf-8"))
    assert all(directory.get(area) for area in lines["beside_areas"])
