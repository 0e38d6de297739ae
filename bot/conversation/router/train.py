"""Train the router's linear model: `python -m bot.conversation.router.train` rebuilds
bot/conversation/router/model.json.

Multinomial logistic regression over the sparse binary features of `features.extract`, L2
regularised, fitted by full-batch Adam in numpy (numpy is needed to train, not to route). The run is
deterministic: fixed order, fixed seed for the calibration folds, single-threaded maths, weights
rounded to 4 decimals.

Calibration uses only the training data: a 5-fold split gives out-of-fold logits; a softmax
temperature is fitted on them (least negative log-likelihood), then the two decision parameters
(`threshold`, `unknown_floor`, see `calibrate`) are chosen on bounded grids for the best
out-of-fold accuracy + 0.25 × `unknown` precision.
"""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING, cast

from .features import DEFAULT_CONFIG, extract
from .model import INTENTS
from .text import normalize

if TYPE_CHECKING:  # numpy is imported where it is used: routing needs no numpy
    from numpy.typing import NDArray

ROOT = Path(__file__).resolve().parents[3]
TRAIN_FILE = ROOT / "data" / "intents_train.jsonl"  # our own questions
DEV_FILE = ROOT / "data" / "intents_dev.jsonl"  # verbatim copy of shared/data/intents_dev.jsonl
RESIDENTS_TRAIN = ROOT / "data" / "residents_train.jsonl"  # residents' words, with entries
# Questions that tell close entries apart, one file per author, that the router trains on too
# (entries_train3 and entries_short train the details model only: details_train.py).
ENTRIES_TRAIN = (ROOT / "data" / "entries_train.jsonl", ROOT / "data" / "entries_train2.jsonl")
# Every file the router's model is trained on.
ROUTER_FILES = (TRAIN_FILE, DEV_FILE, RESIDENTS_TRAIN, *ENTRIES_TRAIN)
MODEL_PATH = Path(__file__).with_name("model.json")

L2 = 3e-4
CONCEPT_L2_SCALE = 0.3  # concept features (c:, p:, n:) are penalised less than raw n-grams
STEPS = 400
LEARNING_RATE = 0.1
SEED = 20250401


def load_rows(*paths: Path) -> list[tuple[str, str]]:
    """(text, intent) pairs from JSON-lines files; unknown intent names are an error."""
    rows = []
    for path in paths:
        with open(path, encoding="utf-8") as fh:
            for n, line in enumerate(fh, 1):
                if not line.strip():
                    continue
                obj = json.loads(line)
                if obj["intent"] not in INTENTS:
                    raise ValueError(f"{path}:{n}: unknown intent {obj['intent']!r}")
                rows.append((obj["text"], obj["intent"]))
    return rows


def _design(rows, vocab, config, extra=None):
    """Sparse design matrix as (indices, row ids) arrays over the known vocabulary; `extra`
    holds more features per row (the details' content matches)."""
    import numpy as np

    idx, rid = [], []
    for r, (text, _) in enumerate(rows):
        features = extract(normalize(text), config) + (list(extra[r]) if extra else [])
        for f in sorted(set(features)):
            j = vocab.get(f)
            if j is not None:
                idx.append(j)
                rid.append(r)
    return np.asarray(idx, dtype=np.int64), np.asarray(rid, dtype=np.int64)


def _logits(W, b, idx, rid, n_rows):
    """Row sums of the gathered weights (rid is sorted: rows are contiguous)."""
    import numpy as np

    out = np.zeros((n_rows, W.shape[1]))
    if len(idx):
        starts = np.flatnonzero(np.r_[True, rid[1:] != rid[:-1]])
        out[rid[starts]] = np.add.reduceat(W[idx], starts, axis=0)
    return out + b


