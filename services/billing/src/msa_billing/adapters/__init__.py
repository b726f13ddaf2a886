"""Billing's storage: MongoDB for production, memory for tests."""
