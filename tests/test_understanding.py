"""Understanding is a pure function: reset words, commands, routes and follow-ups, with plain
values and no database."""

from __future__ import annotations

import datetime as dt

import pytest

from bot.conversation.asking_back import entries_to_ask
from bot.conversation.button_words import button_named
from bot.conversation.router import Route
from bot.conversation.understanding import understand
from bot.core.content import load_content
from bot.core.models import ConversationContext

CONTENT = load_content()


def context(intent: str, entry_key: str | None = "overview") -> ConversationContext:
    return ConversationContext(
        follower_id=1,
        intent=intent,
        entry_key=entry_key,
        data={},
        expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
    )


def test_a_reset_word_alone_starts_over_whatever_the_route():
    meant = understand(Route("konbini_certificate", 0.9, "ja"), "メニュー", None, CONTENT, "ja")
    assert meant.reset


def test_a_command_the_bot_teaches_always_means_the_same():
    meant = understand(Route("unknown", 0.9, "ja"), "データ削除", None, CONTENT, "ja")
    assert (meant.intent, meant.how) == ("notification_settings", "command")


def test_a_vague_message_after_an_answer_is_a_follow_up_on_its_topic():
    route = Route("unknown", 0.4, "ja")
    meant = understand(route, "何時まで?", context("konbini_certificate"), CONTENT, "ja")
    assert (meant.intent, meant.how) == ("konbini_certificate", "follow_up")


def test_a_confident_new_question_changes_the_subject():
    route = Route("mynumber_card", 0.95, "ja")
    meant = understand(
        route, "マイナンバーカードの更新", context("konbini_certificate"), CONTENT, "ja"
    )
    assert (meant.intent, meant.how) == ("mynumber_card", "routed")


def test_the_same_sub_question_again_gets_the_same_answer_again():
    # 「何時まで？」 right after the hours: not another of the topic's questions, but the bot
    # would otherwise say it could not answer; the hours card answers it
    route = Route("unknown", 0.4, "ja")
    meant = understand(route, "何時まで?", context("konbini_certificate", "hours"), CONTENT, "ja")
    assert (meant.intent, meant.how, meant.entry) == ("konbini_certificate", "follow_up", "hours")


def test_the_last_answer_is_not_repeated_for_another_ward_service():
    route = Route("unknown", 0.9, "ja")
    meant = understand(
        route, "粗大ごみは何時まで?", context("konbini_certificate", "hours"), CONTENT, "ja"
    )
    assert meant.intent == "unknown"


def test_after_a_hello_the_next_words_are_a_new_question():
    # 「つかいかた」 read inside the greeting was answered 「どういたしまして」
    route = Route("help", 0.88, "ja")
    meant = understand(route, "つかいかた", context("greeting"), CONTENT, "ja")
    assert (meant.intent, meant.how) == ("help", "routed")


# -- with the shipped details model: entries, ward services, asking back ----------------------

from bot.conversation.choosing import Chooser  # noqa: E402
from bot.conversation.router import load_details, load_router  # noqa: E402

CHOOSER = Chooser(CONTENT, load_details())


def meaning(route: Route, text: str, last: ConversationContext | None = None):
    from bot.core.text import normalize

    return understand(route, normalize(text), last, CONTENT, "ja", CHOOSER)


def test_the_routed_topic_answers_the_narrower_question_asked():
    meant = meaning(Route("konbini_certificate", 0.95, "ja"), "コンビニで住民票取るといくら？")
    assert (meant.how, meant.entry) == ("routed", "fee")


def test_an_unknown_question_about_a_ward_service_names_its_area():
    meant = meaning(Route("unknown", 0.95, "ja"), "燃えないゴミは何曜日？")
    assert meant.area is not None and meant.area.area == "garbage"


def test_an_unknown_question_matching_no_service_has_no_area():
    meant = meaning(Route("unknown", 0.95, "ja"), "区長の好きな食べ物は？")
    assert meant.area is None and meant.how == "routed"


def test_an_unsure_route_with_a_rival_is_asked_back_with_both():
    route = Route("konbini_certificate", 0.45, "ja", (("mynumber_card", 0.35),))
    meant = meaning(route, "カードのこと")
    assert meant.how == "ask"
    assert [i for i, _ in meant.options] == ["konbini_certificate", "mynumber_card"]


def test_two_close_entries_are_asked_back_the_overview_being_one_of_them():
    meant = meaning(Route("online_application", 0.99, "ja"), "オンライン申請でできること")
    assert meant.how == "ask"
    assert set(meant.options) == {
        ("online_application", "overview"),
        ("online_application", "what_online"),
    }


def test_an_empty_message_in_a_topic_is_its_overview_never_a_question():
    # what a menu button amounts to: nothing narrower was asked
    meant = meaning(Route("online_application", 0.99, "ja"), "")
    assert (meant.how, meant.entry) == ("routed", "overview")


def test_small_talk_is_never_asked_which_entry():
    assert entries_to_ask("greeting", [("overview", 0.4), ("thanks", 0.35)]) == ()
    assert entries_to_ask("konbini_certificate", [("overview", 0.4), ("stores", 0.35)]) == (
        "overview",
        "stores",
    )
    assert entries_to_ask("konbini_certificate", [("hours", 0.95), ("overview", 0.05)]) == ()


def test_a_message_pointing_back_is_read_inside_the_last_topic():
    route = Route("smartphone_class", 0.9, "ja")
    meant = meaning(route, "それってスマホでできる？", context("online_application"))
    assert (meant.intent, meant.how) == ("online_application", "follow_up")


def test_a_message_naming_another_topic_is_a_new_subject():
    route = Route("mynumber_card", 0.95, "ja")
    meant = meaning(route, "マイナンバーカードの暗証番号を忘れた", context("smartphone_class"))
    assert (meant.intent, meant.how) == ("mynumber_card", "routed")


