"""`make audit`: what the dependency audit says, against a small PyPI of our own over HTTP."""

from __future__ import annotations

import importlib.util
import json
import pathlib
import sys
import threading

import pytest
from werkzeug.serving import make_server
from werkzeug.wrappers import Request, Response

ROOT = pathlib.Path(__file__).resolve().parent.parent
spec = importlib.util.spec_from_file_location("audit", ROOT / "tools" / "audit_dependencies.py")
audit = importlib.util.module_from_spec(spec)
sys.modules["audit"] = audit  # dataclasses look their module up while it loads
spec.loader.exec_module(audit)

ADVISORY = {
    "id": "PYSEC-2099-1",
    "fixed_in": ["2.1.0"],
    "link": "https://osv.dev/vulnerability/PYSEC-2099-1",
}
# Like this workplace's proxy: per-release pages only for "served", project pages for all.
PAGES = {
    "/pypi/served/1.0/json": {"info": {"version": "1.0"}, "vulnerabilities": []},
    "/pypi/served/json": {"info": {"version": "1.0"}, "vulnerabilities": []},
    "/pypi/current/json": {"info": {"version": "2.0.0"}, "vulnerabilities": [ADVISORY]},
    "/pypi/clean/json": {"info": {"version": "5.0"}, "vulnerabilities": []},
    "/pypi/pinned/json": {"info": {"version": "4.0.0"}, "vulnerabilities": [ADVISORY]},
}


@pytest.fixture
def pypi():
    """A loopback PyPI JSON API serving PAGES; 404 for anything else."""

    @Request.application
    def app(request: Request) -> Response:
        page = PAGES.get(request.path)
        if page is None:
            return Response("not found", status=404)
        return Response(json.dumps(page), mimetype="application/json")

    server = make_server("127.0.0.1", 0, app, threaded=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield f"http://127.0.0.1:{server.server_port}/pypi"
    server.shutdown()


def run(monkeypatch, capsys, pypi, packages: dict[str, str]) -> tuple[int, str]:
    monkeypatch.setattr(audit, "installed", lambda: packages)
    status = audit.main(["--index", pypi])
    return status, capsys.readouterr().out


def test_clean_latest_releases_pass(monkeypatch, capsys, pypi):
    status, out = run(monkeypatch, capsys, pypi, {"served": "1.0", "clean": "5.0"})
    assert status == 0
    assert "2 packages, 2 checked against PyPI, 0 with known vulnerabilities" in out


def test_a_vulnerable_installed_release_fails_and_says_what_to_upgrade(monkeypatch, capsys, pypi):
    status, out = run(monkeypatch, capsys, pypi, {"current": "2.0.0", "clean": "5.0"})
    assert status == 1
    assert "VULNERABLE current 2.0.0: PYSEC-2099-1 (fixed in 2.1.0)" in out
    assert "Upgrade the packages above" in out


def test_a_held_back_release_is_named_as_not_checked_not_passed_off_as_clean(
    monkeypatch, capsys, pypi
):
    # The latest release's advisory says nothing about 3.0: it is neither flagged nor hidden.
    status, out = run(monkeypatch, capsys, pypi, {"pinned": "3.0", "clean": "5.0"})
    assert status == 0
    assert "pinned 3.0 (latest 4.0.0)" in out
    assert "2 packages, 1 checked against PyPI" in out
    assert "VULNERABLE" not in out


def test_an_unreachable_pypi_fails_instead_of_passing(monkeypatch, capsys):
    status, out = run(monkeypatch, capsys, "http://127.0.0.1:9/pypi", {"clean": "5.0"})
    assert status == 1
    assert "could not be reached: nothing was audited" in out
