"""Text normalisation, matching folds and language detection for the intent router.

`normalize` is public and stable (the content layer uses it too): NFKC, lowercase, whitespace
folded. `fold` is private to the router's features: it also folds katakana to hiragana, repairs
kana/kanji look-alike typos (コンビ二 with kanji 二, 窓ロ with katakana ロ), and maps common
hiragana spellings and typos of key terms onto one written form (じゅうみんひょう, 住民表 → 住民票).
"""

from __future__ import annotations

import re

from bot.core.text import normalize

__all__ = ["detect_language", "fold", "language_of_normalized", "normalize"]


def _is_katakana(ch: str) -> bool:
    return "\u30a1" <= ch <= "\u30fa"


def _is_kanji(ch: str) -> bool:
    return "\u4e00" <= ch <= "\u9fff" or "\u3400" <= ch <= "\u4dbf" or ch == "々"


# Kanji that look like katakana, and the katakana they are mistyped for (コンビ二).
_KANJI_AS_KANA = dict(zip("二口力工八夕卜", "ニロカエハタト", strict=True))
# Katakana mistyped for kanji (窓ロ, 協カ); only ever between kanji, never inside a katakana word.
_KANA_AS_KANJI = {"ロ": "口", "カ": "力", "エ": "工"}
_LOOKALIKE = re.compile("[二口力工八夕卜一ロカエ]")


def _fix_lookalikes(s: str) -> str:
    """Repair kanji/katakana look-alikes using the script of their neighbours."""
    if not _LOOKALIKE.search(s):
        return s
    out = list(s)
    n = len(s)
    for i, c in enumerate(s):
        prev = s[i - 1] if i else ""
        nxt = s[i + 1] if i + 1 < n else ""
        prev_kana = bool(prev) and (_is_katakana(prev) or prev == "ー")
        if c in _KANJI_AS_KANA and prev_kana:
            out[i] = _KANJI_AS_KANA[c]
        elif c == "一" and prev_kana and (not nxt or _is_katakana(nxt)):
            out[i] = "ー"  # マイナンバ一カード: kanji "one" typed for the long-vowel mark
        elif (
            c in _KANA_AS_KANJI
            and prev
            and _is_kanji(prev)
            and not (nxt and (_is_katakana(nxt) or nxt == "ー"))
        ):
            out[i] = _KANA_AS_KANJI[c]
    return "".join(out)


_KATA2HIRA = {cp: cp - 0x60 for cp in range(0x30A1, 0x30F7)}

# Spellings folded onto one form, applied after katakana → hiragana (so keys are in hiragana).
# Longest keys win (the alternation is sorted by length).
_VARIANTS = {
    # residence / seal / tax certificates
    "じゅうみんひょう": "住民票",
    "じゅうみん票": "住民票",
    "住民表": "住民票",
    "住民ひょう": "住民票",
    "いんかんとうろくしょうめいしょ": "印鑑証明書",
    "いんかんしょうめいしょ": "印鑑証明書",
    "いんかんしょうめい": "印鑑証明",
    "印鑑登録証明": "印鑑証明",
    "印かん": "印鑑",
    "いんかん": "印鑑",
    "しょうめいしょ": "証明書",
    "しょうめい": "証明",
    "こせき": "戸籍",
    "とうほん": "謄本",
    "かぜい": "課税",
    # My Number card
    "個人番号かーど": "まいなんばーかーど",
    "まいなかーど": "まいなんばーかーど",
    "まいなんばーかーと": "まいなんばーかーど",
    "まいなんばかーど": "まいなんばーかーど",
    "まいなんばーかど": "まいなんばーかーど",
    "まいなんばーか−ど": "まいなんばーかーど",
    "あんしょうばんごう": "暗証番号",
    "暗唱番号": "暗証番号",
    "暗照番号": "暗証番号",
    "暗証ばんごう": "暗証番号",
    "ばんごう": "番号",
    # online application
    "でんししんせい": "電子申請",
    "でんしんせい": "電子申請",  # one し short: read as 申請 alone, a My Number card question
    "電子申講": "電子申請",
    "電子しんせい": "電子申請",
    "しんせい": "申請",
    "いんたーねっと": "ねっと",
    "申し込み": "申込",
    "申込み": "申込",
    "もうしこみ": "申込",
    "もうしこむ": "申込む",
    "申し込む": "申込む",
    "てつづき": "手続き",
    # classes
    "すまーとふぉん": "すまほ",
    "すまふぉ": "すまほ",
    "きょうしつ": "教室",
    "教しつ": "教室",
    "こうざ": "講座",
    "そうだんかい": "相談会",
    "そうだん": "相談",
    "よやく": "予約",
    # settings
    "じゅしんせってい": "受信設定",
    "せってい": "設定",
    "つうち": "通知",
    "はいしん": "配信",
    "ていし": "停止",
    "おしらせ": "お知らせ",
    # contact
    "くやくしょ": "区役所",
    "やくしょ": "役所",
    "でんわ": "電話",
    "まどぐち": "窓口",
    "といあわせ": "問い合わせ",
    "問合せ": "問い合わせ",
    "問合わせ": "問い合わせ",
    "問い合せ": "問い合わせ",
    "なんじ": "何時",
    "だれに": "誰に",  # 「だれに きけば いいですか」 was asked back about the classes' 持ち物
    "きけば": "聞けば",
    "きいたら": "聞いたら",
    # common verbs
    "おしえて": "教えて",
    "わすれ": "忘れ",
}
_VARIANT_RE = re.compile("|".join(sorted(map(re.escape, _VARIANTS), key=len, reverse=True)))

