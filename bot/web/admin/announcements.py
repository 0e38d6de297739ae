"""/admin/announcements (staff): compose, check audience and quota, send or schedule, follow
progress, read the history.

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
from bot.web.admin import bp
from bot.web.admin.classes import navi, parse_local
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
    """The composer: text with a live preview, audience, quota, now or later."""
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = read_form(request.form)
        created = None if errors else create(values, errors)
        if created is not None:
            return redirect(url_for("admin.announcement_detail", announcement_id=created))
        g.db.rollback()
    form = request.form if request.method == "POST" else {"topic": "all", "when": "now"}
    topic = form.get("topic") if form.get("topic") in subscribable_topics() else "all"
    return render_template(
        "admin/announcements_new.html",
        form=form,
        audience=announcements.audience_size(g.db, None if topic == "all" else topic),
        form_id=request.form.get("form_id") or secrets.token_urlsafe(16),
        errors=errors,
        topics=subscribable_topics(),
        quota=quota_left(),
        preview_chip=announcements.announcement_messages("", "ja")[0]["quickReply"]["items"][0],
        max_text=announcements.MAX_TEXT,
    ), (400 if errors else 200)


@bp.get("/announcements/<int:announcement_id>")
@login_required("staff")
def announcement_detail(announcement_id: int):
    """One announcement, with a progress bar that follows the sending."""
    announcement = found(announcement_id)
    return render_template(
        "admin/announcements_detail.html",
        announcement=announcement,
        progress=progress_of(announcement),
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
    announcement = g.db.get(Announcement, announcement_id, populate_existing=True)
    if announcement is None:
        abort(404)
    return announcement


def read_form(form) -> tuple[dict, dict[str, str]]:
    """Text, topic and send time, with a plain-words message per field to fix."""
    errors = {}
    text = form.get("text", "").replace("\r\n", "\n").strip()  # browsers send CRLF
    if not text:
        errors["text"] = t("announcements.error.empty")
    elif announcements.text_length(text) > announcements.MAX_TEXT:  # as LINE counts
        errors["text"] = t("announcements.error.too_long", n=announcements.MAX_TEXT)
    topic = form.get("topic", "")
    if topic != "all" and topic not in subscribable_topics():
        errors["topic"] = t("announcements.error.topic")
    send_at = None
    if form.get("when") == "later":
        send_at = parse_local(form.get("send_at", ""))
        if send_at is None:
            errors["send_at"] = t("announcements.error.send_at")
        elif send_at <= utcnow():
            errors["send_at"] = t("announcements.error.send_at_past")
    elif form.get("when") != "now":
        errors["when"] = t("announcements.error.when")
    return {"text": text, "topic": None if topic == "all" else topic, "send_at": send_at}, errors


def create(values: dict, errors: dict[str, str]) -> int | None:
    """Check audience and quota, then save the announcement (the sender sends it). Returns
    its id — or the id of the one this same form already made — or None, with the reason in
    `errors`, when it cannot go."""
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
    }
