"""A conversation turn: the dispatcher, the turn, the handler registry, the router and the
safety check. Handlers (the top-level `handlers` package) plug into it.
"""
