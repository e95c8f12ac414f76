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

import difflib
import re
from collections.abc import Sequence

import numpy as np
import pandas as pd

from .framework import RISK_REASONS, Framework, RiskRules

__all__ = [
    "RISK_COMPONENTS",
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
    "not_met_runs",
    "normalise_action",
    "action_similarity",
    "action_history",
    "action_plan",
    "heatmap_data",
    "strengths",
    "build_flags",
    "DEFAULT_RISK",
]

RISK_COMPONENTS = RISK_REASONS
"""The reasons of the risk ranking (see :func:`risk_ranking`); their weights live in the framework YAML."""

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
    out = g.agg(
        scale=("scale", "first"),
        sub_questions=("_sq", "sum"),
        moderated=("moderated", "any"),
        reviewed=("_rev", "any"),
        evidence_requested=("_req", "any"),
        has_evidence=("has_evidence", "all"),
    )
    out = out.join(
        _worst(d, "self_position", "self_label", "self_status", ("self_label", "self_position", "self_status"))
    )
    comb = _worst(
        d[d.groupby(_KEYS)["moderated"].transform("any")],
        "_cp",
        "_cl",
        "_cs",
        ("moderated_label", "moderated_position", "moderated_status"),
    )
    out = out.join(comb)
    if "previous_action_completed" not in d.columns:
        d["previous_action_completed"] = pd.NaT
    acts = d[d["action"].notna() | d["action_owner"].notna() | d["action_due"].notna()]
    out = out.join(acts.drop_duplicates(_KEYS, keep="first").set_index(_KEYS)[["action", "action_owner", "action_due"]])
    done = d[d["previous_action_completed"].notna()].drop_duplicates(_KEYS, keep="first").set_index(_KEYS)
    out = out.join(done[["previous_action_completed"]])
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
    out["previous_action_completed"] = pd.to_datetime(out["previous_action_completed"])
    for c in (
        "cycle",
        "agency",
        "standard",
        "scale",
        "self_label",
        "self_status",
        "moderated_label",
        "moderated_status",
        "label",
        "status",
        "rating_basis",
        "action",
        "action_owner",
    ):
        out[c] = out[c].astype("string")
    for c in ("self_position", "moderated_position", "position"):
        out[c] = pd.to_numeric(out[c], errors="coerce").astype("float64")
    cols = [
        "cycle",
        "agency",
        "standard",
        "scale",
        "sub_questions",
        "self_label",
        "self_position",
        "self_status",
        "moderated",
        "reviewed",
        "moderated_label",
        "moderated_position",
        "moderated_status",
        "evidence_requested",
        "has_evidence",
        "label",
        "position",
        "status",
        "rating_basis",
        "action",
        "action_owner",
        "action_due",
        "previous_action_completed",
    ]
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
    out = pd.DataFrame(
        {
            "agency": d["agency"],
            "sector": d["sector"],
            "standard": d["standard"],
            "standard_title": d["standard_title"],
            "scale": d["scale"],
            "self_rating": d["self_label"],
            "moderated_rating": d["moderated_label"],
            "moderation": np.select(
                [
                    d["evidence_requested"].astype(bool),
                    d["moderated"].astype(bool) & (d["moderated_position"] < d["self_position"]),
                    d["moderated"].astype(bool) & (d["moderated_position"] > d["self_position"]),
                    d["moderated"].astype(bool),
                ],
                ["evidence requested", "lowered", "raised", "agreed"],
                "not reviewed",
            ),
            "rating": d["label"],
            "rating_basis": d["rating_basis"],
            "position": d["position"].round(3),
            "status": d["status"],
            "evidence": np.where(d["has_evidence"], "given", "none"),
            "unverified": (d["self_status"].eq("fully met").fillna(False) & ~d["has_evidence"].astype(bool)).to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def _status_counts(d: pd.DataFrame, keys: list[str]) -> pd.DataFrame:
    g = d.groupby(keys, sort=False, dropna=False)
    out = g.agg(
        ratings=("status", "size"),
        fully_met=("status", lambda s: int(s.eq("fully met").sum())),
        partially_met=("status", lambda s: int(s.eq("partially met").sum())),
        not_met=("status", lambda s: int(s.eq("not met").sum())),
        median_position=("position", "median"),
    ).reset_index()
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
    out = g.agg(
        reviewed=("reviewed", "sum"),
        moderated_ratings=("_mod", "sum"),
        over_rated=("_over", "sum"),
        under_rated=("_under", "sum"),
        agreed=("_same", "sum"),
        evidence_requested=("evidence_requested", "sum"),
    ).reset_index()
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
        return pd.DataFrame(
            columns=[
                "level",
                "agency",
                "sector",
                "reviewed",
                "moderated_ratings",
                "over_rated",
                "under_rated",
                "agreed",
                "evidence_requested",
                "over_rating_rate",
                "evidence_requested_rate",
            ]
        )
    a = _moderation_counts(d, ["agency", "sector"]).assign(level="agency")
    s = _moderation_counts(d, ["sector"]).assign(level="sector", agency=pd.NA)
    t = (
        _moderation_counts(d.assign(_all="all"), ["_all"])
        .drop(columns="_all")
        .assign(level="all", agency=pd.NA, sector=pd.NA)
    )
    out = pd.concat([a, s, t], ignore_index=True)
    cols = ["level", "agency", "sector"] + [c for c in out.columns if c not in ("level", "agency", "sector")]
    return out[cols]


def moderation_crosstab(current: pd.DataFrame) -> pd.DataFrame:
    """Self-rating against moderated rating (moderated ratings only), per scale, in the scale's labels."""
    d = current[current["moderated"]]
    out = (
        d.groupby(["scale", "self_label", "moderated_label"], sort=False)
        .agg(
            ratings=("agency", "size"),
            self_position=("self_position", "first"),
            moderated_position=("moderated_position", "first"),
        )
        .reset_index()
    )
    out = out.sort_values(["scale", "self_position", "moderated_position"], ascending=[True, False, False])
    out = out.rename(columns={"self_label": "self_rating", "moderated_label": "moderated_rating"})
    out["change"] = np.select(
        [out["moderated_position"] < out["self_position"], out["moderated_position"] > out["self_position"]],
        ["lowered", "raised"],
        "same",
    )
    return out.drop(columns=["self_position", "moderated_position"]).reset_index(drop=True)


def evidence_summary(current: pd.DataFrame, register: pd.DataFrame) -> pd.DataFrame:
    """Per agency: ratings, ratings without evidence, and self-rated fully met without evidence (unverified)."""
    d = current.merge(register[["agency", "sector"]], on="agency", how="left")
    d = d.assign(
        _none=~d["has_evidence"].astype(bool),
        _unv=d["self_status"].eq("fully met").fillna(False) & ~d["has_evidence"].astype(bool),
    )
    out = (
        d.groupby(["agency", "sector"], sort=True)
        .agg(ratings=("standard", "size"), without_evidence=("_none", "sum"), unverified_fully_met=("_unv", "sum"))
        .reset_index()
    )
    for c in ("without_evidence", "unverified_fully_met"):
        out[c] = out[c].astype("int64")
    out["share_without_evidence"] = (out["without_evidence"] / out["ratings"]).round(3)
    return out


def trends(ratings: pd.DataFrame, cycle: str, register: pd.DataFrame | None = None) -> pd.DataFrame:
    """Change in the rating of record since the previous cycle, per agency x standard of ``cycle``.

    ``trend`` is ``improved``/``declined``/``unchanged`` (positions compared on the standard's
    scale), ``new standard`` when no agency was rated on the standard in the previous cycle,
    and ``no previous rating`` when others were but this agency was not.

    ``own_trend`` compares the agency's **own** self-ratings of the two cycles (a decline is the
    agency's own, never the panel's moderation); ``panel_effect`` says what the panel did to this
    cycle's self-rating (``lowered``, ``raised``, ``agreed``, ``not moderated``): a change the panel
    made is attributed to the panel, not counted as the agency's decline.

    Returns
    -------
    DataFrame
        ``agency, sector`` (when ``register`` is given), ``standard, scale, previous_cycle,
        previous_rating, rating, trend, previous_self_rating, self_rating, own_trend, panel_effect``.
    """
    prev = previous_cycle(ratings["cycle"].dropna().unique().tolist(), cycle)
    cur = ratings[ratings["cycle"] == cycle]
    cols = [
        "agency",
        "standard",
        "scale",
        "previous_cycle",
        "previous_rating",
        "rating",
        "trend",
        "previous_self_rating",
        "self_rating",
        "own_trend",
        "panel_effect",
    ]
    mod = cur["moderated"].astype(bool)
    cur = cur.assign(
        panel_effect=np.select(
            [
                mod & (cur["moderated_position"] < cur["self_position"]),
                mod & (cur["moderated_position"] > cur["self_position"]),
                mod,
            ],
            ["lowered", "raised", "agreed"],
            "not moderated",
        )
    )
    if prev is None:
        out = cur.assign(
            previous_cycle=pd.NA,
            previous_rating=pd.NA,
            rating=cur["label"],
            trend="no previous cycle",
            previous_self_rating=pd.NA,
            self_rating=cur["self_label"],
            own_trend="no previous cycle",
        )[cols]
    else:
        out = _trend_rows(ratings, cur, prev, cols)
    if register is not None:
        out = out.merge(register[["agency", "sector"]], on="agency", how="left")
        out = out[["agency", "sector", *cols[1:]]]
    return out.reset_index(drop=True)


def _trend_rows(ratings: pd.DataFrame, cur: pd.DataFrame, prev: str, cols: list[str]) -> pd.DataFrame:
    before = ratings[ratings["cycle"] == prev][
        ["agency", "standard", "label", "position", "self_label", "self_position"]
    ]
    before = before.rename(
        columns={
            "label": "previous_rating",
            "position": "previous_position",
            "self_label": "previous_self_rating",
            "self_position": "previous_self_position",
        }
    )
    m = cur.merge(before, on=["agency", "standard"], how="left")
    rated_before = set(before["standard"])
    trend = np.select(
        [
            m["previous_position"].isna() & ~m["standard"].isin(sorted(rated_before)),
            m["previous_position"].isna(),
            m["position"] > m["previous_position"],
            m["position"] < m["previous_position"],
        ],
        ["new standard", "no previous rating", "improved", "declined"],
        "unchanged",
    )
    own = np.select(
        [
            m["previous_self_position"].isna() & ~m["standard"].isin(sorted(rated_before)),
            m["previous_self_position"].isna(),
            m["self_position"] > m["previous_self_position"],
            m["self_position"] < m["previous_self_position"],
        ],
        ["new standard", "no previous rating", "improved", "declined"],
        "unchanged",
    )
    return m.assign(previous_cycle=prev, rating=m["label"], trend=trend, self_rating=m["self_label"], own_trend=own)[
        cols
    ]


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
        ["late", "on time", "received, date not recorded", "received, no ratings", "missing"],
        "not expected",
    )
    r["standards_in_framework"] = int(n_standards)
    r["complete"] = r["standards_rated"] >= n_standards
    for c in ("deadline", "date_received"):
        r[c] = r[c].dt.strftime("%Y-%m-%d").astype("string")
    cols = [
        "agency",
        "sector",
        "statutory_partner",
        "expected_return",
        "deadline",
        "date_received",
        "days_late",
        "standards_rated",
        "standards_in_framework",
        "complete",
        "status",
    ]
    return r[cols].sort_values("agency").reset_index(drop=True)


def triangulate(
    current: pd.DataFrame, survey_summary: pd.DataFrame, *, low_agreement: float = 0.5, high_agreement: float = 0.8
) -> pd.DataFrame:
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
        s[["agency", "standard", "survey_scale", "respondents", "agreement"]], on=["agency", "standard"], how="inner"
    )
    agr = pd.to_numeric(m["agreement"], errors="coerce")
    m["contradiction"] = np.select(
        [
            m["self_status"].eq("fully met").fillna(False) & (agr < low_agreement),
            m["self_status"].eq("not met").fillna(False) & (agr >= high_agreement),
        ],
        ["self-rated fully met, but most staff do not agree", "self-rated not met, but most staff agree"],
        "",
    )
    m = m.rename(columns={"self_label": "self_rating"})
    m["agreement"] = agr.round(3)
    return m.sort_values(["contradiction", "agency", "standard"], ascending=[False, True, True]).reset_index(drop=True)


