"""Reporting: measure-plan figures from the public event log, with small-cell suppression.

Folds intake's, casework's and billing's public events into figures per month and
cumulative, per measure, field, district, region, residence-status group and provider;
publishes them (suppressed) over HTTP, as an HTML dashboard and as the compacted topic of
measure outcomes. Entry points: ``python -m msa_reporting``, ``python -m msa_reporting.replay``,
``msa_reporting.bootstrap.build`` and ``msa_reporting.summary``.
"""
