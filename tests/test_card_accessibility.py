"""LINE messages readable by all (issue 17).

Every card the bot can send is collected from real conversations, in every language: each
topic's answers, 受信設定, other ward services, help lines, the class booking flow, the
reminder the day before and the notices staff's changes send. Two residents go through the
same conversations, one with larger text chosen in 受信設定. Then, for every card:

- each text and button label has a contrast of at least 4.5:1 against what it is drawn on, and
  a filled button at least 3:1 against the card (WCAG 2.1 AA 1.4.3, 1.4.11), with LINE's own
  colours wherever a card leaves one unset;
- its altText — what notifications and screen readers read — says what the card says;
- no fact is told only by an emoji or a picture;
- for the resident who chose larger text, every size is one step up.
"""

from __future__ import annotations

import datetime as dt
import re
import shutil
import unicodedata
from dataclasses import dataclass

import pytest

from bot import create_app
from bot.classes import changes, reservations
from bot.classes.reminders import send_due_reminders
from bot.core.content import load_content
from bot.core.content_files import content_root
from bot.core.models import ClassSession
from bot.core.settings import Settings
from bot.line.messages import TEXT_SIZES
from bot.line.postback import Postback
from bot.line.standin import EventFactory
from bot.residents.followers import get_or_create_follower
from tests import contrast
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, Resident

CONTENT = load_content()
LANGUAGES = CONTENT.languages.codes

# What LINE draws where a card sets no colour (LINE's Flex renderer; the API reference names no
# defaults). A button's `color` is its fill for primary and secondary, its label for link.
WHITE = "#FFFFFF"
LINE_TEXT = "#111111"
LINE_BUTTONS = {  # style: (fill, label); link buttons have no fill and a blue label
    "primary": ("#17C950", "#FFFFFF"),
    "secondary": ("#DCDFE5", "#111111"),
    "link": (None, "#42659A"),
}

NORMAL, LARGE, NEIGHBOUR = ("U" + c * 32 for c in "abc")

# What residents write, in each language (ja_easy readers write Japanese).
DIRECTORY = {
    "ja": ["粗大ごみを出したいんだけど、どうすればいい？", "避難所の場所を知りたい"],
    "en": ["How do I register my dog?", "Where is the evacuation shelter?"],
}
CRISES = {
    "ja": ["死にたい", "夫に毎日殴られています", "子どもを叩いてしまいそうで怖い", "火事です！"],
    "en": [
        "I want to die",
        "My husband hits me when he drinks",
        "The neighbour's kid is screaming and being hit every night",
        "There is a fire in my building",
    ],
}
BOOK_THE_THIRD = {"ja": "3番目を予約", "en": "Book the third one"}
NAME = {"ja": ["板橋 花子", "いたばし はなこ"], "en": ["Alex Smith"]}  # name, then furigana


def words(table: dict[str, list[str]] | dict[str, str], lang: str):
    """A language's phrases; a language without its own (ja_easy) writes its fallback's."""
    return table.get(lang) or table[CONTENT.languages.get(lang).fallback or "ja"]


# -- the conversations ---------------------------------------------------------------------


@dataclass
class Sessions:
    """The class sessions every conversation books: tomorrow, in 3 days, and a full one."""

    tomorrow: int
    open: int
    full: int


@pytest.fixture(scope="module")
def sent(standin, migrated_sqlite, tmp_path_factory) -> dict[str, dict[str, list[dict]]]:
    """Every message each resident received, by language and then "normal" / "large": one
    app per language, built by the same factory as production, on a migrated database."""
    found = {}
    for lang in LANGUAGES:
        path = tmp_path_factory.mktemp(f"cards-{lang}") / "bot.db"
        shutil.copy(migrated_sqlite, path)
        settings = Settings(
            channel_secret=CHANNEL_SECRET,
            channel_access_token=ACCESS_TOKEN,
            api_base_url=standin.base_url,
            database_url=f"sqlite:///{path}",
            secret_key="test-secret-key",
            follower_target=33000,
            timezone="Asia/Tokyo",
        )
        standin.clear()
        standin.clear_faults()
        app = create_app(settings)
        try:
            found[lang] = converse(app, standin, lang)
        finally:
            app.extensions["navi"].gateway.close()
            app.extensions["navi"].engine.dispose()
    return found


