"""The roll-up tables of the year: each quarter's published headline tables side by side.

Pure functions: quarter packs in, frames out. Values are copied exactly as the quarterly packs
published them (text, with ``[c]`` where they were suppressed); a year total is made only where
the quarters' figures are additive (each case file audit belongs to one quarter) and only from
shown figures. What is not summed, and why, is in :data:`NOT_SUMMED`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import pandas as pd

from ..disclosure import is_symbol, numeric
from ..tables import TableSpec
from .inputs import QuarterPack, read_table

__all__ = [
    "EQUALITY_GROUPS",
    "NOT_SUMMED",
    "RollUp",
    "equality_breakdowns",
    "findings_by_quarter",
    "flags_by_quarter",
    "section11_by_quarter",
    "audits_by_quarter",
    "audit_year_totals",
    "audit_domains_by_quarter",
    "children_feedback_by_quarter",
    "roll_up",
]

EQUALITY_GROUPS = {
    "all": "All children",
    "ethnicity_major": "Ethnicity",
    "sex": "Sex",
    "age_band": "Age",
    "disability": "Disability",
}
"""The equality breakdowns of the appendix (group types of the disproportionality table) and their headings."""
_EQUALITY_MEASURES = {"rate_per_10000": "Rate per 10,000 children", "rate_ratio": "Rate ratio"}

NOT_SUMMED = {
    "year_equality": (
        "Counts and rates are for the 12 months to each quarter's end (rolling windows that overlap), or "
        "children on a plan or looked after on its last day: they are not added up. The year-end value "
        "is the Q4 one (the 12 months to 31 March)."
    ),
    "year_findings": "A finding raised in several quarters is one finding: quarters are shown, not added.",
    "year_flags": "A flag that stays raised is counted again each quarter: the numbers are not added up over the year.",
    "year_section11": (
        "Section 11 is a yearly cycle read again each quarter: the year-end position is the latest quarter's."
    ),
    "year_children_feedback": (
        "A child may take part in more than one quarter: children are not added up over the year."
    ),
}
"""Tables whose quarters are not added up, and why (shown in the notes and on the appendix page)."""


@dataclass
class RollUp:
    """The roll-up: the tables to publish and what could not be read.

    Attributes
    ----------
    tables : list of (DataFrame, TableSpec)
        The yearly tables, values as the quarterly packs published them.
    gaps : list of str
        Each quarter or table that was missing, in words.
    """

    tables: list[tuple[pd.DataFrame, TableSpec]]
    gaps: list[str]


def _read(quarters: Sequence[QuarterPack], name: str, gaps: list[str]) -> dict[str, pd.DataFrame]:
    """``name`` from every quarter read, by quarter; a quarter whose pack lacks it is added to ``gaps``."""
    out = {}
    for q in quarters:
        if not q.read:
            continue
        df = read_table(q, name)
        if df is None:
            gaps.append(f"{q.period}: the pack has no table {name}")
        else:
            out[q.quarter] = df
    return out


def _source(quarters: Sequence[QuarterPack], name: str) -> str:
    read = [q.period for q in quarters if q.read]
    return f"Table {name} of the quarterly packs of {', '.join(read) if read else 'no quarter'}"


def equality_breakdowns(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """Rates per 10,000 children and rate ratios at each stage by ethnicity, sex, age and disability, by quarter.

    From each quarter's ``disproportionality`` table: rows of the measures ``rate_per_10000`` and
    ``rate_ratio`` for the group types of :data:`EQUALITY_GROUPS`. Per quarter, the children
    counted (``children_Qn``), the value (``value_Qn``) and the finding (``finding_Qn``: higher,
    lower, similar, as the quarter's pack stated it).
    """
    by_q = _read(quarters, "disproportionality", gaps)
    keys = ["stage", "stage_label", "measure", "group_type", "group", "group_label", "reference_group"]
    frames = []
    for q, df in by_q.items():
        need = {*keys, "count", "value", "flag"}
        if not need <= set(df.columns):
            gaps.append(f"{q}: table disproportionality lacks column(s) {', '.join(sorted(need - set(df.columns)))}")
            continue
        d = df[df["measure"].isin(_EQUALITY_MEASURES) & df["group_type"].isin(EQUALITY_GROUPS)]
        d = d[keys + ["count", "value", "flag"]].copy()
        d["value"] = d["value"].mask(d["value"].str.strip() == "", "[x]")  # no denominator in that pack
        d = d.rename(columns={"count": f"children_{q}", "value": f"value_{q}", "flag": f"finding_{q}"})
        frames.append(d.set_index(keys))
    quarters_read = [q for q in by_q if any(f"children_{q}" in f.columns for f in frames)]
    if frames:
        out = pd.concat(frames, axis=1, join="outer").reset_index().fillna("[x]")
        order = {m: i for i, m in enumerate(_EQUALITY_MEASURES)}
        gorder = {g: i for i, g in enumerate(EQUALITY_GROUPS)}
        stage_order = {s: i for i, s in enumerate(dict.fromkeys(frames[-1].reset_index()["stage"]))}
        out = out.sort_values(
            ["measure", "stage", "group_type"],
            key=lambda s: s.map({**order, **gorder, **stage_order}).fillna(99),
            kind="stable",
        ).reset_index(drop=True)
    else:
        out = pd.DataFrame(columns=keys)
    spec = TableSpec(
        name="year_equality",
        title="Equality breakdowns by quarter: rates and rate ratios at each stage by ethnicity, sex, age and disability",
        unit="children",
        rule="children-counts",
        source=_source(quarters, "disproportionality"),
        notes=NOT_SUMMED["year_equality"]
        + " Values are exactly as each quarterly pack published them ([c] suppressed there; [x] not in that pack, "
        "or no value there, e.g. a rate where the pack had no population for the group, as for disability).",
        keys=tuple(keys),
        counts=tuple(f"children_{q}" for q in quarters_read),
        derived={f"{c}_{q}": (f"children_{q}",) for q in quarters_read for c in ("value", "finding")},
    )
    return out, spec


def findings_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """The disproportionality findings (its flags) with the quarters that raised them and their values."""
    by_q = _read(quarters, "flags_disproportionality", gaps)
    rows: dict[tuple[str, str], dict[str, str]] = {}
    for q, df in by_q.items():
        for _, r in df.iterrows():
            key = (str(r.get("subject", "")), str(r.get("measure", "")))
            row = rows.setdefault(key, {"subject": key[0], "measure": key[1], "direction": ""})
            row["direction"] = str(r.get("direction", "") or "") or row["direction"] or "not stated"
            row[f"value_{q}"] = str(r.get("value", ""))
    read = [q.quarter for q in quarters if q.read and q.quarter in by_q]
    cols = ["subject", "measure", "direction", *[f"value_{q}" for q in read], "quarters_raised"]
    out = pd.DataFrame(list(rows.values()))
    if out.empty:
        out = pd.DataFrame(columns=cols)
    else:
        for q in read:
            if f"value_{q}" not in out.columns:
                out[f"value_{q}"] = ""
            out[f"value_{q}"] = out[f"value_{q}"].fillna("")
        out["quarters_raised"] = [sum(1 for q in read if str(r[f"value_{q}"]) != "") for _, r in out.iterrows()]
        for q in read:
            out[f"value_{q}"] = out[f"value_{q}"].replace("", "not raised")
        out = out[cols].sort_values(["quarters_raised", "subject"], ascending=[False, True], kind="stable")
    spec = TableSpec(
        name="year_findings",
        title="Disproportionality findings by quarter: the ratio each quarter's pack reported, where it raised the finding",
        unit="children",
        rule="children-counts",
        source=_source(quarters, "flags_disproportionality"),
        notes=NOT_SUMMED["year_findings"] + " Values are rate ratios or conversion ratios, not counts.",
        keys=("subject", "measure"),
    )
    return out.reset_index(drop=True), spec


def flags_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """The number of flags each analysis raised each quarter, by direction (concern, strength, context)."""
    counts: dict[tuple[str, str], dict[str, int]] = {}
    read = []
    for q in quarters:
        if not q.read:
            continue
        names = sorted(n for n in q.tables_index if n.startswith("flags_"))
        if not names:
            gaps.append(f"{q.period}: the pack has no flags table")
            continue
        read.append(q.quarter)
        for n in names:
            df = read_table(q, n)
            if df is None:
                continue
            direction = df["direction"] if "direction" in df.columns else pd.Series(["not stated"] * len(df))
            direction = direction.replace("", "not stated")
            for d, k in direction.value_counts().items():
                key = (n.removeprefix("flags_"), str(d))
                counts.setdefault(key, {})[q.quarter] = int(k)
    rows = []
    for (analysis, direction), by_q in sorted(counts.items()):
        rows.append({"analysis": analysis, "direction": direction, **{f"flags_{q}": by_q.get(q, 0) for q in read}})
    cols = ["analysis", "direction", *[f"flags_{q}" for q in read]]
    out = pd.DataFrame(rows, columns=cols)
    if len(read) >= 2 and not out.empty:
        first, last = out[f"flags_{read[0]}"], out[f"flags_{read[-1]}"]
        out["change"] = ["more" if b > a else ("fewer" if b < a else "same") for a, b in zip(first, last, strict=True)]
    spec = TableSpec(
        name="year_flags",
        title="Flags raised each quarter by analysis and direction",
        unit="children",
        rule="children-counts",
        source=_source(quarters, "flags_*"),
        notes=NOT_SUMMED["year_flags"]
        + " The numbers are numbers of flags, not of children. Change compares the last quarter read with the first.",
        keys=("analysis", "direction"),
    )
    return out, spec


def section11_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """Section 11 compliance by sector, by quarter: standards fully met, partly met and not met."""
    by_q = _read(quarters, "section11_sectors", gaps)
    frames = []
    for q, df in by_q.items():
        cols = [c for c in ("agencies", "fully_met", "partially_met", "not_met", "share_fully_met") if c in df.columns]
        frames.append(df.set_index("sector")[cols].add_suffix(f"_{q}"))
    out = pd.concat(frames, axis=1).reset_index().fillna("[x]") if frames else pd.DataFrame(columns=["sector"])
    spec = TableSpec(
        name="year_section11",
        title="Section 11 compliance by sector and quarter: standards fully met, partly met and not met",
        unit="agencies",
        rule="organisations",
        source=_source(quarters, "section11_sectors"),
        notes=NOT_SUMMED["year_section11"],
    )
    return out, spec


def audits_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """The multi-agency case file audits of each quarter (those the quarter's pack ran "this period").

    With the grades of each audit pooled over its domains: gradings, good or better, and the share.
    """
    regs = _read(quarters, "audit_register", gaps)
    grades = _read(quarters, "audit_grades_domain", gaps)
    rows = []
    for q in quarters:
        reg = regs.get(q.quarter)
        if reg is None or "role" not in reg.columns:
            continue
        this = reg[reg["role"] == "this period"]
        g = grades.get(q.quarter)
        for _, r in this.iterrows():
            good = gradings = None
            if g is not None and {"audit_id", "n_gradings", "n_outstanding", "n_good"} <= set(g.columns):
                gg = g[g["audit_id"] == r["audit_id"]]
                if "domain" in gg.columns and (gg["domain"] == "All").any():
                    gg = gg[gg["domain"] == "All"]  # the audit's own total row, when the pack gives one
                nums = [numeric(gg[c]) for c in ("n_gradings", "n_outstanding", "n_good")]
                if len(gg) and not any(n.isna().any() for n in nums):
                    gradings = int(nums[0].sum())
                    good = int(nums[1].sum() + nums[2].sum())
            rows.append(
                {
                    "quarter": q.quarter,
                    "theme": r.get("theme", ""),
                    "audit_type": r.get("audit_type", ""),
                    "audit_date": r.get("audit_date", ""),
                    "n_cases": r.get("n_cases", ""),
                    "n_agencies": r.get("n_agencies", ""),
                    "n_gradings": gradings if gradings is not None else "[x]",
                    "n_good_or_better": good if good is not None else "[x]",
                    "pct_good_or_better": round(100 * good / gradings, 1) if good is not None and gradings else "[x]",
                }
            )
    cols = [
        "quarter",
        "theme",
        "audit_type",
        "audit_date",
        "n_cases",
        "n_agencies",
        "n_gradings",
        "n_good_or_better",
        "pct_good_or_better",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out = pd.concat([out, audit_year_totals(out)], ignore_index=True) if len(out) else out
    spec = TableSpec(
        name="year_audits",
        title="Multi-agency case file audits of the year, by quarter, with their grades and the year's total",
        unit="cases",
        rule="small-sample",
        source=_source(quarters, "audit_register and audit_grades_domain"),
        notes=(
            "Each audit is counted in the quarter whose pack ran it, so the year's total adds the quarters up. "
            "Grades are pooled over the domains of each audit. Audit samples are small: indicative only."
        ),
    )
    return out, spec


def audit_year_totals(audits: pd.DataFrame) -> pd.DataFrame:
    """The year's row of :func:`audits_by_quarter`: cases, gradings and good-or-better added over the audits.

    A total is given only when every audit's figure is shown (otherwise ``[x]``); the share is
    recomputed from the totals, never averaged.

    Examples
    --------
    >>> a = pd.DataFrame({"n_cases": ["6", "8"], "n_agencies": ["7", "6"], "n_gradings": [360, 40],
    ...                   "n_good_or_better": [200, 30]})
    >>> r = audit_year_totals(a).iloc[0]
    >>> int(r["n_cases"]), int(r["n_gradings"]), float(r["pct_good_or_better"])
    (14, 400, 57.5)
    """

    def total(col: str) -> int | str:
        vals = audits[col].astype(str)
        if vals.map(lambda v: is_symbol(v) or v.strip() == "").any():
            return "[x]"
        return int(numeric(vals).sum())

    gradings, good = total("n_gradings"), total("n_good_or_better")
    pct = round(100 * good / gradings, 1) if isinstance(gradings, int) and isinstance(good, int) and gradings else "[x]"
    return pd.DataFrame(
        [
            {
                "quarter": "Year",
                "theme": f"All {len(audits)} audits",
                "audit_type": "",
                "audit_date": "",
                "n_cases": total("n_cases"),
                "n_agencies": "[z]",
                "n_gradings": gradings,
                "n_good_or_better": good,
                "pct_good_or_better": pct,
            }
        ]
    )


def audit_domains_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """Audit grades by domain: good or better in each quarter's own audits, and pooled over the year.

    Each quarter counts only the audits its pack ran "this period" (``audit_register``), so the
    year adds the quarters' gradings up; the year's share is recomputed from the added counts.
    A quarter whose figures for a domain are not all shown gives ``[x]`` there and in the year.
    """
    regs = _read(quarters, "audit_register", [])
    grades = _read(quarters, "audit_grades_domain", [])
    per: dict[str, dict[str, tuple[int, int] | None]] = {}
    read = []
    for q in quarters:
        reg, g = regs.get(q.quarter), grades.get(q.quarter)
        if reg is None or g is None or "role" not in reg.columns or "domain" not in g.columns:
            continue
        read.append(q.quarter)
        ids = set(reg.loc[reg["role"] == "this period", "audit_id"])
        mine = g[g["audit_id"].isin(ids) & (g["domain"] != "All")]
        for domain, d in mine.groupby("domain", sort=False):
            nums = [numeric(d[c]) for c in ("n_gradings", "n_outstanding", "n_good")]
            ok = not any(n.isna().any() for n in nums)
            per.setdefault(str(domain), {})[q.quarter] = (
                (int(nums[0].sum()), int(nums[1].sum() + nums[2].sum())) if ok else None
            )
    rows = []
    for domain, by_q in per.items():
        row: dict[str, object] = {"domain": domain}
        year_total: tuple[int, int] | None = (0, 0)
        for q in read:
            v = by_q.get(q, (0, 0))
            row[f"n_gradings_{q}"] = v[0] if v else "[x]"
            row[f"pct_good_or_better_{q}"] = (round(100 * v[1] / v[0], 1) if v[0] else "[z]") if v else "[x]"
            year_total = (year_total[0] + v[0], year_total[1] + v[1]) if (v and year_total) else None
        row["n_gradings_year"] = year_total[0] if year_total else "[x]"
        row["pct_good_or_better_year"] = (
            (round(100 * year_total[1] / year_total[0], 1) if year_total[0] else "[z]") if year_total else "[x]"
        )
        rows.append(row)
    cols = [
        "domain",
        *[f"{c}_{q}" for q in read for c in ("n_gradings", "pct_good_or_better")],
        "n_gradings_year",
        "pct_good_or_better_year",
    ]
    out = pd.DataFrame(rows, columns=cols)
    spec = TableSpec(
        name="year_audit_domains",
        title="Audit grades by domain: good or better in each quarter's audits and over the year",
        unit="cases",
        rule="small-sample",
        source=_source(quarters, "audit_register and audit_grades_domain"),
        notes=(
            "Gradings of the audits each quarter ran (an audit belongs to one quarter), so the year adds them up; "
            "the year's percentage is worked out from the added gradings. Small samples: indicative only."
        ),
    )
    return out, spec


def children_feedback_by_quarter(quarters: Sequence[QuarterPack], gaps: list[str]) -> tuple[pd.DataFrame, TableSpec]:
    """What children told the partnership each quarter: children per theme (all sentiments) and how many were positive."""
    by_q = _read(quarters, "report_children_feedback", gaps)
    rows = []
    for q, df in by_q.items():
        if not {"theme", "sentiment", "children"} <= set(df.columns):
            continue
        for theme, g in df.groupby("theme", sort=False):
            allrow = g[g["sentiment"] == "All sentiments"]
            pos = g[g["sentiment"] == "positive"]
            rows.append(
                {
                    "quarter": q,
                    "theme": theme,
                    "children": allrow["children"].iloc[0] if len(allrow) else "[x]",
                    "children_positive": pos["children"].iloc[0] if len(pos) else "[x]",
                }
            )
    out = pd.DataFrame(rows, columns=["quarter", "theme", "children", "children_positive"])
    spec = TableSpec(
        name="year_children_feedback",
        title="What children and young people told us each quarter, by theme",
        unit="children",
        rule="children-counts",
        source=_source(quarters, "report_children_feedback"),
        notes=NOT_SUMMED["year_children_feedback"],
        keys=("quarter", "theme"),
        counts=("children", "children_positive"),
    )
    return out, spec


def roll_up(quarters: Sequence[QuarterPack]) -> RollUp:
    """Every table of the data appendix, with the gaps found on the way."""
    gaps = [f"{q.period}: {q.why_missing}" for q in quarters if not q.read]
    tables = [
        equality_breakdowns(quarters, gaps),
        findings_by_quarter(quarters, gaps),
        flags_by_quarter(quarters, gaps),
        section11_by_quarter(quarters, gaps),
        audits_by_quarter(quarters, gaps),
        audit_domains_by_quarter(quarters, gaps),
        children_feedback_by_quarter(quarters, gaps),
    ]
    return RollUp(tables, gaps)
