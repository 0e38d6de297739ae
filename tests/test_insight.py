"""LINE's follower figures are copied daily; days LINE has not finished are fetched later."""

import datetime as dt

from sqlalchemy import select

from bot.core.models import InsightSnapshot
from bot.reports.insight import snapshot_follower_insight

NOON_JST_27TH = dt.datetime(2026, 11, 27, 3, 0, tzinfo=dt.UTC)


def test_ready_days_are_stored_and_an_unready_yesterday_is_fetched_again_later(app, standin):
    navi = app.extensions["navi"]
    for day in range(20, 26):
        standin.set_insight(f"202611{day}", followers=1000 + day, targeted_reaches=900, blocks=50)
    standin.set_insight("20261126", status="unready")
    first = snapshot_follower_insight(navi.sessions, navi.gateway, NOON_JST_27TH)
    assert dt.date(2026, 11, 26) not in first and dt.date(2026, 11, 25) in first
    standin.set_insight("20261126", followers=1100, targeted_reaches=950, blocks=60)
    calls_before = len(standin.calls)
    second = snapshot_follower_insight(navi.sessions, navi.gateway, NOON_JST_27TH)
    assert second == [dt.date(2026, 11, 26)]
    assert len(standin.calls) - calls_before == 1  # ready days are not asked for again
    with navi.sessions() as db:
        day = db.get(InsightSnapshot, dt.date(2026, 11, 26))
        assert (day.status, day.followers, day.blocks) == ("ready", 1100, 60)
        assert len(db.scalars(select(InsightSnapshot)).all()) == 7


def test_a_line_error_stops_the_run_without_losing_what_was_fetched(app, standin):
    navi = app.extensions["navi"]
    standin.set_insight("20261126", followers=5, targeted_reaches=5, blocks=0)
    standin.fail("/v2/bot/insight/followers", 429, times=10)
    assert snapshot_follower_insight(navi.sessions, navi.gateway, NOON_JST_27TH) == []
    standin.clear_faults()
    assert dt.date(2026, 11, 26) in snapshot_follower_insight(
        navi.sessions, navi.gateway, NOON_JST_27TH
    )
