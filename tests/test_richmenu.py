"""The rich menu as code: the YAML validates, its tiles open the six topics, the picture fits,
and deploying it through the gateway gives the strict stand-in a menu it accepts as default."""

from __future__ import annotations

import pathlib
import shutil

import pytest
import yaml

from bot.core.catalogue import load_topics
from bot.line.gateway import LineGateway
from bot.line.postback import Postback
from bot.line.richmenu import (
    MAX_IMAGE_BYTES,
    RichMenuDefinition,
    RichMenuError,
    deploy_rich_menu,
    load_rich_menu,
    png_size,
)
from tests.conftest import ACCESS_TOKEN

MENU_TOPICS = load_topics().menu

CONTENT = pathlib.Path(__file__).resolve().parent.parent / "content"


@pytest.fixture(scope="module")
def menu() -> RichMenuDefinition:
    """The real menu from content/."""
    return load_rich_menu()


def test_the_definition_validates_within_lines_limits(menu):
    assert 800 <= menu.size.width <= 2500 and menu.size.height >= 250
    assert menu.size.width / menu.size.height >= 1.45
    assert (menu.size.width, menu.size.height) == (2500, 1686)
    assert menu.chat_bar_text == "メニュー"
    assert len(menu.areas) <= 20


def test_six_areas_in_menu_order_cover_the_menu_without_overlap(menu):
    assert [a.intent for a in menu.areas] == list(MENU_TOPICS)
    assert [a.label.ja for a in menu.areas] == [
        "オンライン申請",
        "コンビニ交付",
        "スマホ教室",
        "マイナンバーカード",
        "受信設定",
        "お問い合わせ",
    ]
    for area in menu.areas:
        b = area.bounds
        assert b.x >= 0 and b.y >= 0
        assert b.x + b.width <= menu.size.width and b.y + b.height <= menu.size.height
    for i, one in enumerate(menu.areas):
        for other in menu.areas[i + 1 :]:
            assert not one.bounds.overlaps(other.bounds)
    # Inside the menu and apart, so equal total area means every pixel is in exactly one tile.
    assert sum(a.bounds.width * a.bounds.height for a in menu.areas) == (
        menu.size.width * menu.size.height
    )


def test_top_row_then_bottom_row(menu):
    top, bottom = menu.areas[:3], menu.areas[3:]
    assert all(a.bounds.y == 0 for a in top)
    assert all(a.bounds.y == top[0].bounds.height for a in bottom)
    assert [a.bounds.x for a in top] == sorted(a.bounds.x for a in top)
    assert [a.bounds.x for a in bottom] == [a.bounds.x for a in top]


def test_each_area_sends_the_topic_postback_and_shows_its_label(menu):
    for area, intent in zip(menu.to_line_json()["areas"], MENU_TOPICS, strict=True):
        action = area["action"]
        assert action["type"] == "postback"
        postback = Postback.unpack(action["data"])
        assert postback == Postback("topic", {"i": intent})
        assert action["data"] == f"v1|topic|i={intent}"
        assert len(action["data"]) <= 300
        assert action["displayText"] == action["label"]
        assert 1 <= len(action["label"]) <= 20


def test_line_json_is_a_rich_menu_object(menu):
    body = menu.to_line_json()
    assert set(body) == {"size", "selected", "name", "chatBarText", "areas"}
    assert body["selected"] is True
    assert body["size"] == {"width": 2500, "height": 1686}
    assert body["chatBarText"] == "メニュー"
    assert all(set(a) == {"bounds", "action"} for a in body["areas"])


def test_the_picture_is_a_png_of_the_menus_size_under_1_mb(menu):
    data, content_type = menu.image_bytes()
    assert content_type == "image/png"
    assert png_size(data) == (menu.size.width, menu.size.height)
    assert len(data) < MAX_IMAGE_BYTES


