"""Judge understanding on residents' words: the held-out set, and follow-ups after an answer.

Run: `.venv/bin/python bench/residents.py [--errors]` (a few seconds; also printed first by
bench/intents.py).

1. data/residents_heldout.jsonl: questions written from what residents really ask municipalities
   (sources in data/README.md), never trained on, by another author than the training set. Each
   goes through what the bot runs on a fresh message (router → understanding: the entry inside
   the topic, the directory area of an `unknown` question, or a question back). Printed:
   - intent accuracy of the answers given (asking back is not an answer), and the share asked
     back (and how often the right answer was among its buttons);
   - intent accuracy counting a question back as wrong (the strict figure); asking which of
     two entries of one topic has chosen the intent and counts as an answer here;
   - per-intent precision and recall, `unknown` precision and recall;
   - confident-wrong: a wrong intent answered with confidence ≥ 0.9, over all messages;
   - entry accuracy (in-scope, intent right, not asked which entry; the share asked beside it)
     and directory-area accuracy (`unknown`);
   - the same intent figures for a keyword table written without looking at the set.
2. data/followups_{dev,heldout}.jsonl: (previous answer, follow-up) → the intent and entry the
   bot answers with; dev was read while tuning the follow-up rule, held-out was not.
Figures are printed, nothing is asserted (tests/test_residents.py holds the floors).
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from bot.conversation.choosing import Chooser  # noqa: E402
from bot.conversation.router import INTENTS, load_details, load_router, normalize  # noqa: E402
from bot.conversation.understanding import (  # noqa: E402
    Understanding,
    route_typed,
    understand,
)
from bot.core.content import load_content  # noqa: E402
from bot.core.models import ConversationContext  # noqa: E402

HELDOUT = ROOT / "data" / "residents_heldout.jsonl"
FOLLOW_UPS = {
    "dev": ROOT / "data" / "followups_dev.jsonl",
    "held-out": ROOT / "data" / "followups_heldout.jsonl",
}
CONFIDENT = 0.9
UNK = "unknown"

# A keyword table as a municipality would write it first, without looking at the set: the
# first intent whose word occurs wins.
KEYWORDS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("konbini_certificate", ("コンビニ", "こんびに", "ｺﾝﾋﾞﾆ", "convenience store", "konbini")),
    ("mynumber_card", ("マイナンバー", "マイナカード", "まいなんばー", "my number", "mynumber")),
    ("online_application", ("電子申請", "オンライン申請", "ネットで申請", "online")),
    ("smartphone_class", ("スマホ教室", "スマホ相談", "教室", "予約", "class")),
    ("notification_settings", ("受信設定", "通知", "配信", "notification")),
    ("contact", ("電話番号", "問い合わせ", "窓口", "phone", "contact")),
    ("help", ("使い方", "メニュー", "help", "menu")),
    ("greeting", ("こんにちは", "ありがとう", "hello", "thank")),
)


def keyword_intent(text: str) -> str:
    """The keyword table's intent for a message (unknown when no word occurs)."""
    lowered = normalize(text)
    for intent, words in KEYWORDS:
        if any(w in lowered for w in words):
            return intent
    return UNK


@dataclass(frozen=True)
class Judged:
    """One held-out question and what the bot made of it."""

    text: str
    intent: str
    label: str  # the gold entry, or the gold area for unknown
    meant: Understanding
    confidence: float


def read(path: Path) -> list[dict]:
    """JSON lines."""
    with open(path, encoding="utf-8") as fh:
        return [json.loads(line) for line in fh if line.strip()]


def understanding_of(
    text: str, context: ConversationContext | None = None, phrases_only: bool = False
):
    """What the bot decides for one message (the route's confidence beside it); with
    `phrases_only`, entries and areas are chosen by content match phrases alone (as before the
    details model)."""
    content = load_content()
    chooser = Chooser(content, None if phrases_only else load_details())
    route, normalized = route_typed(load_router().route, text, chooser)
    meant = understand(route, normalized, context, content, route.language, chooser)
    return meant, route.confidence


