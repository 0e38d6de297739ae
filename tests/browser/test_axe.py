"""axe-core's WCAG 2.0 and 2.1 level A and AA rules over every console page, in Japanese and
English, as every role that can open it, and over the chat simulator, at 1280 px and 390 px.

The pages hold a season's data (tests/browser/season.py): charts with bars of every kind, lists
with rows, forms showing their mistakes, flash messages. One logged-in browser per role and
language visits its pages in turn; each page is checked at both widths without reloading (the
layout follows the window, so a form's shown mistakes stay on screen). Target: no violation.
A rule may be switched off only in DISABLED_RULES, with the reason.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import pytest
from axe_playwright_python.sync_playwright import Axe

from bot.staff import ROLES, role_allows
from tests.browser import season
from tests.browser.conftest import running_demo
from tests.browser.test_console import account

pytestmark = pytest.mark.browser

WIDTHS = (1280, 390)
WCAG_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
# rule id → why it is off. Empty: every WCAG 2.0/2.1 A and AA rule runs on every page.
DISABLED_RULES: dict[str, str] = {}
AXE_OPTIONS = {
    "runOnly": {"type": "tag", "values": WCAG_AA},
    "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
    "resultTypes": ["violations"],
}
AXE_SCRIPT = Axe().axe_script  # axe-core as axe-playwright-python ships it
ANYONE = "anyone"  # not logged in


def submit(page) -> None:
    """Send the page's main form as it stands."""
    with page.expect_navigation():
        page.locator("main form:has(button.primary) button.primary").click()


def class_form_with_mistakes(page) -> None:
    """No name, no start, no venue, no seats: every mistake the class form can show."""
    for field in ("#title", "#venue", "#capacity"):
        page.locator(field).fill("")
    page.locator("#starts_at").fill("")
    submit(page)


def announcement_later(page) -> None:
    """Choose "at a set time", which shows the time field."""
    page.locator('input[name="when"][value="later"]').check()


def announcement_with_mistakes(page) -> None:
    """Empty text, "later" without a time."""
    announcement_later(page)
    submit(page)


def announcement_checked(page) -> None:
    """Texts in Japanese and English, then the first click: the check before sending."""
    page.locator("#text").fill("年末年始の窓口の予定をお知らせします。")
    page.locator("#text_en").fill("Ward office hours over the New Year.")
    submit(page)


def save_attendance(page) -> None:
    """Save attendance unchanged: the page comes back with its "saved" message."""
    with page.expect_navigation():
        page.locator("#attendees button[type=submit]").click()


def check_in_first(page) -> None:
    """At the reception page: mark (or unmark) the first booking: its message and the
    other button show."""
    with page.expect_navigation():
        page.locator(".door-list button.door-button").first.click()


def answer_with_mistakes(page) -> None:
    """A title longer than LINE shows, a blog as the source, a date to come."""
    page.locator("#ja-title").fill("長" * 41)
    page.locator("#en-source").fill("https://example.com/blog")
    page.locator("#ja-checked").fill("2999-01-01")
    submit(page)


def wrong_password(page) -> None:
    """A failed login: the page shows why."""
    page.locator("#email").fill("nobody@demo.itabashi.example")
    page.locator("#password").fill("not the password")
    submit(page)


def password_with_mistakes(page) -> None:
    """A wrong current password, a short new one and a confirmation that differs."""
    page.locator("#current").fill("not my password")
    page.locator("#new").fill("short")
    page.locator("#confirm").fill("other")
    submit(page)


def attach_first_cluster(page) -> None:
    """Attach the first unanswered cluster to the entry offered first: the page comes back with
    its message and the list of examples."""
    with page.expect_navigation():
        page.locator("li.cluster button").first.click()


def target_with_mistakes(page) -> None:
    """A target that is not a number, without its source."""
    page.locator("#value-followers").fill("many")
    page.locator("#source-followers").fill("")
    submit(page)


def figure_with_mistakes(page) -> None:
    """A figure without a value or a source."""
    page.locator("#value").fill("")
    page.locator("#source").fill("")
    submit(page)


@dataclass(frozen=True)
class ConsolePage:
    """A page in one state: where it is, who can see it, what a person did there first."""

    name: str
    path: str  # formatted with the season's ids
    roles: tuple[str, ...]
    then: Callable | None = None
    status: int = 200


def seen_by(least: str) -> tuple[str, ...]:
    """The roles that can open a page needing `least`."""
    return tuple(r for r in ROLES if role_allows(r, least))


