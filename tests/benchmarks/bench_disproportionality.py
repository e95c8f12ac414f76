"""Benchmark: the disproportionality grid for every local authority of a national-scale extract.

Not collected by pytest (``bench_*``); not run by CI. Usage::

    python tests/benchmarks/bench_disproportionality.py [--rows 10000000] [--las 153] [--repeat 3]
                                                        [--skip-fairlearn] [--baseline DIR] [--data DIR]

fairlearn is not a dependency of the project: install it for the comparison
(``.venv/bin/python -m pip install fairlearn``) or pass ``--skip-fairlearn``.

Steps, each in a fresh Python process so that its peak memory (``ru_maxrss``) is its own:

1. ``generate``: a national extract of about ``--rows`` event rows over ``--las`` authorities
   (parquet, with an ``la_code`` column) and a child population per authority. Eight distinct
   synthetic partnerships (``assurance_lib.synthetic.journey``, scaled) are relabelled to make
   up the authorities, with distinct child ids.
2. ``floor``: read the same parquet file and a bare grouped count (authority x event x ethnicity).
3. ``ours``: read the file and check it with the events contract (``read_events``) and read its
   ``la_code`` column, then the full grid (``run_grid(..., by="la_code")``: every stage, measure
   and group) for every authority in one vectorised pass.
4. ``fairlearn``: the per-group stage-conversion rates (authority x stage x DfE ethnic group) on
   one child-level frame (one row per child at a feeder stage: authority, stage, ethnicity,
   age band, converted), computed like for like by fairlearn's ``MetricFrame`` (selection rate
   of ``converted``) and by ours (``count_groups`` on the same frame, then ``stats.proportion``);
   the rates are checked to be the same.

``--repeat N`` runs the floor and ours N times (alternately, each in its own process) and prints
the median and range of each and of their ratio. Prints wall time and peak memory of each step
and the ratios the issue asks for: ours within 3x of the floor, under 4 GB, at least 20x faster
than fairlearn.

``--baseline DIR``: a copy of an earlier version of the code (a folder holding its
``assurance_lib``, e.g. ``git archive <commit> | tar -x -C DIR``) is timed as step 3 too, in the
same rounds (floor, baseline, ours), and the grids of the two are checked to be identical
(``assert_frame_equal``, exact: values, dtypes and order). ``--data DIR``: keep the generated
extract in ``DIR`` and reuse it when it is there (generating it takes a minute or two).
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

PERIOD = "2026-27 Q2"


def _peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0


def generate(folder: Path, rows: int, las: int) -> dict:
    import pandas as pd

    from assurance_lib.synthetic import journey

    per_la_rows = rows / las
    # about 0.6 event rows per child over the eight quarters (synthetic partnership: 33k rows / 55k children)
    n_children = max(2000, int(per_la_rows / 0.6))
    t = time.perf_counter()
    bases = []
    for seed in range(min(8, las)):
        ev, kids = journey.make_events(1000 + seed, n_children=n_children)
        bases.append((ev, journey.make_population(kids)))
    parts, pops = [], []
    for i in range(las):
        ev, pop = bases[i % len(bases)]
        code = f"E{10000000 + i:08d}"
        e = ev.copy()
        e["child_id"] = code[-4:] + "-" + e["child_id"]
        e.insert(0, "la_code", code)
        parts.append(e)
        pops.append(pop.assign(la_code=code))
    events = pd.concat(parts, ignore_index=True)
    events["imd_decile"] = events["imd_decile"].astype("string")
    events.to_parquet(folder / "events.parquet", index=False)
    pd.concat(pops, ignore_index=True).to_parquet(folder / "population.parquet", index=False)
    return {
        "step": "generate",
        "rows": len(events),
        "las": las,
        "children_per_la": n_children,
        "seconds": time.perf_counter() - t,
        "peak_mb": _peak_mb(),
    }


def floor(folder: Path) -> dict:
    import pandas as pd

    t = time.perf_counter()
    df = pd.read_parquet(folder / "events.parquet")
    counts = df.groupby(["la_code", "event", "ethnicity"], observed=True).size()
    return {"step": "floor", "seconds": time.perf_counter() - t, "peak_mb": _peak_mb(), "cells": int(len(counts))}


def _population(folder: Path):
    import pandas as pd

    from assurance_lib.reference import load_crosswalk

    pop = pd.read_parquet(folder / "population.parquet")
    cw = load_crosswalk()
    to_dfe = dict(zip(cw["census2021_name"], cw["dfe_code"]))
    return (
        pop.assign(ethnicity=pop["ethnicity"].map(to_dfe))
        .groupby(["la_code", "ethnicity", "sex", "age_band"], as_index=False)
        .agg(population=("population", "sum"), source=("source", "first"), vintage=("vintage", "first"))
    )


def ours(folder: Path, label: str = "ours") -> dict:
    import pandas as pd

    import assurance_lib
    from assurance_lib.config import Period
    from assurance_lib.disproportionality import read_events, run_grid
    from assurance_lib.disproportionality.grid import GridOptions

    t = time.perf_counter()
    events = read_events(folder / "events.parquet", {})
    # the authority of each row (not part of the events contract): read dictionary-encoded
    events["la_code"] = pd.read_parquet(folder / "events.parquet", columns=["la_code"], read_dictionary=["la_code"])[
        "la_code"
    ]
    t_read = time.perf_counter() - t
    pop = _population(folder)
    g = run_grid(events, pop, period=Period.parse(PERIOD), options=GridOptions(), by="la_code")
    seconds = time.perf_counter() - t
    out = {
        "step": label,
        "seconds": seconds,
        "read_and_check_seconds": t_read,
        "grid_seconds": seconds - t_read,
        "peak_mb": _peak_mb(),
        "grid_rows": len(g.grid),
        "code": str(Path(assurance_lib.__file__).parent),
    }
    g.grid.to_pickle(folder / f"grid_{label}.pkl")  # for the check against the baseline (not timed)
    return out


def _child_frame(folder: Path):
    """One row per child at a feeder stage: child, la_code, stage, ethnicity, age_band, converted;
    and the children's characteristics (as ``child_attributes``, with ``la_code``)."""
    import pandas as pd

    from assurance_lib.config import Period
    from assurance_lib.disproportionality import read_events
    from assurance_lib.disproportionality.cohort import child_attributes, conversions, prepare_events, window_for
    from assurance_lib.reference import DEFAULT_FEEDERS

    events = read_events(folder / "events.parquet", {})
    events["la_code"] = pd.read_parquet(folder / "events.parquet", columns=["la_code"], read_dictionary=["la_code"])[
        "la_code"
    ]
    period = Period.parse(PERIOD)
    prep = prepare_events(events, period.end)
    attrs = child_attributes(prep.events, "la_code")
    conv = conversions(prep.events, window_for(period), DEFAULT_FEEDERS, 3, attrs=attrs)
    a = attrs.reindex(conv["child"].to_numpy())
    frame = pd.DataFrame(
        {
            "child": conv["child"].to_numpy(),
            "la_code": a["la_code"].to_numpy(),
            "stage": conv["stage"].to_numpy(),
            "ethnicity": a["ethnicity"].astype("string").to_numpy(),
            "age_band": conv["age_band"].to_numpy(),
            "converted": conv["converted"].to_numpy().astype(int),
        }
    )
    return frame, attrs, list(DEFAULT_FEEDERS)


