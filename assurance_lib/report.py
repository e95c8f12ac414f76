"""Placeholder: the report analysis registers its input contracts here (being built)."""
