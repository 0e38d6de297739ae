"""What residents read and editors edit: content/ loads, fits LINE, cites its sources, answers the
sub-question that was asked, and never gives a phone number that is not in the facts file."""

from __future__ import annotations

import datetime as dt
import re
import shutil
import string
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest

from bot.classes.cards import session_choice_labels, short_when
from bot.core.catalogue import subscribable_topics
from bot.core.content import (
    INTENTS,
    LANGS,
    Content,
    ContentError,
    load_content,
    normalize,
    utf16_len,
)
from bot.core.content_files import content_root, read_yaml
from bot.core.models import ClassSession

# A copy of the ward's facts with their sources (shared/facts/itabashi-services.md, corrected
# 2026-12-01): every phone number in content must be one of them.
FACTS = Path(__file__).resolve().parent / "data" / "itabashi-services.md"
PHONE = re.compile(r"(?<![\d-])(?:0\d{1,4}-\d{1,4}-\d{3,4}|\d{4}-\d{4})(?![\d-])")


@pytest.fixture(scope="module")
def content() -> Content:
    return load_content()


def all_entries(content: Content):
    """Every entry a resident can see, in every language (ja_easy merged with its fallbacks)."""
    for lang in LANGS:
        for intent in INTENTS:
            for entry in content.topic(intent, lang).entries:
                yield lang, intent, entry


def phone_digits(text: str) -> set[str]:
    """Phone numbers in a text as digits; 8-digit numbers are in Tokyo's 03 area (ward pages
    often leave it out)."""
    found = set()
    for match in PHONE.findall(normalize(text)):
        digits = re.sub(r"\D", "", match)
        found.add("03" + digits if len(digits) == 8 else digits)
    return found


def allowed_numbers() -> set[str]:
    return phone_digits(FACTS.read_text(encoding="utf-8"))


def placeholders_of(content, key: str, lang: str, value: str) -> dict[str, str]:
    """A value for every {placeholder} a UI string has, whatever the handler passes in."""
    names = {name for _, name, _, _ in string.Formatter().parse(content.ui_template(key, lang))}
    return {name: value for name in names if name and name != "phone"}


def copy_content(tmp_path: Path) -> Path:
    root = tmp_path / "content"
    shutil.copytree(content_root(), root)
    return root


# -- the repository's content ------------------------------------------------------------------


def test_the_repository_content_loads_and_covers_every_intent_in_ja_and_en(content):
    for intent in INTENTS:
        for lang in ("ja", "en"):
            topic = content.topic(intent, lang)
            assert topic.topic == intent
            assert topic.overview().key == "overview"


def test_english_answers_exactly_the_questions_japanese_answers(content):
    for intent in INTENTS:
        ja = [e.key for e in content.topic(intent, "ja").entries]
        en = [e.key for e in content.topic(intent, "en").entries]
        assert sorted(ja) == sorted(en), intent


def test_every_answer_fits_a_line_message_and_every_label_fits_a_button(content):
    for lang, intent, entry in all_entries(content):
        where = f"{lang}/{intent}.{entry.key}"
        assert utf16_len(entry.text) <= 5000, where
        assert len(entry.label) <= 20, where
        assert len(entry.title) <= 40, where
        assert entry.link is None or len(entry.link.label) <= 20, where
        assert len(entry.next) <= 4, where
    for lang in LANGS:
        for key in content.ui_keys():
            text = content.ui(key, lang, **placeholders_of(content, key, lang, "x"))
            assert utf16_len(text) <= 5000, (lang, key)
            if key.startswith(("topic_label.", "language_name.")) or key.endswith("_button"):
                assert len(text) <= 20, (lang, key)


