"""The audit synthesis itself, as pure functions: inputs and settings in, results out.

Grades by domain and agency, change on re-audit, agreement between agencies' own grades and
the panel's, recurring themes, the action log's status as at the period end, and the flags
for the quarterly report. Nothing here reads a file, publishes or draws.
"""

from __future__ import annotations

import dataclasses
import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from .. import agreement
from ..config import DisclosureConfig, Period
from ..tables import FLAG_V2_COLUMNS
from .inputs import MODERATOR_PREFIX, AuditFramework, AuditInputs
from .settings import Settings

__all__ = [
    "ALL",
    "CONFIDENCE",
    "AuditResults",
    "compute",
    "window",
    "window_text",
    "audits_in_window",
    "grade_distribution",
    "reaudit_change",
    "agreement_table",
    "theme_counts",
    "action_status",
    "action_summary",
    "build_flags",
    "FLAG_V2_COLUMNS",
]

ALL = "All"
"""Label of total rows (all audits, all domains, all agencies)."""
CONFIDENCE = 0.95
"""Confidence level of the kappa interval (not a notebook parameter)."""


@dataclass(frozen=True, slots=True, kw_only=True)
class AuditResults:
    """Everything the notebook shows (true values; identifiers already removed)."""

    inputs: AuditInputs
    settings: Settings
    period: Period
    window_start: dt.date
    audits: pd.DataFrame
    grades_domain: pd.DataFrame
    grades_agency: pd.DataFrame
    reaudit: pd.DataFrame
    agreement: pd.DataFrame
    themes: pd.DataFrame
    actions: pd.DataFrame
    action_summary: pd.DataFrame
    flags: pd.DataFrame
    notes: tuple[str, ...] = ()


def window_text(res: AuditResults) -> str:
    """The analysis window in words, e.g. ``01 October 2025 to 30 September 2026``."""
    return f"{res.window_start:%d %B %Y} to {res.period.end:%d %B %Y}"


def window(period: Period, months: int) -> tuple[dt.date, dt.date]:
    """The first and last day of the analysis window: ``months`` months ending with the period.

    Examples
    --------
    >>> [str(d) for d in window(Period.parse("2026-27 Q2"), 12)]
    ['2025-10-01', '2026-09-30']
    """
    return period.rolling_start(months), period.end


def audits_in_window(
    register: pd.DataFrame,
    grades: pd.DataFrame,
    period: Period,
    months: int,
    framework: AuditFramework,
    *,
    not_applicable: str = "[z]",
) -> pd.DataFrame:
    """The audits analysed: those dated in the window, plus the earlier audits they re-audit.

    Returns
    -------
    DataFrame
        ``audit_id, theme, audit_type, audit_date, n_cases, n_agencies, n_gradings,
        previous_audit_id, role`` where role is ``this period``, ``earlier in the window`` or
        ``earlier audit of a re-audited theme``; sorted by date. An audit that re-audits nothing
        has ``previous_audit_id`` ``not_applicable`` (the run's symbol).
    """
    start, end = window(period, months)
    d = register["audit_date"].dt.date
    inw = (d >= start) & (d <= end)
    reg = register[inw].copy()
    earlier_ids = set(reg["previous_audit_id"].dropna())
    earlier = register[register["audit_id"].isin(earlier_ids) & ~inw].copy()
    reg["role"] = np.where(reg["audit_date"].dt.date >= period.start, "this period", "earlier in the window")
    earlier["role"] = "earlier audit of a re-audited theme"
    out = pd.concat([reg, earlier], ignore_index=True).sort_values(["audit_date", "audit_id"])
    g = grades.groupby("audit_id")
    out["n_agencies"] = out["audit_id"].map(g["agency"].nunique()).fillna(0).astype(int)
    out["n_gradings"] = out["audit_id"].map(g.size()).fillna(0).astype(int)
    out["theme"] = out["theme"].map(framework.theme_label)
    out["audit_date"] = out["audit_date"].dt.strftime("%Y-%m-%d")
    out["previous_audit_id"] = out["previous_audit_id"].astype("string").fillna(not_applicable)
    return out[
        [
            "audit_id",
            "theme",
            "audit_type",
            "audit_date",
            "n_cases",
            "n_agencies",
            "n_gradings",
            "previous_audit_id",
            "role",
        ]
    ].reset_index(drop=True)


