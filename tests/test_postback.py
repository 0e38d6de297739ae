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
