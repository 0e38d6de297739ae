"""Residents as the bot knows them: followers and their ledger, syncing from LINE, question
counts, unanswered questions, and the retention rules.
"""