def converse(app, standin, lang: str) -> dict[str, list[dict]]:
    """Two residents (the second with larger text) through everything that sends a card."""
    navi = app.extensions["navi"]
    client, events = app.test_client(), EventFactory(standin)
    people = {}
    for user_id in (NORMAL, LARGE, NEIGHBOUR):
        standin.add_profile(user_id, "板橋 花子", language="ja")
        people[user_id] = Resident(client, standin, events, user_id)
    sessions = add_sessions(navi, people[NEIGHBOUR])
    for user_id in (LARGE, NORMAL):  # the larger-text resident first in every waiting list
        resident = people[user_id]
        resident.follow()
        if lang != "ja":
            resident.press(Postback("language", {"l": lang}).pack())
        if user_id == LARGE:
            resident.press(Postback("text_size", {"s": "large"}).pack())
        ask_everything(resident, lang)
        book_everything(resident, lang, sessions)
    # The neighbour gives up the full session's seat: the first on its waiting list is told.
    people[NEIGHBOUR].press(cancel(navi, NEIGHBOUR, sessions.full))
    staff_and_jobs(navi, sessions)
    return {"normal": standin.messages_to(NORMAL), "large": standin.messages_to(LARGE)}


def add_sessions(navi, neighbour: Resident) -> Sessions:
    """Tomorrow's session, one in three days, and one in four days the neighbour filled."""
    now = dt.datetime.now(navi.settings.tz)
    tomorrow = dt.datetime.combine(now.date() + dt.timedelta(days=1), dt.time(10), now.tzinfo)
    with navi.sessions() as db:
        made = [
            changes.create_session(
                db, "staff@example.jp", title=title, starts_at=start, venue=venue, capacity=cap
            ).id
            for title, start, venue, cap in (
                ("はじめてのLINE", tomorrow, "仲町ふれあい館", 10),
                ("写真の送り方", now + dt.timedelta(days=3), "志村ふれあい館", 10),
                ("個別相談", now + dt.timedelta(days=4), "徳丸ふれあい館", 1),
            )
        ]
        # The session in three days asks names and says what to bring: the booking card with
        # a name row, and the name questions on the way.
        named = db.get(ClassSession, made[1])
        named.asks_name, named.bring = True, "スマホをお持ちください"
        db.commit()
    neighbour.follow()
    neighbour.press(Postback("reserve", {"session": str(made[2])}).pack())
    return Sessions(*made)


def ask_everything(resident: Resident, lang: str) -> None:
    """Every sub-question of every topic, 受信設定, other ward services and each crisis."""
    for intent in CONTENT.catalogue.answered:
        for entry in CONTENT.topic(intent, lang).entries:
            action = "class_entry" if intent == "smartphone_class" else "entry"
            params = {"k": entry.key} if action == "class_entry" else {"i": intent, "k": entry.key}
            resident.press(Postback(action, params).pack())
        resident.press(Postback("topic", {"i": intent}).pack())
    for question in words(DIRECTORY, lang):
        resident.say(question)
    for crisis in words(CRISES, lang):
        resident.say(crisis)


def book_everything(resident: Resident, lang: str, sessions: Sessions) -> None:
    """The schedule; a full session asked for in words (the waiting list is offered), joined;
    two seats booked, one of them twice; the bookings; cancelling asked and kept."""
    resident.press(Postback("class_entry", {"k": "schedule"}).pack())
    resident.say(words(BOOK_THE_THIRD, lang))
    for session in (sessions.full, sessions.tomorrow, sessions.open, sessions.open):
        reply = resident.press(Postback("reserve", {"session": str(session)}).pack())
        for answer in words(NAME, lang):
            if CONTENT.ui("name_stop_button", lang) in reply.labels:
                reply = resident.say(answer)
    resident.press(Postback("my_reservations").pack())
    resident.press(Postback("class_entry", {"k": "schedule"}).pack())
    seat = first_booking(resident)
    resident.press(Postback("cancel_ask", {"reservation": str(seat)}).pack())
    resident.press(Postback("cancel_keep", {"reservation": str(seat)}).pack())


