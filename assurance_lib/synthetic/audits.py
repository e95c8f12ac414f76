"""Placeholder: synthetic audits data (being built)."""

from pathlib import Path


def generate(out_dir: Path, seed: int) -> list[Path]:
    return []
