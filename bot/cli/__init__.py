"""`python -m bot <command>`: the command line of DESIGN §3.

Each command builds what it needs through the same factory as the web app, prints figures a
person can read (or JSON with --json), and exits non-zero with a clear message on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import sys
import time

from bot.core.catalogue import load_languages, subscribable_topics
from bot.core.db import MAX_ID
from bot.core.migrate import DatabaseNotReady
from bot.core.settings import Settings, SettingsError


def main(argv: list[str] | None = None) -> int:
    """Parse the command line and run one command."""
    parser = build_parser()
    args = parser.parse_args(argv)
    if not getattr(args, "run", None):
        parser.print_help()
        return 2
    try:
        return args.run(args) or 0
    except SettingsError as error:
        print(f"Configuration error: {error}", file=sys.stderr)
        return 2
    except CommandError as error:
        print(f"Error: {error}", file=sys.stderr)
        return 1
    except DatabaseNotReady as error:
        print(f"Database not ready: {error}", file=sys.stderr)
        return 2


class CommandError(Exception):
    """A command cannot do what was asked; the message says what to do instead."""


def build_parser() -> argparse.ArgumentParser:
    """Every command and its options."""
    parser = argparse.ArgumentParser(prog="python -m bot", description="Itabashi LINE Navi")
    commands = parser.add_subparsers(title="commands")

    serve = commands.add_parser("serve", help="run the web app with a production server")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.set_defaults(run=run_serve)

    demo = commands.add_parser("demo", help="demo mode on http://127.0.0.1:5000 (make run)")
    demo.add_argument("--host", default="127.0.0.1")
    demo.add_argument("--port", type=int, default=5000)
    demo.set_defaults(run=run_demo)

    route = commands.add_parser("route", help="classify messages from stdin, one JSON per line")
    route.set_defaults(run=run_route)

    db = commands.add_parser("db", help="database commands").add_subparsers(title="db commands")
    db.add_parser("upgrade", help="apply migrations to DATABASE_URL").set_defaults(run=run_upgrade)

    stats = commands.add_parser("stats", help="registration figures")
    stats.add_argument("--json", action="store_true")
    stats.set_defaults(run=run_stats)

    sync = commands.add_parser("sync-followers", help="import follower IDs from LINE")
    sync.add_argument(
        "--no-languages",
        action="store_true",
        help="do not ask LINE for each new friend's profile language (the default language)",
    )
    sync.set_defaults(run=run_sync_followers)

    announce = commands.add_parser(
        "announce", help="send (or schedule) an announcement to a topic's subscribers"
    )
    audience = announce.add_mutually_exclusive_group(required=True)
    audience.add_argument("--topic", choices=subscribable_topics())
    audience.add_argument("--all", action="store_true", help="everyone who accepts any topic")
    audience.add_argument(
        "--resume",
        type=int,
        metavar="ID",
        help="finish an interrupted send, retrying batches that failed for a passing reason",
    )
    announce.add_argument("--text", help="the Japanese text (every resident without their own)")
    announce.add_argument("--text-en", help="the English text, for residents who chose English")
    announce.add_argument(
        "--text-easy", help="the やさしい日本語 text, for residents who chose やさしい日本語"
    )
    announce.add_argument("--at", help="send later, ISO 8601 (the scheduler sends it)")
    announce.add_argument(
        "--pace", type=float, default=None, help="multicast requests per second (default 180)"
    )
    announce.set_defaults(run=run_announce)

    staff = commands.add_parser("staff", help="console users")
    staff_commands = staff.add_subparsers(title="staff commands")
    staff_add = staff_commands.add_parser("add", help="create a console user (password on stdin)")
    staff_add.add_argument("--email", required=True)
    staff_add.add_argument("--role", choices=("staff", "manager", "admin"), required=True)
    staff_add.set_defaults(run=run_staff_add)
    staff_password = staff_commands.add_parser(
        "password", help="set a new password for a user who forgot theirs (password on stdin)"
    )
    staff_password.add_argument("--email", required=True)
    staff_password.set_defaults(run=run_staff_password)

    scheduler = commands.add_parser("scheduler", help="run the job scheduler (one process)")
    scheduler.set_defaults(run=run_scheduler)

    purge = commands.add_parser("purge", help="delete data past its retention period now")
    purge.set_defaults(run=run_purge)

    unanswered = commands.add_parser(
        "unanswered", help="questions the bot could not answer, grouped, most frequent first"
    )
    unanswered.add_argument("--days", type=int, default=90, help="only the last N days")
    unanswered.add_argument("--json", action="store_true")
    unanswered.set_defaults(run=run_unanswered)

    router = commands.add_parser("router", help="the intent router's model")
    router_commands = router.add_subparsers(title="router commands")
    router_train = router_commands.add_parser(
        "train",
        help="retrain from data/ plus staff phrasings; publish unless held-out accuracy drops "
        "by more than 0.5 points",
    )
    router_train.add_argument(
        "--quick",
        action="store_true",
        help="warm start from the live model, fitting only the phrasings' own features "
        "(seconds, not minutes)",
    )
    router_train.set_defaults(run=run_router_train)

    richmenu = commands.add_parser("richmenu", help="the rich menu defined in content/")
    richmenu_commands = richmenu.add_subparsers(title="richmenu commands")
    deploy = richmenu_commands.add_parser(
        "deploy", help="create it through the API, make it default"
    )
    deploy.set_defaults(run=run_richmenu_deploy)

    content = commands.add_parser("content", help="the answers residents get")
    content_commands = content.add_subparsers(title="content commands")
    content_export = content_commands.add_parser(
        "export", help="write the live answers (YAML + published edits) as YAML into DIR"
    )
    content_export.add_argument("dir", metavar="DIR", help="a new or empty folder")
    content_export.set_defaults(run=run_content_export)

    classes = commands.add_parser("classes", help="smartphone class sessions")
    class_commands = classes.add_subparsers(title="classes commands")
    add = class_commands.add_parser("add", help="add a session")
    add.add_argument("--title", required=True)
    add.add_argument("--starts-at", required=True, help="ISO 8601, e.g. 2026-12-03T10:00+09:00")
    add.add_argument("--ends-at")
    add.add_argument("--venue", required=True)
    add.add_argument("--capacity", type=int, required=True)
    add.add_argument("--kind", choices=("class", "consultation"), default="class")
    add.add_argument("--description", default="")
    add.add_argument("--bring", default="", help="what to bring, as residents' cards show it")
    add.add_argument("--ask-name", action="store_true", help="ask each resident's name at booking")
    # What English-speaking residents see; without them they see the Japanese title, venue and
    # what to bring.
    add.add_argument("--title-en", default="", help="the title residents reading English see")
    add.add_argument("--venue-en", default="", help="the venue residents reading English see")
    add.add_argument("--bring-en", default="", help="what to bring, for residents reading English")
    add.set_defaults(run=run_classes_add)
    listing = class_commands.add_parser("list", help="list sessions")
    listing.add_argument("--json", action="store_true")
    listing.set_defaults(run=run_classes_list)
    return parser


def _database():
    """Settings and a session factory, without the web app (for data commands)."""
    from bot.core.db import make_engine, make_session_factory

    settings = Settings.from_env()
    engine = make_engine(settings.database_url)
    return settings, engine, make_session_factory(engine)


def _gateway(settings: Settings, command: str):
    """The LINE gateway for a command that talks to LINE; refused in demo mode."""
    from bot.line.gateway import LineGateway

    if settings.demo:
        raise CommandError(f"{command} needs LINE_CHANNEL_ACCESS_TOKEN (not in demo mode)")
    # Settings.from_env (every caller's source) sets demo exactly when no token is set.
    assert settings.channel_access_token is not None
    return LineGateway(settings.channel_access_token, settings.api_base_url)


def run_serve(args) -> int:
    """Production: gunicorn with the app factory (demo mode when no credentials are set)."""
    from bot.web.serve import NotConfigured, serve

    try:
        return serve(Settings.from_env(), args.host, args.port, args.workers)
    except NotConfigured as error:
        raise CommandError(str(error)) from None


def run_demo(args) -> int:
    """Demo mode: embedded database, the stand-in LINE API and the chat simulator."""
    from bot.cli.demo import run_demo as start

    return start(Settings.from_env(), args.host, args.port)


def run_announce(args) -> int:
    """Create an announcement and send it now (with progress), or schedule it."""
    import getpass

    from bot import announcements
    from bot.core.db import utcnow
    from bot.line.gateway import LineError

    settings, _, sessions = _database()
    gateway = _gateway(settings, "announce")
    if args.resume is None:
        if not args.text:
            raise CommandError("--text is required (the Japanese message residents will read)")
        translations = {"en": args.text_en or "", "ja_easy": args.text_easy or ""}
        send_at = _parse_time(args.at, "--at", settings.tz) if args.at else None
        if send_at is not None and announcements.send_time_passed(send_at):
            # As the console: a time already past is a slip, not "send now".
            raise CommandError(
                f"--at {args.at} has passed; give a time ahead, or leave --at out to send now"
            )
        with sessions() as db:
            try:
                announcement = announcements.create_announcement(
                    db,
                    text=args.text,
                    topic=args.topic,
                    created_by=f"cli:{getpass.getuser()}",
                    send_at=send_at,
                    translations=translations,
                )
            except announcements.AnnouncementError as error:
                raise CommandError(str(error)) from None
            reach = announcements.audience_size(db, args.topic)
            by_text = announcements.readers_by_text(
                db, args.topic, announcements.texts_of(announcement)
            )
            db.commit()
        if send_at is not None and send_at > utcnow():
            when = send_at.astimezone(settings.tz).strftime("%Y-%m-%d %H:%M %Z")
            print(
                f"announcement {announcement.id} scheduled for {when} "
                f"(would reach {reach:,} residents now: {_by_language(by_text)}); "
                "the scheduler sends it"
            )
            return 0
        announcement_id = announcement.id
    else:
        announcement_id = args.resume
        if not 0 < announcement_id <= MAX_ID:  # past the database's keys: the driver raises
            raise CommandError(f"there is no announcement {announcement_id}")
        reopened = announcements.reopen_failed_batches(sessions, announcement_id)
        if reopened:
            print(f"retrying {reopened:,} failed batch(es)", file=sys.stderr)
    pace = args.pace or announcements.PACE_PER_SECOND
    for attempt in range(int(announcements.LEASE.total_seconds()) + 2):
        try:
            report = announcements.send_announcement(
                sessions, gateway, announcement_id, per_second=pace, progress=_send_progress
            )
            break
        except announcements.SenderBusy as busy:
            if args.resume is None or attempt > announcements.LEASE.total_seconds():
                raise CommandError(str(busy)) from None
            if attempt == 0:
                print("waiting for the interrupted sender's lease to lapse…", file=sys.stderr)
            time.sleep(1)
        except (announcements.AnnouncementError, LineError) as error:
            raise CommandError(str(error)) from None
    with sessions() as db:
        delivered = announcements.delivered_by_language(db, report.announcement_id)
    print(
        f"\nannouncement {report.announcement_id}: {report.status}; delivered to "
        f"{report.delivered:,} of {report.audience:,}"
        + (f" ({_by_language(delivered)})" if len(delivered) > 1 else "")
        + (f", {report.failed:,} failed" if report.failed else "")
        + f" in {report.seconds:.1f} s"
    )
    return 0 if report.status == "sent" else 1


def _by_language(counts: dict[str, int]) -> str:
    """`ja 5, en 2`: residents per language of the text they receive."""
    return ", ".join(f"{lang} {count:,}" for lang, count in counts.items()) or "nobody"


def _send_progress(done: int, total: int) -> None:
    """One updating line: how far the send has come."""
    share = done / total if total else 1
    print(f"\rsent {done:,} / {total:,} ({share:.0%})", end="", file=sys.stderr, flush=True)


def run_staff_add(args) -> int:
    """Create a console user; the password is read from stdin (never from the command line,
    where other users of the machine could see it)."""
    import getpass

    from bot.staff import StaffError, create_user

    password = _password_from_stdin()
    _, _, sessions = _database()
    with sessions() as db:
        try:
            user = create_user(db, args.email, password, args.role, f"cli:{getpass.getuser()}")
        except StaffError as error:
            raise CommandError(str(error)) from None
        db.commit()
        print(f"created {user.role} {user.email}")
    return 0


def run_staff_password(args) -> int:
    """A new password for a console user who forgot theirs, read from stdin as `staff add`
    reads it; their sessions on every browser end."""
    import getpass

    from bot.staff import StaffError, reset_password

    password = _password_from_stdin()
    _, _, sessions = _database()
    with sessions() as db:
        try:
            user = reset_password(db, args.email, password, f"cli:{getpass.getuser()}")
        except StaffError as error:
            raise CommandError(str(error)) from None
        db.commit()
        print(f"new password set for {user.email}; their sessions have ended")
    return 0


def _password_from_stdin() -> str:
    """A password typed at a prompt, or piped in (never on the command line, where other users
    of the machine could see it)."""
    import getpass

    if sys.stdin.isatty():
        return getpass.getpass("password (12+ characters): ")
    return sys.stdin.readline().rstrip("\r\n")


def run_scheduler(args) -> int:
    """The scheduler process (scheduler.py)."""
    import scheduler

    return scheduler.main()


def run_purge(args) -> int:
    """Apply the retention rules now (the scheduler does this daily). Residents given a seat
    a purged resident held are told, as the scheduler tells them; in demo mode, with no LINE to
    tell them through, the command says how many were not told."""
    from bot.core.db import utcnow
    from bot.residents.housekeeping import purge_expired

    settings, _, sessions = _database()
    if settings.demo:
        with sessions() as db:
            purged = purge_expired(db, utcnow())
    else:
        import scheduler
        from bot.web.app import build_services

        purged = scheduler.purge_and_tell(build_services(settings))
    print(
        f"deleted: {purged.unanswered} unanswered questions, {purged.event_ids} event ids, "
        f"{purged.contexts} contexts, {purged.unfollowed} followers who blocked the account, "
        f"{purged.login_attempts} console login attempts, "
        f"{purged.booking_names} names given when booking"
    )
    if purged.promoted:
        told = "not told: demo mode has no LINE" if settings.demo else "told by push"
        print(f"seats given from the waiting list: {len(purged.promoted)} ({told})")
    return 0


def run_unanswered(args) -> int:
    """Print unanswered questions grouped by similarity, most frequent first."""
    from bot.core.db import utcnow
    from bot.residents.unanswered import group_questions, recent_unanswered

    _, _, sessions = _database()
    with sessions() as db:
        texts = recent_unanswered(db, utcnow() - dt.timedelta(days=args.days))
    groups = group_questions(texts)
    if args.json:
        rows = [{"example": g.example, "count": g.count, "variants": g.variants} for g in groups]
        print(json.dumps(rows, ensure_ascii=False))
        return 0
    if not groups:
        print(f"no unanswered questions in the last {args.days} days")
    for group in groups:
        print(f"{group.count:>5}  {group.example}")
        for variant in group.variants[:5]:
            print(f"       · {variant}")
    return 0


def run_content_export(args) -> int:
    """Write content/ with the answers managers published into DIR, in the repository's
    format: `diff -r content DIR` shows only the edits."""
    import pathlib

    from bot.answers import overlay
    from bot.answers.export import ExportError, export
    from bot.answers.versions import live_versions
    from bot.core.content import load_content
    from bot.core.content_files import content_root
    from bot.core.migrate import check_ready

    _, engine, sessions = _database()
    check_ready(engine)
    with sessions() as db:
        versions = live_versions(db)
        live = overlay.apply(load_content(), versions)
        try:
            changed = export(live, content_root(), versions, pathlib.Path(args.dir))
        except ExportError as error:
            raise CommandError(str(error)) from None
    print(f"{len(versions)} published answers; files that differ from the repository's:")
    for path in changed:
        print(f"  {path}")
    return 0


def run_router_train(args) -> int:
    """Retrain the router and publish it to every worker, or refuse it with both figures."""
    import os

    from bot.conversation import learning
    from bot.core.content import load_content
    from bot.core.migrate import check_ready

    for var in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS"):
        os.environ.setdefault(var, "1")  # deterministic maths, and the web workers keep a core
    _, engine, sessions = _database()
    check_ready(engine)
    started = time.monotonic()
    with sessions() as db:
        try:
            run = learning.start_run(db, "command line", args.quick)
        except learning.TrainingError as error:
            raise CommandError(str(error)) from None
        run_id = run.id
    kind = "quick (warm start)" if args.quick else "full"
    print(f"retraining #{run_id}, {kind}")

    def progress(stage: str) -> None:
        print(f"  {time.monotonic() - started:6.1f} s  {stage}", flush=True)

    try:
        done = learning.run_training(sessions, run_id, load_content(), progress)
    except learning.TrainingError as error:
        raise CommandError(str(error)) from None
    live, new = done.live_accuracy or 0.0, done.new_accuracy or 0.0
    figures = f"held-out accuracy {new:.1%} (live model {live:.1%})"
    if done.status != "published":
        print(
            f"refused: {figures}: a drop of more than {learning.MAX_DROP * 100:.1f} points; "
            "the live model stays",
            file=sys.stderr,
        )
        return 1
    print(
        f"published #{run_id}: {figures}, {done.phrases} staff phrasings; "
        "every worker switches to it within seconds"
    )
    return 0


def run_richmenu_deploy(args) -> int:
    """Create the rich menu with its image and make it every friend's default."""
    from bot.line.richmenu import RichMenuError, deploy_rich_menu, load_rich_menu

    gateway = _gateway(Settings.from_env(), "richmenu deploy")
    try:
        definition = load_rich_menu()
    except RichMenuError as error:
        raise CommandError(str(error)) from None
    menu_id = deploy_rich_menu(gateway, definition)
    print(f"rich menu {menu_id} created and set as the default")
    return 0


