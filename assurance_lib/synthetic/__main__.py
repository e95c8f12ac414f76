"""``python -m assurance_lib.synthetic``: rewrite the bundled synthetic partnership."""

from __future__ import annotations

import argparse
from pathlib import Path

from ..config import project_root
from . import DEFAULT_SEED, generate_all


def main() -> None:
    ap = argparse.ArgumentParser(prog="python -m assurance_lib.synthetic", description=__doc__)
    ap.add_argument("--seed", type=int, default=DEFAULT_SEED)
    ap.add_argument("--out", type=Path, default=None, help="folder (default data/synthetic)")
    a = ap.parse_args()
    out = a.out or project_root() / "data" / "synthetic"
    for p in generate_all(out, a.seed):
        print(p)


if __name__ == "__main__":
    main()
