"""Plain-English findings from the published table (flags file columns of DESIGN.md)."""

from __future__ import annotations

import pandas as pd

from assurance_lib.disproportionality import findings
from assurance_lib.tables import FLAG_COLUMNS


def published(rows):
    base = {
        "period": "2026-27 Q2",
        "window": "12 months to 30 September 2026",
        "denominator": "1000",
        "denominator_source": "x",
        "reference_group": "White British (WBRI)",
        "lower_998": "",
        "upper_998": "",
    }
    return pd.DataFrame([{**base, **r} for r in rows]).astype(object)


def test_sentence_severity_and_fdr():
    pub = published(
        [
            # the example: 2.3 (1.8 to 2.9), 99.8% flag, q < 0.05 -> high
            {
                "stage": "cpp_start",
                "measure": "rate_ratio",
                "group_type": "ethnicity_minor",
                "group": "MWBC",
                "group_label": "White and Black Caribbean",
                "value": 2.3,
                "lower_95": 1.8,
                "upper_95": 2.9,
                "q_value": 0.001,
                "flag": "higher (99.8%)",
                "count": 40,
            },
            # significant interval but q above the FDR: not a finding
            {
                "stage": "cpp_start",
                "measure": "rate_ratio",
                "group_type": "ethnicity_minor",
                "group": "AIND",
                "group_label": "Indian",
                "value": 1.4,
                "lower_95": 1.01,
                "upper_95": 1.9,
                "q_value": 0.2,
                "flag": "higher (95%)",
                "count": 30,
            },
            # suppressed row: never a finding
            {
                "stage": "cpp_start",
                "measure": "rate_ratio",
                "group_type": "ethnicity_minor",
                "group": "WROM",
                "group_label": "Gypsy/Roma",
                "value": "[c]",
                "lower_95": "[c]",
                "upper_95": "[c]",
                "q_value": "[c]",
                "flag": "[c]",
                "count": "[c]",
            },
            # age: a finding, but low severity (context)
            {
                "stage": "cla_start",
                "measure": "rate_ratio",
                "group_type": "age_band",
                "group": "under 1",
                "group_label": "under 1",
                "value": 3.0,
                "lower_95": 2.0,
                "upper_95": 4.0,
                "q_value": 0.0001,
                "flag": "higher (99.8%)",
                "count": 50,
                "reference_group": "all other children whose age band is known",
            },
            # data quality: 7.5% ethnicity not known at referral
            {
                "stage": "referral",
                "measure": "share",
                "group_type": "ethnicity_major",
                "group": "Not known",
                "group_label": "Not known",
                "value": 7.5,
                "lower_95": 6.0,
                "upper_95": 9.2,
                "q_value": "",
                "flag": "not compared",
                "count": 75,
            },
        ]
    )
    f = findings(pub)
    assert list(f.columns)[:10] == [c for c in FLAG_COLUMNS if c != "analysis"]
    assert {"evidence", "direction", "effect", "effect_unit", "affected", "themes"} <= set(f.columns)
    assert len(f) == 3
    first = f.iloc[0]
    assert first["statement"] == (
        "40 White and Black Caribbean children started a child protection plan (12 months to "
        "30 September 2026): 2.3 times as likely as White British children to start a child "
        "protection plan (95% CI 1.8 to 2.9). A difference in rates is not, by itself, evidence of bias."
    )
    assert first["severity"] == "high" and first["evidence_table"] == "disproportionality"
    assert (first["evidence"], first["direction"], first["affected"], first["effect"]) == ("strong", "concern", 40, 2.3)
    assert "group=MWBC" in first["evidence_key"] and "stage=cpp_start" in first["evidence_key"]
    assert f.iloc[1]["severity"] == "low" and f.iloc[1]["statement"].startswith(
        "50 babies under 1 started to be looked after"
    )
    assert f.iloc[1]["direction"] == "context" and "not, by itself" not in f.iloc[1]["statement"]
    dq = f.iloc[2]
    assert dq["category"] == "data quality" and dq["severity"] == "low" and "7.5%" in dq["statement"]


def test_any_other_group_starts_its_sentence_with_a_capital_and_reads_on_in_a_conversion():
    base = {
        "group_type": "ethnicity_minor",
        "group": "BOTH",
        "group_label": "Any other Black background",
        "value": 1.7,
        "lower_95": 1.3,
        "upper_95": 2.2,
        "q_value": 0.001,
        "flag": "higher (99.8%)",
        "count": 60,
    }
    pub = published(
        [
            {**base, "stage": "contact", "measure": "rate_ratio"},
            {
                **base,
                "stage": "s47",
                "measure": "conversion_ratio",
                "denominator_source": "children at the assessment stage",
            },
        ]
    )
    f = findings(pub)
    assert f.iloc[0]["statement"].startswith(
        "60 children of any other Black background were the subject of a contact "
        "(12 months to 30 September 2026): 1.7 times as likely as White British children"
    )
    assert f.iloc[1]["statement"].startswith(
        "Of 1,000 children of any other Black background at the assessment stage, 60 went on "
        "to be the subject of a section 47 enquiry"
    )


def test_major_groups_phrased_in_lower_case_still_start_their_sentence_with_a_capital():
    pub = published(
        [
            {
                "stage": "s47",
                "measure": "rate_ratio",
                "group_type": "ethnicity_major",
                "group": "Mixed",
                "group_label": "Mixed or Multiple ethnic groups",
                "value": 1.9,
                "lower_95": 1.5,
                "upper_95": 2.4,
                "q_value": 0.001,
                "flag": "higher (99.8%)",
                "count": 80,
            }
        ]
    )
    st = findings(pub).iloc[0]["statement"]
    assert st.startswith("80 children of Mixed or Multiple ethnic groups were the subject of a section 47 enquiry")
    assert "1.9 times as likely as White British children" in st


