"""Reading content files: where content/ is, YAML with errors that name the file and field.

Where content/ is: an explicit root (tests, tools), else ``CONTENT_DIR`` from the environment,
else the repository's content/ beside the package (a checkout or an editable install), else the
copy ``pip install .`` puts under ``<prefix>/share/itabashi-line-navi/content``. No other module
guesses the path.
"""

from __future__ import annotations

import functools
import os
import pathlib
import sys
import sysconfig
from typing import Any, TypeVar

import yaml
from pydantic import BaseModel, ValidationError

INSTALLED = pathlib.PurePosixPath("share", "itabashi-line-navi", "content")


class ContentError(Exception):
    """Content that cannot be loaded; the message names the file and the field."""


def content_root(root: pathlib.Path | str | None = None) -> pathlib.Path:
    """The content folder to read, as an absolute path (see the module docstring for the order).
    The default is looked up once per value of CONTENT_DIR: callers ask on every turn."""
    if root is not None:
        return pathlib.Path(root).resolve()
    return _default_root(os.environ.get("CONTENT_DIR", ""))


@functools.cache
def _default_root(configured: str) -> pathlib.Path:
    """Where content is when no folder is given: CONTENT_DIR, the checkout, the installation."""
    if configured:
        return pathlib.Path(configured).resolve()
    checkout = pathlib.Path(__file__).resolve().parents[2] / "content"
    if (checkout / "topics.yaml").is_file():
        return checkout
    for prefix in (sys.prefix, sysconfig.get_path("data")):
        installed = pathlib.Path(prefix, INSTALLED)
        if (installed / "topics.yaml").is_file():
            return installed
    raise ContentError(
        f"no content folder: set CONTENT_DIR, or install the package (looked in {checkout} "
        f"and {pathlib.Path(sys.prefix, INSTALLED)})"
    )


def read_yaml(path: pathlib.Path, error: type[Exception] = ContentError) -> Any:
    """Parse one YAML file; a syntax error becomes `error` naming the file (the rich menu
    loader passes its own)."""
    try:
        with path.open(encoding="utf-8") as fh:
            return yaml.safe_load(fh)
    except yaml.YAMLError as exc:
        raise error(f"{path}: not valid YAML: {exc}") from exc
    except OSError as exc:
        raise error(f"{path}: cannot read: {exc}") from exc


def error_location(loc: tuple[Any, ...], data: Any) -> str:
    """Turn a pydantic error location into 'entries[3] (key=hours).label' (or
    'areas[2].bounds.x' where list items have no key)."""
    out, node = "", data
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
            node = node[part] if isinstance(node, list) and part < len(node) else None
            if isinstance(node, dict) and "key" in node:
                out += f" (key={node['key']})"
        else:
            out += f".{part}" if out else str(part)
            node = node.get(part) if isinstance(node, dict) else None
    return out or "(file)"


ModelT = TypeVar("ModelT", bound=BaseModel)


def read_model(
    path: pathlib.Path, model: type[ModelT], expected: str, error: type[Exception] = ContentError
) -> ModelT:
    """One YAML mapping validated by a pydantic model; `error` names the file and the first
    failing field (the rich menu loader passes its own). `expected` says what the mapping holds."""
    data = read_yaml(path, error)
    if not isinstance(data, dict):
        raise error(f"{path}: expected a mapping with {expected}")
    try:
        return model.model_validate(data)
    except ValidationError as exc:
        first = exc.errors()[0]
        raise error(f"{path}: {error_location(first['loc'], data)}: {first['msg']}") from exc
