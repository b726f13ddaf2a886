"""Intake's adapters: MongoDB stores, the key store and the cryptography."""
