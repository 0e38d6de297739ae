"""The production access log holds no resident's name (README: names are never logged). The
reception page's search is a GET form (`?q=<name>`): gunicorn's default format wrote the request
line with its query string, and the Referer, which repeats it on the next request."""

from __future__ import annotations

import datetime as dt
import os
import re
import subprocess
import sys
import time
import urllib.error
import urllib.parse
import urllib.request

import pytest

from bot.classes import reservations
from bot.core.models import Follower
from bot.residents.followers import adopt_follower
from tests.admin_helpers import PASSWORD, make_user
from tests.conftest import ACCESS_TOKEN, CHANNEL_SECRET, free_port
from tests.test_hardening import add_class

NAME = "板橋 花子"


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args, **kwargs):
        return None


def fetch(opener, url, cookie, data=None):
    """One request with the console cookie by hand (it is Secure: a cookie jar would not send
    it over the loopback's plain HTTP); the response body and the cookie it sets, if any."""
    request = urllib.request.Request(url, data=data, headers={"Cookie": cookie} if cookie else {})
    try:
        response = opener.open(request, timeout=30)
    except urllib.error.HTTPError as error:  # a 302 is raised here by NoRedirect
        response = error
    body = response.read().decode("utf-8", "replace")
    set_cookie = " ".join(response.headers.get_all("Set-Cookie") or [])
    found = re.search(r"navi_session=([^;]+)", set_cookie)
    return body, (f"navi_session={found.group(1)}" if found else cookie)


@pytest.fixture
def served(app, settings, standin, tmp_path):
    if not settings.database_url.startswith("sqlite"):
        pytest.skip("one database is enough: the log format is gunicorn's")
    navi = app.extensions["navi"]
    with navi.sessions() as db:
        session = add_class(db, asks_name=True)
        follower = adopt_follower(db, "U" + "7" * 32, "seen")
        db.commit()
        reservations.reserve(
            db, session.id, db.get(Follower, follower.id), dt.datetime.now(dt.UTC), name=NAME
        )
        db.commit()
    make_user(app, "staff")
    port = free_port()
    env = {
        **os.environ,
        "LINE_CHANNEL_SECRET": CHANNEL_SECRET,
        "LINE_CHANNEL_ACCESS_TOKEN": ACCESS_TOKEN,
        "LINE_API_BASE_URL": standin.base_url,
        "DATABASE_URL": settings.database_url,
        "SECRET_KEY": "access-log-test-secret-key",
    }
    log = tmp_path / "serve.log"
    with log.open("w") as out:
        server = subprocess.Popen(
            [
                sys.executable,
                "-m",
                "bot",
                "serve",
                "--host",
                "127.0.0.1",
                "--port",
                str(port),
                "--workers",
                "1",
            ],
            env=env,
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 90
    while True:
        try:
            urllib.request.urlopen(base + "/healthz", timeout=1).close()
            break
        except OSError:
            assert server.poll() is None and time.monotonic() < deadline, log.read_text()
            time.sleep(0.2)
    yield base, log, session.id
    server.terminate()
    server.wait(timeout=20)


def test_a_door_search_by_name_does_not_write_the_name_into_the_access_log(served):
    base, log, session_id = served
    opener = urllib.request.build_opener(NoRedirect)
    page, cookie = fetch(opener, base + "/admin/login", None)
    token = re.search(r'name="csrf_token" value="([^"]+)"', page).group(1)
    form = {"email": "staff@example.jp", "password": PASSWORD, "csrf_token": token}
    said, cookie = fetch(
        opener, base + "/admin/login", cookie, urllib.parse.urlencode(form).encode()
    )
    assert "/admin" in said and "csrf_token" not in said, said[:300]
    # Staff at the door type the resident's name into the search box (a GET form).
    query = urllib.parse.urlencode({"q": "板橋"})
    page, cookie = fetch(opener, f"{base}/admin/classes/{session_id}/door?{query}", cookie)
    assert NAME in page  # found: the search worked, logged in
    time.sleep(0.5)
    written = log.read_text()
    assert f'GET /admin/classes/{session_id}/door" 200' in written  # logged, without its query
    for form_of_name in ("板橋", urllib.parse.quote("板橋")):
        assert form_of_name not in written, [
            line for line in written.splitlines() if "door" in line
        ]
