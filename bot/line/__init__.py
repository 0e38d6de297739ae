"""LINE: the one gateway to the Messaging API, message and postback builders, the rich menu,
and the loopback stand-in of the API (demo mode and tests). Imports only bot.core.
"""
