"""MongoDB adapters: stored events and projection documents."""
