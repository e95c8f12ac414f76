"""Placeholder: the audits analysis registers its input contracts here (being built)."""