# Spaces between two CJK / kana / hangul characters carry no meaning (区役所　開庁時間).
_CJK = "\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uac00-\ud7af"
_CJK_SPACE = re.compile(f"(?<=[{_CJK}]) (?=[{_CJK}])")


def fold(normalized: str) -> str:
    """Matching form of an already-normalised message (router features only; not stable API)."""
    s = _fix_lookalikes(normalized)
    s = s.translate(_KATA2HIRA)
    s = _VARIANT_RE.sub(lambda m: _VARIANTS[m.group(0)], s)
    return _CJK_SPACE.sub("", s)


# --- language -------------------------------------------------------------------------------------


def _words(text: str) -> list[str]:
    return text.split()


_KANA = re.compile("[\u3041-\u309f\u30a1-\u30ff\uff66-\uff9f]")
_HIRAGANA = re.compile("[\u3041-\u309f]")
_HAN = re.compile("[\u3400-\u4dbf\u4e00-\u9fff]")
_HANGUL = re.compile("[\uac00-\ud7af\u1100-\u11ff\u3130-\u318f]")
_DEVANAGARI = re.compile("[\u0900-\u097f]")
_LATIN = re.compile("[a-z\u00c0-\u024f\u1e00-\u1eff]")
# Letters only Vietnamese uses among latin-script languages (ă đ ơ ư ĩ ũ and the stacked tones).
_VIET = re.compile("[ăđơưĩũ\u1ea0-\u1ef9]")
# Characters that mark a Han-only message as Chinese rather than kanji-only Japanese (配信停止).
_ZH_STRONG = frozenset(
    # simplified forms and particles that kanji-only Japanese does not use (not 里, 没:
    # 里親 and 没収 are Japanese)
    "吗呢么这们个说您你我怎样请谁哪给还吧啊呀为么办应该开关时间电话码证书护签网线费钱单题问户务"
    "对边过进选择让认识读听见觉导动门语账带馆钟续报课丢业发经银买卖预约圾垃险帮"
    "谢车东长儿图验处员乐头实现节药师习补卡"
    # traditional forms that differ from Japanese shinjitai (not 謝: 感謝, 月謝 are Japanese;
    # not 國, 學, 會: old forms kept in Japanese names, 國學院)
    "嗎們這說麼裡證號碼沒來錢醫辦區與從關讀寫聽對樣灣"
)
# Chinese words written only in characters Japanese uses too (謝謝, 便利商店: the kanji of 感謝
# and 商店), or in Japanese kanji Japanese never puts together so (早上, 拜拜).
_ZH_WORDS = re.compile("謝謝|便利商店|便利店|請問|早上|拜拜|再見|没有")
_ZH_WEAK = frozenset("的了是在有能可以")
_EN_WORDS = frozenset(
    _words(
        "a an the i you he she we they it my your our is are was were be am do does did can "
        "could would should will shall may might must how what when where which who why whom to "
        "of for in on at by with from about please thanks thank hello hi hey and or but not no "
        "yes this that there here get have has had want need me us if any some"
    )
)
_OTHER_LATIN_WORDS = frozenset(
    # Portuguese, Spanish, Tagalog, Indonesian function words that are not English words
    _words(
        "como posso onde para meu minha uma um não nao que quero fazer qual tem pedido ola olá "
        "obrigado obrigada donde puedo quiero cómo dónde paano saan ang ng sa mga po ba ko mo "
        "pwede puwede ano anong kumuha bang nawala salamat magandang apa bisa saya di dan "
        # more Spanish, Portuguese, Tagalog and French ones (not "de", "o", "a": romaji
        # Japanese has them, 「konbini de juminhyo」)
        "el los las del una es hay necesito necesita está estoy tengo qué cuál cuándo obtener "
        "por você voce preciso estou kailangan nasaan magkano ako je vous où besoin suis"
    )
)
_WORD = re.compile("[a-z\u00c0-\u024f\u1e00-\u1eff']+")


