"""/admin/unanswered (staff) and /admin/router (admins): from unanswered questions to answers.

Staff attach a cluster of unanswered questions to an existing entry ("residents ask it like
this"): its wordings become training phrasings (bot.residents.phrasings, masked, audited).
Admins retrain the router from the repository's data plus those phrasings; the run goes on in a
thread of this worker while the page follows its row (bot.conversation.learning), and a model
is published only when its held-out accuracy does not drop by more than 0.5 points.
"""

from __future__ import annotations

from flask import abort, flash, g, jsonify, redirect, render_template, request, url_for

from bot.conversation import learning
from bot.core.db import utcnow
from bot.core.models import RouterModel
from bot.reports import kpi
from bot.residents import phrasings
from bot.web.admin import bp, found_or_404
from bot.web.admin.classes import navi
from bot.web.admin.dashboard import intent_name
from bot.web.admin.i18n import current_lang, t
from bot.web.admin.security import login_required


def entry_choices() -> list[tuple[str, list[tuple[str, str]]]]:
    """(topic name, [(intent/key, entry title)]) for every topic with entries to choose."""
    content = navi().content
    lang = current_lang()
    groups = []
    for intent in content.catalogue.answered:
        if intent == "unknown":
            continue
        entries = content.topic(intent, lang).entries
        choices = [(f"{intent}/{e.key}", e.title) for e in entries]
        groups.append((intent_name(intent), choices))
    return groups


def clusters():
    """The unanswered questions of the last 90 days, grouped, most asked first."""
    return kpi.top_unanswered(g.db, utcnow())


@bp.get("/unanswered")
@login_required("staff")
def unanswered():
    """Clusters of unanswered questions, each with a form to attach it to an entry."""
    return render_template(
        "admin/unanswered.html",
        clusters=clusters(),
        choices=entry_choices(),
        phrasings=phrasings.all_phrasings(g.db),
    )


@bp.post("/unanswered/attach")
@login_required("staff")
def unanswered_attach():
    """Attach one cluster (named by its most asked wording) to the chosen entry."""
    example, target = request.form.get("cluster", ""), request.form.get("entry", "")
    titles = {value: title for _, choices in entry_choices() for value, title in choices}
    group = next((c for c in clusters() if c.example == example), None)
    if target not in titles:
        flash(t("unanswered.error.entry"), "error")
    elif group is None:
        flash(t("unanswered.error.cluster"), "error")
    else:
        intent, key = target.split("/", 1)
        added = phrasings.attach_cluster(
            g.db, [group.example, *group.variants], intent, key, g.user.email
        )
        g.db.commit()
        flash(t("unanswered.attached", n=len(added), entry=titles[target]), "ok")
    return redirect(url_for("admin.unanswered"))


@bp.post("/phrasings/<int:phrase_id>/delete")
@login_required("staff")
def phrasing_delete(phrase_id: int):
    """Delete one phrasing: the next retraining no longer learns it."""
    phrase = phrasings.detach(g.db, phrase_id, g.user.email)
    if phrase is None:
        abort(404)
    g.db.commit()
    flash(t("unanswered.detached", text=phrase.text), "ok")
    return redirect(url_for("admin.unanswered") + "#phrasings")


def run_summary(run: RouterModel) -> str:
    """A run's state in words, with both figures once it is scored."""
    if run.status == "running":
        return t("router.state.running", stage=t(f"router.stage.{run.stage}"))
    if run.status == "failed":
        return t("router.state.failed")
    figures = {
        "new": f"{100 * (run.new_accuracy or 0):.1f}",
        "live": f"{100 * (run.live_accuracy or 0):.1f}",
        "limit": f"{100 * learning.MAX_DROP:.1f}",
    }
    return t(f"router.state.{run.status}", **figures)


@bp.get("/router")
@login_required("admin")
def router():
    """The live model, the latest runs, and the button that retrains."""
    runs = learning.recent_runs(g.db)
    live = learning.published_run(g.db)
    return render_template(
        "admin/router.html",
        runs=runs,
        live=live,
        phrasing_count=len(phrasings.all_phrasings(g.db)),
        summary=run_summary,
        running=any(r.status == "running" for r in runs),
    )


@bp.post("/router/train")
@login_required("admin")
def router_train():
    """Start a retraining in the background; the page follows it."""
    quick = request.form.get("kind", "quick") != "full"
    try:
        run = learning.start_run(g.db, g.user.email, quick)
    except learning.TrainingError:
        flash(t("router.already_running"), "error")
        return redirect(url_for("admin.router"))
    learning.run_in_background(navi().sessions, run.id, navi().content)
    flash(t("router.started", id=run.id), "ok")
    return redirect(url_for("admin.router"))


@bp.get("/router/runs/<int:run_id>")
@login_required("admin")
def router_run(run_id: int):
    """One run's state, for the page to poll while it trains."""
    run = found_or_404(RouterModel, run_id)
    return jsonify(
        {"status": run.status, "final": run.status != "running", "summary": run_summary(run)}
    )
