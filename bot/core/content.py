"""What the bot says: per-language YAML under ``content/``, validated at load.

Layout: ``content/<lang>/<topic>.yaml`` (one per topic of the catalogue, content/topics.yaml,
that answers), ``content/<lang>/ui.yaml`` (fixed UI strings, a flat mapping) and
``content/<lang>/words.yaml`` (reset words, commands, booking words, ordinals). Languages come
from content/languages.yaml: complete ones (ja, en) define every topic, entry and UI key; a
partial one (ja_easy, やさしい日本語) may cover a subset and falls back entry by entry and key by
key along its fallback chain.

Every entry carries the URL its facts came from and the date they were checked, so staff can
re-verify and edit an answer without touching code. ``load_content()`` refuses content that a
resident would see broken (a text over LINE's limit, a quick-reply label too long, a `next` key
that does not exist) and names the file and field in a ``ContentError``.

Additions beyond the agreed schema, both optional: ``Entry.note`` (for editors: how the facts were
verified, what is still unverified; never shown to residents) and, in ``ui.yaml``, the extra keys
documented at the top of ``content/ja/ui.yaml``.
"""

from __future__ import annotations

import calendar
import datetime
import functools
import pathlib
import re
import string
from typing import Any

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from bot.core.catalogue import LanguageCatalogue, TopicCatalogue, load_languages, load_topics
from bot.core.content_files import ContentError, content_root, error_location, read_model, read_yaml
from bot.core.directory import Directory, Sites, load_directory, load_sites
from bot.core.text import MARKS_AROUND, alone, normalize  # one normalisation, with the router

__all__ = ["ContentError", "error_location", "read_model", "read_yaml"]


def __getattr__(name: str) -> Any:
    """`LANGS` and `INTENTS` of the repository's catalogues, read when first asked for (not on
    import): the language codes, and the topics residents can ask about."""
    if name == "LANGS":
        return load_languages().codes
    if name == "INTENTS":
        return load_topics().answered
    raise AttributeError(name)


# Keys every complete language's ui.yaml must define (a partial one falls back), besides a
# label for each menu topic (topic_label.<id>, or `label` in the topic's own file).
REQUIRED_UI_KEYS = (
    "welcome",
    "privacy_notice",
    "apology",
    "non_text",
    "menu_prompt",
    "unknown_intro",
    "other_language",
    "reset_done",
    "data_deleted",
    "postback_unknown",
    "phone",
    "topic_label.help",
)

MAX_TEXT_UTF16 = 5000  # LINE text message limit, counted in UTF-16 code units
MAX_LABEL = 20  # LINE quick-reply / button label
MAX_TITLE = 40
MAX_NEXT = 4
MAX_WELCOME = 500


def utf16_len(text: str) -> int:
    """Length as LINE counts it (UTF-16 code units; an emoji outside the BMP counts 2)."""
    return len(text.encode("utf-16-le")) // 2


class Link(BaseModel):
    """A button to an official page (or a ``tel:`` link)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    url: str

    @field_validator("url")
    @classmethod
    def _url(cls, v: str) -> str:
        """Only links a LINE button can open."""
        if not v.startswith(("https://", "http://", "tel:")):
            raise ValueError("must start with https://, http:// or tel:")
        return v


class Entry(BaseModel):
    """One answer within a topic (a sub-question such as hours or fee)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    key: str = Field(pattern=r"^[a-z_]+$")
    label: str = Field(min_length=1, max_length=MAX_LABEL)
    match: list[str] = []
    title: str = Field(min_length=1, max_length=MAX_TITLE)
    text: str = Field(min_length=1)
    source: str
    sources: list[str] = []
    checked: datetime.date
    link: Link | None = None
    next: list[str] = Field(default=[], max_length=MAX_NEXT)
    note: str | None = None
    unofficial: str | None = None  # why a page not on an official site is cited (editors only)

    @field_validator("match")
    @classmethod
    def _match(cls, v: list[str]) -> list[str]:
        """Normalise phrases the way the router normalises messages (NFKC, lower case)."""
        out = [normalize(p).strip() for p in v]
        if any(not p for p in out):
            raise ValueError("match phrases must not be empty")
        return list(dict.fromkeys(out))

    @field_validator("text")
    @classmethod
    def _text(cls, v: str) -> str:
        """Trim, and refuse what LINE would refuse."""
        v = v.strip()
        if utf16_len(v) > MAX_TEXT_UTF16:
            raise ValueError(f"text is {utf16_len(v)} UTF-16 units; LINE allows {MAX_TEXT_UTF16}")
        return v

    @field_validator("source")
    @classmethod
    def _source(cls, v: str) -> str:
        """An editor must be able to open the source."""
        if not v.startswith(("https://", "http://")):
            raise ValueError("source must be an http(s) URL")
        return v

    @field_validator("sources")
    @classmethod
    def _sources(cls, v: list[str]) -> list[str]:
        """Extra sources are URLs too."""
        for url in v:
            if not url.startswith(("https://", "http://")):
                raise ValueError(f"{url!r} is not an http(s) URL")
        return v