# ISO 639-2's code for "undetermined": latin letters that are no language's words, or no letters.
UNDETERMINED = "und"


def detect_language(text: str) -> str:
    """Language of a resident message: "ja", "en", "zh", "ko", "vi", "ne", "other" or "und".

    Script first (kana → ja, hangul → ko, devanagari → ne), then Han-only text is Chinese only when
    it has Chinese-only characters or particles, then latin text is "vi" with Vietnamese letters,
    "en" when English function words outnumber other languages' ones. "und" when no language's
    words can be told: latin letters that are no language's words (a brand, a name, "OK"), or
    no letters at all ("?", "1", "7-11", 👍): answered in the resident's own language. An English
    sentence around a Japanese term ("Can I get 住民票 at 7-11?") is English: a Japanese
    sentence has hiragana (its particles). Empty → "ja" (the bot's default language).
    """
    return language_of_normalized(normalize(text))


def language_of_normalized(s: str) -> str:
    """`detect_language` of a message already normalised (the router has it so)."""
    if not s:
        return "ja"
    kana = len(_KANA.findall(s))
    han = len(_HAN.findall(s))
    hangul = len(_HANGUL.findall(s))
    deva = len(_DEVANAGARI.findall(s))
    latin = len(_LATIN.findall(s))
    if hangul and hangul >= kana:
        return "ko"
    if deva and deva >= kana + han:
        return "ne"
    if kana:
        # Japanese with some latin (LINEの設定, iPhoneで) stays Japanese unless mostly English,
        # or English around a katakana term ("Where do I get マイナンバーカード?").
        english = _english_score(s) >= 2
        if english and (latin > 4 * (kana + han) or not _HIRAGANA.search(s)):
            return "en"
        return "ja"
    if han:
        # English words around a kanji term ("Can I get 住民票 at 7-11?"): English.
        if _english_score(s) >= 2 and latin >= han:
            return "en"
        # 我 is Chinese-only, but 我々 ("we") is Japanese: Chinese never writes 々.
        strong = sum(1 for c in s.replace("我々", "") if c in _ZH_STRONG)
        weak = sum(1 for c in s if c in _ZH_WEAK)
        return "zh" if strong or weak >= 3 or _ZH_WORDS.search(s) else "ja"
    if not latin:
        # No letters at all ("?", "1", "7-11", 👍): no language to tell.
        return "other" if any(c.isalpha() for c in s) else UNDETERMINED
    if _VIET.search(s):
        return "vi"
    if _is_romaji(s):
        # Japanese in latin letters (「juminhyo」, 「mai nanba ka-do」): no English, whoever
        # types it; answered in the resident's own language, as a brand or a name is.
        return UNDETERMINED
    words = _WORD.findall(s.replace("my number", " "))
    en = sum(w in _EN_WORDS for w in words)
    other = sum(w in _OTHER_LATIN_WORDS for w in words)
    if en > other or (en == other == 0 and _looks_english(words)):
        return "en"
    if en == other == 0:
        # No word of any language: a brand, an app or a name (iPhone, LINE, PayPay, QR).
        # Answered in the resident's own language, not as a language we do not speak.
        return UNDETERMINED
    return "other"


