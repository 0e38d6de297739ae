"""Answers edited in the console: staff submit, a manager publishes, residents get it.

Through the real console forms (CSRF, roles) and real signed webhooks: the two-person rule,
every version kept and restorable, per-field errors, the overlay reaching another app instance
without a restart, and the export that writes the live answers back as the repository's YAML.
"""

from __future__ import annotations

import filecmp
import html
import re
import time
from dataclasses import dataclass

import pytest
from sqlalchemy import event, select

from bot import create_app
from bot.answers import overlay, versions
from bot.answers.export import export
from bot.answers.fields import entry_fields
from bot.answers.live import LiveContent
from bot.cli import main as cli
from bot.core.content import load_content
from bot.core.content_files import content_root
from bot.core.models import AnswerVersion, AuditEntry
from tests.admin_helpers import console_client, csrf_from, log_in, make_user

TOPIC, KEY = "konbini_certificate", "hours"


@dataclass
class Published:
    """A published version as the overlay and the export read it (without a database)."""

    kind: str
    topic: str
    key: str
    fields: dict


EDIT = f"/admin/answers/{TOPIC}/{KEY}/edit"
NEW_TEXT = "コンビニ交付は、毎日 午前6時30分から午後11時まで使えます(職員が更新)。"


def console(app, role: str, email: str | None = None):
    """A logged-in console client of `role`."""
    client = console_client(app)
    log_in(client, make_user(app, role, email))
    return client


def current_form(client, path: str = EDIT) -> dict[str, str]:
    """The edit form's fields as the page fills them (what a person sends unchanged)."""
    page = client.get(path).get_data(as_text=True)
    fields = dict(
        re.findall(r'<input id="([\w-]+)" name="[\w-]+"(?: type="\w+")? value="([^"]*)"', page)
    )
    for name, text in re.findall(r'<textarea [^>]*\bid="([\w-]+)"[^>]*>([^<]*)</textarea>', page):
        fields[name] = text
    fields = {k: html.unescape(v) for k, v in fields.items()}
    fields["csrf_token"] = csrf_from(client, path)
    return fields


def submit_edit(client, **changes: str):
    """Send the edit form with some fields changed."""
    return client.post(EDIT, data={**current_form(client), **changes})


NEW_AREA = "/admin/answers/new-area"


def area_form(client, area: str, names: tuple[str, str], words: tuple[str, str]) -> dict:
    """The new-area form as staff fill it: the area's (ja, en) names and match words."""
    return {
        "csrf_token": csrf_from(client, NEW_AREA),
        "area": area,
        "name_ja": names[0],
        "name_en": names[1],
        "source": "https://www.city.itabashi.tokyo.jp/",
        "checked": "2026-11-30",
        "match_ja": words[0],
        "match_en": words[1],
    }


def pending_id(app) -> int:
    with app.extensions["navi"].sessions() as db:
        return db.scalar(select(AnswerVersion.id).where(AnswerVersion.status == "pending"))


def approve(client, version_id: int):
    path = f"/admin/answers/versions/{version_id}/approve"
    token = csrf_from(client, f"/admin/answers/{TOPIC}/{KEY}")
    return client.post(path, data={"csrf_token": token})


def test_staff_edit_reaches_residents_only_after_a_manager_approves(app, resident):
    staff = console(app, "staff")
    response = submit_edit(staff, **{"ja-text": NEW_TEXT})
    assert response.status_code == 302
    assert NEW_TEXT not in resident.say("コンビニ交付は何時まで使えますか").text  # pending

    manager = console(app, "manager")
    assert approve(manager, pending_id(app)).status_code == 302
    reply = resident.say("コンビニ交付は何時まで使えますか")
    assert NEW_TEXT in reply.text
    assert reply.text.rstrip().splitlines()[-1].startswith("出典: ")  # still ends with its source


