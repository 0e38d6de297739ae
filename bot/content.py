"""What the bot says: per-language YAML under ``content/``, validated at load.

Layout: ``content/<lang>/<intent>.yaml`` (one topic per intent) and ``content/<lang>/ui.yaml``
(fixed UI strings, a flat mapping). ``ja`` is the default language, ``en`` must have the same
entries, ``ja_easy`` (やさしい日本語) may cover a subset and falls back to ``ja`` per entry/key.

Every entry carries the URL its facts came from and the date they were checked, so staff can
re-verify and edit an answer without touching code. ``load_content()`` refuses content that a
resident would see broken (a text over LINE's limit, a quick-reply label too long, a `next` key
that does not exist) and names the file and field in a ``ContentError``.

Additions beyond the agreed schema, both optional: ``Entry.note`` (for editors: how the facts were
verified, what is still unverified; never shown to residents) and, in ``ui.yaml``, the extra keys
documented at the top of ``content/ja/ui.yaml``.
"""

from __future__ import annotations

import datetime
import pathlib
import re
import string
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ConfigDict, Field, ValidationError, field_validator, model_validator

from bot.router import INTENTS, normalize  # one definition of each, shared with the router

LANGS = ("ja", "en", "ja_easy")
# Keys every ui.yaml in ja and en must define (ja_easy may omit them and fall back to ja).
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
    *(
        f"topic_label.{i}"
        for i in (
            "online_application",
            "konbini_certificate",
            "smartphone_class",
            "mynumber_card",
            "contact",
            "help",
            "notification_settings",
        )
    ),
)

MAX_TEXT_UTF16 = 5000  # LINE text message limit, counted in UTF-16 code units
MAX_LABEL = 20  # LINE quick-reply / button label
MAX_TITLE = 40
MAX_NEXT = 4
MAX_WELCOME = 500
DEFAULT_ROOT = pathlib.Path(__file__).resolve().parent.parent / "content"


class ContentError(Exception):
    """Content that cannot be loaded; the message names the file and the field."""


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
    entries: list[Entry] = Field(min_length=1)

    @model_validator(mode="after")
    def _check(self) -> Topic:
        """An intent name, the overview first, no duplicate keys."""
        if self.topic not in INTENTS:
            raise ValueError(f"topic {self.topic!r} is not an intent name")
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


class Content:
    """All loaded content; build it with ``load_content()``."""

    def __init__(self, topics: dict[str, dict[str, Topic]], ui: dict[str, dict[str, str]]):
        self._topics = topics  # lang -> intent -> Topic (ja_easy holds only what it defines)
        self._ui = ui  # lang -> key -> template
        self._merged: dict[tuple[str, str], Topic] = {}
        # Sub-question routing is language-independent: a key's phrases from every language
        # count, so an English speaker typing "iPhoneで" or a ja user typing "fee" still lands.
        self._phrases: dict[tuple[str, str], list[str]] = {}
        for by_intent in topics.values():
            for intent, topic in by_intent.items():
                for e in topic.entries:
                    bucket = self._phrases.setdefault((intent, e.key), [])
                    bucket.extend(p for p in e.match if p not in bucket)
        # Latin phrases match whole words ("age" must not match inside "language"); Japanese
        # has no spaces, so its phrases match anywhere.
        self._matchers = {
            key: [(len(p), _phrase_matcher(p)) for p in phrases]
            for key, phrases in self._phrases.items()
        }

    @staticmethod
    def _lang(lang: str) -> str:
        """A known language; anything else answers in Japanese rather than failing a resident."""
        return lang if lang in LANGS else "ja"

    def topic(self, intent: str, lang: str) -> Topic:
        """The topic in ``lang``; ja_easy entries fall back to ja one by one."""
        lang = self._lang(lang)
        if intent not in self._topics["ja"]:
            raise KeyError(intent)
        if lang != "ja_easy":
            return self._topics[lang][intent]
        if (intent, lang) not in self._merged:
            base = self._topics["ja"][intent]
            easy = self._topics["ja_easy"].get(intent)
            entries = [(easy.get(e.key) if easy else None) or e for e in base.entries]
            self._merged[(intent, lang)] = Topic(topic=intent, entries=entries)
        return self._merged[(intent, lang)]

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
        best, best_score = topic.overview(), 0
        for e in topic.entries:
            matchers = self._matchers.get((intent, e.key), ())
            score = sum(length for length, found in matchers if found(normalized_text))
            if score > best_score:
                best, best_score = e, score
        return best

    def ui_template(self, key: str, lang: str) -> str:
        """A UI string before its {placeholders} are filled (ja_easy falls back to ja)."""
        template = self._ui.get(self._lang(lang), {}).get(key) or self._ui["ja"].get(key)
        if template is None:
            raise KeyError(key)
        return template

    def ui(self, key: str, lang: str, **fields: Any) -> str:
        """A fixed UI string (ja_easy falls back to ja); ``{phone}`` is filled automatically."""
        lang = self._lang(lang)
        phone = self._ui.get(lang, {}).get("phone") or self._ui["ja"]["phone"]
        return self.ui_template(key, lang).format(**{"phone": phone, **fields})

    def ui_keys(self) -> list[str]:
        """Every UI key defined in ja (for tools and tests)."""
        return list(self._ui["ja"])


