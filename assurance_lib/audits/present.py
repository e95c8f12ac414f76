"""What notebook 03 calls: :func:`analyse`, then ``show_*``/``chart_*`` (publish a table or chart and
return what the notebook displays), :func:`publish_flags` and :func:`method_notes`.

Each chart's data is computed apart from the drawing: ``*_chart_data(res)`` returns the frame
the chart shows (published beside it as its data table); ``chart_*`` draws it.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pandas as pd

from ..errors import InputError, Problem
from ..readers import display_path
from ..tables import TableSpec, page_view
from .compute import ALL, CONFIDENCE, AuditResults, compute, window_text
from .inputs import load
from .settings import NOTEBOOK, Settings

__all__ = [
    "analyse",
    "show_register",
    "show_grades",
    "grades_chart_data",
    "chart_grades",
    "show_reaudit",
    "reaudit_chart_data",
    "chart_reaudit",
    "show_agreement",
    "agreement_chart_data",
    "chart_agreement",
    "show_themes",
    "show_actions",
    "show_actions_attention",
    "publish_flags",
    "method_notes",
    "method_notes_markdown",
    "show_briefings",
]

GRADES_AGENCY_PAGE = (
    "agency",
    "domain",
    "n_cases",
    "n_outstanding",
    "n_good",
    "n_requires_improvement_to_be_good",
    "n_inadequate",
    "pct_good_or_better",
    "indicative",
)
"""The columns of ``audit_grades_agency`` a page shows: the panel's grades (the CSV also has the
gradings and the agencies' own share good or better)."""
GRADES_DOMAIN_PAGE = (
    "audit_id",
    "domain",
    "n_cases",
    "n_gradings",
    "pct_good_or_better",
    "pct_good_or_better_self",
    "indicative",
)
"""The columns of ``audit_grades_domain`` a page shows: the panel's share good or better beside the
agencies' own (the CSV also has the count of each grade)."""
AGREEMENT_PAGE = (
    "level",
    "subject",
    "n_cases",
    "pct_exact",
    "pct_adjacent",
    "pct_self_higher",
    "kappa",
    "kappa_lower",
    "kappa_upper",
    "alpha_moderators",
    "indicative",
)
"""The columns of ``audit_agreement`` a page shows."""
REAUDIT_PAGE = (
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
)
"""The columns of ``audit_reaudit`` a page shows."""
PAGE_LABELS = {
    "audit_id": "Audit",
    "n_requires_improvement_to_be_good": "Requires improvement",
    "pct_good_or_better": "% good or better (panel)",
    "pct_good_or_better_self": "% good or better (agency's own)",
    "subject": "Audit or agency",
    "pct_exact": "% same grade",
    "pct_adjacent": "% within one grade",
    "pct_self_higher": "% agency graded higher",
    "kappa": "Weighted kappa",
    "kappa_lower": "Kappa 95% CI lower",
    "kappa_upper": "Kappa 95% CI upper",
    "alpha_moderators": "Moderators' alpha",
    "n_cases_earlier": "Cases, earlier audit",
    "n_cases_later": "Cases, re-audit",
    "pct_good_or_better_earlier": "% good or better, earlier",
    "pct_good_or_better_later": "% good or better, re-audit",
    "change_pp": "Change (points)",
    "change_lower": "Change 95% CI lower",
    "change_upper": "Change 95% CI upper",
}
"""Headings of the columns these pages show, where the workbench's own (:func:`assurance_lib.display.column_label`)
would not read plainly."""


_SOURCE = "Multi-agency case file audits (agency self-grades and panel moderated grades)"
_ACTION_SOURCE = "Partnership action log"


def analyse(ctx: Any) -> AuditResults:
    """Read the inputs named by the notebook's parameters and run every analysis."""
    try:
        settings = Settings.from_params(ctx.params)
    except (TypeError, ValueError) as exc:
        raise InputError(
            Problem(file=display_path(ctx.config.params_file), key=f"notebooks.{NOTEBOOK}", message=str(exc))
        ) from None
    return compute(load(settings), settings, ctx.config.period, symbols=ctx.config.disclosure)


