"""The report's prose: the Markdown of each section, the gaps in knowledge and the commentary blocks.

Written from the results (:mod:`.compute`) and from the tables as they were published (so a
suppressed value reads as suppressed); nothing here reads a file or publishes.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from typing import Any

import pandas as pd

from ..tables import SEVERITIES
from .compute import ReportResults
from .inputs import SECTIONS, PublishedPack, ReportInputs

__all__ = ["gaps", "sections", "commentary_md"]


def _link_table(name: str, decls: Mapping[str, Mapping[str, Any]]) -> str:
    d = decls.get(name, {})
    file = d.get("file") or f"{name}.csv"
    return f"[{d.get('title') or name}](tables/{file})"


def _fmt_value(v: Any, suppressed: str) -> str:
    s = str(v)
    if s == suppressed:
        return f"{suppressed} (suppressed: a small number)"
    return s or "not given"


def _evidence_for(analysis: str, pack: PublishedPack) -> tuple[list[str], list[str]]:
    cited = set(pack.flags.loc[pack.flags["analysis"].eq(analysis), "evidence_table"].astype(str)) - {""}
    prefixes = pack.analysis(analysis).table_prefixes or (analysis,)
    tables = sorted(n for n in pack.declarations if (n in cited or n.startswith(prefixes)) and n != f"flags_{analysis}")
    if f"flags_{analysis}" in pack.declarations:
        tables.append(f"flags_{analysis}")
    figs = sorted(f for f in pack.figures if f.startswith(prefixes))
    return tables, figs


def _evidence_md(analysis: str, pack: PublishedPack) -> str:
    tables, figs = _evidence_for(analysis, pack)
    rec = pack.analysis(analysis)
    lines = []
    if rec.notebook in pack.pages:
        lines.append(f"- The full analysis: [{rec.report_title}]({rec.notebook}.html)")
    for t in tables:
        lines.append(f"- Table: {_link_table(t, pack.declarations)}")
    for f in figs:
        lines.append(f"- Chart: [{f.replace('_', ' ')}](figures/{f}.png) (data table: [CSV](figures/{f}.csv))")
    if not lines:
        return "Evidence: none published this period.\n"
    return "Evidence:\n\n" + "\n".join(lines) + "\n"


def _flags_md(flags: pd.DataFrame, pack: PublishedPack, suppressed: str, *, limit: int = 8) -> str:
    """The high severity flags (at most ``limit``), then counts of the rest, pointing to the register."""
    if flags.empty:
        return "No flags were raised.\n"
    out = []
    high = flags[flags["severity"].eq("high")]
    for _, r in high.head(limit).iterrows():
        ev = _link_table(str(r["evidence_table"]), pack.declarations) if r["evidence_table"] else "no table cited"
        key = f" ({r['evidence_key']})" if str(r["evidence_key"]) else ""
        val = f" The value is {_fmt_value(r['value'], suppressed)}." if str(r["value"]) == suppressed else ""
        out.append(f"- **High severity:** {r['statement']}{val} Evidence: {ev}{key}.")
    rest = {s: int(flags["severity"].eq(s).sum()) for s in SEVERITIES}
    rest["high"] = max(0, rest["high"] - limit)
    parts = [f"{n} {'more ' if s == 'high' else ''}{s} severity" for s, n in rest.items() if n]
    if parts:
        out.append(
            f"- {', '.join(parts)} flag{'s' if sum(rest.values()) != 1 else ''}: see the flags register (section 7)."
        )
    counts = ", ".join(f"{int(flags['severity'].eq(s).sum())} {s}" for s in SEVERITIES)
    head = f"{len(flags)} flag{'s' if len(flags) != 1 else ''} ({counts}):\n\n"
    return head + "\n".join(out) + "\n"


def commentary_md(section: str, commentary: Mapping[str, str], withheld: set[str]) -> str:
    """The commentary block of a section: the partnership's own words (quoted and marked as such), or a sentence
    saying the guard withheld them or that there are none."""
    if section in commentary:
        body = "\n".join("> " + ln if ln.strip() else ">" for ln in commentary[section].splitlines())
        return f"\n**The partnership's commentary** (in its own words, not generated from the data):\n\n{body}\n"
    if section in withheld:
        return (
            "\n*The partnership's commentary for this section could not be cleared by the redaction guard and is "
            "left out of the shareable pack (the run log counts it).*\n"
        )
    return "\n*The partnership has not added commentary to this section.*\n"


def _pct(v: Any) -> str:
    try:
        x = float(v)
    except (TypeError, ValueError):
        return str(v)
    return f"{x * 100:.0f}%" if not math.isnan(x) else "not shown"


def gaps(
    inputs: ReportInputs,
    res: ReportResults,
    children_pub: pd.DataFrame | None,
    *,
    prev_label: str,
    suppressed: str,
    not_available: str = "[x]",
) -> list[str]:
    """The gaps in knowledge, each with how to fill it: missing flags files and inputs, no comparison,
    tables not compared, suppressed values, flags resting on them, outcome measures not available.

    ``children_pub`` is the children's feedback table as published (its suppressed cells read as such).
    """
    pack, sup = inputs.pack, suppressed
    out: list[str] = []
    for a in pack.missing_flags:
        rec = pack.analysis(a)
        out.append(
            f"The {rec.report_title} analysis published no flags file this period: its findings are missing "
            f"from the register. Fill it by re-running notebook {rec.notebook} with complete inputs."
        )
    if inputs.children_feedback is None:
        out.append(
            "No children's and young people's feedback summary was given for this period, so the voice of the child "
            "is not evidenced here. Fill it by asking the participation team for counts by theme and sentiment "
            "(children_feedback_path)."
        )
    if inputs.practitioner_survey is None and not any(
        w in n for n in pack.declarations for w in ("survey", "practitioner", "triangulation")
    ):
        out.append(
            "No practitioner survey was given for this period, so what front-line practitioners say is not "
            "evidenced here. Fill it with the practitioner survey of the Section 11 cycle (practitioner_survey_path)."
        )
    if inputs.previous is None:
        out.append(f"No comparison with {prev_label}: {inputs.comparison}.")
    out += list(inputs.data_notes)
    for n in res.number_notes:
        out.append(f"Change since {prev_label} not fully known: {n}.")
    small = []
    for name, t in pack.tables.items():
        n = int(t.isin([sup]).sum().sum())
        if n:
            small.append((name, n))
    if small:
        listed = ", ".join(f"{_link_table(nm, pack.declarations)} ({n} cell{'s' if n != 1 else ''})" for nm, n in small)
        out.append(
            f"Some published values were too small to show and are suppressed ({sup}): {listed}. "
            "Nothing can be concluded from those cells this period; combined groups or a longer window may show them."
        )
    fsup = pack.flags[pack.flags["value"].astype(str).eq(sup)]
    for _, r in fsup.iterrows():
        out.append(f"A flag rests on a suppressed value ({r['analysis']}, {r['measure']}): {r['statement']}")
    for _, r in res.oba[res.oba["value"].eq(not_available)].iterrows():
        out.append(f"Outcomes view: '{r['measure']}' is not available ({r['note']}).")
    if children_pub is not None:
        all_rows = children_pub[children_pub["sentiment"].eq("All sentiments")]
        if all_rows["children"].astype(str).eq(sup).any():
            out.append("Some feedback themes were raised by too few children to report; they are suppressed.")
    return out


def sections(
    inputs: ReportInputs,
    res: ReportResults,
    published: Mapping[str, pd.DataFrame],
    found_gaps: list[str],
    *,
    prev_label: str,
    suppressed: str,
    not_available: str = "[x]",
) -> dict[str, str]:
    """The Markdown of every report section (:data:`SECTIONS`), keyed by section.

    ``published`` holds the report's tables as published (``oba``, and ``children`` and
    ``practitioners`` when given); ``found_gaps`` is :func:`gaps`.
    """
    pack, sup = inputs.pack, suppressed
    children_pub, survey_pub = published.get("children"), published.get("practitioners")
    out = {
        "summary": _summary(inputs, res, children_pub, found_gaps, prev_label=prev_label),
        "data": _data(pack, sup),
        "quality_assurance": _quality_assurance(pack, sup),
        "practitioners": _practitioners(pack, survey_pub),
        "children": _children(children_pub, sup),
        "oba": (
            f"Each measure reads one published value (or counts flags); {not_available} means the evidence is not in "
            "this pack. Evidence: [report_oba](tables/report_oba.csv).\n"
        ),
        "flags": (
            f"All {len(res.register)} flags raised by the three analyses, exactly as published in their flags "
            "files, highest severity first. Severity is written out in words in every row. Evidence: "
            "[report_flags_register](tables/report_flags_register.csv).\n"
        ),
        "changes": _changes(inputs, res, published["oba"], prev_label=prev_label, suppressed=sup),
        "gaps": ("\n".join(f"- {g}" for g in found_gaps) + "\n")
        if found_gaps
        else "No gaps in knowledge were found this period.\n",
        "development": _development(res.register),
        "next_steps": _next_steps(res, found_gaps, prev_label=prev_label),
    }
    return {key: out.get(key, "") for key, _ in SECTIONS}


def _summary(
    inputs: ReportInputs, res: ReportResults, children_pub: pd.DataFrame | None, gaps: list[str], *, prev_label: str
) -> str:
    """Executive summary: flags by severity and analysis, the high ones, what changed, children's feedback, gaps."""
    flags = inputs.pack.flags
    n_by_sev = {s: int(flags["severity"].eq(s).sum()) for s in SEVERITIES}
    by_an = ", ".join(f"{a.short} {int(flags['analysis'].eq(a.name).sum())}" for a in inputs.pack.analyses)
    summary = [
        f"- **{len(flags)} flags** were raised this period: {n_by_sev['high']} high, {n_by_sev['medium']} medium "
        f"and {n_by_sev['low']} low severity ({by_an})."
    ]
    for _, r in res.register[res.register["severity"].eq("high")].head(5).iterrows():
        summary.append(f"- High ({r['ref']}): {r['statement']}")
    if res.flag_changes is not None:
        cnt = res.flag_changes["change"].value_counts()
        nc = res.number_changes
        moved = nc[nc["direction"].isin(["up", "down"])] if nc is not None else pd.DataFrame()
        summary.append(
            f"- Since {prev_label}: {int(cnt.get('new', 0))} new, {int(cnt.get('resolved', 0))} resolved, "
            f"{int(cnt.get('escalated', 0))} escalated and {int(cnt.get('de-escalated', 0))} de-escalated flags; "
            f"{len(moved)} published numbers moved ({int(moved['direction'].eq('up').sum()) if len(moved) else 0} up, "
            f"{int(moved['direction'].eq('down').sum()) if len(moved) else 0} down)."
        )
    else:
        summary.append(f"- Changes since {prev_label} are not reported: {inputs.comparison}.")
    if children_pub is not None:
        themes = children_pub[children_pub["sentiment"].eq("All sentiments")]
        summary.append(f"- Children and young people gave feedback on {len(themes)} themes through participation work.")
    summary.append(
        f"- {len(gaps)} gap{'s' if len(gaps) != 1 else ''} in knowledge {'are' if len(gaps) != 1 else 'is'} listed "
        "below, with how to fill them."
    )
    return "\n".join(summary) + "\n"


