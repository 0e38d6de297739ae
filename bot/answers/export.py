"""`python -m bot content export DIR`: the live answers written back as the repository's YAML.

DIR gets a copy of content/ in which only what staff changed differs: an edited entry has just
its changed fields rewritten, in the files' own style (block text, flow lists, the link on one
line), and keeps its comments, notes and every other line; a new entry or area is appended as a
block of its own. So `diff -r content DIR` shows the edits and nothing else, and a developer can
take them into the repository. The result is loaded and compared with the live answers before
the command reports success.
"""

from __future__ import annotations

import json
import pathlib
import re
import shutil
from collections.abc import Iterable
from typing import Any

import yaml

from bot.answers.overlay import Published
from bot.core.content import Content, Entry, load_content
from bot.core.directory import Area

ENTRY_FIELDS = ("label", "match", "title", "text", "source", "checked", "link")
FIELD_INDENT = 4


class ExportError(Exception):
    """The export could not be written faithfully; the message says where."""


def export(
    live: Content, base_root: pathlib.Path, versions: Iterable[Published], out: pathlib.Path
) -> list[pathlib.Path]:
    """Write content/ with the live versions into `out` (new or empty); the files changed."""
    if out.exists() and any(out.iterdir()):
        raise ExportError(f"{out}: not empty; give a new or empty folder")
    shutil.copytree(base_root, out, dirs_exist_ok=True)
    base = load_content(base_root)
    changed: set[pathlib.Path] = set()
    versions = list(versions)
    for version in versions:
        if version.kind == "area":
            changed |= _export_area(base, live, version.key, out / "directory.yaml")
            continue
        for code in live.languages.codes:
            path = out / code / f"{version.topic}.yaml"
            before = _own_entry(base, version.topic, code, version.key)
            after = _own_entry(live, version.topic, code, version.key)
            if before != after and path.exists():
                path.write_text(
                    patch_entry(path.read_text("utf-8"), version.key, before, after), "utf-8"
                )
                changed.add(path)
    _verify(live, out, versions)
    return sorted(changed)


def _own_entry(content: Content, topic: str, lang: str, key: str) -> Entry | None:
    own = content.own_topic(topic, lang)
    return own.get(key) if own else None


def _area(content: Content, key: str) -> Area | None:
    return content.directory.get(key) if content.directory else None


def _export_area(base: Content, live: Content, key: str, path: pathlib.Path) -> set[pathlib.Path]:
    before, after = _area(base, key), _area(live, key)
    if after is None or before == after:
        return set()
    path.write_text(patch_area(path.read_text("utf-8"), key, after), "utf-8")
    return {path}


def _verify(live: Content, out: pathlib.Path, versions: list[Published]) -> None:
    """Load what was written and compare every exported answer with the live one."""
    written = load_content(out)
    for version in versions:
        if version.kind == "area":
            if _area(written, version.key) != _area(live, version.key):
                raise ExportError(f"directory.yaml: area {version.key} did not round-trip")
            continue
        for code in live.languages.codes:
            if _own_entry(written, version.topic, code, version.key) != _own_entry(
                live, version.topic, code, version.key
            ):
                raise ExportError(f"{code}/{version.topic}.yaml: {version.key} did not round-trip")


# -- editing YAML text, keeping everything else byte for byte ---------------------------------


def _indent(line: str) -> int:
    return len(line) - len(line.lstrip(" "))


def _block_span(lines: list[str], item: str, key: str) -> tuple[int, int] | None:
    """Lines [start, end) of the list item `  - <item>: <key>` (its trailing blank lines and
    the comments that open the next item excluded)."""
    opening = re.compile(rf"^  - {item}: ['\"]?{re.escape(key)}['\"]?\s*(#.*)?$")
    start = next((i for i, line in enumerate(lines) if opening.match(line)), None)
    if start is None:
        return None
    end = start + 1
    while end < len(lines):
        line = lines[end]
        if line.strip() and (_indent(line) < FIELD_INDENT):
            break
        end += 1
    while end > start + 1 and (not lines[end - 1].strip()):
        end -= 1
    return start, end


def _field_span(lines: list[str], start: int, end: int, field: str) -> tuple[int, int] | None:
    """Lines of one field of an item (its continuation lines included)."""
    prefix = " " * FIELD_INDENT + field + ":"
    first = next((i for i in range(start + 1, end) if lines[i].startswith(prefix)), None)
    if first is None:
        return None
    last = first + 1
    while last < end and (not lines[last].strip() or _indent(lines[last]) > FIELD_INDENT):
        last += 1
    while last > first + 1 and not lines[last - 1].strip():
        last -= 1
    return first, last