def _labels_the_bot_sends(content: Content):
    """(where, label) for every button label the bot builds from content, in every language:
    entries and their links, the menu, every *_button and topic_label of ui.yaml, 「ほかのこと」
    of a question back, 受信設定's switch per topic and its languages."""
    for lang, intent, entry in all_entries(content):
        yield f"{lang}/{intent}.{entry.key}", entry.label
        if entry.link is not None:
            yield f"{lang}/{intent}.{entry.key} link", entry.link.label
    for lang in LANGS:
        for intent in content.catalogue.menu:
            yield f"{lang} menu {intent}", content.topic_label(intent, lang)
        for key in content.ui_keys():
            if key.startswith(("topic_label.", "language_name.")) or key.endswith("_button"):
                yield f"{lang}/ui {key}", content.ui(key, lang)
        yield f"{lang}/ui ask_back_other", content.ui("ask_back_other", lang)
        for topic in subscribable_topics():
            name = content.topic_name(topic, lang)
            for key in ("topic_switch_on", "topic_switch_off"):
                yield f"{lang}/ui {key} {topic}", content.ui(key, lang, topic=name)
    for language in content.languages.languages:
        yield f"language {language.code}", language.name


def test_no_button_label_the_bot_can_send_is_cut(content):
    """LINE refuses a label over 20 characters, so the bot cuts it (bot/line/messages.py):
    every label from content must fit whole."""
    too_long = [
        (where, label) for where, label in _labels_the_bot_sends(content) if len(label) > 20
    ]
    assert not too_long


@pytest.mark.parametrize("lang", LANGS)
def test_a_sessions_button_names_it_whole_or_by_its_date(content, lang):
    """「12/10(木)13:00 高島平ふれあい館」 is 22 characters: its button lost 「い館」 (in English,
    "Thu 10 Dec 13:00 高島平ふれあい館" lost the venue's half). Where date and venue do not fit,
    the venue without the ending they all share (「高島平」), else the date alone."""
    venues = re.findall(
        r"・(\S+ふれあい館)", content.entry("smartphone_class", "schedule", "ja").text
    )
    assert len(venues) == 5
    tz = ZoneInfo("Asia/Tokyo")
    start = dt.datetime(2026, 12, 10, 13, 0, tzinfo=tz)
    sessions = [
        ClassSession(title="相談会", starts_at=start + dt.timedelta(days=i), venue=v, venue_en="")
        for i, v in enumerate(venues)
    ]
    labels = session_choice_labels(sessions, tz, lang)
    for session, label in zip(sessions, labels, strict=True):
        when, venue = short_when(session, tz, lang), session.venue
        named = (f"{when} {venue}", f"{when} {venue.removesuffix('ふれあい館')}", when)
        assert len(label) <= 20 and label in named
    assert labels[0] != labels[1]
    same_time = [
        ClassSession(title="相談会", starts_at=start, venue=v, venue_en="") for v in venues
    ]
    labels = session_choice_labels(same_time, tz, lang)
    when = short_when(same_time[0], tz, lang)
    assert labels == [f"{when} {v.removesuffix('ふれあい館')}" for v in venues]


def test_every_answer_names_its_source_and_when_it_was_checked(content):
    for lang, intent, entry in all_entries(content):
        assert entry.source.startswith(("https://", "http://")), (lang, intent, entry.key)
        assert all(u.startswith(("https://", "http://")) for u in entry.sources)
        assert entry.checked.year >= 2026, (lang, intent, entry.key)


def test_quick_reply_suggestions_point_at_real_answers(content):
    for lang, intent, entry in all_entries(content):
        for key in entry.next:
            assert content.topic(intent, lang).get(key) is not None, (lang, intent, entry.key, key)


