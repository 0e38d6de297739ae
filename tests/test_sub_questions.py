"""Every sub-question of every topic, asked as a resident would, in Japanese and in English,
gets that sub-question's own answer — not the topic's overview."""

from __future__ import annotations

import pytest

from bot.core.content import load_content

# (intent, entry key, a Japanese question, an English question)
QUESTIONS = [
    (
        "konbini_certificate",
        "certificates",
        "コンビニでどんな証明書が取れますか",
        "Which certificates can I get at a convenience store?",
    ),
    (
        "konbini_certificate",
        "hours",
        "コンビニ交付は朝何時から使えますか",
        "What time can I use the konbini certificate service?",
    ),
    (
        "konbini_certificate",
        "fee",
        "コンビニで住民票を取ると手数料はいくら？",
        "How much is the fee for a certificate at a konbini?",
    ),
    (
        "konbini_certificate",
        "what_to_bring",
        "コンビニで証明書を取るのに何を持っていけばいい？",
        "What do I need to bring to get a certificate at a convenience store?",
    ),
    (
        "konbini_certificate",
        "pin_locked",
        "コンビニの機械で暗証番号がロックされて証明書が出せない",
        "I entered the wrong PIN three times at the konbini and it is locked",
    ),
    (
        "konbini_certificate",
        "stores",
        "セブンイレブンでも住民票取れる？",
        "Can I use 7-Eleven or Lawson to print a certificate?",
    ),
    (
        "konbini_certificate",
        "android",
        "アンドロイドのスマホだけでコンビニ交付できますか",
        "Can I get a certificate at a konbini with my Android phone instead of the card?",
    ),
    (
        "konbini_certificate",
        "iphone",
        "iPhoneのマイナンバーカードでコンビニで証明書を取れる？",
        "Can I use my iPhone at the convenience store for certificates?",
    ),
    (
        "konbini_certificate",
        "machine_error",
        "コンビニのコピー機でエラーが出て証明書が出てこない",
        "The konbini machine showed an error and no certificate came out",
    ),
    (
        "konbini_certificate",
        "who_cannot",
        "コンビニ交付を使えない人はいますか",
        "Who cannot use the convenience store certificate service?",
    ),
    (
        "konbini_certificate",
        "counter",
        "コンビニ交付が使えないときは、どこの窓口で証明書をもらえますか",
        "If I can't use the konbini, where else can I get the certificate?",
    ),
    (
        "online_application",
        "what_online",
        "オンラインでできる手続きの一覧はありますか",
        "Which procedures can I do online?",
    ),
    (
        "online_application",
        "how_to_start",
        "電子申請はどうやって始めればいいですか",
        "How do I start an online application?",
    ),
    (
        "online_application",
        "identity",
        "オンライン申請の本人確認はマイナンバーカードでできる？",
        "How do I prove my identity for an online application?",
    ),
    (
        "online_application",
        "payment",
        "電子申請の手数料はオンラインで支払えますか",
        "Can I pay the fee online when I apply online?",
    ),
    (
        "online_application",
        "status",
        "オンラインで出した申請の状況を確認したい",
        "How can I check the status of my online application?",
    ),
    (
        "online_application",
        "help",
        "電子申請のやり方がわからないので教えてほしい",
        "I don't understand online applications, where can I get help?",
    ),
    (
        "mynumber_card",
        "apply",
        "マイナンバーカードを新しく申請したい",
        "How do I apply for a My Number Card?",
    ),
    (
        "mynumber_card",
        "receive",
        "マイナンバーカードの受け取りはどうすればいい？",
        "How do I pick up my My Number Card?",
    ),
    (
        "mynumber_card",
        "pin",
        "マイナンバーカードの暗証番号を忘れました",
        "I forgot the PIN of my My Number Card",
    ),
    (
        "mynumber_card",
        "renew_certificate",
        "マイナンバーカードの電子証明書の更新はどうする？",
        "How do I renew the electronic certificate on my My Number Card?",
    ),
    ("mynumber_card", "lost", "マイナンバーカードをなくしてしまった", "I lost my My Number Card"),
    (
        "mynumber_card",
        "address_change",
        "引っ越したのでマイナンバーカードの住所を変更したい",
        "I moved. How do I change the address on my My Number Card?",
    ),
    (
        "mynumber_card",
        "residence_card",
        "在留カードとマイナンバーカードは同じですか",
        "Is the residence card the same as the My Number Card?",
    ),
    (
        "smartphone_class",
        "cost",
        "スマホ教室の参加費はかかりますか",
        "Does the smartphone class cost anything?",
    ),
    (
        "smartphone_class",
        "what_to_bring",
        "スマホ教室には何を持っていけばいいですか",
        "What should I bring to the smartphone class?",
    ),
    (
        "smartphone_class",
        "who_can_join",
        "スマホ教室は誰でも参加できますか",
        "Who can join the smartphone class?",
    ),
    (
        "smartphone_class",
        "access",
        "スマホ相談会に車で行きたいのですが駐車場はありますか",
        "Is there parking at the smartphone class?",
    ),
    (
        "smartphone_class",
        "consultation_vs_class",
        "スマホ相談会とスマホ教室の違いは？",
        "What is the difference between the smartphone consultation and the class?",
    ),
    (
        "notification_settings",
        "change_topics",
        "受け取るお知らせの種類を変えたい",
        "I want to change which notifications I receive",
    ),
    (
        "notification_settings",
        "stop_all",
        "お知らせを全部止めてほしい",
        "Please stop all notifications",
    ),
    (
        "notification_settings",
        "language",
        "LINEの言語を英語に変えたい",
        "Can I change the language of this LINE account?",
    ),
    (
        "notification_settings",
        "delete_data",
        "登録した私の情報を全部消してください",
        "Please delete my data",
    ),
    (
        "notification_settings",
        "privacy",
        "このLINEは私のどんな情報を保存していますか",
        "What personal information does this bot store about me?",
    ),
    (
        "notification_settings",
        "text_size",
        "カードの字が見づらいので大きくできますか",
        "Could the cards use a bigger font?",
    ),
    (
        "notification_settings",
        "reminders",
        "前日に届くリマインダーを止めることはできますか",
        "Can I stop the reminder message I get the day before?",
    ),
    (
        "contact",
        "desks",
        "住民票のことはどこの窓口に問い合わせればいい？",
        "Which desk should I contact about my residence record?",
    ),
    (
        "contact",
        "hours",
        "区役所は何時まで開いていますか",
        "What are the opening hours of the ward office?",
    ),
    (
        "contact",
        "without_phone",
        "耳が聞こえないので電話ができません。どうやって問い合わせればいいですか",
        "I am deaf and cannot use the phone. How can I contact the city office?",
    ),
    (
        "contact",
        "multilingual",
        "外国語で相談できる窓口はありますか",
        "Is there a help desk for foreign residents?",
    ),
    (
        "mynumber_card",
        "fee",
        "マイナンバーカードの手数料はいくら？",
        "How much does the My Number card cost?",
    ),
    ("greeting", "thanks", "ありがとうございました", "Thank you very much!"),
    ("greeting", "bye", "またね", "Bye, see you"),
    ("greeting", "acknowledged", "はい", "I see"),
]


