"""Intake's pure core: arrivals, persons and their time-versioned facts, identity matching.

Only stdlib, pydantic and msa_contracts; every decision gets ``now`` and ids passed in.
"""
