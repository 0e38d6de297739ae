"""Cross-validate the directory area of `unknown` questions, and when none is named instead.

Run: `.venv/bin/python bench/areas_cv.py [--errors]` (about a minute on a quiet core).

The held-out set (data/residents_heldout.jsonl) is never read here: the floor is chosen on these
figures, and bench/residents.py reports it afterwards.

The `unknown` questions of data/residents_train.jsonl (each labelled with its directory area, ""
for none: chit-chat, spam, other cities, private business) are split in four folds stratified by
area; each fold is ranked by a details model trained on the other three + followups_dev + the
directory's own words, through `Chooser.rank` as at run time. Then each rule is applied to the
rankings: an area is named when the best is an area at `floor` or more and at least `margin`
ahead of the second; else none (the general answer: the ward's main line, or asking back).

Printed per rule: the share of questions whose area (or none) is right; of those with an area,
the share named right, left without one, and named wrongly; of those with none, the share given
an area anyway (a wrong department, said as if sure). `*` marks the shipped rule.
"""

from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")

from details_cv import stratified_folds  # noqa: E402  (bench/ is this script's folder)

from bot.conversation.choosing import AREA_MARGIN, AREA_MIN, Chooser, clear_area  # noqa: E402
from bot.conversation.router import details_train as DT  # noqa: E402
from bot.conversation.router.details import Details  # noqa: E402
from bot.conversation.router.text import normalize  # noqa: E402
from bot.conversation.router.train import RESIDENTS_TRAIN  # noqa: E402
from bot.core.content import load_content  # noqa: E402

SEED = 5
K = 4
UNK = "unknown"
FLOORS = (0.1, 0.2, 0.25, 0.3, 0.4, 0.5, 0.6, 0.7)
MARGINS = (0.0, 0.05, 0.1, 0.15, 0.2, 0.3)

Ranked = list[tuple[str, float]]


def folds(rows: list[tuple[str, str, str]], k: int = K, seed: int = SEED) -> list[int]:
    """Stratified by area, deterministic."""
    return stratified_folds([label for _, _, label in rows], k, seed)


def out_of_fold(rows, always, content) -> list[Ranked]:
    """Each row's ranking of the areas by a model that never saw it."""
    fold = folds(rows)
    ranked: list[Ranked] = [[] for _ in rows]
    for f in range(K):
        train = [r for r, g in zip(rows, fold, strict=True) if g != f] + always
        chooser = Chooser(content, Details(DT.train_details(train, content)))
        for i, g in enumerate(fold):
            if g == f:
                ranked[i] = chooser.rank(UNK, normalize(rows[i][0]))
    return ranked


def figures(rows, ranked, floor: float, margin: float) -> dict[str, float]:
    """The shares described in the module's docstring, for one rule."""
    n = {"right": 0, "area": 0, "area_right": 0, "area_none": 0, "none": 0, "none_named": 0}
    for (_, _, gold), ranks in zip(rows, ranked, strict=True):
        got = clear_area(ranks, floor, margin) or ""
        n["right"] += got == gold
        if gold:
            n["area"] += 1
            n["area_right"] += got == gold
            n["area_none"] += got == ""
        else:
            n["none"] += 1
            n["none_named"] += got != ""
    area, none = max(1, n["area"]), max(1, n["none"])
    return {
        "right": n["right"] / max(1, len(rows)),
        "area_right": n["area_right"] / area,
        "area_none": n["area_none"] / area,
        "area_wrong": (n["area"] - n["area_right"] - n["area_none"]) / area,
        "none_named": n["none_named"] / none,
    }


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the shipped rule's misses")
    args = ap.parse_args(argv)
    content = load_content()
    rows = [r for r in DT.load_labelled([RESIDENTS_TRAIN]) if r[1] == UNK]
    always = [r for r in DT.load_labelled([DT.FOLLOW_UPS_DEV]) if r[1] == UNK]
    always += [r for r in DT.content_rows(content) if r[1] == UNK]
    ranked = out_of_fold(rows, always, content)
    with_area = sum(1 for r in rows if r[2])
    print(
        f"{len(rows)} unknown questions of {RESIDENTS_TRAIN.name} ({with_area} with an area), "
        f"{K}-fold CV; always trained on followups_dev's and the directory's words"
    )
    print("   floor  margin  right   area: right  none   wrong   none: named")
    for floor in sorted({*FLOORS, AREA_MIN}):
        for margin in sorted({*MARGINS, AREA_MARGIN}):
            f = figures(rows, ranked, floor, margin)
            mark = " *" if (floor, margin) == (AREA_MIN, AREA_MARGIN) else ""
            print(
                f"   {floor:.2f}   {margin:.2f}   {f['right']:.3f}  {f['area_right']:.3f}  "
                f"{f['area_none']:.3f}  {f['area_wrong']:.3f}  {f['none_named']:.3f}{mark}"
            )
    if args.errors:
        for (text, _, gold), ranks in zip(rows, ranked, strict=True):
            got = clear_area(ranks, AREA_MIN, AREA_MARGIN) or ""
            if got != gold:
                top = ", ".join(f"{label or '-'} {p:.2f}" for label, p in ranks[:3])
                print(f"   ✗ {gold or '-':<20} → {got or '-':<20} ({top}) {text}")


if __name__ == "__main__":
    sys.stdout.reconfigure(line_buffering=True)  # type: ignore[union-attr]
    main()
