"""What axe-core cannot see, tried the way a person would: the console from the keyboard alone
with a focus ring on every stop, a skip link on every page, mistakes tied to their fields and
announced, a text version of every chart, nothing told by colour alone, and 200 % zoom.

WCAG 2.1 AA (JIS X 8341-3:2016 AA); the automated half is tests/browser/test_axe.py.
"""

from __future__ import annotations

import datetime as dt
import io
import re
from dataclasses import asdict

import pytest
from PIL import Image, ImageChops, ImageStat
from playwright.sync_api import expect
from sqlalchemy import select

from bot import classes
from bot.core.models import Announcement, ClassSession
from bot.residents.followers import adopt_follower
from bot.web.devchat import DEMO_USER
from tests.browser import season
from tests.browser.conftest import running_demo
from tests.browser.test_console import account

pytestmark = pytest.mark.browser

# What the focused element looks like: an outline (the dark ring) and a box shadow (the amber
# ring around it), so the focus shows on white and on the dark header alike.
FOCUS_RING = """el => {
  const style = getComputedStyle(el);
  return style.outlineStyle !== "none" && parseFloat(style.outlineWidth) >= 2
    && style.boxShadow !== "none";
}"""
DESCRIBE = "el => `<${el.tagName.toLowerCase()}> ${(el.id || el.textContent || '').trim()}`"


def focus(page):
    """The element that has the keyboard."""
    return page.evaluate_handle("() => document.activeElement").as_element()


def tab_to(page, target, *, back: bool = False, limit: int = 80) -> None:
    """Press Tab (Shift+Tab when `back`) until `target` has the keyboard, checking that every
    stop on the way shows the focus ring."""
    key = "Shift+Tab" if back else "Tab"
    for _ in range(limit):
        page.keyboard.press(key)
        here = focus(page)
        assert here.evaluate(FOCUS_RING), f"no focus ring on {here.evaluate(DESCRIBE)}"
        if target.evaluate("el => el === document.activeElement"):
            return
    raise AssertionError(f"{limit} presses of {key} never reached {target}")


def press_and_wait(page, key: str) -> None:
    """Press a key that sends a form or follows a link, and wait for the next page."""
    with page.expect_navigation():
        page.keyboard.press(key)


def type_time(page, when: dt.datetime) -> None:
    """Type a time into the focused time field, drawn as hh:mm AM/PM by Debian's chromium
    whatever the page's language."""
    page.keyboard.type(f"{(when.hour - 1) % 12 + 1:02}{when.minute:02}{'AP'[when.hour >= 12]}")


def type_date_time(page, when: dt.datetime) -> None:
    """Type a date and time into the focused date-time field, drawn as mm/dd/yyyy, hh:mm AM/PM
    (the year takes up to six digits, so the right arrow moves on to the hour)."""
    page.keyboard.type(f"{when.month:02}{when.day:02}{when.year}")
    page.keyboard.press("ArrowRight")
    type_time(page, when)


@pytest.fixture
def keyboard_page(browser):
    """A desktop-sized tab in Japanese."""
    context = browser.new_context(locale="ja-JP", viewport={"width": 1280, "height": 900})
    yield context.new_page()
    context.close()


