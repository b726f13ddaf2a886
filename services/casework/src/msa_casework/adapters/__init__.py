"""Storage adapters: MongoDB for the service, memory for tests."""
