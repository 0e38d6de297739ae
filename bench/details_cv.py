"""Cross-validate the details model (the entry inside a topic) on the training sets only.

Run: `.venv/bin/python bench/details_cv.py [--errors] [--loao] [--areas] [--with-short]
[--without FILE] [--ask]`
(about 5 minutes on a quiet core; `--areas` adds `unknown`'s directory areas, much slower).

The held-out set (data/residents_heldout.jsonl) is never read here: this is where choices about
the details model are made, and the held-out bench only reports them afterwards.

Two estimates, each scoring a question with the gold intent (the router is judged elsewhere)
through `Chooser.rank`, i.e. the details model plus content match phrases, as at run time:

- 4-fold CV (default): the questions of residents_train, entries_train, entries_train2, and
  entries_train3, entries_train4 and entries_short when they are in DETAIL_FILES (entries_short
  also with `--with-short`), are pooled and split in four
  folds stratified by (intent, entry); each fold is scored by a model trained on the other three
  + followups_dev + the content's own rows. Printed per file (residents_train's in-scope
  figure is the one data/README.md quotes) and per intent, with the commonest confusions.
- `--loao`, leave one author out: each file scored by a model trained on all the others, as a
  new author's words are (the held-out set is another author's).

`--ask` also applies the understanding's ask-back between two close entries
(asking_back.entries_to_ask) to each in-scope question's ranking, for the shipped setting and
a sweep of others: accuracy of the entries answered, share of questions asked back instead,
and share of those whose two buttons include the gold entry.

`--without FILE` (a file name, e.g. entries_train3.jsonl) leaves one author's file out of both
training and scoring: what the figures were before that author was added.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter, defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from bot.conversation.asking_back import (  # noqa: E402
    ENTRY_ASK_OVERVIEW,
    ENTRY_CLOSE,
    ENTRY_SURE,
    entries_to_ask,
)
from bot.conversation.choosing import Chooser  # noqa: E402
from bot.conversation.router import details_train as DT  # noqa: E402
from bot.conversation.router.details import Details  # noqa: E402
from bot.conversation.router.text import normalize  # noqa: E402
from bot.conversation.router.train import ENTRIES_TRAIN, RESIDENTS_TRAIN  # noqa: E402
from bot.core.content import load_content  # noqa: E402

SEED = 11
K = 4
UNK = "unknown"

# (file name, text, intent, label)
Row = tuple[str, str, str, str]


def rows_of(paths) -> list[Row]:
    out = []
    for path in paths:
        out.extend((path.name, *row) for row in DT.load_labelled([path]))
    return out


def folds(rows: list[Row], k: int = K, seed: int = SEED) -> list[int]:
    """Stratified by (intent, label), deterministic."""
    return stratified_folds([(intent, label) for _, _, intent, label in rows], k, seed)


def stratified_folds(keys: list, k: int, seed: int) -> list[int]:
    """The fold of each row, given each row's stratum (any sortable key): every stratum's rows
    shuffled by `seed` and dealt out in turn, so each fold holds its share of every stratum.
    Also bench/areas_cv.py's."""
    import numpy as np

    rng = np.random.default_rng(seed)
    fold = [0] * len(keys)
    groups: dict = defaultdict(list)
    for i, key in enumerate(keys):
        groups[key].append(i)
    for key in sorted(groups):
        members = groups[key]
        rng.shuffle(members)
        for pos, i in enumerate(members):
            fold[i] = pos % k
    return fold


Ranked = list[tuple[str, float]]


def rankings(model: dict, content, rows: list[Row]) -> list[Ranked]:
    """The chooser's whole ranking (label, probability) for each row (gold intent given)."""
    chooser = Chooser(content, Details(model))
    return [chooser.rank(intent, normalize(text)) for _, text, intent, _ in rows]


def score(model: dict, content, rows: list[Row]) -> list[str]:
    """The label the chooser ranks first for each row (gold intent given)."""
    return [ranked[0][0] for ranked in rankings(model, content, rows)]


def train(rows: list[Row], always, content, intents) -> dict:
    labelled = [(t, i, lab) for _, t, i, lab in rows if i in intents] + [
        r for r in always if r[1] in intents
    ]
    return DT.train_details(labelled, content)


def report(title: str, rows: list[Row], pred: list[str], errors: bool) -> None:
    by_file: dict[str, list[bool]] = defaultdict(list)
    by_intent: dict[str, list[bool]] = defaultdict(list)
    confusions: Counter = Counter()
    for (name, _text, intent, gold), got in zip(rows, pred, strict=True):
        ok = got == gold
        kind = "areas" if intent == UNK else "entries"
        by_file[f"{name} {kind}"].append(ok)
        by_intent[intent].append(ok)
        if not ok:
            confusions[(intent, gold, got)] += 1
    inscope = [got == gold for (_, _, i, gold), got in zip(rows, pred, strict=True) if i != UNK]
    print(
        f"== {title}: in-scope entries {sum(inscope) / max(1, len(inscope)):.3f} (n={len(inscope)})"
    )
    for key in sorted(by_file):
        oks = by_file[key]
        print(f"   {key:<34} {sum(oks) / len(oks):.3f} (n={len(oks)})")
    for key in sorted(by_intent):
        oks = by_intent[key]
        print(f"   {key:<34} {sum(oks) / len(oks):.3f} (n={len(oks)})")
    print("   commonest confusions (intent: gold → chosen):")
    for (intent, gold, got), n in confusions.most_common(15):
        print(f"     {n:3d}  {intent}: {gold} → {got}")
    if errors:
        for (name, text, intent, gold), got in zip(rows, pred, strict=True):
            if got != gold:
                print(f"   ✗ {name[:14]:<14} {intent[:12]:<12} {gold:<18} → {got:<18} {text}")