class Topic(BaseModel):
    """All entries of one intent in one language; the first entry is the overview."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    topic: str
    # The topic's button label in the menu, and its name in 受信設定 (ui.yaml's topic_label.* and
    # topic_name.* serve the topics that predate these).
    label: str | None = Field(default=None, max_length=MAX_LABEL)
    name: str | None = Field(default=None, max_length=MAX_LABEL)
    # Questions residents ask about it, for a topic the router's model was not trained on.
    examples: list[str] = []
    # Its answers state facts from their source: each ends with the source line. False for
    # what the bot says about itself (greetings, help, its settings).
    facts: bool = True
    entries: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Topic:
        """The overview first, no duplicate keys."""
        keys = [e.key for e in self.entries]
        if keys[0] != "overview":
            raise ValueError("the first entry must have key 'overview'")
        dupes = {k for k in keys if keys.count(k) > 1}
        if dupes:
            raise ValueError(f"duplicate keys {sorted(dupes)}")
        return self

    def overview(self) -> Entry:
        """The topic's first entry, shown when no sub-question matches."""
        return self.entries[0]

    def get(self, key: str) -> Entry | None:
        """The entry with this key, or None."""
        return next((e for e in self.entries if e.key == key), None)


class SettingWords(BaseModel):
    """words.yaml's about_settings: a 受信設定 entry's words, and the words of switching it."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    words: list[str]
    switch: list[str]
    # A request in the same message that comes first: cancelling the booking (「予約を取り消し
    # たい。リマインダーも止めたい」 got the switch alone, and the seat was never offered back;
    # a cancelled booking gets no reminder anyway).
    unless: list[str] = []

    @field_validator("words", "switch", "unless")
    @classmethod
    def _normalised(cls, v: list[str]) -> list[str]:
        """Stored the way messages are compared (NFKC, lower case)."""
        return [normalize(w).strip() for w in v if normalize(w).strip()]

    def named_in(self, normalized: str) -> bool:
        """Whether a message names the setting and its switching (and asks nothing first)."""
        return (
            any(w in normalized for w in self.words)
            and any(w in normalized for w in self.switch)
            and not any(w in normalized for w in self.unless)
        )


# The fields of Words that are lists of words, compared with a whole message.
WORD_LISTS = (
    "reset",
    "booking",
    "not_booking",
    "more",
    "again",
    "what_to_do",
    "more_detail",
    "undo",
    "confirm",
    "decline",
    "cannot_come",
    "acknowledgements",
    "filler",
    "asking_around",
    "on_a_phone",
    "where_or_booking",
    "line_chats",
    "chats_lost",
    "this_line",
    "how_to_use",
    "line_app",
    "phone_changed",
    "learn",
    "hellos",
    "title_generic",
    "names",
    "phone_broken",
    "a_phone",
    "whom_to_ask",
)
# A word of a message in romaji (ka-do, jūminhyō), the marks and spaces allowed around them, and
# the most words one entry of words.yaml romaji may have (「mai nanba」, 「ni tsuite」).
_ROMAJI_WORD = re.compile("[a-z\u00c0-\u024f'-]+")
_ROMAJI_MARKS = " ?!.,、。"
ROMAJI_LONGEST = 2
# Spaces beside Japanese in a typed message (「えいご で はなしたい」, as やさしい日本語 is
# written): taken out before it is compared with switch_language, whose keys are without them.
_SPACE_BY_JAPANESE = re.compile(r"\s+(?=[^\x00-\x7f])|(?<=[^\x00-\x7f])\s+")


class Words(BaseModel):
    """content/<lang>/words.yaml: words that work by their exact form (matched normalised)."""

    model_config = ConfigDict(extra="forbid", frozen=True)
    reset: list[str] = []
    commands: dict[str, str] = {}
    # Typed alone, a request to answer in another language from now on (「英語にして」,
    # "switch to Japanese"): the message → that language's code. 受信設定 switches at once, as
    # its language button does; a language named alone (「英語」) is a command, explained.
    switch_language: dict[str, str] = {}
    booking: list[str] = []
    not_booking: list[str] = []
    ordinals: dict[str, int] = {}
    # Typed alone right after a page that has a next one (the class schedule): that next page,
    # as its button shows it (「次の日程」, 「もっと見る」, "more sessions").
    more: list[str] = []
    # Typed alone after an answer (「もう一回」, "say that again"): that answer again, as the
    # resident who lost it on screen asks, not 「お答えできませんでした」.
    again: list[str] = []
    # Typed alone after an answer, no narrower answer of its topic fitting (「どうしたらいい？」,
    # 「どこで？」, "what should I do?", "where?"): that answer again, which says what to do and
    # where (「なくしてしもうた」 then 「どうしたらええ」 got 「お答えできませんでした」); with no
    # answer before it, this LINE's how-to.
    what_to_do: list[str] = []
    # Typed alone after an answer (「もっと詳しく」, "tell me more"): its topic's overview, or the
    # desk again after another ward service's desk (it got 「お答えできませんでした」).
    more_detail: list[str] = []
    # Typed alone right after the text-size answer (「元に戻して」, "undo"): that answer again,
    # whose first button is the way back (it was asked back about choosing topics).
    undo: list[str] = []
    # Typed alone in answer to 「この予約を取り消しますか？」: its 取り消す / 取り消さない buttons.
    confirm: list[str] = []
    decline: list[str] = []
    # With a day (「8日は行けません」, "I can't make the 8th"): the resident cannot come that day;
    # the classes offer to cancel a booking on it, or show the other days when there is none.
    cannot_come: list[str] = []
    # Inside a message about the classes (or one the router cannot place), a 受信設定 entry
    # named by one of its words together with one of its switch words: 「スマホ教室の前日の
    # リマインダーを止めたい」 is about the reminders switch, not about cancelling a booking
    # (while 「リマインダーが来たけど行けない」 still is).
    about_settings: dict[str, SettingWords] = {}
    # Typed alone when no question of the bot's is open (「はい」, "ok", 「大丈夫です」): an
    # acknowledgement, answered briefly rather than with "we cannot answer that".
    acknowledgements: list[str] = []
    # Words around a question that name nothing of their own ("what about", 「教えて」): left
    # aside when a short message is compared with the buttons on screen (button_words.py).
    filler: list[str] = []
    # Words around a request that change nothing ("can you", "please"): a switch_language request
    # is also found with them taken from its start or end ("Can you switch to Japanese please").
    asking_around: list[str] = []
    # Inside a message that points back at the last answer (「それってスマホでできる？」, "can I do
    # it on my phone?"): whether what that answer told of can be done on a smartphone, not a
    # question about the smartphone classes.
    on_a_phone: list[str] = []
    # A question of where a procedure is done or whether it needs an appointment (「どこでできま
    # すか」, 「予約いりますか」, "do I need an appointment"), typed after an answer that says it
    # (or that it is not confirmed, with the line to call): that answer again, not the classes'
    # booking (「予約」) nor 「お答えできませんでした」.
    where_or_booking: list[str] = []
    # Both in a message read as about this LINE's data (受信設定): the resident's chats in their
    # own LINE app (line_chats: トーク, "chats") lost, or to be backed up or moved (chats_lost:
    # 消えた, 復元, "recover"): the smartphone consultation's, never this LINE's data or its
    # erasing (「LINEのトーク履歴が消えた」 got what this LINE keeps, with how to erase it).
    line_chats: list[str] = []
    chats_lost: list[str] = []
    # ... unless the chats are said to be the ones with this LINE (「このLINEとのトーク」, "this
    # account"): then it is a question about this LINE's data, as routed.
    this_line: list[str] = []
    # Asking how to use something (使い方, どうやって使う, "how do I use"): with this LINE named
    # (this_line), how to use this bot, its own help (「このLINEってどうやってつかうの」 was asked
    # back with the class schedule as its one button).
    how_to_use: list[str] = []
    # LINE itself named (LINE, ライン): lost chats' words in a message no topic fits are about
    # the LINE app only then (「LINEのトークがなくなった」, not 「夫との会話がなくなった」).
    line_app: list[str] = []
    # A new phone named (機種変更): its 変更 is no change of this LINE's settings, so a question
    # about moving LINE's chats to it is still one about the LINE app.
    phone_changed: list[str] = []
    # Wanting to be taught (勉強, 習いたい, "learn"): with a phone or LINE named, in a message no
    # topic fits or the classes' own, the smartphone classes and consultations (「スマホの
    # べんきょうがしたい」 got 「お答えできませんでした」).
    learn: list[str] = []
    # Greetings a message begins with (「おはようございます」, "hi", 你好): the router weighs them
    # over a short question beside them (「おはようございます。住民票をとりたいです」 and "hi, I
    # forgot my PIN" got the hello card), so what follows them is routed alone too.
    hellos: list[str] = []
    # A phone broken or to be repaired (修理, 壊れた, "cracked screen"): with the phone named, a
    # shop's or carrier's work, not what the classes teach (「スマホの修理を教えてほしい」 got
    # the class schedule): said so, with the topics.
    phone_broken: list[str] = []
    a_phone: list[str] = []  # the phone itself (スマホ, 携帯, "phone"), LINE not among them
    # Asking whom to ask (「だれにきいたらいいの」, "who should I ask?"): whom to call about the
    # last answer's topic, or the contacts (they got 「お答えできませんでした」). Compared
    # without the spaces beside Japanese (「だれに きけば いいですか」).
    whom_to_ask: list[str] = []
    # Wanting to learn a language (「英語の勉強がしたい」, "I want to study Japanese"), with a
    # word of learn: the directory area (content/directory.yaml) that has such classes → the
    # phrases naming the language as what is learnt (「日本語を」, not 「日本語で」: the class's
    # language). It is no request to change the bot's language (they got 言語を変える).
    language_lessons: dict[str, list[str]] = {}
    # Japanese ward words in latin letters (「sumaho kyoushitsu」, 「inkan shoumei」), and the
    # particles and endings around them (「de」, 「no」, 「wasureta」): a message made only of
    # these, one ward word at least, is read as its Japanese to choose the answer (residents
    # without a Japanese keyboard), answered in the resident's own language.
    romaji: dict[str, str] = {}
    romaji_around: dict[str, str] = {}
    # After the class schedule shown for a booking request, the words that name a kind of
    # session (ClassSession.kind → words): 「相談会」, "the consultation" choose among the
    # consultations shown.
    session_kinds: dict[str, list[str]] = {}
    # Words of session titles that name no one session (教室, 入門, "class", "beginners"): a
    # message names a session by the other words of its title (「マイナポータル入門を予約した
    # い」: マイナポータル), which staff write in Japanese; title_words are how residents say
    # such a word in another language ("my number portal" → マイナポータル).
    title_generic: list[str] = []
    title_words: dict[str, str] = {}
    # After one session was shown or booked, words asking about a name (名前, "my name"): whether
    # that session asks for names when one books (ClassSession.asks_name).
    names: list[str] = []

    @field_validator(*WORD_LISTS)
    @classmethod
    def _normalised(cls, v: list[str]) -> list[str]:
        """Stored the way messages are compared (NFKC, lower case)."""
        return [normalize(w).strip() for w in v if normalize(w).strip()]

    @field_validator("whom_to_ask")
    @classmethod
    def _whom_without_spaces(cls, v: list[str]) -> list[str]:
        """「だれに きけば」 and 「だれにきけば」 alike, as messages are compared."""
        return [_SPACE_BY_JAPANESE.sub("", w) for w in v]

    @field_validator("session_kinds", "language_lessons")
    @classmethod
    def _normalised_kinds(cls, v: dict[str, list[str]]) -> dict[str, list[str]]:
        """Each kind's words stored the way messages are compared."""
        return {
            kind: [normalize(w).strip() for w in words if normalize(w).strip()]
            for kind, words in v.items()
        }

    @field_validator(
        "commands", "switch_language", "ordinals", "romaji", "romaji_around", "title_words"
    )
    @classmethod
    def _normalised_keys(cls, v: dict) -> dict:
        """Keys stored the way messages are compared."""
        return {normalize(k).strip(): value for k, value in v.items()}

    @field_validator("switch_language")
    @classmethod
    def _without_spaces_by_japanese(cls, v: dict) -> dict:
        """「えいごに して」 and 「えいごにして」 alike: keys without the spaces beside Japanese."""
        return {_SPACE_BY_JAPANESE.sub("", k): value for k, value in v.items()}

    def asks_whom_to_ask(self, normalized: str) -> bool:
        """Whether a message asks whom to ask or call (whom_to_ask), spaces beside Japanese
        aside."""
        said = _SPACE_BY_JAPANESE.sub("", normalized)
        return said_any(self.whom_to_ask, said)

    def language_lesson(self, normalized: str) -> str | None:
        """The directory area for learning the language a message asks to learn (it names the
        language as language_lessons does and wants to learn: learn), or None."""
        if not said_any(self.learn, normalized):
            return None
        return next(
            (area for area, named in self.language_lessons.items() if said_any(named, normalized)),
            None,
        )

    def session_kind(self, normalized: str) -> str | None:
        """The kind of class session a message names (session_kinds: 「相談会」, "the
        consultation"), or None."""
        return next(
            (kind for kind, named in self.session_kinds.items() if said_any(named, normalized)),
            None,
        )

    def past_the_hello(self, normalized: str) -> str | None:
        """What a message says after the greetings it begins with (「おはようございます。住民票を
        とりたいです」 → 「住民票をとりたいです」, "hi there, I forgot my PIN" → "i forgot my pin"),
        or None when it begins with none or says nothing more ("hello!", "hi hi")."""
        rest, greeted = normalized, False
        hello = _hello_at_the_start(tuple(self.hellos))
        while True:
            rest = rest.lstrip(_AFTER_A_HELLO)
            found = hello.match(rest)
            if found is None:
                break
            rest, greeted = rest[found.end() :], True
        said = rest.strip(_AFTER_A_HELLO)
        return said if greeted and len(said) >= 2 else None

    def language_asked(self, normalized: str) -> str | None:
        """The language a message asks to be answered in from now on (switch_language), typed
        alone with or without marks around it (「英語にして。」), with or without spaces beside
        Japanese (「えいご で はなしたい」), and with or without words around the request that
        change nothing ("Can you switch to Japanese please"), else None. A question whether the
        bot speaks it ("Do you speak Japanese?") is no request: the languages are explained."""
        said = _SPACE_BY_JAPANESE.sub("", alone(normalized))
        # Taking words off its ends leaves a part of the message: one that holds no request
        # cannot become one (most messages; this loop cost more than routing them)
        if _any_of(tuple(self.switch_language), "", "").search(said) is None:
            return None
        while said:
            if said in self.switch_language:
                return self.switch_language[said]
            shorter = self._one_word_around_less(said)
            if shorter == said:
                return None
            said = shorter
        return None

    def _one_word_around_less(self, said: str) -> str:
        """The message without one of asking_around at its start or end (and the marks and
        spaces that were beside it), or the message itself when there is none."""
        for word in self.asking_around:
            if said.startswith(word + " "):
                return said[len(word) :].strip(MARKS_AROUND)
            if said.endswith(" " + word) or said.endswith("," + word):
                return said[: -len(word)].strip(MARKS_AROUND)
        return said

    def read_romaji(self, normalized: str) -> str | None:
        """The Japanese of a message written in romaji with the ward words of `romaji` and the
        particles of `romaji_around` alone (「sumaho kyoushitsu」 → 「スマホ教室」, 「mai nanba
        kado no ansho bango wasureta」 → 「マイナンバーカードの暗証番号忘れた」), else None: a
        word either list lacks ("juminhyo by post"), no ward word ("no"), or any other script."""
        words = _ROMAJI_WORD.findall(normalized)
        if not words or _ROMAJI_WORD.sub("", normalized).strip(_ROMAJI_MARKS):
            return None
        read, named, i = [], False, 0
        while i < len(words):
            for n in range(min(ROMAJI_LONGEST, len(words) - i), 0, -1):
                said = " ".join(words[i : i + n])
                if said in self.romaji or said in self.romaji_around:
                    named = named or said in self.romaji
                    read.append(self.romaji.get(said) or self.romaji_around[said])
                    i += n
                    break
            else:
                return None
        return "".join(read) + ("?" if "?" in normalized else "") if named else None

    def yes_or_no(self, normalized: str) -> bool | None:
        """「はい」 (True) or 「いいえ」 (False), words.yaml confirm / decline, typed alone with
        marks or quotes around it (「『はい』」) but not a question mark (「はい？」 asks back);
        None for anything else."""
        typed = normalized.strip(MARKS_AROUND)
        if typed in self.confirm:
            return True
        if typed in self.decline:
            return False
        return None

    @classmethod
    def merged(cls, all_words) -> Words:
        """Every language's words together: a resident may type any of them."""
        out: dict[str, Any] = {name: [] for name in WORD_LISTS}
        out["commands"], out["ordinals"], out["about_settings"] = {}, {}, {}
        out["switch_language"], out["romaji"], out["romaji_around"] = {}, {}, {}
        out["session_kinds"], out["title_words"], out["language_lessons"] = {}, {}, {}
        for words in all_words:
            for name in WORD_LISTS:
                out[name] += [w for w in getattr(words, name) if w not in out[name]]
            out["commands"].update(words.commands)
            out["switch_language"].update(words.switch_language)
            out["ordinals"].update(words.ordinals)
            out["romaji"].update(words.romaji)
            out["romaji_around"].update(words.romaji_around)
            out["title_words"].update(words.title_words)
            for field in ("session_kinds", "language_lessons"):
                for kind, named in getattr(words, field).items():
                    known = out[field].setdefault(kind, [])
                    known += [w for w in named if w not in known]
            for entry, named in words.about_settings.items():
                known = out["about_settings"].get(entry)
                out["about_settings"][entry] = (
                    named
                    if known is None
                    else SettingWords(
                        words=[*known.words, *named.words],
                        switch=[*known.switch, *named.switch],
                        unless=[*known.unless, *named.unless],
                    )
                )
        return cls.model_construct(**out)


