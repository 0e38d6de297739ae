"""The safety check's decision on every message of the data, against a snapshot.

Speed work on the check (sieve.py, folding once) must not change one decision. The snapshot,
``tests/data/safety_outcomes.json``, holds what the check answered (category and language, or
nothing) for every text of ``data/*.jsonl`` and for each text joined to the next one (a crisis
beside a near miss, two categories at once), written by the check as it stood before such a
change. Texts are kept as hash prefixes only: the held-out sets stay unread.

The snapshot belongs to one state of the patterns, the model and the data (its fingerprint):
once any of them changes, the decisions may rightly change and the test is skipped until the
snapshot is written again with the check that is trusted, before the next speed change:

    python -m tests.test_safety_outcomes --write
"""

from __future__ import annotations

import hashlib
import json
import sys
from pathlib import Path

import pytest

from bot.conversation.safety import load_safety

ROOT = Path(__file__).resolve().parents[1]
SNAPSHOT = ROOT / "tests" / "data" / "safety_outcomes.json"
# What decides the outcomes: the patterns and their kana readings, the model, and the folding they
# share.
INPUTS = (
    *sorted((ROOT / "content").glob("*/safety.yaml")),
    *sorted((ROOT / "content").glob("*/safety_readings.yaml")),
    ROOT / "content" / "safety_other_languages.yaml",
    ROOT / "bot" / "conversation" / "safety" / "model.json",
)


def texts() -> list[str]:
    """Every distinct text of the data, then each joined to the next (the last to the first)."""
    found: list[str] = []
    for path in sorted((ROOT / "data").glob("*.jsonl")):
        with path.open(encoding="utf-8") as fh:
            found += [json.loads(line)["text"] for line in fh if line.strip()]
    single = list(dict.fromkeys(found))
    return single + [a + "\n" + b for a, b in zip(single, single[1:] + single[:1], strict=True)]


def key(text: str) -> str:
    """A text's name in the snapshot: 40 bits of its hash (no text is stored)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()[:10]


def fingerprint(all_texts: list[str]) -> str:
    """The state the snapshot belongs to: the inputs' bytes and the texts."""
    digest = hashlib.sha256()
    for path in INPUTS:
        digest.update(path.read_bytes())
    digest.update("\0".join(all_texts).encode("utf-8"))
    return digest.hexdigest()[:16]


def outcomes(all_texts: list[str]) -> dict[str, list[str]]:
    """The keys of the texts the check answers with help lines, by "category language"."""
    safety = load_safety()
    found: dict[str, list[str]] = {}
    for text in all_texts:
        crisis = safety.check(text)
        if crisis is not None:
            found.setdefault(f"{crisis.category} {crisis.language}", []).append(key(text))
    return found


def write() -> None:
    all_texts = texts()
    found = outcomes(all_texts)
    data = {
        "fingerprint": fingerprint(all_texts),
        "texts": len(all_texts),
        "outcomes": {name: " ".join(sorted(keys)) for name, keys in sorted(found.items())},
    }
    SNAPSHOT.write_text(json.dumps(data, indent=0) + "\n", encoding="utf-8")
    print(f"{SNAPSHOT}: {len(all_texts)} texts, {sum(map(len, found.values()))} with help lines")


def test_every_decision_is_the_snapshots():
    snapshot = json.loads(SNAPSHOT.read_text(encoding="utf-8"))
    all_texts = texts()
    if snapshot["fingerprint"] != fingerprint(all_texts):
        pytest.skip("patterns, model or data changed since the snapshot: see this file's doc")
    expected = {k: name for name, keys in snapshot["outcomes"].items() for k in keys.split()}
    got = {k: name for name, keys in outcomes(all_texts).items() for k in keys}
    assert len(all_texts) == snapshot["texts"]
    # Keys only in the message: a held-out text must not be printed.
    differ = sorted(k for k in expected.keys() | got.keys() if expected.get(k) != got.get(k))
    assert not differ, f"{len(differ)} decisions changed, e.g. {differ[:5]}"


if __name__ == "__main__":
    if sys.argv[1:] != ["--write"]:
        raise SystemExit("usage: python -m tests.test_safety_outcomes --write")
    write()