@pytest.mark.parametrize(
    ("intent", "text", "lang", "key"),
    [
        ("konbini_certificate", "コンビニは何時まで使えますか", "ja", "hours"),
        ("konbini_certificate", "暗証番号を3回間違えた", "ja", "pin_locked"),
        ("konbini_certificate", "暗証番号を３回間違えた", "ja", "pin_locked"),
        ("konbini_certificate", "what do I need to bring", "en", "what_to_bring"),
        ("konbini_certificate", "iPhoneで", "ja", "iphone"),
        ("konbini_certificate", "iphoneのスマホでもできる?", "ja", "iphone"),
        ("konbini_certificate", "ｺﾝﾋﾞﾆで住民票取るのに何がいるの？", "ja", "what_to_bring"),
        (
            "konbini_certificate",
            "コンビニで住民票取ったらいくら？窓口より安いって聞いた",
            "ja",
            "fee",
        ),
        (
            "konbini_certificate",
            "コンビニで入れる暗証番号ってどれ？４桁？６桁？",
            "ja",
            "what_to_bring",
        ),
        (
            "konbini_certificate",
            "ファミマのコピー機で途中でエラーになって住民票が出てこなかった",
            "ja",
            "machine_error",
        ),
        (
            "konbini_certificate",
            "マイナンバーカードは持ってないんですが印鑑登録証明書は取れますか",
            "ja",
            "who_cannot",
        ),
        ("konbini_certificate", "コンビニでは戸籍謄本は取れないんですか？", "ja", "certificates"),
        ("konbini_certificate", "セブンイレブンで課税証明書って出せますか", "ja", "certificates"),
        ("konbini_certificate", "ミニストップでもいけますか？", "ja", "stores"),
        (
            "konbini_certificate",
            "マイナカードをスマホに入れたんだけど、スマホだけで出せる？",
            "ja",
            "android",
        ),
        (
            "konbini_certificate",
            "The copy machine at Lawson says it can't read my card",
            "en",
            "machine_error",
        ),
        (
            "konbini_certificate",
            "Can I use it at Lawson at night? What time does it close",
            "en",
            "hours",
        ),
        ("konbini_certificate", "火曜の夜に窓口はやってますか", "ja", "counter"),
        ("konbini_certificate", "コンビニでなんじまで", "ja_easy", "hours"),
        ("online_application", "電子申請の手数料ってクレカで払えますか", "ja", "payment"),
        (
            "online_application",
            "オンラインでできる手続きの一覧ってありますか？",
            "ja",
            "what_online",
        ),
        (
            "online_application",
            "先週オンラインで出した申請、いまどうなってるか確認できますか",
            "ja",
            "status",
        ),
        ("online_application", "マイナンバーカードで本人確認するには？", "ja", "identity"),
        ("mynumber_card", "マイナンバーカード なくした😱", "ja", "lost"),
        ("mynumber_card", "暗唱番号を何回も間違えてロックされてしまった", "ja", "pin"),
        (
            "mynumber_card",
            "電子証明書の有効期限のお知らせが届いたんだけど、更新ってどうするの",
            "ja",
            "renew_certificate",
        ),
        (
            "mynumber_card",
            "交付通知書のはがきが届いたけど、受け取りには何を持っていけばいい？",
            "ja",
            "receive",
        ),
        ("mynumber_card", "まいなんばーかーど つくりかた おしえて", "ja", "apply"),
        ("mynumber_card", "I lost my My Number card. How do I suspend it?", "en", "lost"),
        ("smartphone_class", "スマホ相談会の予約をキャンセルしたいです", "ja", "cancel"),
        ("smartphone_class", "スマホ教室って無料ですか？お金かかる？", "ja", "cost"),
        ("smartphone_class", "すまほ きょうしつ よやく したい", "ja", "reserve"),
        (
            "smartphone_class",
            "スマホをまだ持っていないのですが、教室に参加できますか",
            "ja",
            "who_can_join",
        ),
        ("smartphone_class", "スマホ教室 ３月の日程おしえて", "ja", "schedule"),
        ("notification_settings", "配信停止", "ja", "stop_all"),
        ("notification_settings", "ブロックしないで通知だけオフにできますか？", "ja", "stop_all"),
        ("notification_settings", "言語設定をやさしい日本語にできますか", "ja", "language"),
        ("notification_settings", "How do I change the language to English?", "en", "language"),
        ("notification_settings", "登録した私の情報を全部消してください", "ja", "delete_data"),
        ("contact", "板橋区役所って何時まで開いてますか", "ja", "hours"),
        ("contact", "マイナンバーカードの窓口って何時まで受け付けてますか", "ja", "hours"),
        ("contact", "人間と話せますか？", "ja", "desks"),
        ("contact", "Is there a phone number for help in English?", "en", "multilingual"),
        ("greeting", "ありがとうございました😊", "ja", "thanks"),
        ("greeting", "またね〜👋", "ja", "bye"),
    ],
)
def test_pick_answers_the_sub_question_the_resident_asked(content, intent, text, lang, key):
    assert content.pick(intent, normalize(text), lang).key == key