def fit(
    rows,
    config=DEFAULT_CONFIG,
    l2=L2,
    steps=STEPS,
    concept_l2_scale=CONCEPT_L2_SCALE,
    labels: tuple[str, ...] = INTENTS,
    extra=None,
):
    """Fit weights on (text, label) rows; returns (vocab list, W [F×K], b [K])."""
    import numpy as np

    vocab: dict[str, int] = {}
    for r, (text, _) in enumerate(rows):
        features = extract(normalize(text), config) + (list(extra[r]) if extra else [])
        for f in sorted(set(features)):
            vocab.setdefault(f, len(vocab))
    idx, rid = _design(rows, vocab, config, extra)
    y = np.asarray([labels.index(i) for _, i in rows])
    n, k, nf = len(rows), len(labels), len(vocab)
    Y = np.zeros((n, k))
    Y[np.arange(n), y] = 1.0
    W = np.zeros((nf, k))
    b = np.zeros(k)
    penalty = np.full((nf, 1), l2)
    penalty[[j for f, j in vocab.items() if f[:2] in ("c:", "p:", "n:", "m:")]] *= concept_l2_scale
    mW, vW, mb, vb = np.zeros_like(W), np.zeros_like(W), np.zeros_like(b), np.zeros_like(b)
    beta1, beta2, eps = 0.9, 0.999, 1e-8
    for t in range(1, steps + 1):
        z = _logits(W, b, idx, rid, n)
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - Y) / n
        gr = g[rid]
        # bincount with float weights gives floats; numpy's stubs say intp whatever the weights.
        gW = cast(
            "NDArray[np.float64]",
            np.stack([np.bincount(idx, gr[:, c], minlength=nf) for c in range(k)], axis=1),
        )
        gW += penalty * W
        gb = g.sum(axis=0)
        lr = LEARNING_RATE * min(1.0, 3.0 * (1 - t / (steps + 1)))
        for param, grad, m, v in ((W, gW, mW, vW), (b, gb, mb, vb)):
            m *= beta1
            m += (1 - beta1) * grad
            v *= beta2
            v += (1 - beta2) * grad * grad
            param -= lr * (m / (1 - beta1**t)) / (np.sqrt(v / (1 - beta2**t)) + eps)
    return list(vocab), W, b


def _folds(rows, k, seed):
    """Stratified fold number per row, deterministic."""
    import numpy as np

    rng = np.random.default_rng(seed)
    fold = [0] * len(rows)
    for intent in INTENTS:
        members = [i for i, (_, lab) in enumerate(rows) if lab == intent]
        rng.shuffle(members)
        for pos, i in enumerate(members):
            fold[i] = pos % k
    return fold


def oof_logits(rows, config=DEFAULT_CONFIG, k=5, seed=SEED, **fit_kw):
    """Out-of-fold logits for every row (each from a model that never saw it)."""
    import numpy as np

    fold = _folds(rows, k, seed)
    out = np.zeros((len(rows), len(INTENTS)))
    for f in range(k):
        tr = [r for r, g in zip(rows, fold, strict=True) if g != f]
        te_ids = [i for i, g in enumerate(fold) if g == f]
        vocab, W, b = fit(tr, config, **fit_kw)
        vmap = {v: j for j, v in enumerate(vocab)}
        te = [rows[i] for i in te_ids]
        idx, rid = _design(te, vmap, config)
        out[te_ids] = _logits(W, b, idx, rid, len(te))
    return out


def decide(p, threshold, unknown_floor):
    """Vectorised twin of `Router.route`'s decision: intent index per row of probabilities p."""
    import numpy as np

    unk = INTENTS.index("unknown")
    inscope = p.copy()
    inscope[:, unk] = -1.0
    top = inscope.argmax(axis=1)
    p_top = inscope.max(axis=1)
    p_unk = p[:, unk]
    wins = (p_top >= threshold) & ((p_top > p_unk) | (p_unk < unknown_floor))
    return np.where(wins, top, unk)