def test_staff_create_a_class_and_send_an_announcement_with_the_keyboard_alone(demo, keyboard_page):
    page = keyboard_page
    with demo.app.extensions["navi"].sessions() as db:
        adopt_follower(db, DEMO_USER, "synced")  # one resident to send the announcement to
        db.commit()
    tz = demo.app.extensions["navi"].settings.tz
    start = (dt.datetime.now(tz) + dt.timedelta(days=2)).replace(
        hour=10, minute=0, second=0, microsecond=0
    )
    email, password = account(demo, "staff")

    # Log in: the address field has the keyboard when the page opens.
    # (Chromium moves the keyboard there a moment after the page loads: wait for it, or the
    # first letters typed go nowhere.)
    page.goto(f"{demo.base_url}/admin/login")
    expect(page.get_by_label("メールアドレス")).to_be_focused()
    page.keyboard.type(email)
    tab_to(page, page.get_by_label("パスワード"))
    page.keyboard.type(password)
    press_and_wait(page, "Enter")
    expect(page.get_by_role("button", name="ログアウト")).to_be_visible()

    # The classes page: past the menu with the skip link, then "add a session".
    tab_to(page, page.get_by_role("link", name="本文へ移動"))
    page.keyboard.press("Enter")
    tab_to(page, page.get_by_role("link", name="新しい回を追加"))
    press_and_wait(page, "Enter")

    # The form, leaving the venue out the first time.
    tab_to(page, page.get_by_label("名前"))
    page.keyboard.type("スマホ教室 キーボードで予約")
    tab_to(page, page.get_by_label("開始日時"))
    type_date_time(page, start)
    tab_to(page, page.get_by_label("終了時刻"))
    type_time(page, start.replace(hour=12))
    tab_to(page, page.get_by_label("定員(人)"))
    page.keyboard.press("Control+A")
    page.keyboard.type("8")
    tab_to(page, page.get_by_role("button", name="追加する"))
    press_and_wait(page, "Enter")

    # The page comes back with the keyboard on the field to fix, its message read with it.
    venue = page.get_by_label("会場", exact=True)
    expect(venue).to_be_focused()
    expect(venue).to_have_accessible_description(re.compile("会場"))
    page.keyboard.type("志村ふれあい館")
    press_and_wait(page, "Enter")
    expect(page.get_by_role("status")).to_contain_text("回を追加しました")

    # Announcements, from the menu.
    tab_to(page, page.get_by_role("link", name="お知らせ配信"))
    press_and_wait(page, "Enter")
    tab_to(page, page.get_by_role("link", name="お知らせを作成"))
    press_and_wait(page, "Enter")
    tab_to(page, page.get_by_label("本文(日本語・必須)"))
    page.keyboard.type("12月のスマホ教室の申し込みが始まりました。")
    topic = page.get_by_label("送る相手(お知らせの種類)")
    tab_to(page, topic)
    while topic.input_value() != "smartphone_class":
        page.keyboard.press("ArrowDown")
    expect(page.locator("#audience-size")).to_have_text("いま 1人 に届きます")
    # Back to the text to add a line.
    tab_to(page, page.get_by_label("本文(日本語・必須)"), back=True)
    page.keyboard.press("Control+End")
    page.keyboard.type("\n先着順です。")
    tab_to(page, page.get_by_role("button", name="内容を確認する"))
    press_and_wait(page, "Space")
    tab_to(page, page.get_by_role("button", name="この内容で送る"))  # the check before sending
    press_and_wait(page, "Space")

    expect(page.locator("#progress-status")).to_have_text("送信済み", timeout=30_000)
    with demo.app.extensions["navi"].sessions() as db:
        session = db.scalar(select(ClassSession).where(ClassSession.title.contains("キーボード")))
        sent = db.scalar(select(Announcement))
    assert (session.venue, session.capacity) == ("志村ふれあい館", 8)
    assert session.starts_at == start and session.ends_at == start.replace(hour=12)
    assert sent.text.endswith("始まりました。\n先着順です。") and sent.topic == "smartphone_class"
    multicasts = [c for c in demo.standin.calls if c.path == "/v2/bot/message/multicast"]
    assert [c.json["to"] for c in multicasts] == [[DEMO_USER]]


# -- pages of a busy console, for the checks that look at every page -------------------------

PAGES = [
    "/admin/dashboard",
    "/admin/classes",
    "/admin/classes/new",
    "/admin/classes/{full_session}",
    "/admin/classes/{past_session}",
    "/admin/classes/{full_session}/cancel",
    "/admin/announcements",
    "/admin/announcements/new",
    "/admin/announcements/{scheduled_announcement}",
    "/admin/answers",
    "/admin/answers/konbini_certificate/hours/edit",
    "/admin/answers/konbini_certificate/hours",
    "/admin/answers/new-area",
    "/admin/unanswered",
    "/admin/router",
    "/admin/users",
    "/admin/audit",
    "/admin/targets",
    "/admin/figures",
    "/admin/classes/999999",
]


@pytest.fixture(scope="module")
def busy_demo(tmp_path_factory):
    """One demo with a season's data for this module: (demo, the season's ids)."""
    with running_demo(tmp_path_factory.mktemp("a11y")) as demo:
        yield demo, season.fill(demo)


def logged_in(browser, demo, role: str = "admin", **options):
    """A new browser context with `role` logged in (through the form), and its page."""
    context = browser.new_context(locale="ja-JP", **options)
    page = context.new_page()
    email, password = account(demo, role)
    page.goto(f"{demo.base_url}/admin/login")
    page.locator("#email").fill(email)
    page.locator("#password").fill(password)
    with page.expect_navigation():
        page.locator("#password").press("Enter")
    return context, page


