"""The core: settings, the database and its models, content and its catalogues.

Imports nothing else of the bot; everything else may import it.
"""
