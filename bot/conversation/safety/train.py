"""Train the safety check's model: `python -m bot.conversation.safety.train` rebuilds
bot/conversation/safety/model.json.

Multinomial logistic regression over `model.features`, fitted by full-batch gradient descent in
numpy (numpy is needed to train, not to check). Training data: data/safety_dev.jsonl and
data/safety_tune.jsonl, never data/safety_heldout.jsonl. The threshold on p(none) is chosen on
5-fold out-of-fold probabilities: at most MAX_TRAIN_FALSE_ALARMS of the near misses may fall
below it. Deterministic: fixed order, fixed seed, weights rounded to 4 decimals.
"""

from __future__ import annotations

import hashlib
import json
import pathlib
import random
from typing import TYPE_CHECKING

from bot.conversation.safety.model import LABELS, MODEL_PATH, SafetyModel, features

if TYPE_CHECKING:  # numpy is imported where it is used: checking needs no numpy
    import numpy as np
    from numpy.typing import NDArray

ROOT = pathlib.Path(__file__).resolve().parents[3]
TRAIN_FILES = tuple(
    ROOT / "data" / f"safety_{name}.jsonl" for name in ("dev", "tune", "tune2", "tune3", "tune4")
)
L2 = 1e-3
STEPS = 300
LEARNING_RATE = 0.2
MIN_COUNT = 2  # a feature seen once is noise more often than signal
MAX_TRAIN_FALSE_ALARMS = 0.02  # the false-alarm goal: at most 2 % of near misses
FOLDS = 5


def load_rows(paths=TRAIN_FILES) -> list[tuple[str, str]]:
    """(text, category) pairs of the training files that exist."""
    rows = []
    for path in paths:
        if path.exists():
            with path.open(encoding="utf-8") as fh:
                rows += [(o["text"], o["category"]) for o in map(json.loads, fh) if o]
    return rows


def fingerprint(rows: list[tuple[str, str]]) -> str:
    """What the model was trained on, so a test can tell when the data moved on without it."""
    digest = hashlib.sha256(json.dumps(rows, ensure_ascii=False).encode("utf-8"))
    return f"{len(rows)} rows, sha256 {digest.hexdigest()[:16]}"


def fit(
    rows: list[tuple[str, str]],
) -> tuple[dict[str, int], NDArray[np.float32], NDArray[np.float32]]:
    """Multinomial logistic regression by full-batch gradient descent; (vocab, W, b)."""
    import numpy as np

    counts: dict[str, int] = {}
    featurised = [features(text) for text, _ in rows]
    for found in featurised:
        for f in found:
            counts[f] = counts.get(f, 0) + 1
    vocab = {f: i for i, f in enumerate(sorted(f for f, c in counts.items() if c >= MIN_COUNT))}
    x = np.zeros((len(rows), len(vocab)), dtype=np.float32)
    for r, found in enumerate(featurised):
        for f in found:
            if f in vocab:
                x[r, vocab[f]] = 1.0
    y = np.zeros((len(rows), len(LABELS)), dtype=np.float32)
    for r, (_, label) in enumerate(rows):
        y[r, LABELS.index(label)] = 1.0
    w = np.zeros((len(vocab), len(LABELS)), dtype=np.float32)
    b = np.zeros(len(LABELS), dtype=np.float32)
    for _ in range(STEPS):
        logits = x @ w + b
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        grad = (p - y) / len(rows)
        w -= LEARNING_RATE * (x.T @ grad + L2 * w) * 10
        b -= LEARNING_RATE * grad.sum(axis=0) * 10
    return vocab, w, b


def _model(vocab, w, b, threshold: float) -> SafetyModel:
    weights = {f: [round(float(v), 4) for v in w[i]] for f, i in vocab.items()}
    weights = {f: row for f, row in weights.items() if any(abs(v) >= 0.01 for v in row)}
    return SafetyModel(weights, [round(float(v), 4) for v in b], threshold)


def choose_threshold(rows: list[tuple[str, str]]) -> float:
    """The highest p(none) threshold whose out-of-fold false alarms stay within bounds."""
    order = list(range(len(rows)))
    random.Random(20261201).shuffle(order)
    p_none: list[tuple[float, bool]] = []
    for k in range(FOLDS):
        held = set(order[k::FOLDS])
        model = _model(*fit([r for i, r in enumerate(rows) if i not in held]), threshold=0.5)
        p_none += [(model.probabilities(rows[i][0])[0], rows[i][1] != "none") for i in sorted(held)]
    near = sorted(p for p, crisis in p_none if not crisis)
    allowed = int(len(near) * MAX_TRAIN_FALSE_ALARMS)
    # Alarms are p(none) < threshold: keep at most `allowed` near misses below it.
    return near[allowed] if allowed < len(near) else 1.0


def train(path: pathlib.Path = MODEL_PATH) -> SafetyModel:
    """Fit on every training row, with a threshold chosen out of fold; write the JSON."""
    rows = load_rows()
    threshold = choose_threshold(rows)
    model = _model(*fit(rows), threshold=threshold)
    data = {
        "threshold": round(threshold, 4),
        "bias": model.bias,
        "weights": model.weights,
        "trained_on": fingerprint(rows),
    }
    path.write_text(json.dumps(data, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return model


if __name__ == "__main__":
    trained = train()
    print(f"{len(trained.weights)} features, threshold p(none) < {trained.threshold:.3f}")