def test_staff_cannot_approve_and_nobody_approves_their_own_change(app, resident):
    staff = console(app, "staff")
    submit_edit(staff, **{"ja-text": NEW_TEXT})
    version_id = pending_id(app)
    assert approve(staff, version_id).status_code == 403

    manager = console(app, "manager")
    page = manager.get(f"/admin/answers/{TOPIC}/{KEY}").get_data(as_text=True)
    assert "承認して公開" in page
    manager.post(EDIT, data={**current_form(manager), "ja-title": "マネージャーの変更"})
    own = max(v.id for v in versions_of(app))
    refused = approve(manager, own)
    assert "自分が出した変更は承認" in manager.get(refused.headers["Location"]).get_data(True)
    assert NEW_TEXT not in resident.say("コンビニ交付は何時まで使えますか").text
    assert "マネージャーの変更" not in resident.say("コンビニ交付は何時まで使えますか").text


def versions_of(app) -> list[AnswerVersion]:
    with app.extensions["navi"].sessions() as db:
        return list(db.scalars(select(AnswerVersion).order_by(AnswerVersion.id)))


def test_every_step_is_kept_with_its_differences_and_audited(app):
    staff = console(app, "staff", "writer@example.jp")
    submit_edit(staff, **{"ja-text": NEW_TEXT, "en-title": "Konbini hours (updated)"})
    admin = console(app, "admin")
    approve(admin, pending_id(app))
    page = staff.get(f"/admin/answers/{TOPIC}/{KEY}").get_data(as_text=True)
    assert "第1版" in page and "writer@example.jp" in page and "admin@example.jp" in page
    assert "英語 · 見出し" in page and "Konbini hours (updated)" in page  # field by field
    with app.extensions["navi"].sessions() as db:
        rows = db.execute(select(AuditEntry.action, AuditEntry.actor, AuditEntry.subject))
        steps = [(a, who, what) for a, who, what in rows if a.startswith("answer.")]
    subject = f"answer:{TOPIC}/{KEY}"
    assert steps == [
        ("answer.submit", "writer@example.jp", subject),
        ("answer.approve", "admin@example.jp", subject),
    ]


def test_an_old_version_is_restored_as_a_new_version_once_approved(app, resident):
    staff, manager = console(app, "staff"), console(app, "manager")
    original = resident.say("コンビニ交付は何時まで使えますか").text
    submit_edit(staff, **{"ja-text": NEW_TEXT})
    approve(manager, pending_id(app))
    assert NEW_TEXT in resident.say("コンビニ交付は何時まで使えますか").text

    token = csrf_from(staff, f"/admin/answers/{TOPIC}/{KEY}")
    staff.post(f"/admin/answers/{TOPIC}/{KEY}/restore", data={"csrf_token": token, "number": "0"})
    restored = next(v for v in versions_of(app) if v.number == 2)
    assert restored.status == "pending" and restored.restored_from == 0
    approve(manager, restored.id)
    assert resident.say("コンビニ交付は何時まで使えますか").text == original


def test_the_form_names_each_mistake_beside_its_field(app):
    staff = console(app, "staff")
    response = submit_edit(
        staff,
        **{
            "ja-title": "長" * 41,
            "en-source": "https://example.com/blog",
            "ja-checked": "2999-01-01",
        },
    )
    assert response.status_code == 400
    page = response.get_data(as_text=True)
    for field in ("ja-title", "en-source", "ja-checked"):
        assert f'id="{field}-error"' in page
        assert re.search(rf'id="{field}"[^>]*aria-describedby="[^"]*{field}-error"', page)
    assert "40文字までにしてください" in page and "公式のサイト" in page
    assert versions_of(app) == []


def test_an_unchanged_form_is_not_a_new_version(app):
    staff = console(app, "staff")
    response = submit_edit(staff)
    assert response.status_code == 400
    assert "変わったところがありません" in response.get_data(as_text=True)