def _flow(value: Any) -> str:
    """A list or mapping in YAML flow style on one line, in its own order."""
    dumped = yaml.safe_dump(
        value, default_flow_style=True, allow_unicode=True, width=10**9, sort_keys=False
    )
    return dumped.strip()


def _scalar(value: str) -> str:
    """A string as a one-line YAML scalar after `field: ` (plain where YAML reads it back the
    same, as the repository writes URLs and titles)."""
    dumped = yaml.safe_dump(value, allow_unicode=True, width=10**9)
    return dumped.removesuffix("\n...\n").strip()


def _flow_scalar(value: str) -> str:
    """A string as an item inside a flow mapping or list."""
    return _flow([value])[1:-1]


def render_field(field: str, entry: Entry) -> list[str]:
    """The YAML lines of one field of an entry, in the repository's style ([] when unset)."""
    pad = " " * FIELD_INDENT
    if field == "text":
        if any(line.startswith((" ", "\t")) for line in entry.text.splitlines()):
            return [f"{pad}text: {json.dumps(entry.text, ensure_ascii=False)}"]
        body = [f"{pad}  {line}" if line else "" for line in entry.text.splitlines()]
        return [f"{pad}text: |", *body]
    if field == "link":
        if entry.link is None:
            return []
        label, url = _flow_scalar(entry.link.label), json.dumps(entry.link.url, ensure_ascii=False)
        return [f"{pad}link: {{label: {label}, url: {url}}}"]
    if field == "match":
        return [f"{pad}match: {_flow(list(entry.match))}"]
    if field == "checked":
        return [f"{pad}checked: {entry.checked.isoformat()}"]
    return [f"{pad}{field}: {_scalar(getattr(entry, field))}"]


def patch_entry(text: str, key: str, before: Entry | None, after: Entry | None) -> str:
    """The file's text with one entry changed, added (after the last entry) or removed."""
    lines = text.split("\n")
    span = _block_span(lines, "key", key)
    if after is None:
        if span is not None:
            start, end = span
            while start > 0 and not lines[start - 1].strip():
                start -= 1
            del lines[start:end]
        return "\n".join(lines)
    if span is None or before is None:
        block = [f"  - key: {after.key}"]
        for field in ENTRY_FIELDS:
            block += render_field(field, after)
        return _append_item(lines, block)
    start, end = span
    for field in reversed(ENTRY_FIELDS):  # from the bottom, so earlier spans stay put
        if getattr(before, field) == getattr(after, field):
            continue
        new = render_field(field, after)
        found = _field_span(lines, start, end, field)
        if found is None:
            lines[end:end] = new
        else:
            lines[found[0] : found[1]] = new
    return "\n".join(lines)


def _append_item(lines: list[str], block: list[str]) -> str:
    """A new list item after the last one of the file's list, a blank line before it."""
    last = len(lines)
    while last > 0 and not lines[last - 1].strip():
        last -= 1
    return "\n".join([*lines[:last], "", *block, *lines[last:]])


def render_area(area: Area) -> list[str]:
    """An area's block in content/directory.yaml's style."""
    block = [f"  - area: {area.area}", f"    name: {_flow(dict(area.name))}"]
    if area.section:
        block.append(f"    section: {_flow(dict(area.section))}")
    if area.phone:
        block.append(f"    phone: {json.dumps(area.phone)}")
    if area.url:
        block.append(f"    url: {_scalar(area.url)}")
    block += [f"    source: {_scalar(area.source)}", f"    checked: {area.checked.isoformat()}"]
    if area.note:
        block.append(f"    note: {json.dumps(area.note, ensure_ascii=False)}")
    if area.unofficial:
        block.append(f"    unofficial: {json.dumps(area.unofficial, ensure_ascii=False)}")
    if area.match:
        block.append("    match:")
        block += [f"      {lang}: {_flow(list(words))}" for lang, words in area.match.items()]
    return block


def patch_area(text: str, key: str, area: Area) -> str:
    """content/directory.yaml with one area replaced, or appended when new."""
    lines = text.split("\n")
    span = _block_span(lines, "area", key)
    if span is None:
        return _append_item(lines, render_area(area))
    lines[span[0] : span[1]] = render_area(area)
    return "\n".join(lines)
