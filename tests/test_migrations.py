"""Migrations build the schema from an empty database and match the models."""

import datetime as dt

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text

from bot.core.db import Base, make_engine
from bot.core.migrate import alembic_config, upgrade
from tests.conftest import DATABASES, POSTGRES_URL


def test_upgrade_on_an_empty_database_creates_every_table_and_is_repeatable(tmp_path):
    engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    upgrade(engine)
    upgrade(engine)  # a second run changes nothing and does not fail
    tables = set(inspect(engine).get_table_names())
    assert {t.name for t in Base.metadata.sorted_tables} <= tables
    assert "alembic_version" in tables


def test_migrations_match_the_models(database_url):
    engine = make_engine(database_url)
    with engine.connect() as connection:
        # APScheduler keeps its own table beside ours; it is not part of our schema.
        context = MigrationContext.configure(
            connection,
            opts={"include_name": lambda name, kind, _: name != "apscheduler_jobs"},
        )
        differences = compare_metadata(context, Base.metadata)
    engine.dispose()
    assert differences == []


@pytest.fixture(params=DATABASES)
def empty_engine(request, tmp_path):
    """An engine on an empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        engine = make_engine(f"sqlite:///{tmp_path / 'empty.db'}")
    else:
        request.getfixturevalue("migrated_postgres")  # skips without TEST_POSTGRES_URL
        schema = "migration_steps"
        with make_engine(POSTGRES_URL).begin() as connection:
            connection.execute(text(f"DROP SCHEMA IF EXISTS {schema} CASCADE"))
            connection.execute(text(f"CREATE SCHEMA {schema}"))
        separator = "&" if "?" in POSTGRES_URL else "?"
        engine = make_engine(f"{POSTGRES_URL}{separator}options=-csearch_path%3D{schema}")
    yield engine
    engine.dispose()


def rollup(engine) -> list[tuple]:
    """follow_daily's rows, the day as ISO text (SQLite gives text, PostgreSQL a date)."""
    with engine.connect() as connection:
        rows = connection.execute(text("SELECT * FROM follow_daily"))
        return [(str(day), *counts) for day, *counts in rows]


def test_0006_moves_data_deletions_out_of_the_blocks_and_back_on_downgrade(empty_engine):
    upgrade(empty_engine, "0005_dashboard_indexes")
    at = dt.datetime(2026, 11, 2, 3, 0)  # 12:00 in Tokyo
    rows = [(1, "follow")] * 3 + [(-1, "erased"), (-1, "unfollow")]
    insert = text("INSERT INTO follow_ledger (occurred_at, delta, kind) VALUES (:at, :d, :k)")
    with empty_engine.begin() as connection:
        connection.execute(insert, [{"at": at, "d": d, "k": k} for d, k in rows])
    assert rollup(empty_engine) == [("2026-11-02", 3, 0, 2)]  # the erasure was a block

    upgrade(empty_engine)
    assert rollup(empty_engine) == [("2026-11-02", 3, 0, 1, 1)]
    with empty_engine.begin() as connection:  # and the trigger now sorts new rows the same way
        connection.execute(insert, {"at": at, "d": -1, "k": "erased"})
    assert rollup(empty_engine) == [("2026-11-02", 3, 0, 1, 2)]

    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0005_dashboard_indexes")
    assert rollup(empty_engine) == [("2026-11-02", 3, 0, 3)]


def test_0019_gives_every_resident_who_followed_before_it_the_day_before_reminders(empty_engine):
    """A resident who booked a class before the setting existed keeps the reminder they got."""
    upgrade(empty_engine, "0018_nameless_held_seats")
    insert = text(
        "INSERT INTO followers (line_user_id, language, large_text, following, last_event_ms,"
        " created_at) VALUES (:u, 'ja', :large, :following, 0, :at)"
    )
    at = dt.datetime(2026, 11, 2, 3, 0)
    with empty_engine.begin() as connection:
        connection.execute(
            insert, {"u": "U" + "1" * 32, "large": False, "following": True, "at": at}
        )
        connection.execute(
            insert, {"u": "U" + "2" * 32, "large": True, "following": False, "at": at}
        )

    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        rows = connection.execute(
            text("SELECT line_user_id, class_reminders FROM followers ORDER BY line_user_id")
        ).all()
    assert [(user[1], bool(on)) for user, on in rows] == [("1", True), ("2", True)]
    with empty_engine.begin() as connection:  # a row written later without it gets it on too
        connection.execute(
            insert, {"u": "U" + "3" * 32, "large": False, "following": True, "at": at}
        )
        on = connection.scalar(
            text("SELECT class_reminders FROM followers WHERE line_user_id = :u"),
            {"u": "U" + "3" * 32},
        )
    assert bool(on) is True

    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0018_nameless_held_seats")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("followers")}
    assert "class_reminders" not in columns and "large_text" in columns


def test_0020_keeps_sessions_saved_before_it_showing_english_readers_the_japanese(empty_engine):
    """A session saved before what to bring had an English field gets an empty one (English
    readers see the Japanese 持ち物, as before), and the downgrade takes the field away."""
    upgrade(empty_engine, "0019_follower_class_reminders")
    with empty_engine.begin() as connection:
        connection.execute(
            text(
                "INSERT INTO class_sessions (kind, title, starts_at, venue, capacity, reserved,"
                " description, bring, status, created_at) VALUES ('class', 'はじめてのLINE',"
                " :at, '志村ふれあい館', 10, 0, '', 'スマホをお持ちください', 'open', :at)"
            ),
            {"at": dt.datetime(2026, 12, 3, 1, 0)},
        )

    upgrade(empty_engine)
    with empty_engine.connect() as connection:
        row = connection.execute(text("SELECT bring, bring_en FROM class_sessions")).one()
    assert tuple(row) == ("スマホをお持ちください", "")

    config = alembic_config(empty_engine.url.render_as_string(hide_password=False))
    with empty_engine.begin() as connection:
        config.attributes["connection"] = connection
        command.downgrade(config, "0019_follower_class_reminders")
    columns = {c["name"] for c in inspect(empty_engine).get_columns("class_sessions")}
    assert "bring_en" not in columns and "bring" in columns