def _pct(num: float, den: float) -> float:
    return round(100.0 * num / den, 1) if den else float("nan")


def _distribution_row(g: pd.DataFrame, fw: AuditFramework, min_cases: int) -> dict[str, Any]:
    n_cases = int(g[["audit_id", "case_ref"]].drop_duplicates().shape[0])
    n = int(len(g))
    row: dict[str, Any] = {"n_cases": n_cases, "n_gradings": n}
    for gr in fw.grades:
        row[fw.grade_column(gr.label)] = int((g["panel_score"] == gr.score).sum())
    good = g["panel_score"].isin(fw.good_scores)
    row["pct_good_or_better"] = _pct(float(good.sum()), n)
    row["pct_good_or_better_self"] = _pct(float(g["agency_score"].isin(fw.good_scores).sum()), n)
    row["indicative"] = "yes" if n_cases < min_cases else "no"
    return row


def grade_distribution(
    grades: pd.DataFrame, framework: AuditFramework, by: Sequence[str], *, min_cases: int, totals: Sequence[str] = ()
) -> pd.DataFrame:
    """Panel (moderated) grades by the columns ``by``: cases, gradings, counts by grade, share good or better.

    Parameters
    ----------
    grades : DataFrame
        As read by :func:`read_grades` (any subset of audits).
    framework : AuditFramework
    by : sequence of str
        Grouping columns, e.g. ``["audit_id", "domain"]`` or ``["agency", "domain"]``.
    min_cases : int
        Rows from fewer distinct cases are labelled ``indicative = yes``.
    totals : sequence of str
        Columns of ``by`` to add total rows for (value :data:`ALL`), e.g. ``["domain"]``.

    Returns
    -------
    DataFrame
        ``by`` columns, ``n_cases`` (distinct audited cases), ``n_gradings`` (agency x case x
        domain units), one ``n_<grade>`` column per grade, ``pct_good_or_better`` (panel),
        ``pct_good_or_better_self`` (the agencies' own grades), ``indicative``. Domains are
        shown by label.
    """
    rows = []
    combos: list[tuple[str, ...]] = [tuple(by)]
    for t in totals:
        combos = combos + [tuple(c for c in combo if c != t) for combo in combos]
    seen = set()
    for combo in combos:
        if combo in seen:
            continue
        seen.add(combo)
        groups = [((), grades)] if not combo else grades.groupby(list(combo), sort=False)
        for key, g in groups:
            key = key if isinstance(key, tuple) else (key,)
            r = {c: ALL for c in by}
            r.update(dict(zip(combo, key)))
            r.update(_distribution_row(g, framework, min_cases))
            rows.append(r)
    out = pd.DataFrame(
        rows,
        columns=[
            *by,
            "n_cases",
            "n_gradings",
            *(framework.grade_column(g.label) for g in framework.grades),
            "pct_good_or_better",
            "pct_good_or_better_self",
            "indicative",
        ],
    )
    if grades.empty:
        return out.iloc[0:0]
    order = {c: i for i, c in enumerate(framework.domains)}
    sort_cols = []
    for c in by:
        if c == "domain":
            out["_o_domain"] = out["domain"].map(lambda v: order.get(v, len(order) + 1))
            sort_cols.append("_o_domain")
        else:
            out[f"_o_{c}"] = out[c].eq(ALL).astype(int)
            sort_cols += [f"_o_{c}", c]
    out = out.sort_values(sort_cols, kind="stable").drop(columns=[c for c in out.columns if c.startswith("_o_")])
    if "domain" in by:
        out["domain"] = out["domain"].map(lambda v: framework.domains.get(v, v))
    return out.reset_index(drop=True)