def not_met_runs(ratings: pd.DataFrame, cycle: str) -> pd.DataFrame:
    """How many cycles running each standard of ``cycle`` has been not met (rating of record).

    The cycles are those present in the returns, in order; the run counts back from ``cycle``
    while the agency's rating of record of the standard is not met, and stops at a cycle in
    which it was met (fully or partially) or not rated.

    Returns
    -------
    DataFrame
        ``agency, standard, not_met_cycles`` (0 when not met this cycle), ``since`` (the first
        cycle of the run, empty when 0), one row per agency x standard rated in ``cycle``.

    Examples
    --------
    >>> r = pd.DataFrame({"cycle": ["2024-25", "2025-26", "2026-27"], "agency": ["A"] * 3,
    ...                   "standard": ["S1"] * 3, "status": ["not met", "not met", "not met"]})
    >>> int(not_met_runs(r, "2026-27")["not_met_cycles"].iloc[0])
    3
    """
    cycles = sorted(str(c) for c in ratings["cycle"].dropna().unique() if str(c) <= str(cycle))
    status = ratings.set_index(["cycle", "agency", "standard"])["status"]
    cur = ratings[ratings["cycle"] == cycle]
    rows = []
    for a, sid in zip(cur["agency"], cur["standard"]):
        n, since = 0, pd.NA
        for c in reversed(cycles):
            st = status.get((c, a, sid), pd.NA)
            if isinstance(st, str) and st == "not met":
                n, since = n + 1, c
            else:
                break
        rows.append({"agency": a, "standard": sid, "not_met_cycles": n, "since": since})
    out = pd.DataFrame(rows, columns=["agency", "standard", "not_met_cycles", "since"])
    out["not_met_cycles"] = out["not_met_cycles"].astype("int64")
    out["since"] = out["since"].astype("string")
    return out