def test_findings_summary_counts_and_quotes_the_largest_differences():
    from assurance_lib.disproportionality import findings_summary

    flags = pd.DataFrame(
        [
            # category, severity, value, statement
            ("disproportionality", "high", 2.0, "A were 2.0 times."),
            ("disproportionality", "high", 0.25, "B were 0.25 times."),  # |log 0.25| = 1.386 > |log 2| = 0.693
            ("disproportionality", "high", 1.5, "C were 1.5 times."),
            ("disproportionality", "medium", 3.0, "D were 3.0 times."),  # medium: not quoted however large
            ("disproportionality", "low", 5.0, "E were 5.0 times."),
            ("disproportionality (intersection)", "high", 9.0, "F were 9.0 times."),
            ("data quality", "low", 7.5, "Ethnicity was not known for 7.5%."),
        ],
        columns=["category", "severity", "value", "statement"],
    )
    md = findings_summary(flags, top=2)
    assert md.startswith("**7 findings** this period: 5 about a single characteristic (3 high, 1 medium, 1 low")
    assert "1 about an intersection, and 1 on data quality." in md
    quoted = [ln[2:] for ln in md.splitlines() if ln.startswith("- ")]
    assert quoted == ["B were 0.25 times.", "A were 2.0 times."]
    assert findings_summary(flags.iloc[0:0]).startswith("**No findings**")


def test_findings_are_ordered_by_severity_then_largest_difference():
    rows = []
    for g, label, v, lo, hi, flag in [
        ("AIND", "Indian", 1.2, 1.1, 1.3, "higher (99.8%)"),  # |log| 0.18, high
        ("APKN", "Pakistani", 0.4, 0.3, 0.5, "lower (99.8%)"),  # |log| 0.92, high
        ("BAFR", "Black African", 2.0, 1.1, 3.5, "higher (95%)"),  # medium
        ("BCRB", "Black Caribbean", 1.9, 1.5, 2.4, "higher (99.8%)"),
    ]:  # |log| 0.64, high
        rows.append(
            {
                "stage": "referral",
                "measure": "rate_ratio",
                "group_type": "ethnicity_minor",
                "group": g,
                "group_label": label,
                "value": v,
                "lower_95": lo,
                "upper_95": hi,
                "q_value": 0.001,
                "flag": flag,
                "count": 50,
            }
        )
    f = findings(published(rows))
    # within high: over-representations (concerns) first, largest first; Pakistani (0.4) is an
    # under-representation, said in words that fit
    assert f["subject"].tolist() == [
        "Black Caribbean children",
        "Indian children",
        "Pakistani children",
        "Black African children",
    ]
    assert "less likely than White British children to be referred" in f.iloc[2]["statement"]
    assert f["severity"].tolist() == ["high", "high", "high", "medium"]


def test_single_characteristics_come_before_intersections_of_the_same_severity():
    base = {
        "stage": "cla_at_end",
        "measure": "rate_ratio",
        "q_value": 0.001,
        "flag": "higher (99.8%)",
        "count": 50,
        "lower_95": 1.5,
        "upper_95": 30.0,
    }
    f = findings(
        published(
            [
                {
                    **base,
                    "group_type": "ethnicity_major x age_band",
                    "group": "Black x 16 to 17",
                    "group_label": "Black, 16 to 17",
                    "value": 11.5,
                },
                {
                    **base,
                    "group_type": "ethnicity_minor",
                    "group": "BAFR",
                    "group_label": "Black African",
                    "value": 4.4,
                },
            ]
        )
    )
    assert f["category"].tolist() == ["disproportionality", "disproportionality (intersection)"]


def test_a_group_repeated_under_a_second_name_is_given_once_and_uasc_are_said():
    base = {
        "stage": "cla_start",
        "measure": "rate_ratio",
        "q_value": 0.001,
        "flag": "higher (99.8%)",
        "count": 14,
        "value": 4.4,
        "lower_95": 2.5,
        "upper_95": 7.7,
    }
    f = findings(
        published(
            [
                {**base, "group_type": "ethnicity_major", "group": "Other", "group_label": "Other"},
                {**base, "group_type": "ethnicity_minor", "group": "OOTH", "group_label": "Any other ethnic group"},
                # with UASC: 14 + 8 = 22 children, ratio 7.0 (4.5 to 10.8)
                {
                    **base,
                    "measure": "rate_ratio_with_uasc",
                    "group_type": "ethnicity_major",
                    "group": "Other",
                    "group_label": "Other",
                    "count": 22,
                    "value": 7.0,
                    "lower_95": 4.5,
                    "upper_95": 10.8,
                    "q_value": "",
                    "flag": "not compared",
                },
                {
                    **base,
                    "measure": "uasc_children",
                    "group_type": "ethnicity_major",
                    "group": "Other",
                    "group_label": "Other",
                    "count": 8,
                    "value": "",
                    "lower_95": "",
                    "upper_95": "",
                    "q_value": "",
                    "flag": "not compared",
                },
            ]
        )
    )
    assert len(f) == 1
    st = f.iloc[0]["statement"]
    assert st.startswith("14 children of other ethnic groups started to be looked after")
    assert "the group has 8 more who were unaccompanied" in st and "ratio is 7.0 (95% CI 4.5 to 10.8)" in st
    assert (f.iloc[0]["uasc_children"], f.iloc[0]["value_with_uasc"]) == (8, 7.0)
