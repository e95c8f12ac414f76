"""Section 11 analysis: pure functions, tidy frame in, tidy frame out.

The *rating of record* of a standard is the challenge panel's moderated rating where the panel
moderated it, otherwise the agency's self-rating; every table says which (``rating_basis``).
Where a standard is answered by sub-questions, the standard's rating is the **worst** of its
sub-question ratings (a standard is only as met as its weakest part) and it has evidence only
if every sub-question has.

Positions (0 worst, 1 best) are compared only within one scale: every summary that spans
standards is grouped by ``scale`` as well, so results from different scales are never pooled.
"""

from __future__ import annotations

from typing import Mapping, Sequence

import numpy as np
import pandas as pd

from .framework import Framework

__all__ = [
    "RISK_COMPONENTS",
    "DEFAULT_WEIGHTS",
    "standard_ratings",
    "previous_cycle",
    "ratings_table",
    "standard_summary",
    "domain_summary",
    "sector_summary",
    "agency_summary",
    "moderation_summary",
    "moderation_crosstab",
    "evidence_summary",
    "trends",
    "returns_received",
    "triangulate",
    "risk_ranking",
    "action_plan",
    "heatmap_matrix",
    "build_flags",
]

RISK_COMPONENTS = ("low_ratings", "declines", "over_rating", "missing_evidence", "non_return")
"""The components of the risk score, each scaled 0 to 1 (see :func:`risk_ranking`)."""
DEFAULT_WEIGHTS: Mapping[str, float] = {"low_ratings": 3.0, "declines": 3.0, "over_rating": 2.0,
                                        "missing_evidence": 1.0, "non_return": 3.0}

_STATUS_ORDER = {"not met": 0, "partially met": 1, "fully met": 2}


_KEYS = ["cycle", "agency", "standard"]


def _worst(d: pd.DataFrame, pos: str, label: str, status: str, names: tuple[str, str, str]) -> pd.DataFrame:
    """Per cycle x agency x standard, the label, position and status of the lowest position."""
    sub = d[d[pos].notna()].sort_values([*_KEYS, pos], kind="stable")
    sub = sub.drop_duplicates(_KEYS, keep="first").set_index(_KEYS)[[label, pos, status]]
    sub.columns = list(names)
    return sub


