"""Masking of personal data in what residents type, before any of it is stored.

Why (APPI, the Act on the Protection of Personal Information): residents type personal data
into a chat without being asked — "my phone is 090-…", "I live at 本町1-2-3", a My Number, a
card number. Questions the bot could not answer are kept for 90 days so that staff can see what
content to write next (bot/unanswered.py, bot/housekeeping.py). Staff need the question, not the
person, so the text is masked first: phone numbers, My Numbers, card numbers, e-mail addresses,
postal codes and the numbered part of street addresses become bracketed placeholders that staff
can read in both languages ([電話番号], [住所], …).

How: the text is normalised with Unicode NFKC (full-width digits, letters, hyphens, spaces and
parentheses become their half-width forms), control characters are removed, and the rules below
are applied in order, the most specific first: an e-mail address before a phone number (a mobile
mail address can start with the phone number), a labelled postal code before anything numeric,
an international phone number before a 12-digit My Number, a card number before a My Number,
and a phone number before a bare postal code or an address. The result is the normalised text
with placeholders; nothing else is changed.

Ordinary numbers stay: dates (2026年12月1日, 12/1, 2026-12-01), times (10:30), money (1,000円),
counts (2人, 3回), years (令和7年), short numbers (110, 119, 189, #7119) and booking numbers.
This is a safety net, not a guarantee: see the limits listed at the end of this docstring.

Known limits: a phone number without an area code is only caught after a label (電話, TEL,
phone…) or in the 3-4 shape of a postal code; a lone 7-digit number is not taken for a postal
code without 〒 or a label; kanji-numeral addresses are only caught with 丁目; a two-number
address (12-3) needs a kanji place name right before it; names of persons, PINs, dates of birth
and addresses without numbers are not recognised; zero-width characters between digits defeat
the rules.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable

__all__ = ["mask_personal_data"]

PHONE = "[電話番号]"
MY_NUMBER = "[マイナンバー]"
CARD = "[カード番号]"
EMAIL = "[メール]"
POSTAL_CODE = "[郵便番号]"
ADDRESS = "[住所]"

# Hyphens residents type between digits, after NFKC (which turns － and ﹣ into "-", ‑ into ‐ and
# ｰ into ー): - ‐ ‒ – — ― − ー.
_DASH = "[-\u2010\u2012\u2013\u2014\u2015\u2212\u30fc]"
# One separator inside a number: a hyphen (optionally spaced) or a single space.
_SEP = rf"(?:[ ]?{_DASH}[ ]?|[ ])"
# Kanji (and 々 〆 ヶ), the last character of most place names: 本町, 大山東町, 高島平.
_KANJI = "[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\u3005\u3006\u30f6]"
# Numbers written in kanji, as in 高島平二丁目.
_KANJI_DIGIT = "[一二三四五六七八九十〇百千]"
# No digit (or digit and hyphen) right before / after: a number is matched whole or not at all.
_NUM_START = rf"(?<![0-9])(?<![0-9]{_DASH})"
_NUM_END = rf"(?![0-9])(?!{_DASH}[0-9])"

# C0 control characters except tab and newline (a lone CR becomes a newline first), DEL and the
# C1 controls: NUL and friends have no business in stored text.
_CONTROL = re.compile("[\x00-\x08\x0b-\x1f\x7f-\x9f]")
_CARRIAGE_RETURN = re.compile("\r\n?")

# A date or a span of years — 2026-12-01, 2026-12, 01-12-2026, 2025-2026 — so that a
# hyphenated number that is one is left alone.
_YEAR = "(?:19|20)[0-9]{2}"
_DATE = re.compile(
    rf"{_YEAR}{_DASH}[0-9]{{1,2}}(?:{_DASH}[0-9]{{1,2}})?"
    rf"|[0-9]{{1,2}}{_DASH}[0-9]{{1,2}}{_DASH}{_YEAR}|{_YEAR}{_DASH}{_YEAR}"
)

# A unit after a number, which makes it a quantity, a time or a date, not an address or a
# postal code: 1-2人, 9-17時, 1-3月, 100-1000円, 9:00-17:00.
_UNIT = (
    "[ ]?(?:時|分|秒|日|月|年|人|名|回|円|歳|才|個|枚|件|度|週|点|倍|冊|階|%|:|/|\\.[0-9]"
    "|(?i:yen|am|pm|people|persons|times|years|days)\\b)"
)

# E-mail addresses: taro.itabashi+bot@example.co.jp (also written with ＠ and full-width
# letters, which NFKC makes ASCII). First, because a mobile address can be 09012345678@….
_EMAIL = re.compile(
    r"(?<![A-Za-z0-9._%+-])[A-Za-z0-9][A-Za-z0-9._%+-]*@"
    r"[A-Za-z0-9](?:[A-Za-z0-9-]*[A-Za-z0-9])?(?:\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}"
)

# Postal codes after 〒: 〒173-0001, 〒1730001, 〒 173-0001. The 〒 goes with the number.
_POSTAL_MARK = re.compile(rf"〒[ ]?[0-9]{{3}}{_DASH}?[0-9]{{4}}(?![0-9])")

# Postal codes after a label, which stays: 郵便番号1730001, 郵便番号は173-0001, zip 173-0001.
_POSTAL_LABELLED = re.compile(
    rf"(?P<label>郵便番号|(?i:postal code|post code|zip code|zip)\b)(?P<gap>[ :]*(?:は[ ]*)?)"
    rf"[0-9]{{3}}{_DASH}?[0-9]{{4}}(?![0-9])"
)

# Phone numbers in international form: +81 90 1234 5678, +81-3-3964-1111, +81 (0)3 3964 1111,
# +819012345678, and other countries' (+1 555 123 4567). Before the 12-digit My Number rule,
# which +81 90 1234 5678 (12 digits) would otherwise match. Checked: 8 to 15 digits (E.164).
_PHONE_INTERNATIONAL = re.compile(
    rf"\+[ ]?(?:[1-9][0-9]{{7,14}}"
    rf"|[1-9][0-9]{{0,2}}{_SEP}?(?:\(0\)[ ]?)?[0-9]{{1,4}}(?:{_SEP}[0-9]{{1,4}}){{0,3}}"
    rf"{_SEP}[0-9]{{3,4}})(?![0-9])"
)

# Payment card numbers, 13 to 19 digits: contiguous, 4-4-4-4 (Visa, Mastercard, JCB), 4-6-5
# (American Express) or 4-6-4 (Diners), with spaces or hyphens. Before My Number: 16 > 12.
_CARD = re.compile(
    rf"{_NUM_START}(?:[0-9]{{13,19}}|[0-9]{{4}}(?:{_SEP}[0-9]{{4}}){{3}}"
    rf"|[0-9]{{4}}{_SEP}[0-9]{{6}}{_SEP}[0-9]{{4,5}}){_NUM_END}"
)

# My Number (個人番号), 12 digits: 123456789012, 1234 5678 9012, 1234-5678-9012.
_MY_NUMBER = re.compile(
    rf"{_NUM_START}(?:[0-9]{{12}}|[0-9]{{4}}{_SEP}[0-9]{{4}}{_SEP}[0-9]{{4}}){_NUM_END}"
)

# Japanese phone numbers, starting with 0: 090-1234-5678, 090 1234 5678, 03-3964-1111,
# 0120-123-456, 0570-064-556, 090-12345678, 09012345678, (03)3964-1111, 03(3964)1111.
# Checked: 10 digits (landline, 0120, 0570) or 11 (mobile, 050, 0800) — which leaves dates
# such as 01-12-2026 alone.
_PHONE = re.compile(
    rf"(?<![0-9])(?:0[0-9]{{1,4}}{_SEP}[0-9]{{1,4}}{_SEP}[0-9]{{3,4}}"
    rf"|0[0-9]{{1,4}}{_SEP}[0-9]{{5,8}}"
    rf"|0[0-9]{{9,10}}"
    rf"|\(0[0-9]{{1,4}}\)[ ]?[0-9]{{1,4}}{_SEP}?[0-9]{{3,4}}"
    rf"|0[0-9]{{1,4}}\([0-9]{{1,4}}\)[0-9]{{3,4}})(?![0-9])"
)

# Phone numbers the rules above miss but a label gives away: 電話は3964-1111, TEL 3964-1111,
# phone: 39641111. The label stays. Checked: 6 to 15 digits, not a date.
_PHONE_LABELLED = re.compile(
    rf"(?P<label>電話番号|携帯電話|電話|携帯|ファックス|ファクス|(?i:\b(?:tel|fax|phone|mobile)\b))"
    rf"(?P<gap>[ :]*(?:は[ ]*)?)(?P<number>[0-9]+(?:(?:{_DASH}|[()])[0-9]+)*)(?![0-9])"
)

# Postal codes without a label: 173-0001 (three digits, hyphen, four digits, nothing around;
# not 100-1000円).
_POSTAL_BARE = re.compile(rf"{_NUM_START}[0-9]{{3}}{_DASH}[0-9]{{4}}{_NUM_END}(?!{_UNIT})")

# One part of an address after the first: 5番, 3号, 12番地, 405号室, 2 (of 2-3-405).
_ADDRESS_PART = "[0-9]++(?:番地|番|号室|号)?"
# What joins two parts: a hyphen, の (12番地の3), or nothing after 番/号 (5番3号).
_ADDRESS_JOIN = f"(?:{_DASH}|の)?"
_ADDRESS_TAIL = f"{_ADDRESS_PART}(?:{_ADDRESS_JOIN}{_ADDRESS_PART}){{0,3}}"

# 丁目 and what follows it: 1丁目, 二丁目5番, 1丁目2-3-405, 3丁目12番地の3. The town name stays.
# (A number part is matched possessively, [0-9]++, so that a long digit run is never re-split.)
_CHOME = re.compile(
    rf"(?:(?<![0-9])[0-9]+|(?<!{_KANJI_DIGIT}){_KANJI_DIGIT}+)丁目"
    rf"(?:(?:[ ]?{_DASH}[ ]?)?{_ADDRESS_TAIL})?(?:{_DASH}[0-9]+)*"
)

# 番地 and what follows it: 5番地, 12番地3, 12番地の3, 120番地2-101.
_BANCHI = re.compile(rf"(?<![0-9])[0-9]+番地(?:{_ADDRESS_JOIN}{_ADDRESS_TAIL})?(?:{_DASH}[0-9]+)*")

# 番 and 号: 12番3号, 12番3-405, 12番3号405. Not 3番線, 1番目, 窓口1番2番 (番/目/線 after).
_BAN_GO = re.compile(
    rf"(?<![0-9])[0-9]+番{_ADDRESS_JOIN}[0-9]+(?:号室|号)?"
    rf"(?:{_ADDRESS_JOIN}{_ADDRESS_PART}){{0,2}}(?![0-9]|番|目|線)"
)

# A room number: 405号室.
_ROOM = re.compile(r"(?<![0-9])[0-9]+号室")

# Chome in romaji: 2-chome, 2 chome 5-3 (Honcho 2-chome 5-3).
_CHOME_LATIN = re.compile(
    rf"(?i:\b[0-9]{{1,2}}[ -]?chome\b)(?:,?[ ]?[0-9]{{1,4}}(?:{_DASH}[0-9]{{1,4}}){{0,3}})?"
)

# Hyphenated address numbers: 板橋区本町1-2-3, 成増1-2, 本町1ー2ー3, 2-3-4 Honcho. Three or four
# numbers anywhere; two only right after a kanji place name (本町12-3). Checked: not a date,
# not before a unit (1-2人, 9-17時, 1-3月) and not after 第/約/… (第1-2回).
_ADDRESS_HYPHEN = re.compile(
    rf"(?P<before>{_KANJI}[ ]?)?{_NUM_START}(?<![A-Za-z])"
    rf"(?P<number>[0-9]{{1,4}}(?:{_DASH}[0-9]{{1,4}}){{1,3}})(?:号室|号|番地|番)?"
    rf"{_NUM_END}(?!{_UNIT})"
)
# Kanji after which two hyphenated numbers are a range, not an address: 第1-2回, 約3-4.
_NOT_A_PLACE = frozenset("第約各計全毎前後日時間週月年")


def _count_digits(text: str) -> int:
    """How many ASCII digits `text` has."""
    return sum(character.isascii() and character.isdigit() for character in text)


def _international_phone(match: re.Match[str]) -> str:
    """A +… number of 8 to 15 digits (not counting a "(0)") is a phone number."""
    digits = _count_digits(match.group().replace("(0)", ""))
    return PHONE if 8 <= digits <= 15 else match.group()


def _phone(match: re.Match[str]) -> str:
    """A 0… number of 10 or 11 digits is a Japanese phone number."""
    return PHONE if _count_digits(match.group()) in (10, 11) else match.group()


def _labelled_phone(match: re.Match[str]) -> str:
    """After 電話/TEL…, 6 to 15 digits that are not a date are a phone number."""
    number = match.group("number")
    if not 6 <= _count_digits(number) <= 15 or _DATE.fullmatch(number):
        return match.group()
    return match.group("label") + match.group("gap") + PHONE


def _labelled_postal_code(match: re.Match[str]) -> str:
    """Keep the label (郵便番号, zip) and mask the code."""
    return match.group("label") + match.group("gap") + POSTAL_CODE


def _hyphenated_address(match: re.Match[str]) -> str:
    """Mask 1-2-3 (anywhere) or 本町12-3 (two numbers after a place name), not dates."""
    before = match.group("before") or ""
    number = match.group("number")
    parts = len(re.split(_DASH, number))
    if _DATE.fullmatch(number):
        return match.group()
    place = before.strip()
    if parts == 2 and (not place or place in _NOT_A_PLACE):
        return match.group()
    return before + ADDRESS


# The rules, in the order they run: the more specific first (see the module docstring).
_RULES: tuple[tuple[re.Pattern[str], str | Callable[[re.Match[str]], str]], ...] = (
    (_EMAIL, EMAIL),
    (_POSTAL_MARK, POSTAL_CODE),
    (_POSTAL_LABELLED, _labelled_postal_code),
    (_PHONE_INTERNATIONAL, _international_phone),
    (_CARD, CARD),
    (_MY_NUMBER, MY_NUMBER),
    (_PHONE, _phone),
    (_PHONE_LABELLED, _labelled_phone),
    (_POSTAL_BARE, POSTAL_CODE),
    (_CHOME, ADDRESS),
    (_CHOME_LATIN, ADDRESS),
    (_BANCHI, ADDRESS),
    (_BAN_GO, ADDRESS),
    (_ROOM, ADDRESS),
    (_ADDRESS_HYPHEN, _hyphenated_address),
)


def _clean(text: str) -> str:
    """NFKC-normalise `text` and remove control characters other than tab and newline."""
    text = unicodedata.normalize("NFKC", text)
    text = _CARRIAGE_RETURN.sub("\n", text)
    return _CONTROL.sub("", text)


def mask_personal_data(text: str) -> str:
    """Return `text` NFKC-normalised, without control characters, with personal data replaced.

    Placeholders: [電話番号] [マイナンバー] [カード番号] [メール] [郵便番号] [住所]. For an
    address, the ward and town name stay and the numbered part (丁目・番地・番・号, 1-2-3) goes.
    """
    masked = _clean(text)
    for pattern, replacement in _RULES:
        masked = pattern.sub(replacement, masked)
    return masked