def run_route(args) -> int:
    """Read messages on stdin; print {"text", "intent", "confidence"} per line."""
    from bot.conversation.router import route_lines

    route_lines(sys.stdin, sys.stdout)
    return 0


def run_upgrade(args) -> int:
    """Apply migrations."""
    from bot.core.migrate import upgrade

    _, engine, _ = _database()
    upgrade(engine)
    print(f"database is up to date ({engine.url.render_as_string(hide_password=True)})")
    return 0


def run_stats(args) -> int:
    """Followers now, against this fiscal year's target (FOLLOWER_TARGET when none is set)."""
    from bot.core.db import utcnow
    from bot.reports.kpi import FiscalYear, jst_today
    from bot.reports.targets import target_value
    from bot.residents.followers import followers_at

    settings, _, sessions = _database()
    year = FiscalYear.of(jst_today(utcnow())).year
    with sessions() as db:
        count = followers_at(db)
        set_for_year = target_value(db, "followers", year, year, settings.follower_target)
    target = round(set_for_year or settings.follower_target)
    figures = {
        "followers": count,
        "target": target,
        "gap": max(target - count, 0),
        "progress": round(count / target, 4),
    }
    if args.json:
        print(json.dumps(figures))
    else:
        print(
            f"followers {count:,} / FY{year} target {target:,} "
            f"({figures['progress']:.1%}); {figures['gap']:,} to go"
        )
    return 0


