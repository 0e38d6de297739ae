"""mask_personal_data (bot/core/privacy.py): personal data in what residents type becomes
placeholders before it is stored; ordinary numbers (dates, times, money, counts, 110/119/189) stay.

All data here is made up: 090-1234-5678-style numbers, example.* domains, no real persons.
"""

from __future__ import annotations

import time
import unicodedata

import pytest

from bot.core.privacy import mask_personal_data

# The hyphens residents type between digits (IME settings, copy-paste, full-width keyboards).
HYPHENS = ["-", "‐", "‑", "‒", "–", "—", "―", "−", "ー", "ｰ", "－", "﹣"]

PHONES = [
    pytest.param("電話は090-1234-5678です", "電話は[電話番号]です", id="mobile"),
    pytest.param(
        "09012345678に折り返してください", "[電話番号]に折り返してください", id="mobile-bare"
    ),
    pytest.param("自宅は03-5555-0123です", "自宅は[電話番号]です", id="landline-tokyo"),
    pytest.param("045-555-0123", "[電話番号]", id="landline-3-digit-area"),
    pytest.param("0120-123-456へ", "[電話番号]へ", id="free-dial"),
    pytest.param("0570-000-123までお電話を", "[電話番号]までお電話を", id="navi-dial"),
    pytest.param("050-1234-5678", "[電話番号]", id="ip-phone"),
    pytest.param("(03)5555-0123", "[電話番号]", id="area-code-in-brackets"),
    pytest.param("03(5555)0123", "[電話番号]", id="local-code-in-brackets"),
    pytest.param("+81 90 1234 5678", "[電話番号]", id="international-spaced"),
    pytest.param("+81-3-5555-0123", "[電話番号]", id="international-hyphens"),
    pytest.param("+81 (0)3 5555 0123", "[電話番号]", id="international-trunk-zero"),
    pytest.param("+819012345678", "[電話番号]", id="international-bare"),
    pytest.param("090 1234 5678", "[電話番号]", id="mobile-spaced"),
    pytest.param("０９０－１２３４－５６７８", "[電話番号]", id="full-width"),
    pytest.param("（０３）５５５５－０１２３", "[電話番号]", id="full-width-brackets"),
    pytest.param("＋８１　９０　１２３４　５６７８", "[電話番号]", id="full-width-international"),
    pytest.param("０９０　１２３４　５６７８です", "[電話番号]です", id="full-width-spaces"),
    pytest.param(
        "Please call me at 090-1234-5678 tomorrow.",
        "Please call me at [電話番号] tomorrow.",
        id="english-sentence",
    ),
    pytest.param("電話は5555-0123です", "電話は[電話番号]です", id="no-area-code-after-label"),
    pytest.param("TEL：５５５５－０１２３", "TEL:[電話番号]", id="full-width-after-tel"),
    pytest.param(
        "phone 090-1234-5678 2人で行きます",
        "phone [電話番号] 2人で行きます",
        id="count-after-phone-stays",
    ),
    *(
        pytest.param(f"090{h}1234{h}5678", "[電話番号]", id=f"hyphen-U+{ord(h):04X}")
        for h in HYPHENS
    ),
]

MY_NUMBERS = [
    pytest.param(
        "マイナンバーは1234 5678 9012です", "マイナンバーは[マイナンバー]です", id="spaced"
    ),
    pytest.param("123456789012", "[マイナンバー]", id="bare"),
    pytest.param("1234-5678-9012", "[マイナンバー]", id="hyphens"),
    pytest.param("１２３４　５６７８　９０１２", "[マイナンバー]", id="full-width-spaced"),
    pytest.param("１２３４－５６７８－９０１２", "[マイナンバー]", id="full-width-hyphens"),
    pytest.param("１２３４５６７８９０１２", "[マイナンバー]", id="full-width-bare"),
    pytest.param(
        "My Number is 1234 5678 9012.", "My Number is [マイナンバー].", id="english-sentence"
    ),
    pytest.param(
        "個人番号123456789012を書きました", "個人番号[マイナンバー]を書きました", id="in-japanese"
    ),
]

