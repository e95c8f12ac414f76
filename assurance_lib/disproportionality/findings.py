"""Findings of notebook 01: which ratios are flagged, in what words, with what severity.

Pure functions of the **published** grid (``disproportionality.csv`` as it leaves disclosure
control): a suppressed ratio is never a finding. :func:`findings` gives the flags (columns of
the pack's flags files); :func:`findings_summary` the Markdown summary above them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import reference as ref
from .grid_tables import TABLE, _num

__all__ = ["findings", "findings_summary"]

_MAJOR_PHRASE = {"White": "White children", "Mixed": "children of Mixed or Multiple ethnic groups", "Asian": "Asian children",
                 "Black": "Black children", "Other": "children of other ethnic groups"}

def _subject(group_type: str, group: str, label: str) -> str:
    if group_type == "ethnicity_minor":
        return f"{label} children" if not label.lower().startswith("any other") else f"Children of {label[0].lower() + label[1:]}"
    if group_type == "ethnicity_major":
        return _MAJOR_PHRASE.get(group, f"{group} children")
    if group_type == "sex":
        return {"female": "Girls", "male": "Boys"}.get(group, group)
    if group_type == "age_band":
        return "Babies under 1" if group == "under 1" else f"Children aged {group}"
    if group_type == "disability":
        return "Disabled children" if group == "yes" else "Children not recorded as disabled"
    if group_type == "imd_decile":
        return f"Children living in IMD decile {group} areas"
    if " x " in group_type:
        a, b = group.split(" x ", 1)
        first = _MAJOR_PHRASE.get(a, f"{a} children")
        if b in ("female", "male"):
            return first.replace("children", "girls" if b == "female" else "boys")
        return f"{first} aged {b}" if b != "under 1" else f"{first} under 1"
    return group

def _ref_phrase(reference_group: str) -> str:
    r = str(reference_group)
    if r.startswith("White British"):
        return "White British children" + (r[len("White British (WBRI)"):] if len(r) > len("White British (WBRI)") else "")
    return r

def _severity(group_type: str, flag: str) -> str:
    """``high`` (99.8%) or ``medium`` (95%) for ethnicity, disability and intersections; ``low`` for
    age, sex and deprivation, whose differences are expected context rather than a concern on their own."""
    if group_type.split(" x ")[0] in ("age_band", "sex", "imd_decile"):
        return "low"
    return "high" if "99.8" in flag else "medium"

def findings(published: pd.DataFrame, *, fdr: float = 0.05) -> pd.DataFrame:
    """Plain-English findings from the published table's flags (flags columns of DESIGN.md).

    A ratio is a finding when its 95% interval excludes 1 **and** its q-value is below ``fdr``;
    severity ``high`` when the 99.8% interval also excludes 1, else ``medium`` (ethnicity,
    disability, intersections); differences by age, sex or deprivation are ``low`` (context). The share of
    children whose ethnicity was refused or not obtained is a ``low`` (data quality) finding at
    each stage where it is 5% or more. Findings are ordered by severity and, within a severity,
    single characteristics before intersections, each with the largest differences first
    (distance of the ratio from 1 on the log scale), so that the quarterly report's summary,
    which quotes the first ones, quotes the largest.
    """
    d = published[published["measure"].isin(["rate_ratio", "conversion_ratio"])].copy()
    q = _num(d["q_value"])
    hit = d["flag"].astype(str).str.startswith(("higher", "lower")) & (q < fdr)
    d = d[hit]
    rows = []
    for _, r in d.iterrows():
        st = ref.stage(r["stage"])
        v, lo, hi = float(r["value"]), float(r["lower_95"]), float(r["upper_95"])
        who = _subject(r["group_type"], r["group"], r["group_label"])
        who = who[:1].upper() + who[1:]  # it starts the sentence (and the subject column)
        if r["measure"] == "rate_ratio":
            stmt = (f"{who} were {v:.1f} times (95% CI {lo:.1f} to {hi:.1f}) as likely as {_ref_phrase(r['reference_group'])} "
                    f"{st.phrase} ({r['window']}).")
            meas = f"rate ratio: {st.label.lower()}"
        else:
            feeder = ref.DEFAULT_FEEDERS.get(r["stage"], "")
            stmt = (f"Of the children at the {r['denominator_source'].split(' stage')[0].replace('children at the ', '')} stage, "
                    f"{who[0].lower() + who[1:] if not who.startswith(('White', 'Black', 'Asian', 'Mixed', 'Gypsy', 'Indian', 'Pakistani', 'Bangladeshi', 'Chinese', 'Traveller')) else who} "
                    f"were {v:.1f} times (95% CI {lo:.1f} to {hi:.1f}) as likely as {_ref_phrase(r['reference_group'])} "
                    f"to go on {st.phrase} ({r['window']}).")
            meas = f"conversion ratio: {st.label.lower()}"
        rows.append({"category": "disproportionality" if " x " not in r["group_type"] else "disproportionality (intersection)",
                     "subject": who, "measure": meas, "value": round(v, 3), "lower": round(lo, 3), "upper": round(hi, 3),
                     "severity": _severity(r["group_type"], str(r["flag"])), "statement": stmt,
                     "evidence_table": TABLE,
                     "evidence_key": f"period={r['period']}; stage={r['stage']}; measure={r['measure']}; group_type={r['group_type']}; group={r['group']}"})
    dq = published[(published["measure"] == "share") & (published["group_type"] == "ethnicity_major") & (published["group"] == "Not known")]
    for _, r in dq.iterrows():
        v = pd.to_numeric(r["value"], errors="coerce")
        if pd.notna(v) and v >= 5:
            rows.append({"category": "data quality", "subject": "Ethnicity refused or not obtained",
                         "measure": f"share: {ref.stage(r['stage']).label.lower()}", "value": round(float(v), 2),
                         "lower": round(float(r["lower_95"]), 2), "upper": round(float(r["upper_95"]), 2), "severity": "low",
                         "statement": (f"Ethnicity was refused or not yet obtained for {float(v):.1f}% (95% CI {float(r['lower_95']):.1f} "
                                       f"to {float(r['upper_95']):.1f}) of children at the stage '{ref.stage(r['stage']).label.lower()}' "
                                       f"({r['window']}), which weakens every comparison by ethnicity at that stage."),
                         "evidence_table": TABLE,
                         "evidence_key": f"period={r['period']}; stage={r['stage']}; measure=share; group_type=ethnicity_major; group=Not known"})
    cols = ["category", "subject", "measure", "value", "lower", "upper", "severity", "statement", "evidence_table", "evidence_key"]
    out = pd.DataFrame(rows, columns=cols)
    # within a severity, single characteristics before intersections (their own family, and
    # noisier), each with the largest differences first (a ratio of 0.5 is as far from 1 as 2);
    # data quality findings after the ratios (the flags writer keeps this order within severity)
    ratio = out["category"].str.startswith("disproportionality")
    distance = np.where(ratio, np.abs(np.log(pd.to_numeric(out["value"], errors="coerce").clip(lower=1e-12))), -1.0)
    intersection = out["category"].str.contains("intersection").to_numpy()
    order = np.lexsort((-distance, intersection, out["severity"].map({"high": 0, "medium": 1, "low": 2}).fillna(3).to_numpy()))
    return out.iloc[order].reset_index(drop=True)

def findings_summary(flags: pd.DataFrame, *, top: int = 5) -> str:
    """A short Markdown summary of the findings: how many of each kind, and the largest differences.

    Parameters
    ----------
    flags : DataFrame
        The published flags (:func:`~.present.publish_flags`).
    top : int
        How many of the largest differences to quote: ``high`` findings about a single
        characteristic, ordered by how far the ratio is from 1 on the log scale (a ratio of 0.5
        is as far as 2).

    Returns
    -------
    str
        Markdown; every sentence quoted is a flag's own statement.
    """
    if flags.empty:
        return "**No findings** this period: no ratio's 95% interval excluded 1 with a q-value below the false discovery rate."
    single = flags["category"].eq("disproportionality")
    inter = flags["category"].eq("disproportionality (intersection)")
    dq = ~(single | inter)
    sev = {k: int((single & flags["severity"].eq(k)).sum()) for k in ("high", "medium", "low")}
    parts = [f"**{len(flags)} findings** this period: {int(single.sum())} about a single characteristic "
             f"({sev['high']} high, {sev['medium']} medium, {sev['low']} low: differences by age, sex or deprivation, "
             f"which are context), {int(inter.sum())} about an intersection"
             + (f", and {int(dq.sum())} on data quality." if dq.any() else ".")]
    big = flags[single & flags["severity"].eq("high")].copy()
    if len(big):
        big["distance"] = np.abs(np.log(pd.to_numeric(big["value"], errors="coerce")))
        big = big.sort_values("distance", ascending=False, kind="stable").head(top)
        parts.append(f"\n\nThe {len(big)} largest differences (high severity, single characteristics):\n")
        parts += [f"- {st}" for st in big["statement"]]
    parts.append("\n\nThe whole list follows, most severe first; it is `flags_disproportionality.csv` in the pack.")
    return "\n".join(parts)
