"""`python -m bot.router`: route stdin lines, print JSON lines (same as `python -m bot route`)."""

import sys

from . import route_lines

if __name__ == "__main__":
    raise SystemExit(route_lines(sys.stdin, sys.stdout))