def judge(rows: Iterable[dict], phrases_only: bool = False) -> list[Judged]:
    """Each question through router and understanding."""
    out = []
    for row in rows:
        meant, confidence = understanding_of(row["text"], phrases_only=phrases_only)
        gold_label = row.get("area", "") if row["intent"] == UNK else row.get("entry") or "overview"
        out.append(Judged(row["text"], row["intent"], gold_label, meant, confidence))
    return out


def label_of(meant: Understanding) -> str:
    """The entry, or the area for unknown ("" none); "ask" for a question back."""
    if meant.how == "ask":
        return "ask"
    if meant.intent == UNK:
        return meant.area.area if meant.area else ""
    return meant.entry or "overview"


def intent_table(gold: list[str], pred: list[str]) -> None:
    """Per-intent precision and recall."""
    print(f"    {'intent':<22} {'P':>6} {'R':>6} {'n':>4}")
    for it in INTENTS:
        tp = sum(g == p == it for g, p in zip(gold, pred, strict=True))
        pp, gp = pred.count(it), gold.count(it)
        print(f"    {it:<22} {tp / pp if pp else 0:6.3f} {tp / gp if gp else 0:6.3f} {gp:4d}")


def unknown_pr(gold: list[str], pred: list[str]) -> tuple[float, float]:
    """Precision and recall of `unknown`."""
    said = [g for g, p in zip(gold, pred, strict=True) if p == UNK]
    precision = sum(g == UNK for g in said) / len(said) if said else 0.0
    recall = sum(p == UNK for g, p in zip(gold, pred, strict=True) if g == UNK) / max(
        1, gold.count(UNK)
    )
    return precision, recall


def asks_which_entry(meant: Understanding) -> bool:
    """A question back between entries of one topic (the topic decided, not the entry)."""
    intents = {i for i, _ in meant.options}
    return meant.how == "ask" and len(meant.options) > 1 and intents == {meant.intent}


def chose_an_intent(judged: Judged) -> bool:
    """Whether the bot settled the intent: it answered, or asked only which entry of one topic
    (the intent figures count these; a question back between topics is not an answer)."""
    return judged.meant.how != "ask" or asks_which_entry(judged.meant)


def heldout_figures(judged: list[Judged]) -> dict[str, float]:
    """The figures the issue names, from judged questions. Asking which of two entries of one
    topic has decided the intent (counted with the answers for the intent figures) but not the
    entry (left out of entry accuracy, counted in `entry_asked`)."""
    n = len(judged)
    answered = [j for j in judged if chose_an_intent(j)]
    asked = [j for j in judged if not chose_an_intent(j)]
    right = [j for j in answered if j.meant.intent == j.intent]
    offered = [j for j in asked if any(i == j.intent for i, _ in j.meant.options)]
    gold, pred = [j.intent for j in answered], [j.meant.intent for j in answered]
    unk_p, unk_r = unknown_pr(gold, pred)
    confident_wrong = [
        j for j in answered if j.meant.intent != j.intent and j.confidence >= CONFIDENT
    ]
    in_scope_right = [j for j in right if j.intent != UNK]
    entry_asked = [j for j in in_scope_right if asks_which_entry(j.meant)]
    in_scope = [j for j in in_scope_right if not asks_which_entry(j.meant)]
    entries_right = [j for j in in_scope if label_of(j.meant) == j.label]
    areas = [j for j in right if j.intent == UNK]
    areas_right = [j for j in areas if label_of(j.meant) == j.label]
    return {
        "n": n,
        "accuracy": len(right) / max(1, len(answered)),
        "strict_accuracy": len(right) / max(1, n),
        "asked": len(asked) / max(1, n),
        "asked_offered_right": len(offered) / max(1, len(asked)),
        "unknown_precision": unk_p,
        "unknown_recall": unk_r,
        "confident_wrong": len(confident_wrong) / max(1, n),
        "entry_accuracy": len(entries_right) / max(1, len(in_scope)),
        "entry_asked": len(entry_asked) / max(1, len(in_scope_right)),
        "area_accuracy": len(areas_right) / max(1, len(areas)),
    }


