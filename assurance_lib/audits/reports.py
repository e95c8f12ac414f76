"""One short report per audit, as partnerships publish them: scope, cases, what was found,
strengths, what needs to improve, and recommendations with their owners.

Each report is an accessible web page in ``shareable/letters/audit_report_<audit_id>.html``
(and the same as a Word document), built from blocks that are escaped when rendered
(:mod:`assurance_lib.section11.letters`) and written through ``ctx.publish.document``. Every
quotation of free text (findings, action text) passes the briefings' redaction guard
(:class:`~.briefings._Guard`): a passage with anything to remove is left out whole and counted,
never quoted with a mask. The numbers come from the results of this run (the grades by domain
of the audit, its re-audit change and its agreement row), as published in the tables.
"""

from __future__ import annotations

import re
from typing import Any

import pandas as pd

from ..section11 import letters as L
from .briefings import QUOTES_PER_POINT, _Guard, _identifiers, reaudit_sentence
from .compute import ALL, AuditResults, grade_distribution

__all__ = ["audit_report", "audit_reports_in_scope", "write_audit_reports", "report_name"]


def report_name(audit_id: str) -> str:
    """The file name (without extension) of an audit's report, e.g. ``audit_report_AUD-2026-03``."""
    return "audit_report_" + re.sub(r"[^A-Za-z0-9_-]+", "_", audit_id)


def audit_reports_in_scope(res: AuditResults) -> list[str]:
    """The audits that get a report: every audit dated in the window (not the earlier audits of re-audits)."""
    return list(res.audits.loc[res.audits["role"].ne("earlier audit of a re-audited theme"), "audit_id"])


def _findings_blocks(res: AuditResults, audit_id: str, kind: str, guard: Any) -> list[L.Block]:
    fw = res.inputs.framework
    f = res.inputs.findings
    fk = f[(f["audit_id"] == audit_id) & (f["kind"] == kind)]
    if fk.empty:
        return [L.paragraph(f"The panel coded no {'strengths' if kind == fw.finding_kinds[0] else 'areas'}.")]
    items = []
    left = 0
    for code, g in fk.groupby("theme_code", sort=True):
        label = fw.finding_codes.get(str(code), str(code))
        quotes = []
        for text in g["text"]:
            if len(quotes) >= QUOTES_PER_POINT:
                break
            q = guard.clear(text)
            if q is None:
                left += 1
            else:
                quotes.append(q)
        n = len(g)
        items.append(f"{label} ({n} finding{'s' if n != 1 else ''})" + (": " + " ".join(quotes) if quotes else "."))
    out = [L.bullets(items)]
    if left:
        out.append(
            L.paragraph(
                f"{left} finding{'s' if left != 1 else ''} not quoted: the redaction guard found something to remove.",
                css="meta",
            )
        )
    return out


