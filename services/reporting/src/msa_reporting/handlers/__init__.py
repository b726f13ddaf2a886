"""Handlers: keep an input event; recompute and publish the figures."""