def test_every_console_page_starts_with_a_skip_link_to_its_main_content(busy_demo, browser):
    demo, ids = busy_demo
    context, page = logged_in(browser, demo, viewport={"width": 1280, "height": 900})
    try:
        for path in PAGES:
            page.goto(demo.base_url + path.format(**asdict(ids)))
            page.keyboard.press("Tab")
            skip = focus(page)
            assert skip.evaluate("el => el.textContent") == "本文へ移動", path
            box = skip.bounding_box()
            assert box["x"] >= 0 and box["y"] >= 0 and box["width"] > 40, f"unseen on {path}"
            page.keyboard.press("Enter")
            page.keyboard.press("Tab")
            assert focus(page).evaluate("el => !!el.closest('main')"), f"menu again on {path}"
    finally:
        context.close()


def test_the_login_page_starts_in_the_address_field_with_the_skip_link_before_it(busy_demo, page):
    demo, _ = busy_demo
    page.goto(f"{demo.base_url}/admin/login")
    expect(page.get_by_label("メールアドレス")).to_be_focused()
    tab_to(page, page.get_by_role("link", name="本文へ移動"), back=True, limit=4)
    page.keyboard.press("Enter")
    page.keyboard.press("Tab")
    expect(page.get_by_label("メールアドレス")).to_be_focused()


def test_every_control_on_every_page_is_reached_by_tab_and_shows_a_focus_ring(busy_demo, browser):
    demo, ids = busy_demo
    context, page = logged_in(browser, demo, viewport={"width": 1280, "height": 900})
    # What a mouse could use: links, buttons, fields, summaries, scrolling tables. A group of
    # radio buttons is one stop (the arrow keys move within it).
    controls = """() => {
      const all = [...document.querySelectorAll(
        'a[href], button, input:not([type=hidden]), select, textarea, summary, [tabindex="0"]')];
      const names = new Set();
      return all.filter(el => el.checkVisibility()).filter(el =>
        el.type !== "radio" || (!names.has(el.name) && names.add(el.name))).length;
    }"""
    stop = """el => el === document.body ? null
      : el.type === "radio" ? "radio " + el.name
      : [...document.querySelectorAll("*")].indexOf(el)"""
    try:
        for path in [*PAGES, "/dev/chat"]:
            page.goto(demo.base_url + path.format(**asdict(ids)))
            if path == "/dev/chat":
                page.locator("#richmenu button").first.wait_for()  # drawn after the page loads
            expected, reached = page.evaluate(controls), []
            for _ in range(10 * expected):  # a date field takes a Tab for each of its parts
                page.keyboard.press("Tab")
                here = focus(page)
                key = here.evaluate(stop)
                if key is None or (reached and key == reached[-1]):
                    continue
                if key in reached:  # round again
                    break
                assert here.evaluate(FOCUS_RING), f"{path}: no ring on {here.evaluate(DESCRIBE)}"
                reached.append(key)
            assert len(reached) == expected, f"{path}: Tab reaches {len(reached)} of {expected}"
    finally:
        context.close()


@pytest.mark.parametrize(
    ("path", "mistakes"),
    [
        ("/admin/classes/new", ["名前", "開始日時", "会場", "定員(人)"]),
        ("/admin/announcements/new", ["本文(日本語・必須)", "送信日時"]),
        ("/admin/users", ["メールアドレス", "初期パスワード"]),
        ("/admin/figures", ["月", "数値", "出典"]),
        ("/admin/answers/new-area", ["案内先のID", "確認日"]),
    ],
)
def test_mistakes_are_announced_and_read_with_their_fields(busy_demo, browser, path, mistakes):
    demo, _ = busy_demo
    context, page = logged_in(browser, demo, viewport={"width": 1280, "height": 900})
    try:
        page.goto(demo.base_url + path)
        form = page.locator("main form:has(button.primary)")
        if path.endswith("/announcements/new"):
            page.get_by_label("日時を決めて送る").check()
        for field in form.locator(
            "input:visible:not([type=radio]):not([type=checkbox]), textarea"
        ).all():
            field.fill("")
        with page.expect_navigation():
            form.locator("button.primary").click()

        # A summary in an alert (read out as the page arrives), and the keyboard on the first
        # field to fix, which is read with its message.
        expect(page.get_by_role("alert")).to_contain_text(re.compile("直すところ|直してください"))
        fields = [page.get_by_label(label, exact=True) for label in mistakes]
        expect(fields[0]).to_be_focused()
        for field in fields:
            expect(field).to_have_attribute("aria-invalid", "true")
            message = page.locator(f"#{field.get_attribute('id')}-error")
            expect(message).to_be_visible()
            expect(field).to_have_accessible_description(
                re.compile(re.escape(message.inner_text()))
            )
    finally:
        context.close()