def staff_and_jobs(navi, sessions: Sessions) -> None:
    """The reminder job; staff move a session, add seats to the full one, cancel another."""
    send_due_reminders(navi.sessions, navi.outbox, navi.content, navi.settings, utcnow())
    with navi.sessions() as db:
        moved = db.get(ClassSession, sessions.open)
        details = {name: getattr(moved, name) for name in changes.EDITABLE}
        notices = changes.update_session(
            db, moved.id, "staff@example.jp", utcnow(), **details | {"venue": "高島平ふれあい館"}
        )
        full = db.get(ClassSession, sessions.full)
        details = {name: getattr(full, name) for name in changes.EDITABLE}
        notices += changes.update_session(
            db, full.id, "staff@example.jp", utcnow(), **details | {"capacity": 5}
        )
        notices += changes.cancel_session(db, sessions.tomorrow, "staff@example.jp")
        db.commit()
    changes.tell(navi.sessions, navi.outbox, navi.content, navi.settings, notices, "staff")


def first_booking(resident: Resident) -> int:
    """The resident's first booking, from the cancel button of their list of bookings."""
    for data in postbacks(resident.press(Postback("my_reservations").pack()).messages):
        postback = Postback.unpack(data)
        if postback and postback.action == "cancel_ask":
            return postback.number("reservation")
    raise AssertionError("no booking to cancel")


def cancel(navi, user_id: str, session_id: int) -> str:
    """The postback that cancels a resident's seat in a session."""
    with navi.sessions() as db:
        follower = get_or_create_follower(db, user_id)
        mine = reservations.my_reservations(db, follower, utcnow())
        seat = next(r for r in mine if r.session_id == session_id)
        return Postback("cancel_reservation", {"reservation": str(seat.id)}).pack()


def utcnow() -> dt.datetime:
    return dt.datetime.now(dt.UTC)


def postbacks(node) -> list[str]:
    """Every postback data in messages (quick replies and card buttons)."""
    if isinstance(node, list):
        return [d for item in node for d in postbacks(item)]
    if not isinstance(node, dict):
        return []
    found = [node["data"]] if node.get("type") == "postback" else []
    return found + [d for value in node.values() for d in postbacks(value)]


def cards(messages: list[dict]) -> list[dict]:
    return [m for m in messages if m["type"] == "flex"]


# -- what is checked -----------------------------------------------------------------------


@dataclass(frozen=True)
class Pair:
    """A colour drawn on another, where a reader meets it."""

    what: str
    fore: contrast.RGB
    back: contrast.RGB
    needed: float

    @property
    def ratio(self) -> float:
        return contrast.ratio(self.fore, self.back)


def colour_pairs(message: dict) -> list[Pair]:
    """Every text, button label and button fill of a Flex message, on what it is drawn on."""
    container = message["contents"]
    bubbles = container["contents"] if container["type"] == "carousel" else [container]
    pairs: list[Pair] = []
    for bubble in bubbles:
        styles = bubble.get("styles", {})
        for block in ("header", "hero", "body", "footer"):
            if block in bubble:
                back = styles.get(block, {}).get("backgroundColor", WHITE)
                walk(bubble[block], contrast.over(back, contrast.parse(WHITE)[0]), pairs)
    return pairs


