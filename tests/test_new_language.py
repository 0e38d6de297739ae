"""A new language: one catalogue line and its content folder, no Python.

The test adds a complete language (here a copy of the English content with its own words, as a
translator would start) and a resident whose LINE is set to it is welcomed, answered and offered
it in 受信設定 in that language.
"""

from __future__ import annotations

import shutil

import pytest

from bot.core.content_files import content_root
from tests.conftest import Resident

CATALOGUE_LINE = """
  - code: de
    name: Deutsch
    latin: true
    profile: [de]
    when: "{weekday}, {day}. {month_name} {time}"
    short_when: "{weekday} {day}.{month}. {time}"
    until: "–"
    weekdays: [Mo, Di, Mi, Do, Fr, Sa, So]
    months: [Jan, Feb, Mär, Apr, Mai, Jun, Jul, Aug, Sep, Okt, Nov, Dez]
"""


@pytest.fixture
def content_with_a_new_language(tmp_path, monkeypatch):
    """content/ as a copy, with a language added as data only."""
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    shutil.copytree(root / "en", root / "de")
    languages = (root / "languages.yaml").read_text("utf-8")
    languages = languages.replace("\nprofile_other:", CATALOGUE_LINE + "profile_other:")
    (root / "languages.yaml").write_text(languages, "utf-8")
    for name, old, new in (
        ("ui.yaml", "Thank you for adding", "Danke, dass Sie uns hinzugefügt haben"),
        (
            "konbini_certificate.yaml",
            "Certificates at convenience stores",
            "Konbini-Bescheinigungen",
        ),
    ):
        path = root / "de" / name
        path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
    monkeypatch.setenv("CONTENT_DIR", str(root))


@pytest.fixture
def bot_with_a_new_language(content_with_a_new_language, app):
    """conftest's app, built after the content was edited (fixtures run in argument order)."""
    return app


@pytest.fixture
def german_resident(bot_with_a_new_language, standin, events) -> Resident:
    user_id = "U" + "d" * 32
    standin.add_profile(user_id, "Erika Muster", language="de")
    return Resident(bot_with_a_new_language.test_client(), standin, events, user_id)


def test_a_resident_whose_line_speaks_it_is_welcomed_in_it(german_resident):
    reply = german_resident.follow()
    assert "Danke, dass Sie uns hinzugefügt haben" in reply.text


def test_answers_come_from_its_content(german_resident):
    german_resident.follow()
    reply = german_resident.tap("Konbini certificates")  # the menu label, from its ui.yaml
    assert "Konbini-Bescheinigungen" in reply.text


def test_it_is_offered_among_the_languages(bot_with_a_new_language, standin, events):
    user_id = "U" + "e" * 32
    standin.add_profile(user_id, "板橋 花子", language="ja")
    resident = Resident(bot_with_a_new_language.test_client(), standin, events, user_id)
    resident.follow()
    reply = resident.say("受信設定")
    assert "Deutsch" in reply.labels
    reply = resident.tap("Deutsch")
    assert resident.say("コンビニ交付").messages  # answered, now in Deutsch