def reaudit_change(
    grades: pd.DataFrame,
    register: pd.DataFrame,
    audit_ids: Sequence[str],
    framework: AuditFramework,
    *,
    min_cases: int,
    not_available: str = "[x]",
    n_boot: int = 1000,
    seed: int = 20260701,
) -> pd.DataFrame:
    """Change in the share of panel grades good or better between an audit and its earlier audit.

    The change is the difference of the unrounded shares (rounded only for the table), with a
    95% interval from resampling whole cases within each audit
    (:func:`assurance_lib.agreement.bootstrap_proportion_change`). It is called a change only
    when its interval excludes no change: ``direction`` is ``improved`` or ``fell`` then, and
    ``no clear change`` otherwise, whatever the size of the point estimate.

    Returns
    -------
    DataFrame
        One row per re-audit (of ``audit_ids`` with a ``previous_audit_id``) and domain (plus
        all domains): ``audit_id, earlier_audit_id, theme, domain, n_cases_earlier,
        n_cases_later, pct_good_or_better_earlier, pct_good_or_better_later, change_pp``
        (later minus earlier, percentage points, differenced before rounding), ``change_lower,
        change_upper`` (the interval), ``direction`` (improved, fell, no clear change;
        ``not_available``, the run's symbol, when either audit has no grades in the domain),
        and ``indicative`` (either audit with fewer than ``min_cases`` cases). The method is stated
        in the published table's notes.
    """
    reg = register.set_index("audit_id")
    rows = []
    labels = dict(framework.domains)
    for a in audit_ids:
        prev = reg.at[a, "previous_audit_id"] if a in reg.index else pd.NA
        if pd.isna(prev):
            continue
        later_g = grades[grades["audit_id"] == a]
        earlier_g = grades[grades["audit_id"] == prev]
        doms = [d for d in framework.domains if d in set(later_g["domain"]) | set(earlier_g["domain"])]
        for dom in [*doms, ALL]:
            lg = later_g if dom == ALL else later_g[later_g["domain"] == dom]
            eg = earlier_g if dom == ALL else earlier_g[earlier_g["domain"] == dom]
            row: dict[str, Any] = {
                "audit_id": a,
                "earlier_audit_id": prev,
                "theme": framework.theme_label(reg.at[a, "theme"]),
                "domain": ALL if dom == ALL else labels.get(dom, dom),
                "n_cases_earlier": int(eg["case_ref"].nunique()),
                "n_cases_later": int(lg["case_ref"].nunique()),
            }
            if lg.empty or eg.empty:
                row.update(
                    pct_good_or_better_earlier=_pct(
                        float(eg["panel_score"].isin(framework.good_scores).sum()), len(eg)
                    ),
                    pct_good_or_better_later=_pct(float(lg["panel_score"].isin(framework.good_scores).sum()), len(lg)),
                    change_pp=np.nan,
                    change_lower=np.nan,
                    change_upper=np.nan,
                    direction=not_available,
                )
            else:
                ch = agreement.bootstrap_proportion_change(
                    eg["panel_score"].isin(framework.good_scores).to_numpy(),
                    eg["case_ref"].astype(str).to_numpy(),
                    lg["panel_score"].isin(framework.good_scores).to_numpy(),
                    lg["case_ref"].astype(str).to_numpy(),
                    n_boot=n_boot,
                    confidence=CONFIDENCE,
                    seed=seed,
                )
                row.update(
                    pct_good_or_better_earlier=round(ch.earlier, 1),
                    pct_good_or_better_later=round(ch.later, 1),
                    change_pp=round(ch.change, 1),
                    change_lower=round(ch.lower, 1) if np.isfinite(ch.lower) else np.nan,
                    change_upper=round(ch.upper, 1) if np.isfinite(ch.upper) else np.nan,
                    direction=("improved" if ch.change > 0 else "fell") if ch.clear else "no clear change",
                )
            row["indicative"] = "yes" if min(row["n_cases_earlier"], row["n_cases_later"]) < min_cases else "no"
            rows.append(row)
    cols = [
        "audit_id",
        "earlier_audit_id",
        "theme",
        "domain",
        "n_cases_earlier",
        "n_cases_later",
        "pct_good_or_better_earlier",
        "pct_good_or_better_later",
        "change_pp",
        "change_lower",
        "change_upper",
        "direction",
        "indicative",
    ]
    return pd.DataFrame(rows, columns=cols)