STAFF, MANAGER, ADMIN = seen_by("staff"), seen_by("manager"), seen_by("admin")
PAGES = [
    ConsolePage("login", "/admin/login", (ANYONE,)),
    ConsolePage("login-failed", "/admin/login", (ANYONE,), wrong_password),
    ConsolePage("dashboard", "/admin/dashboard", MANAGER),
    ConsolePage("dashboard-by-month", "/admin/dashboard?period=month", MANAGER),
    ConsolePage("classes", "/admin/classes", STAFF),
    ConsolePage("class-new", "/admin/classes/new", STAFF),
    ConsolePage("class-new-mistakes", "/admin/classes/new", STAFF, class_form_with_mistakes),
    ConsolePage("class-edit", "/admin/classes/{full_session}/edit", STAFF),
    ConsolePage(
        "class-edit-mistakes", "/admin/classes/{full_session}/edit", STAFF, class_form_with_mistakes
    ),
    ConsolePage("class-full-with-waiting-list", "/admin/classes/{full_session}", STAFF),
    ConsolePage(
        "class-past-attendance-saved", "/admin/classes/{past_session}", STAFF, save_attendance
    ),
    # A cancelled session cannot be edited: back on its page with an error message.
    ConsolePage("class-cancelled", "/admin/classes/{cancelled_session}/edit", STAFF),
    ConsolePage("class-cancel", "/admin/classes/{full_session}/cancel", STAFF),
    ConsolePage("class-door", "/admin/classes/{today_session}/door", STAFF, check_in_first),
    # Days ahead: the list of bookings, its buttons disabled under the note of the day.
    ConsolePage("class-door-before-the-day", "/admin/classes/{full_session}/door", STAFF),
    ConsolePage("announcements", "/admin/announcements", STAFF),
    ConsolePage("announcement-new", "/admin/announcements/new", STAFF, announcement_later),
    ConsolePage(
        "announcement-new-mistakes", "/admin/announcements/new", STAFF, announcement_with_mistakes
    ),
    ConsolePage(
        "announcement-check-before-sending", "/admin/announcements/new", STAFF, announcement_checked
    ),
    ConsolePage("announcement-scheduled", "/admin/announcements/{scheduled_announcement}", STAFF),
    ConsolePage("announcement-edit", "/admin/announcements/{scheduled_announcement}/edit", STAFF),
    # Sent already: back on its page with the reason it cannot be edited.
    ConsolePage(
        "announcement-edit-too-late", "/admin/announcements/{sent_announcement}/edit", STAFF
    ),
    ConsolePage("announcement-sent", "/admin/announcements/{sent_announcement}", STAFF),
    ConsolePage("answers", "/admin/answers", STAFF),
    ConsolePage("answer-edit", "/admin/answers/konbini_certificate/hours/edit", STAFF),
    ConsolePage(
        "answer-edit-mistakes",
        "/admin/answers/konbini_certificate/hours/edit",
        STAFF,
        answer_with_mistakes,
    ),
    ConsolePage("answer-new", "/admin/answers/new/konbini_certificate", STAFF),
    # The history with a change waiting: managers and admins see its approve and reject forms.
    ConsolePage("answer-versions", "/admin/answers/konbini_certificate/hours", STAFF),
    ConsolePage("area-new-mistakes", "/admin/answers/new-area", STAFF, submit),
    ConsolePage("unanswered", "/admin/unanswered", STAFF),
    ConsolePage("unanswered-attached", "/admin/unanswered", STAFF, attach_first_cluster),
    # A published run, a refused one with its figures, and the retrain form.
    ConsolePage("router", "/admin/router", ADMIN),
    ConsolePage("users", "/admin/users", ADMIN),
    ConsolePage("users-mistakes", "/admin/users", ADMIN, submit),
    ConsolePage("audit", "/admin/audit", ADMIN),
    ConsolePage("targets", "/admin/targets", ADMIN),
    ConsolePage("targets-mistakes", "/admin/targets", ADMIN, target_with_mistakes),
    ConsolePage("figures", "/admin/figures", STAFF),
    ConsolePage("figures-mistakes", "/admin/figures", STAFF, figure_with_mistakes),
    ConsolePage("password", "/admin/password", STAFF),
    ConsolePage("password-mistakes", "/admin/password", STAFF, password_with_mistakes),
    ConsolePage("not-found", "/admin/classes/999999", STAFF, status=404),
    ConsolePage("forbidden-dashboard", "/admin/dashboard", ("staff",), status=403),
    ConsolePage("forbidden-users", "/admin/users", ("manager",), status=403),
    ConsolePage("forbidden-router", "/admin/router", ("manager",), status=403),
]
# Console GET routes that are not pages a person reads: they are left out of the sweep.
NOT_PAGES = {
    "admin.home": "redirects to the first page of the menu",
    "admin.announcement_progress": "JSON the announcement page polls",
    "admin.announcement_audience": "JSON the composer asks",
    "admin.dashboard_csv": "a CSV download",
    "admin.class_attendees_csv": "a CSV download",
    "admin.audit_csv": "a CSV download",
    "admin.router_run": "JSON the retraining page polls",
}
CASES = [
    pytest.param(role, lang, page, id=f"{role}-{lang}-{page.name}")
    for role in (ANYONE, *ROLES)
    for lang in ("ja", "en")
    for page in PAGES
    if role in page.roles
]


