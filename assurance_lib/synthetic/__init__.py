"""The reproducible synthetic partnership every default and test runs on.

``python -m assurance_lib.synthetic [--seed N] [--out data/synthetic]`` rewrites the bundled
files. Each analysis owns one submodule with a ``generate(out_dir: Path, seed: int) -> list[Path]``
function; the files are committed, and a test checks that regenerating them gives the same bytes.
"""

from __future__ import annotations

import importlib
from pathlib import Path

__all__ = ["GENERATORS", "DEFAULT_SEED", "generate_all"]

DEFAULT_SEED = 20260701
GENERATORS = (
    "assurance_lib.synthetic.journey",
    "assurance_lib.synthetic.section11",
    "assurance_lib.synthetic.schools",
    "assurance_lib.synthetic.audits",
    "assurance_lib.synthetic.voice",
    "assurance_lib.synthetic.agency_returns",
    "assurance_lib.synthetic.learning",
)


def generate_all(out_dir: Path, seed: int = DEFAULT_SEED) -> list[Path]:
    """Run every generator into ``out_dir``; return the files written."""
    out_dir = Path(out_dir)
    out_dir.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    for name in GENERATORS:
        mod = importlib.import_module(name)
        written.extend(mod.generate(out_dir, seed))
    return written
