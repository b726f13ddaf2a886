"""Billing's edges: Kafka subscriptions and the HTTP API."""
