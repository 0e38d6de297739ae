"""Keeps a worker's router and details model in step with the one published in the database.

Retraining (bot.conversation.learning) publishes a model as a `router_models` row; every worker
(several gunicorn processes, the scheduler, the demo) answers with the newest published one
within seconds, without a restart. The cost on the message path: a monotonic-clock comparison,
and at most once every CHECK_EVERY seconds one indexed `max(id)` query on its own connection;
the models themselves are read only when that number changes.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Callable

from sqlalchemy import Engine, func, select
from sqlalchemy.exc import SQLAlchemyError

from bot.conversation.choosing import Chooser
from bot.conversation.router import Details, Router
from bot.conversation.router.catalogue import CatalogueRouter
from bot.core.every import Every
from bot.core.models import RouterModel

log = logging.getLogger(__name__)

CHECK_EVERY = 2.0  # seconds

_PUBLISHED = select(func.max(RouterModel.id)).where(
    RouterModel.status == "published", RouterModel.router_json.is_not(None)
)


class LiveModels:
    """Swaps newly published models into this worker's router and chooser."""

    def __init__(
        self,
        engine: Engine,
        router: CatalogueRouter,
        chooser: Chooser,
        clock: Callable[[], float] = time.monotonic,
    ):
        self.engine = engine
        self.router = router
        self.chooser = chooser
        self.version = 0  # 0: the shipped model files
        self.clock = clock
        self._gate = Every(CHECK_EVERY, lambda: self.clock())  # self.clock may be replaced

    def refresh(self) -> None:
        """Load the newest published model if it is not the one in use (checked at most every
        CHECK_EVERY seconds; a thread that finds another checking goes on without waiting)."""
        with self._gate.due() as now:
            if not now:
                return
            try:
                self._load_newest()
            except SQLAlchemyError as error:  # the database is away: keep what we have
                log.warning("could not check the published router model: %s", type(error).__name__)

    def _load_newest(self) -> None:
        with self.engine.connect() as connection:
            version = connection.scalar(_PUBLISHED) or 0
            if version == self.version or version == 0:
                return
            row = connection.execute(
                select(RouterModel.router_json, RouterModel.details_json).where(
                    RouterModel.id == version
                )
            ).one()
        if row.router_json is None or row.details_json is None:
            return  # dropped by a newer publication meanwhile: the next check loads that one
        self.router.model = Router(json.loads(row.router_json))
        self.chooser.use(Details(json.loads(row.details_json)))
        self.version = version
        log.info("router model %s in use", version)
