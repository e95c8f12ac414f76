"""Benchmark: the quarterly run beside the floor of the tools it stands on (not run by CI).

    .venv/bin/python tests/benchmarks/bench_pipeline.py [--repeat N]

Measured side by side in one process, on the synthetic default parameters:

- ``ours``: ``assurance run`` end to end (validation, papermill on every notebook, HTML for two
  audiences, workbook, front page, disclosure audit, identifier scan, manifest);
- ``floor``: papermill executing an import-only notebook once per analysis notebook (kernel start,
  ``import assurance_lib, pandas, matplotlib``), plus two nbconvert HTML renders of each.

It prints both wall times and their ratio (goal: within 2.5x), and each notebook's own duration
from the manifest, so that the analysis work is visible separately from the tooling overhead.
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def floor(n_notebooks: int, workdir: Path) -> float:
    import nbformat
    import papermill as pm
    from nbconvert import HTMLExporter

    nb = nbformat.v4.new_notebook()
    nb.metadata["kernelspec"] = {"name": "python3", "display_name": "Python 3", "language": "python"}
    nb.cells = [
        nbformat.v4.new_code_cell("x = 1", metadata={"tags": ["parameters"]}),
        nbformat.v4.new_code_cell("import assurance_lib, pandas, matplotlib.pyplot"),
    ]
    src = workdir / "import_only.ipynb"
    nbformat.write(nb, src)
    t0 = time.perf_counter()
    for i in range(n_notebooks):
        out = workdir / f"executed_{i}.ipynb"
        pm.execute_notebook(str(src), str(out), parameters={"x": i}, kernel_name="python3", progress_bar=False)
        executed = nbformat.read(out, as_version=4)
        for _ in range(2):
            HTMLExporter(template_name="lab").from_notebook_node(executed)
    return time.perf_counter() - t0


def ours(workdir: Path) -> tuple[float, dict]:
    from assurance_lib import pipeline

    t0 = time.perf_counter()
    result = pipeline.run(None, output_root=workdir / "out", quiet=True)
    wall = time.perf_counter() - t0
    if result.code != 0 or result.pack is None:
        sys.exit(f"assurance run failed (exit {result.code}): {result.message}")
    return wall, json.loads((result.pack / "manifest.json").read_text())


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--repeat", type=int, default=1, help="measure each side this many times (median reported)")
    args = ap.parse_args()
    os.environ.setdefault("MPLBACKEND", "agg")
    os.chdir(ROOT)
    from assurance_lib import pipeline

    n = len(pipeline.discover_notebooks())
    ours_t, floor_t = [], []
    manifest: dict = {}
    for _ in range(args.repeat):
        with tempfile.TemporaryDirectory() as d:
            t, manifest = ours(Path(d))
            ours_t.append(t)
        with tempfile.TemporaryDirectory() as d:
            floor_t.append(floor(n, Path(d)))
    o, f = statistics.median(ours_t), statistics.median(floor_t)
    print(f"notebooks: {n}; cores: {os.cpu_count()}; repeats: {args.repeat}")
    for nb in manifest.get("notebooks", []):
        print(f"  {nb['name']:<28} {nb['duration_s']:7.1f} s (papermill, inside ours)")
    print(f"ours  (assurance run, end to end): {o:7.1f} s")
    print(f"floor (papermill import-only x{n} + 2 nbconvert renders each): {f:7.1f} s")
    print(f"ratio ours/floor: {o / f:.2f}x (goal: within 2.5x)")


if __name__ == "__main__":
    main()