class Content:
    """All loaded content; build it with ``load_content()``."""

    def __init__(
        self,
        topics: dict[str, dict[str, Topic]],
        ui: dict[str, dict[str, str]],
        words: dict[str, Words] | None = None,
        catalogue: TopicCatalogue | None = None,
        languages: LanguageCatalogue | None = None,
        directory: Directory | None = None,
        sites: Sites | None = None,
    ):
        self._topics = topics  # lang -> intent -> Topic (a partial language: what it defines)
        self._ui = ui  # lang -> key -> template
        self.catalogue = catalogue or load_topics()
        self.languages = languages or load_languages()
        self.words = Words.merged((words or {}).values())
        self._merged: dict[tuple[str, str], Topic] = {}
        # Sub-question routing is language-independent: a key's phrases from every language
        # count, so an English speaker typing "iPhoneで" or a ja user typing "fee" still lands.
        self._phrases: dict[tuple[str, str], list[str]] = {}
        for by_intent in topics.values():
            for intent, topic in by_intent.items():
                for e in topic.entries:
                    bucket = self._phrases.setdefault((intent, e.key), [])
                    bucket.extend(p for p in e.match if p not in bucket)
        # Other ward services (content/directory.yaml): the labels of `unknown`, matched alike.
        self.directory = directory
        self.sites = sites or Sites()
        # Per intent, the phrases by their first character: a message only tries the phrases
        # that start with one of its own characters (a few dozen of the area words' ~1,300).
        # Latin phrases match whole words ("age" must not match inside "language"); Japanese
        # has no spaces, so its phrases match anywhere.
        self._by_first: dict[str, dict[str, list[tuple[str, int, Any]]]] = {}
        phrases = dict(self._phrases)
        for area in directory.areas if directory else ():
            phrases[("unknown", area.area)] = area.words()
        for (intent, key), said in phrases.items():
            index = self._by_first.setdefault(intent, {})
            for word in dict.fromkeys(said):
                index.setdefault(word[0], []).append((key, len(word), phrase_matcher(word)))

    def with_answers(
        self, topics: dict[str, dict[str, Topic]], directory: Directory | None
    ) -> Content:
        """A copy with some topics and the directory replaced: staff's published answers over
        the repository's (bot.answers). This content is left as it is."""
        merged = {
            lang: {**by_intent, **topics.get(lang, {})} for lang, by_intent in self._topics.items()
        }
        copy = Content(
            merged, self._ui, None, self.catalogue, self.languages, directory, self.sites
        )
        copy.words = self.words
        return copy

    def own_topic(self, intent: str, lang: str) -> Topic | None:
        """The topic as `lang`'s own file defines it (no fallback), or None."""
        return self._topics.get(lang, {}).get(intent)

    def _lang(self, lang: str) -> str:
        """A known language; anything else answers in the default rather than failing."""
        return lang if lang in self.languages.codes else self.languages.default

    def topic(self, intent: str, lang: str) -> Topic:
        """The topic in ``lang``; a partial language's entries fall back one by one along its
        chain (やさしい日本語 → 日本語)."""
        lang = self._lang(lang)
        if intent not in self._topics[self.languages.default]:
            raise KeyError(intent)
        if self.languages.get(lang).complete:
            return self._topics[lang][intent]
        if (intent, lang) not in self._merged:
            chain = [self._topics[code].get(intent) for code in self.languages.chain(lang)]
            layers = [topic for topic in chain if topic is not None]
            base = next(
                t
                for c, t in zip(self.languages.chain(lang), chain, strict=True)
                if t is not None and self.languages.get(c).complete
            )
            entries = [
                next(found for t in layers if (found := t.get(e.key)) is not None)
                for e in base.entries
            ]
            self._merged[(intent, lang)] = base.model_copy(update={"entries": entries})
        return self._merged[(intent, lang)]

    def topic_label(self, topic_id: str, lang: str) -> str:
        """A topic's button label: `label` in its own file, else ui.yaml's topic_label.*."""
        return self._topic_word(topic_id, lang, "label")

    def topic_name(self, topic_id: str, lang: str) -> str:
        """A topic's name in 受信設定: `name` in its own file, else ui.yaml's topic_name.*."""
        return self._topic_word(topic_id, lang, "name")

    def _topic_word(self, topic_id: str, lang: str, field: str) -> str:
        """The topic file's `label` or `name`, else ui.yaml's topic_<field>.<id> (topics without
        a file of their own, such as ward_news, and those that predate the field)."""
        if topic_id in self._topics[self.languages.default]:
            word = getattr(self.topic(topic_id, lang), field)
            if word:
                return word
        return self.ui(f"topic_{field}.{topic_id}", lang)

    def examples(self) -> dict[str, list[str]]:
        """Each topic's example questions, every language together (for the router)."""
        found: dict[str, list[str]] = {}
        for by_topic in self._topics.values():
            for topic_id, topic in by_topic.items():
                found.setdefault(topic_id, []).extend(topic.examples)
        return {topic_id: texts for topic_id, texts in found.items() if texts}

    def entry(self, intent: str, key: str, lang: str) -> Entry:
        """One entry; KeyError if the intent or key does not exist in ja."""
        found = self.topic(intent, lang).get(key)
        if found is None:
            raise KeyError(f"{intent}.{key}")
        return found

    def pick(self, intent: str, normalized_text: str, lang: str) -> Entry:
        """The entry whose match phrases best fit the text (total matched length; ties go to the
        earlier entry); the overview when nothing matches."""
        topic = self.topic(intent, lang)
        scores = self.matched(intent, normalized_text)
        best, best_score = topic.overview(), 0
        for e in topic.entries:
            score = scores.get(e.key, 0)
            if score > best_score:
                best, best_score = e, score
        return best

    def matched(self, intent: str, normalized_text: str) -> dict[str, int]:
        """The labels of an intent (its entries; for `unknown`, the directory's areas) whose
        match phrases occur in the text, each with the total length matched."""
        found: dict[str, int] = {}
        index = self._by_first.get(intent, {})
        for char in set(normalized_text):
            for key, length, hit in index.get(char, ()):
                if hit(normalized_text):
                    found[key] = found.get(key, 0) + length
        return found

    def phrases(self, intent: str, key: str) -> list[str]:
        """An entry's match phrases, every language's together (normalised as messages are)."""
        return self._phrases.get((intent, key), [])

    def states_facts(self, intent: str) -> bool:
        """Whether the topic's answers state facts (and so end with their source line)."""
        return self._topics[self.languages.default][intent].facts

    def source_line(self, url: str, checked: datetime.date, lang: str) -> str:
        """「出典: 板橋区(2026年12月確認)」 / "Source: Itabashi City (checked Dec 2026)"."""
        site = self.sites.name(url, self._lang(lang), self.languages.default)
        return self.ui(
            "source_line",
            lang,
            site=site,
            year=checked.year,
            month=checked.month,
            month_name=calendar.month_abbr[checked.month],
        )

    def ui_template(self, key: str, lang: str) -> str:
        """A UI string before its {placeholders} are filled (along the language's chain)."""
        for code in self.languages.chain(self._lang(lang)):
            template = self._ui.get(code, {}).get(key)
            if template is not None:
                return template
        raise KeyError(key)

    def ui(self, key: str, lang: str, **fields: Any) -> str:
        """A fixed UI string in ``lang`` (or its fallback); ``{phone}`` is filled automatically."""
        return self.ui_template(key, lang).format(
            **{"phone": self.ui_template("phone", lang), **fields}
        )

    def other_language_note(self) -> str:
        """What a resident writing in a language we do not speak is told: the languages we
        answer in and the desk that helps in theirs, in the language we answer them in."""
        return self.ui("other_language", self.languages.answer_in or self.languages.default)

    def ui_keys(self) -> list[str]:
        """Every UI key defined in the default language (for tools and tests)."""
        return list(self._ui[self.languages.default])

    def large_text(self, lang: str) -> bool:
        """Whether cards are set in larger type for this language."""
        return self.languages.get(lang).large_text