def test_a_change_written_on_an_older_version_cannot_undo_a_newer_one(app, resident):
    """Two staff edit the same answer from the same page; each version holds every field, so
    publishing the second would silently bring back the text the first changed."""
    first, second = console(app, "staff", "a@example.jp"), console(app, "staff", "b@example.jp")
    manager = console(app, "manager")
    form_opened_first = current_form(second)
    assert submit_edit(first, **{"ja-text": NEW_TEXT}).status_code == 302
    second.post(EDIT, data={**form_opened_first, "ja-title": "利用できる時間"})
    with app.extensions["navi"].sessions() as db:
        older, newer = db.scalars(
            select(AnswerVersion.id)
            .where(AnswerVersion.status == "pending")
            .order_by(AnswerVersion.id)
        ).all()
    approve(manager, older)
    page = manager.get(approve(manager, newer).headers["Location"]).get_data(as_text=True)
    assert "差し戻して、いまの内容から出し直して" in page
    reply = resident.say("コンビニ交付は何時まで使えますか").text
    assert NEW_TEXT in reply and "利用できる時間" not in reply
    with app.extensions["navi"].sessions() as db:
        assert db.get(AnswerVersion, newer).status == "pending"  # still there to send back


def test_a_form_opened_before_a_newer_version_went_live_cannot_undo_it(app, resident):
    """Regression: a form left open while a colleague's change was published was sent as a
    change of the new live version, so approving it silently brought the old text back."""
    first, second = console(app, "staff", "a@example.jp"), console(app, "staff", "b@example.jp")
    manager = console(app, "manager")
    form_opened_first = current_form(second)
    assert submit_edit(first, **{"ja-text": NEW_TEXT}).status_code == 302
    assert approve(manager, pending_id(app)).status_code == 302

    stale = second.post(EDIT, data={**form_opened_first, "ja-title": "利用できる時間"})
    page = html.unescape(stale.get_data(as_text=True))
    assert stale.status_code == 400 and "第1版が公開されました" in page
    assert "利用できる時間" in page  # what they wrote is still in the form
    assert [v.status for v in versions_of(app)] == ["published"]  # nothing new to approve
    assert NEW_TEXT in resident.say("コンビニ交付は何時まで使えますか").text

    # Sent again from that page (after reading version 1), it is a change of version 1.
    again = second.post(EDIT, data={**current_form_of(page, second), "ja-text": NEW_TEXT})
    assert again.status_code == 302
    assert versions_of(app)[-1].based_on == 1


def current_form_of(page: str, client) -> dict[str, str]:
    """The fields of an edit page already fetched (a refused form, as the browser shows it)."""
    fields = dict(
        re.findall(r'<input id="([\w-]+)" name="[\w-]+"(?: type="\w+")? value="([^"]*)"', page)
    )
    for name, text in re.findall(r'<textarea [^>]*\bid="([\w-]+)"[^>]*>([^<]*)</textarea>', page):
        fields[name] = text
    fields["csrf_token"] = csrf_from(client, EDIT)
    return fields


def test_staff_add_an_entry_residents_find_by_its_words(app, resident):
    resident.say("コンビニで住民票を取りたい")  # the worker has chosen in this topic before
    staff, manager = console(app, "staff"), console(app, "manager")
    path = f"/admin/answers/new/{TOPIC}"
    fields = {"csrf_token": csrf_from(staff, path), "key": "kiosk_locations"}
    for code, words in (("ja", "キオスク端末"), ("en", "kiosk terminal")):
        fields |= {
            f"{code}-label": "端末の場所" if code == "ja" else "Kiosk places",
            f"{code}-title": "キオスク端末のある店" if code == "ja" else "Kiosk stores",
            f"{code}-text": "キオスク端末は店内にあります。"
            if code == "ja"
            else "Kiosks are in store.",
            f"{code}-source": "https://www.city.itabashi.tokyo.jp/",
            f"{code}-checked": "2026-11-30",
            f"{code}-match": words,
        }
    assert staff.post(path, data=fields).status_code == 302
    approve(manager, pending_id(app))
    assert "キオスク端末は店内にあります。" in resident.say("コンビニのキオスク端末はどこ").text