def normalise_action(text: object) -> str:
    """An action's text for comparison: lower case, letters and digits only, single spaces.

    >>> normalise_action("  Refresh the Whistleblowing policy! ")
    'refresh the whistleblowing policy'
    """
    if text is None or (not isinstance(text, str) and pd.isna(text)):
        return ""
    return " ".join(re.sub(r"[^a-z0-9]+", " ", str(text).lower()).split())


def action_similarity(a: object, b: object) -> float:
    """Similarity of two action texts, 0 to 1: :class:`difflib.SequenceMatcher` ratio of the normalised texts.

    The ratio is 2M / T (M characters matched in the longest matching blocks, T the two lengths
    together): 1 for the same words, about 0.5 for half the words in common.

    >>> action_similarity("Refresh the whistleblowing policy.", "refresh the  whistleblowing policy")
    1.0
    >>> action_similarity("", "Refresh the policy")
    0.0
    """
    x, y = normalise_action(a), normalise_action(b)
    if not x or not y:
        return 0.0
    return round(difflib.SequenceMatcher(None, x, y, autojunk=False).ratio(), 3)


def action_history(
    ratings: pd.DataFrame,
    cycle: str,
    framework: Framework,
    register: pd.DataFrame,
    as_at: pd.Timestamp,
    *,
    repeat_similarity: float = 0.8,
) -> pd.DataFrame:
    """Each agency's previous-cycle actions carried forward and matched to this cycle (same agency and standard).

    For every agency x standard rated in ``cycle`` that had an action in the previous cycle or
    is not met this cycle:

    - ``not_met_cycles``: cycles running the standard has been not met (:func:`not_met_runs`);
    - ``same_action_again``: the action promised this cycle is the previous cycle's action
      again (:func:`action_similarity` at least ``repeat_similarity``), and ``times_promised``
      counts the cycles running the same action was promised;
    - ``previous_action_outcome``: ``completed on time``, ``completed late`` (the agency's
      ``previous_action_completed`` date after the previous action's due date), ``standard now
      met, completion not recorded``, ``not completed, overdue`` (no completion date, the standard
      still not fully met, due before ``as_at``), ``not completed, not yet due`` or ``no previous action``.

    Returns
    -------
    DataFrame
        ``agency, sector, standard, standard_title, cycle, status, not_met_cycles, since, previous_cycle,
        previous_action, previous_due, previous_action_completed, previous_action_outcome,
        days_late, action, similarity, same_action_again, times_promised``. The action texts are
        the agencies' free text (the shareable copy passes the redaction guard).
    """
    cycles = sorted(str(c) for c in ratings["cycle"].dropna().unique() if str(c) <= str(cycle))
    prev = cycles[-2] if len(cycles) > 1 and cycles[-1] == str(cycle) else None
    cur = ratings[ratings["cycle"] == cycle]
    runs_frame = not_met_runs(ratings, cycle).set_index(["agency", "standard"])
    runs, since_of = runs_frame["not_met_cycles"], runs_frame["since"]
    by = ratings.set_index(["cycle", "agency", "standard"])
    titles = dict(zip(framework.standards_frame()["standard"], framework.standards_frame()["standard_title"]))
    sectors = dict(zip(register["agency"], register["sector"]))
    rows = []
    for _, r in cur.iterrows():
        a, sid = r["agency"], r["standard"]
        p = by.loc[(prev, a, sid)] if prev is not None and (prev, a, sid) in by.index else None
        p_action = p["action"] if p is not None else pd.NA
        has_prev = p is not None and isinstance(p_action, str) and bool(p_action.strip())
        n_run = int(runs.get((a, sid), 0))
        if not has_prev and n_run == 0:
            continue
        p_due = p["action_due"] if has_prev else pd.NaT
        done = r["previous_action_completed"]
        if not has_prev:
            outcome, late = "no previous action", pd.NA
        elif pd.notna(done):
            late_days = int((done - p_due).days) if pd.notna(p_due) else 0
            outcome = "completed late" if late_days > 0 else "completed on time"
            late = late_days if late_days > 0 else pd.NA
        elif r["status"] == "fully met":
            outcome, late = "standard now met, completion not recorded", pd.NA
        elif pd.notna(p_due) and p_due < as_at:
            outcome, late = "not completed, overdue", int((as_at - p_due).days)
        else:
            outcome, late = "not completed, not yet due", pd.NA
        sim = action_similarity(p_action, r["action"]) if has_prev else 0.0
        same = bool(has_prev and sim >= repeat_similarity)
        times = 1
        if same:  # walk back while the same action was promised in earlier cycles
            times, text = 2, p_action
            for c in reversed(cycles[:-2]):
                q = by.loc[(c, a, sid)] if (c, a, sid) in by.index else None
                if q is None or action_similarity(q["action"], text) < repeat_similarity:
                    break
                times, text = times + 1, q["action"]
        rows.append(
            {
                "agency": a,
                "sector": sectors.get(a, pd.NA),
                "standard": sid,
                "standard_title": titles.get(sid, sid),
                "cycle": cycle,
                "status": r["status"],
                "not_met_cycles": n_run,
                "since": since_of.get((a, sid), pd.NA),
                "previous_cycle": prev if has_prev else pd.NA,
                "previous_action": p_action if has_prev else pd.NA,
                "previous_due": p_due.strftime("%Y-%m-%d") if has_prev and pd.notna(p_due) else pd.NA,
                "previous_action_completed": done.strftime("%Y-%m-%d") if pd.notna(done) else pd.NA,
                "previous_action_outcome": outcome,
                "days_late": late,
                "action": r["action"],
                "similarity": sim,
                "same_action_again": same,
                "times_promised": times if same else (1 if isinstance(r["action"], str) else 0),
            }
        )
    cols = [
        "agency",
        "sector",
        "standard",
        "standard_title",
        "cycle",
        "status",
        "not_met_cycles",
        "since",
        "previous_cycle",
        "previous_action",
        "previous_due",
        "previous_action_completed",
        "previous_action_outcome",
        "days_late",
        "action",
        "similarity",
        "same_action_again",
        "times_promised",
    ]
    out = pd.DataFrame(rows, columns=cols)
    out["days_late"] = out["days_late"].astype("Int64")
    for c in ("not_met_cycles", "times_promised"):
        out[c] = out[c].astype("int64")
    out["same_action_again"] = out["same_action_again"].astype(bool)
    order = {s: i for i, s in enumerate(framework.standard_ids)}
    return out.sort_values(
        ["agency", "standard"], key=lambda s: s.map(order) if s.name == "standard" else s, kind="stable"
    ).reset_index(drop=True)


