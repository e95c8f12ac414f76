"""Unaccompanied children reported apart must not give away a small count of them.

A group with 2 unaccompanied children among its looked-after starts: the published
``disproportionality.csv`` shows the resident children and, as context, the children with UASC;
the difference of the two would be the 2. The relation "with UASC = resident + UASC" is declared
to disclosure control, so the published table hides enough that the 2 can be recovered neither
by subtraction nor by the recoverability audit (linear programming over every declared relation).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from assurance_lib.config import DisclosureConfig, Period
from assurance_lib.disclosure import audit_tables, is_suppressed, protect
from assurance_lib.disproportionality.compute import build_tables, compute
from assurance_lib.disproportionality.findings import findings
from assurance_lib.disproportionality.inputs import Inputs
from assurance_lib.disproportionality.settings import Settings
from assurance_lib.nbparams import read_notebook

Q2 = Period.parse("2026-27 Q2")
CFG = DisclosureConfig()  # DfE: counts of 1 to 5 suppressed


def _events(spec):
    """spec: (ethnicity, uasc, n children, events) -> typed events (referral then looked after), in the window."""
    rows, k = [], 0
    for eth, uasc, n, evs in spec:
        for _ in range(n):
            k += 1
            for j, e in enumerate(evs):
                rows.append(
                    {
                        "child_id": f"C{k}",
                        "event": e,
                        "event_date": pd.Timestamp("2026-05-01") + pd.Timedelta(days=j),
                        "ethnicity": eth,
                        "uasc": uasc,
                    }
                )
    df = pd.DataFrame(rows)
    df["end_date"] = pd.NaT
    df["date_of_birth"] = pd.Timestamp("2012-06-01")
    df["age_at_event"] = np.nan
    df["sex"] = "female"
    df["disability"] = "no"
    df["imd_decile"] = pd.array([pd.NA] * len(df), dtype="Int64")
    df["_row"] = range(2, len(df) + 2)
    for c in ("child_id", "event", "ethnicity", "sex", "disability", "uasc"):
        df[c] = df[c].astype("string")
    return df


def _published():
    # BAFR: 40 resident children started to be looked after and 2 unaccompanied ones (42 with UASC);
    # AIND 30 resident and 9 unaccompanied; WBRI 200 resident, none unaccompanied.
    la = ["referral", "cla_start"]
    spec = [
        ("WBRI", "no", 200, la),
        ("WBRI", "no", 300, ["referral"]),
        ("BAFR", "no", 40, la),
        ("BAFR", "yes", 2, la),
        ("BAFR", "no", 60, ["referral"]),
        ("AIND", "no", 30, la),
        ("AIND", "yes", 9, la),
        ("AIND", "no", 50, ["referral"]),
    ]
    published, _, result = publish_spec(spec)
    return published, result


def publish_spec(spec):
    """The tables of the events of ``spec`` (``_events``) against a three-group population, as the
    notebook's defaults compute them, through disclosure control: the published frames (read back as
    text, as the pack's CSVs are) with their specs, the true frames with their specs, the results."""
    pop = pd.DataFrame(
        {
            "ethnicity": ["WBRI", "BAFR", "AIND"],
            "sex": "female",
            "age_band": "10 to 15",
            "population": [40000, 3000, 4000],
            "source": "test",
            "vintage": "2026",
        }
    )
    params = {
        k: v
        for k, v in read_notebook("01_disproportionality").defaults().items()
        if k not in ("params_file", "run_dir")
    }
    settings = Settings.from_params({**params, "events_path": "events.csv", "population_path": "population.csv"})
    assert settings.exclude_uasc_cla  # the default: looked-after figures are of resident children
    inputs = Inputs(events=_events(spec), population=pop)
    result = compute(inputs, settings, Q2)
    items = list(build_tables(inputs, settings, result, period=Q2, partnership="Test").values())
    out = protect(items, CFG)
    # as in the pack: the published CSVs read back as text
    published = [(f.astype(str).replace({"nan": ""}), s) for f, (_, s) in zip(out.frames, items)]
    return published, items, result


@pytest.fixture(scope="module")
def published():
    return _published()


def _cell(table, measure, group, stage="cla_start", group_type="ethnicity_minor"):
    r = table[
        (table["stage"] == stage)
        & (table["measure"] == measure)
        & (table["group"] == group)
        & (table["group_type"] == group_type)
    ]
    assert len(r) == 1, (measure, group)
    return r.iloc[0]