def _data(pack: PublishedPack, sup: str) -> str:
    """What does the data tell us: the disproportionality flags and evidence."""
    data_md = [
        f"What the {pack.analysis('disproportionality').report_title} analysis found:\n",
        _flags_md(pack.flags[pack.flags["analysis"].eq("disproportionality")], pack, sup),
        _evidence_md("disproportionality", pack),
    ]
    if "disproportionality" in pack.missing_flags:
        data_md.insert(1, "The analysis published no flags file this period (see the gaps).\n")
    return "\n".join(data_md)


def _quality_assurance(pack: PublishedPack, sup: str) -> str:
    """What does quality assurance tell us: the audit and Section 11 flags and evidence."""
    qa = []
    for a in ("audits", "section11"):
        title = pack.analysis(a).report_title
        qa.append(f"### {title[0].upper() + title[1:]}\n")
        qa.append(
            "The analysis published no flags file this period (see the gaps).\n"
            if a in pack.missing_flags
            else _flags_md(pack.flags[pack.flags["analysis"].eq(a)], pack, sup)
        )
        qa.append(_evidence_md(a, pack))
    return "\n".join(qa)


def _practitioners(pack: PublishedPack, survey_pub: pd.DataFrame | None) -> str:
    """What do front-line practitioners tell us: the survey's agreement by theme, and Section 11's survey tables."""
    pr = []
    if survey_pub is not None:
        shown = (
            survey_pub[survey_pub["shown"].astype(str).isin(["True", "true"])] if "shown" in survey_pub else survey_pub
        )
        pr.append(
            f"The practitioner survey: {len(survey_pub)} theme and scale groups; agreement by theme (themes with "
            "fewer than 5 respondents show counts only):\n"
        )
        twice = set(shown["theme"][shown["theme"].duplicated()])
        for _, r in shown.iterrows():
            scale = f" (answers on the {r['scale']} scale)" if r["theme"] in twice else ""
            pr.append(
                f"- {r['theme']}{scale}: {_pct(r['agreement'])} of {r['answers']} answers agree "
                f"({r['respondents']} practitioners)"
            )
        pr.append(
            "\nEvidence: the table below, published as [report_practitioner_survey](tables/report_practitioner_survey.csv).\n"
        )
    cited = [n for n in sorted(pack.declarations) if any(w in n for w in ("survey", "practitioner", "triangulation"))]
    if cited:
        pr.append("\nThe Section 11 analysis also published what practitioners said beside what agencies rated:\n")
        pr += [f"- Table: {_link_table(n, pack.declarations)}" for n in cited]
    elif survey_pub is None:
        pr.append("No practitioner survey was given for this period (see the gaps).\n")
    return "\n".join(pr) + "\n"


