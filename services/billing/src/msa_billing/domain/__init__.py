"""Billing's pure domain: tariff rules, its own view of cases, entries, budgets, invoices.

Only the standard library, pydantic and the contracts. Days, times and ids are passed in; no
clock, randomness or I/O lives here, so every decision is replayable.
"""
