"""Every console page in both languages (issue 16 §6): no English words on a Japanese page, no
Japanese on an English one.

The walk opens every GET page of the console (from the app's own routes, so a new page is walked
without being listed), as an admin who sees them all, with data on each: a session, a past one
with attendance, an announcement, a target and a monthly figure — every one of which writes to
the audit log. What staff typed is data, not the console's words, so it is neutral here (digits);
so are e-mail addresses. An element marked with another `lang` (the language switch) is skipped.
"""

from __future__ import annotations

import datetime as dt
import re
from html.parser import HTMLParser

import pytest

from bot.classes.changes import create_session, mark_attendance
from bot.classes.reservations import reserve
from bot.core.db import utcnow
from bot.reports import targets
from bot.reports.kpi import FiscalYear, jst_today
from bot.residents.followers import adopt_follower
from tests.admin_helpers import console_client, csrf_from, log_in, make_user

NOT_PAGES = ("csv", "progress", "audience")  # downloads and JSON: not pages people read
# Latin words a Japanese page may hold: names of things that are written so in Japanese too
# (a phone's make, and J-LIS — the agency behind My Number cards — whose Japanese name it is).
JAPANESE_ALLOWS = {"LINE", "CSV", "JSON", "URL", "ID", "Android", "iPhone", "LIS"}
# …and data of the tests' own: the name make_user gives the creator of a console user.
DATA = {"test"}
LATIN_WORD = re.compile(r"[A-Za-z]{3,}")
JAPANESE = re.compile(r"[\u3040-\u30ff\u3400-\u9fff\uff01-\uff5e]")
EMAIL = re.compile(r"\S+@\S+")


class VisibleText(HTMLParser):
    """The text a person reads (and the labels a screen reader reads) of a page in `lang`."""

    VOID = frozenset({"br", "img", "input", "meta", "link", "hr", "source", "wbr"})

    def __init__(self, lang: str):
        super().__init__()
        self.lang, self.skipping, self.depth, self.words = lang, 0, 0, []

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        other = attrs.get("lang") and not attrs["lang"].startswith(self.lang) and tag != "html"
        if tag in self.VOID:
            if not (self.skipping or other):  # an English example URL in an <input lang="en">
                self._attributes(tag, attrs)
            return
        self.depth += 1
        if self.skipping or other or tag in ("script", "style", "title"):
            self.skipping += 1
        elif not self.skipping:
            self._attributes(tag, attrs)

    def _attributes(self, tag, attrs):
        for name in ("aria-label", "placeholder", "alt", "title", "data-label"):
            if attrs.get(name):
                self.words.append(attrs[name])
        # An <input> button shows its value; a <button>'s value is only sent, never shown.
        if tag == "input" and attrs.get("type") in ("submit", "button") and attrs.get("value"):
            self.words.append(attrs["value"])

    def handle_endtag(self, tag):
        if tag in self.VOID:
            return
        self.depth -= 1
        if self.skipping:
            self.skipping -= 1

    def handle_data(self, data):
        if not self.skipping and data.strip():
            self.words.append(data)


def foreign_words(page: str, lang: str) -> list[str]:
    """What on a page is in the other language."""
    parser = VisibleText(lang)
    parser.feed(page)
    text = EMAIL.sub(" ", " ".join(parser.words))
    if lang == "ja":
        return sorted({w for w in LATIN_WORD.findall(text) if w not in JAPANESE_ALLOWS | DATA})
    return sorted(set(JAPANESE.findall(text)))


@pytest.fixture
def busy_console(app):
    """An admin's console with something on every page; returns (client, page URLs)."""
    now = utcnow()
    with app.extensions["navi"].sessions() as db:
        people = [adopt_follower(db, f"U{n:032x}", "synced") for n in range(1, 4)]
        upcoming = create_session(
            db,
            "staff@example.jp",
            title="101",
            venue="202",
            capacity=5,
            starts_at=now + dt.timedelta(days=3),
            ends_at=now + dt.timedelta(days=3, hours=2),
        )
        past = create_session(
            db,
            "staff@example.jp",
            title="303",
            venue="404",
            capacity=5,
            starts_at=now + dt.timedelta(hours=1),
        )
        db.flush()
        seats = [reserve(db, past.id, p, now).reservation for p in people]
        reserve(db, upcoming.id, people[0], now)
        past.starts_at = now - dt.timedelta(days=2)
        marks = {seats[0].id: True, seats[1].id: False}
        mark_attendance(
            db, past.id, marks, "staff@example.jp", now=now, tz=app.extensions["navi"].settings.tz
        )
        year = FiscalYear.of(jst_today(now)).year
        targets.set_target(db, "followers", year, "34000", "2025", "admin@example.jp")
        month = jst_today(now).replace(day=1) - dt.timedelta(days=1)
        targets.set_figure(db, "konbini_share", month, "38.5", "2026", "staff@example.jp")
        db.commit()
        session_ids = (upcoming.id, past.id)
    console = console_client(app)
    log_in(console, make_user(app, "admin"))
    form = {"topic": "all", "text": "123", "when": "now"}
    console.post(
        "/admin/announcements/new",
        data=form | {"csrf_token": csrf_from(console, "/admin/announcements/new")},
    )
    urls = []
    for rule in app.url_map.iter_rules():
        if not rule.endpoint.startswith("admin.") or "GET" not in rule.methods:
            continue
        if any(word in rule.rule for word in NOT_PAGES) or rule.rule in ("/admin", "/admin/"):
            continue
        if "<int:session_id>" in rule.rule:
            urls += [rule.rule.replace("<int:session_id>", str(i)) for i in session_ids]
        elif "<int:announcement_id>" in rule.rule:
            urls.append(rule.rule.replace("<int:announcement_id>", "1"))
        else:
            urls.append(rule.rule)
    return console, [*urls, "/admin/classes/999999"]  # a 404 page too


def test_every_console_page_is_in_one_language_only(busy_console):
    console, urls = busy_console
    assert len(urls) >= 14
    found = {}
    for lang in ("ja", "en"):
        token = csrf_from(console, "/admin/classes")
        console.post("/admin/lang", data={"lang": lang, "csrf_token": token})
        for url in urls:
            # A page that sends elsewhere (the past session's cancel page: to its page, with
            # why not) is read where it lands, message and all.
            response = console.get(url, follow_redirects=True)
            assert response.status_code in (200, 404), url
            words = foreign_words(response.get_data(as_text=True), lang)
            if words:
                found[f"{lang} {url}"] = words
    assert found == {}, "\n".join(f"{k}: {v}" for k, v in found.items())
