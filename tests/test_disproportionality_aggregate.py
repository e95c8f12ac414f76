"""Aggregate-only input (children by stage and group): contract, grid, notebook and pack.

For partnerships that receive only aggregates. The expected values here are worked out by
hand (the sums that do not add up, the rates) or by a second method (the grid from the
child-level events of the same synthetic partnership).
"""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from assurance_lib import disproportionality as dp
from assurance_lib import pipeline
from assurance_lib.config import Period
from assurance_lib.disproportionality.groups import aggregate_group_values, group_relations
from assurance_lib.errors import InputError
from assurance_lib.notebook import setup

from conftest import synthetic_params

Q2 = Period.parse("2026-27 Q2")
HEADER = "stage,group_type,group,count,feeder_count,converted\n"


def _write(tmp_path, text, name="agg.csv"):
    p = tmp_path / name
    p.write_text(text, encoding="utf-8")
    return p


def _problems(tmp_path, text):
    with pytest.raises(InputError) as err:
        dp.read_aggregate(_write(tmp_path, text), {})
    return [str(p) for p in err.value.problems]


def test_group_values_are_checked_per_group_type_and_case_is_forgiven(tmp_path):
    probs = _problems(
        tmp_path,
        HEADER + "referral,sex,Female,4,,\n"  # row 2: fine (case)
        "referral,ethnicity_minor,XXXX,3,,\n"  # row 3: not a DfE code
        "referral,sex,WBRI,3,,\n"  # row 4: not a sex
        "referral,ethnicity_major x sex,Black x girl,1,,\n",
    )  # row 5
    assert len(probs) == 3
    assert any("row 3" in p and "'XXXX'" in p and "ethnicity_minor" in p for p in probs)
    assert any("row 4" in p and "'WBRI'" in p and "female, male, unknown" in p for p in probs)
    assert any("row 5" in p and "'Black x girl'" in p for p in probs)
    ok = dp.read_aggregate(_write(tmp_path, HEADER + "referral,SEX,Female,4,,\n"), {})
    assert ok[["group_type", "group"]].iloc[0].tolist() == ["sex", "female"]


def test_conversion_columns_are_checked(tmp_path):
    probs = _problems(
        tmp_path,
        HEADER + "referral,all,All children,10,8,9\n"  # row 2: 9 converted of 8
        "cpp_at_end,all,All children,4,4,2\n"  # row 3: a stock has no feeder
        "s47,all,All children,3,5,\n",
    )  # row 4: feeder without converted
    assert any("row 2" in p and "column 'converted'" in p and "more than feeder_count" in p for p in probs)
    assert any("row 3" in p and "column 'feeder_count'" in p and "no feeder stage" in p for p in probs)
    assert any("row 4" in p and "together" in p for p in probs)


def test_complete_parts_must_add_up_to_their_total(tmp_path):
    # Referral, sex: 5 + 4 + 0 = 9 children, but All children says 10 -> the total's row (2) is named
    # with both figures. Disability gives only 'yes': incomplete, so nothing to check.
    text = (
        HEADER + "referral,all,All children,10,,\n"
        "referral,sex,female,5,,\nreferral,sex,male,4,,\nreferral,sex,unknown,0,,\n"
        "referral,disability,yes,2,,\n"
    )
    probs = _problems(tmp_path, text)
    assert len(probs) == 1
    assert "row 2" in probs[0] and "column 'count'" in probs[0] and "is 10" in probs[0] and "add up to 9" in probs[0]
    fixed = dp.read_aggregate(_write(tmp_path, text.replace("male,4", "male,5"), "ok.csv"), {})
    assert len(fixed) == 5


def test_every_relation_is_between_known_groups():
    vals = aggregate_group_values(has_imd=True)
    for r in group_relations(has_imd=True, minor_intersections=True):
        assert r.total in vals[r.total_type] and set(r.parts) <= set(vals[r.part_type])
    # hand count: 6 single characteristics to All children, 6 major <- minor, and for each of the two
    # intersections by sex (3 values) and age band (6 values): one relation per first group and per second value
    n_major = (6 + 3) + (6 + 6)
    n_minor = (20 + 3) + (20 + 6)
    assert len(group_relations(has_imd=True)) == 6 + 6 + n_major
    assert len(group_relations(has_imd=True, minor_intersections=True)) == 6 + 6 + n_major + n_minor


def test_hand_worked_aggregate_rates():
    # 12 White British children referred of 10,000 (12 per 10,000); 3 Roma children of 50:
    # 600 per 10,000 with exact Poisson limits chi2(0.025, 6)/2 = 0.6187 and chi2(0.975, 8)/2 = 8.7673
    # children (Garwood), i.e. 123.7 and 1,753.5 per 10,000.
    agg = pd.DataFrame(
        {
            "stage": ["referral"] * 2,
            "group_type": ["ethnicity_minor"] * 2,
            "group": ["WBRI", "WROM"],
            "count": pd.array([12, 3], dtype="Int64"),
        }
    )
    pop = pd.DataFrame(
        {
            "ethnicity": ["WBRI", "WROM"],
            "sex": ["female"] * 2,
            "age_band": ["5 to 9"] * 2,
            "population": [10000, 50],
            "source": "test",
            "vintage": "2026",
        }
    )
    g = dp.run_grid_from_aggregate(agg, pop, period=Q2, options=dp.GridOptions(min_count=0, max_ci_ratio=1e6)).grid
    r = g[(g["measure"] == "rate_per_10000") & (g["group"] == "WROM")].iloc[0]
    assert r["value"] == pytest.approx(600.0)
    assert r["lower_95"] == pytest.approx(123.74, abs=0.01) and r["upper_95"] == pytest.approx(1753.46, abs=0.01)
    rr = g[(g["measure"] == "rate_ratio") & (g["group"] == "WROM")].iloc[0]
    assert rr["value"] == pytest.approx(50.0)  # 600 / 12
    assert rr["reference_group"].startswith("White British")