# Each chart's link, in page order: the two follower charts share one table.
CHART_TABLES = [
    "followers-by-period",
    "followers-by-period",
    "plan-konbini_count",
    "plan-konbini_share",
    "plan-online_applications",
    "questions-by-topic",
    "coverage",
]


def test_each_chart_has_a_summary_and_a_link_to_its_table(busy_demo, browser):
    demo, _ = busy_demo
    context, page = logged_in(browser, demo, "manager", viewport={"width": 1280, "height": 900})
    try:
        charts = page.get_by_role("img").filter(has=page.locator("title"))
        expect(charts).to_have_count(7)  # the wide layouts; the narrow ones wait for a phone
        for chart in charts.all():
            expect(chart).to_have_accessible_name(re.compile(r"グラフ.*\d"))
        links = page.get_by_role("link", name="この図の数字を表で見る")
        expect(links).to_have_count(len(CHART_TABLES))
        for i, table in enumerate(CHART_TABLES):
            # Following the link from the keyboard opens the table and puts the keyboard on it.
            page.goto(f"{demo.base_url}/admin/dashboard")
            tab_to(page, links.nth(i), limit=200)
            page.keyboard.press("Enter")
            region = page.locator(f"#table-{table}")
            expect(region).to_be_focused()
            expect(region).to_be_in_viewport()
            expect(region.get_by_role("row")).not_to_have_count(0)
            caption = region.locator("caption").inner_text()
            expect(region).to_have_accessible_name(caption)
    finally:
        context.close()


def grey_pixels(png: bytes) -> Image.Image:
    """A screenshot as shades of grey."""
    return Image.open(io.BytesIO(png)).convert("L")


def look_different(a: Image.Image, b: Image.Image) -> bool:
    """Whether two greys differ as an eye would see, pixel for pixel over the size they share.
    In grey, the solid green and solid red of the follows chart differ by 7 on average (of
    255): the same to an eye. Two different textures differ by 26 or more."""
    size = min(a.size[0], b.size[0]), min(a.size[1], b.size[1])
    a, b = (image.crop((0, 0, *size)) for image in (a, b))
    return ImageStat.Stat(ImageChops.difference(a, b)).mean[0] > 20


def test_the_charts_tell_their_series_apart_without_colour(busy_demo, browser):
    demo, _ = busy_demo
    sharp = {"viewport": {"width": 1280, "height": 900}, "device_scale_factor": 2}
    context, page = logged_in(browser, demo, "manager", **sharp)
    try:
        # As a person who sees no colour at all sees the page (Chrome's own emulation).
        cdp = context.new_cdp_session(page)
        cdp.send("Emulation.setEmulatedVisionDeficiency", {"type": "achromatopsia"})
        flow = page.locator("#flow .dashboard-legend li svg")
        follows, adopted, blocks, erased = (grey_pixels(flow.nth(i).screenshot()) for i in range(4))
        # Each column stacks follows and adopted friends up, blocks and erasures down: the
        # two of a stack differ by texture.
        assert look_different(follows, adopted)
        assert look_different(blocks, erased)
        topics = page.locator("#questions .dashboard-legend li svg")
        swatches = [grey_pixels(topics.nth(i).screenshot()) for i in range(topics.count())]
        assert len(swatches) == 6
        for i, one in enumerate(swatches):
            for j, other in enumerate(swatches[i + 1 :], start=i + 1):
                assert look_different(one, other), (i, j)

        # The chart paints each kind as its legend does; adds above the zero line, losses below.
        chart = page.locator("#flow svg.dashboard-wide").first
        zero = float(chart.locator('line[stroke="#52606d"]').get_attribute("y1"))
        for i, upwards in enumerate((True, True, False, False)):
            paint = flow.nth(i).locator("rect").get_attribute("fill")
            bars = chart.locator(f'rect[fill="{paint}"]')
            assert bars.count() > 0, paint
            box = bars.first.evaluate("r => [r.y.baseVal.value, r.height.baseVal.value]")
            assert (box[0] + box[1] <= zero + 0.5) if upwards else (box[0] >= zero - 0.5), paint
    finally:
        context.close()


