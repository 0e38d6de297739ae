"""/admin/announcements (staff): compose in Japanese (and, if staff wish, English and やさしい
日本語), check the audience per language and the quota, send or schedule, edit or withdraw what is
scheduled, follow progress, read the history.

Nothing is sent from the composer's first click: it shows the check before sending, and only
that page's button saves the announcement.

Nothing is sent in the web request: a composed announcement is a row (bot.announcements), and
the scheduler process sends what is due every 30 s (in demo mode, the demo process does). The
page then polls a small JSON endpoint for progress, read from the database.

One form, one announcement: every composer form carries a random id, recorded with the
announcement it created. A second submission of the same form — a double click, or back and
send again — finds that record and goes to the announcement already made. The check runs
while holding a lock on the staff user's row, so two simultaneous clicks (which carry the same
session cookie) cannot both create one, whatever worker or database serves them.
"""

from __future__ import annotations

import secrets

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for
from sqlalchemy import select, update

from bot import announcements
from bot.core.catalogue import subscribable_topics
from bot.core.db import utcnow
from bot.core.models import Announcement, AuditEntry, StaffUser
from bot.line.gateway import LineError
from bot.staff import audit
from bot.web.admin import bp, found_or_404
from bot.web.admin.classes import navi
from bot.web.admin.composing import (
    form_of,
    outcome_of,
    previews,
    read_form,
    readers_by_language,
    settings_chips,
)
from bot.web.admin.i18n import t
from bot.web.admin.security import login_required

FINAL = ("sent", "partly_sent", "refused", "cancelled")
HISTORY = 200


@bp.get("/announcements")
@login_required("staff")
def announcements_list():
    """What was sent or is scheduled, newest first, with outcomes."""
    rows = g.db.scalars(
        select(Announcement).order_by(Announcement.created_at.desc()).limit(HISTORY)
    ).all()
    return render_template("admin/announcements.html", announcements=rows)


@bp.route("/announcements/new", methods=["GET", "POST"])
@login_required("staff")
def announcement_new():
    """The composer, then the check before sending: the first submit only shows the audience
    per language and the quota (step `review`); the announcement is saved by the second
    (step `send`); `edit` goes back to the composer with what was written."""
    if request.method == "GET":
        return composer({"topic": "all", "when": "now"}, {})
    values, errors = read_form(request.form)
    step = request.form.get("step", "review")
    if errors or step == "edit":
        g.db.rollback()
        return composer(request.form, errors)
    needed = preflight(values, errors)
    if needed is None:
        return composer(request.form, errors)
    if step != "send":
        return confirmation(values, needed, url_for("admin.announcement_new"))
    created = create(values, needed)
    return redirect(url_for("admin.announcement_detail", announcement_id=created))


@bp.route("/announcements/<int:announcement_id>/edit", methods=["GET", "POST"])
@login_required("staff")
def announcement_edit(announcement_id: int):
    """Change a scheduled announcement until a sender starts on it, through the same composer
    and check as a new one; after that, back to its page saying why not."""
    announcement = found(announcement_id)
    if not announcements.editable(announcement):
        flash(t("announcements.edit_too_late"), "error")
        return redirect(url_for("admin.announcement_detail", announcement_id=announcement_id))
    if request.method == "GET":
        return composer(form_of(announcement), {}, announcement)
    values, errors = read_form(request.form)
    step = request.form.get("step", "review")
    if errors or step == "edit":
        return composer(request.form, errors, announcement)
    needed = preflight(values, errors)
    if needed is None:
        return composer(request.form, errors, announcement)
    if step != "send":
        action = url_for("admin.announcement_edit", announcement_id=announcement_id)
        return confirmation(values, needed, action, announcement)
    if announcements.edit_scheduled(g.db, announcement_id, g.user.email, **values):
        g.db.commit()
        flash(t("announcements.edited"), "ok")
    else:
        flash(t("announcements.edit_too_late"), "error")
    return redirect(url_for("admin.announcement_detail", announcement_id=announcement_id))


@bp.get("/announcements/<int:announcement_id>")
@login_required("staff")
def announcement_detail(announcement_id: int):
    """One announcement, with a progress bar that follows the sending."""
    announcement = found(announcement_id)
    return render_template(
        "admin/announcements_detail.html",
        announcement=announcement,
        progress=progress_of(announcement),
        previews=previews(announcements.texts_of(announcement)),
        outcome=outcome_of(announcement),
        editable=announcements.editable(announcement),
    )


@bp.get("/announcements/<int:announcement_id>/progress")
@login_required("staff")
def announcement_progress(announcement_id: int):
    """Delivered / audience / status, for the page to poll while sending."""
    return jsonify(progress_of(found(announcement_id)))


@bp.get("/announcements/audience")
@login_required("staff")
def announcement_audience():
    """How many residents a topic reaches now (`?topic=<id>` or `all`)."""
    topic = request.args.get("topic", "all")
    if topic != "all" and topic not in subscribable_topics():
        return jsonify({"error": "unknown topic"}), 400
    size = announcements.audience_size(g.db, None if topic == "all" else topic)
    return jsonify({"topic": topic, "size": size, "label": t("announcements.audience_n", n=size)})