DEFAULT_RISK = RiskRules(
    weights={
        "persistent_not_met": 3.0,
        "statutory_partner": 2.0,
        "over_rating": 1.0,
        "missing_evidence": 0.5,
        "non_return": 4.0,
        "actions_overdue": 1.0,
        "actions_repeated": 1.5,
        "own_declines": 1.0,
    },
    rationale={k: "default weight (the framework file gives no risk block)" for k in RISK_REASONS},
)
"""The risk rules used when a framework file has no ``risk`` block (the WT2023 file has one)."""


def _names(titles: Sequence[str], limit: int = 3) -> str:
    t = [str(x) for x in titles]
    return ", ".join(t[:limit]) + (f" and {len(t) - limit} more" if len(t) > limit else "")


def risk_ranking(
    register: pd.DataFrame,
    current: pd.DataFrame,
    trend: pd.DataFrame,
    received: pd.DataFrame,
    history: pd.DataFrame,
    actions: pd.DataFrame,
    framework: Framework,
    *,
    rules: RiskRules | None = None,
    shortlist_size: int = 6,
    previous: str | None = None,
) -> pd.DataFrame:
    """A ranking of agencies for assurance visits that states every reason and its points.

    Points (weights from the framework's ``risk`` block, :class:`~.framework.RiskRules`):

    - ``persistent_not_met``: per standard not met (rating of record) for at least
      ``persistent_cycles`` cycles running;
    - ``statutory_partner``: once, for a safeguarding partner's organisation (police, health, local
      authority) that has at least one other reason (a concern there weighs on the whole partnership);
    - ``over_rating``: per standard the challenge panel lowered this cycle; an agency the panel did
      not moderate has over-rating **unknown** (no points, stated as unknown, never as 0);
    - ``missing_evidence``: per rating without evidence;
    - ``non_return``: 1 for a missing return, 0.25 for a late one (times the weight);
    - ``actions_overdue``: per action overdue (this cycle's action plan, or the previous cycle's
      action not completed by its due date);
    - ``actions_repeated``: per standard whose previous action is promised again;
    - ``own_declines``: per standard the agency's **own** rating fell since the previous cycle (the
      panel's moderation is not a decline).

    Agencies not expected to return and with no ratings are not ranked. Ties share a rank
    (``min``); the shortlist is every agency ranked ``shortlist_size`` or better with points.

    Returns
    -------
    DataFrame
        ``rank, agency, sector, statutory_partner, return_status``, the count behind each reason
        (``over_rating`` empty when unknown), ``score``, ``shortlisted``, ``reasons`` (each with
        its points, largest first) and ``place`` (why the agency is where it is).
    """
    rules = rules or framework.risk or DEFAULT_RISK
    w = rules.weights
    rec = received.set_index("agency")
    title = {s.id: s.label for s in framework.standards}
    rows = []
    for _, reg in register.sort_values("agency").iterrows():
        a = reg["agency"]
        st = str(rec.at[a, "status"]) if a in rec.index else "missing"
        c = current[current["agency"] == a]
        if st == "not expected" and c.empty:
            continue
        h = history[history["agency"] == a] if not history.empty else history
        t = trend[trend["agency"] == a]
        act = actions[actions["agency"] == a] if not actions.empty else actions
        persistent = h[h["not_met_cycles"] >= rules.persistent_cycles] if not h.empty else h
        mod = int(c["moderated"].sum())
        lowered = c[c["moderated"] & (c["moderated_position"] < c["self_position"])]
        noev = int((~c["has_evidence"].astype(bool)).sum())
        overdue_now = int(act["overdue"].sum()) if not act.empty else 0
        overdue_prev = int(h["previous_action_outcome"].eq("not completed, overdue").sum()) if not h.empty else 0
        repeated = h[h["same_action_again"]] if not h.empty else h
        declined = t[t["own_trend"].eq("declined")] if "own_trend" in t.columns else t.iloc[0:0]
        counts = {
            "persistent_not_met": len(persistent),
            "over_rating": len(lowered) if mod else pd.NA,
            "missing_evidence": noev,
            "non_return": 1.0 if st == "missing" else (0.25 if st == "late" else 0.0),
            "actions_overdue": overdue_now + overdue_prev,
            "actions_repeated": len(repeated),
            "own_declines": len(declined),
        }
        pts = {k: (0.0 if pd.isna(v) else float(v)) * w[k] for k, v in counts.items()}
        partner = bool(reg["statutory_partner"])
        counts["statutory_partner"] = 1 if partner else 0
        pts["statutory_partner"] = w["statutory_partner"] if partner and sum(pts.values()) > 0 else 0.0
        runs = persistent["not_met_cycles"].max() if len(persistent) else 0
        days = rec.at[a, "days_late"] if a in rec.index else pd.NA
        texts = {
            "persistent_not_met": (
                f"not met {int(runs)} cycles running on {len(persistent)} standard"
                f"{'s' if len(persistent) != 1 else ''} ({_names([title.get(x, x) for x in persistent['standard']])})"
                if len(persistent)
                else ""
            ),
            "statutory_partner": "a statutory safeguarding partner",
            "over_rating": f"the panel lowered {len(lowered)} of {mod} moderated self-ratings" if mod else "",
            "missing_evidence": f"{noev} rating{'s' if noev != 1 else ''} without evidence",
            "non_return": "return missing"
            if st == "missing"
            else (f"return late by {int(days)} days" if st == "late" and pd.notna(days) else "return late"),
            "actions_overdue": f"{overdue_now + overdue_prev} action{'s' if overdue_now + overdue_prev != 1 else ''} overdue",
            "actions_repeated": (
                f"the same action promised again on {len(repeated)} standard"
                f"{'s' if len(repeated) != 1 else ''} ({_names([title.get(x, x) for x in repeated['standard']])})"
                if len(repeated)
                else ""
            ),
            "own_declines": (
                f"own rating lower than in {previous} on {len(declined)} standard{'s' if len(declined) != 1 else ''}"
                if len(declined)
                else ""
            ),
        }
        order = sorted(pts, key=lambda k: (-pts[k], RISK_REASONS.index(k)))
        reasons = [f"{texts[k]} ({pts[k]:g} point{'' if pts[k] == 1 else 's'})" for k in order if pts[k] > 0]
        unknown = "" if mod else "over-rating unknown (not moderated this cycle)"
        rows.append(
            {
                "agency": a,
                "sector": reg["sector"],
                "statutory_partner": partner,
                "return_status": st,
                **{k: counts[k] for k in RISK_REASONS if k != "statutory_partner"},
                "score": round(sum(pts.values()), 3),
                "reasons": "; ".join(reasons) or "no reason found",
                "unknown": unknown,
            }
        )
    cols = [
        "rank",
        "agency",
        "sector",
        "statutory_partner",
        "return_status",
        *[k for k in RISK_REASONS if k != "statutory_partner"],
        "score",
        "shortlisted",
        "reasons",
        "unknown",
        "place",
    ]
    out = pd.DataFrame(rows)
    if out.empty:
        return pd.DataFrame(columns=cols)
    out["rank"] = out["score"].rank(method="min", ascending=False).astype("int64")
    out["shortlisted"] = (out["rank"] <= shortlist_size) & (out["score"] > 0)
    out["over_rating"] = out["over_rating"].astype("Int64")
    out = out.sort_values(["rank", "agency"], kind="stable").reset_index(drop=True)
    cut = out.loc[out["shortlisted"], "score"].min() if out["shortlisted"].any() else None
    n = len(out)
    out["place"] = [
        (
            f"rank {r} of {n} with {sc:g} points: shortlisted"
            if sl
            else (
                f"rank {r} of {n} with {sc:g} points: below the shortlist"
                + (f" (its lowest score is {cut:g} points)" if cut is not None else "")
            )
        )
        for r, sc, sl in zip(out["rank"], out["score"], out["shortlisted"])
    ]
    return out[cols]