def _children(children_pub: pd.DataFrame | None, sup: str) -> str:
    """What is the voice of the child telling us: children giving feedback by theme and sentiment, as published."""
    ch = []
    if children_pub is not None:
        ch.append(
            "Counts of children and young people giving feedback, by theme (from participation work; no free text "
            "is collected):\n"
        )
        for t, g in children_pub.groupby("theme", sort=False):
            total = g.loc[g["sentiment"].eq("All sentiments"), "children"]
            parts = [
                f"{r['sentiment']} {_fmt_value(r['children'], sup)}"
                for _, r in g.iterrows()
                if r["sentiment"] != "All sentiments"
            ]
            ch.append(f"- {t}: {_fmt_value(total.iloc[0] if len(total) else '', sup)} in all ({'; '.join(parts)})")
        ch.append("\nEvidence: [report_children_feedback](tables/report_children_feedback.csv).\n")
    else:
        ch.append("No children's and young people's feedback summary was given for this period (see the gaps).\n")
    return "\n".join(ch) + "\n"


def _changes(
    inputs: ReportInputs, res: ReportResults, oba_pub: pd.DataFrame, *, prev_label: str, suppressed: str
) -> str:
    """What changed since the previous period: flags, headline measures (``oba_pub``, as published), numbers."""
    flag_changes, number_changes, comparison = res.flag_changes, res.number_changes, inputs.comparison
    if flag_changes is None or number_changes is None:
        return f"Changes are not reported: {comparison}.\n"
    pack, sup = inputs.pack, suppressed
    moved = number_changes[number_changes["direction"].isin(["up", "down"])]
    nc = number_changes[number_changes["direction"].eq("not comparable")]
    lines = [f"Changes {comparison}.\n"]
    if inputs.setting_changes:  # so that a movement caused by a setting is not read as a movement in practice
        lines += [
            "### Changes of method or settings since the previous period\n",
            *(f"- {c}" for c in inputs.setting_changes),
            "",
        ]
    lines.append("### Flags\n")
    for kind in ("new", "escalated", "resolved", "de-escalated"):
        sub = flag_changes[flag_changes["change"].eq(kind)]
        lines.append(f"- **{kind.capitalize()} flags: {len(sub)}**")
        sub = sub.assign(_r=sub["severity"].map({s_: i for i, s_ in enumerate(SEVERITIES)})).sort_values(
            "_r", kind="stable"
        )
        for _, r in sub.head(5).iterrows():
            was = f", was {r['previous_severity']}" if kind in ("escalated", "de-escalated") else ""
            lines.append(f"    - ({r['severity']}{was}) {r['statement']}")
        if len(sub) > 5:
            lines.append(f"    - and {len(sub) - 5} more: see the table of flag changes.")
    o = oba_pub
    if "change" in o.columns:
        lines.append("\n### Headline measures\n")
        for _, r in o.iterrows():
            if str(r["change"]) not in ("", "0") and r["direction"] != "not applicable":
                lines.append(
                    f"- {r['measure']}: {r['previous']} in {prev_label}, {r['value']} now "
                    f"({r['direction']}{', ' + str(r['change']) if r['direction'] in ('up', 'down') else ''})"
                )
    lines.append("\n### Published numbers that moved\n")
    lines.append(
        f"{len(moved)} published numbers moved ({int(moved['direction'].eq('up').sum())} up, "
        f"{int(moved['direction'].eq('down').sum())} down); {len(nc)} could not be compared because a value "
        f"was suppressed in one of the periods (shown as {sup}). By table:\n"
    )
    for t, g in number_changes.groupby("table", sort=True):
        lines.append(
            f"- {_link_table(str(t), pack.declarations)}: {int(g['direction'].eq('up').sum())} up, "
            f"{int(g['direction'].eq('down').sum())} down, {int(g['direction'].eq('not comparable').sum())} "
            "not comparable"
        )
    if number_changes.empty:
        lines.append("- none")
    lines.append(
        "\nEvidence: [report_flag_changes](tables/report_flag_changes.csv) and "
        "[report_number_changes](tables/report_number_changes.csv).\n"
    )
    return "\n".join(lines)