def audit_report(res: AuditResults, audit_id: str, guard: Any, *, partnership: str = "") -> tuple[str, list[L.Block]]:
    """The title and blocks of one audit's report (render with :func:`assurance_lib.section11.letters.page`).

    Parameters
    ----------
    res : AuditResults
    audit_id : str
    guard : object with ``clear(text) -> str | None`` (the redaction guard of the briefings)
    partnership : str
        The partnership's name, for the line under the title.
    """
    fw = res.inputs.framework
    s = res.settings
    reg = res.inputs.register.set_index("audit_id")
    r = reg.loc[audit_id]
    theme = fw.themes.get(r["theme"])
    label = fw.theme_label(r["theme"])
    g = res.inputs.grades[res.inputs.grades["audit_id"] == audit_id]
    dist = grade_distribution(g, fw, ["domain"], min_cases=s.min_cases, totals=["domain"])
    overall = dist[dist["domain"].eq(ALL)].iloc[0]
    doms = dist[dist["domain"].ne(ALL)]
    n_cases = int(r["n_cases"])
    indicative = n_cases < s.min_cases
    title = f"Audit report: {label} ({audit_id})"
    when = f"{pd.Timestamp(r['audit_date']):%B %Y}"
    body: list[L.Block] = [
        L.paragraph(
            f"{partnership + ': ' if partnership else ''}{r['audit_type']}, {when}. "
            f"Draft generated from the audit data for the panel to edit.",
            css="meta",
        ),
        L.heading("Scope"),
        L.paragraph(
            f"The panel audited the multi-agency response to {n_cases} children's cases on the theme of "
            f"{label.lower()}: {int(g['agency'].nunique())} agencies ({', '.join(sorted(g['agency'].unique()))}) "
            f"graded their own involvement in {len(doms)} practice "
            f"domain{'s' if len(doms) != 1 else ''} and the panel moderated {int(overall['n_gradings'])} gradings. "
            "Only the agencies involved in a case graded it."
            + (" With so few cases, every figure here is indicative." if indicative else ""),
        ),
    ]
    if theme and theme.why_it_matters:
        body.append(L.paragraph(f"Why it matters: {theme.why_it_matters}"))
    prev = r["previous_audit_id"]
    if pd.notna(prev):
        body.append(L.paragraph(f"It re-audits {prev} ({pd.Timestamp(reg.at[prev, 'audit_date']):%B %Y})."))
    found = [
        f"{overall['pct_good_or_better']:.0f}% of the panel's grades were good or better; the agencies' own grades "
        f"said {overall['pct_good_or_better_self']:.0f}%."
    ]
    ch = res.reaudit[res.reaudit["audit_id"].eq(audit_id) & res.reaudit["domain"].eq(ALL)]
    if len(ch):
        found.append(f"Since {ch.iloc[0]['earlier_audit_id']}: {reaudit_sentence(ch.iloc[0])}")
    ag = res.agreement[res.agreement["level"].eq("audit") & res.agreement["subject"].eq(audit_id)]
    if len(ag):
        a = ag.iloc[0]
        found.append(
            f"Agencies and the panel gave the same grade in {a['pct_exact']:.0f}% of gradings; agencies graded "
            f"themselves higher in {a['pct_self_higher']:.0f}% and lower in {a['pct_self_lower']:.0f}%."
        )
    table = pd.DataFrame(
        {
            "Domain": doms["domain"],
            "Gradings": doms["n_gradings"].astype(int),
            "Good or better (panel)": doms["pct_good_or_better"].map(lambda v: f"{v:.0f}%"),
            "Good or better (agencies' own)": doms["pct_good_or_better_self"].map(lambda v: f"{v:.0f}%"),
        }
    )
    body += [
        L.heading("What we found"),
        L.bullets(found),
        L.table(table, f"Grades by practice domain, {n_cases} cases{' (indicative)' if indicative else ''}"),
        L.heading("Strengths"),
        *_findings_blocks(res, audit_id, fw.finding_kinds[0], guard),
        L.heading("What needs to improve"),
        *_findings_blocks(res, audit_id, fw.finding_kinds[-1], guard),
        L.heading("Recommendations and who owns them"),
    ]
    acts = res.inputs.actions[
        res.inputs.actions["source"].eq("audit")
        & res.inputs.actions["source_ref"].eq(audit_id)
        & (res.inputs.actions["created"] <= pd.Timestamp(res.period.end))
    ]
    st = res.actions.set_index("action_id")
    if acts.empty:
        body.append(L.paragraph("No recommendation from this audit is in the action log yet."))
    else:
        rows = []
        for _, act in acts.iterrows():
            text = guard.clear(act["action"])
            rag = st.at[act["action_id"], "rag"] if act["action_id"] in st.index else ""
            status = {"Blue": "complete", "Red": "overdue", "Amber": "due within a month", "Green": "on track"}.get(
                rag, ""
            )
            rows.append(
                {
                    "Recommendation": text or "(text not shown: the redaction guard found something to remove)",
                    "Owner": f"{act['agency']} ({act['owner_role']})",
                    "Due": f"{act['due']:%d %B %Y}",
                    f"Status at {res.period.end:%d %B %Y}": status,
                }
            )
        body.append(
            L.table(pd.DataFrame(rows), f"Recommendations of audit {audit_id}, from the partnership action log")
        )
    return title, body


def write_audit_reports(ctx: Any, res: AuditResults) -> Any:
    """Write one report per audit of the window to ``shareable/letters/`` (web page and Word document);
    return the list of reports written for display.

    Numbers: :func:`audit_report` (from this run's results).
    """
    from ..display import styled

    guard = _Guard(_identifiers(ctx, res.inputs))
    rows = []
    for a in audit_reports_in_scope(res):
        title, body = audit_report(res, a, guard, partnership=ctx.config.partnership)
        name = report_name(a)
        ctx.publish.document(name, L.page(title, body), word=L.word(title, body))
        rows.append({"audit_id": a, "title": title, "page": f"letters/{name}.html", "word": f"letters/{name}.docx"})
    if guard.withheld:
        ctx.publish.note(
            f"audits: {guard.withheld} free-text passage(s) in the audit reports could not be cleared by the "
            "redaction guard and were left out"
        )
    frame = pd.DataFrame(rows, columns=["audit_id", "title", "page", "word"])
    return styled(frame, "One report per audit of the window, with its recommendations and their owners")
