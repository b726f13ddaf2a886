"""HTTP: probes, metrics and the clock's status."""