def fair(folder: Path) -> dict:
    import numpy as np
    import pandas as pd
    from fairlearn.metrics import MetricFrame, selection_rate

    from assurance_lib import stats
    from assurance_lib.disproportionality.cohort import count_groups

    frame, attrs, stages = _child_frame(folder)
    # fairlearn: selection rate of `converted` by authority x stage x ethnic group
    t = time.perf_counter()
    mf = MetricFrame(
        metrics=selection_rate,
        y_true=frame["converted"],
        y_pred=frame["converted"],
        sensitive_features=frame[["la_code", "stage", "ethnicity"]],
    )
    by = mf.by_group
    t_fair = time.perf_counter() - t
    # ours, on the same frame: the counting of the grid, then the conversion rate (Wilson interval too)
    t = time.perf_counter()
    counts = count_groups(
        frame[["child", "stage", "age_band", "converted"]],
        attrs,
        value="converted",
        has_imd=True,
        stages=stages,
        by="la_code",
    )
    minor = counts[counts["group_type"].eq("ethnicity_minor") & counts["n"].gt(0)]
    rates = stats.proportion(
        minor.rename(columns={"converted": "count", "n": "denominator"}), "count", "denominator", multiplier=1
    )
    t_ours = time.perf_counter() - t
    ours_rates = rates.set_index(["la_code", "stage", "group"])["value"]
    theirs = by.dropna()
    theirs.index = theirs.index.set_names(["la_code", "stage", "group"])
    joined = pd.concat([ours_rates.rename("ours"), theirs.rename("fairlearn")], axis=1, join="outer")
    same = bool(
        len(ours_rates) == len(theirs)
        and joined.notna().all().all()
        and np.allclose(joined["ours"], joined["fairlearn"], rtol=1e-12, atol=0)
    )
    return {
        "step": "fairlearn",
        "child_rows": len(frame),
        "groups": int(len(theirs)),
        "fairlearn_seconds": t_fair,
        "ours_seconds": t_ours,
        "same_rates": same,
        "peak_mb": _peak_mb(),
    }