def test_staff_add_an_area_to_the_ward_directory(app):
    staff, manager = console(app, "staff"), console(app, "manager")
    fields = area_form(
        staff,
        "bicycle_parking",
        ("駐輪場", "Bicycle parking"),
        ("駐輪場、ちゅうりんじょう", "bicycle parking"),
    )
    assert staff.post(NEW_AREA, data={**fields, "area": "garbage"}).status_code == 400  # taken
    assert staff.post(NEW_AREA, data=fields).status_code == 302
    approve(manager, pending_id(app))
    area = app.extensions["navi"].content.directory.get("bicycle_parking")
    assert area is not None and "駐輪場" in area.words()


def test_residents_are_pointed_to_an_area_staff_just_added(app, resident):
    """The worker had already chosen among the directory's areas (for another question): the
    new area's words must find it at once, not an apology until a restart."""
    resident.say("粗大ごみの出し方を教えて")
    staff, manager = console(app, "staff"), console(app, "manager")
    fields = area_form(
        staff,
        "shared_cycles",
        ("シェアサイクル", "Shared bicycles"),
        ("シェアサイクル、レンタサイクル", "shared bicycle"),
    )
    assert staff.post(NEW_AREA, data=fields).status_code == 302
    approve(manager, pending_id(app))
    reply = resident.say("シェアサイクルはどこで借りられますか")
    assert "シェアサイクル" in reply.text and "エラー" not in reply.text


def test_a_published_answer_reaches_another_worker_without_a_restart(app, settings):
    other = create_app(settings)  # a second worker on the same database
    try:
        staff, manager = console(app, "staff"), console(app, "manager")
        submit_edit(staff, **{"ja-text": NEW_TEXT})
        approve(manager, pending_id(app))
        live = other.extensions["navi"].live
        live.clock = lambda: time.monotonic() + 60  # its next check is due
        assert other.extensions["navi"].content.entry(TOPIC, KEY, "ja").text == NEW_TEXT
    finally:
        other.extensions["navi"].gateway.close()
        other.extensions["navi"].engine.dispose()


def test_between_checks_a_worker_asks_the_database_nothing(app):
    navi = app.extensions["navi"]
    now = [100.0]
    live = LiveContent(load_content(), navi.sessions, every=2.0, clock=lambda: now[0])
    live.current()
    queries: list[str] = []

    def count(connection, cursor, statement, *args):
        queries.append(statement)

    event.listen(navi.engine, "before_cursor_execute", count)
    try:
        for _ in range(10_000):
            live.current()
        assert queries == []
        now[0] += 2.0
        live.current()
        assert len(queries) == 1  # one read of the content revision, nothing rebuilt
    finally:
        event.remove(navi.engine, "before_cursor_execute", count)


def test_export_without_edits_is_the_repository_byte_for_byte(tmp_path):
    out = tmp_path / "content"
    export(load_content(), content_root(), [], out)
    compared = filecmp.dircmp(content_root(), out)
    assert_same_tree(compared)


def assert_same_tree(compared: filecmp.dircmp) -> None:
    assert not compared.left_only and not compared.right_only
    _, mismatch, errors = filecmp.cmpfiles(
        compared.left, compared.right, compared.common_files, shallow=False
    )
    assert mismatch == [] and errors == []
    for sub in compared.subdirs.values():
        assert_same_tree(sub)


