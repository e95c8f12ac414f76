"""Placeholder: synthetic journey data (being built)."""

from pathlib import Path


def generate(out_dir: Path, seed: int) -> list[Path]:
    return []