def _run(step: str, folder: Path, extra: list[str], code: Path | None = None) -> dict:
    """One step in a fresh process; ``code``: a folder whose ``assurance_lib`` is imported instead
    of this checkout's (no bytecode written there)."""
    env = None
    if code is not None:
        env = {**os.environ, "PYTHONPATH": str(code.resolve()), "PYTHONDONTWRITEBYTECODE": "1"}
    out = subprocess.run(
        [sys.executable, __file__, "--step", step, "--folder", str(folder), *extra],
        capture_output=True,
        text=True,
        env=env,
    )
    if out.returncode:
        raise SystemExit(f"step {step} failed:\n{out.stderr[-3000:]}")
    return json.loads(out.stdout.strip().splitlines()[-1])


def _spread(values: list[float], fmt: str = "{:.1f}") -> str:
    med = statistics.median(values)
    if len(values) == 1:
        return fmt.format(med)
    return f"{fmt.format(med)} (range {fmt.format(min(values))} to {fmt.format(max(values))})"


def _check_same_grid(folder: Path) -> str:
    """The baseline's grid and ours, ``assert_frame_equal`` exact (raises when they differ)."""
    import pandas as pd

    base = pd.read_pickle(folder / "grid_baseline.pkl")
    new = pd.read_pickle(folder / "grid_ours.pkl")
    pd.testing.assert_frame_equal(new, base, check_exact=True)
    return f"identical ({len(new):,} rows x {new.shape[1]} columns, assert_frame_equal exact)"


