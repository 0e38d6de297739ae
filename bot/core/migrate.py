"""Database migrations (Alembic), run from `python -m bot db upgrade` and by demo mode."""

from __future__ import annotations

from importlib.resources import files

from alembic import command
from alembic.config import Config
from sqlalchemy import Engine

# Inside the package, so an installed bot finds them (package data, not a path guessed from
# the checkout).
MIGRATIONS = files("bot.core") / "migrations"


def alembic_config(database_url: str) -> Config:
    """Alembic's configuration for our migrations folder and a database URL."""
    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS))
    # ConfigParser treats % as interpolation; URLs may contain it (encoded passwords).
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    return config


def upgrade(engine: Engine, revision: str = "head") -> None:
    """Bring the database to the newest schema (a no-op when it is already there)."""
    config = alembic_config(engine.url.render_as_string(hide_password=False))
    with engine.begin() as connection:
        config.attributes["connection"] = connection
        command.upgrade(config, revision)


class DatabaseNotReady(RuntimeError):
    """The database cannot be reached, or its schema is behind the code; says what to do."""


def check_ready(engine: Engine) -> None:
    """At start: the database answers and has every migration applied."""
    from alembic.runtime.migration import MigrationContext
    from alembic.script import ScriptDirectory
    from sqlalchemy.exc import SQLAlchemyError

    where = engine.url.render_as_string(hide_password=True)
    try:
        with engine.connect() as connection:
            current = MigrationContext.configure(connection).get_current_revision()
    except SQLAlchemyError as error:
        reason = str(getattr(error, "orig", error)).strip().splitlines()[0][:200]
        raise DatabaseNotReady(
            f"cannot reach the database at {where} ({reason}). Is it running, and is "
            "DATABASE_URL right?"
        ) from None
    head = ScriptDirectory.from_config(alembic_config(where)).get_current_head()
    if current != head:
        raise DatabaseNotReady(
            f"the database at {where} is at schema {current or 'none'}, the code needs {head}: "
            "run `python -m bot db upgrade`"
        )