def heatmap_data(
    current: pd.DataFrame, framework: Framework, register: pd.DataFrame | None = None
) -> tuple[pd.DataFrame, pd.DataFrame, pd.DataFrame]:
    """Agency x standard matrices for the partnership heatmap, in the scale's own labels.

    Returns
    -------
    (levels, labels, data)
        ``levels``: the rating of record's level label (the categories of the chart); ``labels``:
        the level's short form with ``*`` when the panel moderated it (colour is never the only
        carrier); ``data``: the long table behind the chart. Columns are the standards' short
        labels from the framework (``short``), in framework order.
    """
    order = [s for s in framework.standard_ids if s in set(current["standard"])]
    label_of = {s.id: s.label for s in framework.standards}
    d = current.copy()

    def _short(scale: str, label: object) -> str:
        if label is None or pd.isna(label):
            return ""
        r = framework.scales[scale].parse(label) if scale in framework.scales else None
        return r.short if r is not None else str(label)

    d["cell"] = [_short(s, lab) + ("*" if m else "") for s, lab, m in zip(d["scale"], d["label"], d["moderated"])]
    levels = d.pivot(index="agency", columns="standard", values="label").reindex(columns=order)
    lab = (
        d.pivot(index="agency", columns="standard", values="cell").reindex(index=levels.index, columns=order).fillna("")
    )
    levels.columns = [label_of[s] for s in order]
    lab.columns = levels.columns
    data = d[["agency", "standard", "scale", "label", "rating_basis", "cell"]].rename(
        columns={"label": "rating", "cell": "symbol"}
    )
    data.insert(2, "standard_label", data["standard"].map(label_of))
    return levels, lab, data.sort_values(["agency", "standard"]).reset_index(drop=True)


