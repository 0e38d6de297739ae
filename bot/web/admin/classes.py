"""/admin/classes (staff): class sessions — list, create, edit, cancel, attendees, attendance.

Views only read the form and call bot.classes.changes (built on bot.classes and
bot.classes.reservations). Times are typed and shown in BOT_TIMEZONE. Also home to two helpers the
other staff pages share: the `localtime` template filter.
"""

from __future__ import annotations

import datetime as dt

from flask import (
    abort,
    current_app,
    flash,
    g,
    redirect,
    render_template,
    request,
    url_for,
)

from bot import classes
from bot.classes import ClassError
from bot.classes import changes as sessions_admin
from bot.core.db import as_id, typed_id, utcnow
from bot.core.models import ClassSession
from bot.web.admin import bp, found_or_404
from bot.web.admin.csvfile import csv_response
from bot.web.admin.i18n import current_lang, t
from bot.web.admin.security import login_required
from bot.web.admin.tables import Formats


def navi():
    """The app's services (settings, gateway, content, session factory)."""
    return current_app.extensions["navi"]


@bp.app_template_filter("localtime")
def localtime(value: dt.datetime | None, fmt: str = "%Y-%m-%d %H:%M") -> str:
    """A stored (UTC) time as staff read it, in BOT_TIMEZONE."""
    return value.astimezone(navi().settings.tz).strftime(fmt) if value else ""


@bp.app_template_filter("when")
def when(session: ClassSession) -> str:
    """When a session is, worded as residents read it (bot.classes.format_when), with its year
    when that is not this one: the list of past sessions reaches back past New Year, where
    「12月3日(水)」 alone could be either."""
    tz = navi().settings.tz
    text = classes.format_when(session, tz, current_lang())
    year = session.starts_at.astimezone(tz).year
    if year == utcnow().astimezone(tz).year:
        return text
    return f"{year}年{text}" if current_lang() == "ja" else f"{text} ({year})"


# -- pages -------------------------------------------------------------------------------------


@bp.get("/classes")
@login_required("staff")
def classes_list():
    """Upcoming sessions soonest first, then past ones, latest first."""
    now = utcnow()
    every = classes.all_sessions(g.db)
    upcoming = [s for s in every if s.starts_at > now]
    past = [s for s in reversed(every) if s.starts_at <= now]
    over = {s.id for s in past if is_over(s)}
    return render_template("admin/classes.html", upcoming=upcoming, past=past, over=over)


@bp.route("/classes/new", methods=["GET", "POST"])
@login_required("staff")
def class_new():
    """Add a session."""
    if request.method == "GET":
        return render_form(None, {})
    values, errors = read_form(request.form)
    # Said with the other mistakes, not in a second round once they are fixed.
    if values["starts_at"] and values["starts_at"] <= utcnow():
        errors.setdefault("starts_at", t("classes.error.past"))
    if errors:
        return render_form(None, errors)
    session = sessions_admin.create_session(g.db, g.user.email, **values)
    g.db.commit()
    flash(t("classes.created"), "ok")
    return redirect(url_for("admin.class_detail", session_id=session.id))


@bp.route("/classes/<int:session_id>/edit", methods=["GET", "POST"])
@login_required("staff")
def class_edit(session_id: int):
    """Change a session; a larger capacity seats the waiting list (and tells them)."""
    session = open_session(session_id)
    errors: dict[str, str] = {}
    if request.method == "POST":
        values, errors = read_form(request.form)
        errors = english_left_behind(session, values) | errors
        if values["starts_at"] and moved_into_the_past(session, values["starts_at"]):
            errors.setdefault("starts_at", t("classes.error.past"))
        if not errors:
            try:
                notices = sessions_admin.update_session(
                    g.db, session_id, g.user.email, utcnow(), navi().settings.tz, **values
                )
            except ClassError:  # seats taken since the form was opened, or cancelled
                g.db.rollback()
                session = open_session(session_id)
                errors["capacity"] = t("classes.error.below_reserved", n=session.reserved)
            else:
                g.db.commit()
                report = tell(notices)
                flash(t("classes.updated", told=report.sent), "ok")
                return redirect(url_for("admin.class_detail", session_id=session_id))
    return render_form(session, errors)


@bp.get("/classes/<int:session_id>")
@login_required("staff")
def class_detail(session_id: int):
    """A session, its attendees (with attendance) and its waiting list."""
    session = found(session_id)
    holders = sessions_admin.active_reservations(g.db, session_id)
    return render_template(
        "admin/classes_detail.html",
        session=session,
        seated=[r for r in holders if r.status == "reserved"],
        waiting=[r for r in holders if r.status == "waitlisted"],
        started=session.starts_at <= utcnow(),
        over=is_over(session),
        too_early=too_early_note(session),
    )


