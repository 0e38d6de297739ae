"""Demo mode (`make run`): the whole bot on one machine with nothing to configure.

An embedded SQLite database, the loopback stand-in of the Messaging API with credentials made up
for this run, sample class sessions, and the chat simulator at /dev/chat. The bot talks to the
stand-in through the real SDK over real HTTP, exactly as it would talk to LINE.
"""

from __future__ import annotations

import datetime as dt
import secrets
from pathlib import Path

from sqlalchemy import select

from bot.core.settings import Settings

SAMPLE_SESSIONS = [
    # Sample venues and times from the ward's 2025 consultation page (facts file); dates are
    # made relative to today so the demo always has something upcoming. Each has its English
    # title, as staff may give one: a resident reading English saw the Japanese titles.
    (
        "シニアのスマートフォン個別相談会",
        "Smartphone consultation for seniors",
        "consultation",
        "仲町ふれあい館",
        3,
        10,
        12,
        6,
    ),
    (
        "シニアのスマートフォン個別相談会",
        "Smartphone consultation for seniors",
        "consultation",
        "高島平ふれあい館",
        5,
        13,
        15,
        6,
    ),
    (
        "スマホ教室 はじめてのLINE",
        "Smartphone class: LINE for beginners",
        "class",
        "志村ふれあい館",
        8,
        10,
        12,
        10,
    ),
    (
        "スマホ教室 コンビニ交付とマイナポータル",
        "Smartphone class: konbini certificates and Mynaportal",
        "class",
        "徳丸ふれあい館",
        12,
        13,
        15,
        10,
    ),
]
DEMO_CLASS_BRING = "スマホをお持ちください"
DEMO_CLASS_BRING_EN = "Please bring your smartphone"


def demo_settings(settings: Settings, api_base_url: str) -> Settings:
    """Settings for a demo run: made-up credentials that only the stand-in knows."""
    return settings.with_overrides(
        channel_secret=secrets.token_hex(16),
        channel_access_token=secrets.token_urlsafe(32),
        api_base_url=api_base_url,
        demo=True,
    )


def seed_sessions(sessions, tz) -> int:
    """Add the sample sessions once (none are added if any session exists)."""
    from bot.classes import add_session
    from bot.core.models import ClassSession

    with sessions() as db:
        if db.scalar(select(ClassSession.id).limit(1)) is not None:
            return 0
        today = dt.datetime.now(tz).replace(minute=0, second=0, microsecond=0)
        for title, title_en, kind, venue, days, start_h, end_h, capacity in SAMPLE_SESSIONS:
            day = today + dt.timedelta(days=days)
            add_session(
                db,
                title=title,
                title_en=title_en,
                kind=kind,
                venue=venue,
                capacity=capacity,
                starts_at=day.replace(hour=start_h),
                ends_at=day.replace(hour=end_h),
                # Classes show what staff write for 持ち物 and ask names for the door list.
                bring=DEMO_CLASS_BRING if kind == "class" else "",
                bring_en=DEMO_CLASS_BRING_EN if kind == "class" else "",
                asks_name=kind == "class",
            )
        db.commit()
    return len(SAMPLE_SESSIONS)


DEMO_USERS = (
    ("manager@demo.itabashi.example", "manager"),
    ("staff@demo.itabashi.example", "staff"),
    ("admin@demo.itabashi.example", "admin"),
)


def create_demo_users(sessions) -> list[tuple[str, str, str]]:
    """Console users for the demo, with fresh passwords each start: (email, role, password)."""
    from bot.core.models import StaffUser
    from bot.staff import create_user, hash_password

    made = []
    with sessions() as db:
        for email, role in DEMO_USERS:
            password = secrets.token_urlsafe(12)
            user = db.scalar(select(StaffUser).where(StaffUser.email == email))
            if user is None:
                create_user(db, email, password, role, "demo")
            else:
                user.password_hash = hash_password(password)
            made.append((email, role, password))
        db.commit()
    return made


def build_demo_app(settings: Settings, history: bool = False):
    """The app wired to a fresh stand-in, with a migrated database and sample sessions (and,
    with `history`, a year of made-up history for the dashboard: bot.cli.demo_history)."""
    from bot import create_app
    from bot.core.db import make_engine
    from bot.core.migrate import upgrade
    from bot.line.standin import StandIn

    settings = demo_settings(settings, api_base_url="")
    # demo_settings always fills in a made-up access token.
    assert settings.channel_access_token is not None
    standin = StandIn(access_token=settings.channel_access_token)
    settings = settings.with_overrides(api_base_url=standin.start())
    standin.add_profile("U00000000000000000000000000de0001", "板橋 花子", language="ja")
    engine = make_engine(settings.database_url)
    upgrade(engine)  # demo mode migrates by itself
    engine.dispose()
    app = create_app(settings)
    navi = app.extensions["navi"]
    seed_sessions(navi.sessions, settings.tz)
    if history:
        from bot.cli.demo_history import seed_history
        from bot.core.db import utcnow

        with navi.sessions() as db:
            seed_history(db, navi.links, utcnow())
    app.extensions["standin"] = standin
    app.extensions["demo_users"] = create_demo_users(navi.sessions)
    # In demo mode the one process also sends what the scheduler would (announcements, reminders).
    import scheduler

    app.extensions["demo_scheduler"] = scheduler.start_demo_scheduler(navi)
    return app, standin


ACCOUNTS_FILE = "demo-accounts.txt"  # in the app's instance folder, beside the database


def accounts_text(users: list[tuple[str, str, str]], base_url: str) -> str:
    """The console's demo logins, as printed and as kept in the instance folder."""
    lines = [f"    {role:<8} {email}  password: {password}" for email, role, password in users]
    return f"  console         {base_url}/admin  (log in as one of these)\n" + "\n".join(lines)


def keep_accounts(app, text: str) -> Path:
    """Write the logins to instance/demo-accounts.txt (only the owner may read it)."""
    folder = Path(app.instance_path)
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / ACCOUNTS_FILE
    path.write_text(
        "Itabashi LINE Navi — demo console logins (new passwords at every start)\n" + text + "\n",
        "utf-8",
    )
    path.chmod(0o600)
    return path


def run_demo(settings: Settings, host: str = "127.0.0.1", port: int = 5000) -> int:
    """Start everything with a year of demo history and serve until Ctrl+C. The console's
    logins are printed last (after the server's own lines) and kept in instance/."""
    from werkzeug.serving import make_server

    app, standin = build_demo_app(settings, history=True)
    server = make_server(host, port, app, threaded=True)
    base_url = f"http://{host}:{server.server_port}"
    accounts = accounts_text(app.extensions["demo_users"], base_url)
    kept = keep_accounts(app, accounts)
    print(
        "\nItabashi LINE Navi — demo mode (a year of made-up history: 「デモ用の架空の数字」)\n"
        f"  chat simulator  {base_url}/dev/chat\n"
        f"  health          {base_url}/healthz\n"
        f"  LINE stand-in   {standin.base_url}\n"
        f"  database        {settings.database_url}\n"
        f"{accounts}\n"
        f"  (also in {kept})\n",
        flush=True,
    )
    try:
        server.serve_forever()
    except KeyboardInterrupt:
        pass
    finally:
        standin.stop()
    return 0
