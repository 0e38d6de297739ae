"""The safety check: a message that expresses a crisis is answered with help lines, first.

`check` holds the patterns, the answers and the check itself; `model` a small learned second
opinion for what no pattern names; `text` the folded form both read.
"""

from bot.conversation.safety.check import Crisis, SafetyCheck, load_safety
from bot.conversation.safety.text import CATEGORIES, fold

__all__ = ["CATEGORIES", "Crisis", "SafetyCheck", "fold", "load_safety"]