@pytest.mark.parametrize("intent", INTENTS)
def test_pick_falls_back_to_the_overview_when_no_phrase_matches(content, intent):
    for lang in LANGS:
        assert content.pick(intent, normalize("🍣 asdfghjkl"), lang).key == "overview"


def test_plain_japanese_falls_back_to_japanese_entry_by_entry(content):
    easy = content.topic("konbini_certificate", "ja_easy")
    ja = content.topic("konbini_certificate", "ja")
    assert [e.key for e in easy.entries] == [e.key for e in ja.entries]
    assert easy.get("hours").text != ja.get("hours").text  # written in やさしい日本語
    assert easy.get("machine_error") == ja.get("machine_error")  # not written: the Japanese
    assert content.entry("konbini_certificate", "machine_error", "ja_easy") == ja.get(
        "machine_error"
    )


def test_plain_japanese_covers_every_overview_and_the_senior_essentials(content):
    for intent in INTENTS:
        assert content.topic(intent, "ja_easy").overview() != content.topic(intent, "ja").overview()
    for intent, key in [
        ("konbini_certificate", "hours"),
        ("konbini_certificate", "what_to_bring"),
        ("smartphone_class", "schedule"),
        ("smartphone_class", "reserve"),
        # they name the plain buttons (「けす」「ぜんぶ とめる」「よやくを とりけす」…)
        *(("notification_settings", k) for k in ("stop_all", "change_topics", "delete_data")),
        *(("smartphone_class", k) for k in ("cancel", "my_reservations", "what_to_bring")),
        ("konbini_certificate", "fee"),
        ("konbini_certificate", "stores"),
        *(("mynumber_card", k) for k in ("apply", "receive", "pin", "renew_certificate", "lost")),
        ("contact", "desks"),
        ("contact", "hours"),
        ("greeting", "thanks"),
        ("greeting", "bye"),
    ]:
        assert content.entry(intent, key, "ja_easy") != content.entry(intent, key, "ja")


# ja ui keys that やさしい日本語 takes from ja on purpose; every other key has a plain version,
# so a reply never switches register mid-card (tests/test_plain_japanese.py walks the flows).
JA_EASY_USES_JA = {
    "other_language": "said in English on purpose: the resident reads neither Japanese",
    "phone": "a phone number",
    "class_venue_phones": "venue names and phone numbers as staff type them",
    "topic_label.online_application": "オンライン申請: the word ja_easy uses too",
    "topic_label.mynumber_card": "マイナンバーカード: the card's name",
    "class_kind.class": "スマホ教室: the name ja_easy uses too (topic_name.smartphone_class)",
    "none": "なし is already plain",
    "list_more": "the Japanese comma 、 joins a list in ja_easy too",
    "directory_phone": "電話:{number}: ja_easy writes 電話 in kanji too",
    "link_missing_title": "the /r/ page, shown in ja and en only (bot/web/redirect.py)",
    "link_missing_text": "the /r/ page, shown in ja and en only (bot/web/redirect.py)",
}


def test_every_ui_string_has_a_plain_japanese_version_but_the_listed_ones(content):
    easy = set(read_yaml(content_root() / "ja_easy" / "ui.yaml"))
    missing = [k for k in content.ui_keys() if k not in easy and k not in JA_EASY_USES_JA]
    assert not missing, f"write these in content/ja_easy/ui.yaml (or list why not): {missing}"
    assert not set(JA_EASY_USES_JA) & easy, "listed as taken from ja, yet written in ja_easy"


