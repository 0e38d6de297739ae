"""Migrations build the schema from an empty database and match the models."""

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.db import Base, make_engine
from bot.migrate import upgrade


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