def _agreement_row(g: pd.DataFrame, fw: AuditFramework, s: Settings, moderator_cols: Sequence[str]) -> dict[str, Any]:
    a = g["agency_score"].to_numpy(dtype=int)
    b = g["panel_score"].to_numpy(dtype=int)
    clusters = (g["audit_id"].astype(str) + "\x1f" + g["case_ref"].astype(str)).to_numpy()
    r = agreement.bootstrap_kappa(
        a,
        b,
        clusters,
        k=fw.k,
        weights=s.kappa_weights,  # type: ignore[arg-type]
        n_boot=s.n_boot,
        confidence=CONFIDENCE,
        seed=s.seed,
    )
    used = [c for c in moderator_cols if g[c].notna().any()]
    alpha = float("nan")
    if len(used) >= 2:
        alpha = agreement.ordinal_alpha(g[used].to_numpy(dtype=float).T, k=fw.k)
    n = len(g)
    return {
        "n_cases": r.n_clusters,
        "n_units": r.n_units,
        "pct_exact": _pct(float((a == b).sum()), n),
        "pct_adjacent": _pct(float((np.abs(a - b) <= 1).sum()), n),
        "pct_self_higher": _pct(float((a < b).sum()), n),
        "pct_self_lower": _pct(float((a > b).sum()), n),
        "kappa": round(r.kappa, 3) if np.isfinite(r.kappa) else np.nan,
        "kappa_lower": round(r.lower, 3) if np.isfinite(r.lower) else np.nan,
        "kappa_upper": round(r.upper, 3) if np.isfinite(r.upper) else np.nan,
        "weights": s.kappa_weights,
        "n_moderators": len(used),
        "alpha_moderators": round(alpha, 3) if np.isfinite(alpha) else np.nan,
        "method": r.method
        + ("; Krippendorff's ordinal alpha across the moderators' independent grades" if len(used) >= 2 else ""),
        "indicative": "yes" if (r.n_units < s.min_units or r.n_clusters < s.min_cases) else "no",
    }


def agreement_table(
    grades: pd.DataFrame, framework: AuditFramework, settings: Settings, audit_ids: Sequence[str]
) -> pd.DataFrame:
    """Agreement between agencies' own grades and the panel's moderated grades.

    Rows: each audit of ``audit_ids``; each agency across those audits; all of them together.
    A rated unit is one agency's grade of one case in one domain. ``pct_self_higher`` is the
    share of units the agency graded better than the panel. The kappa interval resamples
    whole cases (see :func:`assurance_lib.agreement.bootstrap_kappa`). Where the file records
    two or more moderators' independent grades, Krippendorff's ordinal alpha across them.
    """
    g = grades[grades["audit_id"].isin(list(audit_ids))]
    mods = [c for c in grades.columns if c.startswith(MODERATOR_PREFIX)]
    rows = []
    for a in audit_ids:
        sub = g[g["audit_id"] == a]
        if len(sub):
            rows.append({"level": "audit", "subject": a, **_agreement_row(sub, framework, settings, mods)})
    for ag_name, sub in sorted(g.groupby("agency"), key=lambda kv: str(kv[0])):
        rows.append({"level": "agency", "subject": ag_name, **_agreement_row(sub, framework, settings, mods)})
    if len(g):
        rows.append({"level": "all", "subject": f"{ALL} audits", **_agreement_row(g, framework, settings, mods)})
    cols = [
        "level",
        "subject",
        "n_cases",
        "n_units",
        "pct_exact",
        "pct_adjacent",
        "pct_self_higher",
        "pct_self_lower",
        "kappa",
        "kappa_lower",
        "kappa_upper",
        "weights",
        "n_moderators",
        "alpha_moderators",
        "method",
        "indicative",
    ]
    return pd.DataFrame(rows, columns=cols)


