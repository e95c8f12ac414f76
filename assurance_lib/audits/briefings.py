"""The draft seven-minute briefings of notebook 03, one per audit, and the free-text guard they use.

The structure (headings, counts, domain names, grades) is generated from the results; every
quotation of free text (findings, actions) passes :func:`assurance_lib.disclosure.redact`
with the run's identifiers, the case references and the names list, after a check for any
date; a passage in which the guard finds anything to remove is left out whole (never quoted
with a mask) and counted in the run log.
"""

from __future__ import annotations

import dataclasses
import re
from dataclasses import dataclass
from typing import Any

import pandas as pd

from .. import disclosure
from ..disclosure.guard import REDACTED
from .compute import ALL, AuditResults, grade_distribution
from .inputs import AuditInputs

__all__ = ["QUOTES_PER_POINT", "briefing_markdown", "briefings", "reaudit_sentence"]

QUOTES_PER_POINT = 2
"""Free-text quotations per point of a briefing, at most (each must pass the redaction guard)."""


def _identifiers(ctx: Any, inputs: AuditInputs) -> Any:
    """The run's identifiers (every input and names list: ``notebook.input_identifiers``) plus the
    case references of the grades in hand."""
    base = ctx.publish.identifiers()
    values = frozenset(str(v) for v in inputs.grades["case_ref"].dropna().unique())
    try:
        return dataclasses.replace(base, values=frozenset(base.values) | values)
    except (TypeError, AttributeError):  # a guard with another shape: keep what the run provides
        return base


_MONTHS = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)"
)
_FREE_TEXT_DATE = re.compile(
    r"\b(?:\d{1,2}[/.\-]\d{1,2}[/.\-]\d{2,4}|\d{4}-\d{1,2}-\d{1,2}|"
    rf"\d{{1,2}}(?:st|nd|rd|th)?\s+{_MONTHS}\.?,?\s+\d{{4}}|{_MONTHS}\.?\s+\d{{1,2}}(?:st|nd|rd|th)?,?\s+\d{{4}})\b",
    re.IGNORECASE,
)
"""Dates in free text (any date, not only a date of birth): removed before the shared guard runs."""


@dataclass(slots=True)
class _Guard:
    """Passes each piece of free text through the redaction guard and counts what it withholds.

    The synthetic generator, and a partnership's audit team, write findings and actions with
    pseudonyms ("Child A", "the baby", "Mother"): the guard is a safety net, not the author.
    A passage in which it finds anything to remove (a date of any kind, which the shared guard
    would not remove, or a name, identifier value, NHS number, postcode, phone number or email
    address, :func:`assurance_lib.disclosure.redact`) is left out whole and counted, never
    quoted with a mask: a briefing reading "[redacted]" is not one anyone would circulate.
    """

    ids: Any
    withheld: int = 0

    def clear(self, text: Any) -> str | None:
        if text is None or (not isinstance(text, str) and pd.isna(text)) or not str(text).strip():
            return None
        plain = " ".join(str(text).split())
        if _FREE_TEXT_DATE.search(plain):
            self.withheld += 1
            return None
        r = disclosure.redact(plain, self.ids)
        if r.withheld or r.replaced or not r.text.strip() or REDACTED in r.text:
            self.withheld += 1
            return None
        return " ".join(r.text.split())


def reaudit_sentence(c: Any) -> str:
    """One sentence on a re-audit change (a row of ``audit_reaudit``): a fall or a rise only where its
    interval excludes no change, "no clear change" with its interval otherwise."""
    span = (
        f"{c['pct_good_or_better_earlier']:.0f}% to {c['pct_good_or_better_later']:.0f}% good or better, "
        f"{c['change_pp']:+.0f} points"
    )
    if pd.isna(c["change_lower"]):
        return f"{span}; no interval could be given, so this is not called a change."
    ci = f"95% interval {c['change_lower']:+.0f} to {c['change_upper']:+.0f}"
    if c["direction"] in ("fell", "improved"):
        return f"the share good or better {'fell' if c['direction'] == 'fell' else 'rose'} ({span}; {ci})."
    return f"no clear change ({span}; the {ci} points includes no change)."


