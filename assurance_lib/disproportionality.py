"""Placeholder: the disproportionality analysis registers its input contracts here (being built)."""
