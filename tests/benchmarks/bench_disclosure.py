"""Benchmark of disclosure control (not collected by pytest; run by hand).

    .venv/bin/python tests/benchmarks/bench_disclosure.py [--las 153] [--skip-default]

Prints the time of suppression (``protect``) and of the independent audit (``audit_tables``)
for

1. the default pack: the disproportionality tables of notebook 01 on the synthetic partnership
   (grid, trends, benchmark), built by ``assurance_lib.disproportionality`` with the default
   parameters; goal: the audit adds under a second;
2. a national-scale table set: every LA x stage x group (All children, sex, DfE major and minor
   ethnic groups, major group x sex) with England as the sum of the LAs, Poisson counts;
   goal: minutes on 2 cores, with component sizes printed.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
import time
from pathlib import Path

import numpy as np
import pandas as pd

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from assurance_lib.config import DisclosureConfig  # noqa: E402
from assurance_lib.disclosure import audit_tables, protect  # noqa: E402
from assurance_lib.tables import Hierarchy, TableSpec  # noqa: E402

MAJORS = {
    "White": ("WBRI", "WIRI", "WIRT", "WROM", "WOTH"),
    "Mixed": ("MWBC", "MWBA", "MWAS", "MOTH"),
    "Asian": ("AIND", "APKN", "ABAN", "AOTH"),
    "Black": ("BCRB", "BAFR", "BOTH"),
    "Other": ("CHNE", "OOTH"),
}
SEXES = ("Male", "Female")
STAGES = ("referral", "assessment", "s47", "cpp_start", "cpp_end", "cla_start")


def _report(label: str, audit: dict, seconds: float) -> None:
    cs = audit["component_sizes"]
    print(
        f"  {label}: {seconds:8.2f} s  components {audit['components']:>6}  largest {cs['largest']:>6}  "
        f"median {cs['median']:>6}  unknowns {cs['total_unknowns']:>7}  LP solves {audit['lp_solves']:>6}  "
        f"min range {audit['min_feasible_range']}"
    )


def _run(items: list[tuple[pd.DataFrame, TableSpec]], cfg: DisclosureConfig) -> None:
    n = sum(len(df) for df, _ in items)
    print(f"  {len(items)} table(s), {n:,} rows")
    t = time.perf_counter()
    out = protect(items, cfg)
    t_protect = time.perf_counter() - t
    print(
        f"  primary {out.audit['primary_suppressed']:,}, secondary {out.audit['secondary_suppressed']:,} "
        f"of {out.audit['cells']:,} cells"
    )
    _report("protect (suppression + audit)", out.audit, t_protect)
    published = [(f.astype(str).replace({"nan": "", "None": ""}), sp) for f, (_, sp) in zip(out.frames, items)]
    t = time.perf_counter()
    audit = audit_tables(published, cfg)
    _report("independent audit of the CSVs", audit, time.perf_counter() - t)


def default_pack() -> list[tuple[pd.DataFrame, TableSpec]]:
    """The children tables notebook 01 publishes on the synthetic partnership's default run."""
    from assurance_lib import disproportionality as D
    from assurance_lib.notebook import setup

    with tempfile.TemporaryDirectory() as tmp:
        ctx = setup(
            "01_disproportionality",
            params_file="parameters/2026-27-Q2.yaml",
            run_dir=tmp,
            events_path="data/synthetic/journey_events.csv",
            population_path="data/synthetic/population_children.csv",
        )
        inputs = D.load(ctx)
        result = D.analyse(ctx, inputs)
        return list(D.build_tables(ctx, inputs, result).values())


