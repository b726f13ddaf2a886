"""Deployment artefacts generated from the topic catalogue.

The catalogue (``msa_contracts.topics``) and the provider registry are the single source of
the Kafka topics, the Kafka users and their ACLs, the autoscaling caps and the per-service
Kubernetes workloads; this package renders them into ``deploy/`` (``msa deploy generate``)
and reports drift (``msa deploy check``).
"""

from __future__ import annotations

from msa_ops.deploy.render import check, rendered, write

__all__ = ["check", "rendered", "write"]
