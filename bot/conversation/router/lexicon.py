"""Concept lexicon: multilingual key terms mapped onto shared concept features.

Each concept is a regular expression over the *folded* text (katakana already folded to hiragana,
latin lowercased, see `text.fold`). A concept fires a feature `c:NAME`; the linear model learns how
much each concept counts toward each intent. Because the same concept covers Japanese, English,
Chinese, Korean, Vietnamese, Nepali, Tagalog and Portuguese spellings, a question in a language
with few training examples still lands on the right intent.

Concepts are evidence, not rules: the trained weights decide. Out-of-scope concepts (`oos_*`) give
the model explicit evidence for `unknown` (mail, ATM and payments, seal registration itself, other
classes, other ward services).
"""

from __future__ import annotations

import re
from collections.abc import Set
from operator import add

from bot.core.regex_parts import split_alternatives

CONCEPTS: dict[str, str] = {
    "konbini": (
        r"こんびに|せぶん|ろーそん|ふぁみま|ふぁみりーまーと|みにすとっぷ|でいりーやまざき|まるちこぴー|"
        r"こぴー機|convenience|conv[ei]n[ie]{1,2}[ae]?n?[cs]e|convini\b|konbini|conbini|kombini|combini|"
        r"7-?eleven|\b7-11\b|\b7/11\b|seven|lawson|family ?mart|ministop|"
        r"multi ?copy|copy machine|便利店|便利商店|罗森|羅森|全家|세븐일레븐|로손|패밀리마트|"
        r"편의점|tiện lợi|कन्बिनी|कम्बिनी|कोन्बिनी|"
        r"सेभेन|conveniência|conveniencia"
    ),
    "certificate": (
        r"住民票|証明書|証明|謄本|抄本|戸籍|juminhyo|jūminhyō|ju+min ?hyo|jyuminhyo|certificate|"
        r"residence record|"
        r"证明|證明|주민표|증명서|발급|chứng nhận|giấy|जुमिन्ह्यो|प्रमाणपत्र|certidão|atestado|sertipiko"
    ),
    "seal_cert": r"印鑑証明|inkan cert|seal cert|印鉴证明|인감증명",
    "tax_cert": r"課税|非課税|納税|所得証明|tax cert|income cert|纳税|课税|과세|납세",
    "mynumber": (
        r"まいなんばー|まいな(?!ぽーたる)|個人番号|my ?number|mai ?nanba|individual number|"
        r"个人编号|個人編號|마이\s?넘버|마이넘버|개인번호|माइ नम्बर|माई नम्बर"
    ),
    "card": r"かーど|card|ka-?do\b|kaado|卡|카드|thẻ|कार्ड|cartão|kard",
    "pin": (
        r"暗証番号|ぱすわーど|\bpin\b|password|passcode|密码|密碼|비밀번호|mã pin|mật khẩu|पिन|"
        r"पासवर्ड|senha"
    ),
    "lock": r"ろっく|\block|解除|間違え|まちがえ|锁|잠겨|잠김|khóa|लक",
    "lost": (
        r"無くし|なくし|なくな|紛失|落とし|盗ま|\blost\b|stolen|丢|遗失|잃어|분실|mất|हरायो|हराए|"
        r"nawala|perdi"
    ),
    "card_life": (
        r"作り|作る|作れ|作成|つくり|受け取|受取|交付通知書|更新|有効期限|期限|電子証明書|再発行|"
        r"返納|写真|renew|expir|pick up|issue|electronic cert|e-cert|电子证明|전자증명|办|"
        r"발급|갱신|"
        r"gia hạn|hết hạn|बनाउन|नवीकरण"
    ),
    "online": (
        r"電子申請|おんらいん|ねっと|\bweb\b|online|on-line|internet|e-application|e-apply|"
        r"ぴったりさーびす|まいなぽーたる|logoふぉーむ|ろごふぉーむ|電子署名|ふぉーむ|\bform\b|"
        r"网上|網上|在线|線上|온라인|인터넷|전자신청|trực tuyến|अनलाइन|इन्टरनेट"
    ),
    "apply": (
        r"申請|申込|手続|届|apply|application|submit|申请|申請|신청|đăng ký|nộp|đơn|आवेदन|"
        r"pedido|mag-apply"
    ),
    "login": r"ろぐいん|あかうんと|利用者登録|ぱすわーど|log ?in|account|登录|로그인|đăng nhập",
    "upload": r"添付|あっぷろーど|upload|送信|えらー|error",
    "smartphone": (
        r"すまほ|smart ?phone|iphone|android|あいふぉん|あんどろいど|らくらくほん|携帯|けいたい|"
        r"がらけー|\bline\b|らいん|ぱすまほ|手机|手機|스마트폰|핸드폰|휴대폰|điện thoại|"
        r"स्मार्टफोन|मोबाइल|celular"
    ),
    "class": (
        r"教室|講座|講習|勉強会|せみなー|相談会|習い|習う|習え|教わ|教えてくれ|教えてもら|教えていただけ|教えてほし|"
        r"練習|初心者|class|lesson|course|seminar|workshop|课程|課程|教室|교실|강좌|배우|lớp|"
        r"khóa học|कक्षा|aula|klase|mag-aral|讲座|课"
    ),
    "booking": (
        r"予約|受付番号|申込|きゃんせる|定員|日程|参加|持ち物|持っていく|会場|何回|"
        # "what should i bring" is 「何を持っていけばいい」's English (its 持っていく above)
        r"book|reserv|cancel|schedule|join|sign up|\bbring\b|报名|預約|预约|예약|đặt|đăng ký|बुक"
    ),
    "oos_class": (
        r"ぱそこん|英会話|料理|書道|水泳|よが|体操|ぴあの|日本語教室|日本語の教室|"
        r"japanese (language )?class|japanese lesson|computer|\bpc\b|cooking|yoga|swimming"
    ),
    "oos_phone_shop": r"料金ぷらん|機種変|買い替え|修理|壊れ|割れ|格安|解約|どこもしょっぷ|充電",
    "settings": r"受信設定|設定|setting|设置|設定|설정|cài đặt|सेटिङ|configura",
    # asking for larger (or smaller) text in the cards: 受信設定's text size
    "text_size": (
        r"(?:文字|もじ|字)(?:を|が|の|は)?(?:もっと|少し|すこし)?(?:大き|おおき|小さ|ちいさ|拡大|"
        r"見え|みえ|読め|よめ|見づら|みづら|読みづら|よみづら|見にく|みにく|読みにく|よみにく)|"
        r"(?:大きい|おおきい|大きな|おおきな|大きめ|おおきめ)(?:文字|もじ|字)|(?:文字|もじ)さいず|ふぉんと|"
        r"\b(?:bigger|larger|large|big)(?: size)? (?:text|font|letters|print|type)\b|"
        r"\b(?:text|font|letters|print|writing) (?:is |are )?(?:too |very |so )?(?:small|tiny)\b|"
        r"\b(?:text|font|letter) size\b|\bmake (?:the )?(?:text|font|letters) (?:bigger|larger)\b"
    ),
    "notify": (
        r"通知(?!書|かーど)|お知らせ|配信|めっせーじ|notification|notify|message|announcement|"
        r"消息|알림|메시지|thông báo|tin nhắn|सूचना|सन्देश|mensage"
    ),
    "stop": (
        r"止め|停止|とめ|おふ|やめ|いらない|いらなく|いりません|減らし|多すぎ|うるさ|送らないで|"
        r"送ってこない|来ないよう|こないよう|unsubscribe|\bstop|"
        r"turn off|mute|不要|别再|別再|关闭|끄|그만|줄이|tắt|dừng|giảm|बन्द|कम गर्न|parar|ayoko"
    ),
    "resume": r"再開|届くように|受け取れるように|受け取りたい|receive|subscribe|받고|nhận",
    "subscribe": (
        r"(だけ|のみ)(を)?(受け取|届|に(し|して))|は(いらない|いりません|不要|もういい)|"
        r"(受け取|届)(りたくない|かなくていい|けないで|けてほしい|くようにして)|案内(は|を|だけ)|"
        r"only (want|receive|get)|news about|updates? (about|on)|unsubscribe|"
        r"配信解除|登録解除|通知(を|は)?(止|とめ|おふ|切)"
    ),
    "want_contact": (
        r"(?<!通)話したい|話せ(ます|る)|話をしたい|お話し|電話したい|電話で(聞|相談|問い合わせ)|"
        r"問い合わせたい|連絡したい|つないで|聞きたいんですが、番号|"
        r"speak (to|with)|talk (to|with)|who can i call|can i call|call someone|"
        r"通话|打电话|통화|전화하고|nói chuyện|कुरा गर्न"
    ),
    "want_learn": (
        r"習いたい|習え|教わりたい|学びたい|練習したい|教えてもらえ|教えてくれる(教室|講座|所|ところ|場所)|"
        r"learn|学习|배우고|배울|học|सिक्न"
    ),
    # Everyday things done on a phone that the smartphone consultation teaches one to one
    # (「孫に写真を送りたい」, 「スタンプの送り方」, a video call): not the ward's phone line.
    "phone_skill": (
        r"写真を送|写真の送|写真送|動画を送|動画の送|すたんぷを(送|返)|すたんぷの(送|使)|"
        r"びでお通話|てれび電話|video ?(call|chat)|send (a |the )?(photo|picture|video|sticker)|"
        r"how to send (photo|picture|sticker)"
    ),
    "language": (
        r"言語|英語|中国語|韓国語|べとなむ語|ねぱーる語|やさしい日本語|ふりがな|language|english|"
        r"chinese|korean|语言|語言|中文|英文|언어|한국어|ngôn ngữ|tiếng việt|tiếng anh|भाषा|नेपाली|"
        r"wika|idioma|língua|inglês|switch to|change (the )?language|"
        # asking for a language or a script by name: 日本語で, ひらがなで, えいご, "Japanese"
        r"日本語(で|に|が)|にほんご|かんたんな日本語|簡単な日本語|ひらがな|えいご|"
        r"japanese(?! (language )?(class|lesson|course|school))"
    ),
    "privacy": (
        r"個人情報|登録情報|登録した(私の)?情報|登録内容|削除|消して|消え|personal (data|info)|"
        r"delete|my data|remove my|registered info|删除|登记信息|데이터|개인정보|삭제|등록정보|"
        r"dữ liệu|xóa|thông tin đăng ký|व्यक्तिगत|मेटाउ|दर्ता जानकारी"
    ),
    "attribute": r"年齢|性別|地域|地区|生年月日|属性|\bage\b|gender|area",
    "phone": (
        r"電話|(?<!暗証)(?<!個人)番号(?!かーど)|連絡先|問い合わせ|連絡|ふぁっくす|fax|めーるで|"
        r"こーるせんたー|call ?cent|"
        r"phone|call\b|contact|电话|電話|咨询|전화|연락|số điện thoại|फोन|telepono|telefone"
    ),
    "hours": (
        r"何時|開庁|開いて|開い|閉ま|営業時間|受付時間|時間帯|土曜|日曜|休日|夜間|年末年始|"
        r"休み|休館|閉庁|open|hours|closing|几点|幾點|开门|周六|周日|몇시|열어요|토요일|mấy giờ|"
        r"mở cửa|thứ bảy|कति बजे|खुल्छ|शनिबार|horário"
    ),
    "office": (
        r"区役所|役所|窓口|区民事務所|戸籍住民課|担当|何階|ward office|city hall|\boffice\b|"
        r"窗口|区役所|구청|창구|văn phòng quận|वडा कार्यालय|prefeitura"
    ),
    "human": (
        r"人と話|人に聞|人に相談|人間|職員|担当者|担当の|直接|おぺれーたー|(?<!通)話したい|話せ|苦情|意見|"
        r"文句|要望|real person|staff|human|speak to|talk to|someone|complain|咨询|상담|사람|"
        r"nhân viên|व्यक्ति|通訳|interpreter|工作人员|직원|कर्मचारी|funcionário"
    ),
    "location": (
        r"どこにあり|どこですか|場所|行き方|最寄り|何階|where is|address|location|在哪|어디|ở đâu|"
        r"कहाँ"
    ),
    "greet": (
        r"こんにちは|こんばんは|おはよう|ありがと|よろしく|宜しく|はじめまして|さようなら|ばいばい|"
        r"またね|おつかれ|お疲れ|お世話|おやすみ|了解|わかりました|助かりました|さんきゅー|感謝|"
        r"もしもし|こんちは|ちわ|やっほ|あざっす|あざす|じゃあね|^どうも|失礼します|ですね|ばいばい|"
        r"おはよ|ではまた|それでは|\bthx\b|\bty\b|"
        r"\bhello\b|\bhi\b|thanks|thank you|\bbye\b|good-?bye|"
        r"good (morning|afternoon|evening|night|day)|"
        r"nice to meet|"
        r"see you|take care|你好|您好|早上好|晚上好|再见|谢谢|謝謝|안녕|감사|고마|chào|cảm ơn|"
        r"안녕히|반갑|tạm biệt|नमस्ते|नमस्कार|शुभ|धन्यवाद|फेरि भेटौं|salamat|obrigad|olá|bom dia|boa tarde"
    ),
    "help": (
        r"めにゅー|めにゅ|へるぷ|使い方|つかいかた|何ができ|何を聞け|なにができ|できること|"
        r"何について|どんな質問|質問のしかた|質問の仕方|最初|戻る|もどる|とっぷ|機能|何のため|"
        r"対応して|何が調べ|何が聞け|何を聞|どう聞け|質問すれば|選択肢|やりなおし|はじめから|"
        r"ぼたんが(出|で|表示|見|どこ|みつから)|めにゅーが(どこ|見つから|みつから)|"
        r"表示されな|どういうさーびす|どんなさーびす|hướng dẫn|मेनु|"
        r"^help\b|\bhelp$|help menu|\bmenu\b|what can you|how (do|can|should) i (use|ask)|"
        r"where (are|is) the buttons?|can'?t find the buttons?|"
        r"use this|how does (this|it) work|questions can i ask|things i can ask|"
        r"what can (this|the) (bot|account|service)|(this|the) bot do|"
        r"what (can|should) i ask|能做什么|什么功能|"
        r"帮助|幫助|你能做什么|메뉴|도움|도와주세요|물어볼수|무엇을할수|trợ giúp|làm gì|"
        r"के गर्न सक्नुहुन्छ|kaya mong|"
        r"菜单|怎么用|可以问|뭘물어|사용방법|hỏi những gì|menu ở đâu|cách sử dụng|सोध्न सक्छु|"
        r"प्रयोग गर्ने|o que você pode"
    ),
    "oos_konbini": (
        r"こぴーしたい|こぴーする|写真(を)?(印刷|ぷりんと)|ばいと|宅配|荷物|ちけっと|公共料金|"
        r"営業時間|領収書|withdraw|cash|\batm\b|parcel|ticket|part-time"
    ),
    "oos_mail": r"郵送|郵便|\bmail(ed|ing)?\b|\bpost(ed|al)?\b|邮寄|郵寄|우편|bưu điện|हुलाक",
    "oos_money": r"\batm\b|お金をおろ|引き出|払え|支払|納付|振込|振り込|withdraw|cash|pay",
    "oos_seal_reg": r"印鑑登録|実印|seal registration|register my seal|inkan registration",
    "oos_window": r"窓口で|代理|委任状",
    "oos_topic": (
        r"ごみ|粗大|資源|分別|保育|学童|児童手当|子ども手当|手当|健康保険|国保|国民年金|年金|介護|"
        r"住民税|固定資産税|税金|所得税|確定申告|ぱすぽーと|婚姻|結婚|出生届|死亡届|天気|避難|"
        r"図書館|駐輪|駐車|自転車|犬|猫|病院|予防接種|健診|わくちん|ぷーる|体育館|選挙|投票|"
        r"生活保護|住宅|家賃|騒音|道路|公園|祭|花火|らーめん|居酒屋|らんち|食堂|ごはん|仕事|"
        r"医療費|助成|学校|働きたい|求人|採用|school|restaurant|lunch|餐厅|garbage|trash|rubbish|"
        r"plastic|\bjob\b|"
        r"passport|insurance|pension|\btax\b|weather|hospital|allowance|marriage|nursery|daycare|"
        r"bicycle|parking|垃圾|保险|医院|쓰레기|어린이집|보험|병원|rác|kết hôn|bệnh viện|फोहोर|"
        r"basura|lixo|护照|여권|hộ chiếu|राहदानी|passaporte|nhà trẻ|डेकेयर|날씨|thời tiết|मौसम|"
        r"天气|保育园|건강보험|bảo hiểm|hospital"
    ),
    "url": r"https?://|www\.|\.com\b|くりっく|当選|副業|ぷれぜんと|crypto|earn",
}