def test_synthetic_aggregate_gives_the_grid_of_the_events(root):
    # Second method: the bundled aggregate and the bundled events describe the same children, so
    # every estimate the aggregate supports equals the one from the child-level events.
    pop = dp.read_population(root / "data" / "synthetic" / "population_children.csv")
    agg = dp.read_aggregate(root / "data" / "synthetic" / "journey_aggregate.csv")
    a = dp.run_grid_from_aggregate(agg, pop, period=Q2).grid
    e = dp.run_grid(dp.read_events(root / "data" / "synthetic" / "journey_events.csv"), pop, period=Q2).grid
    keys = ["stage", "measure", "group_type", "group"]
    m = e.merge(a, on=keys, how="inner", suffixes=("_e", "_a"))
    assert len(m) == len(a) and len(a) > 4000
    assert set(e["measure"]) - set(a["measure"]) == {"conversion_ratio_imd"}  # needs the child-level IMD deciles
    assert (m["count_e"] == m["count_a"]).all()
    for c in ("denominator", "value", "lower_95", "upper_95", "lower_998", "upper_998", "p_value", "q_value"):
        assert np.allclose(m[f"{c}_e"].astype(float), m[f"{c}_a"].astype(float), equal_nan=True), c
    assert (m["flag_e"] == m["flag_a"]).all()


def _write_params(tmp_path, root, **nb01):
    return synthetic_params(tmp_path, **nb01)


def test_validate_needs_events_or_an_aggregate(tmp_path, root, monkeypatch):
    monkeypatch.chdir(root)
    with pytest.raises(InputError) as err:
        pipeline.validate(str(_write_params(tmp_path, root, events_path="", aggregate_path="")))
    msg = "\n".join(str(p) for p in err.value.problems)
    assert "events_path or aggregate_path" in msg and "notebooks.01_disproportionality" in msg
    v = pipeline.validate(
        str(_write_params(tmp_path, root, events_path="", aggregate_path="data/synthetic/journey_aggregate.csv"))
    )
    assert "journey_aggregate" in {i["contract"] for i in v.inputs}
    assert "journey_events" not in {i["contract"] for i in v.inputs}


def test_aggregate_only_views_say_what_is_not_available(tmp_path):
    ctx = setup(
        "01_disproportionality",
        params_file="parameters/2026-27-Q2.yaml",
        run_dir=str(tmp_path),
        events_path="",
        aggregate_path="data/synthetic/journey_aggregate.csv",
        population_path="data/synthetic/population_children.csv",
    )
    res = dp.analyse(ctx)
    inputs = res.inputs
    assert inputs.from_aggregate
    assert res.window.label == "12 months to 30 September 2026"
    summary = dict(zip(*dp.input_summary(res).T.to_numpy()))
    assert summary["Aggregate rows read"] == "2,556"  # 9 stages x 284 groups (every group type and intersection)
    published = res.tables
    assert set(published) == {"disproportionality", "disproportionality_benchmark"}
    assert "not available from an aggregate input" in dp.show_trends(ctx, res)["note"].iloc[0]
    assert "IMD decile" in dp.deprivation_data(published["disproportionality"])["note"].iloc[0]
    # the benchmark's partnership rows are the aggregate's All children rows (12 months of flows)
    b = published["disproportionality_benchmark"]
    agg = inputs.aggregate
    referred = int(agg[(agg["stage"] == "referral") & (agg["group_type"] == "all")]["count"].iloc[0])
    part = b[(b["area_type"] == "Partnership") & (b["stage"] == "referral")]
    assert int(part["count"].iloc[0]) == referred
    index = json.loads((tmp_path / "shareable" / "tables" / "index.json").read_text())
    grid = next(t for t in index["tables"] if t["name"] == "disproportionality")
    assert all(h["where"].get("stage") for h in grid["hierarchies"])  # aggregate: totals declared per complete stage


def test_quarter_aggregate_flows_are_not_benchmarked_against_years(tmp_path):
    ctx = setup(
        "01_disproportionality",
        params_file="parameters/2026-27-Q2.yaml",
        run_dir=str(tmp_path),
        events_path="",
        aggregate_path="data/synthetic/journey_aggregate.csv",
        population_path="data/synthetic/population_children.csv",
        window="quarter",
    )
    res = dp.analyse(ctx)
    b, _ = dp.benchmark_table(
        res.inputs, res.settings, res.computed, period=ctx.config.period, partnership=ctx.config.partnership
    )
    part = b[b["area_type"] == "Partnership"].set_index("stage")
    assert pd.isna(part.loc["referral", "count"]) and "cover a quarter" in part.loc["referral", "note"]
    assert part.loc["cpp_at_end", "count"] > 0  # stocks are comparable whatever the window


@pytest.mark.slow
def test_notebook_runs_from_an_aggregate_alone(run_notebook, tmp_path):
    run_dir = tmp_path / "pack"
    run_notebook(
        "01_disproportionality", run_dir, events_path="", aggregate_path="data/synthetic/journey_aggregate.csv"
    )
    tables = run_dir / "shareable" / "tables"
    t = pd.read_csv(tables / "disproportionality.csv", dtype=str, keep_default_na=False)
    assert not pd.to_numeric(t["count"], errors="coerce").between(1, 5).any()
    assert not (tables / "disproportionality_trends.csv").exists()
    flags = pd.read_csv(tables / "flags_disproportionality.csv")
    # the planted contact effect (x1.5)
    assert (
        flags["statement"]
        .str.contains(r"Black children were the subject of a contact \(.*\): 1\.\d times as likely")
        .any()
    )