def _phrase_matcher(phrase: str):
    """A test for one match phrase: whole words for Latin script, anywhere for Japanese."""
    if phrase.isascii():
        pattern = re.compile(r"(?<![a-z0-9])" + re.escape(phrase) + r"(?![a-z0-9])")
        return lambda text: pattern.search(text) is not None
    return lambda text: phrase in text


def read_yaml(path: pathlib.Path, error: type[Exception] = ContentError) -> Any:
    """Parse one YAML file; a syntax error becomes `error` naming the file (the rich menu
    loader passes its own)."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from exc


def error_location(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic error location into 'entries[3] (key=hours).label' (or
    'areas[2].bounds.x' where list items have no key)."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "key" in node:
                out += f" (key={node['key']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(file)"


ModelT = TypeVar("ModelT", bound=BaseModel)


def read_model(
    path: pathlib.Path, model: type[ModelT], expected: str, error: type[Exception] = ContentError
) -> ModelT:
    """One YAML mapping validated by a pydantic model; `error` names the file and the first
    failing field (the rich menu loader passes its own). `expected` says what the mapping holds."""
    data = read_yaml(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping with {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise error(f"{path}: {error_location(first['loc'], data)}: {first['msg']}") from exc


def _load_topic(path: pathlib.Path) -> Topic:
    """Validate one topic file (schema, file name, `next` keys within the topic)."""
    topic = read_model(path, Topic, "'topic' and 'entries'")
    if topic.topic != path.stem:
        raise ContentError(f"{path}: topic: {topic.topic!r} does not match the file name")
    for e in topic.entries:
        for k in e.next:
            if topic.get(k) is None and path.parent.name != "ja_easy":
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


def _check_ui(root: pathlib.Path, ui: dict[str, dict[str, str]]) -> None:
    """Required keys in ja and en, the same keys in both, ja_easy a subset of ja."""
    for lang, strings in ui.items():
        merged = {**ui["ja"], **strings} if lang == "ja_easy" else strings
        _check_topic_switches(root / lang / "ui.yaml", merged)
    for lang in ("ja", "en"):
        path = root / lang / "ui.yaml"
        missing = [k for k in REQUIRED_UI_KEYS if k not in ui[lang]]
        if missing:
            raise ContentError(f"{path}: missing keys {missing}")
        if len(ui[lang]["welcome"]) > MAX_WELCOME:
            raise ContentError(f"{path}: welcome: longer than {MAX_WELCOME} characters")
        if "\n" in ui[lang]["privacy_notice"]:
            raise ContentError(f"{path}: privacy_notice: must be one line")
    only_ja = set(ui["ja"]) ^ set(ui["en"])
    if only_ja:
        raise ContentError(f"{root / 'en' / 'ui.yaml'}: keys differ from ja: {sorted(only_ja)}")
    extra = set(ui["ja_easy"]) - set(ui["ja"])
    if extra:
        raise ContentError(f"{root / 'ja_easy' / 'ui.yaml'}: keys not in ja: {sorted(extra)}")


def _check_topics(root: pathlib.Path, topics: dict[str, dict[str, Topic]]) -> None:
    """Every intent in ja and en with the same keys; ja_easy only refines ja entries."""
    for intent in INTENTS:
        for lang in ("ja", "en"):
            if intent not in topics[lang]:
                raise ContentError(f"{root / lang / (intent + '.yaml')}: missing topic file")
        ja_keys = [e.key for e in topics["ja"][intent].entries]
        en_keys = [e.key for e in topics["en"][intent].entries]
        if set(ja_keys) != set(en_keys):
            diff = sorted(set(ja_keys) ^ set(en_keys))
            raise ContentError(f"{root / 'en' / (intent + '.yaml')}: keys differ from ja: {diff}")
        easy = topics["ja_easy"].get(intent)
        if easy:
            extra = [e.key for e in easy.entries if e.key not in ja_keys]
            if extra:
                path = root / "ja_easy" / f"{intent}.yaml"
                raise ContentError(f"{path}: entries: keys not in ja: {extra}")
            for e in easy.entries:
                bad = [k for k in e.next if k not in ja_keys]
                if bad:
                    path = root / "ja_easy" / f"{intent}.yaml"
                    raise ContentError(f"{path}: entries (key={e.key}).next: unknown {bad}")


def load_content(root: pathlib.Path | None = None) -> Content:
    """Load and validate every content file under ``root`` (default: the repo's content/)."""
    root = pathlib.Path(root) if root is not None else DEFAULT_ROOT
    topics: dict[str, dict[str, Topic]] = {lang: {} for lang in LANGS}
    ui: dict[str, dict[str, str]] = {lang: {} for lang in LANGS}
    for lang in LANGS:
        folder = root / lang
        if not folder.is_dir():
            if lang == "ja_easy":
                continue
            raise ContentError(f"{folder}: missing language folder")
        for path in sorted(folder.glob("*.yaml")):
            if path.stem == "ui":
                ui[lang] = _load_ui(path)
            elif path.stem == "safety":
                continue  # the safety check's words and answers: bot.safety loads them
            elif path.stem in INTENTS:
                topics[lang][path.stem] = _load_topic(path)
            else:
                raise ContentError(f"{path}: topic: file name is not an intent or 'ui'")
        if lang != "ja_easy" and not ui[lang]:
            raise ContentError(f"{folder / 'ui.yaml'}: missing")
    _check_topics(root, topics)
    _check_ui(root, ui)
    return Content(topics, ui)
