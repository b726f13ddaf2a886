"""The tick log on Kafka (and its in-memory fake) and the clocks the scheduler reads."""
