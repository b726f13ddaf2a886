"""Casework's pure domain: cases, assignment, eligibility, plans, approvals, time.

Only the standard library, pydantic and the contracts. Dates and ids are passed in; no
clock, randomness or I/O lives here, so every decision is replayable.
"""