def test_true_counts_are_as_built(published):
    _, result = published
    g = result.grid
    sel = (g["stage"] == "cla_start") & (g["group_type"] == "ethnicity_minor") & (g["group"] == "BAFR")
    by = g[sel].set_index("measure")["count"]
    assert (by["rate_ratio"], by["rate_ratio_with_uasc"], by["uasc_children"]) == (40, 42, 2)
    sel_a = (g["stage"] == "cla_start") & (g["group_type"] == "ethnicity_minor") & (g["group"] == "AIND")
    assert g[sel_a].set_index("measure")["count"]["uasc_children"] == 9


def test_two_unaccompanied_children_cannot_be_recovered_by_subtraction(published):
    items, _ = published
    t = items[0][0]
    assert items[0][1].name == "disproportionality"
    assert is_suppressed(_cell(t, "uasc_children", "BAFR")["count"])
    res, with_ = _cell(t, "rate_ratio", "BAFR"), _cell(t, "rate_ratio_with_uasc", "BAFR")
    # the resident figure the findings rest on stays; the with-UASC context figure is hidden
    assert res["count"] == "40" and res["value"] not in ("", "[c]")
    assert is_suppressed(with_["count"])
    for c in ("value", "lower_95", "upper_95", "p_value"):
        assert is_suppressed(with_[c]) or with_[c] == "", c
    # nowhere in the table (minor, major or all-children rows) do a shown with-UASC count and a shown
    # resident count differ by 1 to 5
    for (st, gt, g), rows in t[t["stage"].isin(["cla_start", "cla_at_end"])].groupby(["stage", "group_type", "group"]):
        by = rows.set_index("measure")["count"]
        if (
            "rate_ratio_with_uasc" in by
            and not is_suppressed(by["rate_ratio_with_uasc"])
            and not is_suppressed(by["rate_ratio"])
        ):
            d = float(by["rate_ratio_with_uasc"]) - float(by["rate_ratio"])
            assert not 1 <= d <= CFG.threshold, (st, gt, g)
    # the partnership's 11 unaccompanied children are published on their own row; AIND's 9 (above the
    # threshold) is hidden too, since 11 - 9 would give BAFR's 2
    assert _cell(t, "uasc_children", "All children", group_type="all")["count"] == "11"
    assert is_suppressed(_cell(t, "uasc_children", "AIND")["count"])


def test_the_recoverability_audit_passes_on_the_published_tables(published):
    items, _ = published
    audit = audit_tables(items, CFG)
    assert audit["passed"] and audit["suppressed_cells"] > 0


def test_without_the_declared_relation_the_audit_would_not_see_the_hole(published):
    # second view: the same published table judged with the relation declared but the with-UASC
    # count shown (as before this fix) is refused by the audit
    items, _ = published
    t = items[0][0].copy()
    sel = (
        (t["stage"] == "cla_start")
        & (t["group"] == "BAFR")
        & (t["group_type"] == "ethnicity_minor")
        & (t["measure"] == "rate_ratio_with_uasc")
    )
    t.loc[sel, "count"] = "42"
    from assurance_lib.errors import PublicationRefused

    with pytest.raises(PublicationRefused, match="narrowed"):
        audit_tables([(t, items[0][1]), *items[1:]], CFG)


def test_the_finding_states_no_small_count(published):
    items, _ = published
    f = findings(items[0][0], threshold=CFG.threshold)
    # BAFR is the whole Black group here: the finding is given once, under "Black children"
    black = f[f["subject"].eq("Black children") & f["measure"].eq("rate ratio: starts to be looked after")]
    assert len(black) == 1
    st = black.iloc[0]["statement"]
    assert st.startswith("40 Black children started to be looked after")
    assert "the number of the group's unaccompanied children is not published ([c]: counts of 1 to 5," in st
    assert " 2 " not in st and "42" not in st and "With them included the ratio is not published" in st
    assert pd.isna(black.iloc[0]["uasc_children"])
    # the threshold is the run's
    st7 = findings(items[0][0], threshold=7)
    assert "counts of 1 to 7," in st7.loc[black.index[0], "statement"]


def test_the_relation_travels_in_index_json():
    from assurance_lib.disproportionality.compute import uasc_relation
    from assurance_lib.tables import Hierarchy

    h = uasc_relation()
    assert h.declaration()["hide_first"] == "total" and Hierarchy.from_declaration(h.declaration()) == h
    plain = Hierarchy(column="group", total="All", parts=("A", "B"))
    assert "hide_first" not in plain.declaration()  # other tables' index.json entries are unchanged
    with pytest.raises(ValueError, match="hide_first"):
        Hierarchy(column="group", total="All", parts=("A",), hide_first="sides")