# Online applications' fee (not confirmed here: the answer says so and gives the main line) is
# reached after its topic (「それはいくら？」, tests/test_follow_ups_keep_the_topic.py); asked
# first, the details model, trained on residents' questions labelled before that answer existed,
# offers it beside 支払い. The card's fee is reached first too (QUESTIONS).
AFTER_THEIR_TOPIC = {("online_application", "fee")}

# Questions that fit two entries about equally, asked back with both (asking_back.ENTRY_SURE).
# None now: 「電子申請のやり方がわからないので教えてほしい」 was asked back (how to start / help)
# until data/entries_train4.jsonl was trained on; it is now answered with help itself.
ASKED_WHICH: set[tuple[str, str]] = set()


@pytest.fixture(scope="module")
def content():
    return load_content()


def first_card_title(reply) -> str:
    card = next(m for m in reply.messages if m["type"] == "flex")
    return card["altText"].split("\n", 1)[0]


@pytest.mark.parametrize(
    ("intent", "key", "question"),
    [(intent, key, ja) for intent, key, ja, _ in QUESTIONS],
    ids=[f"{intent}.{key}" for intent, key, _, _ in QUESTIONS],
)
def test_japanese_sub_question_gets_its_own_answer(resident, content, intent, key, question):
    reply = resident.say(question)
    if (intent, key) in ASKED_WHICH:
        assert "どれのことですか" in reply.text  # two entries fit: the resident chooses
        reply = resident.tap(content.entry(intent, key, "ja").label)
    assert first_card_title(reply) == content.entry(intent, key, "ja").title


@pytest.mark.parametrize(
    ("intent", "key", "question"),
    [(intent, key, en) for intent, key, _, en in QUESTIONS],
    ids=[f"{intent}.{key}" for intent, key, _, _ in QUESTIONS],
)
def test_english_sub_question_gets_its_own_answer_in_english(
    resident, content, intent, key, question
):
    reply = resident.say(question)
    assert first_card_title(reply) == content.entry(intent, key, "en").title


def test_every_sub_question_has_a_question_here(content):
    """A new content entry needs a conversation test (schedule, booking and cancelling have
    their own in test_classes_conversation.py)."""
    covered = {(intent, key) for intent, key, _, _ in QUESTIONS} | AFTER_THEIR_TOPIC
    live = {("smartphone_class", k) for k in ("schedule", "reserve", "cancel", "my_reservations")}
    for intent in (
        "konbini_certificate",
        "online_application",
        "mynumber_card",
        "smartphone_class",
        "notification_settings",
        "contact",
        "greeting",
    ):
        for entry in content.topic(intent, "ja").entries[1:]:
            assert (intent, entry.key) in covered | live, (intent, entry.key)


@pytest.mark.parametrize(
    ("key", "question"),
    [
        # "how long" was outweighed by "get my card" (a training line labelled it the application)
        ("receive", "how long does it take to get my card?"),
        ("receive", "how long until I get my card"),
        ("receive", "when will my card arrive"),
        # "expired" was no match phrase ("expire" is, as a whole word): asked back with the overview
        ("renew_certificate", "my number card expired"),
    ],
)
def test_english_card_questions_get_the_answer_they_ask(english_resident, content, key, question):
    english_resident.follow()
    reply = english_resident.say(question)
    assert first_card_title(reply) == content.entry("mynumber_card", key, "en").title