# What may follow a greeting before the question ("hi, …", 「こんにちは！」, 「どうも。」).
_AFTER_A_HELLO = " \t\n,.!?、。!?~〜ー…・:;"


@functools.lru_cache(maxsize=16)
def _hello_at_the_start(hellos: tuple[str, ...]) -> re.Pattern[str]:
    """One pattern for the greetings a message may begin with, the longest first; a Latin one
    as a whole word ("hi", not "hiragana")."""
    alternatives = [
        re.escape(h) + (r"(?![^\W\d_])" if h[-1].isascii() and h[-1].isalpha() else "")
        for h in sorted(hellos, key=len, reverse=True)
    ]
    return re.compile("|".join(alternatives) or "(?!)")


def said_in(word: str, text: str) -> bool:
    """Whether a word of words.yaml is in the message: Latin ones as whole words. Asked of some
    forty words a message, so a word not in the text at all is answered without a regex."""
    if word not in text:
        return False
    return not word.isascii() or _whole_word(word).search(text) is not None


@functools.lru_cache(maxsize=4096)
def _whole_word(word: str) -> re.Pattern[str]:
    return re.compile(rf"\b{re.escape(word)}\b")


def said_any(words: list[str], text: str) -> bool:
    """Whether any word of a words.yaml list is in the message (as said_in finds one): one
    search a list, not one a word; the lists are read for every message."""
    return _any_of(tuple(words), r"\b", r"\b").search(text) is not None


