"""Measure the intent router: cross-validated quality, throughput and cold start.

Run: `.venv/bin/python bench/intents.py [--compare] [--sudachi PATH] [--errors]` (about 4 minutes;
--compare adds the alternative techniques, about 15 minutes more on 2 cores)

0. First, residents' words (bench/residents.py): the held-out set written from what residents
   really ask municipalities, through router and understanding, beside a keyword table; then
   the follow-up cases.

1. [dev] 5-fold stratified CV on the development set (fixed seed): each fold's model is trained
   on data/intents_train.jsonl + the other four dev folds (calibration included, on that training
   data only) and scored on the held-out fold; nothing is scored by a model that saw it.
   [all] the same 5-fold CV over train+dev combined (harder: more foreign-language and one-off
   phrasings). Alternatives: a plain keyword baseline, char n-grams alone, + words, + concepts,
   + concept pairs, and optionally (--sudachi) SudachiPy normalised forms as extra features.
2. [eval] the shipped model on data/intents_eval.jsonl, questions written before any scoring and
   never trained on.
3. Throughput of the shipped router on one core after warm-up (per second of its own CPU time, so a
   shared machine's other jobs do not count); cold start of load_router() and of
   `python -m bot.conversation.router` in fresh subprocesses; model size.
Figures are printed, nothing is asserted.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bot.conversation.router import INTENTS, Router, normalize  # noqa: E402
from bot.conversation.router import features as F  # noqa: E402
from bot.conversation.router.lexicon import concepts  # noqa: E402
from bot.conversation.router.model import MODEL_PATH  # noqa: E402
from bot.conversation.router.text import fold  # noqa: E402
from bot.conversation.router.train import DEV_FILE, TRAIN_FILE, _folds, load_rows, train_model  # noqa: E402

sys.path.insert(0, str(ROOT / "bench"))
import residents  # noqa: E402

SEED = 7
EVAL_FILE = ROOT / "data" / "intents_eval.jsonl"
UNK = "unknown"


# --- a plain keyword baseline (decision list over the same lexicon) -------------------------------

_BASELINE = (
    ("unknown", {"oos_mail", "oos_money", "oos_seal_reg", "oos_class", "oos_topic", "url"}),
    ("notification_settings", {"settings", "language", "privacy"}),
    ("contact", {"phone", "human"}),
    ("konbini_certificate", {"konbini"}),
    ("mynumber_card", {"mynumber", "pin"}),
    ("smartphone_class", {"class"}),
    ("online_application", {"online"}),
    ("help", {"help"}),
    ("greeting", {"greet"}),
)


def keyword_baseline(text: str) -> str:
    """First matching rule wins; nothing matched → unknown."""
    found = set(concepts(F.split_negation(fold(normalize(text)))[0]))
    for intent, keys in _BASELINE:
        if found & keys:
            return intent
    return UNK


# --- scoring --------------------------------------------------------------------------------------


def report(name, gold, pred, confs=None, full=False):
    """Print accuracy, unknown precision/recall; with full=True per-intent table and confusion."""
    n = len(gold)
    acc = sum(g == p for g, p in zip(gold, pred, strict=True)) / n
    said_unk = [g for g, p in zip(gold, pred, strict=True) if p == UNK]
    unk_p = sum(g == UNK for g in said_unk) / len(said_unk) if said_unk else float("nan")
    unk_r = sum(p == UNK for g, p in zip(gold, pred, strict=True) if g == UNK) / max(
        1, gold.count(UNK)
    )
    ece = ""
    if confs is not None:
        ece = f"  ECE={expected_calibration_error(gold, pred, confs):.3f}"
    print(f"{name:<50} acc={acc:.3f}  unknown P={unk_p:.3f} R={unk_r:.3f}{ece}  (n={n})")
    if not full:
        return
    print(f"    {'intent':<22} {'P':>6} {'R':>6} {'F1':>6} {'n':>4}")
    for it in INTENTS:
        tp = sum(g == p == it for g, p in zip(gold, pred, strict=True))
        pp, gp = pred.count(it), gold.count(it)
        p_, r_ = (tp / pp if pp else 0.0), (tp / gp if gp else 0.0)
        f1 = 2 * p_ * r_ / (p_ + r_) if p_ + r_ else 0.0
        print(f"    {it:<22} {p_:6.3f} {r_:6.3f} {f1:6.3f} {gp:4d}")
    short = [i[:6] for i in INTENTS]
    print("    confusion (rows gold, columns predicted):")
    print("    " + " " * 22 + " ".join(f"{s:>6}" for s in short))
    for it in INTENTS:
        row = [sum(g == it and p == q for g, p in zip(gold, pred, strict=True)) for q in INTENTS]
        print(f"    {it:<22}" + " ".join(f"{c:6d}" for c in row))


def expected_calibration_error(gold, pred, confs, bins=10):
    """Mean |accuracy − confidence| over 10 confidence bins, weighted by bin size."""
    total, err = len(gold), 0.0
    for b in range(bins):
        lo, hi = b / bins, (b + 1) / bins
        ids = [i for i, c in enumerate(confs) if lo <= c < hi or (b == bins - 1 and c == 1.0)]
        if ids:
            acc = sum(gold[i] == pred[i] for i in ids) / len(ids)
            conf = sum(confs[i] for i in ids) / len(ids)
            err += len(ids) / total * abs(acc - conf)
    return err


def cross_validate(rows, extra, config, k=5, calibrated=True, show_errors=False):
    """CV over `rows`; each fold trains on `extra` + the other folds. Returns gold, pred, conf."""
    fold = _folds(rows, k, SEED)
    gold, pred, conf, texts = [], [], [], []
    for f in range(k):
        tr = extra + [r for r, g in zip(rows, fold, strict=True) if g != f]
        router = Router(train_model(tr, config, calibrated=calibrated))
        for (text, intent), g in zip(rows, fold, strict=True):
            if g == f:
                r = router.route(text)
                gold.append(intent)
                pred.append(r.intent)
                conf.append(r.confidence)
                texts.append(text)
    if show_errors:
        for t, g, p, c in zip(texts, gold, pred, conf, strict=True):
            if g != p:
                print(f"      ✗ {g:<21} → {p:<21} {c:.2f}  {t}")
    return gold, pred, conf


# --- speed ----------------------------------------------------------------------------------------


def throughput(router, texts, n=20_000):
    """Messages per second on one core after warm-up: per second of the process's own CPU time,
    so that other jobs on a shared machine do not count against it (the best of 3 rounds)."""
    for t in texts:
        router.route(t)
    batch = (texts * (n // len(texts) + 1))[:n]
    best = 0.0
    for _ in range(3):
        t0 = time.process_time()
        for t in batch:
            router.route(t)
        best = max(best, n / (time.process_time() - t0))
    return best


def understanding_throughput(texts, n=10_000):
    """Messages per second through router + understanding (no context), one core."""
    from bot.conversation.choosing import Chooser
    from bot.conversation.router import load_details, load_router
    from bot.conversation.understanding import understand
    from bot.core.content import load_content

    content = load_content()
    chooser, router = Chooser(content, load_details()), load_router()

    def run(text):
        route = router.route(text)
        understand(route, normalize(text), None, content, route.language, chooser)

    for t in texts:
        run(t)
    batch = (texts * (n // len(texts) + 1))[:n]
    t0 = time.process_time()  # CPU time, as in `throughput`
    for t in batch:
        run(t)
    return n / (time.process_time() - t0)


def cold_start():
    """Seconds for a fresh interpreter to import + load both models + route (wall, and its CPU
    time), and for the CLI on one line."""
    py = sys.executable
    code = (
        "import time; t=time.perf_counter(); "
        "from bot.conversation.router import load_details, load_router; "
        "r=load_router(); load_details(); r.route('コンビニで住民票'); "
        "print(time.perf_counter()-t, time.process_time())"
    )
    runs = [
        subprocess.run([py, "-c", code], cwd=ROOT, capture_output=True, text=True).stdout.split()
        for _ in range(3)
    ]
    load = min(float(wall) for wall, _ in runs)
    cpu = min(float(used) for _, used in runs)
    cli = []
    for _ in range(3):
        t0 = time.perf_counter()
        subprocess.run(
            [py, "-m", "bot.conversation.router"],
            cwd=ROOT,
            input="スマホ教室\n",
            capture_output=True,
            text=True,
        )
        cli.append(time.perf_counter() - t0)
    return load, cpu, min(cli)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--compare", action="store_true", help="also CV the alternative techniques")
    ap.add_argument("--errors", action="store_true", help="list CV errors of the shipped one")
    ap.add_argument("--sudachi", help="sys.path entry where sudachipy + sudachidict_core live")
    args = ap.parse_args()
    sys.stdout.reconfigure(line_buffering=True)
    residents.main(["--errors"] if args.errors else [])
    print()

    train, dev = load_rows(TRAIN_FILE), load_rows(DEV_FILE)
    both = train + dev
    print(f"train {len(train)} rows, dev {len(dev)} rows; 5-fold stratified CV, seed {SEED}")
    print("[dev]: train file + other dev folds → held-out dev fold; [all]: 5 folds of train+dev\n")
    shipped = dict(F.DEFAULT_CONFIG)
    alternatives = [
        ("(b) char 1-3-grams + LR", {**shipped, "words": False, "concepts": False}),
        ("(b') char 1-3-grams + words + LR", {**shipped, "concepts": False}),
        (
            "(b'') char 2-4-grams + words + LR",
            {**shipped, "concepts": False, "ngram_min": 2, "ngram_max": 4},
        ),
        ("(d1) + concepts, no negation", {**shipped, "negation": False}),
        ("(d2) + concepts + negation + concept pairs", {**shipped, "pairs": True}),
    ]
    for label, rows in (("dev", dev), ("all", both)):
        gold = [i for _, i in rows]
        report(f"[{label}] (a) keyword baseline", gold, [keyword_baseline(t) for t, _ in rows])
    if args.compare or args.sudachi:
        for name, cfg in alternatives:
            for label, rows, extra in (("dev", dev, train), ("all", both, [])):
                g, p, c = cross_validate(rows, extra, cfg)
                report(f"[{label}] {name}", g, p, c)
        if args.sudachi:
            sudachi_alternative(args.sudachi, dev, train, shipped)

    print("\n== shipped: (d) hybrid = char 1-3-grams + words + concepts + negation ==")
    g, p, c = cross_validate(dev, train, shipped, show_errors=args.errors)
    report("[dev] (d) hybrid, shipped", g, p, c, full=True)
    g, p, c = cross_validate(both, [], shipped, show_errors=args.errors)
    report("[all] (d) hybrid, shipped", g, p, c, full=True)

    print("\n== shipped model (train+dev) on data/intents_eval.jsonl, never trained on ==")
    ev = load_rows(EVAL_FILE)
    router = Router.from_file()
    routes = [router.route(t) for t, _ in ev]
    report(
        "[eval] shipped model.json",
        [i for _, i in ev],
        [r.intent for r in routes],
        [r.confidence for r in routes],
    )

    print("\n== speed ==")
    texts = [t for t, _ in dev]
    rate = throughput(router, texts)
    print(
        f"throughput: {rate:,.0f} messages per CPU-second (one core, 20,000 dev messages, after "
        f"warm-up; load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores)"
    )
    rate = understanding_throughput(texts)
    print(f"with understanding (entry, area, asking back): {rate:,.0f} messages per CPU-second")
    load, cpu, cli = cold_start()
    print(
        f"cold start: import + load_router() + load_details() + first route {load:.3f} s "
        f"({cpu:.3f} s of CPU, the whole interpreter included); "
        f"`python -m bot.conversation.router` one line end to end {cli:.3f} s"
    )
    print(f"model: {MODEL_PATH.name} {MODEL_PATH.stat().st_size / 1e6:.2f} MB")


def sudachi_alternative(path, dev, train, shipped):
    """(c) hybrid + SudachiPy normalised forms (mode C) as extra features, for comparison only."""
    sys.path.insert(0, path)
    from sudachipy import Dictionary, SplitMode

    tok = Dictionary(dict="core").tokenizer(mode=SplitMode.C)
    cache: dict[str, list[str]] = {}
    plain = F.extract

    def with_sudachi(normalized, config=shipped):
        feats = plain(normalized, config)
        if normalized not in cache:
            cache[normalized] = ["s:" + m.normalized_form() for m in tok.tokenize(normalized)]
        return feats + cache[normalized]

    import bot.conversation.router.model as M
    import bot.conversation.router.train as T

    T.extract, M.extract = with_sudachi, with_sudachi
    try:
        g, p, c = cross_validate(dev, train, shipped)
        report("[dev] (c) hybrid + SudachiPy normalized_form", g, p, c)
        g, p, c = cross_validate(dev + train, [], shipped)
        report("[all] (c) hybrid + SudachiPy normalized_form", g, p, c)
        t0 = time.perf_counter()
        for t, _ in dev * 20:
            tok.tokenize(normalize(t))
        rate = len(dev) * 20 / (time.perf_counter() - t0)
        print(f"    (SudachiPy tokenisation alone: {rate:,.0f} messages/s)")
    finally:
        T.extract, M.extract = plain, plain


if __name__ == "__main__":
    main()