@bp.route("/classes/<int:session_id>/cancel", methods=["GET", "POST"])
@login_required("staff")
def class_cancel(session_id: int):
    """Ask first; then cancel and tell everyone who held a seat or waited."""
    session = open_session(session_id)
    if is_over(session):  # everyone booked would be told of a cancellation after the day
        flash(t("classes.error.cancel_over"), "error")
        return redirect(url_for("admin.class_detail", session_id=session_id))
    if request.method == "GET":
        holders = sessions_admin.active_reservations(g.db, session_id)
        return render_template("admin/classes_cancel.html", session=session, holders=holders)
    notices = sessions_admin.cancel_session(g.db, session_id, g.user.email)
    g.db.commit()
    report_sent(tell(notices))
    return redirect(url_for("admin.class_detail", session_id=session_id))


@bp.post("/classes/<int:session_id>/notify")
@login_required("staff")
def class_notify_again(session_id: int):
    """Send the cancellation notices again after a failure (nobody gets one twice)."""
    session = found(session_id)
    if session.status != "cancelled":
        abort(404)
    report_sent(tell(sessions_admin.cancellation_notices(g.db, session_id)))
    return redirect(url_for("admin.class_detail", session_id=session_id))


@bp.post("/classes/<int:session_id>/attendance")
@login_required("staff")
def class_attendance(session_id: int):
    """Save who came and who did not (feeds the managers' attendance figures); from the
    session's day on."""
    session = found(session_id)
    note = too_early_note(session)
    if note is not None:  # the page shows no form then; a post anyway (an old tab) is refused
        flash(t("classes.attendance_refused", note=note), "error")
        return redirect(url_for("admin.class_detail", session_id=session_id) + "#attendees")
    choices = {"came": True, "absent": False, "": None}
    marks = {}
    for name, value in request.form.items():
        if not name.startswith("attended-") or value not in choices:
            continue
        reservation_id = as_id(name.removeprefix("attended-"))
        if reservation_id is not None:  # a field our page never writes names no booking
            marks[reservation_id] = choices[value]
    changed = sessions_admin.mark_attendance(
        g.db, session_id, marks, g.user.email, now=utcnow(), tz=navi().settings.tz
    )
    g.db.commit()
    flash(t("classes.attendance_saved", n=changed), "ok")
    return redirect(url_for("admin.class_detail", session_id=session_id) + "#attendees")


@bp.get("/classes/<int:session_id>/attendees.csv")
@login_required("staff")
def class_attendees_csv(session_id: int):
    """The attendee list for a spreadsheet (UTF-8 with BOM)."""
    session = found(session_id)
    attended = {True: t("classes.came"), False: t("classes.absent"), None: ""}
    holders = sessions_admin.active_reservations(g.db, session_id)
    # Names only where the session asked for them (or a resident gave one before it stopped).
    named = session.asks_name or any(r.name for r in holders)
    columns = ["number", *(("name", "kana") if named else ()), "status", "booked", "lang"]
    header = [t(f"classes.csv.{c}") for c in (*columns, "attended")]
    rows = [
        [
            r.id,
            *((r.name or "", r.name_kana or "") if named else ()),
            t(f"classes.status.{r.status}"),
            localtime(r.created_at),
            t(f"classes.lang.{r.follower.language}") if r.follower else t("classes.data_deleted"),
            attended[r.attended],
        ]
        for r in holders
    ]
    filename = f"class-{session.id}-{localtime(session.starts_at, '%Y%m%d')}.csv"
    return csv_response(filename, header, rows)


# -- helpers -----------------------------------------------------------------------------------


def found(session_id: int) -> ClassSession:
    """The session, or 404."""
    return found_or_404(ClassSession, session_id)


def open_session(session_id: int) -> ClassSession:
    """A session that may still be changed; a cancelled one goes back to its page."""
    session = found(session_id)
    if session.status != "open":
        flash(t("classes.already_cancelled"), "error")
        abort(redirect(url_for("admin.class_detail", session_id=session_id)))
    return session


def is_over(session: ClassSession) -> bool:
    """Whether a session has taken place: it can no longer be cancelled — the residents who
    came would be told it was, and their attendance would leave the managers' figures."""
    return classes.is_over(session, utcnow(), navi().settings.tz)


def too_early_note(session: ClassSession) -> str | None:
    """Before the session's day (BOT_TIMEZONE): 「出席は当日(…)から記録できます。」 for the pages
    and the refusal; None from that day on, when attendance can be recorded."""
    opens = classes.attendance_opens(session, navi().settings.tz)
    if opens <= utcnow():
        return None
    day = Formats(current_lang()).date(opens.date(), weekday=True)
    return t("classes.attendance_from_day", day=day)


def moved_into_the_past(session: ClassSession, starts_at: dt.datetime) -> bool:
    """Whether an edit gives the session a new start that has already gone (a year typed
    wrong): refused as for a new session, or everyone booked would be told of a day gone by.
    A session whose time has come keeps its start, and its other details may still be fixed."""
    shown = session.starts_at.replace(second=0, microsecond=0)  # the form shows minutes
    return starts_at != shown and starts_at <= utcnow()