def test_unknown_key_is_a_key_error(content):
    with pytest.raises(KeyError):
        content.entry("konbini_certificate", "no_such_question", "ja")
    with pytest.raises(KeyError):
        content.topic("weather", "ja")


def test_ui_strings_fill_the_phone_and_fall_back_from_plain_japanese(content):
    assert "03-3964-1111" in content.ui("apology", "ja")
    assert "03-3964-1111" in content.ui("apology", "en")
    assert content.ui("other_language", "ja_easy") == content.ui("other_language", "ja")
    assert "03-3579-2018" in content.ui("other_language", "en")
    assert content.ui("topic_on", "en", topic="Ward news").count("Ward news") == 1


def test_the_welcome_says_every_topic_is_on_until_changed_and_privacy_is_one_line(content):
    assert "受信設定" in content.ui("welcome", "ja")
    assert "until you change" in content.ui("welcome", "en")
    for lang in ("ja", "en"):
        notice = content.ui("privacy_notice", lang)
        assert "\n" not in notice and "90" in notice and "データ削除" in notice
        assert len(content.ui("welcome", lang)) <= 500


# -- the facts rule ----------------------------------------------------------------------------


def test_no_phone_number_appears_that_is_not_in_the_facts_file(content):
    allowed = allowed_numbers()
    assert "0339641111" in allowed
    for lang, intent, entry in all_entries(content):
        found = phone_digits(entry.text)
        if entry.link and entry.link.url.startswith("tel:"):
            found.add(entry.link.url.removeprefix("tel:"))
        assert found <= allowed, (lang, intent, entry.key, found - allowed)
    for lang in LANGS:
        for key in content.ui_keys():
            found = phone_digits(content.ui(key, lang, **placeholders_of(content, key, lang, "")))
            assert found <= allowed, (lang, key, found - allowed)


def test_neighbouring_toshimas_rules_are_not_presented_as_itabashis(content):
    for lang, intent, entry in all_entries(content):
        where = (lang, intent, entry.key)
        assert "15歳未満" not in entry.text and "under 15" not in entry.text.lower(), where
        assert "豊島" not in entry.text and "toshima" not in entry.text.lower(), where


# -- broken content is refused, naming the file and the field -----------------------------------


def test_a_label_too_long_for_a_button_names_the_file_and_field(tmp_path):
    root = copy_content(tmp_path)
    path = root / "ja" / "konbini_certificate.yaml"
    text = path.read_text(encoding="utf-8")
    too_long = text.replace("label: コンビニの利用時間", "label: " + "長" * 21)
    path.write_text(too_long, encoding="utf-8")
    with pytest.raises(ContentError) as err:
        load_content(root)
    assert "konbini_certificate.yaml" in str(err.value)
    assert "label" in str(err.value) and "key=hours" in str(err.value)


def test_invalid_yaml_names_the_file(tmp_path):
    root = copy_content(tmp_path)
    (root / "en" / "contact.yaml").write_text("topic: contact\nentries: [\n", encoding="utf-8")
    with pytest.raises(ContentError, match=r"en/contact\.yaml"):
        load_content(root)


def test_a_missing_source_names_the_file_and_field(tmp_path):
    root = copy_content(tmp_path)
    path = root / "en" / "greeting.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("source: https://", "source: ftp://", 1), encoding="utf-8")
    with pytest.raises(ContentError, match=r"en/greeting\.yaml.*source"):
        load_content(root)


def test_an_english_file_missing_a_japanese_question_is_refused(tmp_path):
    root = copy_content(tmp_path)
    path = root / "en" / "greeting.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text[: text.index("  - key: bye")], encoding="utf-8")
    (root / "en" / "greeting.yaml").write_text(
        path.read_text(encoding="utf-8").replace("next: [bye]", "next: []"), encoding="utf-8"
    )
    with pytest.raises(ContentError, match=r"en/greeting\.yaml.*bye"):
        load_content(root)


