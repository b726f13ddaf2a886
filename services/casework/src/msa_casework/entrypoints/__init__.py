"""Casework's edges: Kafka subscriptions and the HTTP read API."""
