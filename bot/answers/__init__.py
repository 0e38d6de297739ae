"""Answers staff edit in the console: versions, the two-person rule, the live overlay over the
repository's YAML, export back to YAML, and freshness (what is due for re-check).

The YAML in content/ stays the default and the seed. A change is a pending version until a
manager or admin publishes it (bot.answers.versions); every worker then rebuilds its content
within seconds (bot.answers.live). Nothing here knows about Flask.
"""
