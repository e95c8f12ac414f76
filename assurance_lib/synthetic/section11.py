"""Placeholder: synthetic section11 data (being built)."""

from pathlib import Path


def generate(out_dir: Path, seed: int) -> list[Path]:
    return []
