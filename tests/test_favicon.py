"""The tab icon (issue 16 §6): /favicon.ico answers with an icon, and pages name it."""

from tests.admin_helpers import console_client


def test_the_favicon_is_an_icon_and_the_console_links_it(app, client):
    response = client.get("/favicon.ico")
    assert response.status_code == 200
    assert response.mimetype in ("image/vnd.microsoft.icon", "image/x-icon")
    assert response.data[:4] == b"\x00\x00\x01\x00"  # the ICO header
    login = console_client(app).get("/admin/login").get_data(as_text=True)
    assert '<link rel="icon" href="/favicon.ico"' in login