def run_sync_followers(args) -> int:
    """Page through LINE's follower IDs and make sure each has a row (idempotent), new ones
    in their LINE profile's language unless --no-languages."""
    from bot.residents.sync import sync_followers

    settings, _, sessions = _database()
    gateway = _gateway(settings, "sync-followers")
    languages = None if args.no_languages else load_languages()
    result = sync_followers(sessions, gateway, progress=_progress, languages=languages)
    print(f"\nsynced {result.seen:,} follower IDs: {result.added:,} new")
    return 0


def _progress(done: int, added: int) -> None:
    """One updating terminal line, so long work shows it is alive."""
    print(f"\r{done:,} IDs read, {added:,} new", end="", file=sys.stderr, flush=True)


def _parse_time(text: str, field: str, tz) -> dt.datetime:
    """An ISO time; a time without zone is read in BOT_TIMEZONE."""
    try:
        value = dt.datetime.fromisoformat(text)
    except ValueError:
        raise CommandError(
            f"{field} {text!r} is not ISO 8601, e.g. 2026-12-03T10:00+09:00"
        ) from None
    value = value if value.tzinfo else value.replace(tzinfo=tz)
    try:
        value.astimezone(dt.UTC)  # as the database stores it
    except OverflowError:  # 0001-01-01T00:00+09:00 is in year 0 in UTC
        raise CommandError(f"{field} {text!r} is out of range") from None
    return value