def _generated(folder: Path, rows: int, las: int) -> dict:
    """The extract in ``folder``: generated there, or the one generated before with the same options."""
    info = folder / "generate.json"
    if info.exists():
        gen = json.loads(info.read_text())
        if gen["rows_asked"] == rows and gen["las"] == las:
            return gen
    gen = {**_run("generate", folder, ["--rows", str(rows), "--las", str(las)]), "rows_asked": rows}
    info.write_text(json.dumps(gen))
    return gen


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--rows", type=int, default=10_000_000)
    ap.add_argument("--las", type=int, default=153)
    ap.add_argument("--repeat", type=int, default=1, help="runs of the floor and ours (median and range reported)")
    ap.add_argument("--skip-fairlearn", action="store_true")
    ap.add_argument("--baseline", type=Path, help="a folder with an earlier assurance_lib: timed too, grids compared")
    ap.add_argument("--data", type=Path, help="keep the generated extract here (reused when there)")
    ap.add_argument("--step", choices=["generate", "floor", "ours", "baseline", "fairlearn"])
    ap.add_argument("--folder", type=Path)
    a = ap.parse_args()
    if a.step:
        fn = {
            "generate": lambda: generate(a.folder, a.rows, a.las),
            "floor": lambda: floor(a.folder),
            "ours": lambda: ours(a.folder),
            "baseline": lambda: ours(a.folder, "baseline"),
            "fairlearn": lambda: fair(a.folder),
        }[a.step]
        print(json.dumps(fn()))
        return
    if a.baseline is not None and not (a.baseline / "assurance_lib" / "__init__.py").exists():
        raise SystemExit(f"--baseline {a.baseline}: no assurance_lib package there")
    with tempfile.TemporaryDirectory() as tmp:
        folder = a.data or Path(tmp)
        folder.mkdir(parents=True, exist_ok=True)
        gen = _generated(folder, a.rows, a.las)
        print(json.dumps(gen), flush=True)
        floors, ourss, bases = [], [], []
        for _ in range(max(1, a.repeat)):
            floors.append(_run("floor", folder, []))
            print(json.dumps(floors[-1]), flush=True)
            if a.baseline is not None:
                bases.append(_run("baseline", folder, [], code=a.baseline))
                print(json.dumps(bases[-1]), flush=True)
            ourss.append(_run("ours", folder, []))
            print(json.dumps(ourss[-1]), flush=True)
        same = _check_same_grid(folder) if a.baseline is not None else None
        fl = None
        if not a.skip_fairlearn:
            fl = _run("fairlearn", folder, [])
            print(json.dumps(fl), flush=True)
    ratios = [o["seconds"] / f["seconds"] for f, o in zip(floors, ourss)]
    peak = max(o["peak_mb"] for o in ourss)
    print(
        f"\nrows {gen['rows']:,} over {a.las} authorities (about {gen['children_per_la']:,} children each); "
        f"{len(ratios)} round(s), median (range)"
    )
    print(
        f"floor (read + bare grouped count): {_spread([f['seconds'] for f in floors])} s, "
        f"peak {max(f['peak_mb'] for f in floors):,.0f} MB"
    )
    for name, runs in (("baseline", bases), ("ours", ourss)):
        if not runs:
            continue
        print(
            f"{name} (read + contract checks + full grid for every authority): "
            f"{_spread([o['seconds'] for o in runs])} s = read and check "
            f"{_spread([o['read_and_check_seconds'] for o in runs])} s + grid "
            f"{_spread([o['grid_seconds'] for o in runs])} s; {runs[0]['grid_rows']:,} grid rows; "
            f"peak {max(o['peak_mb'] for o in runs):,.0f} MB; vs floor "
            f"{_spread([o['seconds'] / f['seconds'] for f, o in zip(floors, runs)])}x"
        )
    if same is not None:
        print(f"grid of ours against the baseline's: {same}")
        print(f"ours vs baseline: {_spread([o['seconds'] / b['seconds'] for b, o in zip(bases, ourss)], '{:.2f}')}x")
    print(
        f"ours vs floor: {_spread(ratios)}x (goal: within 3x) - {'met' if statistics.median(ratios) <= 3 else 'NOT met'}"
    )
    print(f"peak memory, ours: {peak:,.0f} MB (goal: under 4 GB) - {'met' if peak < 4096 else 'NOT met'}")
    if fl is not None:
        speedup = fl["fairlearn_seconds"] / max(fl["ours_seconds"], 1e-9)
        print(
            f"conversion rates by authority x stage x ethnic group on {fl['child_rows']:,} child rows "
            f"({fl['groups']:,} groups, same rates: {fl['same_rates']}): fairlearn MetricFrame "
            f"{fl['fairlearn_seconds']:.2f} s, ours {fl['ours_seconds']:.2f} s: ours {speedup:.0f}x faster "
            f"(goal: at least 20x) - {'met' if speedup >= 20 and fl['same_rates'] else 'NOT met'}"
        )


if __name__ == "__main__":
    main()