def test_export_writes_only_the_published_edits(app, tmp_path, capsys, monkeypatch):
    staff, manager = console(app, "staff"), console(app, "manager")
    submit_edit(staff, **{"ja-text": NEW_TEXT, "en-checked": "2026-12-01"})
    approve(manager, pending_id(app))
    monkeypatch.setenv("DATABASE_URL", app.extensions["navi"].settings.database_url)
    out = tmp_path / "exported"
    assert cli(["content", "export", str(out)]) == 0
    assert "ja/konbini_certificate.yaml" in capsys.readouterr().out
    exported = load_content(out)
    assert exported.entry(TOPIC, KEY, "ja").text == NEW_TEXT
    original = (content_root() / "ja" / f"{TOPIC}.yaml").read_text("utf-8").splitlines()
    written = (out / "ja" / f"{TOPIC}.yaml").read_text("utf-8").splitlines()
    changed = [line for line in written if line not in original]
    assert changed == [f"      {NEW_TEXT}"]
    assert filecmp.cmp(content_root() / "en" / "ui.yaml", out / "en" / "ui.yaml", shallow=False)


def test_the_overlay_leaves_the_repository_content_untouched():
    base = load_content()
    fields = {
        code: entry_fields(base.own_topic(TOPIC, code).get(KEY)) for code in ("ja", "en", "ja_easy")
    }
    fields["ja"] = {**fields["ja"], "text": NEW_TEXT}

    live = overlay.apply(base, [Published("entry", TOPIC, KEY, fields)])
    assert live.entry(TOPIC, KEY, "ja").text == NEW_TEXT
    assert base.entry(TOPIC, KEY, "ja").text != NEW_TEXT


def test_dashboard_counts_answers_due_and_links_to_them(app):
    app.extensions["navi"].settings = app.extensions["navi"].settings.with_overrides(
        recheck_after_days=1
    )
    manager = console(app, "manager")
    page = manager.get("/admin/dashboard").get_data(as_text=True)
    found = re.search(r'<a id="answers-due" href="([^"]+)">確認期限切れ (\d+)件</a>', page)
    assert found and int(found.group(2)) > 0
    listing = manager.get(found.group(1).replace("&amp;", "&")).get_data(as_text=True)
    assert listing.count('class="badge answer-due"') == int(found.group(2))
    assert 'class="badge answer-verified"' not in listing


@pytest.mark.parametrize("role", ["staff", "manager"])
def test_only_managers_see_approve_buttons(app, role):
    submit_edit(console(app, "staff", "writer@example.jp"), **{"ja-text": NEW_TEXT})
    page = console(app, role).get(f"/admin/answers/{TOPIC}/{KEY}").get_data(as_text=True)
    assert ("承認して公開" in page) == (role == "manager")


def test_two_managers_deciding_at_once_publish_once(app):
    submit_edit(console(app, "staff"), **{"ja-text": NEW_TEXT})
    sessions = app.extensions["navi"].sessions
    with sessions() as first, sessions() as second:
        mine = first.get(AnswerVersion, pending_id(app))
        theirs = second.get(AnswerVersion, mine.id)
        versions.approve(first, mine, "one@example.jp", "manager")
        first.commit()
        with pytest.raises(versions.ReviewRefused, match="decided"):
            versions.reject(second, theirs, "two@example.jp", "admin", "too late")
        second.rollback()
    assert [(v.status, v.decided_by) for v in versions_of(app)] == [("published", "one@example.jp")]


