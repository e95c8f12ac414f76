"""Notebook 01 runs end to end on the synthetic partnership and writes a pack that meets the contracts.

The notebook is run once per session by the pipeline (``quarterly_packs`` in conftest); these
tests read the files it wrote.
"""

from __future__ import annotations

import json
import re

import nbformat
import pandas as pd
import pytest

DISPRO_COLUMNS = [
    "period",
    "stage",
    "measure",
    "group_type",
    "group",
    "reference_group",
    "count",
    "denominator",
    "value",
    "lower_95",
    "upper_95",
    "lower_998",
    "upper_998",
    "method",
    "p_value",
    "q_value",
    "flag",
    "denominator_source",
]


def test_notebook_is_thin_and_committed_without_outputs(root):
    nb = nbformat.read(root / "notebooks" / "01_disproportionality.ipynb", as_version=4)
    code = [c for c in nb.cells if c.cell_type == "code"]
    params = [c for c in code if "parameters" in c.metadata.get("tags", [])]
    assert len(params) == 1
    lines = [line for line in params[0].source.splitlines() if line.strip()]
    assert 'params_file = "parameters/2026-27-Q2.yaml"' in params[0].source and 'run_dir = ""' in params[0].source
    assert all(re.match(r"^\w+ = .+  # \S", line) for line in lines), "one literal per line, each with a # help comment"
    for c in code:
        assert not c.get("outputs") and c.get("execution_count") is None
        assert not re.search(r"^\s*(def|class) ", c.source, re.M)
    md = " ".join(c.source for c in nb.cells if c.cell_type == "markdown")
    for section in (
        "Data quality",
        "journey at a glance",
        "Intersections",
        "Age-standardised",
        "Trends",
        "Benchmarking",
        "Key findings",
        "Method and caveats",
        "Provenance",
    ):
        assert section in md


def test_q1_run_reports_later_events_and_counts_the_12_months_to_june(q1_pack):
    # Q1 reads the same events file as Q2: the events after 30 June 2026 are set aside, listed by
    # row in the internal quarantine, and the flows are the 12 months to the end of Q1.
    t = pd.read_csv(q1_pack / "shareable" / "tables" / "disproportionality.csv", dtype=str, keep_default_na=False)
    assert set(t["period"]) == {"2026-27 Q1"}
    assert set(t.loc[t["count_type"] == "flow", "window"]) == {"12 months to 30 June 2026"}
    quarantine = pd.read_csv(q1_pack / "internal" / "tables" / "disproportionality_quarantine.csv", dtype=str)
    later = quarantine["reason"].str.contains("after the period end (30 June 2026)", regex=False)
    assert later.sum() > 0
    allc = t[(t["group"] == "All children") & (t["measure"] == "rate_per_10000")]
    assert len(allc) == 9 and (pd.to_numeric(allc["count"]) > 0).all()


