"""Retraining the router from the repository's data plus staff phrasings, judged on held-out
questions, and published to every worker through the database.

One run: read the repository's labelled questions (data/, as bot/conversation/router/train.py
does) and the phrasings staff attached in the console (bot.residents.phrasings); train the
router's model and the details model; score the new router and the live one on the held-out
questions no model is trained on (data/residents_heldout.jsonl and data/intents_eval.jsonl:
the share routed to the right intent); publish only when the new score is no more than
MAX_DROP below the live one. A published model is a `RouterModel` row holding both models'
JSON; workers pick it up within seconds (bot.conversation.live_models).

Two configurations:
- full: what `python -m bot.conversation.router.train` does (5-fold calibration, 400 Adam
  steps, every intent's details) — about 5 minutes on a quiet 2-core machine, 10+ when busy.
- quick: a warm start from the live model. Only the weights of the staff phrasings' own
  features (those found in at most RARE_ROWS training rows: a word like 粗大ごみ, not の) are
  fitted, over just the rows that contain them; every other weight, the calibration
  (temperature, threshold, unknown floor) and the details of intents without phrasings are the
  live model's. Seconds instead of minutes, and it cannot disturb what the phrasings do not
  touch; but it never re-fits the rest of the model or its calibration, so run a full retrain
  after larger changes (new data files, many phrasings).
Staff phrasings count STAFF_WEIGHT times: a wording staff confirmed outweighs one written for
the training set.
"""

from __future__ import annotations

import contextlib
import datetime as dt
import json
import logging
import threading
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from sqlalchemy import select, update
from sqlalchemy.orm import Session, defer, sessionmaker

from bot.conversation.router import train
from bot.conversation.router.details import DETAILS_PATH
from bot.conversation.router.details_train import (
    DETAIL_FILES,
    MIN_WEIGHT,
    Labelled,
    content_rows,
    load_labelled,
    matched_features,
    train_details,
)
from bot.conversation.router.features import extract
from bot.conversation.router.model import MODEL_PATH, Router
from bot.conversation.router.text import normalize
from bot.core.content import Content
from bot.core.db import utcnow
from bot.core.models import RouterModel
from bot.residents.phrasings import phrasing_rows
from bot.staff import audit

log = logging.getLogger(__name__)

HELDOUT_FILES = (
    train.ROOT / "data" / "residents_heldout.jsonl",
    train.ROOT / "data" / "intents_eval.jsonl",
)
MAX_DROP = 0.005  # 0.5 points of held-out accuracy
STAFF_WEIGHT = 3
RARE_ROWS = 60
QUICK_STEPS = 150
STALE_RUN = dt.timedelta(minutes=30)  # a run this old that never finished died with its worker
STAGES = ("reading", "router", "details", "scoring")
# Published models whose weights are kept (about 5 MB each): the live one and the one before
# it. Older runs keep their row (who, when, the figures) for the console's history; a database
# that grew by every retraining's weights would fill its disk for models nobody loads.
KEPT_WEIGHTS = 2

Progress = Callable[[str], None]


class TrainingError(Exception):
    """Retraining cannot start or finish; the message says what to do."""


@dataclass(frozen=True)
class LiveModel:
    """The models residents are answered with now: the newest published, else the shipped."""

    version: int  # the RouterModel id, 0 for the shipped files
    router: dict
    details: dict


def live_model(db: Session) -> LiveModel:
    """The live model's JSON (the shipped model.json and details.json before any publishing)."""
    row = db.scalars(
        select(RouterModel)
        .where(RouterModel.status == "published", RouterModel.router_json.is_not(None))
        .order_by(RouterModel.id.desc())
        .limit(1)
    ).first()
    if row is not None and row.router_json and row.details_json:
        return LiveModel(row.id, json.loads(row.router_json), json.loads(row.details_json))
    return LiveModel(
        0,
        json.loads(MODEL_PATH.read_text("utf-8")),
        json.loads(DETAILS_PATH.read_text("utf-8")),
    )