CARDS = [
    pytest.param(
        "カード番号は4111 1111 1111 1111です", "カード番号は[カード番号]です", id="spaced"
    ),
    pytest.param("4111-1111-1111-1111", "[カード番号]", id="hyphens"),
    pytest.param("4111111111111111", "[カード番号]", id="bare-16"),
    pytest.param("3782 822463 10005", "[カード番号]", id="amex-4-6-5"),
    pytest.param("4222222222222", "[カード番号]", id="bare-13"),
    pytest.param("4111111111111111111", "[カード番号]", id="bare-19"),
    pytest.param("４１１１－１１１１－１１１１－１１１１", "[カード番号]", id="full-width"),
    pytest.param(
        "card: 4111 1111 1111 1111, exp 12/28",
        "card: [カード番号], exp 12/28",
        id="english-expiry-stays",
    ),
]

EMAILS = [
    pytest.param("taro.itabashi@example.co.jp", "[メール]", id="plain"),
    pytest.param("ｈａｎａｋｏ＠ｅｘａｍｐｌｅ．ｊｐ", "[メール]", id="full-width"),
    pytest.param("09012345678@docomo.example.jp", "[メール]", id="phone-number-mailbox"),
    pytest.param(
        "Email me at hanako.y+bot@example.com.", "Email me at [メール].", id="english-sentence"
    ),
    pytest.param("メールはtaro_1990@example.ne.jpです", "メールは[メール]です", id="in-japanese"),
]

POSTAL_CODES = [
    pytest.param("〒173-0001", "[郵便番号]", id="mark"),
    pytest.param("〒1730001", "[郵便番号]", id="mark-bare"),
    pytest.param("〒 173-0001", "[郵便番号]", id="mark-space"),
    pytest.param("郵便番号1730001", "郵便番号[郵便番号]", id="label-bare"),
    pytest.param("郵便番号は173-0001です", "郵便番号は[郵便番号]です", id="label-sentence"),
    pytest.param("173-0001", "[郵便番号]", id="bare-hyphen"),
    pytest.param("〒１７３－０００１", "[郵便番号]", id="full-width-mark"),
    pytest.param("郵便番号：１７３０００１", "郵便番号:[郵便番号]", id="full-width-label"),
    pytest.param("〒173ー0001", "[郵便番号]", id="long-vowel-hyphen"),
    pytest.param("Zip code: 173-0001", "Zip code: [郵便番号]", id="english-label"),
]

ADDRESSES = [
    pytest.param("板橋区本町1-2-3", "板橋区本町[住所]", id="hyphens"),
    pytest.param("大山東町12番3号", "大山東町[住所]", id="ban-go"),
    pytest.param("高島平二丁目5番", "高島平[住所]", id="kanji-chome"),
    pytest.param("成増1丁目2-3-405", "成増[住所]", id="chome-and-room"),
    pytest.param("2-3-4 Honcho, Itabashi-ku", "[住所] Honcho, Itabashi-ku", id="english"),
    pytest.param("本町１－２－３", "本町[住所]", id="full-width-hyphens"),
    pytest.param("本町1ー2ー3", "本町[住所]", id="long-vowel-hyphens"),
    pytest.param("大山東町１２番３号", "大山東町[住所]", id="full-width-ban-go"),
    pytest.param("高島平２丁目５番１１号", "高島平[住所]", id="full-width-chome"),
    pytest.param("本町12-3に住んでいます", "本町[住所]に住んでいます", id="two-numbers"),
    pytest.param("板橋区大山東町12番地の3", "板橋区大山東町[住所]", id="banchi-no"),
    pytest.param("Honcho 2-chome 5-3, Itabashi", "Honcho [住所], Itabashi", id="romaji-chome"),
    pytest.param(
        "住所は板橋区成増1-2-3 405号室です",
        "住所は板橋区成増[住所] [住所]です",
        id="room-number",
    ),
    pytest.param(
        "I live at 1-2-3 Oyama-higashicho.",
        "I live at [住所] Oyama-higashicho.",
        id="english-sentence",
    ),
    pytest.param("住所は1-2-3です", "住所は[住所]です", id="three-numbers-anywhere"),
]

