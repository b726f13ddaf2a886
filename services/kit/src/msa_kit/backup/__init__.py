"""Backups of a service's databases in mongodump's directory layout, with the consumer
group offsets they go with (``python -m msa_kit.backup``; deploy/README.md, "Restore")."""