def theme_counts(findings: pd.DataFrame, audit_ids: Sequence[str], framework: AuditFramework) -> pd.DataFrame:
    """Coded strengths and areas for development by finding code across the audits given.

    Returns
    -------
    DataFrame
        ``theme_code, theme, n_strengths, n_areas_for_development, n_audits, audits,
        recurring`` (``yes`` when the code appears in two or more audits), most audits first.
    """
    f = findings[findings["audit_id"].isin(list(audit_ids))]
    kinds = framework.finding_kinds
    rows = []
    for code, g in f.groupby("theme_code"):
        n_aud = int(g["audit_id"].nunique())
        rows.append(
            {
                "theme_code": code,
                "theme": framework.finding_codes.get(str(code), str(code)),
                "n_strengths": int(g["kind"].eq(kinds[0]).sum()),
                "n_areas_for_development": int(g["kind"].eq(kinds[1]).sum()) if len(kinds) > 1 else 0,
                "n_audits": n_aud,
                "audits": "; ".join(sorted(g["audit_id"].unique())),
                "recurring": "yes" if n_aud >= 2 else "no",
            }
        )
    cols = ["theme_code", "theme", "n_strengths", "n_areas_for_development", "n_audits", "audits", "recurring"]
    out = pd.DataFrame(rows, columns=cols)
    return out.sort_values(
        ["n_audits", "n_areas_for_development", "theme_code"], ascending=[False, False, True], kind="stable"
    ).reset_index(drop=True)


def action_status(
    actions: pd.DataFrame, as_at: dt.date, framework: AuditFramework, *, not_applicable: str = "[z]"
) -> pd.DataFrame:
    """Each action's status and RAG as at a date (the period end), derived, never typed in.

    Rules (documented in ``docs/audits.md``): actions created after ``as_at`` are not counted.
    An action is complete when its status is a complete status and it was closed on or before
    ``as_at`` (closed later, it was still open at ``as_at``). RAG: **Blue** complete; **Red**
    open and due before ``as_at`` (overdue); **Amber** open and due within
    ``framework.amber_days`` days after ``as_at``; **Green** open and due later.

    Returns
    -------
    DataFrame
        ``action_id, source, source_ref, theme, agency, owner_role, created, due,
        status_at_period_end`` (complete/open), ``rag, days_overdue, evidence_of_completion,
        evidence_of_impact`` (yes/no), ``closed_date, complete_without_impact`` (yes/no); an open
        action's ``closed_date`` and an action without a theme show ``not_applicable`` (the run's symbol).
    """
    t = pd.Timestamp(as_at)
    a = actions[actions["created"] <= t].copy()
    complete = a["status"].isin(framework.complete_statuses) & (a["closed_date"] <= t)
    overdue = ~complete & (a["due"] < t)
    amber = ~complete & ~overdue & (a["due"] <= t + pd.Timedelta(days=framework.amber_days))
    a["status_at_period_end"] = np.where(complete, "complete", "open")
    a["rag"] = np.select([complete, overdue, amber], ["Blue", "Red", "Amber"], default="Green")
    a["days_overdue"] = np.where(overdue, (t - a["due"]).dt.days, 0).astype(int)
    has = lambda s: np.where(s.notna() & s.astype("string").str.strip().ne("").fillna(False), "yes", "no")  # noqa: E731
    a["evidence_of_completion"] = has(a["evidence_of_completion"])
    a["evidence_of_impact"] = has(a["evidence_of_impact"])
    a["complete_without_impact"] = np.where(complete & (a["evidence_of_impact"] == "no"), "yes", "no")
    for c in ("created", "due"):
        a[c] = a[c].dt.strftime("%Y-%m-%d")
    a["closed_date"] = np.where(complete, a["closed_date"].dt.strftime("%Y-%m-%d"), not_applicable)
    a["theme"] = a["theme"].astype("string").fillna(not_applicable)
    cols = [
        "action_id",
        "source",
        "source_ref",
        "theme",
        "agency",
        "owner_role",
        "created",
        "due",
        "status_at_period_end",
        "rag",
        "days_overdue",
        "evidence_of_completion",
        "evidence_of_impact",
        "closed_date",
        "complete_without_impact",
    ]
    return a[cols].sort_values(["action_id"]).reset_index(drop=True)


