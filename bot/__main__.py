"""`python -m bot <command>`: see bot.cli."""

from bot.cli import main

raise SystemExit(main())
