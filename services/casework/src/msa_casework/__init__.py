"""msa-casework."""
