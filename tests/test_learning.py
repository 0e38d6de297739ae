"""From unanswered to answered: staff attach a cluster of unanswered questions to an entry, the
router is retrained on them, a model that loses held-out accuracy is refused with its figures,
and a published model reaches every app instance without a restart."""

from __future__ import annotations

import json
import os
import subprocess
import sys

from sqlalchemy import select

from bot.conversation import learning
from bot.conversation.router.details import DETAILS_PATH
from bot.conversation.router.features import extract
from bot.conversation.router.model import INTENTS, MODEL_PATH
from bot.conversation.router.text import normalize
from bot.core.content import load_content
from bot.core.models import AuditEntry, RouterModel, TrainingPhrase, UnansweredQuestion
from bot.residents.phrasings import attach_cluster
from bot.web.app import create_app
from tests.admin_helpers import console_client, csrf_from, log_in, make_user
from tests.conftest import Resident

KIOSK = ["キオスク端末の場所", "キオスク端末の場所", "キオスク端末の場所は？"]
# Questions about garbage attached to a konbini entry by mistake: four of them are worded as
# residents in the held-out set word theirs, so the retrained router gets those wrong.
GARBAGE_BY_MISTAKE = [
    ["粗大ごみ", "粗大ごみ？"],
    ["粗大ごみの申し込み方法", "粗大ごみの申込み方法"],
    ["燃えないごみの日いつ", "燃えないごみの日はいつ"],
    ["大型ごみを捨てたい"],
]


def staff_console(app, role="staff"):
    client = console_client(app)
    log_in(client, make_user(app, role))
    return client


def db_of(app):
    return app.extensions["navi"].sessions()


def test_attaching_a_cluster_keeps_its_wordings_with_who_and_when_and_audits_it(app):
    with db_of(app) as db:
        db.add_all(UnansweredQuestion(text=text, language="ja") for text in KIOSK)
        db.commit()
    client = staff_console(app)
    page = client.get("/admin/unanswered").get_data(as_text=True)
    assert "キオスク端末の場所" in page and "3件" in page
    form = {
        "csrf_token": csrf_from(client, "/admin/unanswered"),
        "cluster": "キオスク端末の場所",
        "entry": "konbini_certificate/stores",
    }
    assert client.post("/admin/unanswered/attach", data=form).status_code == 302
    client.post("/admin/unanswered/attach", data=form)  # twice: nothing is kept twice

    with db_of(app) as db:
        kept = db.scalars(select(TrainingPhrase).order_by(TrainingPhrase.id)).all()
        assert [p.text for p in kept] == ["キオスク端末の場所", "キオスク端末の場所は?"]
        assert {(p.intent, p.entry_key, p.added_by) for p in kept} == {
            ("konbini_certificate", "stores", "staff@example.jp")
        }
        assert all(p.added_at is not None for p in kept)
        audit = db.scalars(select(AuditEntry).where(AuditEntry.action == "phrasings.attach"))
        assert [a.detail["added"] for a in audit] == [2, 0]
    assert "キオスク端末の場所は?" in client.get("/admin/unanswered").get_data(as_text=True)


def test_a_phrasing_is_masked_again_when_attached(app):
    with db_of(app) as db:
        attach_cluster(
            db, ["電話は090-1234-5678です キオスク端末どこ"], "konbini_certificate", "stores", "a@b"
        )
        db.commit()
        (text,) = db.scalars(select(TrainingPhrase.text))
    assert "090" not in text and "[電話番号]" in text


def test_an_entry_that_does_not_exist_is_refused_with_what_to_do(app):
    with db_of(app) as db:
        db.add(UnansweredQuestion(text="キオスク端末の場所", language="ja"))
        db.commit()
    client = staff_console(app)
    form = {"csrf_token": csrf_from(client, "/admin/unanswered"), "cluster": "キオスク端末の場所"}
    page = client.post(
        "/admin/unanswered/attach", data={**form, "entry": "konbini_certificate/nothing"}
    )
    assert "一覧から選んでください" in client.get(page.location).get_data(as_text=True)
    gone = client.post(
        "/admin/unanswered/attach",
        data={**form, "cluster": "ない質問", "entry": "konbini_certificate/stores"},
    )
    assert "読み込み直して" in client.get(gone.location).get_data(as_text=True)
    with db_of(app) as db:
        assert db.scalars(select(TrainingPhrase)).all() == []


def test_staff_delete_a_phrasing_and_the_audit_log_says_so(app):
    with db_of(app) as db:
        (phrase,) = attach_cluster(db, ["キオスク端末の場所"], "konbini_certificate", "stores", "x")
        db.commit()
        phrase_id = phrase.id
    client = staff_console(app)
    token = csrf_from(client, "/admin/unanswered")
    response = client.post(f"/admin/phrasings/{phrase_id}/delete", data={"csrf_token": token})
    assert response.status_code == 302
    assert (
        client.post(f"/admin/phrasings/{phrase_id}/delete", data={"csrf_token": token}).status_code
        == 404
    )
    with db_of(app) as db:
        assert db.get(TrainingPhrase, phrase_id) is None
        (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "phrasings.detach"))
        assert entry.actor == "staff@example.jp" and entry.detail["text"] == "キオスク端末の場所"


def test_only_admins_retrain(app):
    client = staff_console(app, "manager")
    assert client.get("/admin/router").status_code == 403
    token = csrf_from(client, "/admin/unanswered")
    assert client.post("/admin/router/train", data={"csrf_token": token}).status_code == 403
    with db_of(app) as db:
        assert db.scalars(select(RouterModel)).all() == []


