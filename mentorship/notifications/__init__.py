"""Notifications: an outbox of emails, each keyed so it is sent at most once."""