def national(las: int, seed: int = 2026) -> list[tuple[pd.DataFrame, TableSpec]]:
    """Every LA x stage x group, and England as the sum of the LAs."""
    rng = np.random.default_rng(seed)
    minors = [m for ms in MAJORS.values() for m in ms]
    share = rng.dirichlet(np.r_[60, np.ones(len(minors) - 1) * 2.5], size=las)  # ethnic mix per LA
    size = rng.lognormal(np.log(40_000), 0.6, size=las)  # children per LA
    rate = {
        "referral": 0.05,
        "assessment": 0.045,
        "s47": 0.015,
        "cpp_start": 0.004,
        "cpp_end": 0.004,
        "cla_start": 0.0025,
    }
    rows = []
    for stage in STAGES:
        # finest cells: LA x minor x sex
        lam = size[:, None, None] * share[:, :, None] * 0.5 * rate[stage]
        n = rng.poisson(np.broadcast_to(lam, (las, len(minors), 2)))
        for a in range(las + 1):
            x = n[a] if a < las else n.sum(axis=0)
            la = f"E{a:05d}" if a < las else "England"
            get = {m: x[k] for k, m in enumerate(minors)}
            rows.append((la, stage, "all", "All children", int(x.sum())))
            for s_i, s in enumerate(SEXES):
                rows.append((la, stage, "sex", s, int(x[:, s_i].sum())))
            for M, ms in MAJORS.items():
                mx = sum(get[m] for m in ms)
                rows.append((la, stage, "ethnicity_major", M, int(mx.sum())))
                for s_i, s in enumerate(SEXES):
                    rows.append((la, stage, "ethnicity_major x sex", f"{M} x {s}", int(mx[s_i])))
                for m in ms:
                    rows.append((la, stage, "ethnicity_minor", m, int(get[m].sum())))
    df = pd.DataFrame(rows, columns=["la", "stage", "group_type", "group", "count"])
    df["value"] = df["count"] / 100.0
    within = ("la", "stage")
    hs = (
        Hierarchy(
            column="group",
            total="All children",
            parts=SEXES,
            within=within,
            where={"group_type": "all"},
            parts_where={"group_type": "sex"},
        ),
        Hierarchy(
            column="group",
            total="All children",
            parts=tuple(MAJORS),
            within=within,
            where={"group_type": "all"},
            parts_where={"group_type": "ethnicity_major"},
        ),
        *Hierarchy.each(
            "group",
            MAJORS,
            within=within,
            where={"group_type": "ethnicity_major"},
            parts_where={"group_type": "ethnicity_minor"},
        ),
        *Hierarchy.each(
            "group",
            {M: tuple(f"{M} x {s}" for s in SEXES) for M in MAJORS},
            within=within,
            where={"group_type": "ethnicity_major"},
            parts_where={"group_type": "ethnicity_major x sex"},
        ),
        *Hierarchy.each(
            "group",
            {s: tuple(f"{M} x {s}" for M in MAJORS) for s in SEXES},
            within=within,
            where={"group_type": "sex"},
            parts_where={"group_type": "ethnicity_major x sex"},
        ),
        Hierarchy(
            column="la",
            total="England",
            parts=tuple(f"E{a:05d}" for a in range(las)),
            within=("stage", "group_type", "group"),
        ),
    )
    spec = TableSpec(
        name="national",
        title="Children by LA, stage and group",
        unit="children",
        rule="children-counts",
        source="synthetic",
        keys=("la", "stage", "group_type", "group"),
        counts=("count",),
        derived={"value": ("count",)},
        hierarchies=hs,
    )
    return [(df, spec)]


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--las", type=int, default=153, help="number of local authorities in the national set")
    ap.add_argument("--skip-default", action="store_true", help="skip the default pack")
    args = ap.parse_args()
    cfg = DisclosureConfig()
    import os

    os.chdir(ROOT)
    if not args.skip_default:
        print("Default pack (notebook 01 on the synthetic partnership)")
        _run(default_pack(), cfg)
    print(f"National set ({args.las} LAs x {len(STAGES)} stages x 33 groups, England = sum of LAs)")
    _run(national(args.las), cfg)


if __name__ == "__main__":
    main()
