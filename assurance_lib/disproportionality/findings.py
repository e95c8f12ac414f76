"""Findings of notebook 01: which ratios are flagged, in what words, with what severity.

Pure functions of the **published** grid (``disproportionality.csv`` as it leaves disclosure
control): a suppressed ratio is never a finding. :func:`findings` gives the flags (columns of
the pack's flags files); :func:`findings_summary` the Markdown summary above them.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .. import reference as ref
from ..tables import FLAG_COLUMNS, FLAG_V2_COLUMNS
from .grid_tables import TABLE, _num

__all__ = ["findings", "findings_summary"]

_MAJOR_PHRASE = {
    "White": "White children",
    "Mixed": "children of Mixed or Multiple ethnic groups",
    "Asian": "Asian children",
    "Black": "Black children",
    "Other": "children of other ethnic groups",
}


def _subject(group_type: str, group: str, label: str) -> str:
    if group_type == "ethnicity_minor":
        return (
            f"{label} children"
            if not label.lower().startswith("any other")
            else f"Children of {label[0].lower() + label[1:]}"
        )
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
        return "White British children" + (
            r[len("White British (WBRI)") :] if len(r) > len("White British (WBRI)") else ""
        )
    return r


def _severity(group_type: str, flag: str) -> str:
    """``high`` (99.8%) or ``medium`` (95%) for ethnicity, disability and intersections; ``low`` for
    age, sex and deprivation, whose differences are expected context rather than a concern on their own."""
    if group_type.split(" x ")[0] in ("age_band", "sex", "imd_decile"):
        return "low"
    return "high" if "99.8" in flag else "medium"


_CAVEAT = "A difference in rates is not, by itself, evidence of bias."
_PAST = {
    "contact": "were the subject of a contact",
    "referral": "were referred to children's social care",
    "assessment": "were assessed",
    "s47": "were the subject of a section 47 enquiry",
    "icpc": "were the subject of an initial child protection conference",
    "cpp_start": "started a child protection plan",
    "cla_start": "started to be looked after",
    "cpp_at_end": "were on a child protection plan at the period end",
    "cla_at_end": "were looked after at the period end",
}
_THEME = {  # the partnership's priority theme ids (data/frameworks/priorities.yaml) a stage also belongs to
    "contact": "front_door",
    "referral": "front_door",
    "assessment": "front_door",
    "s47": "neglect",
    "icpc": "neglect",
    "cpp_start": "neglect",
    "cpp_at_end": "neglect",
}
_UASC_MEASURE = "rate_ratio_with_uasc"
_UASC_COUNT = "uasc_children"


def _count_phrase(n: float) -> str:
    return f"{int(n):,}" if pd.notna(n) else "an unpublished number of"


def _ratio_words(v: float, lo: float, hi: float, ref_phrase: str, what: str) -> str:
    """``4.4 times as likely as ...`` above 1; ``less likely than ... (0.8 times as likely)`` below."""
    ci = f"95% CI {lo:.2f} to {hi:.2f}" if v < 1 else f"95% CI {lo:.1f} to {hi:.1f}"
    if v >= 1:
        return f"{v:.1f} times as likely as {ref_phrase} {what} ({ci})"
    return f"less likely than {ref_phrase} {what}: {v:.2f} times as likely ({ci})"


def _uasc_note(r: pd.Series, published: pd.DataFrame, threshold: int) -> tuple[str, float, float, float, float]:
    """The UASC sentence of a looked-after rate-ratio finding, the number of UASC and the ratio with them.

    The number is read from the group's published ``uasc_children`` row, never worked out from
    other rows: a suppressed count stays unsaid (disclosure control hides counts from 1 to
    ``threshold`` and any cell from which one could be worked out).
    """

    def row(measure: str) -> pd.Series | None:
        m = published[
            published["measure"].eq(measure)
            & published["stage"].eq(r["stage"])
            & published["group_type"].eq(r["group_type"])
            & published["group"].eq(r["group"])
        ]
        return None if m.empty else m.iloc[0]

    w = row(_UASC_MEASURE)
    if w is None:
        return "", np.nan, np.nan, np.nan, np.nan
    v, lo, hi = (_num(pd.Series([w[c]])).iloc[0] for c in ("value", "lower_95", "upper_95"))
    c = row(_UASC_COUNT)
    u = np.nan if c is None else _num(pd.Series([c["count"]])).iloc[0]
    if u == 0:
        return (" None of the group's children here were unaccompanied asylum-seeking children.", 0.0, v, lo, hi)
    many = (
        f"the group has {int(u)} more who were unaccompanied"
        if pd.notna(u)
        else f"the number of the group's unaccompanied children is not published ([c]: counts of 1 to {threshold}, "
        "and figures from which one could be worked out, are suppressed)"
    )
    with_them = (
        f" With them included the ratio is {v:.1f} (95% CI {lo:.1f} to {hi:.1f})."
        if pd.notna(v) and pd.notna(lo)
        else " With them included the ratio is not published (too few children or suppressed)."
    )
    text = f" Unaccompanied asylum-seeking children are left out, as DfE reports resident children: {many}.{with_them}"
    return text, u, v, lo, hi


def findings(published: pd.DataFrame, *, fdr: float = 0.05, threshold: int = 5) -> pd.DataFrame:
    """Plain-English findings from the published table's flags (flags columns of DESIGN.md, version 2).

    A ratio is a finding when its 95% interval excludes 1 **and** its q-value is below ``fdr``;
    severity ``high`` when the 99.8% interval also excludes 1, else ``medium`` (ethnicity,
    disability, intersections); differences by age, sex or deprivation are ``low`` (context). The share of
    children whose ethnicity was refused or not obtained is a ``low`` (data quality) finding at
    each stage where it is 5% or more.

    Each statement names the number of children behind it beside the ratio, says "less likely"
    for an under-representation, and carries the caveat that a difference in rates is not, by
    itself, evidence of bias. A looked-after finding says how many unaccompanied asylum-seeking
    children the group has (left out, as DfE reports resident children; the published
    ``uasc_children`` row, unsaid when suppressed: ``threshold`` is the run's disclosure threshold)
    and the ratio with them.
    A group that repeats another with identical numbers under a second name (DfE's "Any other
    ethnic group" is the whole "Other" major group) is given once, under its first name.
    Version 2 columns: ``evidence`` (strong: the 99.8% interval excludes 1; moderate: the 95% one),
    ``direction`` (concern: a higher ratio by ethnicity, disability or an intersection; context:
    age, sex, deprivation, lower ratios and data quality), ``effect`` and ``effect_unit``,
    ``affected`` (the children behind it), ``themes`` (priority ids), ``first_period`` (empty:
    the report finds it in earlier packs), ``uasc_children``, ``value_with_uasc``.
    Findings are ordered by severity and, within a severity, single characteristics before
    intersections, each with the largest differences first (distance of the ratio from 1 on the
    log scale), so that the quarterly report's summary, which quotes the first ones, quotes the largest.
    """
    d = published[published["measure"].isin(["rate_ratio", "conversion_ratio"])].copy()
    q = _num(d["q_value"])
    hit = d["flag"].astype(str).str.startswith(("higher", "lower")) & (q < fdr)
    d = d[hit]
    # the same children under a second name: identical stage, measure, counts and estimates
    same = ["stage", "measure", "count", "denominator", "value", "lower_95", "upper_95"]
    d = d[~d[same].astype(str).duplicated(keep="first")]
    rows = []
    for _, r in d.iterrows():
        st = ref.stage(r["stage"])
        v, lo, hi = float(r["value"]), float(r["lower_95"]), float(r["upper_95"])
        count = _num(pd.Series([r["count"]])).iloc[0]
        who = _subject(r["group_type"], r["group"], r["group_label"])
        who = who[:1].upper() + who[1:]  # it starts the sentence (and the subject column)
        base_type = r["group_type"].split(" x ")[0]
        context = base_type in ("age_band", "sex", "imd_decile")
        ref_phrase = _ref_phrase(r["reference_group"])
        uasc_text, uasc_n, uv, ulo, uhi = "", np.nan, np.nan, np.nan, np.nan
        if r["measure"] == "rate_ratio":
            lead = f"{_count_phrase(count)} {who[0].lower() + who[1:] if who.startswith(('Children', 'Babies', 'Boys', 'Girls', 'Disabled')) else who} {_PAST.get(r['stage'], st.phrase)} ({r['window']})"
            stmt = f"{lead}: {_ratio_words(v, lo, hi, ref_phrase, st.phrase)}."
            meas = f"rate ratio: {st.label.lower()}"
            if r["stage"] in ("cla_start", "cla_at_end"):
                uasc_text, uasc_n, uv, ulo, uhi = _uasc_note(r, published, threshold)
        else:
            feeder = r["denominator_source"].split(" stage")[0].replace("children at the ", "")
            denom = _num(pd.Series([r["denominator"]])).iloc[0]
            lead = (
                f"Of {_count_phrase(denom)} {who[0].lower() + who[1:] if not who.startswith(('White', 'Black', 'Asian', 'Mixed', 'Gypsy', 'Indian', 'Pakistani', 'Bangladeshi', 'Chinese', 'Traveller')) else who} "
                f"at the {feeder} stage, {_count_phrase(count)} went on {st.phrase} ({r['window']})"
            )
            stmt = f"{lead}: {_ratio_words(v, lo, hi, ref_phrase, 'to go on ' + st.phrase)}."
            meas = f"conversion ratio: {st.label.lower()}"
        stmt = stmt[:1].upper() + stmt[1:] + uasc_text
        if not context:
            stmt += " " + _CAVEAT
        rows.append(
            {
                "category": "disproportionality"
                if " x " not in r["group_type"]
                else "disproportionality (intersection)",
                "subject": who,
                "measure": meas,
                "value": round(v, 3),
                "lower": round(lo, 3),
                "upper": round(hi, 3),
                "severity": _severity(r["group_type"], str(r["flag"])),
                "statement": stmt,
                "evidence_table": TABLE,
                "evidence_key": f"period={r['period']}; stage={r['stage']}; measure={r['measure']}; group_type={r['group_type']}; group={r['group']}",
                "evidence": "strong" if "99.8" in str(r["flag"]) else "moderate",
                "direction": "concern" if (v > 1 and not context) else "context",
                "effect": round(v, 3),
                "effect_unit": "ratio to the reference group",
                "affected": count,
                "agency": "",
                "statutory_partner": "",
                "themes": ";".join(["equity", *([_THEME[r["stage"]]] if r["stage"] in _THEME else [])]),
                "first_period": "",  # the report finds it in the earlier packs
                "uasc_children": uasc_n,
                "value_with_uasc": None if pd.isna(uv) else round(float(uv), 3),
            }
        )
    dq = published[
        (published["measure"] == "share")
        & (published["group_type"] == "ethnicity_major")
        & (published["group"] == "Not known")
    ]
    for _, r in dq.iterrows():
        v = pd.to_numeric(r["value"], errors="coerce")
        if pd.notna(v) and v >= 5:
            count = _num(pd.Series([r["count"]])).iloc[0]
            rows.append(
                {
                    "category": "data quality",
                    "subject": "Ethnicity refused or not obtained",
                    "measure": f"share: {ref.stage(r['stage']).label.lower()}",
                    "value": round(float(v), 2),
                    "lower": round(float(r["lower_95"]), 2),
                    "upper": round(float(r["upper_95"]), 2),
                    "severity": "low",
                    "statement": (
                        f"Ethnicity was refused or not yet obtained for {_count_phrase(count)} children, "
                        f"{float(v):.1f}% (95% CI {float(r['lower_95']):.1f} "
                        f"to {float(r['upper_95']):.1f}) of children at the stage '{ref.stage(r['stage']).label.lower()}' "
                        f"({r['window']}), which weakens every comparison by ethnicity at that stage."
                    ),
                    "evidence_table": TABLE,
                    "evidence_key": f"period={r['period']}; stage={r['stage']}; measure=share; group_type=ethnicity_major; group=Not known",
                    "evidence": "moderate",
                    "direction": "context",
                    "effect": round(float(v), 2),
                    "effect_unit": "per cent of children at the stage",
                    "affected": count,
                    "agency": "",
                    "statutory_partner": "",
                    "themes": "equity",
                    "first_period": "",
                    "uasc_children": np.nan,
                    "value_with_uasc": None,
                }
            )
    cols = [
        *(c for c in (*FLAG_COLUMNS, *FLAG_V2_COLUMNS) if c != "analysis"),  # the publisher adds analysis
        "uasc_children",
        "value_with_uasc",
    ]
    out = pd.DataFrame(rows, columns=cols)
    # within a severity, single characteristics before intersections (their own family, and
    # noisier), over-representation (concerns) before context, each with the largest differences
    # first; data quality findings after the ratios (the flags writer keeps this order within severity)
    ratio = out["category"].str.startswith("disproportionality")
    distance = np.where(ratio, np.abs(np.log(pd.to_numeric(out["value"], errors="coerce").clip(lower=1e-12))), -1.0)
    intersection = out["category"].str.contains("intersection").to_numpy()
    not_concern = (~out["direction"].eq("concern")).to_numpy()
    order = np.lexsort(
        (
            -distance,
            not_concern,
            intersection,
            out["severity"].map({"high": 0, "medium": 1, "low": 2}).fillna(3).to_numpy(),
        )
    )
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
    parts = [
        f"**{len(flags)} findings** this period: {int(single.sum())} about a single characteristic "
        f"({sev['high']} high, {sev['medium']} medium, {sev['low']} low: differences by age, sex or deprivation, "
        f"which are context), {int(inter.sum())} about an intersection"
        + (f", and {int(dq.sum())} on data quality." if dq.any() else ".")
    ]
    big = flags[single & flags["severity"].eq("high")].copy()
    if "direction" in big:
        big = big[big["direction"].eq("concern")]
    if len(big):
        big["distance"] = np.abs(np.log(pd.to_numeric(big["value"], errors="coerce")))
        big = big.sort_values("distance", ascending=False, kind="stable").head(top)
        parts.append(f"\n\nThe {len(big)} largest over-representations (high severity, single characteristics):\n")
        parts += [f"- {st}" for st in big["statement"]]
    parts.append("\n\nThe whole list follows, most severe first; it is `flags_disproportionality.csv` in the pack.")
    return "\n".join(parts)