# -- scoring and the rule ----------------------------------------------------------------------


def heldout_rows(paths: tuple[Path, ...] = HELDOUT_FILES) -> list[tuple[str, str]]:
    """(text, intent) of the held-out questions."""
    return train.load_rows(*paths)


def heldout_accuracy(router: Router, rows: list[tuple[str, str]]) -> float:
    """Share of held-out questions routed to their intent."""
    right = sum(router.route(text).intent == intent for text, intent in rows)
    return right / max(1, len(rows))


def may_publish(live: float, new: float) -> bool:
    """The rule: a new model is published unless it loses more than MAX_DROP of held-out
    accuracy against the live model (rounded to a tenth of a point, as both are shown)."""
    return round((live - new) * 1000) <= round(MAX_DROP * 1000)


# -- training ------------------------------------------------------------------------------


def repository_rows() -> tuple[list[tuple[str, str]], list[Labelled]]:
    """The repository's labelled questions for the router and for the details model."""
    missing = [p for p in (*train.ROUTER_FILES, *HELDOUT_FILES) if not p.exists()]
    if missing:
        raise TrainingError(
            f"training needs the repository's data/ folder ({missing[0].name} is missing): "
            "run it from a checkout of the repository"
        )
    return train.load_rows(*train.ROUTER_FILES), load_labelled(DETAIL_FILES)


def train_full(
    rows: list[tuple[str, str]], detail_rows: list[Labelled], content: Content, progress: Progress
) -> tuple[dict, dict]:
    """Both models from scratch, calibration included (as router/train.py)."""
    progress("router")
    router = train.train_model(rows)
    progress("details")
    details = train_details(detail_rows + content_rows(content), content)
    return router, details


def train_quick(
    rows: list[tuple[str, str]],
    detail_rows: list[Labelled],
    staff: list[Labelled],
    content: Content,
    live: LiveModel,
    progress: Progress,
) -> tuple[dict, dict]:
    """The live models with the staff phrasings' own features fitted (see the docstring)."""
    progress("router")
    staff_texts = [text for text, _, _ in staff]
    router = dict(live.router)
    router["weights"], router["bias"] = warm_fit(
        rows, train.INTENTS, live.router["config"], live.router["weights"], live.router["bias"],
        staff_texts, prune=0.005,
    )  # fmt: skip
    router["trained_on"] = len(rows)
    progress("details")
    details = json.loads(json.dumps(live.details))
    every = detail_rows + content_rows(content)
    for intent in sorted({i for _, i, _ in staff}):
        part = details["intents"].get(intent)
        mine = [(text, label) for text, i, label in every if i == intent]
        if part is None or not {label for _, label in mine} <= set(part["labels"]):
            whole = train_details([r for r in every if r[1] == intent], content)
            details["intents"].update(whole["intents"])
            continue
        labels = tuple(part["labels"])
        dense = {f: _dense(pairs, len(labels)) for f, pairs in part["weights"].items()}
        extra = [matched_features(content, intent, text) for text, _ in mine]
        weights, bias = warm_fit(
            mine, labels, details["config"], dense, part["bias"], staff_texts,
            prune=MIN_WEIGHT, extra=extra,
        )  # fmt: skip
        part["weights"] = {
            f: [[j, w] for j, w in enumerate(row) if abs(w) >= MIN_WEIGHT]
            for f, row in weights.items()
        }
        part["bias"] = bias
        part["trained_on"] = len(mine)
    return router, details


def _dense(pairs: list, size: int) -> list[float]:
    """A details feature's weights for every label, from its (label index, weight) pairs."""
    row = [0.0] * size
    for j, w in pairs:
        row[int(j)] = float(w)
    return row