def action_plan(
    current: pd.DataFrame, framework: Framework, register: pd.DataFrame, as_at: pd.Timestamp | None = None
) -> pd.DataFrame:
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
    out = pd.DataFrame(
        {
            "agency": d["agency"],
            "sector": d["sector"],
            "standard": d["standard"],
            "standard_title": d["standard_title"],
            "rating": d["label"],
            "rating_basis": d["rating_basis"],
            "action": d["action"],
            "owner": d["action_owner"],
            "due_date": due.dt.strftime("%Y-%m-%d").astype("string"),
            "action_recorded": d["action"].notna().to_numpy(),
            "overdue": (
                (due < as_at).fillna(False) if as_at is not None else pd.Series(False, index=d.index)
            ).to_numpy(),
        }
    )
    return out.reset_index(drop=True)


def strengths(current: pd.DataFrame) -> pd.DataFrame:
    """Agencies fully meeting every standard they rated, and those the panel moderated and agreed on every one.

    Returns
    -------
    DataFrame
        ``agency, standards_rated, fully_met, moderated, agreed_at_moderation, strength``
        (``fully met and accepted at moderation`` or ``fully met``), strengths only.
    """
    rows = []
    for a, c in current.groupby("agency", sort=True):
        if not c["status"].eq("fully met").all():
            continue
        mod = int(c["moderated"].sum())
        agreed = int((c["moderated"] & (c["moderated_position"] >= c["self_position"])).sum())
        rows.append(
            {
                "agency": a,
                "standards_rated": len(c),
                "fully_met": len(c),
                "moderated": mod,
                "agreed_at_moderation": agreed,
                "strength": "fully met and accepted at moderation" if mod == len(c) and agreed == mod else "fully met",
            }
        )
    return pd.DataFrame(
        rows, columns=["agency", "standards_rated", "fully_met", "moderated", "agreed_at_moderation", "strength"]
    )


