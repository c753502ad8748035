"""Shared pytest settings. Group-specific fixtures live in each tests/<group>/conftest.py."""
