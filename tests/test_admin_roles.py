"""Role boundaries of the console, checked on the server: who may open and change what.

Every /admin URL is found in the app's own URL map, so a page added later is covered too.
"""

from __future__ import annotations

import csv
import io

import pytest
from sqlalchemy import func, select

from bot.core.models import Announcement, AuditEntry, ClassSession, StaffUser
from bot.staff import ROLES
from tests.admin_helpers import PASSWORD, console_client, csrf_from, log_in, make_user

OPEN_TO_ALL = {"admin.login", "admin.logout", "admin.switch_language", "admin.static"}
# The pages of the staff console and the role each needs (roles nest: staff < manager < admin).
PAGES = {
    "/admin/classes": "staff",
    "/admin/classes/new": "staff",
    "/admin/announcements": "staff",
    "/admin/announcements/new": "staff",
    "/admin/announcements/audience?topic=all": "staff",
    "/admin/answers": "staff",
    "/admin/answers/konbini_certificate/hours/edit": "staff",
    "/admin/answers/new-area": "staff",
    "/admin/users": "admin",
    "/admin/audit": "admin",
    "/admin/audit.csv": "admin",
    "/admin/targets": "admin",
    "/admin/figures": "staff",
}


def console_rules(app):
    """Every /admin rule that needs a login, with its URL built for id 1."""
    for rule in app.url_map.iter_rules():
        if rule.endpoint.startswith("admin.") and rule.endpoint not in OPEN_TO_ALL:
            url = rule.rule
            for name in rule.arguments:
                url = url.replace(f"<int:{name}>", "1").replace(f"<{name}>", "1")
            yield rule, url


def logged_in(app, role: str):
    console = console_client(app)
    log_in(console, make_user(app, role))
    return console


def count(app, model) -> int:
    with app.extensions["navi"].sessions() as db:
        return db.scalar(select(func.count()).select_from(model))


def test_anonymous_visitors_are_sent_to_login_from_every_console_url(app):
    console = console_client(app)
    token = csrf_from(console)  # a real token: only the missing login stops them
    rules = list(console_rules(app))
    assert len(rules) >= 20
    for rule, url in rules:
        for method in rule.methods & {"GET", "POST"}:
            response = console.open(url, method=method, data={"csrf_token": token})
            assert response.status_code == 302, (method, url)
            assert "/admin/login?next=" in response.headers["Location"], (method, url)


@pytest.mark.parametrize("role", ROLES)
def test_each_role_opens_exactly_the_pages_its_role_allows(app, role):
    console = logged_in(app, role)
    for url, needed in PAGES.items():
        allowed = ROLES.index(role) >= ROLES.index(needed)
        assert console.get(url).status_code == (200 if allowed else 403), (role, url)


def test_staff_cannot_read_the_managers_dashboard_or_its_exports(app):
    dashboard = [url for rule, url in console_rules(app) if url.startswith("/admin/dashboard")]
    if not dashboard:
        pytest.skip("the managers' dashboard is not built yet")
    staff, manager = logged_in(app, "staff"), logged_in(app, "manager")
    for url in dashboard:
        assert staff.get(url).status_code == 403, url
        assert manager.get(url).status_code != 403, url


def test_a_forged_csrf_token_is_refused_on_every_post(app):
    console = logged_in(app, "admin")  # the highest role: only the token can stop it
    before = count(app, AuditEntry)
    posts = [url for rule, url in console_rules(app) if "POST" in rule.methods]
    assert len(posts) >= 8
    for url in posts:
        for forged in ({"csrf_token": "forged"}, {}):
            response = console.post(url, data={**forged, "role": "admin", "text": "x"})
            assert response.status_code == 400, url
            assert "再読み込み" in response.get_data(as_text=True)
    assert count(app, AuditEntry) == before


def test_a_forged_token_in_the_header_is_refused_too(app):
    console = logged_in(app, "staff")
    response = console.post(
        "/admin/classes/new", data={"title": "x"}, headers={"X-CSRF-Token": "forged"}
    )
    assert response.status_code == 400
    assert count(app, ClassSession) == 0


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_admins_create_users_so_nobody_escalates_by_posting_role_admin(app, role):
    console = logged_in(app, role)
    token = csrf_from(console, "/admin/classes")
    form = {"email": "me2@example.jp", "role": "admin", "password": PASSWORD, "csrf_token": token}
    assert console.post("/admin/users", data=form).status_code == 403
    assert console.post("/admin/users/1/active", data={"csrf_token": token}).status_code == 403
    with app.extensions["navi"].sessions() as db:
        assert db.scalar(select(StaffUser).where(StaffUser.email == "me2@example.jp")) is None
        assert set(db.scalars(select(StaffUser.role))) == {role}