def phrases_said(phrases: list[str], text: str) -> bool:
    """Whether any of the phrases is in the message as phrase_matcher finds one (Latin ones as
    whole words), in one search."""
    return _any_of(tuple(phrases), r"(?<![a-z0-9])", r"(?![a-z0-9])").search(text) is not None


@functools.lru_cache(maxsize=512)
def _any_of(words: tuple[str, ...], before: str, after: str) -> re.Pattern[str]:
    """One pattern for a list: its Latin words between `before` and `after` (whole words, as
    said_in or phrase_matcher finds them), the others anywhere; the longest tried first."""
    latin = sorted((w for w in words if w.isascii()), key=len, reverse=True)
    other = sorted((w for w in words if not w.isascii()), key=len, reverse=True)
    parts = [before + "(?:" + "|".join(map(re.escape, latin)) + ")" + after] if latin else []
    parts += [re.escape(w) for w in other]
    return re.compile("|".join(parts) or "(?!)")


@functools.cache
def phrase_matcher(phrase: str):
    """A test for one match phrase: whole words for Latin script, anywhere for Japanese.
    Kept per phrase: content rebuilt with staff's published answers (bot.answers.live) reuses
    the ~800 compiled patterns instead of compiling them again."""
    if phrase.isascii():
        pattern = re.compile(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])")
        return lambda text: phrase in text and pattern.search(text) is not None
    return lambda text: phrase in text