# The ask-back settings swept by `--ask`: (ENTRY_SURE, ENTRY_CLOSE, overview may be offered).
SURES = (0.5, 0.6, 0.65, 0.7, 0.8, 0.9)
CLOSES = (0.15, 0.3, 0.4, 0.5, 1.0)


def ask_figures(rows: list[Row], ranked: list[Ranked], sure, close, overview) -> tuple:
    """(answered accuracy, asked share, gold among the offered) of the in-scope rows when the
    understanding's own rule (asking_back.entries_to_ask) asks back with these settings."""
    right = answered = asked = offered = 0
    for (_, _, intent, gold), ranks in zip(rows, ranked, strict=True):
        if intent == UNK:
            continue
        options = entries_to_ask(intent, ranks, sure, close, overview)
        if options:
            asked += 1
            offered += gold in options
        else:
            answered += 1
            right += ranks[0][0] == gold
    n = answered + asked
    return right / max(1, answered), asked / max(1, n), offered / max(1, asked)


def report_ask(title: str, rows: list[Row], ranked: list[Ranked]) -> None:
    shipped = (ENTRY_SURE, ENTRY_CLOSE, ENTRY_ASK_OVERVIEW)
    print(f"== {title}, asking back between entries (shipped: sure, close, overview = {shipped})")
    print("   sure  close  overview  answered-right  asked  gold-offered")
    never = ask_figures(rows, ranked, 0.0, 0.0, False)
    print(f"   never asks                {never[0]:.3f}          {never[1]:.3f}  -")
    for overview in (False, True):
        for sure in SURES:
            for close in CLOSES:
                acc, share, gold = ask_figures(rows, ranked, sure, close, overview)
                mark = " *" if (sure, close, overview) == shipped else ""
                print(
                    f"   {sure:.2f}  {close:.2f}   {'offered' if overview else 'never':<8}  "
                    f"{acc:.3f}          {share:.3f}  {gold:.3f}{mark}"
                )
    print("   per file at the shipped setting (answered-right / asked; never asking):")
    for name in sorted({r[0] for r in rows}):
        mine = [i for i, r in enumerate(rows) if r[0] == name]
        sub_rows, sub_ranked = [rows[i] for i in mine], [ranked[i] for i in mine]
        acc, share, _ = ask_figures(sub_rows, sub_ranked, *shipped)
        plain = ask_figures(sub_rows, sub_ranked, 0.0, 0.0, False)[0]
        print(f"   {name:<34} {acc:.3f} / {share:.3f}; {plain:.3f} (n={len(mine)})")


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list every wrong choice")
    ap.add_argument("--loao", action="store_true", help="also leave one author out")
    ap.add_argument("--areas", action="store_true", help="also the directory areas (slow)")
    ap.add_argument("--with-short", action="store_true", help="pool entries_short even if unused")
    ap.add_argument("--ask", action="store_true", help="sweep the ask-back between entries")
    ap.add_argument("--without", action="append", default=[], help="leave this file out entirely")
    args = ap.parse_args(argv)
    content = load_content()
    cv_files = [RESIDENTS_TRAIN, *ENTRIES_TRAIN]
    for extra in (DT.ENTRIES_TRAIN3, DT.ENTRIES_TRAIN4):
        if extra in DT.DETAIL_FILES:
            cv_files.append(extra)
    if args.with_short or DT.ENTRIES_SHORT in DT.DETAIL_FILES:
        cv_files.append(DT.ENTRIES_SHORT)
    cv_files = [p for p in cv_files if p.name not in args.without]
    always_files = [p for p in DT.DETAIL_FILES if p not in cv_files and p.name not in args.without]
    always = DT.load_labelled(always_files) + DT.content_rows(content)
    intents = {i for _, i, _ in always} - {"help"}
    if not args.areas:
        intents.discard(UNK)
    rows = [r for r in rows_of(cv_files) if r[2] in intents]
    print(
        f"{len(rows)} questions from {', '.join(p.name for p in cv_files)}; always trained on "
        f"{', '.join(p.name for p in always_files)} + content; intents {sorted(intents)}"
    )
    t0 = time.process_time()
    fold = folds(rows)
    ranked: list[Ranked] = [[] for _ in rows]
    for f in range(K):
        model = train(
            [r for r, g in zip(rows, fold, strict=True) if g != f], always, content, intents
        )
        test = [i for i, g in enumerate(fold) if g == f]
        for i, got in zip(test, rankings(model, content, [rows[i] for i in test]), strict=True):
            ranked[i] = got
    report(f"{K}-fold CV", rows, [r[0][0] for r in ranked], args.errors)
    if args.ask:
        report_ask(f"{K}-fold CV", rows, ranked)
    print(f"   ({time.process_time() - t0:.0f} s of CPU)")
    if args.loao:
        names = sorted({r[0] for r in rows})
        ranked = [[] for _ in rows]
        for name in names:
            model = train([r for r in rows if r[0] != name], always, content, intents)
            test = [i for i, r in enumerate(rows) if r[0] == name]
            for i, got in zip(test, rankings(model, content, [rows[i] for i in test]), strict=True):
                ranked[i] = got
        report("leave one author out", rows, [r[0][0] for r in ranked], args.errors)
        if args.ask:
            report_ask("leave one author out", rows, ranked)


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