FLAG_V2_COLUMNS = (
    "direction",
    "effect",
    "effect_unit",
    "affected",
    "agency",
    "statutory_partner",
    "themes",
    "first_period",
)
"""Version 2 flag columns written besides :data:`assurance_lib.tables.FLAG_COLUMNS` (see docs/section11.md)."""


def build_flags(
    *,
    standards: pd.DataFrame,
    moderation: pd.DataFrame,
    trend: pd.DataFrame,
    received: pd.DataFrame,
    history: pd.DataFrame | None = None,
    register: pd.DataFrame | None = None,
    current: pd.DataFrame | None = None,
    framework: Framework | None = None,
    over_rating_threshold: float = 0.5,
    min_moderated: int = 2,
    decline_threshold: int = 2,
    persistent_cycles: int = 2,
    cycle: str = "",
) -> pd.DataFrame:
    """Flags for the quarterly report, each naming the agency (rule ``organisations``: agency ratings are not personal data).

    Concerns:

    - **standard not met**: each standard that at least one agency does not meet, naming them
      (high when three or more agencies do not meet it, or one of them is a statutory partner);
    - **persistent not met**: each agency x standard not met ``persistent_cycles`` or more cycles
      running (high);
    - **same action again**: each agency x standard whose previous action is promised again (medium;
      high when promised three or more cycles running);
    - **completed late**: each previous action completed after its due date (low);
    - **over-rating at moderation**: agencies whose self-ratings the panel lowered on at least
      ``over_rating_threshold`` of ``min_moderated`` or more moderated ratings: the panel's finding (high);
    - **decline**: agencies whose **own** rating fell on ``decline_threshold`` or more standards
      (medium; high at twice the threshold);
    - **missing return**: each agency expected to return that has not (high for a statutory partner).

    Strengths: each agency fully meeting every standard, accepted by the panel on every standard
    when it moderated them all (direction ``strength``, severity low).

    Besides the flag columns the frame has the version 2 columns :data:`FLAG_V2_COLUMNS`
    (``first_period`` is the cycle the condition began, where the returns show it).
    """
    partner = {} if register is None else dict(zip(register["agency"], register["statutory_partner"].astype(bool)))
    rows: list[dict] = []

    def add(
        category: str,
        subject: str,
        measure: str,
        value: object,
        severity: str,
        statement: str,
        table: str,
        key: str,
        *,
        direction: str = "concern",
        effect: object = pd.NA,
        unit: str = "",
        affected: object = 1,
        agency: str = "",
        first: object = pd.NA,
        themes: str = "working_together",
    ) -> None:
        names = [x for x in agency.split("; ") if x]
        rows.append(
            {
                "category": category,
                "subject": subject,
                "measure": measure,
                "value": value,
                "lower": pd.NA,
                "upper": pd.NA,
                "severity": severity,
                "statement": statement,
                "evidence_table": table,
                "evidence_key": key,
                "direction": direction,
                "effect": effect,
                "effect_unit": unit,
                "affected": affected,
                "agency": agency,
                "statutory_partner": "yes" if any(partner.get(n, False) for n in names) else "no",
                "themes": themes,
                "first_period": first if pd.notna(first) else (cycle or pd.NA),
            }
        )

    for _, r in standards[standards["not_met"] > 0].iterrows():
        n = int(r["not_met"])
        who = (
            sorted(current.loc[(current["standard"] == r["standard"]) & current["status"].eq("not met"), "agency"])
            if current is not None
            else []
        )
        sev = "high" if n >= 3 or any(partner.get(x, False) for x in who) else "medium"
        named = f": {_names(who, 6)}" if who else ""
        add(
            "standard not met",
            f"{r['standard']} {r['standard_title']}",
            "agencies not meeting the standard",
            n,
            sev,
            f"{n} of {int(r['agencies_rated'])} agencies do not meet '{r['standard_title']}'{named}.",
            "section11_standards",
            f"standard={r['standard']}",
            effect=round(n / int(r["agencies_rated"]), 3),
            unit="share of agencies rated",
            affected=n,
            agency="; ".join(who),
        )
    if history is not None and not history.empty:
        for _, r in history[history["not_met_cycles"] >= persistent_cycles].iterrows():
            add(
                "persistent not met",
                f"{r['agency']}: {r['standard']} {r['standard_title']}",
                "cycles running not met",
                int(r["not_met_cycles"]),
                "high",
                f"{r['agency']} has not met '{r['standard_title']}' for {int(r['not_met_cycles'])} cycles running "
                f"(since {r['cycle'] if pd.isna(r.get('since', pd.NA)) else r['since']}).",
                "section11_action_history",
                f"agency={r['agency']};standard={r['standard']}",
                effect=int(r["not_met_cycles"]),
                unit="cycles",
                agency=r["agency"],
                first=r.get("since", pd.NA),
            )
        for _, r in history[history["same_action_again"]].iterrows():
            times = int(r["times_promised"])
            add(
                "same action again",
                f"{r['agency']}: {r['standard']} {r['standard_title']}",
                "cycles the same action was promised",
                times,
                "high" if times >= 3 else "medium",
                f"{r['agency']} promised the same action on '{r['standard_title']}' again, {times} cycles running "
                f"(text similarity {r['similarity']:.2f} to the {r['previous_cycle']} action).",
                "section11_action_history",
                f"agency={r['agency']};standard={r['standard']}",
                effect=times,
                unit="cycles",
                agency=r["agency"],
                first=r["previous_cycle"],
            )
        for _, r in history[history["previous_action_outcome"].eq("completed late")].iterrows():
            add(
                "completed late",
                f"{r['agency']}: {r['standard']} {r['standard_title']}",
                "days late",
                int(r["days_late"]),
                "low",
                f"{r['agency']} completed its {r['previous_cycle']} action on '{r['standard_title']}' "
                f"{int(r['days_late'])} days after it was due.",
                "section11_action_history",
                f"agency={r['agency']};standard={r['standard']}",
                effect=int(r["days_late"]),
                unit="days",
                agency=r["agency"],
                first=r["previous_cycle"],
            )
    ag = moderation[moderation["level"] == "agency"] if not moderation.empty else moderation
    for _, r in ag.iterrows():
        if (
            r["moderated_ratings"] >= min_moderated
            and pd.notna(r["over_rating_rate"])
            and r["over_rating_rate"] >= over_rating_threshold
        ):
            add(
                "over-rating at moderation",
                r["agency"],
                "share of moderated self-ratings the panel lowered",
                r["over_rating_rate"],
                "high",
                f"The challenge panel lowered {r['agency']}'s self-rating on {int(r['over_rated'])} "
                f"of {int(r['moderated_ratings'])} standards it moderated.",
                "section11_moderation",
                f"level=agency;agency={r['agency']}",
                effect=r["over_rating_rate"],
                unit="share of moderated ratings",
                affected=1,
                agency=r["agency"],
            )
    if not trend.empty and "own_trend" in trend.columns:
        dec = trend[trend["own_trend"] == "declined"].groupby("agency").size()
        prev = trend["previous_cycle"].dropna()
        since = f" in {prev.iloc[0]}" if len(prev) else " in the previous cycle"
        for a, n in dec.items():
            if n >= decline_threshold:
                add(
                    "decline",
                    a,
                    "standards the agency rated lower than before",
                    int(n),
                    "high" if n >= 2 * decline_threshold else "medium",
                    f"{a} rated {int(n)} standards lower than it rated them itself{since}.",
                    "section11_trends",
                    f"agency={a};own_trend=declined",
                    effect=int(n),
                    unit="standards",
                    agency=a,
                )
    for _, r in received[received["status"] == "missing"].iterrows():
        add(
            "missing return",
            r["agency"],
            "Section 11 return",
            0,
            "high" if bool(r["statutory_partner"]) else "medium",
            f"{r['agency']} ({r['sector']}) has not returned its Section 11 self-assessment (deadline {r['deadline']}).",
            "section11_returns_received",
            f"agency={r['agency']}",
            agency=r["agency"],
        )
    if current is not None:
        for _, r in strengths(current).iterrows():
            accepted = r["strength"] == "fully met and accepted at moderation"
            add(
                "strength",
                r["agency"],
                "standards fully met",
                int(r["fully_met"]),
                "low",
                f"{r['agency']} fully meets all {int(r['standards_rated'])} standards"
                + (
                    ", and the challenge panel accepted every one." if accepted else " (self-rated; not all moderated)."
                ),
                "section11_ratings",
                f"agency={r['agency']}",
                direction="strength",
                effect=1.0,
                unit="share of standards fully met",
                agency=r["agency"],
            )
    cols = [
        "category",
        "subject",
        "measure",
        "value",
        "lower",
        "upper",
        "severity",
        "statement",
        "evidence_table",
        "evidence_key",
        *FLAG_V2_COLUMNS,
    ]
    return pd.DataFrame(rows, columns=cols)