@pytest.mark.slow
def test_notebook_runs_and_publishes(synthetic_pack, root):
    run_dir = synthetic_pack  # notebook 01 run by the pipeline on its defaults (2026-27 Q2)
    tables = run_dir / "shareable" / "tables"
    t = pd.read_csv(tables / "disproportionality.csv", dtype=str, keep_default_na=False)
    assert all(c in t.columns for c in DISPRO_COLUMNS)
    allc = t[t["group"] == "All children"]
    assert not allc.duplicated(["period", "stage", "measure"]).any()
    assert len(allc.groupby(["period", "stage", "measure"])) == len(t.groupby(["period", "stage", "measure"]))
    # small counts never shown
    counts = pd.to_numeric(t["count"], errors="coerce")
    assert not counts.between(1, 5).any()
    assert (t.loc[t["count"] == "[c]", "value"] == "[c]").all()
    index = json.loads((tables / "index.json").read_text())
    names = {e["name"]: e for e in index["tables"]}
    assert (
        names["disproportionality"]["unit"] == "children" and names["disproportionality"]["rule"] == "children-counts"
    )
    flags = pd.read_csv(tables / "flags_disproportionality.csv")
    assert len(flags) > 0 and flags["statement"].str.len().min() > 20
    assert flags["severity"].isin(["high", "medium", "low"]).all()
    # the planted contact effect (x1.5), with the children counted beside the ratio
    assert (
        flags["statement"]
        .str.contains(r"^[\d,]+ Black children were the subject of a contact .*: 1\.\d times as likely")
        .any()
    )
    assert (
        flags["statement"]
        .str.match(r"^([\d,]+ |Of [\d,]+ |Ethnicity was refused or not yet obtained for [\d,]+ )")
        .all()
    )
    assert {"evidence", "direction", "affected", "themes", "uasc_children"} <= set(flags.columns)
    # no identifier anywhere in the pack: no synthetic child id; no date of birth in the files of
    # notebook 01 (the other notebooks print dates of their own, which may fall on a birthday)
    events = pd.read_csv(root / "data" / "synthetic" / "journey_events.csv", dtype=str)
    dobs = set(events["date_of_birth"]) - {"2026-09-30"}  # the population vintage date is printed on purpose
    scanned = 0
    for f in run_dir.rglob("*"):
        if f.is_file() and f.suffix in (".csv", ".json", ".md", ".html", ".svg", ".ipynb", ".log"):
            text = f.read_text(errors="ignore")
            assert not re.search(r"SYN\d{6}", text), f
            if f.name.startswith(("01_", "dispro", "flags_disproportionality")):
                assert not (set(re.findall(r"\d{4}-\d{2}-\d{2}", text)) & dobs), f
                scanned += 1
    assert scanned > 10
    # one group's children at a stage are one cell, whichever measure row repeats them: hidden on
    # one row means hidden on all (the age-standardised row once showed a count hidden elsewhere)
    same = t[t["measure"].isin(["rate_per_10000", "rate_ratio", "representation_index", "share", "dsr_per_10000"])]
    assert (same.groupby(["stage", "group_type", "group"])["count"].nunique() == 1).all()
    conv = t[t["measure"].isin(["conversion", "conversion_ratio", "conversion_ratio_imd"])]
    assert (conv.groupby(["stage", "group_type", "group"])[["count", "denominator"]].nunique() == 1).all().all()
    # the 12 months are the union of the trend table's last four quarters: every shown quarter is
    # at most the shown 12-month count, and (all four shown) their sum at least it
    grid = names["disproportionality"]
    assert any(
        h.get("parts_table") == "disproportionality_trends" and h["relation"] == "union" for h in grid["hierarchies"]
    )
    tr = pd.read_csv(tables / "disproportionality_trends.csv", dtype=str, keep_default_na=False)
    last4 = sorted(tr["period"].unique())[-4:]
    year = t[
        (t["measure"] == "rate_per_10000")
        & t["group_type"].isin(["all", "ethnicity_major"])
        & (t["count_type"] == "flow")
    ]
    checked = 0
    for (stage, gt, g), n in year.set_index(["stage", "group_type", "group"])["count"].items():
        q = tr[(tr["stage"] == stage) & (tr["group_type"] == gt) & (tr["group"] == g) & tr["period"].isin(last4)][
            "count"
        ]
        qn = pd.to_numeric(q, errors="coerce")
        if n == "[c]" or qn.isna().all():
            continue
        assert qn.max() <= int(n), (stage, g)
        if qn.notna().all() and len(qn) == 4:
            assert qn.sum() >= int(n), (stage, g)
            checked += 1
    assert checked > 20
    for fig in (
        "dispro_heatmap_rate_ratio",
        "dispro_forest_rate_ratio_cpp_start",
        "dispro_funnel_referral",
        "dispro_trends",
    ):
        assert (run_dir / "shareable" / "figures" / f"{fig}.png").is_file()
