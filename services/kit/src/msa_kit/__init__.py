"""The runtime kit every MSA service shares: settings, logging, Kafka, MongoDB, outbox,
inbox, dead letters, health and metrics. Mechanics only: no domain logic lives here."""