# `\b` in the patterns means a boundary of a latin word: Python's own \b treats kana and kanji as
# word characters, so "lineの設定" or "こんびにのatm" would never match \bline\b or \batm\b.
_LATIN_START = r"(?<![a-z0-9])"
_LATIN_END = r"(?![a-z0-9])"
_HAS_LATIN = re.compile("[a-z]")


def _compile(alternatives: list[str]) -> re.Pattern[str] | None:
    if not alternatives:
        return None
    fixed = []
    for alt in alternatives:
        if alt.startswith(r"\b"):
            alt = _LATIN_START + alt[2:]
        if alt.endswith(r"\b"):
            alt = alt[:-2] + _LATIN_END
        fixed.append(alt.replace(r"\b", _LATIN_END))
    return re.compile("|".join(fixed))


def _literal_starts(alternative: str) -> frozenset[str] | None:
    """The texts of one or two characters one of which every match of an alternative begins
    with, or None when that cannot be told (a class, an escape, an optional start)."""
    i = 0
    while True:  # what consumes nothing: ^, a word boundary, a look-behind
        if alternative.startswith("^", i):
            i += 1
        elif alternative.startswith(r"\b", i):
            i += 2
        elif alternative.startswith(("(?<!", "(?<="), i) and ")" in alternative[i:]:
            i = alternative.index(")", i) + 1
        else:
            break
    if alternative.startswith("(", i):  # a group: what any of its alternatives begins with
        depth, j = 0, i
        while j < len(alternative):
            if alternative[j] == "\\":
                j += 2
                continue
            depth += {"(": 1, ")": -1}.get(alternative[j], 0)
            if depth == 0:
                break
            j += 1
        if j + 1 < len(alternative) and alternative[j + 1] in "?*{":
            return None  # an optional group
        inner = alternative[i + 1 : j].removeprefix("?:")
        if inner.startswith("?"):
            return None  # a look-ahead or another special group
        starts: set[str] = set()
        for part in split_alternatives(inner):
            part_starts = _literal_starts(part)
            if part_starts is None:
                return None
            starts |= part_starts
        return frozenset(starts)
    start = i
    while i < len(alternative) and alternative[i] not in "\\()[]{}.^$|?*+":
        i += 1
    literal = alternative[start:i]
    if i < len(alternative) and alternative[i] in "?*{":
        literal = literal[:-1]  # "ab?c": the b may be absent
    return frozenset({literal[:2]}) if literal else None


