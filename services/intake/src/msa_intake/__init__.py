"""msa-intake."""