def test_deploy_creates_an_accepted_menu_and_makes_it_the_default(menu, standin):
    standin.clear()
    gateway = LineGateway(ACCESS_TOKEN, standin.base_url)
    try:
        menu_id = deploy_rich_menu(gateway, menu)
    finally:
        gateway.close()
    assert standin.default_rich_menu_id == menu_id
    created = standin.rich_menus[menu_id]
    assert created["chatBarText"] == "メニュー"
    assert [Postback.unpack(a["action"]["data"]).params["i"] for a in created["areas"]] == list(
        MENU_TOPICS
    )


# Broken definitions: each is the real YAML with one field spoiled, written to tmp_path.


def broken(tmp_path, spoil) -> pathlib.Path:
    """A copy of the real menu (YAML and PNG) in tmp_path, with `spoil(data)` applied."""
    data = yaml.safe_load((CONTENT / "richmenu.yaml").read_text(encoding="utf-8"))
    spoil(data)
    (tmp_path / "richmenu.yaml").write_text(
        yaml.safe_dump(data, allow_unicode=True), encoding="utf-8"
    )
    shutil.copy(CONTENT / "richmenu.png", tmp_path / "richmenu.png")
    return tmp_path


def test_an_area_outside_the_menu_is_refused_by_name(tmp_path):
    def spoil(data):
        data["areas"][5]["bounds"]["width"] = 900

    with pytest.raises(RichMenuError, match=r"areas\[5\]\.bounds"):
        load_rich_menu(broken(tmp_path, spoil))


def test_a_chat_bar_text_over_14_characters_is_refused_by_name(tmp_path):
    def spoil(data):
        data["chatBarText"] = "板橋区のメニューはこちらをタップしてね"

    with pytest.raises(RichMenuError, match="chatBarText"):
        load_rich_menu(broken(tmp_path, spoil))


@pytest.mark.parametrize(
    ("spoil", "field"),
    [
        (lambda d: d["areas"][1]["bounds"].update(x=800), r"areas\[1\]\.bounds: overlaps"),
        (lambda d: d["areas"][2].update(intent="greeting"), r"areas\[2\]\.intent"),
        (lambda d: d["areas"][5].update(intent="online_application"), r"areas\[5\]\.intent"),
        (lambda d: d["areas"][0]["label"].update(ja="オ" * 21), r"areas\[0\]\.label\.ja"),
        (lambda d: d["areas"][3]["label"].update(lines=["マイナ", "カード"]), r"areas\[3\]\.label"),
        (lambda d: d["size"].update(width=2600), r"size\.width"),
        (lambda d: d["size"].update(height=2000), "size: width / height"),
        (lambda d: d.update(areas=d["areas"] * 4), "areas: List should have at most 20"),
        (lambda d: d.update(colour="green"), "colour: Extra inputs"),
    ],
)
def test_other_broken_fields_are_refused_by_name(tmp_path, spoil, field):
    with pytest.raises(RichMenuError, match=field):
        load_rich_menu(broken(tmp_path, spoil))


def test_a_picture_of_the_wrong_size_is_refused_before_any_call(tmp_path):
    from tests.test_gateway import solid_png

    root = broken(tmp_path, lambda d: None)
    (root / "richmenu.png").write_bytes(solid_png(2500, 1600))
    definition = load_rich_menu(root)

    class NoCalls:
        def create_rich_menu(self, *args):
            """Fail the test: a bad picture must be caught before LINE is asked."""
            raise AssertionError("the gateway must not be called")

    with pytest.raises(RichMenuError, match="2500x1600"):
        deploy_rich_menu(NoCalls(), definition)


def test_a_truncated_picture_is_refused(tmp_path):
    root = broken(tmp_path, lambda d: None)
    data = (root / "richmenu.png").read_bytes()
    (root / "richmenu.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(RichMenuError, match="not a complete PNG"):
        load_rich_menu(root).image_bytes()


def test_cli_deploys_the_menu_to_the_api(standin, tmp_path):
    import os
    import subprocess
    import sys

    standin.clear()
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": "s",
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": f"sqlite:///{tmp_path / 'unused.db'}",
    }
    result = subprocess.run(
        [sys.executable, "-m", "bot", "richmenu", "deploy"],
        env=env,
        capture_output=True,
        text=True,
        check=True,
    )
    assert standin.default_rich_menu_id in result.stdout