def _load_topic(path: pathlib.Path, partial: bool = False) -> Topic:
    """Validate one topic file (schema, file name, `next` keys within the topic)."""
    topic = read_model(path, Topic, "'topic' and 'entries'")
    if topic.topic != path.stem:
        raise ContentError(f"{path}: topic: {topic.topic!r} does not match the file name")
    for e in topic.entries:
        for k in e.next:
            if topic.get(k) is None and not partial:
                raise ContentError(f"{path}: entries (key={e.key}).next: unknown key {k!r}")
            if k == e.key:
                raise ContentError(f"{path}: entries (key={e.key}).next: points to itself")
    return topic


def _load_ui(path: pathlib.Path) -> dict[str, str]:
    """Validate one ui.yaml: non-empty strings, parseable placeholders, label lengths."""
    data = read_yaml(path)
    if not isinstance(data, dict):
        raise ContentError(f"{path}: expected a flat mapping of key: string")
    for key, value in data.items():
        if not isinstance(value, str) or not value.strip():
            raise ContentError(f"{path}: {key}: must be a non-empty string")
        try:
            list(string.Formatter().parse(value))
        except ValueError as exc:
            raise ContentError(f"{path}: {key}: bad placeholder: {exc}") from exc
        if utf16_len(value) > MAX_TEXT_UTF16:
            raise ContentError(f"{path}: {key}: longer than LINE allows")
        limit = ui_label_limit(key)
        if limit is not None and len(value) > limit:
            raise ContentError(f"{path}: {key}: button label longer than {limit} characters")
    return {str(k): v.strip() for k, v in data.items()}


