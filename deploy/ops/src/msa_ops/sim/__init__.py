"""The outside world, simulated: the state's allocation system, the providers and the clock.

It speaks only the public contracts over Kafka, as a real provider would, and records the
ground truth (what it sent and what outcome it expects) for tests to compare against.
"""