def test_a_next_question_that_does_not_exist_is_refused(tmp_path):
    root = copy_content(tmp_path)
    path = root / "ja" / "contact.yaml"
    text = path.read_text(encoding="utf-8")
    path.write_text(text.replace("next: [desks, overview]", "next: [desks, parking]", 1), "utf-8")
    with pytest.raises(ContentError, match=r"ja/contact\.yaml.*next.*parking"):
        load_content(root)


def test_a_missing_topic_file_is_refused(tmp_path):
    root = copy_content(tmp_path)
    (root / "en" / "help.yaml").unlink()
    with pytest.raises(ContentError, match=r"en/help\.yaml"):
        load_content(root)


def test_a_missing_ui_key_is_refused(tmp_path):
    root = copy_content(tmp_path)
    path = root / "en" / "ui.yaml"
    lines = path.read_text(encoding="utf-8").splitlines(keepends=True)
    path.write_text("".join(ln for ln in lines if not ln.startswith("apology:")), "utf-8")
    with pytest.raises(ContentError, match=r"en/ui\.yaml.*apology"):
        load_content(root)


def test_topic_switch_labels_fit_a_button_in_every_language(tmp_path):
    root = copy_content(tmp_path)
    ui = root / "en" / "ui.yaml"
    ui.write_text(ui.read_text().replace("Ward news", "Ward news, events"))
    with pytest.raises(ContentError, match=r"topic_switch_\w+ with topic_name\.ward_news"):
        load_content(root)


# -- sources residents can trust ---------------------------------------------------------------


def _resident_facing_urls(content):
    """(where, url, marked) for every source and link of an answer that states facts, and of
    the directory: `marked` is the entry's reason for citing a page that is not official."""
    for intent in content.catalogue.answered:
        if not content.states_facts(intent):
            continue
        for lang in content.languages.codes:
            for entry in content.topic(intent, lang).entries:
                where = f"{lang}/{intent}.yaml {entry.key}"
                yield where, entry.source, entry.unofficial
                if entry.link and entry.link.url.startswith("http"):
                    yield where + " link", entry.link.url, entry.unofficial
    for area in content.directory.areas:
        yield f"directory {area.area}", area.source, area.unofficial
        if area.url:
            yield f"directory {area.area} url", area.url, area.unofficial


def test_every_source_and_link_residents_see_is_official_or_says_why_not():
    content = load_content()
    stray = [
        f"{where}: {url}"
        for where, url, marked in _resident_facing_urls(content)
        if not content.sites.official(url) and not marked
    ]
    assert stray == []


def test_a_factual_answer_ends_with_its_source_line(resident):
    reply = resident.say("コンビニ交付は何時まで使えますか")
    assert reply.text.rstrip().splitlines()[-1].startswith("出典: ")
    assert "年" in reply.text.splitlines()[-1] and "確認)" in reply.text.splitlines()[-1]


def test_an_english_answer_ends_with_an_english_source_line(english_resident):
    english_resident.follow()
    reply = english_resident.say("What are the opening hours for konbini certificates?")
    last = reply.text.rstrip().splitlines()[-1]
    assert last.startswith("Source: ") and "(checked " in last


def test_what_the_bot_says_about_itself_has_no_source_line(resident):
    reply = resident.say("こんにちは")
    assert "出典" not in reply.text


def test_a_topics_desk_is_one_of_its_answers(content):
    """topics.yaml `desk`: the answer 「だれに聞けばいい？」 gets after that topic's."""
    desks = [(t.id, t.desk) for t in content.catalogue.topics if t.desk]
    assert desks  # online applications' 困ったとき at least
    for lang in LANGS:
        for topic, key in desks:
            assert content.topic(topic, lang).get(key) is not None, (lang, topic, key)


def test_each_language_lesson_points_at_a_ward_service(content):
    """words.yaml language_lessons: 「英語の勉強がしたい」 gets the area it names."""
    assert content.words.language_lessons
    for area in content.words.language_lessons:
        assert content.directory.get(area) is not None, area