def test_export_appends_a_new_entry_and_area_in_the_files_own_style(tmp_path):
    base = load_content()
    entry = {
        "label": "端末の場所",
        "title": "キオスク端末のある店",
        "text": "キオスク端末は店内にあります。\n\n入口の近くです。",
        "link_label": "板橋区のページ",
        "link_url": "https://www.city.itabashi.tokyo.jp/",
        "source": "https://www.city.itabashi.tokyo.jp/",
        "checked": "2026-11-30",
        "match": ["キオスク端末"],
    }
    area = {
        "area": "bicycle_parking",
        "name": {"ja": "駐輪場", "en": "Bicycle parking"},
        "source": "https://www.city.itabashi.tokyo.jp/",
        "checked": "2026-11-30",
        "match": {"ja": ["駐輪場"], "en": ["bicycle parking"]},
    }

    english = {**entry, "text": "Kiosks are inside.", "match": []}
    published = [
        Published("entry", TOPIC, "kiosk_places", {"ja": entry, "en": english}),
        Published("area", "directory", "bicycle_parking", area),
    ]
    out = tmp_path / "content"
    changed = export(overlay.apply(base, published), content_root(), published, out)
    assert {p.relative_to(out).as_posix() for p in changed} == {
        f"ja/{TOPIC}.yaml",
        f"en/{TOPIC}.yaml",
        "directory.yaml",
    }
    written = load_content(out)
    assert written.entry(TOPIC, "kiosk_places", "ja").text.endswith("入口の近くです。")
    assert written.directory.get("bicycle_parking").section is None
    added = (out / "ja" / f"{TOPIC}.yaml").read_text("utf-8")
    original = (content_root() / "ja" / f"{TOPIC}.yaml").read_text("utf-8")
    assert added.startswith(original.rstrip("\n"))  # nothing above the new block moved
    assert "  - key: kiosk_places\n    label: 端末の場所\n" in added
    assert '    link: {label: 板橋区のページ, url: "https://www.city.itabashi.tokyo.jp/"}' in added


def test_the_answers_list_counts_each_answer_given_in_the_last_30_days(app, resident):
    """Each row says how often that very answer went out: the entry chosen in its topic, and
    for a question about another ward service, the directory area named; counts only."""
    resident.follow()
    resident.say("コンビニで住民票を取るのに何時まで使えますか")
    resident.say("コンビニ交付は何時から何時まで使えますか")
    resident.say("粗大ごみを出したい")
    with app.extensions["navi"].sessions() as db:
        from bot.core.models import AnswerCount

        given = {(c.topic, c.key): c.count for c in db.scalars(select(AnswerCount))}
    assert given.get(("konbini_certificate", "hours")) == 2, given
    assert any(topic == "directory" for topic, _ in given), given
    page = console(app, "staff").get("/admin/answers").get_data(as_text=True)
    row = page[page.index('id="answer-konbini_certificate-hours"') :]
    row = row[: row.index("</tr>")]
    assert re.search(r'class="num"[^>]*>2<', row), row


def test_the_audit_log_tells_an_answer_change_in_words(app):
    """Regression: the sentence of a submitted answer read 「種類：dashboard.kind.entry」, a
    console key where a word belonged."""
    staff = console(app, "staff")
    assert submit_edit(staff, **{"ja-text": NEW_TEXT}).status_code == 302
    admin = console(app, "admin")
    page = html.unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "dashboard.kind" not in page and "種類：回答" in page
    admin.post("/admin/lang", data={"lang": "en", "csrf_token": csrf_from(admin, "/admin/audit")})
    page = html.unescape(admin.get("/admin/audit").get_data(as_text=True))
    assert "dashboard.kind" not in page and "kind: answer" in page


def test_a_new_entry_may_leave_plain_japanese_empty_as_the_form_says(app):
    """Regression: the new-entry form fills every language's checked date with today, so
    やさしい日本語, which the form says may be left empty (the Japanese is used), was refused
    with four 「入力してください」 when staff left it as the page gave it."""
    staff = console(app, "staff")
    path = f"/admin/answers/new/{TOPIC}"
    form = current_form(staff, path)
    assert form["ja_easy-checked"]  # as the page gives it
    for code in ("ja", "en"):
        form |= {
            "key": "kiosk_places",
            f"{code}-label": "端末の場所" if code == "ja" else "Kiosk places",
            f"{code}-title": "キオスク端末のある店" if code == "ja" else "Kiosk stores",
            f"{code}-text": "キオスク端末は店内にあります。" if code == "ja" else "In store.",
            f"{code}-source": "https://www.city.itabashi.tokyo.jp/",
        }
    response = staff.post(path, data=form)
    assert response.status_code == 302, html.unescape(response.get_data(as_text=True))[-3000:]
    (version,) = versions_of(app)
    assert version.fields["ja_easy"] == {}  # falls back to the Japanese
