"""Staff read what residents asked that the bot could not answer, grouped, most frequent first."""

import json
import os
import subprocess
import sys

from bot.residents.unanswered import group_questions


def test_similar_wordings_fall_into_one_group_and_the_biggest_group_comes_first():
    groups = group_questions(
        [
            "粗大ごみの出し方を教えて",
            "粗大ごみの出し方を教えてください",
            "粗大ごみの出し方",
            "児童手当はいくら？",
            "粗大ごみの出し方を教えて",
        ]
    )
    assert [g.count for g in groups] == [4, 1]
    assert groups[0].example == "粗大ごみの出し方を教えて"
    assert "児童手当" in groups[1].example


def test_width_and_case_variants_count_as_the_same_question():
    groups = group_questions(["ＰＡＲＫＩＮＧ permit", "parking permit"])
    assert len(groups) == 1 and groups[0].count == 2


def test_cli_lists_what_residents_asked(resident, settings):
    resident.say("区長の好きな食べ物を教えて")
    resident.say("区長の好きな食べ物を教えてください")
    resident.say("宇宙人はいますか")
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "unanswered", "--json"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    groups = json.loads(result.stdout)
    assert groups[0]["count"] == 2 and "区長" in groups[0]["example"]
    assert groups[1]["count"] == 1
