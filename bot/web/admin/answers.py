"""/admin/answers: the answers residents get, edited by staff and published by a manager.

The list shows every entry of every topic and every area of the ward directory, with its status
(verified, unverified, re-check due) and how often its topic was asked in the last 30 days.
Staff edit an entry in all three languages with a LINE-style preview, add an entry to a topic
or an area to the directory; each change is a pending version (bot.answers.versions) until a
manager or admin other than its author publishes it. The history page shows every version,
field by field, and restores any of them as a new pending version. Views stay thin: the rules
live in bot.answers.
"""

from __future__ import annotations

import datetime as dt
from typing import Any

from flask import abort, flash, g, redirect, render_template, request, url_for
from sqlalchemy import func, select

from bot.answers import versions
from bot.answers.fields import (
    EDITABLE,
    FieldsInvalid,
    Problem,
    area_fields,
    build_area,
    build_entry,
    check_key,
    entry_fields,
    split_words,
)
from bot.answers.freshness import STATUSES, answer_rows, answered_since, answers_given_since
from bot.core.content import Content, Entry
from bot.core.db import as_id, utcnow
from bot.core.models import AnswerVersion
from bot.core.privacy import mask_personal_data
from bot.staff import role_allows
from bot.web.admin import bp, found_or_404
from bot.web.admin.classes import navi
from bot.web.admin.i18n import current_lang, t
from bot.web.admin.security import login_required

ASKED_DAYS = 30
DIRECTORY = "directory"


@bp.get("/answers")
@login_required("staff")
def answers_list():
    """Every answer with its status; `?status=due` (or unverified, verified) narrows it."""
    content, today = navi().content, local_today()
    chosen = request.args.get("status")
    chosen = chosen if chosen in STATUSES else None
    rows = answer_rows(content, current_lang(), today, navi().settings.recheck_after_days)
    totals = {status: sum(1 for r in rows if r.status == status) for status in STATUSES}
    since = today - dt.timedelta(days=ASKED_DAYS - 1)
    asked, given = answered_since(g.db, since), answers_given_since(g.db, since)
    waiting = dict(
        g.db.execute(
            select(AnswerVersion.topic + "/" + AnswerVersion.key, func.count())
            .where(AnswerVersion.status == "pending")
            .group_by(AnswerVersion.topic, AnswerVersion.key)
        ).all()
    )
    groups: dict[str, list] = {}
    for row in rows:
        if chosen is None or row.status == chosen:
            groups.setdefault(row.topic, []).append(row)
    return render_template(
        "admin/answers.html",
        groups=groups,
        totals=totals,
        chosen=chosen,
        asked=asked,
        given=given,
        asked_days=ASKED_DAYS,
        waiting=waiting,
        topic_name=topic_name,
        days=navi().settings.recheck_after_days,
        pending=versions.pending_count(g.db),
    )


@bp.route("/answers/<topic>/<key>/edit", methods=["GET", "POST"])
@login_required("staff")
def answer_edit(topic: str, key: str):
    """Change an entry in every language; the change waits for a manager's approval."""
    content = navi().content
    if topic not in content.catalogue.answered:
        abort(404)
    try:
        content.entry(topic, key, content.languages.default)
    except KeyError:
        abort(404)
    return edit_entry(content, topic, key, new=False)


@bp.route("/answers/new/<topic>", methods=["GET", "POST"])
@login_required("staff")
def answer_new(topic: str):
    """Add an entry to a topic (a key, then the same fields as an edit)."""
    content = navi().content
    if topic not in content.catalogue.answered:
        abort(404)
    return edit_entry(content, topic, request.form.get("key", "").strip(), new=True)


@bp.route("/answers/new-area", methods=["GET", "POST"])
@login_required("staff")
def area_new():
    """Add an area to the ward directory (the services the bot points residents to)."""
    content = navi().content
    # From the unanswered questions: the cluster's wording (already masked) as a first match
    # word, so the new area catches the questions that led to it.
    asked = mask_personal_data(request.args.get("from_cluster", ""))[:200]
    form: Any = (
        request.form
        if request.method == "POST"
        else {"checked": local_today().isoformat(), "match_ja": asked}
    )
    problems: dict[str, Problem] = {}
    if request.method == "POST":
        fields = read_area(request.form)
        taken = {a.area for a in content.directory.areas} if content.directory else set()
        key_problem = check_key(fields["area"], taken)
        try:
            build_area(fields, content.sites, local_today())
        except FieldsInvalid as error:
            problems = error.problems
        if key_problem:
            problems = {"area": key_problem, **problems}
        if not problems:
            version = versions.submit(g.db, g.user.email, "area", DIRECTORY, fields["area"], fields)
            g.db.commit()
            flash(t("answers.submitted"), "ok")
            return redirect(url_for("admin.answer_history", topic=DIRECTORY, key=version.key))
    return render_template(
        "admin/answers_area.html", form=form, errors=worded(problems), langs=("ja", "en", "ja_easy")
    ), (400 if problems else 200)


