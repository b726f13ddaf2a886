"""msa-billing."""