def follow_up_accuracy(rows: list[dict]) -> tuple[float, list[tuple[dict, str, str]]]:
    """Share of follow-ups answered with the expected intent and entry; the misses."""
    misses = []
    for row in rows:
        context = ConversationContext(
            follower_id=1,
            intent=row["previous_intent"],
            entry_key=row["previous_entry"],
            data={},
            expires_at=dt.datetime.now(dt.UTC) + dt.timedelta(minutes=5),
        )
        meant, _ = understanding_of(row["text"], context)
        expected_label = row["entry"] or ("" if row["intent"] == UNK else "overview")
        got = label_of(meant)
        if meant.intent != row["intent"] or (row["intent"] != UNK and got != expected_label):
            misses.append((row, meant.intent, got))
    return 1 - len(misses) / max(1, len(rows)), misses


def main(argv: list[str] | None = None) -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--errors", action="store_true", help="list the held-out mistakes")
    args = ap.parse_args(argv)
    rows = read(HELDOUT)
    judged = judge(rows)
    f = heldout_figures(judged)
    english = sum(r.get("lang") == "en" for r in rows) / len(rows)
    other = sum(r["intent"] == UNK and bool(r.get("area")) for r in rows) / len(rows)
    print(
        f"== residents' words: {HELDOUT.name}, {f['n']:.0f} questions never trained on "
        f"({other:.0%} about other ward services, {english:.0%} English) =="
    )
    print(
        f"intent accuracy {f['accuracy']:.3f} of the answers given; asked back "
        f"{f['asked']:.1%} (right answer among the buttons {f['asked_offered_right']:.0%}); "
        f"strict (asking back counted wrong) {f['strict_accuracy']:.3f}"
    )
    print(
        f"unknown P={f['unknown_precision']:.3f} R={f['unknown_recall']:.3f}; "
        f"confident-wrong (≥{CONFIDENT}) {f['confident_wrong']:.1%}; "
        f"entry accuracy {f['entry_accuracy']:.3f} (asked which entry "
        f"{f['entry_asked']:.1%}); "
        f"directory area accuracy {f['area_accuracy']:.3f}"
    )
    before = heldout_figures(judge(rows, phrases_only=True))
    print(
        f"  the same with entries and areas chosen by match phrases alone: entry accuracy "
        f"{before['entry_accuracy']:.3f}, directory area accuracy {before['area_accuracy']:.3f}"
    )
    answered = [j for j in judged if chose_an_intent(j)]
    intent_table([j.intent for j in answered], [j.meant.intent for j in answered])
    gold = [r["intent"] for r in rows]
    kw = [keyword_intent(r["text"]) for r in rows]
    kw_p, kw_r = unknown_pr(gold, kw)
    kw_acc = sum(g == p for g, p in zip(gold, kw, strict=True)) / len(gold)
    print(
        f"keyword table (same set): intent accuracy {kw_acc:.3f}, unknown P={kw_p:.3f} R={kw_r:.3f}"
    )
    if args.errors:
        for j in judged:
            got = label_of(j.meant)
            if j.meant.intent != j.intent or got != j.label:
                print(
                    f"  ✗ {j.intent}/{j.label} → {j.meant.how} {j.meant.intent}/{got} "
                    f"{j.confidence:.2f} {j.meant.options or ''} {j.text}"
                )
    for name, path in FOLLOW_UPS.items():
        if not path.exists():
            continue
        follow_ups = read(path)
        accuracy, misses = follow_up_accuracy(follow_ups)
        print(f"follow-ups [{name}] {len(follow_ups)} cases: intent and entry right {accuracy:.3f}")
        if args.errors:
            for row, intent, got in misses:
                print(
                    f"  ✗ after {row['previous_intent']}/{row['previous_entry']}: {row['text']} "
                    f"→ {intent}/{got} (expected {row['intent']}/{row['entry']})"
                )


if __name__ == "__main__":
    main()
