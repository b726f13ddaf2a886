"""Edges: Kafka subscriptions, the JSON/CSV API and the dashboard."""