def test_a_manager_can_do_what_staff_do(app):
    manager = logged_in(app, "manager")
    token = csrf_from(manager, "/admin/classes/new")
    session_form = {
        "title": "スマホ教室",
        "kind": "class",
        "starts_at": "2099-12-03T10:00",
        "ends_at": "12:00",
        "venue": "志村ふれあい館",
        "capacity": "10",
        "csrf_token": token,
    }
    assert manager.post("/admin/classes/new", data=session_form).status_code == 302
    assert count(app, ClassSession) == 1
    assert manager.get("/admin/announcements/new").status_code == 200


def test_an_admin_adds_a_user_who_can_then_log_in(app):
    admin = logged_in(app, "admin")
    form = {"email": "New.Staff@example.jp", "role": "staff", "password": "a long password 1"}
    form["csrf_token"] = csrf_from(admin, "/admin/users")
    assert admin.post("/admin/users", data=form).status_code == 302
    page = admin.get("/admin/users").get_data(as_text=True)
    assert "new.staff@example.jp を追加しました" in page
    newcomer = console_client(app)
    assert log_in(newcomer, "new.staff@example.jp", "a long password 1").status_code == 302
    with app.extensions["navi"].sessions() as db:
        created = db.scalar(
            select(AuditEntry).where(
                AuditEntry.action == "staff.create", AuditEntry.actor == "admin@example.jp"
            )
        )
    assert created.detail == {"email": "new.staff@example.jp", "role": "staff"}


def test_user_form_mistakes_are_explained(app):
    admin = logged_in(app, "admin")
    form = {"email": "admin@example.jp", "role": "staff", "password": PASSWORD}
    form["csrf_token"] = csrf_from(admin, "/admin/users")
    taken = admin.post("/admin/users", data=form)
    assert taken.status_code == 400
    assert "すでに登録されています" in taken.get_data(as_text=True)
    short = admin.post("/admin/users", data=form | {"email": "b@example.jp", "password": "short"})
    assert "12文字以上" in short.get_data(as_text=True)
    everything = admin.post(
        "/admin/users", data=form | {"email": "b", "role": "root", "password": "short"}
    ).get_data(as_text=True)
    # "b" was typed: the message says what shape an address takes, not only to type one
    for said in ("name@example.jp の形で", "権限を選んでください", "12文字以上"):
        assert said in everything
    too_long = admin.post("/admin/users", data=form | {"email": "a" * 250 + "@example.jp"})
    assert "254文字まで" in too_long.get_data(as_text=True)
    assert "すでに登録" not in too_long.get_data(as_text=True)


def test_a_deactivated_user_is_out_at_once_and_it_is_audited(app):
    admin = logged_in(app, "admin")
    staff = logged_in(app, "staff")
    with app.extensions["navi"].sessions() as db:
        staff_id = db.scalar(select(StaffUser.id).where(StaffUser.role == "staff"))
    token = csrf_from(admin, "/admin/users")
    admin.post(f"/admin/users/{staff_id}/active", data={"active": "0", "csrf_token": token})
    response = staff.get("/admin/classes")
    assert response.status_code == 302 and "/admin/login" in response.headers["Location"]
    assert log_in(console_client(app), "staff@example.jp").status_code == 401
    with app.extensions["navi"].sessions() as db:
        entry = db.scalar(select(AuditEntry).where(AuditEntry.action == "staff.deactivate"))
    assert entry.actor == "admin@example.jp" and entry.subject == f"staff:{staff_id}"


def test_an_admin_cannot_deactivate_themselves(app):
    admin = logged_in(app, "admin")
    with app.extensions["navi"].sessions() as db:
        admin_id = db.scalar(select(StaffUser.id))
    token = csrf_from(admin, "/admin/users")
    admin.post(f"/admin/users/{admin_id}/active", data={"active": "0", "csrf_token": token})
    assert admin.get("/admin/users").status_code == 200


def test_the_audit_log_reads_and_exports_as_utf8_csv_with_bom(app):
    admin = logged_in(app, "admin")
    logged_in(app, "staff")
    page = admin.get("/admin/audit").get_data(as_text=True)
    assert "ログイン" in page and "staff@example.jp" in page
    response = admin.get("/admin/audit.csv")
    body = response.get_data()
    assert response.mimetype == "text/csv" and body.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(body.decode("utf-8-sig"))))
    assert rows[0] == ["日時", "操作した人", "操作", "対象", "内容", "詳細（JSON）"]
    assert [r[1:3] for r in rows[1:]] == [
        ["test", "staff.create"],
        ["admin@example.jp", "staff.login"],
        ["test", "staff.create"],
        ["staff@example.jp", "staff.login"],
    ]
    assert rows[1][4] == "admin@example.jp をシステム管理者として追加しました。"
    assert '"role": "admin"' in rows[1][5]


def test_announcement_history_is_for_staff_and_the_compose_post_needs_a_login(app):
    console = console_client(app)
    token = csrf_from(console)
    response = console.post("/admin/announcements/new", data={"csrf_token": token, "text": "x"})
    assert response.status_code == 302
    assert count(app, Announcement) == 0
