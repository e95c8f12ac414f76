"""A synthetic pack, published only through ``Publisher``, checked file by file.

The checks here do not use the disclosure engine: small counts are looked for in the CSVs as
text, identifiers as raw substrings of every file's bytes, and every suppressed cell's integer
range is found with :func:`scipy.optimize.milp` over constraints written out from the way the
synthetic tables are *built* (not from their declarations).
"""

from __future__ import annotations

import json
from pathlib import Path

import numpy as np
import pandas as pd
import pytest
from scipy.optimize import Bounds, LinearConstraint, milp

from assurance_lib.config import DisclosureConfig, Period, RunConfig
from assurance_lib.disclosure import IdentifierSet, audit_pack
from assurance_lib.publish import Publisher
from assurance_lib.tables import Hierarchy, Share, TableSpec

MAJORS = {
    "White": ("WBRI", "WIRI", "WOTH"),
    "Mixed": ("MWBC", "MOTH"),
    "Asian": ("AIND", "APKN", "AOTH"),
    "Black": ("BAFR", "BCRB"),
    "Other": ("CHNE", "OOTH"),
}
SEXES = ("Male", "Female")
PERIODS = ("2026-27 Q1", "2026-27 Q2")
STAGES = ("referral", "cpp", "cla")
FEEDER = {"cpp": "referral", "cla": "cpp"}
WITHIN = ("period", "stage", "measure")


def nhs_number(rng: np.random.Generator) -> str:
    while True:
        d = rng.integers(0, 10, 9)
        check = 11 - int(sum(int(x) * w for x, w in zip(d, range(10, 1, -1)))) % 11
        check = 0 if check == 11 else check
        if check != 10:
            return "".join(map(str, d)) + str(check)


def children(seed: int = 7, n: int = 900) -> pd.DataFrame:
    """Child-level synthetic records: ids, NHS numbers, ethnicity, sex, stages reached per period."""
    rng = np.random.default_rng(seed)
    minors = [m for ms in MAJORS.values() for m in ms]
    weights = np.array([40, 1, 3, 2, 1, 2, 2, 1, 2, 2, 1, 1.0])
    df = pd.DataFrame(
        {
            "child_id": [f"CH{100000 + i}" for i in range(n)],
            "nhs_number": [nhs_number(rng) for _ in range(n)],
            "minor": rng.choice(minors, n, p=weights / weights.sum()),
            "sex": rng.choice(SEXES, n),
        }
    )
    for p in PERIODS:
        ref = rng.random(n) < 0.5
        cpp = ref & (rng.random(n) < 0.3)
        cla = cpp & (rng.random(n) < 0.4)
        df[f"referral|{p}"], df[f"cpp|{p}"], df[f"cla|{p}"] = ref, cpp, cla
    df["major"] = df["minor"].map({m: M for M, ms in MAJORS.items() for m in ms})
    return df


def groups() -> list[tuple[str, str, str]]:
    """(group_type, group, pandas query selecting its children)."""
    out = [("all", "All children", "ilevel_0 == ilevel_0")]
    out += [("sex", s, f"sex == '{s}'") for s in SEXES]
    out += [("ethnicity_major", M, f"major == '{M}'") for M in MAJORS]
    out += [("ethnicity_minor", m, f"minor == '{m}'") for ms in MAJORS.values() for m in ms]
    out += [("ethnicity_major x sex", f"{M} x {s}", f"major == '{M}' and sex == '{s}'") for M in MAJORS for s in SEXES]
    return out


