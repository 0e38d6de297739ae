"""`python -m bot.conversation.router`: route stdin lines, print JSON lines (as `python -m bot
route` does)."""

import sys

from . import route_lines

if __name__ == "__main__":
    raise SystemExit(route_lines(sys.stdin, sys.stdout))