def ui_label_limit(key: str) -> int | None:
    """The length limit of a UI string used as a button label, or None for message texts.

    ``topic_name.*`` also goes inside ``topic_switch_on/off``; `_check_topic_switches` checks
    the combined labels.
    """
    if key.startswith(("topic_label.", "language_name.", "topic_name.")) or key.endswith("_button"):
        return MAX_LABEL
    return None


def _check_topic_switches(path: pathlib.Path, strings: dict[str, str]) -> None:
    """Each 受信設定 switch ("止める:スマホ教室") must fit a button label."""
    for key, name in strings.items():
        if not key.startswith("topic_name."):
            continue
        for switch in ("topic_switch_on", "topic_switch_off"):
            if switch in strings and len(strings[switch].format(topic=name)) > MAX_LABEL:
                raise ContentError(
                    f"{path}: {switch} with {key}: button label longer than {MAX_LABEL} characters"
                )


def _check_ui(
    root: pathlib.Path,
    ui: dict[str, dict[str, str]],
    languages: LanguageCatalogue,
    catalogue: TopicCatalogue,
    topics: dict[str, dict[str, Topic]],
) -> None:
    """Complete languages define every required key and the same keys as the default; a
    partial language only keys the default has; every menu topic has a label."""
    default = languages.default
    for lang in ui:
        chain = languages.chain(lang)
        merged = {k: v for code in reversed(chain) for k, v in ui.get(code, {}).items()}
        _check_topic_switches(root / lang / "ui.yaml", merged)
    unlabelled = [
        f"topic_label.{t}"
        for t in catalogue.menu
        if not (t in topics[default] and topics[default][t].label)
    ]
    for language in languages.languages:
        path = root / language.code / "ui.yaml"
        strings = ui.get(language.code, {})
        if not language.complete:
            extra = set(strings) - set(ui[default])
            if extra:
                raise ContentError(f"{path}: keys not in {default}: {sorted(extra)}")
            continue
        missing = [k for k in (*REQUIRED_UI_KEYS, *unlabelled) if k not in strings]
        if missing:
            raise ContentError(f"{path}: missing keys {missing}")
        if len(strings["welcome"]) > MAX_WELCOME:
            raise ContentError(f"{path}: welcome: longer than {MAX_WELCOME} characters")
        if "\n" in strings["privacy_notice"]:
            raise ContentError(f"{path}: privacy_notice: must be one line")
        differ = set(ui[default]) ^ set(strings)
        if differ:
            raise ContentError(f"{path}: keys differ from {default}: {sorted(differ)}")


