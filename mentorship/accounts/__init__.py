"""Accounts: the user model (email login, a role), registration and API tokens."""