def dispro_table(kids: pd.DataFrame) -> pd.DataFrame:
    rows = []
    pop = {g: 2000 + 300 * k for k, (_, g, _) in enumerate(groups())}
    for p in PERIODS:
        for stage in STAGES:
            for gt, g, q in groups():
                sub = kids.query(q)
                n = int(sub[f"{stage}|{p}"].sum())
                rows.append(
                    dict(
                        period=p,
                        stage=stage,
                        measure="rate",
                        group_type=gt,
                        group=g,
                        feeder="",
                        count=n,
                        denominator=pop[g],
                        denominator_kind="population",
                        value=round(1e4 * n / pop[g], 1),
                    )
                )
                if stage in FEEDER:
                    d = int(sub[f"{FEEDER[stage]}|{p}"].sum())
                    rows.append(
                        dict(
                            period=p,
                            stage=stage,
                            measure="conversion",
                            group_type=gt,
                            group=g,
                            feeder=FEEDER[stage],
                            count=n,
                            denominator=d,
                            denominator_kind="children",
                            value=round(100 * n / d, 1) if d else np.nan,
                        )
                    )
    df = pd.DataFrame(rows)
    df["lower_95"] = df["value"] * 0.8
    df["upper_95"] = df["value"] * 1.25
    df["p_value"] = 0.04
    return df


def dispro_spec() -> TableSpec:
    majors_sex = {M: tuple(f"{M} x {s}" for s in SEXES) for M in MAJORS}
    sex_majors = {s: tuple(f"{M} x {s}" for M in MAJORS) for s in SEXES}
    hs = (
        Hierarchy(
            column="group",
            total="All children",
            parts=SEXES,
            within=WITHIN,
            where={"group_type": "all"},
            parts_where={"group_type": "sex"},
        ),
        Hierarchy(
            column="group",
            total="All children",
            parts=tuple(MAJORS),
            within=WITHIN,
            where={"group_type": "all"},
            parts_where={"group_type": "ethnicity_major"},
        ),
        *Hierarchy.each(
            "group",
            MAJORS,
            within=WITHIN,
            where={"group_type": "ethnicity_major"},
            parts_where={"group_type": "ethnicity_minor"},
        ),
        *Hierarchy.each(
            "group",
            majors_sex,
            within=WITHIN,
            where={"group_type": "ethnicity_major"},
            parts_where={"group_type": "ethnicity_major x sex"},
        ),
        *Hierarchy.each(
            "group",
            sex_majors,
            within=WITHIN,
            where={"group_type": "sex"},
            parts_where={"group_type": "ethnicity_major x sex"},
        ),
    )
    same_group = {"period": "period", "group_type": "group_type", "group": "group"}
    return TableSpec(
        name="dispro",
        title="Children by stage and group",
        unit="children",
        rule="children-counts",
        source="synthetic",
        keys=("period", "stage", "measure", "group_type", "group"),
        counts=("count",),
        count_where={"denominator": ("denominator_kind", ("children",))},
        derived={c: ("count", "denominator") for c in ("value", "lower_95", "upper_95", "p_value")},
        hierarchies=hs,
        shares=(
            Share(
                table="dispro",
                on={**same_group, "stage": "stage"},
                counts={"count": "count"},
                where={"measure": "conversion"},
                other_where={"measure": "rate"},
            ),
            Share(
                table="dispro",
                on={**same_group, "feeder": "stage"},
                counts={"denominator": "count"},
                where={"measure": "conversion"},
                other_where={"measure": "rate"},
            ),
        ),
    )


def headline_table(kids: pd.DataFrame) -> tuple[pd.DataFrame, TableSpec]:
    rows = []
    for k, p in enumerate(PERIODS):
        for stage in STAGES:
            now = int(kids[f"{stage}|{p}"].sum())
            prev = int(kids[f"{stage}|{PERIODS[k - 1]}"].sum()) if k else np.nan
            rows.append(
                dict(
                    period=p,
                    previous_period=PERIODS[k - 1] if k else "",
                    stage=stage,
                    children=now,
                    previous=prev,
                    change=now - prev if k else np.nan,
                )
            )
    spec = TableSpec(
        name="headline",
        title="Children at each stage",
        unit="children",
        rule="children-counts",
        source="synthetic",
        keys=("period", "stage"),
        counts=("children", "previous"),
        derived={"change": ("children", "previous")},
        shares=(
            Share(
                table="dispro",
                on={"period": "period", "stage": "stage"},
                counts={"children": "count"},
                other_where={"group": "All children", "measure": "rate"},
            ),
            Share(
                table="dispro",
                on={"previous_period": "period", "stage": "stage"},
                counts={"previous": "count"},
                other_where={"group": "All children", "measure": "rate"},
            ),
        ),
    )
    return pd.DataFrame(rows), spec