def english_left_behind(session: ClassSession, values: dict) -> dict[str, str]:
    """A message beside each English field that stayed as it was while staff changed the
    Japanese one it stands for: residents who read English see the English field first, so
    they would be sent to the old hall, or come without what the session now needs. Updated,
    or cleared (they then see the Japanese), it passes. The name is not held back: a stale
    English name sends no one to the wrong place, and a typo fixed in the Japanese name should
    not need the English one retyped."""
    errors = {}
    # What to bring as the form keeps it (spaces run together), so an untouched field of a
    # session added from the CLI does not count as changed.
    before = {"venue": session.venue, "bring": " ".join(session.bring.split())}
    for name, was in before.items():
        english = f"{name}_en"
        if values[name] != was and values[english] and values[english] == getattr(session, english):
            errors[english] = t(f"classes.error.{english}_unchanged")
    return errors


def tell(notices) -> sessions_admin.NoticeReport:
    """Push what the change owes residents (after the commit)."""
    app = navi()
    return sessions_admin.tell(
        app.sessions, app.outbox, app.content, app.settings, notices, g.user.email
    )


def report_sent(report: sessions_admin.NoticeReport) -> None:
    """Say how the notices went; failures can be sent again from the session's page."""
    flash(t("classes.notified", sent=report.sent), "ok")
    if report.kept:
        flash(t("classes.notify_kept", n=report.kept), "ok")
    if report.failed:
        flash(t("classes.notify_failed", n=report.failed), "error")


def render_form(session: ClassSession | None, errors: dict[str, str]):
    """The create/edit form, with what was typed and a message beside each field to fix."""
    status = 400 if errors else 200
    return render_template(
        "admin/classes_form.html",
        session=session,
        form=request.form if request.method == "POST" else form_values(session),
        errors=errors,
        kinds=classes.KINDS,
    ), status


def form_values(session: ClassSession | None) -> dict[str, str]:
    """A session's details as the form shows them (local times)."""
    if session is None:
        return {"kind": "class", "capacity": "10"}
    return {
        "title": session.title,
        "kind": session.kind,
        "starts_at": localtime(session.starts_at, "%Y-%m-%dT%H:%M"),
        "ends_at": localtime(session.ends_at, "%H:%M"),
        "venue": session.venue,
        "title_en": session.title_en,
        "venue_en": session.venue_en,
        "capacity": str(session.capacity),
        "description": session.description,
        "bring": session.bring,
        "bring_en": session.bring_en,
        "asks_name": "1" if session.asks_name else "",
    }


def read_form(form) -> tuple[dict, dict[str, str]]:
    """The form's details, typed, and a plain-words message per field that needs fixing.

    The checks are bot.classes.session_problems, the ones every way of saving a session
    meets; here each problem is worded for staff and shown beside its field.
    """
    capacity = form.get("capacity", "").strip()
    starts_at = parse_local(form.get("starts_at", ""))
    end_text = form.get("ends_at", "").strip()
    ends_at = end_on_same_day(starts_at, end_text) if end_text and starts_at else None
    values = {
        "title": form.get("title", "").strip(),
        "kind": form.get("kind", ""),
        "venue": form.get("venue", "").strip(),
        "title_en": form.get("title_en", "").strip(),
        "venue_en": form.get("venue_en", "").strip(),
        "description": form.get("description", "").replace("\r\n", "\n").strip(),
        "bring": " ".join(form.get("bring", "").split()),
        "bring_en": " ".join(form.get("bring_en", "").split()),
        "asks_name": form.get("asks_name") == "1",
        "capacity": typed_id(capacity),
        "starts_at": starts_at,
        "ends_at": ends_at,
    }
    problems = classes.session_problems(values)
    if end_text and starts_at and ends_at is None:  # typed, but not a time
        problems["ends_at"] = "ends_at"
    errors = {
        field: t(f"classes.error.{code}", n=classes.LIMITS.get(field))
        for field, code in problems.items()
    }
    return values, errors


def parse_local(text: str) -> dt.datetime | None:
    """2026-12-03T10:00 (as a datetime-local input sends it) in BOT_TIMEZONE; None if not a
    date and time we can store."""
    try:
        typed = dt.datetime.strptime(text.strip(), "%Y-%m-%dT%H:%M")
    except ValueError:
        return None
    return storable(typed.replace(tzinfo=navi().settings.tz))


def end_on_same_day(start: dt.datetime, text: str) -> dt.datetime | None:
    """The end time (HH:MM) on the start's day."""
    try:
        end = dt.datetime.strptime(text, "%H:%M").time()
    except ValueError:
        return None
    return storable(dt.datetime.combine(start.date(), end, tzinfo=start.tzinfo))


def storable(when: dt.datetime) -> dt.datetime | None:
    """`when`, or None when it has no UTC time to be stored as: the calendar's last hours in a
    zone west of Greenwich (9999-12-31 23:30 in New York) or its first hours east of it would
    overflow on saving (a 500)."""
    try:
        when.astimezone(dt.UTC)
    except OverflowError:
        return None
    return when
