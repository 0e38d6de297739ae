"""The package layout shows the flow, and the imports keep to it.

    cli → web → conversation (+ handlers) → classes · announcements · answers · residents · reports
        · staff
        → line → core

A package imports only packages at its own layer or below; two packages never import each
other (directly or round a loop). The test reads every import, function-level ones included.
"""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
LAYERS = {
    "bot.core": 0,
    "bot.line": 1,
    "bot.staff": 2,
    "bot.residents": 2,
    "bot.reports": 2,
    "bot.classes": 2,
    "bot.announcements": 2,
    "bot.answers": 2,
    "bot.conversation": 3,
    "handlers": 3,
    "bot.web": 4,
    "bot.cli": 5,
    "bot": 5,  # bot/__init__.py and bot/__main__.py: the entry points
    "scheduler": 5,
}


def package_of(module: str) -> str:
    """The layer package a module belongs to (longest prefix)."""
    best = max((p for p in LAYERS if module == p or module.startswith(p + ".")), key=len)
    return best


def modules() -> dict[str, Path]:
    """Every module of the bot, by dotted name."""
    found = {"scheduler": ROOT / "scheduler.py"}
    for path in [*ROOT.glob("bot/**/*.py"), *ROOT.glob("handlers/**/*.py")]:
        if "migrations" in path.parts:
            continue
        name = ".".join(path.relative_to(ROOT).with_suffix("").parts).removesuffix(".__init__")
        found[name] = path
    return found


def imports_of(name: str, path: Path) -> set[str]:
    """Absolute names of the bot's modules this one imports (relative imports resolved)."""
    found = set()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            found.add(target)
        elif isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
    return {t for t in found if t == "bot" or t.startswith(("bot.", "handlers", "scheduler"))}


def package_graph() -> dict[str, set[str]]:
    """Which layer package imports which."""
    graph: dict[str, set[str]] = defaultdict(set)
    for name, path in modules().items():
        source = package_of(name)
        for target in imports_of(name, path):
            if target == "bot":
                continue  # `from bot import create_app` is the entry point's lazy factory
            other = package_of(target)
            if other != source:
                graph[source].add(other)
    return graph


def test_no_package_imports_one_above_it():
    upward = [
        f"{source} → {target}"
        for source, targets in package_graph().items()
        for target in targets
        if LAYERS[target] > LAYERS[source]
    ]
    assert not upward


def test_no_two_packages_import_each_other():
    graph = package_graph()

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        for nxt in graph.get(start, ()):
            if nxt == goal or (nxt not in seen and reaches(nxt, goal, seen | {nxt})):
                return True
        return False

    loops = sorted(f"{a} ⇄ {b}" for a in graph for b in graph[a] if reaches(b, a, {b}))
    assert not loops


def test_one_topic_handler_does_not_import_another():
    handlers = [n for n in modules() if n.startswith("handlers.")]
    shared = {"handlers.common"}
    crossing = [
        f"{name} → {target}"
        for name in handlers
        for target in imports_of(name, modules()[name])
        if target.startswith("handlers.") and target not in shared and target != name
    ]
    assert not crossing