def warm_fit(
    rows: list[tuple[str, str]],
    labels: tuple[str, ...],
    config: dict,
    weights: dict[str, list[float]],
    bias: list[float],
    staff_texts: list[str],
    prune: float,
    extra: list[list[str]] | None = None,
) -> tuple[dict[str, list[float]], list[float]]:
    """Fit only the weights of the staff texts' rare features, the others held at `weights`.

    A feature's gradient comes only from the rows that contain it, so only those rows are
    read; their logits from the held weights are computed once."""
    import numpy as np

    features = [
        sorted(set(extract(normalize(text), config) + (extra[r] if extra else [])))
        for r, (text, _) in enumerate(rows)
    ]
    frequency: dict[str, int] = {}
    for row in features:
        for f in row:
            frequency[f] = frequency.get(f, 0) + 1
    staff_features = {f for text in staff_texts for f in extract(normalize(text), config)}
    block = sorted(f for f in staff_features if frequency.get(f, 0) <= RARE_ROWS)
    if not block:
        return weights, bias
    column = {f: j for j, f in enumerate(block)}
    touched = [r for r, row in enumerate(features) if any(f in column for f in row)]
    k = len(labels)
    held = np.tile(np.asarray(bias, dtype=float), (len(touched), 1))
    idx, rid = [], []
    for n, r in enumerate(touched):
        for f in features[r]:
            if f in column:
                idx.append(column[f])
                rid.append(n)
            elif f in weights:
                held[n] += weights[f]
    idx_a, rid_a = np.asarray(idx), np.asarray(rid)
    y = np.asarray([labels.index(rows[r][1]) for r in touched])
    Y = np.zeros((len(touched), k))
    Y[np.arange(len(touched)), y] = 1.0
    W = np.asarray([weights.get(f, [0.0] * k) for f in block], dtype=float)
    m, v = np.zeros_like(W), np.zeros_like(W)
    for t in range(1, QUICK_STEPS + 1):
        z = held.copy()
        np.add.at(z, rid_a, W[idx_a])
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - Y) / len(touched)
        gW = np.zeros_like(W)
        np.add.at(gW, idx_a, g[rid_a])
        gW += train.L2 * W
        lr = train.LEARNING_RATE * min(1.0, 3.0 * (1 - t / (QUICK_STEPS + 1)))
        m = 0.9 * m + 0.1 * gW
        v = 0.999 * v + 0.001 * gW * gW
        W -= lr * (m / (1 - 0.9**t)) / (np.sqrt(v / (1 - 0.999**t)) + 1e-8)
    out = dict(weights)
    for f, row in zip(block, W, strict=True):
        if abs(row).max() >= prune:
            out[f] = [round(float(x), 4) for x in row]
        else:
            out.pop(f, None)
    return out, list(bias)


# -- one run -------------------------------------------------------------------------------


def start_run(db: Session, actor: str, quick: bool) -> RouterModel:
    """A new run's row (committed), unless one is running already."""
    now = utcnow()
    running = db.scalars(
        select(RouterModel).where(
            RouterModel.status == "running", RouterModel.started_at > now - STALE_RUN
        )
    ).first()
    if running is not None:
        raise TrainingError(f"retraining #{running.id} is still running: wait for it to finish")
    db.execute(
        update(RouterModel)
        .where(RouterModel.status == "running")
        .values(status="failed", stage="stopped", finished_at=now)
    )
    run = RouterModel(status="running", stage="reading", quick=quick, started_by=actor)
    db.add(run)
    audit.record(db, actor, "router.retrain", "", quick=quick)
    db.commit()
    return run