def test_the_rule_refuses_a_drop_of_more_than_half_a_point():
    assert learning.may_publish(0.971, 0.966)  # 0.5 points: allowed
    assert learning.may_publish(0.971, 0.990)
    assert not learning.may_publish(0.971, 0.965)  # 0.6 points
    assert not learning.may_publish(0.9713, 0.9637)


def test_a_regressing_retrain_is_refused_with_both_figures_and_exits_non_zero(app, settings):
    with db_of(app) as db:
        for cluster in GARBAGE_BY_MISTAKE:
            attach_cluster(db, cluster, "konbini_certificate", "stores", "staff@example.jp")
        db.commit()
    env = {**os.environ, "DATABASE_URL": settings.database_url}
    result = subprocess.run(
        [sys.executable, "-m", "bot", "router", "train", "--quick"],
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert result.returncode == 1, result.stderr
    assert "router" in result.stdout and "scoring" in result.stdout  # the stages, as they go
    with db_of(app) as db:
        (run,) = db.scalars(select(RouterModel)).all()
        assert run.status == "refused" and run.router_json is None
        assert run.live_accuracy - run.new_accuracy > learning.MAX_DROP
        (entry,) = db.scalars(select(AuditEntry).where(AuditEntry.action == "router.refused"))
    live, new = f"{run.live_accuracy:.1%}", f"{run.new_accuracy:.1%}"
    assert f"held-out accuracy {new} (live model {live})" in result.stderr
    assert entry.detail["live"] == round(run.live_accuracy, 4)
    # nothing was published: the app still answers with the shipped model
    assert app.extensions["navi"].router.route("粗大ごみ").intent == "unknown"


def published_model_for(text: str, intent: str, entry: str) -> tuple[str, str]:
    """The shipped models, taught one more wording by hand (as a retraining would)."""
    router = json.loads(MODEL_PATH.read_text("utf-8"))
    details = json.loads(DETAILS_PATH.read_text("utf-8"))
    column = INTENTS.index(intent)
    part = details["intents"][intent]
    label = part["labels"].index(entry)
    for feature in extract(normalize(text), router["config"]):
        weights = router["weights"].setdefault(feature, [0.0] * len(INTENTS))
        weights[column] += 3.0
        part["weights"].setdefault(feature, []).append([label, 3.0])
    return json.dumps(router), json.dumps(details)


def test_a_published_model_reaches_another_app_instance_within_two_seconds(
    app, settings, standin, events
):
    other = create_app(settings)
    now = [1000.0]  # the worker's clock, stopped: only the test moves it
    other.extensions["navi"].live_models.clock = lambda: now[0]
    there = Resident(other.test_client(), standin, events, "U" + "5" * 32)
    standin.add_profile(there.user_id, "板橋 次郎", language="ja")
    stores = load_content().topic("konbini_certificate", "ja").get("stores").title
    assert stores not in there.say("キオスク端末の場所").text

    router_json, details_json = published_model_for(
        "キオスク端末の場所", "konbini_certificate", "stores"
    )
    with db_of(app) as db:  # published through the first instance's database
        db.add(
            RouterModel(
                status="published",
                started_by="test",
                router_json=router_json,
                details_json=details_json,
            )
        )
        db.commit()
    assert stores not in there.say("キオスク端末の場所").text  # checked at most every 2 s
    now[0] += 2.1
    assert stores in there.say("キオスク端末の場所").text
    other.extensions["navi"].engine.dispose()


def test_each_publication_keeps_the_weights_of_only_the_two_newest_models(app):
    """A retraining's weights are about 5 MB: a database that kept every one would grow by
    that much each time staff retrain, for models no worker loads."""
    router, details = (json.loads(part) for part in published_model_for("x", "contact", "desks"))
    with db_of(app) as db:
        runs = []
        for n in range(4):
            run = RouterModel(status="running", started_by=f"admin{n}@example.jp")
            db.add(run)
            db.flush()
            learning.publish(db, run, router, details)
            runs.append(run.id)
        db.commit()
        kept = db.scalars(select(RouterModel.id).where(RouterModel.router_json.is_not(None))).all()
        assert sorted(kept) == runs[-2:]
        # every run stays in the history, with who started it
        assert [r.started_by for r in db.scalars(select(RouterModel).order_by(RouterModel.id))] == [
            f"admin{n}@example.jp" for n in range(4)
        ]
        assert learning.live_model(db).version == runs[-1]


def test_a_cluster_opens_a_draft_area_whose_match_words_are_what_residents_asked(app):
    """Questions about a service the bot does not know yet start a new directory area, the
    residents' wording already in its match words (masked), submitted for approval as usual."""
    with db_of(app) as db:
        db.add_all(UnansweredQuestion(text="犬の登録はどこで", language="ja") for _ in range(2))
        db.commit()
    client = staff_console(app)
    page = client.get("/admin/unanswered").get_data(as_text=True)
    assert "このまとまりから新しい案内先" in page
    draft = client.get("/admin/answers/new-area?from_cluster=犬の登録はどこで")
    assert draft.status_code == 200
    assert 'value="犬の登録はどこで"' in draft.get_data(as_text=True)
    masked = client.get("/admin/answers/new-area?from_cluster=電話090-1234-5678 犬の登録")
    assert "090-1234-5678" not in masked.get_data(as_text=True)
