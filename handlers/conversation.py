"""Small talk, help, the menu, what we cannot answer, and asking back when unsure.

Intents: greeting, help, unknown (another ward service: where to go, from content/directory.yaml;
anything else: what the bot can do). Postback actions: menu, entry, unknown_postback (a "topic"
button runs its intent's handler). Events: follow (the welcome), non_text (stickers, photos,
audio, locations …), ask_back (which of two or three answers the resident means), other_language
(a question in a language the bot does not speak that it cannot answer), no_more (「もっと見る」
typed with no next page to show).
"""

from bot.conversation.registry import TopicRouter
from bot.conversation.turn import Turn
from bot.conversation.understanding import (
    DESK_SHOWN,
    NO_FOLLOW_UPS,
    PHONE_SHOP,
    SCHEDULE_INTENT,
    UNANSWERED_SINCE,
    showed_a_schedule_page,
)
from bot.core.directory import Area
from bot.core.models import UnansweredQuestion
from bot.line import messages
from bot.line.postback import Postback
from handlers.common import (
    answer_entry,
    answer_topic,
    back_to_menu,
    help_lines_card,
    menu_actions,
    with_menu,
)

router = TopicRouter("conversation")


@router.event("follow")
def welcome_new_friend(turn: Turn) -> list[dict]:
    """Hello, what the bot can do, what we store, and the topics to start from."""
    return [
        messages.text(turn.ui("welcome")),
        *with_menu(turn, turn.ui("privacy_notice")),
    ]


@router.event("non_text")
def answer_non_text(turn: Turn) -> list[dict]:
    """We cannot read stickers or photos; say so kindly and show the menu."""
    return with_menu(turn, turn.ui("non_text"))


@router.intent("greeting")
def greet(turn: Turn) -> list[dict]:
    """Hello / thanks / bye back, with the topics."""
    return answer_topic(turn, "greeting")


@router.intent("help")
def explain_what_i_can_do(turn: Turn) -> list[dict]:
    """How to use the bot."""
    return answer_topic(turn, "help")


@router.intent("unknown")
def admit_not_knowing(turn: Turn) -> list[dict]:
    """Another ward service: where to go. A broken phone: the shop or carrier mends it, not
    the ward. Anything else: say what we can do and whom to call, and keep the question (text
    only, personal data masked by the model) for staff."""
    if turn.area is not None:
        # the desk is remembered: 「いくらかかる？」 or "where do i apply" next is for it too
        turn.remember("unknown", None, **{DESK_SHOWN: turn.area.area})
        cards = [directory_card(turn, turn.area), *lines_that_listen(turn, turn.area)]
        return [*cards[:-1], messages.with_quick_replies(cards[-1], menu_actions(turn))]
    if turn.entry_key == PHONE_SHOP:
        # a broken phone: no question of ours, said so with where to go; not kept for staff
        turn.forget()
        return with_menu(turn, turn.ui("phone_shop"))
    if turn.text.strip():
        turn.services.db.add(UnansweredQuestion(text=turn.text, language=turn.lang))
    entry = turn.content.topic("unknown", turn.lang).overview()
    answer = answer_entry(turn, "unknown", entry)
    keep_the_earlier_topic(turn)
    return answer


def keep_the_earlier_topic(turn: Turn) -> None:
    """After a question we could not answer, the topic and entry of the answer before it, and
    nothing else of it (no booking asked about, no page): a follow-up of that answer is then
    offered as a question back (understanding.UNANSWERED_SINCE), not 「お答えできませんでした」."""
    earlier = turn.context
    if earlier is None or earlier.intent in NO_FOLLOW_UPS or not earlier.entry_key:
        turn.forget()
        return
    turn.remember(earlier.intent, earlier.entry_key, **{UNANSWERED_SINCE: True})


@router.event("other_language")
def say_which_languages(turn: Turn) -> list[dict]:
    """A question in a language the bot does not speak that it cannot answer (Spanish …):
    what a new friend whose LINE is in such a language is told at follow — the languages we
    answer in and the desk that helps in theirs — with the topics, rather than a guess read
    from words it cannot read. The question is kept for staff, as any unanswered one."""
    if turn.text.strip():
        turn.services.db.add(UnansweredQuestion(text=turn.text, language=turn.lang))
    turn.forget()
    return with_menu(turn, turn.content.other_language_note())