@pytest.fixture(scope="module")
def busy_demo(tmp_path_factory):
    """One demo with a season's data for the whole sweep: (demo, the season's ids)."""
    with running_demo(tmp_path_factory.mktemp("axe")) as demo:
        yield demo, season.fill(demo)


@pytest.fixture(scope="module")
def console(browser, busy_demo):
    """A browser tab per role and language, logged in once: console(role, lang)."""
    demo, _ = busy_demo
    tabs, contexts = {}, []

    def open_tab(role: str, lang: str):
        if (role, lang) not in tabs:
            context = browser.new_context(
                locale="ja-JP", viewport={"width": WIDTHS[0], "height": 900}
            )
            contexts.append(context)
            page = context.new_page()
            page.goto(f"{demo.base_url}/admin/login")
            if role != ANYONE:
                email, password = account(demo, role)
                page.locator("#email").fill(email)
                page.locator("#password").fill(password)
                submit(page)
            if lang == "en":
                with page.expect_navigation():
                    page.locator('button[name="lang"][value="en"]').click()
            tabs[role, lang] = page
        return tabs[role, lang]

    yield open_tab
    for context in contexts:
        context.close()


def violations(page, context: dict | None = None, options: dict = AXE_OPTIONS) -> list[str]:
    """What axe-core finds on the page as it is on screen now, one line per rule."""
    if not page.evaluate("() => typeof window.axe === 'object'"):
        page.evaluate(AXE_SCRIPT)
    results = page.evaluate(
        "([context, options]) => axe.run(context || document, options)", [context, options]
    )
    return [
        f"{v['id']} ({v['impact']}): {len(v['nodes'])} × {v['help']} — "
        + " | ".join(" ".join(map(str, n["target"])) for n in v["nodes"][:12])
        for v in results["violations"]
    ]


def at_every_width(page, check=violations) -> list[str]:
    """Violations at each width, without reloading (what is on screen stays on screen)."""
    found = []
    for width in WIDTHS:
        page.set_viewport_size({"width": width, "height": 900})
        found += [f"{width}px {line}" for line in check(page)]
    return found


def test_the_sweep_covers_every_console_page(busy_demo):
    demo, ids = busy_demo
    urls = demo.app.url_map.bind("localhost")
    swept = {urls.match(p.path.format(**asdict(ids)).split("?")[0])[0] for p in PAGES}
    pages = {
        rule.endpoint
        for rule in demo.app.url_map.iter_rules()
        if rule.rule.startswith("/admin") and "GET" in rule.methods
    }
    assert pages - swept == set(NOT_PAGES)


@pytest.mark.parametrize(("role", "lang", "console_page"), CASES)
def test_console_page_passes_wcag_aa(busy_demo, console, role, lang, console_page):
    demo, ids = busy_demo
    page = console(role, lang)
    response = page.goto(demo.base_url + console_page.path.format(**asdict(ids)))
    assert response.status == console_page.status
    if console_page.then:
        console_page.then(page)
    page.evaluate("() => document.querySelectorAll('main details').forEach(d => (d.open = true))")
    assert page.locator("html").get_attribute("lang") == lang
    found = at_every_width(page)
    assert not found, "\n".join(found)


def simulator_violations(page) -> list[str]:
    """Every rule, the drawn Flex cards included: the simulator draws them in the colours the
    card JSON gives (LINE's defaults where it gives none), as LINE does, and the cards now pass
    on their own (tests/test_card_accessibility.py computes every card's contrast)."""
    return violations(page)


def test_chat_simulator_passes_wcag_aa(busy_demo, browser):
    demo, _ = busy_demo
    context = browser.new_context(locale="ja-JP", viewport={"width": WIDTHS[0], "height": 900})
    page = context.new_page()
    try:
        page.goto(f"{demo.base_url}/dev/chat")
        page.locator("#richmenu button.area").first.wait_for()
        found = at_every_width(page, simulator_violations)  # before the first message
        page.locator('button[data-kind="follow"]').click()
        page.locator("#quick .chip").first.wait_for()
        page.locator("#text").fill("コンビニで住民票は何時まで取れますか")
        page.locator("#send").click()
        page.locator(".row.bot .card").last.wait_for()
        page.locator("#quick .chip", has_text="スマホ教室").click()
        page.locator(".carousel .card").first.wait_for()
        found += at_every_width(page, simulator_violations)
    finally:
        context.close()
    assert not found, "\n".join(found)