def _development(register: pd.DataFrame) -> str:
    """Areas for development: the high and medium severity flags."""
    dev = [
        f"- {r['ref']} ({r['severity']}, {r['analysis']}): {r['statement']}"
        for _, r in register[register["severity"].isin(["high", "medium"])].iterrows()
    ]
    return (
        "Areas for development are the high and medium severity flags:\n\n" + "\n".join(dev) + "\n"
        if dev
        else "No high or medium severity flag was raised this period.\n"
    )


def _next_steps(res: ReportResults, gaps: list[str], *, prev_label: str) -> str:
    """Next steps: owners for high flags, review of medium ones, continuing flags, gaps to close."""
    register = res.register
    n_high, n_medium = int(register["severity"].eq("high").sum()), int(register["severity"].eq("medium").sum())
    steps = []
    if n_high:
        steps.append(
            f"- Agree an owner, an action and a date for each of the {n_high} high severity flags "
            "(see the flags register)."
        )
    if n_medium:
        steps.append(f"- Review the {n_medium} medium severity flags at the next quality assurance subgroup.")
    if res.flag_changes is not None:
        cont = int(register["status"].eq("continuing").sum())
        if cont:
            steps.append(
                f"- {cont} flags were also raised in {prev_label}: check whether the actions agreed then are working."
            )
    if gaps:
        steps.append(f"- Close the {len(gaps)} gaps in knowledge listed above before the next report.")
    steps.append("- Re-run the pack next quarter; this report will then show what changed.")
    return "\n".join(steps) + "\n"
