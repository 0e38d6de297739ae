"""/admin/classes/<id>/door (staff): the reception desk on the day, on a phone.

Staff type the number on the resident's card (受付番号) or a name, and mark them as come with
one large button; a wrong tap is undone the same way. Each mark is audited (bot.classes.door).
"""

from __future__ import annotations

from flask import flash, g, redirect, render_template, request, url_for

from bot.classes import door, in_language
from bot.core.db import typed_id, utcnow
from bot.web.admin import bp
from bot.web.admin.classes import found, navi, too_early_note
from bot.web.admin.i18n import current_lang, t
from bot.web.admin.security import login_required

QUERY_MAX = 100


@bp.get("/classes/<int:session_id>/door")
@login_required("staff")
def class_door(session_id: int):
    """Search by number or name; every booking of the session when nothing is typed."""
    session = found(session_id)
    query = request.args.get("q", "").strip()[:QUERY_MAX]
    holders = door.find(g.db, session_id, query)
    seated = door.find(g.db, session_id, "")
    # in the console's language where staff wrote it (the title and venue showed in Japanese
    # on an English console), else the Japanese, marked as such
    lang = current_lang()
    bring, bring_lang = in_language(session.bring, session.bring_en, lang)
    title, title_lang = in_language(session.title, session.title_en, lang)
    venue, venue_lang = in_language(session.venue, session.venue_en, lang)
    return render_template(
        "admin/classes_door.html",
        session=session,
        query=query,
        holders=holders,
        came=sum(r.status == "reserved" and r.attended is True for r in seated),
        booked=sum(r.status == "reserved" for r in seated),
        too_early=too_early_note(session),  # the list shows, its buttons wait for the day
        bring=bring,
        bring_lang=bring_lang,
        title=title,
        title_lang=title_lang,
        venue=venue,
        venue_lang=venue_lang,
    )


@bp.post("/classes/<int:session_id>/door")
@login_required("staff")
def class_door_check_in(session_id: int):
    """Mark one booking as come (or undo it), then back to an empty search for the next.
    Before the session's day nothing is marked (the page's buttons are disabled then; a post
    from a page opened earlier, or made by hand, is refused with the day it opens)."""
    note = too_early_note(found(session_id))
    if note is not None:
        flash(t("classes.attendance_refused", note=note), "error")
        return redirect(url_for("admin.class_door", session_id=session_id))
    number = typed_id(request.form.get("reservation", ""))
    came = request.form.get("came") == "1"
    if number is None:
        flash(t("door.not_a_seat"), "error")
        return redirect(url_for("admin.class_door", session_id=session_id))
    mark = True if came else None
    now, tz = utcnow(), navi().settings.tz
    if not door.check_in(g.db, session_id, number, mark, g.user.email, now=now, tz=tz):
        g.db.rollback()
        flash(t("door.not_a_seat"), "error")
        return redirect(url_for("admin.class_door", session_id=session_id))
    g.db.commit()
    flash(t("door.checked_in" if came else "door.undone", n=number), "ok")
    return redirect(url_for("admin.class_door", session_id=session_id))