def _check_topics(
    root: pathlib.Path,
    topics: dict[str, dict[str, Topic]],
    languages: LanguageCatalogue,
    catalogue: TopicCatalogue,
) -> None:
    """Every answering topic in each complete language with the same keys; a partial language
    only refines entries its fallback has."""
    default = languages.default
    for intent in catalogue.answered:
        for language in languages.languages:
            if language.complete and intent not in topics[language.code]:
                path = root / language.code / f"{intent}.yaml"
                raise ContentError(f"{path}: missing topic file (content/topics.yaml lists it)")
        base_keys = [e.key for e in topics[default][intent].entries]
        for language in languages.languages:
            topic = topics[language.code].get(intent)
            if topic is None:
                continue
            path = root / language.code / f"{intent}.yaml"
            keys = [e.key for e in topic.entries]
            if language.complete and set(keys) != set(base_keys):
                diff = sorted(set(keys) ^ set(base_keys))
                raise ContentError(f"{path}: keys differ from {default}: {diff}")
            extra = [k for k in keys if k not in base_keys]
            if extra:
                raise ContentError(f"{path}: entries: keys not in {default}: {extra}")
            for e in topic.entries:
                bad = [k for k in e.next if k not in base_keys]
                if bad:
                    raise ContentError(f"{path}: entries (key={e.key}).next: unknown {bad}")


def load_content(root: pathlib.Path | None = None) -> Content:
    """Load and validate every content file under ``root`` (default: content_root()), once per
    folder: content does not change while the bot runs, and every app built in one process
    (tests, the demo) shares it."""
    return _load_content(content_root(root))


@functools.cache
def _load_content(root: pathlib.Path) -> Content:
    catalogue = load_topics(root)
    languages = load_languages(root)
    topics: dict[str, dict[str, Topic]] = {code: {} for code in languages.codes}
    ui: dict[str, dict[str, str]] = {code: {} for code in languages.codes}
    words: dict[str, Words] = {}
    for language in languages.languages:
        folder = root / language.code
        if not folder.is_dir():
            if not language.complete:
                continue
            raise ContentError(f"{folder}: missing language folder")
        for path in sorted(folder.glob("*.yaml")):
            if path.stem == "ui":
                ui[language.code] = _load_ui(path)
            elif path.stem == "words":
                words[language.code] = read_model(path, Words, "word lists")
            elif path.stem in ("safety", "safety_readings"):
                continue  # the safety check's words, answers and readings: its package loads them
            elif path.stem in catalogue.answered:
                partial = not language.complete
                topics[language.code][path.stem] = _load_topic(path, partial)
            else:
                raise ContentError(
                    f"{path}: topic: {path.stem!r} is not an answering topic of content/topics.yaml"
                )
        if language.complete and not ui[language.code]:
            raise ContentError(f"{folder / 'ui.yaml'}: missing")
    _check_topics(root, topics, languages, catalogue)
    for code, said in words.items():
        unknown = sorted(set(said.switch_language.values()) - set(languages.codes))
        if unknown:
            raise ContentError(f"{root / code / 'words.yaml'}: switch_language: {unknown}")
    _check_ui(root, ui, languages, catalogue, topics)
    directory = load_directory(root, languages.codes, languages.default)
    return Content(topics, ui, words, catalogue, languages, directory, load_sites(root))