@pytest.fixture(scope="module")
def pack(tmp_path_factory):
    run = tmp_path_factory.mktemp("pack")
    cfg = RunConfig(
        params_file=run / "p.yaml",
        root=run,
        partnership="Synthetic",
        period=Period.parse("2026-27 Q2"),
        output_root=run,
    )
    kids = children()
    pub = Publisher(
        run_dir=run, config=cfg, analysis="disproportionality", identifier_columns=("child_id", "nhs_number")
    )
    pub._identifiers = IdentifierSet.from_columns({"child_id": kids["child_id"], "nhs_number": kids["nhs_number"]})
    dispro = dispro_table(kids)
    pub.table(dispro, dispro_spec())
    head, head_spec = headline_table(kids)
    pub.tables(
        [
            (head, head_spec),
            (
                pd.DataFrame({"agency": ["Police", "Health"], "rating": ["Good", "Requires improvement"]}),
                TableSpec(name="agencies", title="Ratings", unit="agencies", rule="organisations", source="s11"),
            ),
        ]
    )
    first = kids.iloc[3]
    pub.text(
        "commentary",
        (
            f"Good practice noted.\n\nChild {first['child_id']} (NHS {first['nhs_number'][:3]} "
            f"{first['nhs_number'][3:6]} {first['nhs_number'][6:]}) was discussed; "
            "contact social.worker@example.org.\n\nChild ID: Q7 was unknown."
        ),
        free_text=True,
    )
    pub.internal_table(dispro.groupby(["period", "stage"], as_index=False)["count"].sum(), "working")
    return run, kids, dispro, head


def _read(run: Path, name: str) -> pd.DataFrame:
    return pd.read_csv(run / "shareable" / "tables" / f"{name}.csv", dtype=str, keep_default_na=False)


def test_no_identifier_in_any_file(pack):
    run, kids, _, _ = pack
    needles = [s.encode() for s in (*kids["child_id"], *kids["nhs_number"], "social.worker@example.org")]
    files = [p for p in run.rglob("*") if p.is_file()]
    assert len(files) >= 6
    for p in files:
        data = p.read_bytes()
        for needle in needles:
            assert needle not in data, f"{p.relative_to(run)} holds an identifier"
    text = (run / "shareable" / "text" / "commentary.md").read_text()
    assert text.startswith("Good practice noted.") and "[redacted]" in text and "Q7" not in text
    assert "could not be cleared" in (run / "internal" / "publish.log").read_text()


def test_no_small_count_and_true_totals_where_shown(pack):
    run, _, dispro, head = pack
    index = {e["name"]: e for e in json.loads((run / "shareable" / "tables" / "index.json").read_text())["tables"]}
    assert index["dispro"]["rule"] == "children-counts" and index["agencies"]["rule"] == "organisations"
    d = _read(run, "dispro")
    counts = [("count", np.ones(len(d), dtype=bool)), ("denominator", d["denominator_kind"].eq("children").to_numpy())]
    for col, rows in counts:
        for shown, true in zip(d.loc[rows, col], dispro.loc[rows, col]):
            if shown == "[c]":
                assert true != 0
            else:
                assert not 1 <= int(shown) <= 5 and int(shown) == true
    # a derived value is never shown beside a hidden count it comes from
    hidden = d["count"].eq("[c]") | (d["denominator_kind"].eq("children") & d["denominator"].eq("[c]"))
    assert d.loc[hidden, ["value", "lower_95", "upper_95", "p_value"]].eq("[c]").all().all()
    assert hidden.sum() > 20  # the synthetic partnership has small groups
    h = _read(run, "headline")
    for col in ("children", "previous"):
        for shown, true in zip(h[col], head[col]):
            assert shown in ("[c]", "[x]") or int(shown) == true


