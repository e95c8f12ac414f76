"""Placeholder: the section11 analysis registers its input contracts here (being built)."""