SEVERAL = [
    pytest.param(
        "電話090-1234-5678、メールtaro@example.jp、〒173-0001 板橋区本町1-2-3",
        "電話[電話番号]、メール[メール]、[郵便番号] 板橋区本町[住所]",
        id="four-kinds",
    ),
    pytest.param(
        "Call 03-5555-0123 or write to hanako@example.com; I live at 2-3-4 Honcho, 173-0001.",
        "Call [電話番号] or write to [メール]; I live at [住所] Honcho, [郵便番号].",
        id="english-four-kinds",
    ),
    pytest.param(
        "住所：板橋区本町１－２－３、電話：０９０－１２３４－５６７８",
        "住所:板橋区本町[住所]、電話:[電話番号]",
        id="full-width-address-and-phone",
    ),
    pytest.param(
        "マイナンバー1234 5678 9012とカード4111 1111 1111 1111",
        "マイナンバー[マイナンバー]とカード[カード番号]",
        id="my-number-and-card",
    ),
    pytest.param(
        "12月1日10:30に090-1234-5678へ電話、2人で行きます",
        "12月1日10:30に[電話番号]へ電話、2人で行きます",
        id="ordinary-numbers-around-a-phone",
    ),
    pytest.param(
        "予約の件\n住所：高島平二丁目5番\n電話：03-5555-0123\n2026年12月1日希望",
        "予約の件\n住所:高島平[住所]\n電話:[電話番号]\n2026年12月1日希望",
        id="several-lines",
    ),
    pytest.param(
        "090-1234-5678と03-5555-0123",
        "[電話番号]と[電話番号]",
        id="two-phones",
    ),
]

CONTROL_CHARACTERS = [
    pytest.param("ごみ\x00の日", "ごみの日", id="nul"),
    pytest.param("a\x01b\x1fc\x7fd\x9fe", "abcde", id="other-controls"),
    pytest.param(
        "一行目\r\n二行目\tタブ\r三行目", "一行目\n二行目\tタブ\n三行目", id="newline-tab-kept"
    ),
    pytest.param("090-12\x0034-5678", "[電話番号]", id="nul-inside-a-number"),
]

MASKED = PHONES + MY_NUMBERS + CARDS + EMAILS + POSTAL_CODES + ADDRESSES + SEVERAL