def walk(node: dict, back: contrast.RGB, pairs: list[Pair]) -> None:
    kind = node.get("type")
    if kind == "box":
        if "backgroundColor" in node:
            back = contrast.over(node["backgroundColor"], back)
        for child in node.get("contents", []):
            walk(child, back, pairs)
    elif kind == "text":
        fore = contrast.over(node.get("color", LINE_TEXT), back)
        pairs.append(Pair(f"text {node.get('text', '')[:30]!r}", fore, back, contrast.TEXT))
        for span in node.get("contents", []):
            colour = contrast.over(span.get("color", node.get("color", LINE_TEXT)), back)
            pairs.append(Pair(f"span {span.get('text', '')[:30]!r}", colour, back, contrast.TEXT))
    elif kind == "button":
        style = node.get("style", "link")
        fill, label = LINE_BUTTONS[style]
        name = f"{style} button {node['action'].get('label')!r}"
        if fill is None:  # link: the label is drawn on the card, in `color`
            fore = contrast.over(node.get("color", label), back)
            pairs.append(Pair(name, fore, back, contrast.TEXT))
            return
        drawn = contrast.over(node.get("color", fill), back)
        pairs.append(Pair(name, contrast.over(label, drawn), drawn, contrast.TEXT))
        pairs.append(Pair(f"{name} against the card", drawn, back, contrast.NON_TEXT))


def texts(node) -> list[str]:
    """The words of every text component of a card (spans joined)."""
    if isinstance(node, list):
        return [t for item in node for t in texts(item)]
    if not isinstance(node, dict):
        return []
    if node.get("type") == "text":
        spans = "".join(s.get("text", "") for s in node.get("contents", []))
        return [node.get("text") or spans]
    return [t for key, value in node.items() if key != "footer" for t in texts(value)]


def sizes(node) -> list[tuple[str, str]]:
    """Each sized component's type and size (LINE's default where unset), in order."""
    if isinstance(node, list):
        return [s for item in node for s in sizes(item)]
    if not isinstance(node, dict):
        return []
    found = []
    kind = node.get("type")
    if kind in ("text", "icon"):
        found.append((kind, node.get("size", "md")))
    elif kind == "button":
        found.append((kind, node.get("height", "md")))
    elif kind == "bubble":
        found.append((kind, node.get("size", "mega")))
    return found + [s for value in node.values() for s in sizes(value)]


def one_step_up(found: list[tuple[str, str]]) -> list[tuple[str, str]]:
    """The sizes a resident with larger text should get for a card of sizes `found`."""
    up = []
    for kind, size in found:
        if kind in ("text", "icon"):
            size = TEXT_SIZES[min(TEXT_SIZES.index(size) + 1, len(TEXT_SIZES) - 1)]
        up.append((kind, {"button": "md", "bubble": "giga"}.get(kind, size)))
    return up


# Pictographs: a warning sign, a tick, a phone … Symbols that sit inside words (〒, ○ in a
# pattern, arrows, brackets) are fine; a line or label made of pictographs alone is not.
PICTOGRAPH = re.compile(
    "[\U0001f000-\U0001faff\u2600-\u27bf\u2b00-\u2bff\u2300-\u23ff\ufe0f\u200d\u20e3]"
)


def told_only_by_pictographs(text: str) -> list[str]:
    """The lines of `text` that have a pictograph but no word to say what it means."""
    bad = []
    for line in text.splitlines():
        if PICTOGRAPH.search(line):
            letters = [c for c in line if unicodedata.category(c)[0] in "LN"]
            if len(letters) < 2:
                bad.append(line)
    return bad


def strings(node) -> list[str]:
    """Every string a resident can read in messages: texts, altTexts, labels."""
    if isinstance(node, list):
        return [s for item in node for s in strings(item)]
    if not isinstance(node, dict):
        return []
    found = [node[k] for k in ("text", "altText", "label") if isinstance(node.get(k), str)]
    return found + [s for value in node.values() for s in strings(value)]


# -- the tests ---------------------------------------------------------------------------------


