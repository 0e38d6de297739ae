"""Console words in Japanese (default) and English, from content/console/<lang>.yaml."""

from __future__ import annotations

import functools
from urllib.parse import urlsplit

import yaml
from flask import redirect, request, session
from markupsafe import Markup

from bot.core.content_files import content_root
from bot.web.admin import bp
from bot.web.admin.security import safe_next

LANGS = ("ja", "en")


@functools.lru_cache(maxsize=1)
def texts() -> dict[str, dict[str, str]]:
    """Every console string per language; English must define what Japanese defines."""
    loaded = {
        lang: yaml.safe_load((content_root() / "console" / f"{lang}.yaml").read_text("utf-8"))
        for lang in LANGS
    }
    missing = set(loaded["ja"]) - set(loaded["en"])
    if missing:
        raise ValueError(f"content/console/en.yaml lacks {sorted(missing)}")
    return loaded


def current_lang() -> str:
    """The console language chosen in this session (Japanese unless English was asked for)."""
    return session.get("lang", "ja") if session.get("lang") in LANGS else "ja"


def t(key: str, **fields) -> str:
    """A console string in the current language. A count of one takes the key's `.one` form
    where the language has it ("Reaches 1 person now"; Japanese needs none)."""
    if fields.get("n") == 1 and f"{key}.one" in texts()[current_lang()]:
        key = f"{key}.one"
    text = texts()[current_lang()].get(key) or texts()["ja"].get(key) or key
    return text.format(**fields) if fields else text


def t_marked(key: str, **parts: str) -> Markup:
    """A console string with pieces of HTML put into it: words in the other language (an
    example key, say) go in an element that carries its own `lang`, so a screen reader reads
    them in that language. The string itself is escaped; only `parts` are taken as HTML."""
    return Markup.escape(t(key)).format(**{name: Markup(part) for name, part in parts.items()})


def init_app(app) -> None:
    """Make `t` and the language available to every template."""
    texts()
    # Demo mode says so on every page: its figures are made up (bot.cli.demo_history).
    demo = app.extensions["navi"].settings.demo
    app.jinja_env.globals.update(t=t, t_marked=t_marked, current_lang=current_lang, demo_mode=demo)


@bp.post("/lang")
def switch_language():
    """Switch the console between Japanese and English."""
    lang = request.form.get("lang")
    if lang in LANGS:
        session["lang"] = lang
    return redirect(back_to(request.referrer))


def back_to(referrer: str | None) -> str:
    """The console page the switch was pressed on; anything else (another site, no Referer)
    goes to the console's start."""
    if not referrer:
        return "/admin"
    parts = urlsplit(referrer)
    if parts.netloc and parts.netloc != request.host:
        return "/admin"
    path = parts.path + (f"?{parts.query}" if parts.query else "")
    return safe_next(path)
