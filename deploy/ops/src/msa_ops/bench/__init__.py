"""`msa bench`: ceilings, billing throughput and latency, memory, scaling and reporting
replay, measured in one run on the same broker and store."""