def _cell_ranges(run: Path) -> list[tuple[str, int, int]]:
    """Every hidden cell's integer range from the published CSVs, by constraints written out from
    how the tables were built."""
    d, h = _read(run, "dispro"), _read(run, "headline")
    var: dict[tuple, int] = {}
    lb, ub, names = [], [], []

    def v(key: tuple, text: str) -> int:
        if key not in var:
            var[key] = len(lb)
            names.append(str(key))
            if text == "[c]":
                lb.append(1), ub.append(10**6)
            elif text in ("[x]", ""):
                lb.append(0), ub.append(10**6)
            else:
                lb.append(int(text)), ub.append(int(text))
        return var[key]

    cell = {}
    for r in d.itertuples(index=False):
        cell[(r.period, r.stage, r.measure, r.group)] = v(("count", r.period, r.stage, r.measure, r.group), r.count)
        if r.measure == "conversion":
            cell[("den", r.period, r.stage, r.group)] = v(("den", r.period, r.stage, r.group), r.denominator)
    eqs: list[dict[int, float]] = []
    for p in PERIODS:
        for stage in STAGES:
            for m in ("rate", "conversion") if stage in FEEDER else ("rate",):
                c = lambda g, p=p, stage=stage, m=m: cell[(p, stage, m, g)]  # noqa: E731
                eqs.append({c("All children"): 1, **{c(s): -1 for s in SEXES}})
                eqs.append({c("All children"): 1, **{c(M): -1 for M in MAJORS}})
                for M, ms in MAJORS.items():
                    eqs.append({c(M): 1, **{c(x): -1 for x in ms}})
                    eqs.append({c(M): 1, **{c(f"{M} x {s}"): -1 for s in SEXES}})
                for s in SEXES:
                    eqs.append({c(s): 1, **{c(f"{M} x {s}"): -1 for M in MAJORS}})
            if stage in FEEDER:
                for _, g, _ in groups():
                    eqs.append({cell[(p, stage, "conversion", g)]: 1, cell[(p, stage, "rate", g)]: -1})
                    eqs.append({cell[("den", p, stage, g)]: 1, cell[(p, FEEDER[stage], "rate", g)]: -1})
    for r in h.itertuples(index=False):
        a = v(("head", r.period, r.stage), r.children)
        eqs.append({a: 1, cell[(r.period, r.stage, "rate", "All children")]: -1})
        if r.previous_period:
            b = v(("head_prev", r.period, r.stage), r.previous)
            eqs.append({b: 1, cell[(r.previous_period, r.stage, "rate", "All children")]: -1})
    A = np.zeros((len(eqs), len(lb)))
    for k, e in enumerate(eqs):
        for i, a in e.items():
            A[k, i] += a
    cons = LinearConstraint(A, 0, 0)
    hidden = [i for i in range(len(lb)) if lb[i] == 1 and ub[i] == 10**6]
    out = []
    for i in hidden:
        ends = []
        for sign in (1, -1):
            c = np.zeros(len(lb))
            c[i] = sign
            res = milp(c, constraints=cons, integrality=np.ones(len(lb)), bounds=Bounds(lb, ub))
            assert res.status == 0
            ends.append(round(res.x[i]))
        out.append((names[i], ends[0], ends[1]))
    return out


def test_no_suppressed_cell_can_be_recovered(pack):
    run = pack[0]
    ranges = _cell_ranges(run)
    assert len(ranges) > 20
    narrow = [(n, lo, hi) for n, lo, hi in ranges if hi - lo + 1 < DisclosureConfig().protection_range]
    assert not narrow


def test_engine_audit_of_the_pack_passes_and_reports(pack):
    run = pack[0]
    audit = audit_pack(run / "shareable", DisclosureConfig())
    assert audit["passed"] and audit["tables"] == ["dispro", "headline"]
    assert audit["min_feasible_range"] >= 3
    written = sorted((run / "internal" / "disclosure").glob("audit_*.json"))
    assert len(written) == 2
    second = json.loads(written[1].read_text())
    assert second["linked_earlier_tables"] == ["dispro"] and second["tables"] == ["headline"]
