"""msa-ops."""