UNCHANGED = [
    pytest.param("2026年12月1日に予約したいです", id="date-kanji"),
    pytest.param("12/1は開いていますか", id="date-slash"),
    pytest.param("2026-12-01", id="date-iso"),
    pytest.param("2026/12/01 10:30", id="date-and-time"),
    pytest.param("01-12-2026", id="date-day-first"),
    pytest.param("10:30からです", id="time"),
    pytest.param("午前9時に行きます", id="time-kanji"),
    pytest.param("令和7年12月1日10時30分", id="era-date-time"),
    pytest.param("300円です", id="money"),
    pytest.param("手数料は1,000円ですか", id="money-comma"),
    pytest.param("料金は100-1000円", id="money-range"),
    pytest.param("3回目の接種", id="count-times"),
    pytest.param("2人で参加します", id="count-people"),
    pytest.param("大人3-4人で参加", id="count-range"),
    pytest.param("令和7年度の予算", id="era-year"),
    pytest.param("年度2025-2026", id="year-span"),
    pytest.param("受付番号 12 です", id="booking-number"),
    pytest.param("受付番号123456で申し込みました", id="booking-number-long"),
    pytest.param("189", id="child-abuse-hotline"),
    pytest.param("110と119", id="police-and-fire"),
    pytest.param("救急相談は#7119", id="emergency-advice"),
    pytest.param("暗証番号は4桁ですか", id="pin-mention"),
    pytest.param("受付時間9-17時", id="hour-range"),
    pytest.param("平日9:00-17:00", id="time-range"),
    pytest.param("1-3月の予定", id="month-range"),
    pytest.param("第1-2回の講座", id="session-range"),
    pytest.param("0-2歳児クラス", id="age-range"),
    pytest.param("3番線のバス", id="platform"),
    pytest.param("窓口1番2番", id="counters"),
    pytest.param("電話で3回かけた", id="phone-word-and-count"),
    pytest.param("Meeting on 2026-12-01 at 10:30 for 2 people, 1,000 yen.", id="english"),
    pytest.param("Score was 2-1", id="english-score"),
    pytest.param("２０２６年１２月１日　３００円", id="full-width-date-and-money"),
    pytest.param("１０：３０に２人", id="full-width-time-and-count"),
]

# Harder shapes: the exact output matters less than that no digit of the data survives.
DIGITS_GONE = [
    pytest.param(
        "高島平二丁目5番11号405号室", "[住所]", ["5", "11", "405"], id="chome-ban-go-room"
    ),
    pytest.param("〒173-0001 板橋区本町1-2-3", "[住所]", ["173", "0001"], id="postal-and-address"),
    pytest.param(
        "携帯：０９０ １２３４ ５６７８", "[電話番号]", ["1234", "5678"], id="mixed-spacing"
    ),
    pytest.param("+1 555 123 4567", "[電話番号]", ["555", "4567"], id="foreign-phone"),
    pytest.param("板橋区 本町 1-2-3", "[住所]", ["1-2-3"], id="spaced-address"),
    pytest.param("FAX 5555-0124", "[電話番号]", ["5555", "0124"], id="fax-after-label"),
    pytest.param("成増１丁目２－３－４０５", "[住所]", ["405"], id="full-width-chome-room"),
    pytest.param("本町1-2-3号", "[住所]", ["1-2-3"], id="hyphens-and-go"),
]


@pytest.mark.parametrize(("text", "expected"), MASKED + CONTROL_CHARACTERS)
def test_personal_data_becomes_a_placeholder(text: str, expected: str) -> None:
    assert mask_personal_data(text) == expected


@pytest.mark.parametrize("text", UNCHANGED)
def test_ordinary_numbers_stay(text: str) -> None:
    assert mask_personal_data(text) == unicodedata.normalize("NFKC", text)


@pytest.mark.parametrize(("text", "placeholder", "digits"), DIGITS_GONE)
def test_no_digit_of_the_data_survives(text: str, placeholder: str, digits: list[str]) -> None:
    masked = mask_personal_data(text)
    assert placeholder in masked
    for part in digits:
        assert part not in masked, masked


@pytest.mark.parametrize(("text", "expected"), MASKED)
def test_masking_twice_changes_nothing(text: str, expected: str) -> None:
    assert mask_personal_data(mask_personal_data(text)) == expected


def test_output_is_normalised_and_has_no_control_characters() -> None:
    text = "ＡＢＣ\x00１２３\x1b[31m"
    masked = mask_personal_data(text)
    assert masked == "ABC123[31m"
    assert unicodedata.normalize("NFKC", masked) == masked


def test_a_long_message_is_masked_quickly() -> None:
    """LINE allows 5,000 characters; hostile digit runs must not make the regexes backtrack."""
    for text in ("1" * 5000, "1番" + "1" * 3000 + "番", "一" * 5000, "1-" * 2500):
        started = time.perf_counter()
        mask_personal_data(text)
        assert time.perf_counter() - started < 1.0