def show_register(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_register``: the audits analysed, with their role in this pack."""
    spec = TableSpec(
        name="audit_register",
        title="Multi-agency audits analysed in this pack",
        unit="cases",
        rule="small-sample",
        source="Partnership audit register",
        notes=f"Audits dated {window_text(res)}, and the earlier audits of re-audited themes. "
        "n_cases: audited cases; n_gradings: agency x case x domain grades. " + " ".join(res.notes),
    )
    return _shown(ctx.publish.table(res.audits, spec), spec)


def show_grades(ctx: Any, res: AuditResults, by: str = "domain") -> Any:
    """Publish ``audit_grades_domain`` (by audit and domain) or ``audit_grades_agency`` (by agency and domain)."""
    common = (
        "Panel (moderated) grades; a grading is one agency's grade of one case in one domain. "
        "pct_good_or_better_self uses the agencies' own grades. Rows from fewer than "
        f"{res.settings.min_cases} cases are indicative (small samples are shown, not suppressed)."
    )
    if by == "domain":
        spec = TableSpec(
            name="audit_grades_domain",
            title="Audit grades by domain and audit",
            unit="cases",
            rule="small-sample",
            source=_SOURCE,
            keys=("audit_id", "domain"),
            notes=f"Audits dated {window_text(res)}. " + common,
            **page_view(GRADES_DOMAIN_PAGE, PAGE_LABELS),
        )
        return _shown(ctx.publish.table(res.grades_domain, spec), spec)
    if by == "agency":
        spec = TableSpec(
            name="audit_grades_agency",
            title="Audit grades by agency and domain",
            unit="cases",
            rule="small-sample",
            source=_SOURCE,
            keys=("agency", "domain"),
            notes=f"All audits dated {window_text(res)}. " + common,
            **page_view(GRADES_AGENCY_PAGE, PAGE_LABELS),
        )
        return _shown(ctx.publish.table(res.grades_agency, spec), spec)
    raise ValueError(f"by {by!r} is not one of: domain, agency")


def grades_chart_data(res: AuditResults) -> pd.DataFrame:
    """The data of the grades heatmap: each agency's share of panel grades good or better by domain
    (and all domains), with its cases, gradings and whether it is indicative."""
    ga = res.grades_agency[res.grades_agency["agency"].ne(ALL)]
    return ga[["agency", "domain", "n_cases", "n_gradings", "pct_good_or_better", "indicative"]]


def chart_grades(ctx: Any, res: AuditResults) -> Any:
    """Publish a heatmap of the share of panel grades good or better by domain and agency (:func:`grades_chart_data`)."""
    from .. import charts

    ga = grades_chart_data(res)
    if ga.empty:
        return None
    m = ga.pivot(index="domain", columns="agency", values="pct_good_or_better")
    m = m.reindex([d for d in list(res.inputs.framework.domains.values()) + [ALL] if d in m.index])
    m = m.rename(index={ALL: "All domains"})
    worst = ga[ga["domain"].ne(ALL)].sort_values("pct_good_or_better").head(1)
    alt = (
        f"Heatmap of the percentage of panel grades good or better for {m.shape[0] - 1} practice domains "
        f"(rows) and {m.shape[1]} agencies (columns), audits of {window_text(res)}. "
    )
    if len(worst):
        w = worst.iloc[0]
        alt += f"The lowest is {w['domain']} for {w['agency']} at {w['pct_good_or_better']:.0f}%."
    chart = charts.heatmap(
        m,
        name="audit_grades_heatmap",
        title="Where practice was graded good or better, by domain and agency",
        subtitle=f"Percentage of panel moderated grades good or better, audits {window_text(res)} (indicative: few cases)",
        source=_SOURCE,
        alt=alt,
        fmt="{:.0f}%",
        config=ctx.config.disclosure,
        data=ga,
    )
    return ctx.publish.figure(chart)


def show_reaudit(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_reaudit``: change in grades on re-audited themes."""
    spec = TableSpec(
        name="audit_reaudit",
        title="Change in grades when a theme is re-audited",
        unit="cases",
        rule="small-sample",
        source=_SOURCE,
        keys=("audit_id", "domain"),
        notes="change_pp: later minus earlier percentage of panel grades good or better, in percentage "
        "points, differenced before rounding; change_lower and change_upper: its 95% interval from "
        f"{res.settings.n_boot} resamples of whole cases within each audit (seed {res.settings.seed}). "
        "direction is improved or fell only where the interval excludes no change, and no clear change "
        "otherwise. Different children are audited each time, so a change is indicative, not a trend.",
        **page_view(REAUDIT_PAGE, PAGE_LABELS),
    )
    return _shown(ctx.publish.table(res.reaudit, spec), spec)


def _first_reaudit(res: AuditResults) -> pd.DataFrame:
    """The rows of ``res.reaudit`` for its first re-audit (empty when there is none)."""
    if res.reaudit.empty:
        return res.reaudit
    return res.reaudit[res.reaudit["audit_id"].eq(res.reaudit["audit_id"].iloc[0])]


def reaudit_chart_data(res: AuditResults) -> pd.DataFrame:
    """The data of the re-audit chart: for the first re-audit, each domain's share of panel grades good or
    better in the earlier audit and in the re-audit (``domain, audit, pct_good_or_better``; empty without one)."""
    r = _first_reaudit(res)
    if r.empty:
        return pd.DataFrame(columns=["domain", "audit", "pct_good_or_better"])
    first, prev = r["audit_id"].iloc[0], r["earlier_audit_id"].iloc[0]
    return pd.concat(
        [
            pd.DataFrame(
                {
                    "domain": r["domain"].replace({ALL: "All domains"}),
                    "audit": f"{prev} (earlier)",
                    "pct_good_or_better": r["pct_good_or_better_earlier"],
                }
            ),
            pd.DataFrame(
                {
                    "domain": r["domain"].replace({ALL: "All domains"}),
                    "audit": f"{first} (re-audit)",
                    "pct_good_or_better": r["pct_good_or_better_later"],
                }
            ),
        ],
        ignore_index=True,
    )


def chart_reaudit(ctx: Any, res: AuditResults) -> Any | None:
    """Publish a bar chart of the share good or better by domain, earlier against later audit (first re-audit;
    :func:`reaudit_chart_data`)."""
    from .. import charts

    r = _first_reaudit(res)
    if r.empty:
        return None
    first, prev = r["audit_id"].iloc[0], r["earlier_audit_id"].iloc[0]
    long = reaudit_chart_data(res)
    fell = r[r["direction"].eq("fell") & r["domain"].ne(ALL)]["domain"].tolist()
    rose = r[r["direction"].eq("improved") & r["domain"].ne(ALL)]["domain"].tolist()
    alt = (
        f"Grouped bar chart comparing, for each domain, the percentage of panel grades good or better in audit "
        f"{prev} and in the re-audit {first} ({r['theme'].iloc[0]}). "
        + (
            f"{len(rose)} domains clearly improved and {len(fell)} clearly fell"
            + (f", including {', '.join(fell[:3])}." if fell else ".")
            if rose or fell
            else "No domain's change is clear: every interval from resampling cases includes no change."
        )
    )
    chart = charts.bar(
        long,
        x="pct_good_or_better",
        y="domain",
        hue="audit",
        name="audit_reaudit",
        title=f"Re-audit of {r['theme'].iloc[0].lower()}: how grades changed by domain",
        subtitle="Percentage of panel moderated grades good or better (indicative: few cases; "
        "see the table for each change's interval)",
        source=_SOURCE,
        alt=alt,
        xlabel="% good or better",
        value_format="{:.0f}%",
    )
    return ctx.publish.figure(chart)


def show_agreement(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_agreement``: agencies' own grades against the panel's."""
    s = res.settings
    na = ctx.config.disclosure.not_available
    spec = TableSpec(
        name="audit_agreement",
        title="Do agencies grade their practice as the panel does?",
        unit="cases",
        rule="small-sample",
        source=_SOURCE,
        keys=("level", "subject"),
        notes=(
            f"A unit is one agency's grade of one case in one domain. Exact: same grade; adjacent: "
            f"within one grade. Weighted kappa uses {s.kappa_weights} weights; its "
            f"{CONFIDENCE:.0%} interval is the leave-one-case-out jackknife with Student's t on cases - 1 "
            "degrees of freedom (grades cluster within cases; with 5 to 8 cases a case bootstrap interval "
            "covers the true kappa too rarely), given from three cases. Indicative below "
            f"{s.min_units} units or "
            f"{s.min_cases} cases. alpha_moderators: Krippendorff's ordinal alpha across moderators' "
            f"independent grades, where recorded ({na} otherwise)."
        ),
        **page_view(AGREEMENT_PAGE, PAGE_LABELS),
    )
    out = res.agreement.copy()
    out["alpha_moderators"] = out["alpha_moderators"].astype(object).where(out["alpha_moderators"].notna(), na)
    decimals = {c: 1 for c in out.columns if str(c).startswith("pct_")}  # kappa and alpha to 3
    return _shown(ctx.publish.table(out, spec), spec, decimals=decimals)


def agreement_chart_data(res: AuditResults) -> pd.DataFrame:
    """The data of the agreement chart: the agreement rows of each audit and of all audits together."""
    return res.agreement[res.agreement["level"].isin(["audit", "all"])].copy()


def chart_agreement(ctx: Any, res: AuditResults) -> Any | None:
    """Publish a forest plot of weighted kappa by audit with its case-bootstrap interval (:func:`agreement_chart_data`)."""
    from .. import charts

    d = agreement_chart_data(res)
    if d.empty or d["kappa"].isna().all():
        return None
    lowest = d.sort_values("kappa").iloc[0]
    alt = (
        f"Forest plot of weighted kappa ({res.settings.kappa_weights} weights) between agencies' own grades and "
        f"the panel's, for {len(d) - 1} audits and all together, with {CONFIDENCE:.0%} intervals "
        f"from leaving out one case at a time. The lowest is {lowest['subject']} at {lowest['kappa']:.2f}."
    )
    chart = charts.forest(
        d,
        label="subject",
        value="kappa",
        lower="kappa_lower",
        upper="kappa_upper",
        name="audit_agreement",
        title="Agreement between agencies' self-grades and the panel",
        subtitle=f"Weighted kappa ({res.settings.kappa_weights} weights), {CONFIDENCE:.0%} "
        "interval by case (jackknife; indicative); 0 = chance agreement, 1 = perfect",
        source=_SOURCE,
        alt=alt,
        reference=0.0,
        log=False,
        xlabel="weighted kappa",
    )
    return ctx.publish.figure(chart)


def show_themes(ctx: Any, res: AuditResults) -> Any:
    """Publish ``audit_themes``: coded strengths and areas for development by theme code."""
    spec = TableSpec(
        name="audit_themes",
        title="Recurring themes in audit findings",
        unit="cases",
        rule="small-sample",
        source="Coded audit findings",
        keys=("theme_code",),
        notes=f"Audits dated {window_text(res)}. A theme recurs when it is coded in two or more audits.",
    )
    return _shown(ctx.publish.table(res.themes, spec), spec)


def show_actions(ctx: Any, res: AuditResults, summary: bool = True) -> Any:
    """Publish ``audit_actions`` (one row per action) and ``audit_actions_summary``; return the summary
    (or the action-level table with ``summary=False``)."""
    as_at = f"{res.period.end:%d %B %Y}"
    detail_spec = TableSpec(
        name="audit_actions",
        title=f"Action log as at {as_at}",
        unit="actions",
        rule="organisations",
        source=_ACTION_SOURCE,
        keys=("action_id",),
        notes=(
            f"RAG derived from status and due date as at {as_at}: Blue complete; Red open and past its due date; "
            f"Amber open and due within {res.inputs.framework.amber_days} days; Green open and due later. "
            "An action closed after the period end counts as open. Action text is not published. " + " ".join(res.notes)
        ),
    )
    detail = ctx.publish.table(res.actions.drop(columns=["source_ref"]), detail_spec)
    summ_spec = TableSpec(
        name="audit_actions_summary",
        title=f"Action completion by agency and by source, as at {as_at}",
        unit="actions",
        rule="organisations",
        source=_ACTION_SOURCE,
        keys=("by", "subject"),
        notes="n_complete_without_impact: completed actions with no evidence of impact recorded.",
    )
    summ = ctx.publish.table(res.action_summary, summ_spec)
    return _shown(summ, summ_spec) if summary else _shown(detail, detail_spec)


def show_actions_attention(ctx: Any, res: AuditResults) -> Any:
    """The published actions that need attention: overdue, or complete without evidence of impact."""
    a = ctx.publish.published.get("audit_actions")
    if a is None:
        show_actions(ctx, res)
        a = ctx.publish.published["audit_actions"]
    keep = a["rag"].eq("Red") | a["complete_without_impact"].eq("yes")
    out = a.loc[
        keep,
        [
            "action_id",
            "source",
            "agency",
            "owner_role",
            "due",
            "rag",
            "days_overdue",
            "evidence_of_impact",
            "closed_date",
        ],
    ].copy()
    out.insert(1, "reason", np.where(a.loc[keep, "rag"].eq("Red"), "overdue", "complete without evidence of impact"))
    from ..display import styled

    return styled(
        out,
        f"Actions needing attention as at {res.period.end:%d %B %Y}: overdue, or complete without "
        "evidence of impact (from the published action log)",
        decimals=1,
    )


def publish_flags(ctx: Any, res: AuditResults) -> Any:
    """Write ``flags_audits.csv``; return the reader's columns of it (:func:`assurance_lib.display.flags`),
    the file keeping every column."""
    from ..display import flags

    f = ctx.publish.flags(res.flags, unit="cases", source=_SOURCE + "; " + _ACTION_SOURCE)
    return flags(
        f,
        "Flags for the quarterly report, concerns and strengths, most severe first (flags_audits.csv)",
        analysis="audits",
    )


def _shown(published: pd.DataFrame, spec: TableSpec, decimals: int | dict[str, int] = 1) -> Any:
    """A published table for display: its title as caption, plain headings, no index, cells in full
    (percentages to 1 decimal place; kappa and alpha to 3, as published); the spec's page columns
    where it declares them, with a line naming the CSV (:func:`assurance_lib.display.published`)."""
    from ..display import published as shown

    return shown(published, spec, decimals=decimals, uid="audit_" + spec.name)


def method_notes(res: AuditResults) -> Any:
    """The "Method and caveats" section for display (:func:`method_notes_markdown` through
    :func:`assurance_lib.display.markdown`)."""
    from ..display import markdown

    return markdown(method_notes_markdown(res))


def show_briefings(ctx: Any, res: AuditResults, which: str = "this period") -> Any:
    """Write the seven-minute briefings (:func:`~.briefings.briefings`) and return them for display
    (through :func:`assurance_lib.display.markdown`: links kept only to the pack's own files)."""
    from ..display import markdown
    from ..safe_text import pack_files
    from .briefings import briefings

    md = briefings(ctx, res, which)
    return markdown(md, pack_files=pack_files(Path(ctx.run_dir) / "shareable"))


def method_notes_markdown(res: AuditResults) -> str:
    """The "Method and caveats" section as Markdown (generated from the settings actually used)."""
    s = res.settings
    fw = res.inputs.framework
    good = ", ".join(g.label for g in fw.grades if g.good_or_better)
    return (
        "\n".join(
            [
                f"- **Window.** Audits dated {window_text(res)} ({s.window_months} months to the period end); re-audits are "
                "compared with their earlier audit wherever it falls.",
                f"- **Grades.** {fw.k}-point scale ({', '.join(fw.grade_labels)}); good or better means {good}. Shares use the "
                "panel's moderated grade unless labelled self. A grading is one agency's grade of one case in one domain; "
                "gradings within a case are not independent.",
                f"- **Small samples.** Audits look at few children: any figure from fewer than {s.min_cases} cases "
                f"(or, for agreement, fewer than {s.min_units} rated units) is labelled indicative. Figures are shown, not "
                "suppressed: they count cases, not children in the population, and contain no identifiers.",
                f"- **Agreement.** Exact and adjacent (within one grade) agreement; Cohen's weighted kappa with {s.kappa_weights} "
                f"weights (statsmodels); {CONFIDENCE:.0%} interval from the leave-one-case-out jackknife with Student's t on "
                "cases - 1 degrees of freedom, chosen because with 5 to 8 cases a case bootstrap interval (percentile or "
                "bias-corrected) covered the true kappa in only 83-90% of simulated audits for a nominal 95%, and the "
                "jackknife in 92-95% (tests/test_agreement.py). Still indicative. Krippendorff's ordinal alpha across "
                "moderators where the grades file records two or more.",
                f"- **Re-audit.** The change in the share good or better is differenced before rounding, with a "
                f"{CONFIDENCE:.0%} interval from {s.n_boot} resamples of whole cases within each audit (seed {s.seed}); it "
                "is called a rise or a fall, and flagged, only where the interval excludes no change, otherwise "
                '"no clear change". Different children are audited each time; a change is a prompt for questions, '
                "not a trend.",
                "- **Flags.** Concerns and strengths (coded good practice, clear improvements on re-audit), with the "
                "partnership's priority themes from the audit framework. Actions from Section 11 or reviews belong to "
                "those sources and raise no audit flag.",
                f"- **Action log.** RAG is derived as at the period end from status and due date (Amber: due within "
                f"{fw.amber_days} days), never typed in. An action completed after the period end counts as open.",
                "- **Free text.** Quotations pass the redaction guard; what it cannot clear is left out and counted in the run "
                "log. Case references never leave the analysis.",
            ]
            + [f"- {n}" for n in res.notes]
        )
        + "\n"
    )
