"""Loopback stand-in of the LINE Messaging API, for demo mode and tests.

The bot talks to it with the real line-bot-sdk (``Configuration(host=standin.base_url)``), and the
stand-in answers as strictly as LINE would, recording every call so tests and the chat simulator can
see what the bot sent.
"""

from bot.line.standin.records import RecordedCall
from bot.line.standin.standin import StandIn
from bot.line.standin.webhook import EventFactory, sign_body

__all__ = ["EventFactory", "RecordedCall", "StandIn", "sign_body"]
