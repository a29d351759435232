"""Pieces every domain package shares: the service error family and health checks."""