def action_summary(status: pd.DataFrame) -> pd.DataFrame:
    """Actions by agency and by source (and all): counts by RAG, completion and evidence of impact.

    Returns
    -------
    DataFrame
        ``by`` (agency, source or all), ``subject, n_actions, n_complete, pct_complete,
        n_complete_with_impact, n_complete_without_impact, n_overdue, n_amber, n_green``.
    """
    rows = []

    def summ(by: str, subject: str, g: pd.DataFrame) -> dict[str, Any]:
        n = len(g)
        done = g["status_at_period_end"].eq("complete")
        return {
            "by": by,
            "subject": subject,
            "n_actions": n,
            "n_complete": int(done.sum()),
            "pct_complete": _pct(float(done.sum()), n),
            "n_complete_with_impact": int((done & g["evidence_of_impact"].eq("yes")).sum()),
            "n_complete_without_impact": int(g["complete_without_impact"].eq("yes").sum()),
            "n_overdue": int(g["rag"].eq("Red").sum()),
            "n_amber": int(g["rag"].eq("Amber").sum()),
            "n_green": int(g["rag"].eq("Green").sum()),
        }

    for by in ("agency", "source"):
        for key, g in status.groupby(by, sort=True):
            rows.append(summ(by, str(key), g))
    rows.append(summ("all", f"{ALL} actions", status))
    return pd.DataFrame(rows)


def _priorities(fw: AuditFramework, theme_codes: Sequence[str], *, general: bool = False) -> str:
    """The partnership's priority themes of audit themes (``;``-separated, framework order, no repeats)."""
    out: list[str] = []
    for code in theme_codes:
        t = fw.themes.get(str(code))
        out += list(t.priorities) if t else []
    if general or not out:
        out += list(fw.default_priorities)
    return ";".join(dict.fromkeys(out))


def _partner(fw: AuditFramework, agency: str) -> str:
    return "yes" if agency in fw.statutory_partners else "no"