def _keys(alternatives: list[str]) -> frozenset[str] | None:
    """The literal starts of all alternatives, or None when one of them has none."""
    keys: set[str] = set()
    for alt in alternatives:
        starts = _literal_starts(alt)
        if starts is None:
            return None
        keys |= starts
    return frozenset(keys)


# Each alternative of each concept is checked on its own, and only when the message holds one of
# the texts it begins with (a character or two, see `_literal_starts`): most concepts cannot match
# most messages, and a set look-up costs far less than a regular-expression search over a long
# alternation. A concept is present when one of its alternatives occurs (the same as searching
# the whole alternation). A plain-text alternative is checked with `in`, the others with their
# own compiled expression; alternatives with latin letters only in messages that have one.
# key → (concept position, needs a latin letter, plain text or compiled alternative)
Check = tuple[int, bool, str | re.Pattern[str]]
_BY_KEY: dict[str, list[Check]] = {}
_ALWAYS: list[Check] = []  # alternatives whose start cannot be told
_SPECIAL = re.compile(r"[\\()\[\]{}.^$|?*+]")


def _index() -> tuple[str, ...]:
    for position, pattern in enumerate(CONCEPTS.values()):
        for alt in split_alternatives(pattern):
            latin = _HAS_LATIN.search(alt.replace(r"\b", "")) is not None
            plain = _SPECIAL.search(alt) is None
            compiled = _compile([alt])
            assert compiled is not None
            check: Check = (position, latin, alt if plain else compiled)
            starts = _literal_starts(alt)
            if starts is None:
                _ALWAYS.append(check)
            else:
                for key in starts:
                    _BY_KEY.setdefault(key, []).append(check)
    return tuple(CONCEPTS)


NAMES = _index()


def concepts(folded: str) -> list[str]:
    """Names of the concepts present in a folded message."""
    return concepts_in(folded, set(folded), set(map(add, folded, folded[1:])))


def concepts_in(folded: str, *pieces: Set[str]) -> list[str]:
    """`concepts` for a message whose characters and character bigrams are already known (the
    router's features hold them): `pieces` are sets that hold them all (more does no harm)."""
    latin = _HAS_LATIN.search(folded) is not None
    found: set[int] = set()
    for held in pieces:
        for key in _BY_KEY.keys() & held:
            _check(_BY_KEY[key], folded, latin, found)
    _check(_ALWAYS, folded, latin, found)
    return [NAMES[position] for position in sorted(found)]


def _check(checks: list[Check], folded: str, latin: bool, found: set[int]) -> None:
    for position, needs_latin, alternative in checks:
        if position in found or (needs_latin and not latin):
            continue
        if alternative in folded if isinstance(alternative, str) else alternative.search(folded):
            found.add(position)
