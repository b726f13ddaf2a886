"""The shared vocabulary of the MSA case-management system.

Events (frozen, versioned pydantic models), the CloudEvents-over-Kafka envelope, the topic
catalogue and the reference data. Every service and every provider integration speaks only
this package's language; nothing else is shared between services.
"""