@bp.post("/announcements/<int:announcement_id>/cancel")
@login_required("staff")
def announcement_cancel(announcement_id: int):
    """Withdraw a scheduled announcement, unless a sender has already started on it."""
    found(announcement_id)
    withdrawn = g.db.execute(
        update(Announcement)
        .where(
            Announcement.id == announcement_id,
            Announcement.status == "scheduled",
            Announcement.lease_until.is_(None) | (Announcement.lease_until < utcnow()),
        )
        .values(status="cancelled", finished_at=utcnow(), outcome="withdrawn by staff")
    )
    if withdrawn.rowcount == 1:
        audit.record(g.db, g.user.email, "announcement.cancel", f"announcement:{announcement_id}")
        flash(t("announcements.withdrawn"), "ok")
    else:
        flash(t("announcements.too_late"), "error")
    g.db.commit()
    return redirect(url_for("admin.announcement_detail", announcement_id=announcement_id))


# -- helpers -----------------------------------------------------------------------------------


def found(announcement_id: int) -> Announcement:
    """The announcement, or 404."""
    return found_or_404(Announcement, announcement_id, populate_existing=True)


def composer(form, errors: dict[str, str], announcement: Announcement | None = None):
    """The composer page (new, or editing `announcement`), with what was written and what
    to fix."""
    topic = form.get("topic") if form.get("topic") in subscribable_topics() else "all"
    return render_template(
        "admin/announcements_new.html",
        form=form,
        editing=announcement,
        audience=announcements.audience_size(g.db, None if topic == "all" else topic),
        form_id=form.get("form_id") or secrets.token_urlsafe(16),
        errors=errors,
        topics=subscribable_topics(),
        languages=announcements.other_languages(),
        quota=quota_left(),
        chips=settings_chips(),
        max_text=announcements.MAX_TEXT,
    ), (400 if errors else 200)


def confirmation(values: dict, needed: int, action: str, announcement=None):
    """The check before sending: every language's text as residents will see it, who receives
    which, and the messages it uses against those left this month."""
    written = {"ja": values["text"], **values["translations"]}
    return render_template(
        "admin/announcements_confirm.html",
        form=request.form,
        values=values,
        action=action,
        editing=announcement,
        previews=previews(written),
        readers=readers_by_language(values["topic"], written),
        needed=needed,
        quota=quota_left(),
        languages=announcements.other_languages(),
    )


def preflight(values: dict, errors: dict[str, str]) -> int | None:
    """How many messages the announcement needs now, or None (the reason in `errors`) when
    nobody receives it or this month's quota is short."""
    needed = announcements.audience_size(g.db, values["topic"])
    if needed == 0:
        errors["topic"] = t("announcements.error.nobody")
        return None
    try:
        announcements.check_quota(navi().gateway, needed)
    except announcements.QuotaExceeded:
        left, limit = quota_left() or ("?", "?")
        errors["quota"] = t("announcements.quota_refused", needed=needed, left=left, limit=limit)
        return None
    except LineError:  # the sender checks again before sending
        flash(t("announcements.quota_unchecked"), "error")
    return needed


def create(values: dict, needed: int) -> int:
    """Save the announcement (the sender sends it) and return its id — or the id of the one
    this same form already made."""
    form_id = request.form.get("form_id", "")
    earlier = submitted_before(form_id)
    if earlier is not None:
        flash(t("announcements.already_created"), "ok")
        return earlier
    announcement = announcements.create_announcement(g.db, created_by=g.user.email, **values)
    audit.record(
        g.db,
        g.user.email,
        "announcement.submit",
        f"announcement:{announcement.id}",
        form=form_id,
        audience=needed,
    )
    g.db.commit()
    flash(t("announcements.scheduled" if values["send_at"] else "announcements.queued"), "ok")
    return announcement.id


def submitted_before(form_id: str) -> int | None:
    """The announcement this form already created, if any — asked while holding this user's
    row lock (held until commit or rollback), so simultaneous submissions queue here."""
    if len(form_id) < 16:
        abort(400)
    g.db.execute(update(StaffUser).where(StaffUser.id == g.user.id).values(role=StaffUser.role))
    subject = g.db.scalar(
        select(AuditEntry.subject).where(
            AuditEntry.action == "announcement.submit",
            AuditEntry.actor == g.user.email,
            AuditEntry.detail["form"].as_string() == form_id,
        )
    )
    return int(subject.split(":")[1]) if subject else None


def quota_left() -> tuple[int | None, int | None] | None:
    """(messages left this month, the month's limit); (None, None) when unlimited; None when
    LINE could not be asked."""
    try:
        limit, used = navi().gateway.quota()
    except LineError:
        return None
    return (None, None) if limit is None else (max(limit - used, 0), limit)


def progress_of(announcement: Announcement) -> dict:
    """What the progress bar shows, from the database (the sender records each batch)."""
    status = announcement.status
    if status == "sending":  # the row's total is written at the end; batches as they go
        delivered = announcements.delivered_count(g.db, announcement.id)
    else:
        delivered = announcement.delivered
    audience = announcement.audience_size
    if audience is None:  # not started yet: who it would reach now
        audience = announcements.audience_size(g.db, announcement.topic)
    return {
        "status": status,
        "status_label": t(f"announcements.status.{status}"),
        "audience": audience,
        "delivered": delivered,
        "failed": announcement.failed,
        "final": status in FINAL,
        "summary": t("announcements.progress_text", delivered=delivered, audience=audience),
        "outcome": outcome_of(announcement),
    }