def test_a_reply_to_the_bots_own_question_goes_back_to_its_topic():
    meant = meaning(Route("help", 0.9, "ja"), "最初ので", context("smartphone_class", "choose"))
    assert (meant.intent, meant.how) == ("smartphone_class", "follow_up")


@pytest.mark.parametrize(
    ("text", "area"),
    [
        ("保険証をなくした", "health_insurance"),
        ("引っ越しの手続きは？", "moving"),
        ("ハンコ登録したい", "seal_registration"),
    ],
)
def test_another_ward_service_after_an_answer_is_not_read_as_its_sub_question(text, area):
    # the words of other services stay out of a topic's match phrases: after the konbini hours,
    # 「保険証をなくした」 is 国保's, not the konbini's "what to bring"
    route = load_router().route(text)
    meant = meaning(route, text, context("konbini_certificate", "hours"))
    assert (meant.intent, meant.area.area if meant.area else None) == ("unknown", area)


def test_erasing_data_is_offered_on_a_question_back_only_when_asked_for():
    from bot.conversation.asking_back import offered

    # 「孫とLINEしたい」 was offered 「データを消す」 alone, two taps from erasing the data
    assert offered("notification_settings", "delete_data", 0.49, "孫とlineしたい", CHOOSER) == (
        "overview"
    )
    assert offered("notification_settings", "delete_data", 0.49, "データを消して", CHOOSER) == (
        "delete_data"
    )
    assert offered("notification_settings", "delete_data", 0.77, "データ", CHOOSER) == (
        "delete_data"
    )


class FixedRanks(Chooser):
    """A chooser whose entries rank as given (other topics: nothing narrower, no ward area)."""

    def __init__(self, ranks: dict[str, list[tuple[str, float]]]):
        super().__init__(CONTENT, None)
        self.ranks = ranks

    def rank(self, intent: str, normalized: str) -> list[tuple[str, float]]:
        return self.ranks.get(intent, [("", 1.0)])


@pytest.mark.parametrize("sure", [0.79, 0.8, 0.95])
def test_erasing_data_is_never_the_only_answer_offered_on_a_question_back(sure):
    # 「データ」 alone, unsure of the topic: offered 「データを消す」 with the next best when the
    # entry was 0.80 sure, but alone at 0.79 (a retrained model moved it there)
    ranks = {"notification_settings": [("delete_data", sure), ("privacy", 0.06)]}
    route = Route("unknown", 0.47, "ja", (("notification_settings", 0.35),))
    meant = understand(route, "データ", None, CONTENT, "ja", FixedRanks(ranks))
    assert meant.how == "ask"
    assert meant.options == (
        ("notification_settings", "delete_data"),
        ("notification_settings", "privacy"),
    )


def test_words_for_more_without_a_next_page_are_no_question():
    # 「もっと見る」 with no page before it got 「お答えできませんでした」, kept for staff
    meant = understand(Route("unknown", 0.8, "ja"), "もっと見る", None, CONTENT, "ja")
    assert (meant.intent, meant.how) == ("", "no_more")


def test_words_for_more_that_ask_for_the_schedule_itself_are_routed():
    # 「次の日程」 with no schedule just seen asks when the next sessions are
    meant = understand(Route("smartphone_class", 0.7, "ja"), "次の日程", None, CONTENT, "ja")
    assert (meant.intent, meant.how) == ("smartphone_class", "routed")


def test_an_area_is_named_only_when_it_is_clearly_the_one():
    from bot.conversation.choosing import clear_area

    assert clear_area([("garbage", 0.9), ("", 0.05)]) == "garbage"
    assert clear_area([("pets", 0.15), ("housing", 0.05)]) is None  # below the floor
    assert clear_area([("pets", 0.45), ("jobs_business", 0.43)]) is None  # two areas as likely
    assert clear_area([("", 0.6), ("garbage", 0.3)]) is None  # none is the best
    # two areas by staff's phrases alone (1.0 each, longest match first): the first, as before
    assert clear_area([("pets", 1.0), ("jobs_business", 1.0)]) == "pets"


def test_a_short_message_in_the_words_of_one_button_on_screen_is_that_button():
    route = Route("unknown", 0.96, "ja")
    shown = context("online_application", "how_to_start")  # its buttons: 本人確認, 支払い …
    meant = understand(route, "支払いは?", shown, CONTENT, "ja")
    assert (meant.intent, meant.how, meant.entry) == ("online_application", "follow_up", "payment")


def test_words_that_are_on_no_button_are_not_read_as_one():
    # the overview shows no payment button (its payment answer may still follow it, 支払 being
    # the topic's own word); a longer question says more than a button's words
    assert button_named("支払いは?", "online_application", "overview", CONTENT, "ja") is None
    route = Route("unknown", 0.96, "ja")
    shown = context("online_application", "how_to_start")
    longer = understand(route, "区民税の支払いは?", shown, CONTENT, "ja")
    assert longer.entry != "payment"


def test_a_service_named_by_the_last_topics_own_words_is_read_inside_it():
    """「駐車場ある？」 after the classes: its 駐車 is the router's word for the ward's parking,
    but here it is the classes' own (their venue), so it is not a new subject."""
    route = Route("unknown", 0.99, "ja")
    after_classes = context("smartphone_class", "schedule")
    meant = understand(route, "駐車場ある？", after_classes, CONTENT, "ja")
    assert (meant.intent, meant.how, meant.entry) == ("smartphone_class", "follow_up", "access")
    # another service named beside it is still a new subject
    other = understand(route, "図書館の駐車場は？", after_classes, CONTENT, "ja")
    assert other.how != "follow_up"