def test_the_conversations_reach_every_kind_of_card(sent):
    """So the checks below cover what residents get, not a few easy cards."""
    for lang in LANGUAGES:
        alt = "\n".join(m["altText"] for m in cards(sent[lang]["normal"]))
        expected = [
            CONTENT.ui(key, lang)
            for key in (
                "schedule_alt",
                "class_full_offer",
                "class_waitlisted",
                "class_reserved",
                "class_already_reserved",
                "my_reservations_alt",
                "cancel_confirm",
                "class_reminder",
                "class_changed",
                "class_promoted",
                "class_cancelled_notice",
                "class_row.name",
                "booking_show_at_door",
            )
        ]
        expected += [CONTENT.entry("konbini_certificate", "fee", lang).title]
        missing = [said for said in expected if said not in alt]
        assert not missing, f"{lang}: no card says {missing}"
        assert "tel:" in str(cards(sent[lang]["normal"]))  # help lines and ward sections


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_text_and_button_of_every_card_has_enough_contrast(sent, lang):
    pairs = [
        pair
        for reader in ("normal", "large")
        for message in cards(sent[lang][reader])
        for pair in colour_pairs(message)
    ]
    assert len(pairs) > 500
    weak = sorted({(p.what, round(p.ratio, 2), p.needed) for p in pairs if p.ratio < p.needed})
    assert not weak, f"{len(weak)} too faint, e.g. {weak[:5]}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_alt_text_says_what_its_card_says(sent, lang):
    """Notifications and screen readers read altText: it must carry the card's words (all of
    them, or as many as fit LINE's 1,500 characters, heading first)."""
    for message in cards(sent[lang]["normal"] + sent[lang]["large"]):
        alt, said = message["altText"], texts(message["contents"])
        assert said and said[0] in alt, alt
        if alt.endswith("…") and len(alt) == 1500:
            continue  # cut at LINE's limit: what fits is the card's words, heading first
        missing = [t for t in said if t not in alt]
        assert not missing, f"altText {alt[:60]!r}… leaves out {missing}"


@pytest.mark.parametrize("lang", LANGUAGES)
def test_no_fact_is_told_only_by_an_emoji_or_a_picture(sent, lang):
    everything = sent[lang]["normal"] + sent[lang]["large"]
    pictographic = [line for text in strings(everything) for line in told_only_by_pictographs(text)]
    assert not pictographic
    images = re.findall(r"'type': '(image|video)'", str(cards(everything)))
    assert not images, "a picture in a card must have its facts in the text beside it"


def test_every_content_string_says_in_words_what_an_emoji_shows():
    """Content editors may use emoji, never as the only way a fact is said (⚠️ alone)."""
    import yaml

    root = content_root()
    bad = []
    for path in sorted(root.rglob("*.yaml")):
        for text in yaml_strings(yaml.safe_load(path.read_text("utf-8"))):
            bad += [f"{path.relative_to(root)}: {line}" for line in told_only_by_pictographs(text)]
    assert not bad


def test_the_emoji_check_finds_a_warning_told_by_a_sign_alone():
    assert told_only_by_pictographs("⚠️\n窓口は混み合います") == ["⚠️"]
    assert told_only_by_pictographs("📞 03-3964-1111") == []
    assert told_only_by_pictographs("⚠️ 注意:窓口は混み合います") == []
    assert told_only_by_pictographs("〒173-8501 板橋区板橋2-66-1") == []


def yaml_strings(node) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [s for value in node.values() for s in yaml_strings(value)]
    if isinstance(node, list):
        return [s for item in node for s in yaml_strings(item)]
    return []


@pytest.mark.parametrize("lang", LANGUAGES)
def test_larger_text_steps_up_every_card(sent, lang):
    """The resident who chose larger text went through the same conversations: each kind of
    card they got is the other resident's kind, one size up — none left at its normal size."""
    normal = {tuple(one_step_up(sizes(m["contents"]))) for m in cards(sent[lang]["normal"])}
    large = {tuple(sizes(m["contents"])) for m in cards(sent[lang]["large"])}
    assert len(normal) >= 8
    assert large == normal
