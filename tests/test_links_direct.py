"""Without a public base URL, cards link straight to the official pages (nothing to count)."""

from tests.conftest import _card_actions


def test_without_a_public_base_url_cards_link_to_the_page_itself(resident):
    reply = resident.say("コンビニで住民票を取りたい")
    uris = [a["uri"] for a in _card_actions(reply.messages) if a["type"] == "uri"]
    assert uris and all(u.startswith("https://www.city.itabashi.tokyo.jp") for u in uris)
