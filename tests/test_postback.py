"""Postback data: versioned, short, and anything we did not make is recognised as such."""

import pytest

from bot.line.postback import Postback, PostbackTooLong


def test_packed_data_comes_back_as_it_went():
    packed = Postback("entry", {"i": "konbini_certificate", "k": "hours"}).pack()
    assert packed.startswith("v1|entry|")
    assert Postback.unpack(packed) == Postback("entry", {"i": "konbini_certificate", "k": "hours"})


@pytest.mark.parametrize(
    "foreign", ["", "reserve=12", "v0|entry|i=x", "v1|not an action|", "v1||", "action=buy&id=1"]
)
def test_data_from_old_menus_or_other_tools_is_not_ours(foreign):
    assert Postback.unpack(foreign) is None


def test_data_longer_than_lines_limit_is_refused_when_made():
    with pytest.raises(PostbackTooLong):
        Postback("entry", {"k": "x" * 300}).pack()


def test_a_full_width_number_is_not_a_session_number():
    """A tampered client writing ３ (full-width) must not book session 3."""
    from urllib.parse import quote

    assert Postback.unpack("v1|reserve|session=" + quote("３")) is None
    assert Postback.unpack("v1|reserve|session=3") == Postback("reserve", {"session": "3"})


def test_an_action_we_never_made_or_with_other_parameters_is_refused():
    assert Postback.unpack("v1|reserve|session=3&extra=1") is None
    assert Postback.unpack("v1|format_disk|") is None
    assert Postback.unpack("v1|reserve|") is None


def test_an_id_past_the_databases_keys_is_not_ours():
    """PostgreSQL's ids are 32-bit: a larger one made the lookup raise (an apology)."""
    assert Postback.unpack("v1|reserve|session=2147483647") is not None
    assert Postback.unpack("v1|reserve|session=2147483648") is None
    assert Postback.unpack("v1|cancel_ask|reservation=" + "9" * 18) is None