def standard_ratings(returns: pd.DataFrame) -> pd.DataFrame:
    """Collapse sub-questions to one row per cycle x agency x standard, with the rating of record.

    Parameters
    ----------
    returns : DataFrame
        As returned by :func:`assurance_lib.section11.inputs.read_returns`.

    Returns
    -------
    DataFrame
        ``cycle, agency, standard, scale, sub_questions`` (rows combined), ``self_label,
        self_position, self_status``, ``moderated`` (the panel gave a rating), ``reviewed``
        (the panel recorded an outcome), ``moderated_label, moderated_position,
        moderated_status``, ``evidence_requested``, ``has_evidence``, ``label, position,
        status, rating_basis`` (the rating of record), ``action, action_owner, action_due``.
        Where only some sub-questions were moderated, the moderated rating is the worst of the
        panel's ratings and the self-ratings of the sub-questions it did not rate.
    """
    d = returns.copy()
    d["self_position"] = pd.to_numeric(d["self_position"], errors="coerce").astype("float64")
    d["moderated_position"] = pd.to_numeric(d["moderated_position"], errors="coerce").astype("float64")
    d["_cp"] = d["moderated_position"].fillna(d["self_position"])
    d["_cl"] = d["moderated_label"].fillna(d["self_label"])
    d["_cs"] = d["moderated_status"].fillna(d["self_status"])
    d["_req"] = d["moderation_outcome"].eq("evidence requested").fillna(False)
    d["_rev"] = d["moderation_outcome"].notna()
    d["_sq"] = d["sub_question"].notna()
    g = d.groupby(_KEYS, sort=True)
    out = g.agg(scale=("scale", "first"), sub_questions=("_sq", "sum"), moderated=("moderated", "any"),
                reviewed=("_rev", "any"), evidence_requested=("_req", "any"), has_evidence=("has_evidence", "all"))
    out = out.join(_worst(d, "self_position", "self_label", "self_status",
                          ("self_label", "self_position", "self_status")))
    comb = _worst(d[d.groupby(_KEYS)["moderated"].transform("any")], "_cp", "_cl", "_cs",
                  ("moderated_label", "moderated_position", "moderated_status"))
    out = out.join(comb)
    acts = d[d["action"].notna() | d["action_owner"].notna() | d["action_due"].notna()]
    out = out.join(acts.drop_duplicates(_KEYS, keep="first").set_index(_KEYS)[["action", "action_owner", "action_due"]])
    out = out.reset_index()
    if out.empty:
        return out
    mod = out["moderated"].astype(bool)
    out["label"] = out["moderated_label"].where(mod, out["self_label"])
    out["position"] = out["moderated_position"].where(mod, out["self_position"])
    out["status"] = out["moderated_status"].where(mod, out["self_status"])
    out["rating_basis"] = np.where(mod, "moderated", "self")
    for c in ("moderated", "reviewed", "evidence_requested", "has_evidence"):
        out[c] = out[c].astype(bool)
    out["sub_questions"] = out["sub_questions"].astype("int64")
    out["action_due"] = pd.to_datetime(out["action_due"])
    for c in ("cycle", "agency", "standard", "scale", "self_label", "self_status", "moderated_label",
              "moderated_status", "label", "status", "rating_basis", "action", "action_owner"):
        out[c] = out[c].astype("string")
    for c in ("self_position", "moderated_position", "position"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    cols = ["cycle", "agency", "standard", "scale", "sub_questions", "self_label", "self_position", "self_status",
            "moderated", "reviewed", "moderated_label", "moderated_position", "moderated_status",
            "evidence_requested", "has_evidence", "label", "position", "status", "rating_basis", "action",
            "action_owner", "action_due"]
    return out[cols]


def previous_cycle(cycles: Sequence[str], cycle: str) -> str | None:
    """The latest cycle before ``cycle`` among ``cycles`` (labels ``YYYY-YY`` sort in time order).

    Examples
    --------
    >>> previous_cycle(["2024-25", "2026-27", "2025-26"], "2026-27")
    '2025-26'
    >>> previous_cycle(["2026-27"], "2026-27") is None
    True
    """
    earlier = sorted({str(c) for c in cycles if str(c) < str(cycle)})
    return earlier[-1] if earlier else None


def _with_context(df: pd.DataFrame, framework: Framework, register: pd.DataFrame) -> pd.DataFrame:
    std = framework.standards_frame()[["standard", "standard_title", "order"]]
    reg = register[["agency", "sector", "statutory_partner"]]
    out = df.merge(std, on="standard", how="left").merge(reg, on="agency", how="left")
    return out


def ratings_table(current: pd.DataFrame, framework: Framework, register: pd.DataFrame) -> pd.DataFrame:
    """Ratings of the current cycle, one row per agency x standard, in the scale's own labels.

    Returns
    -------
    DataFrame
        ``agency, sector, standard, standard_title, scale, self_rating, moderated_rating,
        moderation`` (evidence requested, lowered, raised, agreed or not reviewed), ``rating,
        rating_basis, position, status, evidence, unverified``, where ``unverified`` is true for
        a self-rating of fully met with no evidence given.
    """
    d = _with_context(current, framework, register)
    d = d.sort_values(["agency", "order"], kind="stable")
    out = pd.DataFrame({
        "agency": d["agency"], "sector": d["sector"], "standard": d["standard"],
        "standard_title": d["standard_title"], "scale": d["scale"], "self_rating": d["self_label"],
        "moderated_rating": d["moderated_label"],
        "moderation": np.select(
            [d["evidence_requested"].astype(bool), d["moderated"].astype(bool) & (d["moderated_position"] < d["self_position"]),
             d["moderated"].astype(bool) & (d["moderated_position"] > d["self_position"]), d["moderated"].astype(bool)],
            ["evidence requested", "lowered", "raised", "agreed"], "not reviewed"),
        "rating": d["label"], "rating_basis": d["rating_basis"],
        "position": d["position"].round(3), "status": d["status"],
        "evidence": np.where(d["has_evidence"], "given", "none"),
        "unverified": (d["self_status"].eq("fully met").fillna(False) & ~d["has_evidence"].astype(bool)).to_numpy(),
    })
    return out.reset_index(drop=True)


def _status_counts(d: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = d.groupby(keys, sort=False, dropna=False)
    out = g.agg(ratings=("status", "size"),
                fully_met=("status", lambda s: int(s.eq("fully met").sum())),
                partially_met=("status", lambda s: int(s.eq("partially met").sum())),
                not_met=("status", lambda s: int(s.eq("not met").sum())),
                median_position=("position", "median")).reset_index()
    out["share_fully_met"] = (out["fully_met"] / out["ratings"]).round(3)
    out["median_position"] = out["median_position"].round(3)
    return out


def standard_summary(current: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Per standard: agencies rated, counts fully / partially / not met, share fully meeting.

    Sorted weakest first (lowest share fully met, then most not met, then framework order).
    ``median_position`` is on the standard's own scale.
    """
    std = framework.standards_frame()
    d = current.merge(std[["standard", "standard_title", "order"]], on="standard", how="left")
    out = _status_counts(d, ["standard", "standard_title", "scale", "order"])
    out = out.sort_values(["share_fully_met", "not_met", "order"], ascending=[True, False, True], kind="stable")
    out = out.rename(columns={"ratings": "agencies_rated"}).drop(columns="order")
    out.insert(0, "weakness_rank", range(1, len(out) + 1))
    return out.reset_index(drop=True)


def domain_summary(current: pd.DataFrame, framework: Framework) -> pd.DataFrame:
    """Per risk domain and scale, through the framework's crosswalk (a standard may feed several domains)."""
    cw = framework.crosswalk()
    d = current.merge(cw[["standard", "domain", "domain_title"]], on="standard", how="inner")
    out = _status_counts(d, ["domain", "domain_title", "scale"])
    out["standards"] = out["domain"].map(cw.groupby("domain")["standard"].nunique()).astype("int64")
    order = {k: i for i, k in enumerate(framework.domains)}
    out = out.sort_values("domain", key=lambda s: s.map(order), kind="stable")
    return out.reset_index(drop=True)


def sector_summary(current: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per sector and scale: agencies, ratings and their statuses, share fully met."""
    d = current.merge(register[["agency", "sector"]], on="agency", how="left")
    out = _status_counts(d, ["sector", "scale"])
    out.insert(1, "agencies", out["sector"].map(d.groupby("sector")["agency"].nunique()).astype("int64"))
    return out.sort_values(["share_fully_met", "sector"], kind="stable").reset_index(drop=True)


def agency_summary(current: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per agency and scale: standards rated and their statuses, share fully met (current cycle)."""
    d = current.merge(register[["agency", "sector"]], on="agency", how="left")
    out = _status_counts(d, ["agency", "sector", "scale"]).rename(columns={"ratings": "standards_rated"})
    return out.sort_values(["agency"], kind="stable").reset_index(drop=True)


def _moderation_counts(d: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    d = d.assign(
        _mod=d["moderated"].astype(bool),
        _over=(d["moderated"].astype(bool) & (d["moderated_position"] < d["self_position"])),
        _under=(d["moderated"].astype(bool) & (d["moderated_position"] > d["self_position"])),
        _same=(d["moderated"].astype(bool) & (d["moderated_position"] == d["self_position"])),
    )
    g = d.groupby(keys, sort=True, dropna=False)
    out = g.agg(reviewed=("reviewed", "sum"), moderated_ratings=("_mod", "sum"), over_rated=("_over", "sum"),
                under_rated=("_under", "sum"), agreed=("_same", "sum"),
                evidence_requested=("evidence_requested", "sum")).reset_index()
    for c in ("reviewed", "moderated_ratings", "over_rated", "under_rated", "agreed", "evidence_requested"):
        out[c] = out[c].astype("int64")
    mr = out["moderated_ratings"].where(out["moderated_ratings"] > 0)
    rv = out["reviewed"].where(out["reviewed"] > 0)
    out["over_rating_rate"] = (out["over_rated"] / mr).round(3)
    out["evidence_requested_rate"] = (out["evidence_requested"] / rv).round(3)
    return out


def moderation_summary(current: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Moderation on the moderated subset only: self versus moderated rating, by agency, sector and overall.

    Only ratings the panel reviewed count (``reviewed``: an outcome recorded; ``moderated_ratings``:
    the panel gave a rating). ``over_rated`` = moderated rating lower than the self-rating on the
    same scale; ``over_rating_rate`` = over_rated / moderated_ratings; ``evidence_requested_rate``
    = evidence_requested / reviewed. Agencies with nothing reviewed are left out (their rates
    would be unknown, not zero).

    Returns
    -------
    DataFrame
        ``level`` (agency, sector, all), ``agency, sector``, the counts and rates above.
    """
    d = current.merge(register[["agency", "sector"]], on="agency", how="left")
    d = d[d["reviewed"] | d["moderated"]]
    if d.empty:
        return pd.DataFrame(columns=["level", "agency", "sector", "reviewed", "moderated_ratings", "over_rated",
                                     "under_rated", "agreed", "evidence_requested", "over_rating_rate",
                                     "evidence_requested_rate"])
    a = _moderation_counts(d, ["agency", "sector"]).assign(level="agency")
    s = _moderation_counts(d, ["sector"]).assign(level="sector", agency=pd.NA)
    t = _moderation_counts(d.assign(_all="all"), ["_all"]).drop(columns="_all").assign(level="all", agency=pd.NA,
                                                                                        sector=pd.NA)
    out = pd.concat([a, s, t], ignore_index=True)
    cols = ["level", "agency", "sector"] + [c for c in out.columns if c not in ("level", "agency", "sector")]
    return out[cols]


def moderation_crosstab(current: pd.DataFrame) -> pd.DataFrame:
    """Self-rating against moderated rating (moderated ratings only), per scale, in the scale's labels."""
    d = current[current["moderated"]]
    out = (d.groupby(["scale", "self_label", "moderated_label"], sort=False)
           .agg(ratings=("agency", "size"), self_position=("self_position", "first"),
                moderated_position=("moderated_position", "first")).reset_index())
    out = out.sort_values(["scale", "self_position", "moderated_position"], ascending=[True, False, False])
    out = out.rename(columns={"self_label": "self_rating", "moderated_label": "moderated_rating"})
    out["change"] = np.select([out["moderated_position"] < out["self_position"],
                               out["moderated_position"] > out["self_position"]], ["lowered", "raised"], "same")
    return out.drop(columns=["self_position", "moderated_position"]).reset_index(drop=True)


def evidence_summary(current: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per agency: ratings, ratings without evidence, and self-rated fully met without evidence (unverified)."""
    d = current.merge(register[["agency", "sector"]], on="agency", how="left")
    d = d.assign(_none=~d["has_evidence"].astype(bool),
                 _unv=d["self_status"].eq("fully met").fillna(False) & ~d["has_evidence"].astype(bool))
    out = d.groupby(["agency", "sector"], sort=True).agg(ratings=("standard", "size"), without_evidence=("_none", "sum"),
                                                         unverified_fully_met=("_unv", "sum")).reset_index()
    for c in ("without_evidence", "unverified_fully_met"):
        out[c] = out[c].astype("int64")
    out["share_without_evidence"] = (out["without_evidence"] / out["ratings"]).round(3)
    return out


def trends(ratings: pd.DataFrame, cycle: str, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change in the rating of record since the previous cycle, per agency x standard of ``cycle``.

    ``trend`` is ``improved``/``declined``/``unchanged`` (positions compared on the standard's
    scale), ``new standard`` when no agency was rated on the standard in the previous cycle,
    and ``no previous rating`` when others were but this agency was not.

    Returns
    -------
    DataFrame
        ``agency, standard, scale, previous_cycle, previous_rating, rating, trend``.
    """
    prev = previous_cycle(ratings["cycle"].dropna().unique().tolist(), cycle)
    cur = ratings[ratings["cycle"] == cycle]
    cols = ["agency", "standard", "scale", "previous_cycle", "previous_rating", "rating", "trend"]
    if prev is None:  # a partnership's first cycle: nothing to compare with, but the same columns
        out = cur.assign(previous_cycle=pd.NA, previous_rating=pd.NA, rating=cur["label"], trend="no previous cycle")[cols]
    else:
        before = ratings[ratings["cycle"] == prev][["agency", "standard", "label", "position"]]
        before = before.rename(columns={"label": "previous_rating", "position": "previous_position"})
        m = cur.merge(before, on=["agency", "standard"], how="left")
        rated_before = set(before["standard"])
        trend = np.select(
            [m["previous_position"].isna() & ~m["standard"].isin(sorted(rated_before)), m["previous_position"].isna(),
             m["position"] > m["previous_position"], m["position"] < m["previous_position"]],
            ["new standard", "no previous rating", "improved", "declined"], "unchanged")
        out = m.assign(previous_cycle=prev, rating=m["label"], trend=trend)[cols]
    if register is not None:
        out = out.merge(register[["agency", "sector"]], on="agency", how="left")
        out = out[["agency", "sector", *cols[1:]]]
    return out.reset_index(drop=True)


def returns_received(register: pd.DataFrame, current: pd.DataFrame, n_standards: int) -> pd.DataFrame:
    """Return status of every agency in the register for the current cycle.

    ``status``: ``on time``, ``late`` (received after the deadline), ``received, date not
    recorded`` (ratings present but no date received), ``received, no ratings`` (a date but no
    ratings in the returns), ``missing`` (expected, not received), ``not expected``.

    Returns
    -------
    DataFrame
        ``agency, sector, statutory_partner, expected_return, deadline, date_received, days_late,
        standards_rated, standards_in_framework, complete, status``.
    """
    rated = current.groupby("agency")["standard"].nunique()
    r = register.copy()
    r["standards_rated"] = r["agency"].map(rated).fillna(0).astype("int64")
    has_date = r["date_received"].notna()
    has_rows = r["standards_rated"] > 0
    late = has_date & r["deadline"].notna() & (r["date_received"] > r["deadline"])
    r["days_late"] = ((r["date_received"] - r["deadline"]).dt.days.where(late)).astype("Int64")
    r["status"] = np.select(
        [has_date & has_rows & late, has_date & has_rows, has_rows, has_date, r["expected_return"]],
        ["late", "on time", "received, date not recorded", "received, no ratings", "missing"], "not expected")
    r["standards_in_framework"] = int(n_standards)
    r["complete"] = r["standards_rated"] >= n_standards
    for c in ("deadline", "date_received"):
        r[c] = r[c].dt.strftime("%Y-%m-%d").astype("string")
    cols = ["agency", "sector", "statutory_partner", "expected_return", "deadline", "date_received", "days_late",
            "standards_rated", "standards_in_framework", "complete", "status"]
    return r[cols].sort_values("agency").reset_index(drop=True)


def triangulate(current: pd.DataFrame, survey_summary: pd.DataFrame, *, low_agreement: float = 0.5,
                high_agreement: float = 0.8) -> pd.DataFrame:
    """Set practitioners' answers beside the agency's self-rating, per agency x standard.

    Parameters
    ----------
    current : DataFrame
        Standard ratings of the current cycle (:func:`standard_ratings`).
    survey_summary : DataFrame
        ``summarise_practitioner_survey(survey, by=("agency", "standard"))``: groups below the
        minimum number of respondents have no agreement and are not compared.
    low_agreement, high_agreement : float
        A self-rating of fully met contradicts staff agreement below ``low_agreement``; a
        self-rating of not met contradicts agreement at or above ``high_agreement``.

    Returns
    -------
    DataFrame
        ``agency, standard, self_rating, self_status, survey_scale, respondents, agreement,
        contradiction`` (empty when none), compared pairs only.
    """
    s = survey_summary[survey_summary["standard"].notna() & survey_summary["shown"].astype(bool)]
    s = s.rename(columns={"scale": "survey_scale"})
    m = current[["agency", "standard", "self_label", "self_status"]].merge(
        s[["agency", "standard", "survey_scale", "respondents", "agreement"]], on=["agency", "standard"], how="inner")
    agr = pd.to_numeric(m["agreement"], errors="coerce")
    m["contradiction"] = np.select(
        [m["self_status"].eq("fully met").fillna(False) & (agr < low_agreement),
         m["self_status"].eq("not met").fillna(False) & (agr >= high_agreement)],
        ["self-rated fully met, but most staff do not agree", "self-rated not met, but most staff agree"], "")
    m = m.rename(columns={"self_label": "self_rating"})
    m["agreement"] = agr.round(3)
    return m.sort_values(["contradiction", "agency", "standard"], ascending=[False, True, True]).reset_index(drop=True)


def risk_ranking(register: pd.DataFrame, current: pd.DataFrame, trend: pd.DataFrame, received: pd.DataFrame,
                 weights: Mapping[str, float] | None = None, *, shortlist_size: int = 6,
                 previous: str | None = None) -> pd.DataFrame:
    """A transparent ranking of agencies for assurance visits, with the reasons listed.

    Each component is scaled 0 to 1 and the score is the weighted sum:

    - ``low_ratings`` = (standards not met + half the standards partially met) / standards rated
      (rating of record);
    - ``declines`` = standards declined since the previous cycle / standards rated in both;
    - ``over_rating`` = ratings lowered at moderation / ratings moderated (0 when none moderated:
      an unmoderated agency is not assumed to over-rate);
    - ``missing_evidence`` = ratings without evidence / standards rated;
    - ``non_return`` = 1 for a missing return, 0.25 for a late one, otherwise 0.

    Agencies not expected to return and with no ratings are not ranked. Ties share a rank
    (``min`` method); the shortlist is every agency ranked ``shortlist_size`` or better with a
    score above zero.

    Returns
    -------
    DataFrame
        ``rank, agency, sector, statutory_partner, return_status``, the five components, their
        weighted ``score``, ``shortlisted`` and ``reasons`` (plain English, largest contribution first).
    """
    w = dict(DEFAULT_WEIGHTS)
    w.update(weights or {})
    unknown = sorted(set(w) - set(RISK_COMPONENTS))
    if unknown:
        raise ValueError(f"unknown risk weight(s) {', '.join(unknown)} (expected: {', '.join(RISK_COMPONENTS)})")
    if any(v < 0 for v in w.values()):
        raise ValueError("risk weights must be 0 or more")
    rec = received.set_index("agency")
    rows = []
    for _, reg in register.sort_values("agency").iterrows():
        a = reg["agency"]
        st = str(rec.at[a, "status"]) if a in rec.index else "missing"
        c = current[current["agency"] == a]
        t = trend[trend["agency"] == a]
        if st == "not expected" and c.empty:
            continue
        rated = len(c)
        nm = int(c["status"].eq("not met").sum())
        pm = int(c["status"].eq("partially met").sum())
        comp = int(t["trend"].isin(["improved", "declined", "unchanged"]).sum())
        dec = int(t["trend"].eq("declined").sum())
        mod = int(c["moderated"].sum())
        over = int((c["moderated"] & (c["moderated_position"] < c["self_position"])).sum())
        noev = int((~c["has_evidence"].astype(bool)).sum())
        days = rec.at[a, "days_late"] if a in rec.index else pd.NA
        comps = {
            "low_ratings": (nm + 0.5 * pm) / rated if rated else 0.0,
            "declines": dec / comp if comp else 0.0,
            "over_rating": over / mod if mod else 0.0,
            "missing_evidence": noev / rated if rated else 0.0,
            "non_return": 1.0 if st == "missing" else (0.25 if st == "late" else 0.0),
        }
        texts = {
            "low_ratings": f"{nm} of {rated} standards not met and {pm} partially met",
            "declines": f"{dec} of {comp} standards declined since {previous or 'the previous cycle'}",
            "over_rating": f"self-rating lowered at moderation on {over} of {mod} moderated standards",
            "missing_evidence": f"{noev} of {rated} ratings without evidence",
            "non_return": "return missing" if st == "missing" else (
                f"return late by {int(days)} days" if st == "late" and pd.notna(days) else "return late"),
        }
        contrib = {k: w[k] * v for k, v in comps.items()}
        reasons = [texts[k] for k in sorted(contrib, key=lambda k: (-contrib[k], RISK_COMPONENTS.index(k)))
                   if comps[k] > 0 and w[k] > 0]
        rows.append({"agency": a, "sector": reg["sector"], "statutory_partner": bool(reg["statutory_partner"]),
                     "return_status": st, **{k: round(v, 3) for k, v in comps.items()},
                     "score": round(sum(contrib.values()), 3), "reasons": "; ".join(reasons) or "none"})
    out = pd.DataFrame(rows)
    if out.empty:
        return out
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("int64")
    out["shortlisted"] = (out["rank"] <= shortlist_size) & (out["score"] > 0)
    out = out.sort_values(["rank", "agency"], kind="stable")
    cols = ["rank", "agency", "sector", "statutory_partner", "return_status", *RISK_COMPONENTS, "score",
            "shortlisted", "reasons"]
    return out[cols].reset_index(drop=True)


def action_plan(current: pd.DataFrame, framework: Framework, register: pd.DataFrame,
                as_at: pd.Timestamp | None = None) -> pd.DataFrame:
    """The action plan extract: every standard not met or partially met (rating of record).

    Returns
    -------
    DataFrame
        ``agency, sector, standard, standard_title, rating, rating_basis, action, owner,
        due_date, action_recorded, overdue`` (due before ``as_at``), sorted by agency and
        framework order. ``action`` and ``owner`` are the agencies' free text.
    """
    d = _with_context(current, framework, register)
    d = d[d["status"].isin(["not met", "partially met"])].sort_values(["agency", "order"], kind="stable")
    due = pd.to_datetime(d["action_due"])
    out = pd.DataFrame({
        "agency": d["agency"], "sector": d["sector"], "standard": d["standard"],
        "standard_title": d["standard_title"], "rating": d["label"], "rating_basis": d["rating_basis"],
        "action": d["action"], "owner": d["action_owner"],
        "due_date": due.dt.strftime("%Y-%m-%d").astype("string"),
        "action_recorded": d["action"].notna().to_numpy(),
        "overdue": ((due < as_at).fillna(False) if as_at is not None else pd.Series(False, index=d.index)).to_numpy(),
    })
    return out.reset_index(drop=True)


def heatmap_matrix(current: pd.DataFrame, framework: Framework) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Agency x standard matrices for the partnership heatmap.

    Returns
    -------
    (positions, labels, data)
        ``positions``: the rating of record's position (0 worst to 1 best on the standard's
        scale), ``labels``: the level's short form with ``*`` when moderated (so that colour is
        not the only carrier of meaning), ``data``: the long table behind the chart.
    """
    order = list(framework.standard_ids)
    d = current.copy()

    def _short(scale: str, label: object) -> str:
        if label is None or pd.isna(label):
            return ""
        r = framework.scales[scale].parse(label) if scale in framework.scales else None
        return r.short if r is not None else str(label)

    d["cell"] = [_short(s, l) + ("*" if m else "") for s, l, m in zip(d["scale"], d["label"], d["moderated"])]
    pos = d.pivot(index="agency", columns="standard", values="position").reindex(columns=[s for s in order if s in set(d["standard"])])
    lab = d.pivot(index="agency", columns="standard", values="cell").reindex(index=pos.index, columns=pos.columns).fillna("")
    data = d[["agency", "standard", "scale", "label", "rating_basis", "position", "cell"]].rename(
        columns={"label": "rating", "cell": "symbol"}).sort_values(["agency", "standard"]).reset_index(drop=True)
    return pos, lab, data


def build_flags(*, standards: pd.DataFrame, moderation: pd.DataFrame, trend: pd.DataFrame,
                received: pd.DataFrame, over_rating_threshold: float = 0.5, min_moderated: int = 2,
                decline_threshold: int = 2) -> pd.DataFrame:
    """Flags for the quarterly report (columns of :data:`assurance_lib.tables.FLAG_COLUMNS` but ``analysis``).

    - **standard not met**: each standard that at least one agency does not meet (high when
      three or more agencies do not meet it);
    - **over-rating**: agencies whose over-rating rate at moderation is at least
      ``over_rating_threshold`` on ``min_moderated`` or more moderated ratings (high);
    - **decline**: agencies with ``decline_threshold`` or more standards declined (medium; high
      at twice the threshold);
    - **missing return**: each agency expected to return that has not (high for a statutory
      partner, otherwise medium).
    """
    rows = []
    for _, r in standards[standards["not_met"] > 0].iterrows():
        n = int(r["not_met"])
        rows.append({"category": "standard not met", "subject": f"{r['standard']} {r['standard_title']}",
                     "measure": "agencies not meeting the standard", "value": n, "lower": pd.NA, "upper": pd.NA,
                     "severity": "high" if n >= 3 else "medium",
                     "statement": f"{n} of {int(r['agencies_rated'])} agencies rated '{r['standard_title']}' as not met.",
                     "evidence_table": "section11_standards", "evidence_key": f"standard={r['standard']}"})
    ag = moderation[moderation["level"] == "agency"] if not moderation.empty else moderation
    for _, r in ag.iterrows():
        if r["moderated_ratings"] >= min_moderated and pd.notna(r["over_rating_rate"]) and r["over_rating_rate"] >= over_rating_threshold:
            rows.append({"category": "over-rating", "subject": r["agency"], "measure": "over-rating rate at moderation",
                         "value": r["over_rating_rate"], "lower": pd.NA, "upper": pd.NA, "severity": "high",
                         "statement": f"{r['agency']}'s self-rating was lowered at moderation on {int(r['over_rated'])} "
                                      f"of {int(r['moderated_ratings'])} moderated standards.",
                         "evidence_table": "section11_moderation", "evidence_key": f"level=agency;agency={r['agency']}"})
    if not trend.empty:
        dec = trend[trend["trend"] == "declined"].groupby("agency").size()
        prev = trend["previous_cycle"].dropna()
        since = f" since {prev.iloc[0]}" if len(prev) else ""
        for a, n in dec.items():
            if n >= decline_threshold:
                rows.append({"category": "decline", "subject": a, "measure": "standards declined", "value": int(n),
                             "lower": pd.NA, "upper": pd.NA, "severity": "high" if n >= 2 * decline_threshold else "medium",
                             "statement": f"{a} rated {int(n)} standards lower than in the previous cycle{since}.",
                             "evidence_table": "section11_trends", "evidence_key": f"agency={a};trend=declined"})
    for _, r in received[received["status"] == "missing"].iterrows():
        rows.append({"category": "missing return", "subject": r["agency"], "measure": "Section 11 return",
                     "value": 0, "lower": pd.NA, "upper": pd.NA,
                     "severity": "high" if bool(r["statutory_partner"]) else "medium",
                     "statement": f"{r['agency']} ({r['sector']}) has not returned its Section 11 self-assessment "
                                  f"(deadline {r['deadline']}).",
                     "evidence_table": "section11_returns_received", "evidence_key": f"agency={r['agency']}"})
    cols = ["category", "subject", "measure", "value", "lower", "upper", "severity", "statement", "evidence_table",
            "evidence_key"]
    return pd.DataFrame(rows, columns=cols)