@bp.get("/answers/<topic>/<key>")
@login_required("staff")
def answer_history(topic: str, key: str):
    """Every version of one answer, newest first, each with what it changed."""
    rows = versions.history(g.db, topic, key)
    yaml_fields = repository_fields(topic, key)
    if not rows and not yaml_fields:
        abort(404)
    kind = "area" if topic == DIRECTORY else "entry"
    by_number = {0: yaml_fields, **{v.number: v.fields for v in rows}}
    changes = {
        v.number: versions.differences(by_number.get(v.based_on, {}), v.fields, kind) for v in rows
    }
    return render_template(
        "admin/answers_history.html",
        topic=topic,
        key=key,
        kind=kind,
        title=answer_title(topic, key),
        rows=rows,
        changes=changes,
        live=versions.live_number(g.db, topic, key),
        has_yaml=bool(yaml_fields),
        may_approve=role_allows(g.user.role, versions.APPROVER_ROLE),
        topic_name=topic_name,
    )


@bp.post("/answers/versions/<int:version_id>/approve")
@login_required(versions.APPROVER_ROLE)
def answer_approve(version_id: int):
    """Publish a pending version: residents get it within seconds."""
    return decide(version_id, approve=True)


@bp.post("/answers/versions/<int:version_id>/reject")
@login_required(versions.APPROVER_ROLE)
def answer_reject(version_id: int):
    """Close a pending version without publishing it."""
    return decide(version_id, approve=False)


@bp.post("/answers/<topic>/<key>/restore")
@login_required("staff")
def answer_restore(topic: str, key: str):
    """Submit an old version again (a new pending version, approved like any other)."""
    number = as_id(request.form.get("number", ""))
    if number is None:
        abort(400)
    kind = "area" if topic == DIRECTORY else "entry"
    if number == 0:
        fields = repository_fields(topic, key)
    else:
        old = g.db.scalar(
            select(AnswerVersion).where(
                AnswerVersion.topic == topic,
                AnswerVersion.key == key,
                AnswerVersion.number == number,
            )
        )
        fields = old.fields if old is not None else {}
    if not fields:
        abort(404)
    versions.restore(g.db, g.user.email, kind, topic, key, number, fields)
    g.db.commit()
    flash(t("answers.restored", n=number), "ok")
    return redirect(url_for("admin.answer_history", topic=topic, key=key))


# -- helpers -----------------------------------------------------------------------------------


def local_today() -> dt.date:
    """Today in the bot's time zone."""
    return utcnow().astimezone(navi().settings.tz).date()


def topic_name(topic: str) -> str:
    """A topic's name in the console's language (the directory has its own)."""
    if topic == DIRECTORY:
        return t("answers.directory")
    content = navi().content
    try:
        return content.topic_label(topic, current_lang())
    except KeyError:  # greetings, help: no menu label; their first answer's title says it
        return content.topic(topic, current_lang()).overview().title


def answer_title(topic: str, key: str) -> str:
    """What the history page calls the answer: the entry's title, or the area's name."""
    content, lang = navi().content, current_lang()
    if topic == DIRECTORY:
        area = content.directory.get(key) if content.directory else None
        return (area.name.get(lang) or area.name["ja"]) if area else key
    try:
        return content.entry(topic, key, lang).title
    except KeyError:
        return key


def repository_fields(topic: str, key: str) -> dict[str, Any]:
    """Version 0 of an answer: the repository's YAML ({} when the YAML lacks it)."""
    base = navi().live.base
    if topic == DIRECTORY:
        return area_fields(base.directory.get(key) if base.directory else None)
    if topic not in base.catalogue.answered:
        return {}
    found = {code: entry_fields(own_entry(base, topic, key, code)) for code in base.languages.codes}
    return found if found.get(base.languages.default) else {}


def own_entry(content: Content, topic: str, key: str, lang: str) -> Entry | None:
    """A language's own entry (no fallback), or None."""
    own = content.own_topic(topic, lang)
    return own.get(key) if own else None