def briefing_markdown(audit_id: str, res: AuditResults, guard: Any, *, not_available: str = "[x]") -> str:
    """A draft seven-minute briefing for one audit, as Markdown.

    The structure (headings, counts, domain names, grades) is generated from the data; every
    quotation of free text (findings, actions) passes ``guard.clear`` (the redaction guard)
    and is left out when the guard cannot clear it. Case references never appear.

    Parameters
    ----------
    audit_id : str
    res : AuditResults
    guard : object with ``clear(text) -> str | None`` and a ``withheld`` count
    """
    fw = res.inputs.framework
    s = res.settings
    reg = res.inputs.register.set_index("audit_id")
    r = reg.loc[audit_id]
    theme = fw.themes.get(r["theme"])
    theme_label = fw.theme_label(r["theme"])
    g = res.inputs.grades[res.inputs.grades["audit_id"] == audit_id]
    dist = grade_distribution(g, fw, ["domain"], min_cases=s.min_cases, totals=["domain"])
    overall = dist[dist["domain"].eq(ALL)].iloc[0]
    doms = dist[dist["domain"].ne(ALL)].sort_values("pct_good_or_better", kind="stable")
    n_ag = int(g["agency"].nunique())
    lines = [
        f"# Seven-minute briefing: {theme_label} ({audit_id})",
        "",
        f"*Draft generated from the audit data for the partnership to edit. {r['audit_type']}, "
        f"{pd.Timestamp(r['audit_date']):%B %Y}.*",
        "",
    ]
    lines += [
        "## 1. Background",
        "",
        f"The partnership audited the multi-agency response to {int(r['n_cases'])} children's cases on the theme of "
        f"{theme_label.lower()} ({r['audit_type'].lower()}). {n_ag} agencies graded their own involvement in "
        f"{len(doms)} practice domains and a multi-agency panel moderated the grades "
        f"({int(overall['n_gradings'])} gradings in all).",
    ]
    prev = r["previous_audit_id"]
    if pd.notna(prev):
        lines += [f"The theme was last audited in {prev} ({pd.Timestamp(reg.at[prev, 'audit_date']):%B %Y})."]
    lines += [
        "",
        "## 2. Why it matters",
        "",
        (
            theme.why_it_matters
            if theme and theme.why_it_matters
            else f"The partnership chose {theme_label.lower()} as a priority for assurance this year."
        ),
        "",
    ]
    lines += [
        "## 3. What we found",
        "",
        f"- {overall['pct_good_or_better']:.0f}% of panel grades were good or better "
        f"(agencies' own grades: {overall['pct_good_or_better_self']:.0f}%)."
        + (" These figures come from few cases and are indicative." if overall["indicative"] == "yes" else ""),
    ]
    if len(doms):
        best, worst = doms.iloc[-1], doms.iloc[0]
        lines += [
            f"- Strongest domain: {best['domain']} ({best['pct_good_or_better']:.0f}% good or better).",
            f"- Weakest domain: {worst['domain']} ({worst['pct_good_or_better']:.0f}% good or better).",
        ]
    ch = res.reaudit[res.reaudit["audit_id"].eq(audit_id) & res.reaudit["domain"].eq(ALL)]
    if len(ch):
        c = ch.iloc[0]
        lines += [f"- Since {c['earlier_audit_id']}: {reaudit_sentence(c)}"]
    ag = res.agreement[res.agreement["level"].eq("audit") & res.agreement["subject"].eq(audit_id)]
    if len(ag):
        a = ag.iloc[0]
        lines += [
            f"- Agencies and the panel gave the same grade in {a['pct_exact']:.0f}% of gradings; agencies graded "
            f"themselves higher in {a['pct_self_higher']:.0f}% (weighted kappa {a['kappa']:.2f}"
            + (
                f", 95% interval {a['kappa_lower']:.2f} to {a['kappa_upper']:.2f}"
                if pd.notna(a["kappa_lower"]) and pd.notna(a["kappa_upper"])
                else ""
            )
            + (", indicative" if a["indicative"] == "yes" else "")
            + ")."
        ]
    lines += [""]
    f = res.inputs.findings[res.inputs.findings["audit_id"] == audit_id]
    for num, kind, title in ((4, fw.finding_kinds[0], "Strengths"), (5, fw.finding_kinds[-1], "Areas for development")):
        fk = f[f["kind"] == kind]
        lines += [f"## {num}. {title}", ""]
        if fk.empty:
            lines += [f"No {title.lower()} were coded.", ""]
            continue
        for code, n in fk["theme_code"].value_counts().sort_index().items():
            lines += [f"- {fw.finding_codes.get(str(code), str(code))}: {n} finding{'s' if n != 1 else ''}."]
        quotes, left = [], 0
        for text in fk["text"]:
            if len(quotes) >= QUOTES_PER_POINT:
                break
            q = guard.clear(text)
            if q is None:
                left += 1
            else:
                quotes.append(q)
        lines += [""]
        for q in quotes:
            lines += [f"> {q}", ""]
        if left:
            lines += [
                f"*{left} quotation{'s' if left != 1 else ''} left out: the redaction guard could not clear "
                f"{'them' if left != 1 else 'it'}.*",
                "",
            ]
    acts = res.inputs.actions[
        res.inputs.actions["source"].eq("audit")
        & res.inputs.actions["source_ref"].eq(audit_id)
        & (res.inputs.actions["created"] <= pd.Timestamp(res.period.end))
    ]
    st = res.actions.set_index("action_id")
    lines += ["## 6. What to do", ""]
    if acts.empty:
        lines += ["No actions from this audit are in the action log yet."]
    left = 0
    for _, act in acts.iterrows():
        text = guard.clear(act["action"])
        rag = st.at[act["action_id"], "rag"] if act["action_id"] in st.index else not_available
        head = f"- **{act['action_id']}** ({act['agency']}, {act['owner_role']}; due {act['due']:%d %B %Y}; {rag})"
        if text is None:
            left += 1
            lines += [head + "."]
        else:
            lines += [head + f": {text}"]
    if left:
        lines += [
            "",
            f"*The text of {left} action{'s' if left != 1 else ''} was left out: the redaction guard could "
            "not clear it.*",
        ]
    lines += ["", "## 7. Questions for reflection", ""]
    qs = list(theme.questions) if theme else []
    for _, d in doms.head(2).iterrows():
        code = next((c for c, lab in fw.domains.items() if lab == d["domain"]), None)
        if code and fw.domain_questions.get(code):
            qs.append(fw.domain_questions[code])
    lines += [f"- {q}" for q in qs] or ["- What would a child in one of these cases say about our help?"]
    return "\n".join(lines) + "\n"


def briefings(ctx: Any, res: AuditResults, which: str = "this period") -> str:
    """Write ``shareable/text/briefing_<audit_id>.md`` for each audit of this period; return all as Markdown.

    Every free-text quotation passes :func:`assurance_lib.disclosure.redact` with the run's
    identifiers, the case references and the names list; what it cannot clear is left out and
    the count goes to the run log.
    """
    guard = _Guard(_identifiers(ctx, res.inputs))
    ids = list(res.audits.loc[res.audits["role"].eq(which), "audit_id"]) if which else list(res.audits["audit_id"])
    parts = []
    for a in ids:
        md = briefing_markdown(a, res, guard, not_available=ctx.config.disclosure.not_available)
        md = ctx.publish.text(f"briefing_{re.sub(r'[^A-Za-z0-9_-]+', '_', a)}", md, free_text=True)
        parts.append(md)
    if guard.withheld:
        # counted in the run log (the text itself never is)
        ctx.publish._log(
            f"audits: {guard.withheld} free-text passage(s) in the seven-minute briefings could not be "
            "cleared by the redaction guard and were left out"
        )
    if not parts:
        return "No audit is dated in this period, so there is no briefing."
    return "\n---\n\n".join(parts)