def run_classes_add(args) -> int:
    """Add a class session."""
    from bot import classes

    settings, _, sessions = _database()
    starts_at = _parse_time(args.starts_at, "--starts-at", settings.tz)
    ends_at = _parse_time(args.ends_at, "--ends-at", settings.tz) if args.ends_at else None
    with sessions() as db:
        try:
            session = classes.add_session(
                db,
                title=args.title,
                starts_at=starts_at,
                ends_at=ends_at,
                venue=args.venue,
                capacity=args.capacity,
                kind=args.kind,
                description=args.description,
                bring=args.bring,
                asks_name=args.ask_name,
                title_en=args.title_en,
                venue_en=args.venue_en,
                bring_en=args.bring_en,
            )
        except classes.ClassError as error:
            raise CommandError(str(error)) from None
        db.commit()
        print(json.dumps(classes.session_as_dict(session), ensure_ascii=False))
    return 0


def run_classes_list(args) -> int:
    """List class sessions."""
    from bot import classes

    settings, _, sessions = _database()
    with sessions() as db:
        rows = classes.all_sessions(db)
        if args.json:
            print(json.dumps([classes.session_as_dict(s) for s in rows], ensure_ascii=False))
            return 0
        for s in rows:
            when = classes.format_when(s, settings.tz, "ja")
            print(f"{s.id:>4}  {when}  {s.title}  @{s.venue}  {s.reserved}/{s.capacity}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