def calibrate(logits, labels):
    """(temperature, threshold, unknown_floor) from out-of-fold logits.

    The temperature minimises the negative log-likelihood. Then, on a grid, the pair of decision
    parameters with the best accuracy + 0.25 × unknown precision: an in-scope intent is answered
    when its probability reaches `threshold` and either beats `unknown` or `unknown` itself is
    below `unknown_floor` (weak evidence for unknown does not override a plausible intent).
    """
    import numpy as np

    y = np.asarray([INTENTS.index(i) for i in labels])
    unk = INTENTS.index("unknown")

    def probs(t):
        z = logits / t
        z = z - z.max(axis=1, keepdims=True)
        p = np.exp(z)
        return p / p.sum(axis=1, keepdims=True)

    temps = [round(0.5 + 0.05 * i, 2) for i in range(51)]
    nll = [-np.log(probs(t)[np.arange(len(y)), y] + 1e-12).mean() for t in temps]
    temp = temps[int(np.argmin(nll))]
    p = probs(temp)
    best = (-1.0, 0.0, 0.0)
    # Bounded grids: never answer an in-scope intent below 0.35, never let weak evidence (< 0.6)
    # override `unknown`; the out-of-fold rows cannot show how novel out-of-scope topics behave.
    for th in [round(0.35 + 0.05 * i, 2) for i in range(6)]:
        for floor in [round(0.3 + 0.05 * i, 2) for i in range(7)]:
            pred = decide(p, th, floor)
            acc = float((pred == y).mean())
            said = pred == unk
            unk_p = float((y[said] == unk).mean()) if said.any() else 0.0
            score = acc + 0.25 * unk_p
            if score > best[0] + 1e-9:
                best = (score, th, floor)
    return temp, best[1], best[2]


def train_model(rows, config=DEFAULT_CONFIG, calibrated=True, **fit_kw) -> dict:
    """The serialisable model (see `model.Router.from_dict`) trained on rows."""
    temp, threshold, floor = 1.0, 0.3, 0.0
    if calibrated:
        logits = oof_logits(rows, config, **fit_kw)
        temp, threshold, floor = calibrate(logits, [i for _, i in rows])
    vocab, W, b = fit(rows, config, **fit_kw)
    weights = {}
    for f, w in zip(vocab, W, strict=True):
        if abs(w).max() >= 0.005:
            weights[f] = [round(float(x), 4) for x in w]
    return {
        "format": 1,
        "intents": list(INTENTS),
        "config": dict(config),
        "temperature": temp,
        "threshold": threshold,
        "unknown_floor": floor,
        "bias": [round(float(x), 4) for x in b],
        "weights": weights,
        "trained_on": len(rows),
    }


def main(argv: list[str] | None = None) -> int:
    """Rebuild model.json from the labelled questions, then details.json (entries and areas)."""
    from bot.core.content import load_content

    from .details import DETAILS_PATH
    from .details_train import DETAIL_FILES, content_rows, load_labelled, train_details

    argv = sys.argv[1:] if argv is None else argv
    out = Path(argv[0]) if argv else MODEL_PATH
    paths = ROUTER_FILES
    rows = load_rows(*paths)
    model = train_model(rows)
    out.write_text(json.dumps(model, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8")
    print(
        f"trained on {len(rows)} rows from {', '.join(p.name for p in paths)}: "
        f"{len(model['weights'])} features, T={model['temperature']}, "
        f"threshold={model['threshold']}, unknown_floor={model['unknown_floor']} → {out}"
    )
    content = load_content()
    detail_rows = load_labelled(DETAIL_FILES) + content_rows(content)
    details = train_details(detail_rows, content)
    details_out = out.with_name(DETAILS_PATH.name) if argv else DETAILS_PATH
    details_out.write_text(
        json.dumps(details, ensure_ascii=False, separators=(",", ":")) + "\n", "utf-8"
    )
    sizes = ", ".join(f"{i} {len(p['labels'])}" for i, p in details["intents"].items())
    print(f"details on {len(detail_rows)} rows ({sizes}) → {details_out}")
    return 0


if __name__ == "__main__":
    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")
    raise SystemExit(main())