def run_training(
    sessions: sessionmaker, run_id: int, content: Content, progress: Progress = lambda _: None
) -> RouterModel:
    """Train, score and publish or refuse the run `run_id`; its row says how it went."""

    def stage(name: str) -> None:
        with sessions() as db:
            db.execute(update(RouterModel).where(RouterModel.id == run_id).values(stage=name))
            db.commit()
        progress(name)

    try:
        with sessions() as db:
            run = db.get_one(RouterModel, run_id)
            quick, actor = run.quick, run.started_by
            staff = phrasing_rows(db)
            live = live_model(db)
        stage("reading")
        rows, detail_rows = repository_rows()
        rows = rows + [(text, intent) for text, intent, _ in staff] * STAFF_WEIGHT
        detail_rows = detail_rows + staff * STAFF_WEIGHT
        if quick:
            router, details = train_quick(rows, detail_rows, staff, content, live, stage)
        else:
            router, details = train_full(rows, detail_rows, content, stage)
        stage("scoring")
        judged = heldout_rows()
        live_score = heldout_accuracy(Router(live.router), judged)
        new_score = heldout_accuracy(Router(router), judged)
        published = may_publish(live_score, new_score)
        with sessions() as db:
            run = db.get_one(RouterModel, run_id)
            run.status = "published" if published else "refused"
            run.stage = "done"
            run.finished_at = utcnow()
            run.phrases = len(staff)
            run.live_accuracy, run.new_accuracy = live_score, new_score
            if published:
                publish(db, run, router, details)
            audit.record(
                db,
                actor,
                "router.published" if published else "router.refused",
                f"#{run_id}",
                live=round(live_score, 4),
                new=round(new_score, 4),
                phrases=len(staff),
            )
            db.commit()
            db.refresh(run)
            db.expunge(run)
        progress(run.status)
        return run
    except Exception as error:
        log.exception("retraining #%s failed", run_id)
        with sessions() as db:
            db.execute(
                update(RouterModel)
                .where(RouterModel.id == run_id)
                .values(status="failed", stage=type(error).__name__[:32], finished_at=utcnow())
            )
            db.commit()
        raise


def publish(db: Session, run: RouterModel, router: dict, details: dict) -> None:
    """Make `run` the live model (the highest published id with weights) and drop the weights
    of published models older than the KEPT_WEIGHTS newest."""
    run.status = "published"
    run.router_json = json.dumps(router, ensure_ascii=False, separators=(",", ":"))
    run.details_json = json.dumps(details, ensure_ascii=False, separators=(",", ":"))
    db.flush()
    kept = select(RouterModel.id).where(
        RouterModel.status == "published", RouterModel.router_json.is_not(None)
    )
    newest = db.scalars(kept.order_by(RouterModel.id.desc()).limit(KEPT_WEIGHTS)).all()
    db.execute(
        update(RouterModel)
        .where(RouterModel.router_json.is_not(None), RouterModel.id.not_in(newest))
        .values(router_json=None, details_json=None)
        .execution_options(synchronize_session=False)
    )


def run_in_background(sessions: sessionmaker, run_id: int, content: Content) -> threading.Thread:
    """Run the training in a thread of this process: the page that started it answers at
    once and shows the run's row while it goes (its stage, then published or refused)."""

    def work() -> None:
        # a failure is already logged and recorded on the run's row
        with contextlib.suppress(Exception):
            run_training(sessions, run_id, content)

    thread = threading.Thread(target=work, name=f"retrain-{run_id}", daemon=True)
    thread.start()
    return thread


def published_run(db: Session) -> RouterModel | None:
    """The run whose model is live (its weights not loaded), None while the shipped one is."""
    query = (
        select(RouterModel)
        .options(defer(RouterModel.router_json), defer(RouterModel.details_json))
        .where(RouterModel.status == "published", RouterModel.router_json.is_not(None))
        .order_by(RouterModel.id.desc())
        .limit(1)
    )
    return db.scalars(query).first()


def recent_runs(db: Session, limit: int = 10) -> list[RouterModel]:
    """The latest runs, newest first."""
    query = (
        select(RouterModel)
        .options(defer(RouterModel.router_json), defer(RouterModel.details_json))
        .order_by(RouterModel.id.desc())
        .limit(limit)
    )
    return list(db.scalars(query))