def edit_entry(content: Content, topic: str, key: str, new: bool):
    """The entry form: show it, or check what was sent and keep it as a pending version."""
    codes = content.languages.codes
    current = {code: entry_fields(own_entry(content, topic, key, code)) for code in codes}
    problems: dict[str, Problem] = {}
    # The version the form was filled from: a form left open while a colleague's change went
    # live would otherwise be sent as a change of the new version, and undo it once approved.
    live = 0 if new else versions.live_number(g.db, topic, key)
    if new and request.method == "GET":
        current = {code: {"checked": local_today().isoformat()} for code in codes}
    if request.method == "POST":
        fields = read_entry(request.form, codes)
        problems = check_entry(content, topic, key, fields, new)
        opened_on = as_id(request.form.get("based_on", ""))  # the number our form wrote
        if not new and opened_on is not None and opened_on != live:
            problems = {"form": ("stale", {"n": live}), **problems}
        elif not problems and not new and fields == current:
            problems["form"] = ("unchanged", {})
        if not problems:
            versions.submit(g.db, g.user.email, "entry", topic, key, fields)
            g.db.commit()
            flash(t("answers.submitted"), "ok")
            return redirect(url_for("admin.answer_history", topic=topic, key=key))
        current = fields
    waiting = g.db.scalar(
        select(func.count()).where(
            AnswerVersion.topic == topic,
            AnswerVersion.key == key,
            AnswerVersion.status == "pending",
        )
    )
    return render_template(
        "admin/answers_edit.html",
        topic=topic,
        key=key,
        new=new,
        form=current,
        languages=content.languages.languages,
        errors=worded(problems),
        preview=preview_lines(content, topic, current),
        waiting=waiting if not new else 0,
        based_on=live,
        editable=EDITABLE,
        topic_name=topic_name,
    ), (400 if problems else 200)


def read_entry(form, codes: tuple[str, ...]) -> dict[str, dict[str, Any]]:
    """The form's fields per language (`ja-title`, `en-text` …); a partial language left
    empty has no text of its own."""
    fields: dict[str, dict[str, Any]] = {}
    for code in codes:
        own: dict[str, Any] = {
            name: form.get(f"{code}-{name}", "").replace("\r\n", "\n").strip() for name in EDITABLE
        }
        own["match"] = split_words(own["match"])
        # The checked date alone is not a text of its own: the form fills it in with today
        # (a new entry), and the page says a language left empty falls back to its chain.
        fields[code] = own if any(v for name, v in own.items() if name != "checked") else {}
    return fields


def check_entry(
    content: Content, topic: str, key: str, fields: dict[str, dict[str, Any]], new: bool
) -> dict[str, Problem]:
    """Each field's problem, named `<lang>-<field>` (plus `key` for a new entry)."""
    problems: dict[str, Problem] = {}
    if new:
        taken = {e.key for e in content.topic(topic, content.languages.default).entries}
        found = check_key(key, taken)
        if found:
            problems["key"] = found
    for language in content.languages.languages:
        own = fields.get(language.code) or {}
        if not own and not language.complete:
            continue  # falls back to its chain, as in YAML
        base = None if new else own_entry(content, topic, key, language.code)
        try:
            official = content.states_facts(topic)
            build_entry(base, key or "new", own, content.sites, local_today(), official)
        except FieldsInvalid as error:
            for name, problem in error.problems.items():
                problems[f"{language.code}-{name}"] = problem
    return problems


def worded(problems: dict[str, Problem]) -> dict[str, str]:
    """Each problem in the console's language (answers.error.<code>)."""
    return {
        field: t(f"answers.error.{code}", **params) for field, (code, params) in problems.items()
    }


def preview_lines(content: Content, topic: str, fields: dict[str, dict[str, Any]]) -> dict:
    """Per language, what the LINE card would show: title, text, source line, button."""
    shown = {}
    for code, own in fields.items():
        if not own:
            continue
        source_line = ""
        if content.states_facts(topic) and own.get("source"):
            try:
                checked = dt.date.fromisoformat(own.get("checked", ""))
                source_line = content.source_line(own["source"], checked, code)
            except ValueError:
                source_line = ""
        shown[code] = {**own, "source_line": source_line}
    return shown


def read_area(form) -> dict[str, Any]:
    """The new-area form as the area's YAML mapping."""

    def text(name: str) -> str:
        return form.get(name, "").strip()

    fields: dict[str, Any] = {
        "area": text("area"),
        "name": {
            code: text(f"name_{code}") for code in ("ja", "en", "ja_easy") if text(f"name_{code}")
        },
        "source": text("source"),
        "checked": text("checked"),
    }
    section = {code: text(f"section_{code}") for code in ("ja", "en") if text(f"section_{code}")}
    if section:
        fields["section"] = section
    for name in ("phone", "url", "note"):
        if text(name):
            fields[name] = text(name)
    match = {code: split_words(text(f"match_{code}")) for code in ("ja", "en")}
    fields["match"] = {code: words for code, words in match.items() if words}
    return fields


def decide(version_id: int, approve: bool):
    """Approve or reject, within the two-person rule; back to the answer's history."""
    version = found_or_404(AnswerVersion, version_id)
    try:
        if approve:
            versions.approve(g.db, version, g.user.email, g.user.role)
        else:
            reason = request.form.get("reason", "")
            versions.reject(g.db, version, g.user.email, g.user.role, reason)
    except versions.ReviewRefused as refused:
        g.db.rollback()
        flash(t(f"answers.refused.{refused.code}"), "error")
    else:
        g.db.commit()
        if approve:
            navi().live.refresh()  # this worker at once; the others within CHECK_EVERY
        flash(t("answers.published" if approve else "answers.rejected"), "ok")
    return redirect(url_for("admin.answer_history", topic=version.topic, key=version.key))