@router.event("no_more")
def say_there_is_no_more(turn: Turn) -> list[dict]:
    """「もっと見る」, 「次」, "more" with no next page: nothing more to show, and the way on —
    the class schedule from its start after its last page (or when the words were about
    sessions), then the topics. The last answer stays remembered (「2番目を予約」 still books
    from the page shown), and nothing is kept as an unanswered question."""
    turn.keep_context()
    after_schedule = showed_a_schedule_page(turn.context)
    route = turn.route
    about_classes = route is not None and SCHEDULE_INTENT in (
        route.intent,
        *(intent for intent, _ in route.alternatives),
    )
    actions = menu_actions(turn)
    if after_schedule or about_classes:
        first = Postback("class_entry", {"k": "schedule"})
        actions = [messages.postback_action(turn.ui("first_dates_button"), first), *actions]
    text = turn.ui("no_more_dates" if after_schedule else "no_more")
    return [messages.with_quick_replies(messages.text(text), actions)]


@router.action("menu")
def show_menu(turn: Turn) -> list[dict]:
    """Back to the start ("メニュー", "キャンセル")."""
    return back_to_menu(turn)


@router.action("entry")
def show_entry(turn: Turn) -> list[dict]:
    """One sub-question's answer, from a quick reply."""
    assert turn.postback is not None  # an action handler: run only for a postback of ours
    params = turn.postback.params
    try:
        entry = turn.content.entry(params.get("i", ""), params.get("k", ""), turn.lang)
    except KeyError:
        return show_unknown_postback(turn)
    return answer_entry(turn, params["i"], entry)


@router.action("unknown_postback")
def show_unknown_postback(turn: Turn) -> list[dict]:
    """A button from an old menu or another tool: no error, just the menu."""
    return [
        messages.with_quick_replies(messages.text(turn.ui("postback_unknown")), menu_actions(turn))
    ]


def directory_card(turn: Turn, area: Area) -> dict:
    """The section that handles a service, its phone and page where an official page confirms
    them; else the ward's main line and its list of sections. Ends with the source line."""
    directory = turn.content.directory
    assert directory is not None  # an area comes from the directory
    lang, default = turn.lang, turn.content.languages.default
    name = area.name.get(lang) or area.name[default]
    lines = [turn.ui("directory_intro", name=name)]
    if area.section:
        lines.append(
            turn.ui("directory_section", section=area.section.get(lang) or area.section[default])
        )
    phone = area.phone or directory.fallback.phone
    lines.append(
        turn.ui("directory_phone", number=area.phone) if area.phone else turn.ui("directory_call")
    )
    lines.append(turn.content.source_line(area.source, area.checked, lang))
    if area.url:
        link = (turn.ui("directory_page_button"), area.url)
    else:
        link = (turn.ui("directory_list_button"), directory.fallback.url)
    call = (turn.ui("directory_call_button"), "tel:" + phone.replace("-", ""))
    large = turn.content.large_text(lang)
    return messages.card(name, "\n".join(lines), link, large=large, call=call)


def lines_that_listen(turn: Turn, area: Area) -> list[dict]:
    """For an area such as feeling low, a second card with lines that listen now, each a
    button that dials it (content/safety_lines.yaml's beside_areas); none for most areas."""
    safety = turn.services.safety
    lines = safety.lines_beside(area.area, turn.lang) if safety is not None else []
    if not lines:
        return []
    title, text = turn.ui("listening_lines_title"), turn.ui("listening_lines_text")
    return [help_lines_card(turn, title, text, lines)]


@router.event("ask_back")
def ask_which(turn: Turn) -> list[dict]:
    """One short question, one button per answer the message may mean, and 「ほかのこと」.
    Between topics an overview is named by its topic (「コンビニ交付」); between two entries of
    one topic by its own label (「オンライン申請とは」 beside 「できる手続き」), which says it is
    the general answer."""
    content, lang = turn.content, turn.lang
    one_topic = len({intent for intent, _ in turn.options}) == 1
    labels, actions = [], []
    for intent, key in turn.options:
        entry = content.entry(intent, key, lang)
        by_topic = key == "overview" and not one_topic
        label = content.topic_label(intent, lang) if by_topic else entry.label
        labels.append(label)
        actions.append(messages.postback_action(label, Postback("entry", {"i": intent, "k": key})))
    actions.append(
        messages.postback_action(turn.ui("ask_back_other"), Postback("topic", {"i": "help"}))
    )
    question = "\n".join([turn.ui("ask_back"), *(f"・{label}" for label in labels)])
    remember_the_topic_asked(turn)
    return [messages.with_quick_replies(messages.text(question), actions)]


def remember_the_topic_asked(turn: Turn) -> None:
    """After "which of these?" between answers of one topic, that topic (no answer of it yet):
    a follow-up typed instead of a tap is read in it. "how much" after the konbini's answers
    were offered got 「お答えできませんでした」, and "what is the fee" the smartphone classes'
    cost (the answer before). When the last answer was of that topic already, it stays as it was
    (the sessions a schedule showed still pick 「2番目」)."""
    intents = {intent for intent, _ in turn.options}
    if len(intents) != 1:
        return
    (intent,) = intents
    if turn.context is None or turn.context.intent != intent:
        turn.remember(intent, None)
