"""msa-reporting."""
