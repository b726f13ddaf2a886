"""Intake's edges: the allocation-notice subscription and the HTTP API."""