def build_flags(res: AuditResults) -> pd.DataFrame:
    """Flags for the quarterly report, concerns and strengths, with the version 2 columns.

    Concerns: domains graded good or better in under ``below_good_threshold``% of gradings; a
    **clear** fall on re-audit (the case-bootstrap interval of the change lies below zero: a
    fall whose interval includes no change is not a finding, see :func:`reaudit_change`);
    areas for development coded in an audit this period; agencies grading themselves above the
    panel in at least ``self_higher_threshold``% of gradings; overdue audit actions and audit
    actions completed without evidence of impact. Strengths: a clear improvement on re-audit
    and good practice coded in an audit this period. Actions from other sources (Section 11,
    reviews) belong to their own source and raise no audit flag.

    ``evidence`` is ``indicative`` below ``min_cases`` cases and ``moderate`` otherwise (audits
    are samples); action facts from the log are ``strong``. ``themes`` maps the audit theme to
    the partnership's priorities (``audit_themes.<code>.priorities`` in the framework);
    ``first_period`` is left blank for the report to fill from earlier packs.
    """
    s = res.settings
    fw = res.inputs.framework
    rows: list[dict[str, Any]] = []
    reg = res.inputs.register.set_index("audit_id")
    theme_of = {a: str(reg.at[a, "theme"]) for a in reg.index}
    this_period = list(res.audits.loc[res.audits["role"].eq("this period"), "audit_id"])
    in_window = list(res.audits.loc[res.audits["role"].ne("earlier audit of a re-audited theme"), "audit_id"])

    def evidence(indicative: str) -> str:
        return "indicative" if indicative == "yes" else "moderate"

    def add(**kw: Any) -> None:
        kw.setdefault("lower", np.nan)
        kw.setdefault("upper", np.nan)
        kw.setdefault("agency", "")
        kw.setdefault("statutory_partner", "yes")
        kw.setdefault("first_period", "")
        rows.append(kw)

    gd = res.grades_domain
    for _, r in gd[gd["audit_id"].isin(set(this_period) | {ALL}) & gd["domain"].ne(ALL)].iterrows():
        v = r["pct_good_or_better"]
        if pd.notna(v) and v < s.below_good_threshold:
            whole = r["audit_id"] == ALL
            scope = f"across the audits of {window_text(res)}" if whole else f"in audit {r['audit_id']}"
            add(
                category="grades below good",
                subject=f"{r['domain']} ({'all audits' if whole else r['audit_id']})",
                measure="percentage of panel grades good or better",
                value=v,
                severity="high" if v < s.below_good_threshold / 2 else "medium",
                statement=f"{r['domain']} was graded good or better in {v:.0f}% of gradings {scope} "
                f"({r['n_cases']} cases{', indicative' if r['indicative'] == 'yes' else ''}).",
                evidence_table="audit_grades_domain",
                evidence_key=f"audit_id={r['audit_id']}; domain={r['domain']}",
                evidence=evidence(r["indicative"]),
                direction="concern",
                effect=round(float(v) - s.below_good_threshold, 1),
                effect_unit=f"percentage points from {s.below_good_threshold:g}% good or better",
                affected=int(r["n_cases"]),
                themes=_priorities(fw, [theme_of[a] for a in in_window] if whole else [theme_of[r["audit_id"]]]),
            )
    for _, r in res.reaudit.iterrows():
        if r["direction"] not in ("fell", "improved"):
            continue
        fell = r["direction"] == "fell"
        dom = "all domains" if r["domain"] == ALL else r["domain"]
        add(
            category="falling grades on re-audit" if fell else "improving grades on re-audit",
            subject=f"{r['domain']} ({r['theme']})",
            measure="change in percentage of panel grades good or better (points)",
            value=r["change_pp"],
            lower=r["change_lower"],
            upper=r["change_upper"],
            severity=("high" if abs(r["change_pp"]) >= s.fall_threshold else "medium") if fell else "low",
            statement=f"On re-audit of {r['theme'].lower()} ({r['audit_id']} against {r['earlier_audit_id']}), "
            f"{dom} {'fell' if fell else 'rose'} from {r['pct_good_or_better_earlier']:.0f}% to "
            f"{r['pct_good_or_better_later']:.0f}% good or better ({r['change_pp']:+.0f} points, "
            f"{CONFIDENCE:.0%} interval {r['change_lower']:+.0f} to {r['change_upper']:+.0f}).",
            evidence_table="audit_reaudit",
            evidence_key=f"audit_id={r['audit_id']}; domain={r['domain']}",
            evidence=evidence(r["indicative"]),
            direction="concern" if fell else "strength",
            effect=r["change_pp"],
            effect_unit="percentage points",
            affected=int(r["n_cases_later"]),
            themes=_priorities(fw, [theme_of[r["audit_id"]]]),
        )
    f = res.inputs.findings[res.inputs.findings["audit_id"].isin(this_period)]
    n_cases = res.audits.set_index("audit_id")["n_cases"]
    for (a, kind, code), g in f.groupby(["audit_id", "kind", "theme_code"], sort=True):
        strength = kind == fw.finding_kinds[0]
        label = fw.finding_codes.get(str(code), str(code))
        n = len(g)
        add(
            category="good practice found" if strength else "area for development",
            subject=f"{label} ({a})",
            measure="coded findings in the audit",
            value=n,
            severity="low" if strength else "medium",
            statement=f"Audit {a} ({fw.theme_label(theme_of[a]).lower()}) coded {label.lower()} as "
            f"{'good practice' if strength else 'an area for development'} "
            f"({n} finding{'s' if n != 1 else ''}, {int(n_cases[a])} cases audited).",
            evidence_table="audit_themes",
            evidence_key=f"theme_code={code}",
            evidence=evidence("yes" if int(n_cases[a]) < s.min_cases else "no"),
            direction="strength" if strength else "concern",
            effect=n,
            effect_unit="coded findings",
            affected=int(n_cases[a]),
            themes=_priorities(fw, [theme_of[a]]),
        )
    for _, r in res.agreement[res.agreement["level"].eq("agency")].iterrows():
        v = r["pct_self_higher"]
        if pd.notna(v) and v >= s.self_higher_threshold and r["n_units"] >= s.min_units:
            add(
                category="self-grading above the panel",
                subject=r["subject"],
                measure="percentage of units graded higher by the agency than by the panel",
                value=v,
                severity="low",
                statement=f"{r['subject']} graded its own practice above the panel's moderated grade in "
                f"{v:.0f}% of {r['n_units']} gradings ({r['n_cases']} cases).",
                evidence_table="audit_agreement",
                evidence_key=f"level=agency; subject={r['subject']}",
                evidence=evidence(r["indicative"]),
                direction="concern",
                effect=round(float(v) - float(r["pct_self_lower"]), 1),
                effect_unit="percentage points graded above the panel less graded below",
                affected=int(r["n_cases"]),
                agency=r["subject"],
                statutory_partner=_partner(fw, str(r["subject"])),
                themes=_priorities(fw, [], general=True),
            )
    acts = res.actions[res.actions["source"].eq("audit")]
    for _, r in acts.iterrows():
        themes = _priorities(fw, [theme_of.get(str(r["source_ref"]), "")], general=True)
        common = {
            "evidence_table": "audit_actions",
            "evidence_key": f"action_id={r['action_id']}",
            "evidence": "strong",
            "direction": "concern",
            "affected": 1,
            "agency": r["agency"],
            "statutory_partner": _partner(fw, str(r["agency"])),
            "themes": themes,
        }
        if r["rag"] == "Red":
            add(
                category="overdue action",
                subject=f"action {r['action_id']} ({r['agency']})",
                measure="days overdue at the period end",
                value=r["days_overdue"],
                severity="high" if r["days_overdue"] > 90 else "medium",
                statement=f"Action {r['action_id']} (audit {r['source_ref']}, {r['agency']}) was due on {r['due']} "
                f"and was {r['days_overdue']} days overdue at the period end.",
                effect=r["days_overdue"],
                effect_unit="days overdue",
                **common,
            )
        elif r["complete_without_impact"] == "yes":
            add(
                category="completed without evidence of impact",
                subject=f"action {r['action_id']} ({r['agency']})",
                measure="completed action with no evidence of impact recorded",
                value=1,
                severity="low",
                statement=f"Action {r['action_id']} (audit {r['source_ref']}, {r['agency']}) was completed on "
                f"{r['closed_date']} with no evidence of its impact recorded.",
                effect=1,
                effect_unit="actions",
                **common,
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


def compute(
    inputs: AuditInputs, settings: Settings, period: Period, *, symbols: DisclosureConfig | None = None
) -> AuditResults:
    """All the analyses, as pure functions of the validated inputs (no publishing); ``symbols`` is the
    run's :class:`~assurance_lib.config.DisclosureConfig` (its not-applicable and not-available symbols)."""
    symbols = symbols or DisclosureConfig()
    fw = inputs.framework
    start, end = window(period, settings.window_months)
    audits = audits_in_window(
        inputs.register, inputs.grades, period, settings.window_months, fw, not_applicable=symbols.not_applicable
    )
    in_window = list(audits.loc[audits["role"].ne("earlier audit of a re-audited theme"), "audit_id"])
    g = inputs.grades[inputs.grades["audit_id"].isin(in_window)]
    gd = grade_distribution(g, fw, ["audit_id", "domain"], min_cases=settings.min_cases, totals=["audit_id", "domain"])
    ga = grade_distribution(g, fw, ["agency", "domain"], min_cases=settings.min_cases, totals=["domain"])
    ra = reaudit_change(
        inputs.grades,
        inputs.register,
        in_window,
        fw,
        min_cases=settings.min_cases,
        not_available=symbols.not_available,
        n_boot=settings.n_boot,
        seed=settings.seed,
    )
    agr = agreement_table(inputs.grades, fw, settings, in_window)
    th = theme_counts(inputs.findings, in_window, fw)
    st = action_status(inputs.actions, period.end, fw, not_applicable=symbols.not_applicable)
    notes: list[str] = []
    n_later = int((inputs.actions["created"] > pd.Timestamp(period.end)).sum())
    if n_later:
        notes.append(f"{n_later} action(s) created after the period end are not counted in this period's action log.")
    n_future = int((inputs.register["audit_date"].dt.date > end).sum())
    if n_future:
        notes.append(f"{n_future} audit(s) dated after the period end are not included.")
    res = AuditResults(
        inputs=inputs,
        settings=settings,
        period=period,
        window_start=start,
        audits=audits,
        grades_domain=gd,
        grades_agency=ga,
        reaudit=ra,
        agreement=agr,
        themes=th,
        actions=st,
        action_summary=action_summary(st),
        flags=pd.DataFrame(),
        notes=tuple(notes),
    )
    return dataclasses.replace(res, flags=build_flags(res))