# Everything on the page within its width, nothing cut off: elements that stick out of the
# window or are cut by their box. Boxes that scroll (the wide dashboard tables, which take the
# keyboard; the chat log and card carousel) may hold more than they show.
LOSSES = """() => {
  const width = document.documentElement.clientWidth;
  const found = [];
  if (document.documentElement.scrollWidth > width) {
    found.push(`the page scrolls sideways (${document.documentElement.scrollWidth} > ${width})`);
  }
  const scrolls = el => ["auto", "scroll"].includes(getComputedStyle(el).overflowX)
    || ["auto", "scroll"].includes(getComputedStyle(el).overflowY);
  const named = el => `<${el.tagName.toLowerCase()}> ${(el.textContent || "").trim().slice(0, 30)}`;
  for (const el of document.body.querySelectorAll("*")) {
    if (!el.checkVisibility() || el.closest(".skip, .chart-textures")) continue;
    let parent = el.parentElement, inScroller = false;
    for (; parent; parent = parent.parentElement) if (scrolls(parent)) inScroller = true;
    const box = el.getBoundingClientRect();
    if (box.width <= 1 || box.height <= 1) continue;  // text for screen readers only
    if (!inScroller && (box.right > width + 1 || box.left < -1)) {
      found.push(named(el) + " sticks out");
    }
    const style = getComputedStyle(el);
    const cuts = [style.overflowX, style.overflowY].some(o => o === "hidden" || o === "clip");
    if (cuts && (el.scrollWidth > el.clientWidth + 1 || el.scrollHeight > el.clientHeight + 1)) {
      found.push(named(el) + " cuts off what it holds");
    }
  }
  return found;
}"""


@pytest.mark.parametrize("zoom", [2, 4], ids=["200%", "400%"])
def test_every_page_holds_when_zoomed(busy_demo, browser, zoom):
    demo, ids = busy_demo
    # A 1280 × 900 window zoomed in: 200 % (WCAG 1.4.4) is 640 × 450 CSS pixels, each drawn
    # with two; 400 % (1.4.10, reflow) is 320 × 225.
    zoomed = {
        "viewport": {"width": 1280 // zoom, "height": 900 // zoom},
        "device_scale_factor": zoom,
    }
    context, page = logged_in(browser, demo, **zoomed)
    found = []
    try:
        for path in ["/admin/login", *PAGES, "/dev/chat"]:
            page.goto(demo.base_url + path.format(**asdict(ids)))
            page.evaluate(
                "() => document.querySelectorAll('details').forEach(d => (d.open = true))"
            )
            found += [f"{path}: {loss}" for loss in page.evaluate(LOSSES)]
    finally:
        context.close()
    assert not found, "\n".join(found)


PHONE = {"viewport": {"width": 375, "height": 812}, "is_mobile": True, "has_touch": True}


def test_a_session_with_a_web_address_in_its_details_fits_a_phone(demo, browser):
    """内容 holding a web address (no place to break a line) made the session's page scroll
    sideways on a 375 px phone; its forms, with the longest message beside a field, must fit too."""
    with demo.app.extensions["navi"].sessions() as db:
        session = classes.add_session(
            db,
            title="スマートフォン教室(初心者向け)",
            starts_at=dt.datetime.now(dt.UTC) + dt.timedelta(days=2),
            venue="仲町ふれあい館",
            venue_en="Nakacho Community Hall",
            bring="スマホをお持ちください",
            bring_en="Your smartphone",
            capacity=30,
            description="https://www.city.itabashi.tokyo.jp/kurashi/smartphone/kyoshitsu/index.html",
        )
        db.commit()
        detail = f"/admin/classes/{session.id}"
    context, page = logged_in(browser, demo, "staff", **PHONE)
    found = []
    try:
        for path in (detail, f"{detail}/edit", "/admin/classes/new"):
            page.goto(demo.base_url + path)
            found += [f"{path}: {loss}" for loss in page.evaluate(LOSSES)]
        page.goto(f"{demo.base_url}{detail}/edit")
        page.locator("#venue").fill("志村ふれあい館")  # the English venue left as it was
        page.locator("#bring").fill("スマホとマイナンバーカード")  # and what to bring in English
        with page.expect_navigation():
            page.get_by_role("button", name="変更を保存する").click()
        expect(page.locator("#venue_en-error")).to_be_visible()
        expect(page.locator("#bring_en")).to_have_accessible_description(
            re.compile("英語での持ち物が前のままです")
        )
        found += [f"{detail}/edit, refused: {loss}" for loss in page.evaluate(LOSSES)]
    finally:
        context.close()
    assert not found, "\n".join(found)
