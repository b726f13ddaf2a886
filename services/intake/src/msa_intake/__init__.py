"""Intake: registers arrivals from allocation notices and the front desk, holds the only copy
of personal data (encrypted per person), and publishes pseudonymous facts about persons.

Entry points: ``python -m msa_intake``, ``msa_intake.bootstrap.build`` and
``msa_intake.keys.generate_local_keys``.
"""