def _english_score(s: str) -> int:
    return sum(w in _EN_WORDS for w in _WORD.findall(s))


_EN_CONTENT = frozenset(
    _words(
        "menu help card class smartphone phone number office certificate store convenience "
        "online application settings notification language contact juminhyo konbini pin "
        "password unsubscribe lesson schedule garbage passport weather bye good morning evening "
        "night"
    )
)


# English words Japanese uses as its own (メニュー, ヘルプ): alone, they tell no language, so a
# Japanese resident typing "menu" or "help" is answered in Japanese, an English one in English.
_LOANWORDS = frozenset(_words("menu help"))


def _looks_english(words: list[str]) -> bool:
    """Short latin messages without function words ("Unsubscribe", "card pin") count as
    English. "OK", "menu" and "help" alone do not: Japanese residents type them as often as
    English ones."""
    return any(w in _EN_CONTENT and w not in _LOANWORDS for w in words)


# Japanese ward words as residents spell them in latin letters (the romaji foreign residents are
# taught, and Japanese residents type on a phone without kana), and the particles and endings
# around them. A message made only of these is Japanese, not English: "juminhyo" from a
# Japanese resident was answered in English. Some are English words too ("do", "no", "to",
# "hi", 日 in 「gomi no hi」): a message needs one ward word that is not English to count.
_ROMAJI_TERMS = frozenset(
    _words(
        "juminhyo juminhyou juuminhyou jyuminhyo jūminhyō inkan inkanshomei shomei shoumei "
        "shomeisho shoumeisho koseki tohon touhon shohon kazei hikazei nozei nouzei konbini "
        "kombini conbini kofu koufu mainanba mainanbaa mainanbā nanba nanbaa namba ka-do kaado "
        "kādo kado maina mainakado ansho anshou anshobango anshoubangou bango bangou kuyakusho "
        "kuyakusyo yakusho madoguchi sumaho kyoshitsu kyoushitsu sodan soudan sodankai "
        "soudankai yoyaku denshi shinsei tetsuzuki todoke zairyu hokensho kokuho nenkin gomi "
        "sodaigomi hoikuen teate jidoteate zeikin hikkoshi tenshutsu tennyu"
    )
)
_ROMAJI_OTHERS = frozenset(
    _words(
        "mai wa ga wo o ni de no to mo ka ne yo e he desu desuka masu masuka dekimasu "
        "dekimasuka doko dokode nani nan itsu ikura dou kudasai onegai onegaishimasu shitai "
        "hoshii toritai nakushita wasureta ni tsuite hi"
    )
)
# The particles and endings that are no English word, and "no" (「juminhyo no torikata」):
# one of them joining a ward word to words the lists above lack is Japanese grammar.
_ROMAJI_PARTICLES = frozenset(w for w in _ROMAJI_OTHERS if w not in _EN_WORDS) | {"no"}
# Words that make a message beside a ward word English or another language's, not romaji.
_NOT_ROMAJI = _EN_WORDS | _EN_CONTENT | _OTHER_LATIN_WORDS
_ROMAJI_WORD = re.compile("[a-z\u00c0-\u024f'-]+")


def _is_romaji(s: str) -> bool:
    """Whether a latin message is Japanese in romaji: one ward word at least, and every word a
    ward word or a particle ("mai nanba ka-do", "juminhyo wa doko") — or, with a particle, no
    word of English or another language beside them ("juminhyo no torikata", "gomi no hi",
    "mai nanba kado no koshin": words no list can hold all of, which made "no" English)."""
    words = [w.strip("-'") for w in _ROMAJI_WORD.findall(s)]
    words = [w for w in words if w]
    if not any(w in _ROMAJI_TERMS for w in words):
        return False
    rest = [w for w in words if w not in _ROMAJI_TERMS and w not in _ROMAJI_OTHERS]
    if not rest:
        return True
    return any(w in _ROMAJI_PARTICLES for w in words) and not any(w in _NOT_ROMAJI for w in rest)
